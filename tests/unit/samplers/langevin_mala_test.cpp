#include "components/learners/energy_model.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "framework/core/registry.hpp"

using namespace reprise;

namespace {

using Values = std::map<std::string, ParamValue>;

// The values a test sets (20000 chains unless it says otherwise); sample()
// validates them against the sampler's schema, which fills in the rest.
Values chain_params(double step, std::int64_t steps, Values overrides = {}) {
  overrides.insert({{"step", step}, {"steps", steps}, {"chains", std::int64_t{20000}}});
  return overrides;
}

Artifact sample(const std::string& name, const Artifact& model, const Values& p, const Artifact* init = nullptr,
                const Artifact* truth = nullptr, std::uint64_t seed = 7) {
  const ComponentInfo* info = Registry::instance().find(name);
  REQUIRE(info != nullptr);
  Inputs in;
  in.set("model", std::make_shared<const Artifact>(model));
  if (init) in.set("init", std::make_shared<const Artifact>(*init));
  if (truth) in.set("truth", std::make_shared<const Artifact>(*truth));
  SimpleContext ctx(seed);
  return info->make()->run(in, info->make_params(p), ctx);
}

// 1-D N(μ, σ²) through the polynomial path only: E = −(μ/σ²) x + x² / (2σ²).
Artifact gaussian_1d_polynomial(double mu, double var) {
  return polynomial_energy_artifact(1, {Monomial{{0, -1, -1, -1}}, Monomial{{0, 0, -1, -1}}},
                                    {-mu / var, 0.5 / var});
}

// d-dimensional N(μ, P⁻¹) through the Gaussian fast path.
Artifact gaussian_model(const Eigen::MatrixXd& p, const Eigen::VectorXd& mu) {
  return polynomial_energy_artifact(static_cast<std::size_t>(mu.size()), quadratic_terms(static_cast<std::size_t>(mu.size())),
                                    gaussian_theta(p, mu), p, mu);
}

struct MeanVar {
  double mean = 0, var = 0;
};
MeanVar column_stats(const Artifact& out, std::size_t col = 0) {
  const Array& s = out.array("samples");
  const std::size_t m = s.shape()[0], d = s.shape()[1];
  const auto v = s.view<double>();
  MeanVar r;
  for (std::size_t n = 0; n < m; ++n) r.mean += v[n * d + col];
  r.mean /= static_cast<double>(m);
  for (std::size_t n = 0; n < m; ++n) r.var += (v[n * d + col] - r.mean) * (v[n * d + col] - r.mean);
  r.var /= static_cast<double>(m - 1);
  return r;
}

Artifact samples_artifact(const RowMatrixXd& x) {
  Artifact a;
  a.set_array("samples", Array::from<double>({static_cast<std::size_t>(x.rows()), static_cast<std::size_t>(x.cols())},
                                             std::vector<double>(x.data(), x.data() + x.size())));
  return a;
}

}  // namespace

TEST_CASE("sampler/mala targets a 1-D Gaussian with the right mean and variance, even at a large step") {
  // At h = 1.2 ULA would sit at variance σ² / (1 − h / 2σ²) = 2 / 0.7 = 2.857.
  const double mu = 0.5, var = 2.0;
  const Artifact out = sample("sampler/mala", gaussian_1d_polynomial(mu, var), chain_params(1.2, 150));
  const MeanVar s = column_stats(out);
  // Standard errors with 20000 independent chains: mean 0.01, variance 0.02.
  CHECK(std::abs(s.mean - mu) < 0.05);
  CHECK(std::abs(s.var - var) < 0.08);
  CHECK(out.scalar("acceptance") > 0.5);
  CHECK(out.scalar("acceptance") < 1.0);
}

TEST_CASE("sampler/langevin on N(0, σ²) has the closed-form O(h) stationary variance σ² / (1 − h / 2σ²)") {
  const double var = 1.0, h = 0.5;
  const double expected = var / (1.0 - h / (2.0 * var));  // 4/3: a 33 % bias, far beyond sampling error
  // Four independent runs of 20000 chains: the pooled variance has standard error 0.0067.
  double pooled = 0, mean = 0;
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    const MeanVar t =
        column_stats(sample("sampler/langevin", gaussian_1d_polynomial(0.0, var), chain_params(h, 60), nullptr, nullptr, seed));
    pooled += t.var / 4;
    mean += t.mean / 4;
  }
  MESSAGE("ULA variance " << pooled << ", closed form " << expected);
  CHECK(std::abs(pooled - expected) < 0.03);
  CHECK(std::abs(mean) < 0.03);
  // A small step is close to unbiased: 1 / (1 − 0.025) = 1.026.
  const MeanVar small = column_stats(sample("sampler/langevin", gaussian_1d_polynomial(0.0, var), chain_params(0.05, 200)));
  CHECK(std::abs(small.var - var / (1.0 - 0.025)) < 0.05);
}

