// target/gmm and target/many-well: energies against finite differences, the
// many-well partition function against FAB's published value, exact samplers
// against closed-form and quadrature moments.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "components/targets/double_well.hpp"
#include "components/targets/gaussian_mixture.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise {
namespace {

void check_gradient(const Target& t, const std::vector<double>& x) {
  std::vector<double> g(x.size()), xp = x, xm = x;
  t.energy(x.data(), g.data());
  const double h = 1e-6;
  for (std::size_t k = 0; k < x.size(); ++k) {
    xp = x, xm = x;
    xp[k] += h, xm[k] -= h;
    CHECK(g[k] == doctest::Approx((t.energy(xp.data(), nullptr) - t.energy(xm.data(), nullptr)) / (2 * h))
                      .epsilon(1e-5));
  }
}

TEST_CASE("many-well: 1-D partition function equals FAB's 11784.50927; log Z of d dims factorises") {
  const QuarticWell w(-0.5, -6.0, 1.0);
  CHECK(std::exp(w.log_z()) == doctest::Approx(11784.50927).epsilon(1e-8));
  const ManyWellTarget t(8, -0.5, -6.0, 1.0);
  CHECK(t.log_z() == doctest::Approx(4 * (std::log(11784.50927) + 0.5 * std::log(2 * std::numbers::pi))).epsilon(1e-9));
  CHECK(t.mode_count() == 16);
  double total = 0;
  for (double m : t.mode_weights()) total += m;
  CHECK(total == doctest::Approx(1.0));
  check_gradient(t, {1.3, -0.2, -1.9, 0.7, 0.1, 2.0, -0.5, 0.4});
}

TEST_CASE("many-well exact sampler matches quadrature moments and the mode masses") {
  const QuarticWell w(-0.5, -6.0, 1.0);
  // Reference by trapezoid on a grid independent of the sampler's table.
  double z = 0, m1 = 0, m2 = 0, positive = 0;
  const double h = 1e-4;
  for (double x = -5; x <= 5; x += h) {
    const double p = std::exp(-w.energy(x) - 9.0);
    z += p, m1 += x * p, m2 += x * x * p;
    if (x > 0) positive += p;
  }
  m1 /= z, m2 /= z, positive /= z;
  CHECK(w.mass_positive() == doctest::Approx(positive).epsilon(1e-4));
  std::mt19937_64 rng(4);
  const std::size_t n = 200000;
  double s1 = 0, s2 = 0, pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = w.sample(rng);
    s1 += x, s2 += x * x, pos += x > 0;
  }
  const double var = m2 - m1 * m1;
  CHECK(std::abs(s1 / n - m1) < 5 * std::sqrt(var / n));
  CHECK(s2 / n == doctest::Approx(m2).epsilon(0.01));
  CHECK(std::abs(pos / n - positive) < 5 * std::sqrt(positive * (1 - positive) / n));
}

TEST_CASE("gmm: energy is the normalised mixture density, gradient matches finite differences") {
  RowMatrixXd means(2, 2);
  means << -3, 1, 2, -1;
  RowMatrixXd stds(2, 2);
  stds << 1.0, 0.5, 0.8, 1.2;
  const GmmTarget t(means, stds, Eigen::Vector2d(0.3, 0.7));
  // ∫ exp(−E) over a grid covering the mass is 1 (log Z = 0).
  double integral = 0;
  const double h = 0.02;
  for (double x = -10; x <= 10; x += h)
    for (double y = -10; y <= 10; y += h) {
      const double p[2] = {x, y};
      integral += std::exp(-t.energy(p, nullptr)) * h * h;
    }
  CHECK(integral == doctest::Approx(1.0).epsilon(1e-4));
  check_gradient(t, {0.3, -0.4});
  check_gradient(t, {-2.5, 1.5});
}

TEST_CASE("gmm exact sampler matches the mixture's mean and covariance; the 40-mode layout is FAB's shape") {
  const Artifact a = test::run_component("target/gmm", {{"truth_samples", std::int64_t{100000}}});
  const GmmTarget t = GmmTarget::from_artifact(a, "test");
  CHECK(t.mode_count() == 40);
  const std::vector<double> means = a.array("means").to_double();
  Eigen::Vector2d mu = Eigen::Vector2d::Zero();
  Eigen::Matrix2d second = Eigen::Matrix2d::Zero();
  for (std::size_t k = 0; k < 40; ++k) {
    const Eigen::Vector2d m(means[2 * k], means[2 * k + 1]);
    CHECK(std::abs(m[0]) <= 40);
    CHECK(std::abs(m[1]) <= 40);
    mu += m / 40;
    second += (m * m.transpose()) / 40;
  }
  const double s2 = std::pow(std::log1p(std::exp(1.0)), 2);  // softplus(1)²
  const Eigen::Matrix2d cov = second - mu * mu.transpose() + s2 * Eigen::Matrix2d::Identity();
  const std::vector<double> x = a.array("samples").to_double();
  const std::size_t n = x.size() / 2;
  Eigen::Vector2d smean = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < n; ++i) smean += Eigen::Vector2d(x[2 * i], x[2 * i + 1]) / n;
  for (int k = 0; k < 2; ++k) CHECK(std::abs(smean[k] - mu[k]) < 5 * std::sqrt(cov(k, k) / n));
  Eigen::Matrix2d scov = Eigen::Matrix2d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d d(x[2 * i] - smean[0], x[2 * i + 1] - smean[1]);
    scov += d * d.transpose() / n;
  }
  CHECK((scov - cov).cwiseAbs().maxCoeff() < 0.02 * cov.cwiseAbs().maxCoeff());
}

TEST_CASE("target errors: odd many-well dimension, means not a multiple of dim") {
  CHECK_THROWS_WITH(test::run_component("target/many-well", {{"dim", std::int64_t{5}}}), doctest::Contains("odd"));
  CHECK_THROWS_WITH(test::run_component("target/gmm", {{"means", std::vector<double>{1, 2, 3}}}),
                    doctest::Contains("not a multiple of dim"));
}

}  // namespace
}  // namespace reprise
