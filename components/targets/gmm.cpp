#include "components/targets/gmm.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace reprise {
namespace {

const std::string kName = "target/gmm";

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

Artifact GmmTargetComponent::run(const Inputs&, const Params& p, Context& ctx) {
  const auto d = static_cast<Eigen::Index>(p.get_int("dim"));
  const std::vector<double>& given = p.get_doubles("means");
  Eigen::Index k = static_cast<Eigen::Index>(p.get_int("modes"));
  RowMatrixXd means;
  if (!given.empty()) {
    if (given.size() % static_cast<std::size_t>(d) != 0)
      throw std::invalid_argument(kName + ": means has " + std::to_string(given.size()) +
                                  " numbers, not a multiple of dim = " + std::to_string(d) +
                                  " (list the K means one after another)");
    k = static_cast<Eigen::Index>(given.size()) / d;
    means = Eigen::Map<const RowMatrixXd>(given.data(), k, d);
  } else {
    // The layout is part of the problem, not of a run: it comes from layout_seed,
    // never from the node seed, so every seed of a sweep samples the same mixture.
    std::mt19937_64 layout(static_cast<std::uint64_t>(p.get_int("layout_seed")));
    std::uniform_real_distribution<double> uniform(-p.get_double("loc_scaling"), p.get_double("loc_scaling"));
    means.resize(k, d);
    for (Eigen::Index j = 0; j < k; ++j)
      for (Eigen::Index i = 0; i < d; ++i) means(j, i) = uniform(layout);
  }
  const GmmTarget target(means, RowMatrixXd::Constant(k, d, p.get_double("std")), Eigen::VectorXd::Ones(k));
  return target_artifact(target, static_cast<std::size_t>(p.get_int("truth_samples")), ctx.seed());
}

REPRISE_COMPONENT(GmmTargetComponent, "target/gmm", "1",
                  "Gaussian mixture target (FAB's 40-mode benchmark by default) with exact samples, energy, "
                  "gradient, log Z = 0 and mode masses",
                  param_int("dim", 2, "dimension d").at_least(1),
                  param_int("modes", 40, "number of components K (ignored when means are given)").at_least(1),
                  param_double("loc_scaling", 40.0, "means uniform in [-loc_scaling, loc_scaling]^d").at_least(0),
                  param_double("std", 1.3132616875182228,
                               "standard deviation of every component in every dimension (FAB: softplus(1))")
                      .at_least(1e-12),
                  param_doubles("means", {}, "explicit means, K*d numbers mean after mean (replaces the random layout)"),
                  param_int("layout_seed", 0, "seed of the random layout of the means").at_least(0),
                  param_int("truth_samples", 2000, "exact samples written as ground truth").at_least(1),
                  output("samples", "float64 {truth_samples, d}: exact samples"),
                  output("means", "float64 {K, d}"), output("stds", "float64 {K, d}"),
                  output("weights", "float64 {K}: equal mixture weights"),
                  output("log_z", "scalar: 0 (the density is normalised)"), output("dim", "scalar: d"))

}  // namespace reprise
