// ttflow/basis: the H²-orthonormal Fourier basis, checked with a quadrature
// independent of the one that built it, and its derivatives by finite differences.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "components/ttflow/basis.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise {
namespace {

// Gram matrix of the basis in H²(lo, hi), as a mean over the box, by composite
// Simpson on `cells` cells.
Eigen::MatrixXd simpson_gram(const FourierBasis& b, int cells) {
  const auto n = static_cast<Eigen::Index>(b.size());
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd v(n), d1(n), d2(n);
  const double h = (b.high() - b.low()) / cells;
  for (int i = 0; i <= cells; ++i) {
    const double w = (i == 0 || i == cells) ? 1 : (i % 2 ? 4 : 2);
    b.eval(b.low() + i * h, v.data(), d1.data(), d2.data());
    g += (w * h / 3) * (v * v.transpose() + d1 * d1.transpose() + d2 * d2.transpose());
  }
  return g / (b.high() - b.low());
}

TEST_CASE("the basis is orthonormal in H² (independent Simpson quadrature)") {
  for (auto [lo, hi, degree] : {std::tuple{-5.0, 5.0, 6}, std::tuple{-2.0, 3.0, 3}, std::tuple{-50.0, 50.0, 10}}) {
    const FourierBasis b(lo, hi, degree);
    const Eigen::MatrixXd g = simpson_gram(b, 40000);
    CHECK((g - Eigen::MatrixXd::Identity(g.rows(), g.cols())).cwiseAbs().maxCoeff() < 1e-6);
  }
}

TEST_CASE("low degrees keep every function; high degrees on long boxes drop dependent directions") {
  CHECK(FourierBasis(-5, 5, 6).size() == 13);
  const FourierBasis wide(-50, 50, 24);
  CHECK(wide.size() < 49);
  CHECK(wide.size() > 24);  // at least the cosine family's worth survives
  const Eigen::MatrixXd g = simpson_gram(wide, 40000);
  CHECK((g - Eigen::MatrixXd::Identity(g.rows(), g.cols())).cwiseAbs().maxCoeff() < 1e-5);
}

TEST_CASE("basis derivatives match finite differences") {
  const FourierBasis b(-3, 4, 5);
  const auto n = b.size();
  std::vector<double> v(n), d1(n), d2(n), vp(n), vm(n);
  const double h = 1e-4;
  for (double x : {-2.9, -0.3, 1.7, 3.8}) {
    b.eval(x, v.data(), d1.data(), d2.data());
    b.eval(x + h, vp.data(), nullptr, nullptr);
    b.eval(x - h, vm.data(), nullptr, nullptr);
    for (std::size_t j = 0; j < n; ++j) {
      CHECK(d1[j] == doctest::Approx((vp[j] - vm[j]) / (2 * h)).epsilon(1e-6));
      CHECK(d2[j] == doctest::Approx((vp[j] - 2 * v[j] + vm[j]) / (h * h)).epsilon(1e-4));
    }
  }
}

TEST_CASE("ttflow/basis rejects an empty box") {
  CHECK_THROWS_WITH(test::run_component("ttflow/basis", {{"low", 2.0}, {"high", 1.0}}),
                    doctest::Contains("must be below high"));
  const Artifact a = test::run_component("ttflow/basis", {{"degree", std::int64_t{4}}});
  CHECK(a.scalar("size") == 9);
}

}  // namespace
}  // namespace reprise
