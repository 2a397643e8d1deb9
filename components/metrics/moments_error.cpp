#include "components/metrics/moments_error.hpp"

#include "components/metrics/moments.hpp"

namespace reprise {

Artifact MomentsError::run(const Inputs& in, const Params&, Context&) {
  const std::string who = "metric/moments-error";
  const Array& truth = sample_matrix(in.get("truth"), "truth", who);
  const Array& sample = sample_matrix(in.get("sample"), "sample", who);
  check_same_variables(truth, sample, who);
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
