// sampler/smc and sampler/ttflow on targets with closed-form answers: a
// Gaussian (a one-component gmm), where the path stays Gaussian, and the
// equal-budget bookkeeping between the two.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/component_support.hpp"

namespace reprise {
namespace {

Artifact gaussian_target() {
  return test::run_component("target/gmm", {{"means", std::vector<double>{2.0, -1.0}}, {"std", 0.7}});
}

void check_gaussian_samples(const Artifact& out, double tol) {
  const std::vector<double> x = out.array("samples").to_double();
  const std::size_t n = x.size() / 2;
  double m[2] = {0, 0}, v[2] = {0, 0};
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) m[k] += x[2 * i + k] / n;
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < 2; ++k) v[k] += (x[2 * i + k] - m[k]) * (x[2 * i + k] - m[k]) / n;
  CHECK(m[0] == doctest::Approx(2.0).epsilon(tol));
  CHECK(m[1] == doctest::Approx(-1.0).epsilon(tol));
  CHECK(v[0] == doctest::Approx(0.49).epsilon(3 * tol));
  CHECK(v[1] == doctest::Approx(0.49).epsilon(3 * tol));
}

TEST_CASE("sampler/smc reaches a Gaussian target and estimates log Z = 0") {
  Inputs in;
  in.set("target", std::make_shared<Artifact>(gaussian_target()));
  const Artifact out = test::run_component(
      "sampler/smc", {{"particles", std::int64_t{2000}}, {"steps", std::int64_t{10}}, {"reference_std", 2.0}}, in);
  check_gaussian_samples(out, 0.05);
  CHECK(std::abs(out.scalar("log_z")) < 0.05);
  CHECK(out.scalar("energy_evaluations") == 1 + 10 * 3);
}

TEST_CASE("sampler/ttflow transports a Gaussian to a Gaussian with the flow alone") {
  Inputs in;
  in.set("target", std::make_shared<Artifact>(gaussian_target()));
  in.set("basis", std::make_shared<Artifact>(test::run_component(
                      "ttflow/basis", {{"degree", std::int64_t{6}}, {"low", -8.0}, {"high", 8.0}})));
  in.set("ftt", std::make_shared<Artifact>(test::run_component("ttflow/ftt", {{"rank", std::int64_t{2}}})));
  // No Langevin steps and no resampling along the way: only the transport and
  // its weights bring the particles from N(0, 4 I) to N((2, −1), 0.49 I).
  const Artifact out = test::run_component("sampler/ttflow",
                                           {{"particles", std::int64_t{2000}},
                                            {"steps", std::int64_t{10}},
                                            {"reference_std", 2.0},
                                            {"langevin_steps", std::int64_t{0}},
                                            {"resample_threshold", 0.0}},
                                           in);
  MESSAGE("ESS " << out.scalar("ess") << ", log Z " << out.scalar("log_z") << ", guard rejections "
                 << out.scalar("flow_rejections"));
  CHECK(out.scalar("ess") > 0.6);  // the transport alone does most of the work
  CHECK(out.scalar("flow_rejections") == 0);
  check_gaussian_samples(out, 0.05);
  CHECK(std::abs(out.scalar("log_z")) < 0.05);
  CHECK(out.scalar("max_rank") == 2);
  // One evaluation at the start and one after each transport.
  CHECK(out.scalar("energy_evaluations") == 11);
}

TEST_CASE("a flow with L Langevin steps costs what SMC with L + 1 costs") {
  Inputs in;
  in.set("target", std::make_shared<Artifact>(gaussian_target()));
  const Artifact smc = test::run_component(
      "sampler/smc", {{"particles", std::int64_t{200}}, {"steps", std::int64_t{5}}, {"langevin_steps", std::int64_t{3}}},
      in);
  in.set("basis", std::make_shared<Artifact>(test::run_component("ttflow/basis", {{"degree", std::int64_t{3}}})));
  in.set("ftt", std::make_shared<Artifact>(test::run_component("ttflow/ftt", {{"rank", std::int64_t{2}}})));
  const Artifact flow = test::run_component(
      "sampler/ttflow",
      {{"particles", std::int64_t{200}}, {"steps", std::int64_t{5}}, {"langevin_steps", std::int64_t{2}}}, in);
  CHECK(flow.scalar("energy_evaluations") == smc.scalar("energy_evaluations"));
}

}  // namespace
}  // namespace reprise
