// metric/energy-distance against Székely's closed form for two 1-D Gaussians,
// and metric/mode-weights, metric/ess, metric/log-z against hand values.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <numeric>
#include <random>

#include "tests/unit/component_support.hpp"

namespace reprise {
namespace {

Artifact samples_artifact(const std::vector<double>& x, std::size_t d) {
  Artifact a;
  a.set_array("samples", Array::from<double>({x.size() / d, d}, x));
  return a;
}

Inputs pair(const Artifact& truth, const Artifact& sample, const char* first = "truth") {
  Inputs in;
  in.set(first, std::make_shared<Artifact>(truth));
  in.set("sample", std::make_shared<Artifact>(sample));
  return in;
}

// E|X − Y| for X ~ N(m1, s1²), Y ~ N(m2, s2²).
double mean_abs_difference(double m1, double s1, double m2, double s2) {
  const double s = std::sqrt(s1 * s1 + s2 * s2), d = m1 - m2;
  const double phi = 0.5 * std::erfc(d / s / std::sqrt(2.0));  // Φ(−d/s)
  return s * std::sqrt(2 / std::numbers::pi) * std::exp(-d * d / (2 * s * s)) + d * (1 - 2 * phi);
}

TEST_CASE("energy distance is 0 for identical sets and matches the closed form for two 1-D Gaussians") {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  const std::size_t n = 4000;
  std::vector<double> x(n), y(n);
  for (auto& v : x) v = 0.0 + 1.0 * normal(rng);
  for (auto& v : y) v = 1.0 + 2.0 * normal(rng);
  const Artifact ax = samples_artifact(x, 1), ay = samples_artifact(y, 1);
  const Artifact same = test::run_component("metric/energy-distance", {}, pair(ax, ax));
  CHECK(same.scalar("energy_distance_sq") == 0.0);
  const double exact = 2 * mean_abs_difference(0, 1, 1, 2) - mean_abs_difference(0, 1, 0, 1) -
                       mean_abs_difference(1, 2, 1, 2);
  const Artifact out = test::run_component("metric/energy-distance", {}, pair(ay, ax));
  MESSAGE("D² = " << out.scalar("energy_distance_sq") << ", closed form " << exact);
  CHECK(out.scalar("energy_distance_sq") == doctest::Approx(exact).epsilon(0.08));
  CHECK(out.scalar("energy_distance") == doctest::Approx(std::sqrt(out.scalar("energy_distance_sq"))));
  const Artifact sub = test::run_component("metric/energy-distance", {{"max_samples", std::int64_t{500}}}, pair(ay, ax));
  CHECK(sub.scalar("sample_rows") == 500);
  CHECK(sub.scalar("energy_distance_sq") == doctest::Approx(exact).epsilon(0.3));
}

// Brute-force estimates of D² over explicit pair lists: the V- and U-statistic
// and the U-statistic recomputed with each row left out (the jackknife).
struct BruteEnergy {
  double v = 0, u = 0, se = 0;
};

double dist(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(s);
}

double brute_u(const std::vector<std::vector<double>>& x, const std::vector<std::vector<double>>& y) {
  double xy = 0, xx = 0, yy = 0;
  for (const auto& a : x)
    for (const auto& b : y) xy += dist(a, b);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j)
      if (i != j) xx += dist(x[i], x[j]);
  for (std::size_t i = 0; i < y.size(); ++i)
    for (std::size_t j = 0; j < y.size(); ++j)
      if (i != j) yy += dist(y[i], y[j]);
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  return 2 * xy / (n * m) - xx / (n * (n - 1)) - yy / (m * (m - 1));
}

BruteEnergy brute_energy(const std::vector<std::vector<double>>& x, const std::vector<std::vector<double>>& y) {
  BruteEnergy e;
  e.u = brute_u(x, y);
  const double n = static_cast<double>(x.size()), m = static_cast<double>(y.size());
  double xy = 0, xx = 0, yy = 0;
  for (const auto& a : x)
    for (const auto& b : y) xy += dist(a, b);
  for (const auto& a : x)
    for (const auto& b : x) xx += dist(a, b);
  for (const auto& a : y)
    for (const auto& b : y) yy += dist(a, b);
  e.v = 2 * xy / (n * m) - xx / (n * n) - yy / (m * m);
  auto jack = [](const std::vector<double>& t) {
    double mean = 0, ss = 0;
    for (double v : t) mean += v / static_cast<double>(t.size());
    for (double v : t) ss += (v - mean) * (v - mean);
    return ss * (static_cast<double>(t.size()) - 1) / static_cast<double>(t.size());
  };
  std::vector<double> tx, ty;
  for (std::size_t i = 0; i < x.size(); ++i) {
    auto rest = x;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    tx.push_back(brute_u(rest, y));
  }
  for (std::size_t j = 0; j < y.size(); ++j) {
    auto rest = y;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(j));
    ty.push_back(brute_u(x, rest));
  }
  e.se = std::sqrt(jack(tx) + jack(ty));
  return e;
}