TEST_CASE("sampler/langevin divergence stops with an error naming the step size, the step and the remedy") {
  const Artifact quartic = polynomial_energy_artifact(1, {Monomial{{0, 0, 0, 0}}}, {1.0});
  const auto p = chain_params(0.5, 100, {{"chains", std::int64_t{50}}, {"init_scale", 3.0}});
  CHECK_THROWS_WITH_AS(sample("sampler/langevin", quartic, p),
                       doctest::Contains("with step size h = 0.5; lower step"), std::runtime_error);
  CHECK_THROWS_WITH_AS(sample("sampler/langevin", quartic, p), doctest::Contains("non-finite state at step "),
                       std::runtime_error);
  // The same model with a small step runs, and MALA rejects the wild proposals instead.
  CHECK_NOTHROW(sample("sampler/langevin", quartic, chain_params(0.001, 20, {{"chains", std::int64_t{50}}})));
  // (chains far out in the quartic well stay put: their proposals overshoot and are refused).
  const Artifact m = sample("sampler/mala", quartic, p);
  CHECK(m.array("samples").view<double>()[0] == m.array("samples").view<double>()[0]);  // finite, not NaN
  CHECK(m.scalar("acceptance") < 0.9);
}

TEST_CASE("continuous chains: records follow the QoI error, and threads do not change the output") {
  Eigen::MatrixXd p(3, 3);
  p << 2.0, -0.5, 0.0, -0.5, 1.5, 0.3, 0.0, 0.3, 1.0;
  const Eigen::VectorXd mu = Eigen::Vector3d(1.0, -1.0, 0.5);
  const Artifact model = gaussian_model(p, mu);
  // Exact samples as the truth, drawn here.
  const Eigen::MatrixXd l = p.inverse().llt().matrixL();
  std::mt19937_64 rng(2);
  std::normal_distribution<double> n01;
  RowMatrixXd t(4000, 3);
  for (Eigen::Index r = 0; r < t.rows(); ++r) t.row(r) = (mu + l * Eigen::Vector3d(n01(rng), n01(rng), n01(rng))).transpose();
  const Artifact truth = samples_artifact(t);

  const Values prm = chain_params(0.1, 100, {{"chains", std::int64_t{4000}}, {"init_scale", 3.0}});
  const Artifact a = sample("sampler/mala", model, prm, nullptr, &truth);
  const auto steps = a.array("record_steps").view<std::int64_t>();
  const auto err = a.array("record_max_abs").view<double>();
  REQUIRE(steps.size() == 8);
  CHECK(steps[7] == 100);
  CHECK(err[0] > 1.0);     // N(0, 9) against N(μ, Σ): second moments off by several units
  CHECK(err[7] < 0.25);    // equilibrated: sampling error of two 4000-sample moment sets
  CHECK(a.scalar("max_abs") == err[7]);
  CHECK(a.array("record_seconds").size() == 8);

  // Started from the truth's own samples the error starts at zero.
  const Artifact warm = sample("sampler/langevin", model, prm, &truth, &truth);
  CHECK(warm.array("record_max_abs").view<double>()[0] == doctest::Approx(0.0));
  CHECK(warm.scalar("chains") == 4000);

  const Values one = chain_params(0.1, 20, {{"chains", std::int64_t{700}}, {"threads", std::int64_t{1}}});
  const Values two = chain_params(0.1, 20, {{"chains", std::int64_t{700}}, {"threads", std::int64_t{2}}});
  CHECK(sample("sampler/mala", model, one).array("samples") == sample("sampler/mala", model, two).array("samples"));
  CHECK(sample("sampler/langevin", model, one).array("samples") ==
        sample("sampler/langevin", model, two).array("samples"));
  CHECK_FALSE(sample("sampler/langevin", model, one, nullptr, nullptr, 8).array("samples") ==
              sample("sampler/langevin", model, one).array("samples"));
}

TEST_CASE("continuous chains: inputs that do not fit the model are named") {
  const Artifact model = gaussian_1d_polynomial(0.0, 1.0);
  const Artifact init = samples_artifact(RowMatrixXd::Zero(5, 2));
  CHECK_THROWS_WITH_AS(sample("sampler/langevin", model, chain_params(0.1, 5), &init),
                       doctest::Contains("init.samples has 2 columns but the model has dim 1"),
                       std::invalid_argument);
  Artifact not_model;
  not_model.set_array("samples", Array::from<double>({1, 1}, {0.0}));
  CHECK_THROWS_WITH_AS(sample("sampler/mala", not_model, chain_params(0.1, 5)),
                       doctest::Contains("model: not an energy model"), std::invalid_argument);
}

