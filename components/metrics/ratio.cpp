#include "components/metrics/ratio.hpp"

#include <stdexcept>
#include <string>

#include "components/metrics/volume_compare.hpp"

namespace reprise {

Artifact RatioMetric::run(const Inputs& in, const Params& p, Context&) {
  const std::string name = "metric/ratio";
  const Array& truth = volume_compare::array_of(in, name, "truth", p.get_string("key"));
  const Artifact& packed = in.get("packed");
  if (!packed.scalars().count("bytes")) {
    std::string present;
    for (const auto& [k, v] : packed.scalars()) present += (present.empty() ? "" : ", ") + k;
    throw std::runtime_error(name + ": input 'packed' has no scalar 'bytes' (scalars: " +
                             (present.empty() ? "none" : present) + "); is it a codec node?");
  }
  const double bytes = packed.scalar("bytes");
  if (!(bytes > 0))
    throw std::runtime_error(name + ": input 'packed' reports " + std::to_string(bytes) + " bytes; expected > 0");
  const double elements = static_cast<double>(truth.size());
  Artifact out;
  out.set_scalar("ratio", elements * static_cast<double>(p.get_int("bits")) / 8.0 / bytes);
  out.set_scalar("bits_per_value", 8.0 * bytes / elements);
  return out;
}

REPRISE_COMPONENT(RatioMetric, "metric/ratio", "1",
                  "compression ratio of a codec's stored bytes against the truth volume at a fixed bits per value",
                  volume_compare::input_truth(), input("packed", "a codec node: its scalar 'bytes' is the stored size"),
                  volume_compare::param_key(),
                  param_int("bits", 16, "bits of one original value (10-bit ADC stored as 16)").range(1, 64),
                  output("ratio", "scalar: elements * bits / 8 / bytes"),
                  output("bits_per_value", "scalar: 8 * bytes / elements"))

}  // namespace reprise
