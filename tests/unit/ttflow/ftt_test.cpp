// The functional tensor train (components/ttflow/ftt.*): evaluation against the
// full tensor contraction and finite differences, ALS against exactly
// representable functions, rounding and blending against the functions they
// must preserve.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "components/ttflow/ftt.hpp"

namespace reprise {
namespace {

RowMatrixXd random_points(Eigen::Index n, Eigen::Index d, double scale, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  RowMatrixXd x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  return x;
}

FunctionalTT random_train(std::size_t d, const FourierBasis& basis, std::size_t rank, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  FunctionalTT tt(d, basis, rank, rng);
  std::normal_distribution<double> normal;
  for (Eigen::Index i = 0; i < tt.core(0).size(); ++i) tt.core(0).data()[i] = normal(rng);
  return tt;
}

// φ(x) by summing C_1[j1] C_2[j2] C_3[j3] ψ_j1 ψ_j2 ψ_j3 over every index: the
// full contraction, written independently of the prefix/suffix products.
double full_contraction(const FunctionalTT& tt, const double* x) {
  const std::size_t n = tt.basis_size();
  std::vector<std::vector<double>> psi(3, std::vector<double>(n));
  for (std::size_t k = 0; k < 3; ++k) tt.basis().eval(x[k], psi[k].data(), nullptr, nullptr);
  const auto r = tt.ranks();
  double total = 0;
  for (std::size_t j1 = 0; j1 < n; ++j1)
    for (std::size_t j2 = 0; j2 < n; ++j2)
      for (std::size_t j3 = 0; j3 < n; ++j3)
        for (std::size_t a = 0; a < r[1]; ++a)
          for (std::size_t b = 0; b < r[2]; ++b)
            total += tt.core(0)(j1, a) * tt.core(1)(a * n + j2, b) * tt.core(2)(b * n + j3, 0) * psi[0][j1] *
                     psi[1][j2] * psi[2][j3];
  return total;
}

TEST_CASE("FTT value equals the full tensor contraction; gradient and Laplacian match finite differences") {
  const FourierBasis basis(-3, 3, 2);
  const FunctionalTT tt = random_train(3, basis, 2, 7);
  const RowMatrixXd x = random_points(5, 3, 2.5, 1);
  Eigen::VectorXd value, lap;
  RowMatrixXd grad;
  tt.evaluate(x, &value, &grad, &lap);
  const double h = 1e-4;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    CHECK(value[i] == doctest::Approx(full_contraction(tt, x.row(i).data())).epsilon(1e-12));
    double fd_lap = 0;
    for (Eigen::Index k = 0; k < 3; ++k) {
      RowMatrixXd plus = x.row(i), minus = x.row(i);
      plus(0, k) += h;
      minus(0, k) -= h;
      Eigen::VectorXd vp, vm;
      tt.evaluate(plus, &vp, nullptr, nullptr);
      tt.evaluate(minus, &vm, nullptr, nullptr);
      CHECK(grad(i, k) == doctest::Approx((vp[0] - vm[0]) / (2 * h)).epsilon(1e-6));
      fd_lap += (vp[0] - 2 * value[i] + vm[0]) / (h * h);
    }
    CHECK(lap[i] == doctest::Approx(fd_lap).epsilon(1e-4));
  }
}

TEST_CASE("ALS recovers an exactly representable function (regression, c0 = 1)") {
  const FourierBasis basis(-3, 3, 2);
  const FunctionalTT truth = random_train(4, basis, 2, 11);
  const RowMatrixXd x = random_points(600, 4, 3, 2);
  Eigen::VectorXd f;
  truth.evaluate(x, &f, nullptr, nullptr);
  std::mt19937_64 rng(5);
  FunctionalTT fit(4, basis, 2, rng);
  AlsProblem problem;
  problem.x = &x;
  problem.rhs = &f;
  problem.value_coeff = 1;
  problem.laplace_coeff = 0;
  const double residual = fit_als(fit, problem, AlsOptions{20, 1e-14});
  CHECK(residual < 1e-12);
  const RowMatrixXd fresh = random_points(50, 4, 3, 3);
  Eigen::VectorXd a, b;
  truth.evaluate(fresh, &a, nullptr, nullptr);
  fit.evaluate(fresh, &b, nullptr, nullptr);
  CHECK((a - b).norm() < 1e-5 * a.norm());
}

TEST_CASE("ALS residual agrees with the operator applied to the fitted train") {
  const FourierBasis basis(-4, 4, 3);
  const RowMatrixXd x = random_points(400, 3, 3, 4);
  const RowMatrixXd g = random_points(400, 3, 1, 5);
  Eigen::VectorXd f = x.col(0).array().square() + x.col(1).array() * x.col(2).array();
  std::mt19937_64 rng(6);
  FunctionalTT phi(3, basis, 3, rng);
  AlsProblem problem;
  problem.x = &x;
  problem.drift = &g;
  problem.rhs = &f;
  problem.value_coeff = 0.5;
  problem.laplace_coeff = 1;
  const double residual = fit_als(phi, problem, AlsOptions{3, 1e-10});
  const Eigen::VectorXd lphi = apply_operator(phi, problem);
  CHECK(residual == doctest::Approx((lphi - f).squaredNorm() / f.squaredNorm()).epsilon(1e-6));
}

TEST_CASE("blend adds trains exactly; rounding keeps the function and cuts an inflated rank") {
  const FourierBasis basis(-3, 3, 2);
  const FunctionalTT a = random_train(3, basis, 2, 21), b = random_train(3, basis, 2, 22);
  const RowMatrixXd x = random_points(20, 3, 2, 7);
  Eigen::VectorXd va, vb, vs;
  a.evaluate(x, &va, nullptr, nullptr);
  b.evaluate(x, &vb, nullptr, nullptr);
  FunctionalTT sum = a.blend(0.3, b, 0.7);
  sum.evaluate(x, &vs, nullptr, nullptr);
  CHECK((vs - (0.3 * va + 0.7 * vb)).norm() < 1e-12 * vs.norm());
  // a + a has rank 4 as written but is a rank-2 function.
  FunctionalTT doubled = a.blend(1.0, a, 1.0);
  CHECK(doubled.max_rank() == 4);
  doubled.round(1e-10, 0);
  CHECK(doubled.max_rank() == 2);
  Eigen::VectorXd vd;
  doubled.evaluate(x, &vd, nullptr, nullptr);
  CHECK((vd - 2 * va).norm() < 1e-9 * vd.norm());
  CHECK(doubled.norm() == doctest::Approx(2 * a.norm()).epsilon(1e-10));
}

TEST_CASE("growing ranks leaves the function unchanged") {
  const FourierBasis basis(-3, 3, 2);
  FunctionalTT a = random_train(3, basis, 1, 31);
  const RowMatrixXd x = random_points(10, 3, 2, 8);
  Eigen::VectorXd before, after;
  a.evaluate(x, &before, nullptr, nullptr);
  std::mt19937_64 rng(1);
  a.grow_ranks(2, 0, rng);
  CHECK(a.ranks() == std::vector<std::size_t>{1, 3, 3, 1});
  a.evaluate(x, &after, nullptr, nullptr);
  CHECK((after - before).norm() < 1e-12 * before.norm());
}

// The annealing path between two Gaussians, N(0, σ₀²) -> N(μ, s²) per coordinate,
// stays Gaussian with precision λ(t) = (1 − t)/σ₀² + t/s² and mean
// m(t) = (tμ/s²)/λ(t); its gradient velocity is v(x) = m′ + (σ′/σ)(x − m) with
// σ = λ^(−1/2), so σ′/σ = −λ′/(2λ).
TEST_CASE("the fitted continuity-equation field of a Gaussian path matches the closed-form velocity") {
  const double sigma0 = 2.0, s = 0.7, t = 0.4;
  const Eigen::Vector2d mu(2.0, -1.0);
  const double lambda = (1 - t) / (sigma0 * sigma0) + t / (s * s);
  const double dlambda = -1 / (sigma0 * sigma0) + 1 / (s * s);
  const double rate = -dlambda / (2 * lambda);
  const Eigen::Index n = 3000;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  RowMatrixXd x(n, 2), drift(n, 2);
  Eigen::VectorXd f(n);
  Eigen::Vector2d m, dm;
  for (int k = 0; k < 2; ++k) {
    m[k] = t * mu[k] / (s * s) / lambda;
    dm[k] = mu[k] / (s * s) / lambda - t * mu[k] / (s * s) * dlambda / (lambda * lambda);
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    double e1 = 0, e0 = 0;
    for (int k = 0; k < 2; ++k) {
      x(i, k) = m[k] + normal(rng) / std::sqrt(lambda);
      drift(i, k) = (1 - t) * x(i, k) / (sigma0 * sigma0) + t * (x(i, k) - mu[k]) / (s * s);
      e0 += x(i, k) * x(i, k) / (2 * sigma0 * sigma0);
      e1 += (x(i, k) - mu[k]) * (x(i, k) - mu[k]) / (2 * s * s);
    }
    f[i] = e1 - e0;
  }
  f.array() -= f.mean();
  const FourierBasis basis(-8, 8, 6);
  FunctionalTT phi(2, basis, 2, rng);
  AlsProblem problem;
  problem.x = &x;
  problem.drift = &drift;
  problem.rhs = &f;
    // The ridge matters: on a finite sample the operator has near-null directions
  // (δ′ ∝ exp(+λ(x − m)²/2) solves Lδ = 0 and is bounded where samples are),
  // which an H² penalty removes, while too large a one biases the field. Here
  // ridge 1e−8 gives 0.7 % velocity error, 1e−6 3 %.
  const double residual = fit_als(phi, problem, AlsOptions{4, 1e-8});
  CHECK(residual < 1e-3);
  RowMatrixXd grad;
  phi.evaluate(x, nullptr, &grad, nullptr);
  double err = 0, norm = 0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) {
      const double v = dm[k] + rate * (x(i, k) - m[k]);
      err += (grad(i, k) - v) * (grad(i, k) - v);
      norm += v * v;
    }
  MESSAGE("relative velocity error " << std::sqrt(err / norm) << ", residual " << residual);
  CHECK(std::sqrt(err / norm) < 0.02);
}

