// metric/mode-weights: how well a sample spreads its mass over a multimodal
// target's modes (seed 002): each sample row is assigned to a mode by the
// target (target.hpp: the most responsible component of a mixture, the sign
// pattern of a many-well), and the empirical fractions are compared with the
// exact mode masses. Writes the largest per-mode |error|, the total variation
// ½ Σ |error|, and how many modes the sample visits out of how many have mass.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/metrics/moments.hpp"
#include "components/targets/target.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class ModeWeights : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const auto target = Target::from_artifact(in.get("target"), "input 'target'");
    const Array& sample = sample_matrix(in.get("sample"), "sample");
    if (sample.shape()[1] != target->dim())
      throw std::invalid_argument("the sample has " + std::to_string(sample.shape()[1]) + " variables, the target " +
                                  std::to_string(target->dim()));
    const std::vector<double> x = sample.to_double();
    const std::size_t n = sample.shape()[0], d = target->dim();
    std::vector<double> freq(target->mode_count(), 0.0);
    for (std::size_t i = 0; i < n; ++i) freq[target->mode_of(&x[i * d])] += 1.0 / static_cast<double>(n);
    const std::vector<double> exact = target->mode_weights();
    double max_abs = 0, tv = 0;
    std::size_t visited = 0;
    for (std::size_t m = 0; m < exact.size(); ++m) {
      const double err = std::abs(freq[m] - exact[m]);
      max_abs = std::max(max_abs, err);
      tv += 0.5 * err;
      if (freq[m] > 0) ++visited;
    }
    Artifact out;
    out.set_scalar("max_abs", max_abs).set_scalar("total_variation", tv);
    out.set_scalar("modes_visited", static_cast<double>(visited)).set_scalar("modes", static_cast<double>(exact.size()));
    out.set_array("fractions", Array::from<double>({freq.size()}, freq));
    out.set_array("exact", Array::from<double>({exact.size()}, exact));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(ModeWeights, "metric/mode-weights", "1",
                  "per-mode mass error of a sample against a multimodal target's exact mode masses",
                  input("target", "a target/* node"),
                  input("sample", "artifact with array 'samples' {n, d} (e.g. a sampler)"),
                  output("max_abs", "scalar: largest |fraction − exact mass| over the modes"),
                  output("total_variation", "scalar: ½ Σ |fraction − exact mass|"),
                  output("modes_visited", "scalar: modes holding at least one sample"),
                  output("modes", "scalar: number of modes"),
                  output("fractions", "float64 {modes}: the sample's fraction in each mode"),
                  output("exact", "float64 {modes}: the exact masses"))

}  // namespace reprise
