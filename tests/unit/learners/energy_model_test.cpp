#include "components/learners/energy_model.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace reprise;

namespace {

// A φ⁴-like quartic model on 4 variables with every kind of term.
EnergyModel quartic_model() {
  std::vector<Monomial> t{{{0, -1, -1, -1}}, {{2, -1, -1, -1}}, {{0, 0, -1, -1}}, {{1, 1, -1, -1}},
                          {{0, 1, -1, -1}},  {{1, 3, -1, -1}},  {{0, 0, 0, 0}},   {{3, 3, 3, 3}},
                          {{0, 1, 2, -1}},   {{1, 1, 2, -1}},   {{0, 0, 1, 3}}};
  std::vector<double> theta{0.3, -0.7, 1.1, 0.4, -0.5, 0.25, 0.2, 0.15, 0.33, -0.6, 0.45};
  return EnergyModel(4, t, theta);
}

std::vector<double> point(std::mt19937_64& rng, std::size_t d) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> x(d);
  for (double& v : x) v = n(rng);
  return x;
}

// Central differences of E (gradient) and of each ∂_i E (Laplacian).
void check_against_finite_differences(const EnergyModel& m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t d = m.dim();
  const double h = 1e-5;
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<double> x = point(rng, d), g(d), gp(d), gm(d);
    m.gradient(x.data(), g.data());
    double lap_fd = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      std::vector<double> xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      const double fd = (m.energy(xp.data()) - m.energy(xm.data())) / (2 * h);
      CHECK(g[i] == doctest::Approx(fd).epsilon(1e-6).scale(1.0));
      m.gradient(xp.data(), gp.data());
      m.gradient(xm.data(), gm.data());
      lap_fd += (gp[i] - gm[i]) / (2 * h);
    }
    CHECK(m.laplacian(x.data()) == doctest::Approx(lap_fd).epsilon(1e-6).scale(1.0));
  }
}

}  // namespace

TEST_CASE("energy model: monomial derivatives follow the product rule") {
  const double x[3] = {2.0, -3.0, 0.5};
  const Monomial quartic{{0, 0, 0, 0}}, pair{{0, 1, -1, -1}}, square{{2, 2, -1, -1}};
  CHECK(quartic.value(x) == doctest::Approx(16.0));
  CHECK(quartic.derivative(x, 0) == doctest::Approx(32.0));  // 4 x³
  CHECK(quartic.laplacian(x) == doctest::Approx(48.0));      // 12 x²
  CHECK(pair.derivative(x, 1) == doctest::Approx(2.0));
  CHECK(pair.laplacian(x) == doctest::Approx(0.0));
  CHECK(square.laplacian(x) == doctest::Approx(2.0));
  CHECK(square.degree() == 2);
}

TEST_CASE("energy model: polynomial gradient and Laplacian match finite differences") {
  check_against_finite_differences(quartic_model(), 3);
}

TEST_CASE("energy model: Gaussian path gradient and Laplacian match finite differences") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(5, 5);
  Eigen::MatrixXd p = a * a.transpose() + Eigen::MatrixXd::Identity(5, 5);
  Eigen::VectorXd mu = Eigen::VectorXd::LinSpaced(5, -1.0, 2.0);
  check_against_finite_differences(EnergyModel(p, mu), 4);
}

TEST_CASE("energy model: the Gaussian path equals the polynomial path, through the artifact") {
  const std::size_t d = 4;
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 4);
  Eigen::MatrixXd p = a * a.transpose() + 0.5 * Eigen::MatrixXd::Identity(4, 4);
  Eigen::VectorXd mu(4);
  mu << 0.5, -1.0, 0.25, 2.0;
  const auto terms = quadratic_terms(d);
  const auto theta = gaussian_theta(p, mu);
  REQUIRE(terms.size() == 4 + 10);
  const EnergyModel poly = EnergyModel::from_artifact(polynomial_energy_artifact(d, terms, theta), "model");
  const EnergyModel gauss = EnergyModel::from_artifact(polynomial_energy_artifact(d, terms, theta, p, mu), "model");
  CHECK_FALSE(poly.gaussian());
  CHECK(gauss.gaussian());
  const double constant = 0.5 * mu.dot(p * mu);
  std::mt19937_64 rng(9);
  RowMatrixXd batch(6, 4);
  for (Eigen::Index n = 0; n < 6; ++n) {
    const std::vector<double> x = point(rng, d);
    for (std::size_t i = 0; i < d; ++i) batch(n, static_cast<Eigen::Index>(i)) = x[i];
    CHECK(gauss.energy(x.data()) == doctest::Approx(poly.energy(x.data()) + constant));
    CHECK(gauss.laplacian(x.data()) == doctest::Approx(poly.laplacian(x.data())));
  }
  RowMatrixXd gp, gg;
  poly.gradient(batch, gp);
  gauss.gradient(batch, gg);
  CHECK((gp - gg).cwiseAbs().maxCoeff() < 1e-12);
  Eigen::VectorXd ep, eg;
  poly.energy(batch, ep);
  gauss.energy(batch, eg);
  CHECK((eg - ep).array().abs().maxCoeff() - constant < 1e-9);
  CHECK(((eg - ep).array() - constant).abs().maxCoeff() < 1e-9);
}

TEST_CASE("energy model: malformed artifacts are rejected with the reason") {
  Artifact a = polynomial_energy_artifact(2, {Monomial{{0, 5, -1, -1}}}, {1.0});
  CHECK_THROWS_WITH_AS(EnergyModel::from_artifact(a, "sampler/mala: model"),
                       doctest::Contains("sampler/mala: model: terms[0] has invalid slot 1 = 5"), std::invalid_argument);
  Artifact b;
  b.set_scalar("dim", 2);
  CHECK_THROWS_WITH_AS(EnergyModel::from_artifact(b, "m"), doctest::Contains("not an energy model"),
                       std::invalid_argument);
}
