#include "components/metrics/l1.hpp"

#include <algorithm>
#include <cmath>

#include "components/metrics/volume_compare.hpp"

namespace reprise {

Artifact L1Metric::run(const Inputs& in, const Params& p, Context&) {
  const volume_compare::Pair v = volume_compare::read(in, p, "metric/l1");
  double sum = 0, max_abs = 0;
  for (std::size_t i = 0; i < v.truth.size(); ++i) {
    const double d = std::abs(v.truth[i] - v.test[i]);
    sum += d;
    max_abs = std::max(max_abs, d);
  }
  Artifact out;
  out.set_scalar("l1", sum / static_cast<double>(v.truth.size()));
  out.set_scalar("max_abs", max_abs);
  return out;
}

REPRISE_COMPONENT(L1Metric, "metric/l1", "1", "mean and largest absolute error of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  output("l1", "scalar: (1/n) Σ |truth - test|"),
                  output("max_abs", "scalar: max |truth - test|"))

}  // namespace reprise
