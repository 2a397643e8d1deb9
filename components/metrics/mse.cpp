#include "components/metrics/mse.hpp"

#include "components/metrics/volume_compare.hpp"

namespace reprise {

Artifact MseMetric::run(const Inputs& in, const Params& p, Context&) {
  const volume_compare::Pair v = volume_compare::read(in, p, "metric/mse");
  double sum = 0;
  for (std::size_t i = 0; i < v.truth.size(); ++i) {
    const double d = v.truth[i] - v.test[i];
    sum += d * d;
  }
  Artifact out;
  out.set_scalar("mse", sum / static_cast<double>(v.truth.size()));
  return out;
}

REPRISE_COMPONENT(MseMetric, "metric/mse", "1", "mean squared error of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  output("mse", "scalar: (1/n) Σ (truth - test)²"))

}  // namespace reprise
