#include "components/learners/interaction_screening.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"
#include "tests/unit/learners/ising_exact.hpp"

using namespace reprise;

namespace {

// learner/grise on `data` with the given parameters (the rest at their defaults).
Artifact learn(const Artifact& data, const std::map<std::string, ParamValue>& given = {}) {
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  return test::run_component("learner/grise", given, in, 3);
}

// S_u's smooth part by its definition, straight from the raw rows.
double direct_objective(const std::vector<std::int8_t>& x, std::size_t rows, std::size_t p, std::size_t u,
                        const std::vector<double>& theta) {
  double s = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    double field = theta[u];
    for (std::size_t j = 0; j < p; ++j)
      if (j != u) field += theta[j] * x[r * p + j];
    s += std::exp(-x[r * p + u] * field);
  }
  return s / static_cast<double>(rows);
}

std::vector<std::int8_t> random_spins(std::size_t rows, std::size_t p, std::uint64_t seed, double plus = 0.5) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution b(plus);
  std::vector<std::int8_t> x(rows * p);
  for (auto& v : x) v = b(rng) ? 1 : -1;
  return x;
}

std::vector<double> random_theta(std::size_t p, std::uint64_t seed, double scale) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(-scale, scale);
  std::vector<double> t(p);
  for (auto& v : t) v = d(rng);
  return t;
}

// One shared recovery run: 10^5 exact samples of an 8-spin model.
struct Recovery {
  ising_exact::Model model = ising_exact::random_model(8, 11);
  std::vector<std::int8_t> x = ising_exact::sample(model, 100000, 12);
  Artifact data = ising_exact::samples_artifact(x, 100000, 8);
};
const Recovery& recovery() {
  static const Recovery r;
  return r;
}

}  // namespace

TEST_CASE("learner/grise: schema declares the documented defaults") {
  const ComponentInfo* info = Registry::instance().find("learner/grise");
  REQUIRE(info != nullptr);
  CHECK(std::get<double>(*info->find_param("c")->default_value) == 0.2);
  CHECK(std::get<double>(*info->find_param("delta")->default_value) == 1e-4);
  CHECK(std::get<double>(*info->find_param("lambda")->default_value) == -1.0);
  CHECK(std::get<bool>(*info->find_param("symmetrize")->default_value) == true);
  CHECK(std::get<std::int64_t>(*info->find_param("threads")->default_value) == 0);
  REQUIRE(info->find_input("data") != nullptr);
}

TEST_CASE("learner/grise: the histogram has one row per distinct configuration, with its count") {
  // 5, 12, 16, 20: the dense table; 30: the hashed 64-bit key; 70: the hashed
  // bytes. int8 rows of 16 spins or more are read 16 at a time (16, 20, 30).
  for (std::size_t p : {std::size_t{5}, std::size_t{12}, std::size_t{16}, std::size_t{20}, std::size_t{30},
                        std::size_t{70}}) {
    CAPTURE(p);
    const std::size_t rows = 3000;
    // Few free spins so that rows repeat: spins beyond the 6th copy spin 0.
    std::vector<std::int8_t> x = random_spins(rows, p, 5 + p);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 6; j < p; ++j) x[r * p + j] = x[r * p];
    std::map<std::vector<std::int8_t>, std::uint64_t> distinct;
    for (std::size_t r = 0; r < rows; ++r) ++distinct[std::vector<std::int8_t>(x.begin() + r * p, x.begin() + (r + 1) * p)];

    const SpinHistogram h = spin_histogram(Array::from<std::int8_t>({rows, p}, x));
    CHECK(h.p == p);
    CHECK(h.samples == rows);
    REQUIRE(h.unique() == distinct.size());
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < h.unique(); ++k) {
      std::vector<std::int8_t> row(p);
      for (std::size_t j = 0; j < p; ++j) row[j] = static_cast<std::int8_t>(h.spin(k, j));
      CHECK(distinct[row] == h.counts[k]);
      total += h.counts[k];
    }
    CHECK(total == rows);
  }
}

