// metric/energy-distance against Székely's closed form for two 1-D Gaussians,
// and metric/mode-weights, metric/ess, metric/log-z against hand values.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
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
}

}  // namespace
}  // namespace reprise
