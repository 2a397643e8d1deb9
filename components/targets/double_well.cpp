#include "components/targets/double_well.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace reprise {
namespace {

constexpr std::size_t kCells = 200000;  // even, for Simpson's rule
constexpr double kTail = 60.0;          // nats below the peak where the table stops

// Walks out from the minimum until the energy is kTail above it.
double edge(const QuarticWell& w, double e_min, double from, double direction) {
  double x = from, step = 0.01;
  while (w.energy(x) - e_min < kTail) {
    x += direction * step;
    step *= 1.05;
  }
  return x;
}

}  // namespace

QuarticWell::QuarticWell(double a, double b, double c) : a_(a), b_(b), c_(c) {
  if (!(c > 0)) throw std::invalid_argument("many-well: c must be positive (the quartic must confine)");
  // Coarse scan for the minimum; the table's range only needs it roughly.
  double x_min = 0, e_min = energy(0);
  const double scale = std::max(1.0, std::sqrt(std::abs(b) / c)) + std::cbrt(std::abs(a) / c);
  for (double x = -4 * scale; x <= 4 * scale; x += scale / 2000)
    if (energy(x) < e_min) e_min = energy(x), x_min = x;
  lo_ = edge(*this, e_min, x_min, -1);
  const double hi = edge(*this, e_min, x_min, +1);
  step_ = (hi - lo_) / kCells;

  // Densities relative to the peak (exp(−(E − E_min)) <= 1, no overflow).
  std::vector<double> p(kCells + 1);
  for (std::size_t i = 0; i <= kCells; ++i) p[i] = std::exp(-(energy(lo_ + step_ * i) - e_min));
  double simpson = p.front() + p.back();
  for (std::size_t i = 1; i < kCells; ++i) simpson += (i % 2 ? 4.0 : 2.0) * p[i];
  simpson *= step_ / 3;
  log_z_ = std::log(simpson) - e_min;

  cdf_.assign(kCells + 1, 0.0);
  for (std::size_t i = 1; i <= kCells; ++i) cdf_[i] = cdf_[i - 1] + 0.5 * step_ * (p[i - 1] + p[i]);
  const double total = cdf_.back();
  for (double& v : cdf_) v /= total;
  // Mass of x > 0: the cumulative mass at 0, interpolated inside its cell.
  const double at = -lo_ / step_;
  const auto cell = std::min(static_cast<std::size_t>(at), kCells - 1);
  const double below = cdf_[cell] + (at - cell) * (cdf_[cell + 1] - cdf_[cell]);
  mass_positive_ = 1 - below;
}

double QuarticWell::sample(std::mt19937_64& rng) const {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  const std::size_t hi = std::clamp<std::size_t>(static_cast<std::size_t>(it - cdf_.begin()), 1, kCells);
  const double lo_mass = cdf_[hi - 1], hi_mass = cdf_[hi];
  const double frac = hi_mass > lo_mass ? (u - lo_mass) / (hi_mass - lo_mass) : 0.5;
  return lo_ + step_ * (static_cast<double>(hi - 1) + frac);
}

ManyWellTarget::ManyWellTarget(std::size_t dim, double a, double b, double c) : dim_(dim), well_(a, b, c) {
  if (dim == 0 || dim % 2 != 0)
    throw std::invalid_argument("many-well: dim must be even and positive (pairs of a double well and a Gaussian)");
  if (dim / 2 > 24) throw std::invalid_argument("many-well: dim above 48 would have more than 2^24 modes to list");
}

ManyWellTarget ManyWellTarget::from_artifact(const Artifact& a, const std::string&) {
  return ManyWellTarget(static_cast<std::size_t>(a.scalar("dim")), a.scalar("a"), a.scalar("b"), a.scalar("c"));
}

double ManyWellTarget::log_z() const {
  return static_cast<double>(dim_ / 2) * (well_.log_z() + 0.5 * std::log(2 * std::numbers::pi));
}

double ManyWellTarget::energy(const double* x, double* grad) const {
  double e = 0;
  for (std::size_t i = 0; i < dim_; i += 2) {
    e += well_.energy(x[i]) + 0.5 * x[i + 1] * x[i + 1];
    if (grad) {
      grad[i] = well_.derivative(x[i]);
      grad[i + 1] = x[i + 1];
    }
  }
  return e;
}

RowMatrixXd ManyWellTarget::sample(std::size_t n, std::mt19937_64& rng) const {
  std::normal_distribution<double> normal;
  RowMatrixXd out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(dim_));
  for (Eigen::Index s = 0; s < out.rows(); ++s)
    for (Eigen::Index i = 0; i < out.cols(); i += 2) {
      out(s, i) = well_.sample(rng);
      out(s, i + 1) = normal(rng);
    }
  return out;
}

std::size_t ManyWellTarget::mode_of(const double* x) const {
  std::size_t mode = 0;
  for (std::size_t i = 0; i < dim_ / 2; ++i)
    if (x[2 * i] > 0) mode |= std::size_t{1} << i;
  return mode;
}

std::vector<double> ManyWellTarget::mode_weights() const {
  const double plus = well_.mass_positive(), minus = 1 - plus;
  std::vector<double> w(mode_count());
  for (std::size_t m = 0; m < w.size(); ++m) {
    const auto positives = static_cast<int>(std::popcount(m));
    w[m] = std::pow(plus, positives) * std::pow(minus, static_cast<int>(dim_ / 2) - positives);
  }
  return w;
}

void ManyWellTarget::describe(Artifact& a) const {
  a.set_scalar("a", well_.a()).set_scalar("b", well_.b()).set_scalar("c", well_.c());
  a.set_scalar("mass_positive", well_.mass_positive());
}

}  // namespace reprise