TEST_CASE("learner/grise: counting in parallel chunks gives the serial histogram and the first bad value") {
  const std::size_t rows = 300000, p = 12;  // 2^16-row chunks: up to 4 threads
  std::vector<std::int8_t> x = random_spins(rows, p, 41);
  const SpinHistogram one = spin_histogram(Array::from<std::int8_t>({rows, p}, x), 1);
  const SpinHistogram three = spin_histogram(Array::from<std::int8_t>({rows, p}, x), 3);
  CHECK(one.bits == three.bits);
  CHECK(one.counts == three.counts);
  x[250000 * p + 4] = 3;  // in the last chunk
  x[120000 * p + 7] = 2;  // in an earlier one: this is the one to report
  CHECK_THROWS_WITH_AS(spin_histogram(Array::from<std::int8_t>({rows, p}, x), 3),
                       doctest::Contains("[120000][7] = 2"), std::invalid_argument);
}

TEST_CASE("learner/grise: int8 rows read 16 spins at a time take 0 as -1 and name a bad value in either part") {
  const std::size_t rows = 4, p = 18;  // spins 0-15 by the vector compare, 16-17 one by one
  std::vector<std::int8_t> x = random_spins(rows, p, 77);
  std::vector<std::int8_t> zeros = x;
  for (auto& v : zeros) v = v < 0 ? 0 : v;
  const SpinHistogram ref = spin_histogram(Array::from<std::int8_t>({rows, p}, x));
  const SpinHistogram h = spin_histogram(Array::from<std::int8_t>({rows, p}, zeros));
  CHECK(h.bits == ref.bits);
  CHECK(h.counts == ref.counts);
  std::vector<std::int8_t> bad = x;
  bad[1 * p + 3] = 5;
  CHECK_THROWS_WITH_AS(spin_histogram(Array::from<std::int8_t>({rows, p}, bad)), doctest::Contains("[1][3] = 5"),
                       std::invalid_argument);
  bad = x;
  bad[2 * p + 17] = -2;
  CHECK_THROWS_WITH_AS(spin_histogram(Array::from<std::int8_t>({rows, p}, bad)), doctest::Contains("[2][17] = -2"),
                       std::invalid_argument);
}

TEST_CASE("learner/grise: 0/1 data and every numeric dtype give the same histogram as ±1 int8") {
  const std::size_t rows = 500, p = 9;
  const std::vector<std::int8_t> x = random_spins(rows, p, 9);
  const SpinHistogram ref = spin_histogram(Array::from<std::int8_t>({rows, p}, x));
  std::vector<double> as_double(x.begin(), x.end()), zero_one(x.size());
  std::vector<std::uint16_t> as_u16(x.size());
  std::vector<std::int64_t> as_i64(x.begin(), x.end());
  for (std::size_t k = 0; k < x.size(); ++k) zero_one[k] = as_u16[k] = x[k] > 0 ? 1 : 0;
  for (const Array& a : {Array::from<double>({rows, p}, as_double), Array::from<double>({rows, p}, zero_one),
                         Array::from<std::uint16_t>({rows, p}, as_u16), Array::from<std::int64_t>({rows, p}, as_i64)}) {
    const SpinHistogram h = spin_histogram(a);
    CHECK(h.bits == ref.bits);
    CHECK(h.counts == ref.counts);
  }
}

TEST_CASE("learner/grise: a value that is not a spin is named with its row and column") {
  std::vector<double> x(4 * 3, 1.0);
  x[2 * 3 + 1] = 0.5;
  try {
    spin_histogram(Array::from<double>({4, 3}, x));
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    CHECK(msg.find("[2][1]") != std::string::npos);
    CHECK(msg.find("0.5") != std::string::npos);
  }
  std::vector<std::uint16_t> u(2 * 2, 1);
  u[3] = 65535;  // not −1 for an unsigned type
  CHECK_THROWS_AS(spin_histogram(Array::from<std::uint16_t>({2, 2}, u)), std::invalid_argument);
}

