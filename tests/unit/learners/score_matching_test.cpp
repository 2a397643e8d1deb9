#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "components/learners/energy_model.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

// learner/score-matching on the rows of x with the given parameters (the rest at their defaults).
Artifact learn(const RowMatrixXd& x, const std::map<std::string, ParamValue>& given = {}) {
  Artifact data;
  data.set_array("samples", Array::from<double>({static_cast<std::size_t>(x.rows()), static_cast<std::size_t>(x.cols())},
                                                std::vector<double>(x.data(), x.data() + x.size())));
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  return test::run_component("learner/score-matching", given, in, 1);
}

// M samples of N(μ, P⁻¹) drawn here, independently of dataset/mvn.
RowMatrixXd gaussian_samples(const Eigen::MatrixXd& precision, const Eigen::VectorXd& mean, std::size_t m,
                             std::uint64_t seed) {
  const Eigen::MatrixXd cov = precision.inverse();
  const Eigen::MatrixXd l = cov.llt().matrixL();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01(0.0, 1.0);
  RowMatrixXd x(static_cast<Eigen::Index>(m), mean.size());
  Eigen::VectorXd z(mean.size());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = n01(rng);
    x.row(r) = (mean + l * z).transpose();
  }
  return x;
}

Eigen::MatrixXd matrix_of(const Array& a) {
  const std::vector<double> v = a.to_double();
  const auto n = static_cast<Eigen::Index>(a.shape()[0]);
  return Eigen::Map<const RowMatrixXd>(v.data(), n, n);
}

Eigen::MatrixXd test_precision(Eigen::Index d) {
  Eigen::MatrixXd p = Eigen::MatrixXd::Identity(d, d) * 2.0;
  for (Eigen::Index i = 0; i + 1 < d; ++i) p(i, i + 1) = p(i + 1, i) = -0.8;
  p(0, d - 1) = p(d - 1, 0) = 0.3;
  return p;
}

}  // namespace

TEST_CASE("score matching recovers a known Gaussian's precision matrix (d = 5, M = 1e5) to 2 %") {
  const Eigen::MatrixXd p = test_precision(5);
  Eigen::VectorXd mu(5);
  mu << 1.0, -0.5, 0.0, 2.0, 0.3;
  const Artifact out = learn(gaussian_samples(p, mu, 100000, 11));
  CHECK(out.string("solver") == "closed-form");
  const Eigen::MatrixXd learned = matrix_of(out.array("precision"));
  const double rel = (learned - p).norm() / p.norm();
  MESSAGE("relative Frobenius error of the precision: " << rel);
  CHECK(rel < 0.02);
  const std::vector<double> mean = out.array("mean").to_double();
  for (int i = 0; i < 5; ++i) CHECK(std::abs(mean[static_cast<std::size_t>(i)] - mu(i)) < 0.02);
  // The model artifact it wrote evaluates to the learned Gaussian.
  const EnergyModel model = EnergyModel::from_artifact(out, "test");
  CHECK(model.gaussian());
  CHECK(model.laplacian(mean.data()) == doctest::Approx(learned.trace()));
}

TEST_CASE("score matching: the Gaussian closed form equals the generic linear solve") {
  const Eigen::MatrixXd p = test_precision(4);
  const Eigen::VectorXd mu = Eigen::VectorXd::LinSpaced(4, -1.0, 1.0);
  const RowMatrixXd x = gaussian_samples(p, mu, 3000, 5);
  const Artifact closed = learn(x);
  const Artifact linear = learn(x, {{"solver", std::string("linear")}});
  CHECK(linear.string("solver") == "linear");
  const std::vector<double> a = closed.array("theta").to_double(), b = linear.array("theta").to_double();
  REQUIRE(a.size() == 4 + 10);
  REQUIRE(b.size() == a.size());
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k] == doctest::Approx(b[k]).epsilon(1e-8));
  CHECK((matrix_of(closed.array("precision")) - matrix_of(linear.array("precision"))).norm() < 1e-8);
  CHECK(linear.scalar("residual") < 1e-10);
  CHECK(closed.scalar("residual") < 1e-10);
  CHECK(closed.scalar("objective") == doctest::Approx(linear.scalar("objective")).epsilon(1e-8));
}