std::vector<double> flat(const std::vector<std::vector<double>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

TEST_CASE("energy distance: V, U, jackknife SE and D²/2 equal a brute-force enumeration") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> x(7, std::vector<double>(3)), y(5, std::vector<double>(3));
  for (auto& r : x)
    for (auto& v : r) v = normal(rng);
  for (auto& r : y)
    for (auto& v : r) v = 0.7 + 1.5 * normal(rng);
  const BruteEnergy want = brute_energy(x, y);
  for (std::int64_t threads : {1, 2, 3}) {
    const Artifact out = test::run_component("metric/energy-distance", {{"threads", threads}},
                                             pair(samples_artifact(flat(y), 3), samples_artifact(flat(x), 3)));
    CHECK(out.scalar("energy_distance_sq") == doctest::Approx(want.v).epsilon(1e-12));
    CHECK(out.scalar("energy_distance_sq_u") == doctest::Approx(want.u).epsilon(1e-12));
    CHECK(out.scalar("energy_distance_sq_u_se") == doctest::Approx(want.se).epsilon(1e-10));
    CHECK(out.scalar("mmd_sq") == doctest::Approx(want.v / 2).epsilon(1e-12));
    CHECK(out.scalar("mmd_sq_u") == doctest::Approx(want.u / 2).epsilon(1e-12));
    CHECK(out.scalar("v_bias") == doctest::Approx(want.v - want.u).epsilon(1e-10));
  }
}

TEST_CASE("energy distance: results do not depend on the number of threads") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> x(2 * 1500), y(2 * 1100);
  for (auto& v : x) v = normal(rng);
  for (auto& v : y) v = 0.2 + normal(rng);
  const Inputs in = pair(samples_artifact(y, 2), samples_artifact(x, 2));
  const Artifact one = test::run_component("metric/energy-distance", {{"threads", std::int64_t{1}}}, in);
  const Artifact two = test::run_component("metric/energy-distance", {{"threads", std::int64_t{2}}}, in);
  for (const char* key : {"energy_distance_sq", "energy_distance_sq_u", "energy_distance_sq_u_se", "v_bias"})
    CHECK(one.scalar(key) == two.scalar(key));
}

TEST_CASE("energy distance: the U-statistic is unbiased where the V-statistic is not, and the SE is calibrated") {
  // Two independent samples of one 2-D distribution: D² = 0. Over 200 replicates
  // the U-statistic averages 0 (within 4 standard errors of that mean) and the
  // V-statistic averages its bias E|X−X'|(1/n + 1/m) > 0.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  const std::size_t n = 150, m = 100, reps = 200;
  auto draw = [&](std::size_t rows, double shift) {
    std::vector<double> v(rows * 2);
    for (std::size_t i = 0; i < rows; ++i) {
      const double mode = (rng() & 1) ? 4.0 : -4.0;  // two modes, so E|X − X'| is large
      v[2 * i] = mode + shift + normal(rng);
      v[2 * i + 1] = normal(rng);
    }
    return v;
  };
  std::vector<double> u_null, se_null, v_null, bias, u_alt, se_alt;
  for (std::size_t r = 0; r < reps; ++r) {
    const Artifact same = test::run_component("metric/energy-distance", {},
                                              pair(samples_artifact(draw(m, 0), 2), samples_artifact(draw(n, 0), 2)));
    u_null.push_back(same.scalar("energy_distance_sq_u"));
    v_null.push_back(same.scalar("energy_distance_sq"));
    bias.push_back(same.scalar("v_bias"));
    se_null.push_back(same.scalar("energy_distance_sq_u_se"));
    const Artifact shifted = test::run_component(
        "metric/energy-distance", {}, pair(samples_artifact(draw(m, 0), 2), samples_artifact(draw(n, 0.8), 2)));
    u_alt.push_back(shifted.scalar("energy_distance_sq_u"));
    se_alt.push_back(shifted.scalar("energy_distance_sq_u_se"));
  }
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  auto sd = [&](const std::vector<double>& v) {
    const double mu = mean(v);
    double ss = 0;
    for (double t : v) ss += (t - mu) * (t - mu);
    return std::sqrt(ss / (v.size() - 1));
  };
  const double u_mean_se = sd(u_null) / std::sqrt(static_cast<double>(reps));
  MESSAGE("null: mean U " << mean(u_null) << " ± " << u_mean_se << ", mean V " << mean(v_null) << ", mean bias "
                          << mean(bias));
  MESSAGE("null: sd of U " << sd(u_null) << ", mean jackknife SE " << mean(se_null));
  CHECK(std::abs(mean(u_null)) < 4 * u_mean_se);
  // The U-statistic is degenerate at D² = 0, where the jackknife is known to be
  // conservative: it may overstate the spread, not hide it.
  CHECK(mean(se_null) > 0.9 * sd(u_null));
  CHECK(mean(se_null) < 1.8 * sd(u_null));
  CHECK(mean(v_null) == doctest::Approx(mean(bias)).epsilon(0.15));
  CHECK(mean(v_null) > 10 * u_mean_se);
  // Shifted by 0.8: the jackknife SE matches the spread of the U-statistic over replicates.
  MESSAGE("shifted: sd of U " << sd(u_alt) << ", mean jackknife SE " << mean(se_alt));
  CHECK(mean(se_alt) == doctest::Approx(sd(u_alt)).epsilon(0.25));
}

