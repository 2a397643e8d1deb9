// metric/ess: Kish's effective sample size (Σ w)² / Σ w² of a sampler's final
// importance weights (array "log_weights", any normalisation), absolute and
// as a fraction of the particle count.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class EffectiveSampleSize : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const Artifact& s = in.get("sample");
    if (!s.has_array("log_weights"))
      throw std::invalid_argument("the sample has no array 'log_weights' (feed it sampler/ttflow or sampler/smc)");
    const std::vector<double> lw = s.array("log_weights").to_double();
    if (lw.empty()) throw std::invalid_argument("log_weights is empty");
    const double top = *std::max_element(lw.begin(), lw.end());
    double sum = 0, sum_sq = 0;
    for (double v : lw) {
      const double w = std::exp(v - top);  // shifted: the ratio does not change
      sum += w;
      sum_sq += w * w;
    }
    const double ess = sum * sum / sum_sq;
    Artifact out;
    out.set_scalar("ess", ess).set_scalar("ess_fraction", ess / static_cast<double>(lw.size()));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(EffectiveSampleSize, "metric/ess", "1",
                  "Kish effective sample size of a sampler's final importance weights",
                  input("sample", "a sampler with array 'log_weights'"),
                  output("ess", "scalar: (Σw)²/Σw²"), output("ess_fraction", "scalar: ess / particles"))

}  // namespace reprise
