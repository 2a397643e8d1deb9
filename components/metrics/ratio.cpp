// metric/ratio: compression ratio of a codec's output against the truth volume
// (the x axis of the paper's Fig. 3A, seed 001):
//   ratio          = elements(truth) * bits / 8 / bytes
//   bits_per_value = 8 * bytes / elements(truth)
// where bytes is the codec's scalar "bytes" (the size of what it stores: the
// stream, or an INR's weights) and bits the size of one original value: 16 by
// default, the 10-bit ADC as it is stored. Computing it here, rather than reading
// each codec's own "ratio", puts every codec on the same original size.
#include <stdexcept>
#include <string>

#include "components/metrics/volume_compare.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class RatioMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const Array& truth = volume_compare::array_of(in, "truth", p.get_string("key"));
    const Artifact& packed = in.get("packed");
    if (!packed.scalars().count("bytes")) {
      std::string present;
      for (const auto& [k, v] : packed.scalars()) present += (present.empty() ? "" : ", ") + k;
      throw std::runtime_error("input 'packed' has no scalar 'bytes' (scalars: " + (present.empty() ? "none" : present) +
                               "); is it a codec node?");
    }
    const double bytes = packed.scalar("bytes");
    if (!(bytes > 0))
      throw std::runtime_error("input 'packed' reports " + std::to_string(bytes) + " bytes; expected > 0");
    const double elements = static_cast<double>(truth.size());
    Artifact out;
    out.set_scalar("ratio", elements * static_cast<double>(p.get_int("bits")) / 8.0 / bytes);
    out.set_scalar("bits_per_value", 8.0 * bytes / elements);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(RatioMetric, "metric/ratio", "1",
                  "compression ratio of a codec's stored bytes against the truth volume at a fixed bits per value",
                  volume_compare::input_truth(), input("packed", "a codec node: its scalar 'bytes' is the stored size"),
                  volume_compare::param_key(),
                  param_int("bits", 16, "bits of one original value (10-bit ADC stored as 16)").range(1, 64),
                  output("ratio", "scalar: elements * bits / 8 / bytes"),
                  output("bits_per_value", "scalar: 8 * bytes / elements"))

}  // namespace reprise
