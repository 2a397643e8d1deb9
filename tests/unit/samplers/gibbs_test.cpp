#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "framework/core/registry.hpp"
#include "tests/unit/learners/ising_exact.hpp"

using namespace reprise;

namespace {

// `steps` and the test's other values; every other parameter keeps its default.
Params gibbs_params(std::int64_t steps, std::map<std::string, ParamValue> overrides = {}) {
  overrides.emplace("steps", steps);
  return Registry::instance().find("sampler/gibbs")->make_params(overrides);
}

struct Run {
  Artifact model;
  std::optional<Artifact> init, truth;
};

Artifact sample(const Run& r, const Params& p, std::uint64_t seed = 5) {
  const ComponentInfo* info = Registry::instance().find("sampler/gibbs");
  REQUIRE(info != nullptr);
  Inputs in;
  in.set("model", std::make_shared<const Artifact>(r.model));
  if (r.init) in.set("init", std::make_shared<const Artifact>(*r.init));
  if (r.truth) in.set("truth", std::make_shared<const Artifact>(*r.truth));
  SimpleContext ctx(seed);
  return info->make()->run(in, p, ctx);
}

std::vector<std::int8_t> int8_samples(const Artifact& a) {
  const auto v = a.array("samples").view<std::int8_t>();
  return {v.begin(), v.end()};
}

// Every first and second moment of the samples within `z` standard errors of the
// exact value; the standard error of a mean of N independent ±1 values with mean
// m is sqrt((1 − m²) / N).
void check_moments_match_exact(const Artifact& out, const ising_exact::Model& model, double z) {
  const std::size_t p = model.p, n = out.array("samples").shape()[0];
  const ising_exact::Moments got = ising_exact::sample_moments(int8_samples(out), n, p);
  const ising_exact::Moments want = ising_exact::exact_moments(model);
  auto within = [&](double a, double b) {
    return std::abs(a - b) <= z * std::sqrt((1.0 - b * b) / static_cast<double>(n));
  };
  for (std::size_t i = 0; i < p; ++i) {
    CAPTURE(i);
    CHECK(within(got.first[i], want.first[i]));
    for (std::size_t j = i + 1; j < p; ++j) {
      CAPTURE(j);
      CHECK(within(got.second[i * p + j], want.second[i * p + j]));
    }
  }
}

// Max and mean |difference| over E[x_i] and E[x_i x_j] (i < j), by the defining sums.
std::pair<double, double> qoi_difference(const ising_exact::Moments& a, const ising_exact::Moments& b, std::size_t p) {
  double max_abs = 0, sum = 0;
  std::size_t count = 0;
  auto add = [&](double d) {
    max_abs = std::max(max_abs, std::abs(d));
    sum += std::abs(d);
    ++count;
  };
  for (std::size_t i = 0; i < p; ++i) add(a.first[i] - b.first[i]);
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = i + 1; j < p; ++j) add(a.second[i * p + j] - b.second[i * p + j]);
  return {max_abs, sum / static_cast<double>(count)};
}

const ising_exact::Model& model8() {
  static const ising_exact::Model m = ising_exact::random_model(8, 21, 0.6, 0.3, 0.6);
  return m;
}

}  // namespace

TEST_CASE("sampler/gibbs: schema declares the documented defaults") {
  const ComponentInfo* info = Registry::instance().find("sampler/gibbs");
  REQUIRE(info != nullptr);
  CHECK(std::get<std::int64_t>(*info->find_param("steps")->default_value) == 10);
  CHECK(std::get<std::vector<std::int64_t>>(*info->find_param("record")->default_value) ==
        std::vector<std::int64_t>{0, 1, 2, 5, 10, 20, 50, 100, 250});
  CHECK(std::get<std::string>(*info->find_param("scan")->default_value) == "systematic");
  CHECK(std::get<std::int64_t>(*info->find_param("chains")->default_value) == 10000);
  REQUIRE(info->find_input("init") != nullptr);
  CHECK(info->find_input("init")->optional);
  CHECK(info->find_input("init")->is_keyword("random"));
  CHECK(info->find_input("truth")->optional);
  CHECK_FALSE(info->find_input("model")->optional);
}

