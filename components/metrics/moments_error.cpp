// metric/moments-error: how well a sample set reproduces the first and second
// moments of a reference set, the QoIs of the continuous (Gaussian) case in the
// QoI-compression paper (seed 000). Compares E[x_i] and E[x_i x_j] (i <= j) of
// "truth" and "sample"; reports the largest and the mean absolute difference,
// for first moments, second moments and both together.
#include "components/metrics/moments.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class MomentsError : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const Array& truth = sample_matrix(in.get("truth"), "truth");
    const Array& sample = sample_matrix(in.get("sample"), "sample");
    check_same_variables(truth, sample);
    const auto [first, second, all] = compare_moments(moments_of(truth), moments_of(sample), true);

    Artifact out;
    out.set_scalar("max_abs", all.max_abs);
    out.set_scalar("mean_abs", all.mean_abs());
    out.set_scalar("first_max_abs", first.max_abs);
    out.set_scalar("first_mean_abs", first.mean_abs());
    out.set_scalar("second_max_abs", second.max_abs);
    out.set_scalar("second_mean_abs", second.mean_abs());
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(MomentsError, "metric/moments-error", "1",
                  "absolute error of first and second moments E[x_i], E[x_i x_j] of a sample against the truth",
                  input("truth", "artifact with array 'samples' {samples, variables}: the reference"),
                  input("sample", "artifact with array 'samples' {samples', variables}: the set judged"),
                  output("max_abs", "scalar: largest |difference| over first and second moments"),
                  output("mean_abs", "scalar: mean |difference| over the d + d(d+1)/2 moments"),
                  output("first_max_abs", "scalar: largest |difference| of E[x_i]"),
                  output("first_mean_abs", "scalar: mean |difference| of E[x_i]"),
                  output("second_max_abs", "scalar: largest |difference| of E[x_i x_j], i <= j"),
                  output("second_mean_abs", "scalar: mean |difference| of E[x_i x_j], i <= j"))

}  // namespace reprise