// Ornstein–Uhlenbeck drift g = x and f = Σ (x_k² − 1): the exact potential is
// φ = −Σ x_k²/2, additive, i.e. TT rank 2 in any dimension.
TEST_CASE("from the additive start, ALS fits an additive field in 8 dimensions") {
  const int d = 8;
  const FourierBasis basis(-7, 7, 10);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  const Eigen::Index n = 2000;
  RowMatrixXd x(n, d);
  Eigen::VectorXd f = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) {
      x(i, k) = normal(rng);
      f[i] += x(i, k) * x(i, k) - 1;
    }
  AlsProblem problem;
  problem.x = &x;
  problem.drift = &x;
  problem.rhs = &f;
  FunctionalTT phi = FunctionalTT::additive(d, basis, rng);
  CHECK(phi.max_rank() == 2);
  const double residual = fit_als(phi, problem, AlsOptions{10, 1e-6});
  CHECK(residual < 0.01);
  RowMatrixXd grad;
  phi.evaluate(x, nullptr, &grad, nullptr);
  const double err = (grad + x).norm() / x.norm();  // ∇φ = −x
  MESSAGE("residual " << residual << ", relative velocity error " << err);
  CHECK(err < 0.1);
}

// The flow's importance weights are exact only if the log det that
// transport_rk4 integrates along the RK4 stages (h/6 Σ Δφ) is the log |det| of
// the Jacobian of the map the particles actually take. Checked against that
// numerical map's Jacobian by central differences, in 5 dimensions, on a rank-3
// field strong enough to shear and compress the cloud (log dets up to ~2): the
// two agree to 1e-5 at 8 substeps, and the gap is the integration's, shrinking
// like h^4 (to below 1e-7 at 32 substeps).
double log_det_gap(const FunctionalTT& phi, const RowMatrixXd& start, std::size_t substeps, double* largest,
                   double taper_fraction = 0) {
  const double dt = 0.05, eps = 1e-6;
  RowMatrixXd moved = start;
  const Eigen::VectorXd log_det = transport_rk4(phi, moved, dt, substeps, taper_fraction);
  double gap = 0;
  for (Eigen::Index i = 0; i < start.rows(); ++i) {
    Eigen::MatrixXd jacobian(start.cols(), start.cols());
    for (Eigen::Index k = 0; k < start.cols(); ++k) {
      RowMatrixXd plus = start.row(i), minus = start.row(i);
      plus(0, k) += eps;
      minus(0, k) -= eps;
      transport_rk4(phi, plus, dt, substeps, taper_fraction);
      transport_rk4(phi, minus, dt, substeps, taper_fraction);
      jacobian.col(k) = (plus.row(0) - minus.row(0)).transpose() / (2 * eps);
    }
    const double exact = std::log(std::abs(jacobian.determinant()));
    *largest = std::max(*largest, std::abs(exact));
    gap = std::max(gap, std::abs(log_det[i] - exact));
  }
  return gap;
}

