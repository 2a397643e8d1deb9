// See figure_inputs.hpp.
#include "components/figures/figure_inputs.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace reprise::figures {
namespace {

std::string array_list(const Artifact& a) {
  std::string out;
  for (const auto& [key, value] : a.arrays()) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "(none)" : out;
}

}  // namespace

Plane read_plane(const Params& p, std::size_t d, const std::string& drawing) {
  const std::vector<std::int64_t>& dims = p.get_ints("dims");
  const std::string given = canonical(ParamValue(dims));
  if (d < 2)
    throw std::invalid_argument("the target has d = " + std::to_string(d) + "; " + drawing +
                                " needs two coordinates");
  if (dims.size() != 2)
    throw std::invalid_argument("dims must list two coordinate indices, e.g. [0, 1]; got " + given);
  for (std::int64_t k : dims)  // the schema has checked k >= 0
    if (k >= static_cast<std::int64_t>(d))
      throw std::invalid_argument("dims " + given + ": coordinate " + std::to_string(k) +
                                  " is out of range for the target's d = " + std::to_string(d) + " (indices 0.." +
                                  std::to_string(d - 1) + ")");
  if (dims[0] == dims[1])
    throw std::invalid_argument("dims " + given + " names coordinate " + std::to_string(dims[0]) +
                                " twice; pick two different coordinates");
  return {static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1])};
}

const Array& read_samples(const Artifact& a, const std::string& input, std::size_t d) {
  if (!a.has_array("samples"))
    throw std::invalid_argument("input '" + input + "' has no array 'samples' (arrays: " + array_list(a) +
                                (input == "target" ? "); a target/* node writes its exact samples there"
                                                   : "); feed it a sampler/* or target/* node"));
  const Array& s = a.array("samples");
  if (s.rank() != 2 || s.shape()[1] != d)
    throw std::invalid_argument("'samples' of input '" + input + "' has shape " + shape_text(s.shape()) +
                                "; expected {n, " + std::to_string(d) + "}, the target's dimension d = " +
                                std::to_string(d));
  if (s.shape()[0] == 0)
    throw std::invalid_argument("'samples' of input '" + input + "' has no rows; nothing to draw");
  return s;
}

}  // namespace reprise::figures
