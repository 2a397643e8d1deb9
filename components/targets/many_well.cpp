// target/many-well: FAB's many-well density (double_well.hpp), used by the
// tensor-train flow paper (seed 002) for d = 4, 8, 16 (32 a stretch), with
// exact samples, log Z and mode masses as ground truth.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "components/targets/double_well.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class ManyWellTargetComponent : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context& ctx) override {
    const auto d = static_cast<std::size_t>(p.get_int("dim"));
    if (d % 2 != 0)
      throw std::invalid_argument("dim = " + std::to_string(d) +
                                  " is odd; the many-well energy pairs a double-well coordinate with a Gaussian one");
    const ManyWellTarget target(d, p.get_double("a"), p.get_double("b"), p.get_double("c"));
    return target_artifact(target, static_cast<std::size_t>(p.get_int("truth_samples")), ctx.seed());
  }
};

}  // namespace

REPRISE_COMPONENT(ManyWellTargetComponent, "target/many-well", "1",
                  "FAB's many-well energy (d/2 double wells times Gaussians, 2^(d/2) modes) with exact samples, "
                  "log Z and mode masses",
                  param_int("dim", 4, "dimension d (even)").range(2, 48),
                  param_double("a", -0.5, "linear coefficient of the double well"),
                  param_double("b", -6.0, "quadratic coefficient of the double well"),
                  param_double("c", 1.0, "quartic coefficient of the double well").at_least(1e-12),
                  param_int("truth_samples", 2000, "exact samples written as ground truth").at_least(1),
                  output("samples", "float64 {truth_samples, d}: exact samples"),
                  output("log_z", "scalar: exact log Z"), output("dim", "scalar: d"),
                  output("mass_positive", "scalar: mass of x_2i > 0 in one pair"))

}  // namespace reprise
