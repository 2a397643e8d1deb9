#include "components/metrics/moments_error.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace reprise {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string t = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
  return t + "}";
}

// Sample moments of one {samples, variables} matrix.
struct Moments {
  Eigen::VectorXd first;   // E[x_i]
  Eigen::MatrixXd second;  // E[x_i x_j], upper triangle only
};

Moments moments_of(const Array& samples) {
  const std::vector<double> values = samples.to_double();
  const auto rows = static_cast<Eigen::Index>(samples.shape()[0]);
  const auto cols = static_cast<Eigen::Index>(samples.shape()[1]);
  const Eigen::Map<const RowMatrix> x(values.data(), rows, cols);
  Moments m;
  m.first = x.colwise().mean().transpose();
  // Only the upper triangle (i <= j) is compared, so a symmetric rank update,
  // which fills one triangle at half the cost of XᵀX, is enough.
  m.second = Eigen::MatrixXd::Zero(cols, cols);
  m.second.selfadjointView<Eigen::Upper>().rankUpdate(x.transpose(), 1.0 / static_cast<double>(rows));
  return m;
}

// Running max and mean of absolute differences.
struct ErrorStats {
  double max_abs = 0, sum_abs = 0;
  std::size_t count = 0;
  void add(double diff) {
    max_abs = std::max(max_abs, std::abs(diff));
    sum_abs += std::abs(diff);
    ++count;
  }
  double mean_abs() const { return count ? sum_abs / static_cast<double>(count) : 0.0; }
};

const Array& checked_samples(const Inputs& in, const std::string& name) {
  const Array& a = in.get(name).array("samples");
  if (a.rank() != 2 || a.shape()[0] == 0)
    throw std::runtime_error("metric/moments-error: " + name + ".samples must be a non-empty {samples, variables} "
                             "matrix, got shape " + shape_text(a.shape()));
  return a;
}

}  // namespace

Artifact MomentsError::run(const Inputs& in, const Params&, Context&) {
  const Array& truth = checked_samples(in, "truth");
  const Array& sample = checked_samples(in, "sample");
  if (truth.shape()[1] != sample.shape()[1])
    throw std::runtime_error("metric/moments-error: truth.samples has shape " + shape_text(truth.shape()) +
                             " but sample.samples has shape " + shape_text(sample.shape()) +
                             "; both need the same number of variables (columns)");

  const Moments t = moments_of(truth);
  const Moments s = moments_of(sample);
  ErrorStats first, second, all;
  const Eigen::Index d = t.first.size();
  for (Eigen::Index i = 0; i < d; ++i) {
    const double diff = t.first(i) - s.first(i);
    first.add(diff);
    all.add(diff);
  }
  for (Eigen::Index j = 0; j < d; ++j)
    for (Eigen::Index i = 0; i <= j; ++i) {  // E[x_i x_j] is symmetric: each pair once
      const double diff = t.second(i, j) - s.second(i, j);
      second.add(diff);
      all.add(diff);
    }

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