TEST_CASE("learner/grise: the screening objective matches its definition and its gradient finite differences") {
  // p = 3, 10, 12 fill a quarter of their 2^p configurations or more, so they take
  // the dense halves path (u = 0 in the low half, p - 1 in the high one); p = 20
  // with 5000 rows has more distinct rows than exponential tables (2 x 3 x 256) but
  // few of its 2^20 configurations, so it takes the sparse factorised path; p = 70
  // with 400 rows evaluates each row directly.
  for (std::size_t p : {std::size_t{3}, std::size_t{10}, std::size_t{12}, std::size_t{20}, std::size_t{70}}) {
    CAPTURE(p);
    const std::size_t rows = p == 12 || p == 20 ? 5000 : 400;
    const std::vector<std::int8_t> x = random_spins(rows, p, 20 + p, 0.6);
    const SpinHistogram h = spin_histogram(Array::from<std::int8_t>({rows, p}, x));
    for (std::size_t u : {std::size_t{0}, p / 2, p - 1}) {
      CAPTURE(u);
      const std::vector<double> theta = random_theta(p, 100 + u, 0.8 / std::sqrt(static_cast<double>(p)));
      std::vector<double> grad;
      const double f = screening_objective(h, u, theta, &grad);
      CHECK(f == doctest::Approx(direct_objective(x, rows, p, u, theta)).epsilon(1e-12));
      REQUIRE(grad.size() == p);
      const double step = 1e-5;
      for (std::size_t j = 0; j < p; ++j) {
        std::vector<double> up = theta, down = theta;
        up[j] += step;
        down[j] -= step;
        const double fd = (screening_objective(h, u, up, nullptr) - screening_objective(h, u, down, nullptr)) / (2 * step);
        CAPTURE(j);
        CHECK(grad[j] == doctest::Approx(fd).epsilon(1e-7).scale(1.0));
      }
    }
  }
}

TEST_CASE("learner/grise: extreme fields are evaluated accurately on both sides of the overflow guard") {
  const std::size_t rows = 5000, p = 12;
  std::vector<std::int8_t> x = random_spins(rows, p, 31);
  for (std::size_t r = 0; r < rows; ++r) x[r * p] = 1;  // x_0 = +1: every term is exp(−field), tiny, not huge
  const SpinHistogram h = spin_histogram(Array::from<std::int8_t>({rows, p}, x));
  REQUIRE(h.unique() > 1024);  // p = 12: the dense halves path
  for (double h_u : {600.0, 645.0}) {  // bound |h_u| + |J_05| = 660: dense halves; 705: sparse, direct
    CAPTURE(h_u);
    std::vector<double> theta(p, 0.0);
    theta[0] = h_u;
    theta[5] = 60.0;
    const double f = screening_objective(h, 0, theta, nullptr);
    CHECK(std::isfinite(f));
    CHECK(f == doctest::Approx(direct_objective(x, rows, p, 0, theta)).epsilon(1e-12));
  }
}

TEST_CASE("learner/grise: recovers the couplings and fields of an 8-spin model from 10^5 exact samples") {
  const Recovery& r = recovery();
  const Artifact a = learn(r.data);
  const std::vector<double> J = a.array("J").to_double(), h = a.array("h").to_double();
  REQUIRE(J.size() == 64);
  double j_err = 0, h_err = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    CHECK(J[i * 8 + i] == 0.0);
    h_err = std::max(h_err, std::abs(h[i] - r.model.h[i]));
    for (std::size_t k = 0; k < 8; ++k) {
      CHECK(J[i * 8 + k] == J[k * 8 + i]);
      j_err = std::max(j_err, std::abs(J[i * 8 + k] - r.model.J[i * 8 + k]));
    }
  }
  CHECK(j_err < 0.05);
  CHECK(h_err < 0.05);
  CHECK(a.scalar("converged") == 1.0);
  CHECK(a.scalar("p") == 8);
  CHECK(a.scalar("samples") == 100000);
  CHECK(a.scalar("lambda") == doctest::Approx(0.2 * std::sqrt(std::log(64 / 1e-4) / 1e5)));
  CHECK(a.scalar("unique_configurations") == spin_histogram(r.data.array("samples")).unique());
  CHECK(a.array("iterations").dtype() == DType::i32);
  CHECK(a.array("objective").shape() == std::vector<std::size_t>{8});
}

