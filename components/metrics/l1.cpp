// metric/l1: mean absolute error (1/n) Σ |truth_i - test_i|, the number the
// paper prints under its super-resolution panels (seed 001, Appendix D), and the
// largest absolute difference max_abs. Accumulated in double over array `key`;
// the inputs are those of volume_compare.hpp.
#include <algorithm>
#include <cmath>

#include "components/metrics/volume_compare.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class L1Metric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const volume_compare::Pair v = volume_compare::read(in, p);
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
};

}  // namespace

REPRISE_COMPONENT(L1Metric, "metric/l1", "1", "mean and largest absolute error of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  output("l1", "scalar: (1/n) Σ |truth - test|"),
                  output("max_abs", "scalar: max |truth - test|"))

}  // namespace reprise