TEST_CASE("continuous chains: the schema states the exact bound step > 0") {
  const Artifact model = gaussian_1d_polynomial(0.0, 1.0);
  for (const std::string name : {"sampler/langevin", "sampler/mala"}) {
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(sample(name, model, chain_params(0.0, 5)), doctest::Contains("'step' must be > 0, got 0"),
                         ParamError);
    CHECK_THROWS_WITH_AS(sample(name, model, chain_params(-0.1, 5)), doctest::Contains("'step' must be > 0"),
                         ParamError);
    CHECK_NOTHROW(sample(name, model, chain_params(1e-14, 2, {{"chains", std::int64_t{10}}})));  // below the old 1e-12
    CHECK_THROWS_WITH_AS(sample(name, model, chain_params(0.1, -1)), doctest::Contains("'steps' must be >= 0"),
                         ParamError);
  }
}

// A 2-D Gaussian with condition number 400: precision diag(400, 1) rotated by 30°.
Eigen::MatrixXd stiff_precision() {
  const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
  Eigen::Matrix2d rotation;
  rotation << c, -s, s, c;
  return rotation * Eigen::Vector2d(400.0, 1.0).asDiagonal() * rotation.transpose();
}

TEST_CASE("precondition: model: preconditioned Langevin contracts every direction by exactly 1 - h per step") {
  // With A = P⁻¹ the ULA step is x' − μ = (1 − h)(x − μ) + noise, so the chain mean
  // after t steps is μ + (1 − h)^t (x0 − μ) along the stiff and the soft direction
  // alike (unpreconditioned, at a stable h < 2/400, the soft one would barely move).
  const Eigen::MatrixXd p = stiff_precision();
  const Eigen::Vector2d mu(1.0, -2.0), x0(4.0, 3.0);
  RowMatrixXd start(20000, 2);
  start.rowwise() = x0.transpose();
  const Artifact init = samples_artifact(start);
  const double h = 0.2;
  const Artifact out = sample("sampler/langevin", gaussian_model(p, mu),
                              chain_params(h, 5, {{"precondition", std::string("model")}}), &init);
  const double shrink = std::pow(1.0 - h, 5);
  // Chain-mean noise: the spread after 5 steps is below the stationary one, whose
  // largest sd is 1 (the soft direction); 20000 chains give sd 0.007 per mean.
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(std::abs(column_stats(out, i).mean - (mu(i) + shrink * (x0(i) - mu(i)))) < 0.03);
  }
}

TEST_CASE("precondition: model: MALA keeps an ill-conditioned Gaussian exactly, at a step plain MALA rejects") {
  const Eigen::MatrixXd p = stiff_precision();
  const Eigen::Vector2d mu(0.5, -0.5);
  const Eigen::MatrixXd cov = p.inverse();
  // Exact samples: x = μ + L z with L Lᵀ = P⁻¹.
  const Eigen::MatrixXd root = cov.llt().matrixL();
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  RowMatrixXd start(20000, 2);
  for (Eigen::Index r = 0; r < start.rows(); ++r)
    start.row(r) = (mu + root * Eigen::Vector2d(normal(rng), normal(rng))).transpose();
  const Artifact init = samples_artifact(start);
  const Artifact pre = sample("sampler/mala", gaussian_model(p, mu),
                              chain_params(0.8, 40, {{"precondition", std::string("model")}}), &init);
  const Artifact plain = sample("sampler/mala", gaussian_model(p, mu), chain_params(0.8, 40), &init);
  CHECK(pre.scalar("acceptance") > 0.5);   // isotropic in the metric: h = 0.8 is a moderate step
  CHECK(plain.scalar("acceptance") < 0.01);  // h = 0.8 against a stiffness of 400
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    const MeanVar got = column_stats(pre, i);
    const double sd = std::sqrt(cov(i, i));
    CHECK(std::abs(got.mean - mu(i)) < 5 * sd / std::sqrt(20000.0));
    // Relative sd of a variance estimate at n = 20000: 1 %. A wrong proposal density
    // (e.g. A^{1/2}(∇E(y) − ∇E(x)) in the reverse move) is 7 % off here.
    CHECK(std::abs(got.var / cov(i, i) - 1.0) < 0.04);
  }
}

TEST_CASE("precondition: model: an energy without curvature is refused with the remedy") {
  // E = x: a linear energy has a zero Hessian everywhere, so there is no metric to invert.
  const Artifact linear = polynomial_energy_artifact(1, {Monomial{{0, -1, -1, -1}}}, {1.0});
  CHECK_THROWS_WITH_AS(sample("sampler/mala", linear, chain_params(0.1, 1, {{"precondition", std::string("model")}})),
                       doctest::Contains("use precondition: none"), std::runtime_error);
}