TEST_CASE("learner/grise: each node's solution meets the l1 optimality conditions") {
  const Recovery& r = recovery();
  const Artifact a = learn(r.data);
  const SpinHistogram hist = spin_histogram(r.data.array("samples"));
  const std::vector<double> raw = a.array("J_raw").to_double(), h = a.array("h").to_double();
  const double lambda = a.scalar("lambda");
  for (std::size_t u = 0; u < 8; ++u) {
    CAPTURE(u);
    std::vector<double> theta(raw.begin() + u * 8, raw.begin() + (u + 1) * 8), grad;
    theta[u] = h[u];
    screening_objective(hist, u, theta, &grad);
    CHECK(std::abs(grad[u]) < 1e-7);  // h_u is not penalised
    for (std::size_t j = 0; j < 8; ++j) {
      if (j == u) continue;
      CAPTURE(j);
      if (theta[j] == 0.0)
        CHECK(std::abs(grad[j]) <= lambda + 1e-7);
      else
        CHECK(grad[j] == doctest::Approx(-lambda * (theta[j] > 0 ? 1 : -1)).scale(0).epsilon(1e-4));
    }
  }
}

TEST_CASE("learner/grise: a large lambda zeroes J and leaves h = atanh of the magnetisation") {
  const Recovery& r = recovery();
  const Artifact a = learn(r.data, {{"lambda", 10.0}});
  for (double v : a.array("J").to_double()) CHECK(v == 0.0);
  const ising_exact::Moments m = ising_exact::sample_moments(r.x, 100000, 8);
  const std::vector<double> h = a.array("h").to_double();
  // With J = 0, S_u(h) = P(x_u=+1) e^{-h} + P(x_u=-1) e^{h} is minimised at atanh(<x_u>).
  for (std::size_t i = 0; i < 8; ++i) CHECK(h[i] == doctest::Approx(std::atanh(m.first[i])).epsilon(1e-6));
  CHECK(a.scalar("lambda") == 10.0);
}

TEST_CASE("learner/grise: a single spin gets only its field") {
  const std::vector<std::int8_t> x{1, 1, -1, 1, -1, 1, 1, 1};
  const Artifact a = learn(ising_exact::samples_artifact(x, 8, 1));
  CHECK(a.array("J").to_double() == std::vector<double>{0.0});
  CHECK(a.array("h").to_double()[0] == doctest::Approx(std::atanh(0.5)).epsilon(1e-6));
  CHECK(a.scalar("unique_configurations") == 2);
}

TEST_CASE("learner/grise: a cancelled run throws Cancelled") {
  struct StopAtOnce : SimpleContext {
    bool cancelled() const override { return true; }
  } ctx;
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(recovery().data));
  CHECK_THROWS_AS(test::component_info("learner/grise").make()->run(in, test::default_params("learner/grise"), ctx),
                  Cancelled);
}

TEST_CASE("learner/grise: results do not depend on the number of threads") {
  const Recovery& r = recovery();
  const Artifact one = learn(r.data, {{"threads", std::int64_t{1}}});
  const Artifact two = learn(r.data, {{"threads", std::int64_t{2}}});
  CHECK(one.array("J") == two.array("J"));
  CHECK(one.array("J_raw") == two.array("J_raw"));
  CHECK(one.array("h") == two.array("h"));
  CHECK(one == two);
}

