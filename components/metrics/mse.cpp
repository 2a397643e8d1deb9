// metric/mse: mean squared error between two volumes, the y axis of the paper's
// Fig. 3A/B (seed 001): mse = (1/n) Σ (truth_i - test_i)², accumulated in double
// over every element of array `key` (default "volume"); the shapes must match.
// nmse = mse / Var(truth): the error relative to predicting the truth's mean
// everywhere (whose MSE is the population variance), so 1 is "learned nothing".
// See volume_compare.hpp for the inputs.
#include <limits>

#include "components/metrics/volume_compare.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class MseMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const volume_compare::Pair v = volume_compare::read(in, p);
    const auto n = static_cast<double>(v.truth.size());
    double sum = 0, truth_sum = 0;
    for (std::size_t i = 0; i < v.truth.size(); ++i) {
      const double d = v.truth[i] - v.test[i];
      sum += d * d;
      truth_sum += v.truth[i];
    }
    const double truth_mean = truth_sum / n;
    double spread = 0;  // two passes: the variance of a sparse volume is small next to its mean square
    for (const double t : v.truth) spread += (t - truth_mean) * (t - truth_mean);
    const double mse = sum / n, variance = spread / n;
    Artifact out;
    out.set_scalar("mse", mse);
    out.set_scalar("truth_variance", variance);
    out.set_scalar("nmse", variance > 0 ? mse / variance : std::numeric_limits<double>::quiet_NaN());
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(MseMetric, "metric/mse", "2", "mean squared error of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  output("mse", "scalar: (1/n) Σ (truth - test)²"),
                  output("truth_variance", "scalar: (1/n) Σ (truth - mean(truth))², the MSE of predicting the mean"),
                  output("nmse", "scalar: mse / truth_variance (NaN for a constant truth)"))

}  // namespace reprise