TEST_CASE("sampler/gibbs: started from exact samples, 50 sweeps keep the exact distribution") {
  const ising_exact::Model& m = model8();
  const std::size_t n = 200000;
  const Run r{ising_exact::model_artifact(m), ising_exact::samples_artifact(ising_exact::sample(m, n, 1), n, 8), {}};
  for (const std::string scan : {"systematic", "random"}) {
    CAPTURE(scan);
    const Artifact out = sample(r, gibbs_params(50, {{"scan", scan}}));
    CHECK(out.array("samples").shape() == std::vector<std::size_t>{n, 8});
    CHECK(out.array("samples").dtype() == DType::i8);
    CHECK(int8_samples(out) != int8_samples(*r.init));  // the chains did move
    check_moments_match_exact(out, m, 4.0);
  }
}

TEST_CASE("sampler/gibbs: from uniformly random spins the chains converge to the exact moments") {
  const ising_exact::Model& m = model8();
  for (const std::string scan : {"systematic", "random"}) {
    CAPTURE(scan);
    const Artifact out = sample(Run{ising_exact::model_artifact(m), {}, {}},
                                gibbs_params(100, {{"scan", scan}, {"chains", std::int64_t{50000}}}));
    CHECK(out.array("samples").shape() == std::vector<std::size_t>{50000, 8});
    CHECK(out.scalar("chains") == 50000);
    CHECK(out.scalar("spin_updates") == 100.0 * 50000 * 8);
    check_moments_match_exact(out, m, 4.0);
  }
}

TEST_CASE("sampler/gibbs: the recorded QoI error at step 0 is the init-vs-truth moment difference") {
  const ising_exact::Model& m = model8();
  const ising_exact::Model other = ising_exact::random_model(8, 99, 0.6, 0.5, 0.6);
  const std::size_t n = 30000, n_truth = 20000;
  const std::vector<std::int8_t> init = ising_exact::sample(other, n, 2), truth = ising_exact::sample(m, n_truth, 3);
  const Run r{ising_exact::model_artifact(m), ising_exact::samples_artifact(init, n, 8),
              ising_exact::samples_artifact(truth, n_truth, 8)};
  const Artifact out = sample(r, gibbs_params(3, {{"record", std::vector<std::int64_t>{5, 0, 3, 1, 1}}}));

  const auto steps = out.array("record_steps").view<std::int64_t>();
  CHECK(std::vector<std::int64_t>(steps.begin(), steps.end()) == std::vector<std::int64_t>{0, 1, 3});
  const std::vector<double> max_abs = out.array("record_max_abs").to_double();
  const std::vector<double> mean_abs = out.array("record_mean_abs").to_double();
  REQUIRE(max_abs.size() == 3);
  REQUIRE(mean_abs.size() == 3);

  const ising_exact::Moments truth_m = ising_exact::sample_moments(truth, n_truth, 8);
  const auto [max0, mean0] = qoi_difference(ising_exact::sample_moments(init, n, 8), truth_m, 8);
  CHECK(max_abs[0] == doctest::Approx(max0).epsilon(1e-12));
  CHECK(mean_abs[0] == doctest::Approx(mean0).epsilon(1e-12));
  const auto [max3, mean3] = qoi_difference(ising_exact::sample_moments(int8_samples(out), n, 8), truth_m, 8);
  CHECK(max_abs[2] == doctest::Approx(max3).epsilon(1e-12));
  CHECK(out.scalar("max_abs") == doctest::Approx(max3).epsilon(1e-12));
  CHECK(out.scalar("mean_abs") == doctest::Approx(mean3).epsilon(1e-12));
  CHECK(max_abs[2] < max_abs[0]);  // three sweeps of the right model already pull the init towards the truth
}