TEST_CASE("learner/grise: symmetrize false reports the per-node estimates") {
  const Recovery& r = recovery();
  const Artifact a = learn(r.data, {{"symmetrize", false}});
  CHECK(a.array("J") == a.array("J_raw"));
  const std::vector<double> sym = learn(r.data).array("J").to_double();
  const std::vector<double> raw = a.array("J_raw").to_double();
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t k = 0; k < 8; ++k) CHECK(sym[i * 8 + k] == 0.5 * (raw[i * 8 + k] + raw[k * 8 + i]));
}

TEST_CASE("learner/grise: max_iter caps the iterations and clears converged") {
  const Recovery& r = recovery();
  const Artifact a = learn(r.data, {{"max_iter", std::int64_t{3}}});
  CHECK(a.scalar("max_iterations") == 3);
  CHECK(a.scalar("converged") == 0.0);
  for (std::int32_t it : a.array("iterations").view<std::int32_t>()) CHECK(it == 3);
}

TEST_CASE("learner/grise: rejects bad data, and a negative lambda other than -1") {
  Artifact flat;
  flat.set_array("samples", Array::from<std::int8_t>({4}, {1, -1, 1, 1}));
  CHECK_THROWS_WITH_AS(learn(flat), doctest::Contains("non-empty {samples, spins} matrix"), std::invalid_argument);
  // The schema lets lambda down to -1; only -1 itself means "use the formula".
  CHECK_THROWS_WITH_AS(learn(recovery().data, {{"lambda", -0.5}}), doctest::Contains("-1 for the formula"),
                       std::invalid_argument);
}

TEST_CASE("learner/grise: the schema bounds tol, delta, c, lambda and max_iter") {
  const ComponentInfo& info = test::component_info("learner/grise");
  CHECK_THROWS_WITH_AS(info.make_params({{"tol", 0.0}}), doctest::Contains("tol"), ParamError);
  CHECK_THROWS_AS(info.make_params({{"tol", -1e-8}}), ParamError);
  CHECK_NOTHROW(info.make_params({{"tol", 1e-300}}));
  for (double delta : {0.0, 1.0, -0.1, 1.5}) {
    CAPTURE(delta);
    CHECK_THROWS_WITH_AS(info.make_params({{"delta", delta}}), doctest::Contains("delta"), ParamError);
  }
  CHECK_NOTHROW(info.make_params({{"delta", 0.5}}));
  CHECK_THROWS_AS(info.make_params({{"c", -0.1}}), ParamError);
  CHECK_THROWS_AS(info.make_params({{"lambda", -1.5}}), ParamError);
  CHECK_THROWS_AS(info.make_params({{"max_iter", std::int64_t{0}}}), ParamError);
}

TEST_CASE("learner/grise: 16 spins give the same bits on every run, on 1 or 2 threads, wherever the heap is") {
  // p = 16 from 20000 rows takes the dense halves path of the paper's runs. The
  // sparse path's exponential tables once came out of Eigen's exp with their first
  // and last few entries rounded by std::exp or not, depending on the tables'
  // address: runs differed with whatever else had been allocated. Every table and
  // matrix now lives in Eigen's aligned storage; each run here sees the heap
  // shifted by a differently sized block, and half of them use two threads.
  const std::size_t rows = 20000, p = 16;
  Artifact data;
  data.set_array("samples", Array::from<std::int8_t>({rows, p}, random_spins(rows, p, 8, 0.55)));
  const Artifact ref = learn(data, {{"threads", std::int64_t{1}}});
  REQUIRE(ref.scalar("unique_configurations") > 65536 / 4);  // a quarter of the 2^16 configurations: dense halves
  for (std::int64_t k = 1; k <= 8; ++k) {
    CAPTURE(k);
    const auto shift = std::make_unique<char[]>(static_cast<std::size_t>(16 * k + 16384));
    const Artifact again = learn(data, {{"threads", std::int64_t{1 + k % 2}}});
    CHECK(again.array("J_raw") == ref.array("J_raw"));
    CHECK(again.array("iterations") == ref.array("iterations"));
    CHECK(again == ref);
  }
}
