#include "components/metrics/moments.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace reprise {
namespace {
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

Moments moments_of(const Array& samples) {
  const std::vector<double> values = samples.to_double();
  const auto rows = static_cast<Eigen::Index>(samples.shape()[0]);
  const auto cols = static_cast<Eigen::Index>(samples.shape()[1]);
  const Eigen::Map<const RowMatrix> x(values.data(), rows, cols);
  Moments m;
  m.first = x.colwise().mean().transpose();
  // Only the upper triangle is compared, so a symmetric rank update, which fills
  // one triangle at half the cost of XᵀX, is enough.
  m.second = Eigen::MatrixXd::Zero(cols, cols);
  m.second.selfadjointView<Eigen::Upper>().rankUpdate(x.transpose(), 1.0 / static_cast<double>(rows));
  return m;
}

void ErrorStats::add(double diff) {
  max_abs = std::max(max_abs, std::abs(diff));
  sum_abs += std::abs(diff);
  ++count;
}

MomentErrors compare_moments(const Moments& a, const Moments& b, bool include_diagonal) {
  MomentErrors e;
  const Eigen::Index d = a.first.size();
  for (Eigen::Index i = 0; i < d; ++i) {
    const double diff = a.first(i) - b.first(i);
    e.first.add(diff);
    e.all.add(diff);
  }
  for (Eigen::Index j = 0; j < d; ++j)
    for (Eigen::Index i = 0; i < j + (include_diagonal ? 1 : 0); ++i) {  // symmetric: each pair once
      const double diff = a.second(i, j) - b.second(i, j);
      e.second.add(diff);
      e.all.add(diff);
    }
  return e;
}

const Array& sample_matrix(const Artifact& a, const std::string& name) {
  const Array& s = a.array("samples");
  if (s.rank() != 2 || s.shape()[0] == 0)
    throw std::runtime_error(name + ".samples must be a non-empty {samples, variables} matrix, got shape " +
                             shape_text(s.shape()));
  return s;
}

void check_same_variables(const Array& a, const Array& b) {
  if (a.shape()[1] != b.shape()[1])
    throw std::runtime_error("truth.samples has shape " + shape_text(a.shape()) + " but sample.samples has shape " +
                             shape_text(b.shape()) + "; both need the same number of variables (columns)");
}

}  // namespace reprise
