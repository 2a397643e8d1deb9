// metric/mse: mean squared error between two volumes, the y axis of the paper's
// Fig. 3A/B (seed 001): mse = (1/n) Σ (truth_i - test_i)², accumulated in double
// over every element of array `key` (default "volume"); the shapes must match.
// See volume_compare.hpp for the inputs.
#include "components/metrics/volume_compare.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class MseMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const volume_compare::Pair v = volume_compare::read(in, p);
    double sum = 0;
    for (std::size_t i = 0; i < v.truth.size(); ++i) {
      const double d = v.truth[i] - v.test[i];
      sum += d * d;
    }
    Artifact out;
    out.set_scalar("mse", sum / static_cast<double>(v.truth.size()));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(MseMetric, "metric/mse", "1", "mean squared error of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  output("mse", "scalar: (1/n) Σ (truth - test)²"))

}  // namespace reprise