TEST_CASE("score matching recovers a 1-D quartic energy from exact (rejection) samples") {
  // E(x) = -0.3 x + 0.5 x² + 0.25 x⁴; rejection from uniform on [-4, 4]
  // (exp(-E) there is below 1e-20 of its peak beyond).
  const double t1 = -0.3, t2 = 0.5, t4 = 0.25;
  auto energy = [&](double x) { return t1 * x + t2 * x * x + t4 * x * x * x * x; };
  double emin = 1e300;
  for (double x = -4; x <= 4; x += 1e-4) emin = std::min(emin, energy(x));
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-4.0, 4.0), v(0.0, 1.0);
  RowMatrixXd x(100000, 1);
  for (Eigen::Index n = 0; n < x.rows();) {
    const double c = u(rng);
    if (v(rng) < std::exp(emin - energy(c))) x(n++, 0) = c;
  }
  const Artifact out = learn(x, {{"degree", std::int64_t{4}}});
  const std::vector<double> theta = out.array("theta").to_double();
  REQUIRE(theta.size() == 3);  // x, x², x⁴ (no pairs in one dimension)
  MESSAGE("learned theta: " << theta[0] << " " << theta[1] << " " << theta[2]);
  CHECK(std::abs(theta[0] - t1) < 0.03);
  CHECK(std::abs(theta[1] - t2) < 0.03);
  CHECK(std::abs(theta[2] - t4) < 0.02);
  CHECK_FALSE(out.has_array("precision"));
}

TEST_CASE("score matching: term sets for chains and periodic lattices") {
  // Independent standard normal samples: every term set is well posed on them.
  auto terms_count = [](std::size_t d, std::int64_t degree, const std::string& neighbours, std::int64_t lattice) {
    const RowMatrixXd x = gaussian_samples(Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d)),
                                           Eigen::VectorXd::Zero(static_cast<Eigen::Index>(d)), 2000, 17);
    return learn(x, {{"degree", degree}, {"neighbours", neighbours}, {"lattice", lattice}}).scalar("terms_count");
  };
  CHECK(terms_count(9, 4, "lattice2d", 3) == 9 * 3 + 18);
  CHECK(terms_count(4, 4, "lattice2d", 0) == 4 * 3 + 4);  // L = 2: wrapped pairs counted once
  CHECK(terms_count(5, 4, "chain", 0) == 5 * 3 + 4);
  CHECK(terms_count(5, 2, "all", 0) == 5 + 15);
  CHECK_THROWS_WITH_AS(terms_count(10, 4, "lattice2d", 0), doctest::Contains("lattice2d needs dim = lattice²"),
                       std::invalid_argument);
  // The schema's range [2, 4] lets 3 through; the term sets exist for 2 and 4 only.
  CHECK_THROWS_WITH_AS(terms_count(3, 3, "all", 0), doctest::Contains("degree must be 2 or 4"), std::invalid_argument);
}

TEST_CASE("score matching: closed-form needs degree 2 with all pairs") {
  const RowMatrixXd x = gaussian_samples(Eigen::MatrixXd::Identity(3, 3), Eigen::VectorXd::Zero(3), 500, 2);
  CHECK_THROWS_WITH_AS(learn(x, {{"solver", std::string("closed-form")}, {"neighbours", std::string("chain")}}),
                       doctest::Contains("closed-form needs degree 2 with neighbours all"), std::invalid_argument);
}

TEST_CASE("score matching: degenerate data asks for more samples or a ridge") {
  RowMatrixXd x = RowMatrixXd::Zero(10, 3);
  for (Eigen::Index n = 0; n < 10; ++n) x(n, 0) = x(n, 1) = static_cast<double>(n);  // x_0 = x_1, x_2 = 0
  CHECK_THROWS_WITH_AS(learn(x), doctest::Contains("ridge"), std::runtime_error);
  const Artifact ok = learn(x, {{"ridge", 0.1}});
  CHECK(ok.array("precision").shape()[0] == 3);
}