TEST_CASE("transport_rk4's log det is the log |det| of the numerical map's Jacobian") {
  const FourierBasis basis(-4, 4, 3);
  FunctionalTT phi = random_train(5, basis, 3, 11);
  for (std::size_t k = 0; k < phi.dim(); ++k) phi.core(k) *= 0.6;
  const RowMatrixXd start = random_points(8, 5, 2.0, 3);
  double largest = 0;
  CHECK(log_det_gap(phi, start, 8, &largest) < 1e-5);
  CHECK(log_det_gap(phi, start, 32, &largest) < 1e-7);
  CHECK(largest > 1.0);  // the field really deforms the cloud
}

// The cut-off velocity χ∇φ (transport_rk4's taper_fraction) is still a smooth field, so its map's
// log det must again be the numerical Jacobian's, now with the ∇χ·∇φ term:
// the even coordinates of the points are placed in the taper band of the box
// [-4, 4] (the margin is 0.2 x 8 = 1.6, so the band is 2.4 <= |x_k| <= 4; they
// sit at 3..3.25), where that term lives, the odd ones inside. Points
// outside the box do not move and keep log det 0; points inside the band's
// inner edge move exactly as without the cut-off.
TEST_CASE("transport_rk4 with the box cut-off: exact log det in the band, identity outside the box") {
  const FourierBasis basis(-4, 4, 3);
  FunctionalTT phi = random_train(5, basis, 3, 11);
  for (std::size_t k = 0; k < phi.dim(); ++k) phi.core(k) *= 0.6;
  const double taper = 0.2;  // on the basis box [-4, 4]
  RowMatrixXd band = random_points(8, 5, 1.0, 5);
  for (Eigen::Index i = 0; i < band.rows(); ++i)
    for (Eigen::Index k = 0; k < band.cols(); k += 2) band(i, k) = (band(i, k) < 0 ? -1 : 1) * (3.0 + 0.25 * std::abs(band(i, k)));
  double largest = 0;
  CHECK(log_det_gap(phi, band, 8, &largest, taper) < 1e-5);
  CHECK(log_det_gap(phi, band, 32, &largest, taper) < 1e-7);

  RowMatrixXd outside = random_points(6, 5, 1.0, 6);
  outside.col(2).setConstant(4.5);  // one coordinate beyond the box is enough
  RowMatrixXd moved = outside;
  const Eigen::VectorXd log_det = transport_rk4(phi, moved, 0.05, 4, taper);
  CHECK((moved - outside).norm() == 0.0);
  CHECK(log_det.norm() == 0.0);

  RowMatrixXd core = random_points(6, 5, 0.3, 7);  // |x| < 2.4 where every stage stays
  RowMatrixXd plain = core, cut = core;
  const Eigen::VectorXd plain_det = transport_rk4(phi, plain, 0.01, 4);
  const Eigen::VectorXd cut_det = transport_rk4(phi, cut, 0.01, 4, taper);
  CHECK((plain - core).norm() > 1e-4);  // the field does move them
  CHECK((plain - cut).norm() == 0.0);
  CHECK((plain_det - cut_det).norm() == 0.0);
}

}  // namespace
}  // namespace reprise