TEST_CASE("sampler/gibbs: 0/1 truth reads as spins, other truth values are refused") {
  const ising_exact::Model& m = model8();
  const std::vector<std::int8_t> x = ising_exact::sample(m, 1000, 4);
  std::vector<double> zero_one(x.begin(), x.end());
  for (double& v : zero_one) v = v > 0 ? 1.0 : 0.0;
  Artifact truth01;
  truth01.set_array("samples", Array::from<double>({1000, 8}, zero_one));
  const Run pm{ising_exact::model_artifact(m), ising_exact::samples_artifact(x, 1000, 8),
               ising_exact::samples_artifact(x, 1000, 8)};
  Run zo = pm;
  zo.truth = truth01;
  const Artifact a = sample(pm, gibbs_params(2)), b = sample(zo, gibbs_params(2));
  CHECK(a.array("record_max_abs") == b.array("record_max_abs"));
  CHECK(a.array("record_max_abs").to_double()[0] == 0.0);  // init == truth at step 0

  zero_one[5] = 0.5;
  Artifact bad;
  bad.set_array("samples", Array::from<double>({1000, 8}, zero_one));
  zo.truth = bad;
  CHECK_THROWS_WITH_AS(sample(zo, gibbs_params(2)), doctest::Contains("truth.samples[0][5]"), std::invalid_argument);
}

TEST_CASE("sampler/gibbs: init values are mapped to spins by sign") {
  const ising_exact::Model& m = model8();
  const std::vector<double> values{0.3, -0.2, 0.0, -5.0, 7.0, -1e-9, 1.0, -1.0,
                                   -0.0, 2.5, -3.0, 0.1, -0.1, 4.0, -4.0, 1e-300};
  Artifact init;
  init.set_array("samples", Array::from<double>({2, 8}, values));
  const Artifact out = sample(Run{ising_exact::model_artifact(m), init, {}}, gibbs_params(0));
  const std::vector<std::int8_t> got = int8_samples(out);
  REQUIRE(got.size() == values.size());
  for (std::size_t k = 0; k < values.size(); ++k) CHECK(got[k] == (values[k] >= 0 ? 1 : -1));
  CHECK(out.scalar("steps") == 0);
  CHECK(out.scalar("spin_updates") == 0);
  CHECK(out.scalar("chains") == 2);
}

TEST_CASE("sampler/gibbs: init_rows starts chains from the first rows of init only") {
  const ising_exact::Model& m = model8();
  std::vector<std::int8_t> rows(5 * 8);
  for (std::size_t k = 0; k < rows.size(); ++k) rows[k] = (k * 7 + k / 8) % 3 == 0 ? 1 : -1;
  Artifact init;
  init.set_array("samples", Array::from<std::int8_t>({5, 8}, rows));
  const Run run{ising_exact::model_artifact(m), init, {}};
  const Artifact three = sample(run, gibbs_params(0, {{"init_rows", std::int64_t{3}}}));
  CHECK(three.scalar("chains") == 3);
  CHECK(int8_samples(three) == std::vector<std::int8_t>(rows.begin(), rows.begin() + 3 * 8));
  CHECK(sample(run, gibbs_params(0, {{"init_rows", std::int64_t{99}}})).scalar("chains") == 5);  // capped at M
  CHECK(sample(run, gibbs_params(0)).scalar("chains") == 5);                                     // 0: every row
}

TEST_CASE("sampler/gibbs: a fixed seed fixes the output, whatever the thread count") {
  const ising_exact::Model& m = model8();
  const Run r{ising_exact::model_artifact(m), {}, ising_exact::samples_artifact(ising_exact::sample(m, 5000, 6), 5000, 8)};
  for (const std::string scan : {"systematic", "random"}) {
    CAPTURE(scan);
    // 10000 chains: three blocks, so two threads really split the work.
    const Artifact a = sample(r, gibbs_params(7, {{"scan", scan}, {"threads", std::int64_t{1}}}), 11);
    const Artifact b = sample(r, gibbs_params(7, {{"scan", scan}, {"threads", std::int64_t{2}}}), 11);
    const Artifact c = sample(r, gibbs_params(7, {{"scan", scan}}), 12);
    CHECK(a == b);
    CHECK(a.array("samples") == b.array("samples"));
    CHECK_FALSE(a.array("samples") == c.array("samples"));
  }
}

