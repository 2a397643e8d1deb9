#include "components/learners/energy_model.hpp"

#include <cmath>
#include <stdexcept>

namespace reprise {

int Monomial::degree() const {
  int n = 0;
  while (n < 4 && idx[static_cast<std::size_t>(n)] >= 0) ++n;
  return n;
}

double Monomial::value(const double* x) const {
  double v = 1.0;
  for (std::int32_t i : idx)
    if (i >= 0) v *= x[i];
  return v;
}

double Monomial::derivative(const double* x, std::int32_t v) const {
  double sum = 0.0;
  for (std::size_t s = 0; s < 4; ++s) {
    if (idx[s] != v) continue;
    double prod = 1.0;
    for (std::size_t t = 0; t < 4; ++t)
      if (t != s && idx[t] >= 0) prod *= x[idx[t]];
    sum += prod;
  }
  return sum;
}

double Monomial::laplacian(const double* x) const {
  double sum = 0.0;
  for (std::size_t s = 0; s < 4; ++s) {
    if (idx[s] < 0) continue;
    for (std::size_t t = 0; t < 4; ++t) {
      if (t == s || idx[t] != idx[s]) continue;
      double prod = 1.0;
      for (std::size_t u = 0; u < 4; ++u)
        if (u != s && u != t && idx[u] >= 0) prod *= x[idx[u]];
      sum += prod;
    }
  }
  return sum;
}

EnergyModel::EnergyModel(std::size_t dim, std::vector<Monomial> terms, std::vector<double> theta)
    : dim_(dim), terms_(std::move(terms)), theta_(std::move(theta)) {
  if (terms_.size() != theta_.size())
    throw std::invalid_argument("energy model: " + std::to_string(terms_.size()) + " terms but " +
                                std::to_string(theta_.size()) + " coefficients");
  classify_terms();
}

void EnergyModel::classify_terms() {
  shape_.resize(terms_.size());
  for (std::size_t k = 0; k < terms_.size(); ++k) {
    const auto& i = terms_[k].idx;
    const int deg = terms_[k].degree();
    if (deg == 1)
      shape_[k] = kLinear;
    else if (deg == 2)
      shape_[k] = i[0] == i[1] ? kSquare : kPair;
    else if (deg == 4 && i[0] == i[1] && i[1] == i[2] && i[2] == i[3])
      shape_[k] = kQuartic;
    else
      shape_[k] = kGeneral;
  }
}

EnergyModel::EnergyModel(Eigen::MatrixXd precision, Eigen::VectorXd mean)
    : dim_(static_cast<std::size_t>(mean.size())), gaussian_(true), precision_(std::move(precision)),
      mean_(std::move(mean)) {
  if (precision_.rows() != mean_.size() || precision_.cols() != mean_.size())
    throw std::invalid_argument("energy model: precision must be {d, d} for a mean of length d");
  trace_ = precision_.trace();
}

EnergyModel EnergyModel::from_artifact(const Artifact& a, const std::string& who) {
  auto fail = [&](const std::string& what) { throw std::invalid_argument(who + ": " + what); };
  if (!a.strings().count("family")) fail("not an energy model (no string 'family'; expected the output of a learner such as learner/score-matching)");
  if (a.string("family") != "polynomial") fail("family '" + a.string("family") + "' is not supported (expected 'polynomial')");
  const double dim_value = a.scalar("dim");
  if (!(dim_value >= 1) || dim_value != std::floor(dim_value)) fail("dim must be a positive integer");
  const auto d = static_cast<std::size_t>(dim_value);
  EnergyModel m;
  m.dim_ = d;
  const Array& terms = a.array("terms");
  const std::vector<double> theta = a.array("theta").to_double();
  if (terms.rank() != 2 || terms.shape()[1] != 4) fail("terms must be int32 {K, 4}, got " + shape_text(terms.shape()));
  if (terms.shape()[0] != theta.size())
    fail("terms has " + std::to_string(terms.shape()[0]) + " rows but theta has " + std::to_string(theta.size()) + " entries");
  const auto t = terms.view<std::int32_t>();
  m.terms_.resize(theta.size());
  for (std::size_t k = 0; k < theta.size(); ++k) {
    if (!std::isfinite(theta[k])) fail("theta[" + std::to_string(k) + "] is not finite");
    bool ended = false;
    for (std::size_t s = 0; s < 4; ++s) {
      const std::int32_t v = t[k * 4 + s];
      if (v < -1 || v >= static_cast<std::int32_t>(d) || (ended && v >= 0))
        fail("terms[" + std::to_string(k) + "] has invalid slot " + std::to_string(s) + " = " + std::to_string(v) +
             " (variable indices 0.." + std::to_string(d - 1) + ", then -1 for unused slots)");
      if (v < 0) ended = true;
      m.terms_[k].idx[s] = v;
    }
  }
  m.theta_ = theta;
  m.classify_terms();
  if (a.has_array("precision") || a.has_array("mean")) {
    const Array& p = a.array("precision");
    const Array& mu = a.array("mean");
    if (p.rank() != 2 || p.shape()[0] != d || p.shape()[1] != d)
      fail("precision must be {" + std::to_string(d) + ", " + std::to_string(d) + "}, got " + shape_text(p.shape()));
    if (mu.size() != d) fail("mean must have " + std::to_string(d) + " entries, got " + std::to_string(mu.size()));
    const std::vector<double> pv = p.to_double(), mv = mu.to_double();
    m.precision_ = Eigen::Map<const RowMatrixXd>(pv.data(), static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
    m.mean_ = Eigen::Map<const Eigen::VectorXd>(mv.data(), static_cast<Eigen::Index>(d));
    if (!m.precision_.allFinite() || !m.mean_.allFinite()) fail("precision or mean is not finite");
    m.gaussian_ = true;
    m.trace_ = m.precision_.trace();
  }
  return m;
}

double EnergyModel::energy(const double* x) const {
  if (gaussian_) {
    const Eigen::VectorXd r = Eigen::Map<const Eigen::VectorXd>(x, static_cast<Eigen::Index>(dim_)) - mean_;
    return 0.5 * r.dot(precision_ * r);
  }
  double e = 0.0;
  for (std::size_t k = 0; k < terms_.size(); ++k) e += theta_[k] * terms_[k].value(x);
  return e;
}

void EnergyModel::gradient(const double* x, double* grad) const {
  Eigen::Map<Eigen::VectorXd> g(grad, static_cast<Eigen::Index>(dim_));
  if (gaussian_) {
    g = precision_ * (Eigen::Map<const Eigen::VectorXd>(x, static_cast<Eigen::Index>(dim_)) - mean_);
    return;
  }
  g.setZero();
  for (std::size_t k = 0; k < terms_.size(); ++k) {
    const Monomial& t = terms_[k];
    const double th = theta_[k];
    const std::int32_t a = t.idx[0], b = t.idx[1];
    switch (shape_[k]) {
      case kLinear: grad[a] += th; continue;
      case kPair: grad[a] += th * x[b]; grad[b] += th * x[a]; continue;
      case kSquare: grad[a] += 2.0 * th * x[a]; continue;
      case kQuartic: grad[a] += 4.0 * th * x[a] * x[a] * x[a]; continue;
      case kGeneral: break;
    }
    // Each distinct variable of the term once.
    for (std::size_t s = 0; s < 4; ++s) {
      const std::int32_t v = t.idx[s];
      if (v < 0) break;
      bool seen = false;
      for (std::size_t r = 0; r < s; ++r) seen = seen || t.idx[r] == v;
      if (!seen) grad[v] += theta_[k] * t.derivative(x, v);
    }
  }
}

double EnergyModel::laplacian(const double* x) const {
  if (gaussian_) return trace_;
  double l = 0.0;
  for (std::size_t k = 0; k < terms_.size(); ++k) l += theta_[k] * terms_[k].laplacian(x);
  return l;
}

void EnergyModel::energy(const RowMatrixXd& x, Eigen::VectorXd& energies) const {
  energies.resize(x.rows());
  if (gaussian_) {
    const RowMatrixXd r = x.rowwise() - mean_.transpose();
    RowMatrixXd rp(r.rows(), r.cols());
    rp.noalias() = r * precision_;  // a GEMM, not a lazy coefficient-wise product
    energies = 0.5 * rp.cwiseProduct(r).rowwise().sum();
    return;
  }
  for (Eigen::Index n = 0; n < x.rows(); ++n) energies(n) = energy(x.row(n).data());
}

void EnergyModel::gradient(const RowMatrixXd& x, RowMatrixXd& grads) const {
  grads.resize(x.rows(), x.cols());
  if (gaussian_) {
    // P is symmetric: row n of the result is (x_n − μ)ᵀ P = (P (x_n − μ))ᵀ.
    grads.noalias() = (x.rowwise() - mean_.transpose()) * precision_;
    return;
  }
  for (Eigen::Index n = 0; n < x.rows(); ++n) gradient(x.row(n).data(), grads.row(n).data());
}

void EnergyModel::laplacian(const RowMatrixXd& x, Eigen::VectorXd& laplacians) const {
  laplacians.resize(x.rows());
  for (Eigen::Index n = 0; n < x.rows(); ++n) laplacians(n) = laplacian(x.row(n).data());
}

std::vector<Monomial> quadratic_terms(std::size_t dim) {
  std::vector<Monomial> t;
  t.reserve(dim + dim * (dim + 1) / 2);
  for (std::size_t i = 0; i < dim; ++i) t.push_back(Monomial{{static_cast<std::int32_t>(i), -1, -1, -1}});
  for (std::size_t i = 0; i < dim; ++i)
    for (std::size_t j = i; j < dim; ++j)
      t.push_back(Monomial{{static_cast<std::int32_t>(i), static_cast<std::int32_t>(j), -1, -1}});
  return t;
}

std::vector<double> gaussian_theta(const Eigen::MatrixXd& precision, const Eigen::VectorXd& mean) {
  const Eigen::Index d = mean.size();
  const Eigen::VectorXd linear = -(precision * mean);
  std::vector<double> theta(linear.data(), linear.data() + d);
  for (Eigen::Index i = 0; i < d; ++i)
    for (Eigen::Index j = i; j < d; ++j) theta.push_back(i == j ? 0.5 * precision(i, i) : precision(i, j));
  return theta;
}

Artifact polynomial_energy_artifact(std::size_t dim, const std::vector<Monomial>& terms,
                                    const std::vector<double>& theta, const Eigen::MatrixXd& precision,
                                    const Eigen::VectorXd& mean) {
  Artifact a;
  a.set_string("family", "polynomial");
  a.set_scalar("dim", static_cast<double>(dim));
  std::vector<std::int32_t> flat;
  flat.reserve(terms.size() * 4);
  for (const Monomial& t : terms) flat.insert(flat.end(), t.idx.begin(), t.idx.end());
  a.set_array("terms", Array::from<std::int32_t>({terms.size(), 4}, flat));
  a.set_array("theta", Array::from<double>({theta.size()}, theta));
  if (precision.size() > 0) {
    const RowMatrixXd p = precision;
    a.set_array("precision", Array::from<double>({dim, dim}, std::vector<double>(p.data(), p.data() + p.size())));
    a.set_array("mean", Array::from<double>({dim}, std::vector<double>(mean.data(), mean.data() + mean.size())));
  }
  return a;
}

}  // namespace reprise
