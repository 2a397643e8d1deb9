#include <doctest/doctest.h>
#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The values a test sets; every other parameter keeps its default.
Params mvn_params(std::int64_t dim, std::int64_t samples, double condition, const std::string& structure,
                  std::map<std::string, ParamValue> more = {}) {
  more.insert({{"dim", dim}, {"samples", samples}, {"condition", condition}, {"structure", structure}});
  return test::default_params("dataset/mvn", more);
}

Artifact generate(const Params& p, std::uint64_t seed = 7) {
  SimpleContext ctx(seed);
  return test::component_info("dataset/mvn").make()->run(Inputs{}, p, ctx);
}

RowMatrix matrix(const Array& a) {
  REQUIRE(a.rank() == 2);
  const std::vector<double> v = a.to_double();
  return Eigen::Map<const RowMatrix>(v.data(), static_cast<Eigen::Index>(a.shape()[0]),
                                     static_cast<Eigen::Index>(a.shape()[1]));
}

Eigen::MatrixXd sample_covariance(const RowMatrix& x) {
  const Eigen::RowVectorXd mu = x.colwise().mean();
  const RowMatrix centred = x.rowwise() - mu;
  return centred.transpose() * centred / static_cast<double>(x.rows() - 1);
}

// Energy share of the lowest quarter of orthonormal DCT-II frequencies, by the
// defining sum (independent of the component's basis code).
double low_frequency_share(const RowMatrix& x) {
  const Eigen::Index d = x.cols();
  Eigen::MatrixXd dct(d, d);
  for (Eigen::Index k = 0; k < d; ++k)
    for (Eigen::Index n = 0; n < d; ++n)
      dct(k, n) = std::sqrt((k == 0 ? 1.0 : 2.0) / d) * std::cos(std::numbers::pi * k * (n + 0.5) / d);
  const Eigen::MatrixXd coeffs = x * dct.transpose();
  return coeffs.leftCols(d / 4).squaredNorm() / coeffs.squaredNorm();
}

}  // namespace

TEST_CASE("dataset/mvn: schema declares the documented defaults") {
  const ComponentInfo* info = Registry::instance().find("dataset/mvn");
  REQUIRE(info != nullptr);
  CHECK(std::get<std::int64_t>(*info->find_param("dim")->default_value) == 32);
  CHECK(std::get<std::int64_t>(*info->find_param("samples")->default_value) == 10000);
  CHECK(std::get<double>(*info->find_param("condition")->default_value) == 10.0);
  CHECK(std::get<std::string>(*info->find_param("structure")->default_value) == "smooth");
  CHECK(std::get<double>(*info->find_param("mean")->default_value) == 0.0);
}

TEST_CASE("dataset/mvn: shapes, mean and scalars") {
  const Artifact a = generate(mvn_params(5, 123, 4.0, "smooth", {{"mean", 2.5}}));
  CHECK(a.array("samples").dtype() == DType::f64);
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{123, 5});
  CHECK(a.array("covariance").shape() == std::vector<std::size_t>{5, 5});
  CHECK(a.array("mean").shape() == std::vector<std::size_t>{5});
  for (double m : a.array("mean").to_double()) CHECK(m == 2.5);
  CHECK(a.scalar("dim") == 5);
  CHECK(a.scalar("samples") == 123);
  CHECK(a.scalar("condition") == doctest::Approx(4.0).epsilon(1e-12));
}

TEST_CASE("dataset/mvn: sample covariance and mean match the stored ones") {
  for (const std::string structure : {"smooth", "random"}) {
    CAPTURE(structure);
    const Artifact a = generate(mvn_params(8, 200000, 10.0, structure, {{"mean", -1.5}}));
    const RowMatrix x = matrix(a.array("samples"));
    const Eigen::MatrixXd stored = matrix(a.array("covariance"));
    const Eigen::MatrixXd empirical = sample_covariance(x);
    CHECK((empirical - stored).norm() / stored.norm() < 0.03);
    const Eigen::RowVectorXd mu = x.colwise().mean();
    CHECK((mu.array() + 1.5).abs().maxCoeff() < 0.02);  // sd of a mean of 2e5 unit-variance draws: 0.0022
  }
}

TEST_CASE("dataset/mvn: the covariance has exactly the requested condition number") {
  for (const std::string structure : {"smooth", "random"}) {
    for (double condition : {1.0, 10.0, 1e3, 1e6}) {
      CAPTURE(structure);
      CAPTURE(condition);
      const Artifact a = generate(mvn_params(16, 4, condition, structure));
      const Eigen::MatrixXd cov = matrix(a.array("covariance"));
      CHECK((cov - cov.transpose()).norm() == 0.0);
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
      const Eigen::VectorXd lambda = eig.eigenvalues();  // ascending
      CHECK(lambda.maxCoeff() == doctest::Approx(1.0).epsilon(1e-10));
      CHECK(lambda.maxCoeff() / lambda.minCoeff() == doctest::Approx(condition).epsilon(1e-8));
      CHECK(a.scalar("condition") == doctest::Approx(condition).epsilon(1e-12));
      // Geometric ladder: consecutive eigenvalues share one ratio.
      const double step = std::pow(condition, 1.0 / 15.0);
      for (Eigen::Index k = 1; k < lambda.size(); ++k)
        CHECK(lambda(k) / lambda(k - 1) == doctest::Approx(step).epsilon(1e-7));
    }
  }
}

TEST_CASE("dataset/mvn: a one-variable covariance has condition number 1") {
  const Artifact a = generate(mvn_params(1, 10, 100.0, "smooth"));
  CHECK(a.scalar("condition") == 1.0);
  CHECK(a.array("covariance").to_double() == std::vector<double>{1.0});
}

TEST_CASE("dataset/mvn: smooth samples put their energy in low DCT frequencies, random ones do not") {
  const double smooth = low_frequency_share(matrix(generate(mvn_params(32, 4000, 1e4, "smooth")).array("samples")));
  const double random = low_frequency_share(matrix(generate(mvn_params(32, 4000, 1e4, "random")).array("samples")));
  CHECK(smooth > 0.85);  // exact share for this spectrum: 0.907
  CHECK(random < 0.5);   // no preferred basis: about a quarter
}

TEST_CASE("dataset/mvn: same seed gives the same samples, another seed others") {
  for (const std::string structure : {"smooth", "random"}) {
    CAPTURE(structure);
    const Params p = mvn_params(6, 50, 10.0, structure);
    const Artifact a = generate(p, 11), b = generate(p, 11), c = generate(p, 12);
    CHECK(a == b);
    CHECK(a.array("samples") == b.array("samples"));
    CHECK_FALSE(a.array("samples") == c.array("samples"));
  }
}

TEST_CASE("dataset/mvn: rejects parameters outside the schema") {
  CHECK_THROWS_WITH_AS(mvn_params(0, 10, 10.0, "smooth"), doctest::Contains("'dim' must be in [1, 4096]"), ParamError);
  CHECK_THROWS_WITH_AS(mvn_params(4, 10, 0.5, "smooth"), doctest::Contains("'condition' must be >= 1"), ParamError);
  CHECK_THROWS_WITH_AS(mvn_params(4, 10, 10.0, "wavy"), doctest::Contains("must be one of"), ParamError);
  CHECK_THROWS_WITH_AS(generate(mvn_params(4, 10, INFINITY, "smooth")), doctest::Contains("condition must be finite"),
                       std::invalid_argument);
}
