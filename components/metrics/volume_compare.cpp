#include "components/metrics/volume_compare.hpp"

#include <stdexcept>

namespace reprise::volume_compare {

InputSpec input_truth() { return input("truth", "the reference volume"); }
InputSpec input_test() { return input("test", "the volume to score (decompressed or super-resolved), same shape"); }
ParamSpec param_key() { return param_string("key", "volume", "name of the array compared in both inputs"); }

const Array& array_of(const Inputs& in, const std::string& input, const std::string& key) {
  const Artifact& a = in.get(input);
  if (!a.has_array(key)) {
    std::string present;
    for (const auto& [name, array] : a.arrays()) present += (present.empty() ? "" : ", ") + name;
    throw std::runtime_error("input '" + input + "' has no array '" + key + "' (arrays: " +
                             (present.empty() ? "none" : present) + "); set key:");
  }
  const Array& array = a.array(key);
  if (array.size() == 0) throw std::runtime_error("array '" + key + "' of input '" + input + "' is empty");
  return array;
}

Pair read(const Inputs& in, const Params& p) {
  const std::string& key = p.get_string("key");
  const Array& truth = array_of(in, "truth", key);
  const Array& test = array_of(in, "test", key);
  if (truth.shape() != test.shape())
    throw std::runtime_error("'" + key + "' of truth has shape " + shape_text(truth.shape()) + " but test has " +
                             shape_text(test.shape()) + "; they must match (decode the test on the truth's grid)");
  return Pair{truth.shape(), truth.to_double(), test.to_double()};
}

}  // namespace reprise::volume_compare