TEST_CASE("sampler/gibbs: without truth the record arrays are empty") {
  const Artifact out = sample(Run{ising_exact::model_artifact(model8()), {}, {}},
                              gibbs_params(2, {{"chains", std::int64_t{100}}}));
  CHECK(out.array("record_steps").size() == 0);
  CHECK(out.array("record_steps").dtype() == DType::i64);
  CHECK(out.array("record_max_abs").size() == 0);
  CHECK(out.array("record_mean_abs").size() == 0);
  CHECK(out.scalars().count("max_abs") == 0);
  CHECK(out.scalar("spin_updates") == 2 * 100 * 8);
}

TEST_CASE("sampler/gibbs: uncoupled spins are sampled with P(+1) = 1 / (1 + exp(-2 h))") {
  ising_exact::Model m;
  m.p = 3;
  m.J.assign(9, 0.0);
  m.h = {0.0, 0.7, -1.5};
  const std::size_t n = 100000;
  const Artifact out = sample(Run{ising_exact::model_artifact(m), {}, {}},
                              gibbs_params(1, {{"chains", static_cast<std::int64_t>(n)}}));
  const ising_exact::Moments got = ising_exact::sample_moments(int8_samples(out), n, 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const double want = std::tanh(m.h[i]);  // 2 P(+1) − 1
    CHECK(std::abs(got.first[i] - want) < 4 * std::sqrt((1 - want * want) / n));
  }
}

TEST_CASE("sampler/gibbs: a run cancelled midway stops and throws Cancelled") {
  // Not cancelled when the run starts, cancelled at the first poll while the
  // sweeps are under way (10^5 sweeps of 10^5 chains would take hours).
  struct StopLater : SimpleContext {
    mutable int polls = 0;
    bool cancelled() const override { return ++polls > 1; }
  } ctx;
  Inputs in;
  in.set("model", std::make_shared<const Artifact>(ising_exact::model_artifact(model8())));
  CHECK_THROWS_AS(Registry::instance().find("sampler/gibbs")->make()->run(
                      in, gibbs_params(100000, {{"chains", std::int64_t{100000}}}), ctx),
                  Cancelled);
}

TEST_CASE("sampler/gibbs: rejects inputs that do not fit the model") {
  const ising_exact::Model& m = model8();
  Run r{ising_exact::model_artifact(m), ising_exact::samples_artifact(std::vector<std::int8_t>(10 * 7, 1), 10, 7), {}};
  CHECK_THROWS_AS(sample(r, gibbs_params(1)), std::invalid_argument);
  r.init.reset();
  r.truth = ising_exact::samples_artifact(std::vector<std::int8_t>(10 * 9, 1), 10, 9);
  CHECK_THROWS_AS(sample(r, gibbs_params(1)), std::invalid_argument);
  Artifact bad_model;
  bad_model.set_array("J", Array::from<double>({2, 3}, std::vector<double>(6, 0.0)));
  bad_model.set_array("h", Array::from<double>({2}, std::vector<double>(2, 0.0)));
  CHECK_THROWS_AS(sample(Run{bad_model, {}, {}}, gibbs_params(1)), std::invalid_argument);
}

TEST_CASE("sampler/gibbs: the schema refuses what the sampler no longer checks") {
  CHECK_THROWS_WITH_AS(gibbs_params(-1), doctest::Contains("'steps' must be >= 0, got -1"), ParamError);
  CHECK_THROWS_WITH_AS(gibbs_params(1, {{"chains", std::int64_t{0}}}), doctest::Contains("'chains' must be >= 1"),
                       ParamError);
  CHECK_THROWS_WITH_AS(gibbs_params(1, {{"record", std::vector<std::int64_t>{0, -2}}}),
                       doctest::Contains("'record' must be >= 0, got -2 in [0, -2]"), ParamError);
  CHECK_THROWS_WITH_AS(gibbs_params(1, {{"scan", std::string("checkerboard")}}), doctest::Contains("must be one of"),
                       ParamError);
}
