#include "components/targets/gaussian_mixture.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace reprise {
namespace {

RowMatrixXd matrix_of(const Array& a, std::size_t rows, std::size_t cols, const std::string& what) {
  if (a.rank() != 2 || a.shape()[0] != rows || a.shape()[1] != cols)
    throw std::invalid_argument(what + " has shape " + shape_text(a.shape()) + ", expected " +
                                shape_text({rows, cols}));
  const std::vector<double> v = a.to_double();
  return Eigen::Map<const RowMatrixXd>(v.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
}

}  // namespace

GmmTarget::GmmTarget(RowMatrixXd means, RowMatrixXd stds, Eigen::VectorXd weights)
    : means_(std::move(means)), stds_(std::move(stds)), weights_(std::move(weights)) {
  const Eigen::Index k = means_.rows();
  if (k == 0 || stds_.rows() != k || stds_.cols() != means_.cols() || weights_.size() != k)
    throw std::invalid_argument("gmm: means, stds and weights disagree in size");
  if ((stds_.array() <= 0).any() || (weights_.array() <= 0).any())
    throw std::invalid_argument("gmm: standard deviations and weights must be positive");
  weights_ /= weights_.sum();
  log_norm_.resize(k);
  const double half_log_2pi = 0.5 * std::log(2 * std::numbers::pi);
  for (Eigen::Index j = 0; j < k; ++j)
    log_norm_[j] = std::log(weights_[j]) - stds_.row(j).array().log().sum() -
                   static_cast<double>(means_.cols()) * half_log_2pi;
}

GmmTarget GmmTarget::from_artifact(const Artifact& a, const std::string& who) {
  const auto d = static_cast<std::size_t>(a.scalar("dim"));
  const Array& w = a.array("weights");
  const std::size_t k = w.size();
  const std::vector<double> wv = w.to_double();
  return GmmTarget(matrix_of(a.array("means"), k, d, who + ": means"), matrix_of(a.array("stds"), k, d, who + ": stds"),
                   Eigen::Map<const Eigen::VectorXd>(wv.data(), static_cast<Eigen::Index>(k)));
}

void GmmTarget::log_components(const double* x, Eigen::VectorXd& out) const {
  const Eigen::Index k = means_.rows(), d = means_.cols();
  out.resize(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    double q = 0;
    for (Eigen::Index i = 0; i < d; ++i) {
      const double z = (x[i] - means_(j, i)) / stds_(j, i);
      q += z * z;
    }
    out[j] = log_norm_[j] - 0.5 * q;
  }
}

double GmmTarget::energy(const double* x, double* grad) const {
  Eigen::VectorXd lc;
  log_components(x, lc);
  const double top = lc.maxCoeff();
  const Eigen::VectorXd r = (lc.array() - top).exp();
  const double total = r.sum();
  const double e = -(top + std::log(total));
  if (grad) {
    // ∇E = Σ_k r_k (x − μ_k)/σ_k², r_k the normalised responsibilities.
    const Eigen::Index d = means_.cols();
    for (Eigen::Index i = 0; i < d; ++i) grad[i] = 0;
    for (Eigen::Index j = 0; j < means_.rows(); ++j) {
      const double rj = r[j] / total;
      if (rj == 0) continue;
      for (Eigen::Index i = 0; i < d; ++i) grad[i] += rj * (x[i] - means_(j, i)) / (stds_(j, i) * stds_(j, i));
    }
  }
  return e;
}

RowMatrixXd GmmTarget::sample(std::size_t n, std::mt19937_64& rng) const {
  std::discrete_distribution<std::size_t> pick(weights_.data(), weights_.data() + weights_.size());
  std::normal_distribution<double> normal;
  RowMatrixXd out(static_cast<Eigen::Index>(n), means_.cols());
  for (Eigen::Index s = 0; s < out.rows(); ++s) {
    const auto j = static_cast<Eigen::Index>(pick(rng));
    for (Eigen::Index i = 0; i < out.cols(); ++i) out(s, i) = means_(j, i) + stds_(j, i) * normal(rng);
  }
  return out;
}

std::size_t GmmTarget::mode_of(const double* x) const {
  Eigen::VectorXd lc;
  log_components(x, lc);
  Eigen::Index best = 0;
  lc.maxCoeff(&best);
  return static_cast<std::size_t>(best);
}

std::vector<double> GmmTarget::mode_weights() const { return {weights_.data(), weights_.data() + weights_.size()}; }

void GmmTarget::describe(Artifact& a) const {
  const auto k = static_cast<std::size_t>(means_.rows()), d = static_cast<std::size_t>(means_.cols());
  a.set_array("means", Array::from<double>({k, d}, std::vector<double>(means_.data(), means_.data() + means_.size())));
  a.set_array("stds", Array::from<double>({k, d}, std::vector<double>(stds_.data(), stds_.data() + stds_.size())));
  a.set_array("weights", Array::from<double>({k}, mode_weights()));
}

}  // namespace reprise