TEST_CASE("energy distance refuses sets with different dimensions") {
  const Artifact a = samples_artifact({1, 2, 3, 4}, 2), b = samples_artifact({1, 2, 3}, 1);
  CHECK_THROWS(test::run_component("metric/energy-distance", {}, pair(a, b)));
}

TEST_CASE("mode weights: all mass in one mode of an equal two-mode mixture is off by 1/2") {
  const Artifact target =
      test::run_component("target/gmm", {{"means", std::vector<double>{-5, 0, 5, 0}}, {"std", 1.0}});
  const Artifact one_mode = samples_artifact({-5, 0, -4.5, 0.2, -5.3, 1.0, -6, -0.5}, 2);
  const Artifact out = test::run_component("metric/mode-weights", {}, pair(target, one_mode, "target"));
  CHECK(out.scalar("max_abs") == doctest::Approx(0.5));
  CHECK(out.scalar("total_variation") == doctest::Approx(0.5));
  CHECK(out.scalar("modes_visited") == 1);
  const Artifact exact = test::run_component("metric/mode-weights", {}, pair(target, target, "target"));
  CHECK(exact.scalar("max_abs") < 4 * std::sqrt(0.25 / 2000));
  CHECK(exact.scalar("modes_visited") == 2);
}

TEST_CASE("mode weights: many-well per-pair marginals against the exact well mass") {
  const Artifact target = test::run_component("target/many-well", {{"dim", std::int64_t{4}}});
  const double plus = target.scalar("mass_positive");
  // Rows (x0, y0, x1, y1): x0 > 0 in 3 of 4 rows, x1 > 0 in 1 of 4.
  const Artifact sample = samples_artifact({1.7, 0, -1.7, 0, 1.7, 0, -1.7, 0, 1.7, 0, 1.7, 0, -1.7, 0, -1.7, 0}, 4);
  const Artifact out = test::run_component("metric/mode-weights", {}, pair(target, sample, "target"));
  CHECK(out.scalar("factor_max_abs") == doctest::Approx(std::max(std::abs(0.75 - plus), std::abs(0.25 - plus))));
  CHECK(out.scalar("factor_mean_abs") == doctest::Approx((std::abs(0.75 - plus) + std::abs(0.25 - plus)) / 2));
  const Artifact gmm = test::run_component("target/gmm", {{"means", std::vector<double>{-5, 0, 5, 0}}, {"std", 1.0}});
  const Artifact none = test::run_component("metric/mode-weights", {}, pair(gmm, samples_artifact({1, 0}, 2), "target"));
  CHECK_FALSE(none.scalars().count("factor_max_abs"));
}

TEST_CASE("ESS of known weights and the log Z error") {
  Artifact s;
  s.set_array("log_weights", Array::from<double>({4}, std::vector<double>{std::log(1.0), std::log(1.0), std::log(2.0),
                                                                          -1e300}));
  Inputs in;
  in.set("sample", std::make_shared<Artifact>(s));
  const Artifact e = test::run_component("metric/ess", {}, in);
  CHECK(e.scalar("ess") == doctest::Approx(16.0 / 6.0));  // (1+1+2)² / (1+1+4)
  CHECK(e.scalar("ess_fraction") == doctest::Approx(16.0 / 24.0));
  Artifact target, sampler;
  target.set_scalar("log_z", 2.5);
  sampler.set_scalar("log_z", 2.25);
  const Artifact z = test::run_component("metric/log-z", {}, pair(target, sampler, "target"));
  CHECK(z.scalar("error") == doctest::Approx(-0.25));
  CHECK(z.scalar("abs_error") == doctest::Approx(0.25));
  // estimate: annealing reads log_z_annealing where the sampler has one, its
  // log_z where it has only that (sampler/smc).
  const Artifact smc_like = test::run_component("metric/log-z", {{"estimate", std::string("annealing")}},
                                                pair(target, sampler, "target"));
  CHECK(smc_like.scalar("error") == doctest::Approx(-0.25));
  sampler.set_scalar("log_z_annealing", 2.625);
  const Artifact both = test::run_component("metric/log-z", {{"estimate", std::string("annealing")}},
                                            pair(target, sampler, "target"));
  CHECK(both.scalar("error") == doctest::Approx(0.125));
  CHECK(test::run_component("metric/log-z", {}, pair(target, sampler, "target")).scalar("error") ==
        doctest::Approx(-0.25));
}

}  // namespace
}  // namespace reprise
