// metric/qoi-error: the QoIs of the discrete path of the QoI-compression paper
// (seed 000), the magnetisations <x_i> and correlations <x_i x_j> (i < j) of spin
// samples, compared between a sample set and the truth's samples, and against
// the model's exact moments when the truth carries them (dataset/ising, p <= 20).
// The diagonal E[x_i^2] = 1 of spins carries no information and is left out.
#include <string>
#include <vector>

#include "components/metrics/moments.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// The exact model moments a dataset may carry, in the Moments layout.
Moments exact_moments(const Artifact& truth) {
  const Array& mean = truth.array("exact_mean");
  const Array& corr = truth.array("exact_correlation");
  const auto p = static_cast<Eigen::Index>(mean.size());
  Moments m;
  m.first = Eigen::Map<const Eigen::VectorXd>(mean.to_double().data(), p);
  std::vector<double> c = corr.to_double();
  m.second = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(c.data(), p, p);
  return m;
}

void set_errors(Artifact& out, const std::string& prefix, const MomentErrors& e) {
  out.set_scalar(prefix + "max_abs", e.all.max_abs);
  out.set_scalar(prefix + "mean_abs", e.all.mean_abs());
  out.set_scalar(prefix + "first_max_abs", e.first.max_abs);
  out.set_scalar(prefix + "second_max_abs", e.second.max_abs);
}

class QoiError : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const Artifact& truth = in.get("truth");
    const Array& reference = sample_matrix(truth, "truth");
    const Array& sample = sample_matrix(in.get("sample"), "sample");
    check_same_variables(reference, sample);
    const Moments judged = moments_of(sample);

    Artifact out;
    set_errors(out, "", compare_moments(moments_of(reference), judged, false));
    if (truth.has_array("exact_mean") && truth.has_array("exact_correlation"))
      set_errors(out, "exact_", compare_moments(exact_moments(truth), judged, false));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(QoiError, "metric/qoi-error", "1",
                  "QoI error of spin samples: |<x_i>| and |<x_i x_j>| (i < j) differences to the truth's samples "
                  "and, when known, to the exact model moments",
                  input("truth", "dataset artifact: 'samples' {M, p}, optionally 'exact_mean' and 'exact_correlation'"),
                  input("sample", "artifact with 'samples' {M', p}: the set judged (e.g. decompressed or MCMC-corrected)"),
                  output("max_abs", "scalar: largest |difference| over all QoIs, against the truth's samples"),
                  output("mean_abs", "scalar: mean |difference| over the p + p(p-1)/2 QoIs"),
                  output("first_max_abs", "scalar: largest |difference| of <x_i>"),
                  output("second_max_abs", "scalar: largest |difference| of <x_i x_j>, i < j"),
                  output("exact_max_abs", "scalar: as max_abs, against the exact model moments (when the truth has them)"),
                  output("exact_mean_abs", "scalar: as mean_abs, against the exact model moments"))

}  // namespace reprise
