#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"
#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {

const ComponentInfo& ising() { return test::component_info("dataset/ising"); }

// Every parameter at its declared default, then `changes` on top: what the framework
// hands a node that sets only those.
Params ising_params(const std::map<std::string, ParamValue>& changes = {}) {
  return test::default_params("dataset/ising", changes);
}

Artifact generate(const Params& p, std::uint64_t seed = 7) {
  SimpleContext ctx(seed);
  return ising().make()->run(Inputs{}, p, ctx);
}

std::int64_t n(int v) { return v; }

// Moments and state probabilities of P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ h_i x_i) by
// the defining sums over all 2^p states (state s: x_i = +1 where bit i is set),
// written independently of the component's Gray-code / Walsh–Hadamard route.
struct Exact {
  std::vector<double> prob, mean, corr;
};

Exact brute_force(const std::vector<double>& J, const std::vector<double>& h, std::size_t p) {
  const std::size_t states = std::size_t{1} << p;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = i + 1; j < p; ++j)
      if (J[i * p + j] != 0) pairs.emplace_back(i, j);
  auto spin = [](std::size_t s, std::size_t i) { return (s >> i) & 1 ? 1.0 : -1.0; };
  Exact e;
  e.prob.resize(states);
  for (std::size_t s = 0; s < states; ++s) {
    double w = 0;
    for (std::size_t i = 0; i < p; ++i) w += h[i] * spin(s, i);
    for (auto [i, j] : pairs) w += J[i * p + j] * spin(s, i) * spin(s, j);
    e.prob[s] = w;
  }
  const double top = *std::max_element(e.prob.begin(), e.prob.end());
  double z = 0;
  for (double& q : e.prob) z += q = std::exp(q - top);
  for (double& q : e.prob) q /= z;
  e.mean.assign(p, 0.0);
  e.corr.assign(p * p, 0.0);
  std::vector<double> x(p);
  for (std::size_t s = 0; s < states; ++s) {
    for (std::size_t i = 0; i < p; ++i) x[i] = spin(s, i);
    for (std::size_t i = 0; i < p; ++i) {
      const double weighted = e.prob[s] * x[i];
      e.mean[i] += weighted;
      for (std::size_t j = i; j < p; ++j) e.corr[i * p + j] += weighted * x[j];
    }
  }
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < i; ++j) e.corr[i * p + j] = e.corr[j * p + i];
  return e;
}

Exact brute_force(const Artifact& a) {
  return brute_force(a.array("J").to_double(), a.array("h").to_double(), a.array("h").size());
}

// Sample moments of the ±1 matrix.
Exact sample_moments(const Artifact& a) {
  const Array& x = a.array("samples");
  const std::size_t m = x.shape()[0], p = x.shape()[1];
  const auto v = x.view<std::int8_t>();
  Exact e;
  e.mean.assign(p, 0.0);
  e.corr.assign(p * p, 0.0);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t i = 0; i < p; ++i) {
      e.mean[i] += v[r * p + i];
      for (std::size_t j = 0; j < p; ++j) e.corr[i * p + j] += v[r * p + i] * v[r * p + j];
    }
  for (double& q : e.mean) q /= static_cast<double>(m);
  for (double& q : e.corr) q /= static_cast<double>(m);
  return e;
}

// Neighbour counts per spin from the non-zero couplings.
std::vector<int> degrees(const Artifact& a) {
  const std::size_t p = a.array("h").size();
  const std::vector<double> J = a.array("J").to_double();
  std::vector<int> d(p, 0);
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j) d[i] += J[i * p + j] != 0;
  return d;
}

// A 4-spin model with every kind of term, couplings of both signs.
const char* kFourSpins =
    "# hand-picked 4-spin model\n"
    "0,1,0.7\n"
    "1, 2, -0.4\n"
    "2 3 0.9   # whitespace works too\n"
    "0,3,0.25\n"
    "0,2,-0.6\n"
    "\n"
    "0,0.3\n"
    "2,-0.5\n"
    "3,0.1\n";

Params file_params(const std::string& path, std::int64_t p, std::int64_t samples) {
  return ising_params({{"graph", std::string("file")}, {"couplings_file", path}, {"p", p}, {"samples", samples}});
}

std::string error_of(const Params& p) {
  try {
    generate(p);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("dataset/ising: schema declares the documented defaults") {
  const ComponentInfo& info = ising();
  CHECK(std::get<std::int64_t>(*info.find_param("p")->default_value) == 16);
  CHECK(std::get<std::int64_t>(*info.find_param("samples")->default_value) == 100000);
  CHECK(std::get<std::string>(*info.find_param("graph")->default_value) == "random");
  CHECK(std::get<std::int64_t>(*info.find_param("degree")->default_value) == 3);
  CHECK(std::get<std::string>(*info.find_param("couplings")->default_value) == "uniform");
  CHECK(std::get<double>(*info.find_param("coupling_min")->default_value) == 0.4);
  CHECK(std::get<double>(*info.find_param("coupling_max")->default_value) == 0.8);
  CHECK(std::get<std::string>(*info.find_param("fields")->default_value) == "uniform");
  CHECK(std::get<double>(*info.find_param("field_max")->default_value) == 0.2);
  CHECK(std::get<std::string>(*info.find_param("couplings_file")->default_value).empty());
  CHECK(std::get<std::int64_t>(*info.find_param("burn_in")->default_value) == 1000);
  CHECK(std::get<std::int64_t>(*info.find_param("thin")->default_value) == 10);
  CHECK(info.find_param("graph")->choices == std::vector<std::string>{"random", "lattice", "complete", "file"});
}

TEST_CASE("dataset/ising: a model from a file has the listed J and h and exactly the brute-force moments") {
  TempDir dir;
  const Artifact a = generate(file_params(dir.write("four.csv", kFourSpins), 4, 1000));
  const std::vector<double> J = a.array("J").to_double(), h = a.array("h").to_double();
  CHECK(J[0 * 4 + 1] == 0.7);
  CHECK(J[1 * 4 + 0] == 0.7);
  CHECK(J[2 * 4 + 1] == -0.4);
  CHECK(J[3 * 4 + 2] == 0.9);
  CHECK(J[1 * 4 + 3] == 0.0);
  CHECK(h == std::vector<double>{0.3, 0.0, -0.5, 0.1});
  CHECK(a.scalar("edges") == 5);
  CHECK(a.scalar("exact") == 1);
  CHECK(a.string("graph") == "file");

  const Exact truth = brute_force(J, h, 4);
  const std::vector<double> mean = a.array("exact_mean").to_double(), corr = a.array("exact_correlation").to_double();
  REQUIRE(mean.size() == 4);
  REQUIRE(corr.size() == 16);
  for (std::size_t i = 0; i < 4; ++i) CHECK(mean[i] == doctest::Approx(truth.mean[i]).epsilon(1e-12));
  for (std::size_t k = 0; k < 16; ++k) CHECK(corr[k] == doctest::Approx(truth.corr[k]).epsilon(1e-12));
}

TEST_CASE("dataset/ising: exact samples: alias-method state frequencies match the probabilities") {
  TempDir dir;
  const std::size_t draws = 200000;
  const Artifact a = generate(file_params(dir.write("four.csv", kFourSpins), 4, static_cast<std::int64_t>(draws)));
  const Exact truth = brute_force(a);
  std::vector<double> count(16, 0.0);
  const auto x = a.array("samples").view<std::int8_t>();
  for (std::size_t r = 0; r < draws; ++r) {
    std::size_t s = 0;
    for (std::size_t i = 0; i < 4; ++i) s |= std::size_t(x[r * 4 + i] > 0) << i;
    count[s] += 1;
  }
  double chi2 = 0;
  for (std::size_t s = 0; s < 16; ++s) {
    const double expected = truth.prob[s] * static_cast<double>(draws);
    chi2 += (count[s] - expected) * (count[s] - expected) / expected;
  }
  CHECK(chi2 < 60);  // 15 degrees of freedom: mean 15, sd 5.5; 60 is p ~ 1e-7
}

TEST_CASE("dataset/ising: exact path: random model's moments match brute force and its samples within 4 SE") {
  const std::size_t m = 200000;
  const Artifact a = generate(ising_params({{"p", n(10)}, {"samples", static_cast<std::int64_t>(m)}, {"degree", n(3)}}));
  CHECK(a.scalar("exact") == 1);
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{m, 10});
  const Exact truth = brute_force(a), empirical = sample_moments(a);
  const std::vector<double> mean = a.array("exact_mean").to_double(), corr = a.array("exact_correlation").to_double();
  for (std::size_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(mean[i] == doctest::Approx(truth.mean[i]).epsilon(1e-10));
    CHECK(std::abs(empirical.mean[i] - mean[i]) < 4 * std::sqrt((1 - mean[i] * mean[i]) / m));
    CHECK(corr[i * 10 + i] == 1.0);
    for (std::size_t j = i + 1; j < 10; ++j) {
      CAPTURE(j);
      const double c = corr[i * 10 + j];
      CHECK(c == doctest::Approx(truth.corr[i * 10 + j]).epsilon(1e-10));
      CHECK(corr[j * 10 + i] == c);
      CHECK(std::abs(empirical.corr[i * 10 + j] - c) < 4 * std::sqrt((1 - c * c) / m));
    }
  }
}

TEST_CASE("dataset/ising: strong couplings stay finite (log-sum-exp)") {
  TempDir dir;
  const std::string path = dir.write("strong.csv", "0,1,60\n1,2,60\n0,2,60\n2,3,60\n");
  const Artifact a = generate(file_params(path, 4, 100));
  for (double c : a.array("exact_correlation").to_double()) CHECK(c == doctest::Approx(1.0));
  for (double mu : a.array("exact_mean").to_double()) CHECK(mu == doctest::Approx(0.0).epsilon(1e-9));
  const auto x = a.array("samples").view<std::int8_t>();
  for (std::size_t r = 0; r < 100; ++r)  // only the two aligned states have any weight
    CHECK(std::count(x.begin() + r * 4, x.begin() + r * 4 + 4, x[r * 4]) == 4);
}

// The Gibbs path (p > 20) runs sampler/gibbs's kernel, one chain per block, each
// chain with its own stream; its moments are checked against brute force over all
// 2^21 states, which shares nothing with the sampler.
TEST_CASE("dataset/ising: Gibbs path (p = 21) reproduces the moments of an exact enumeration") {
  const std::size_t m = 20000;
  const Artifact a = generate(ising_params({{"p", n(21)}, {"samples", static_cast<std::int64_t>(m)}, {"degree", n(4)}}));
  CHECK(a.scalar("exact") == 0);
  CHECK_FALSE(a.has_array("exact_mean"));
  CHECK_FALSE(a.has_array("exact_correlation"));
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{m, 21});
  const Exact truth = brute_force(a), empirical = sample_moments(a);
  double worst = 0;
  for (std::size_t i = 0; i < 21; ++i) {
    worst = std::max(worst, std::abs(empirical.mean[i] - truth.mean[i]));
    for (std::size_t j = i + 1; j < 21; ++j)
      worst = std::max(worst, std::abs(empirical.corr[i * 21 + j] - truth.corr[i * 21 + j]));
  }
  CHECK(worst < 0.04);  // one SE is <= 0.007 for 2e4 independent samples
}

TEST_CASE("dataset/ising: lattice graph: degree 4 everywhere, 2p edges, periodic neighbours") {
  const Artifact a = generate(ising_params({{"p", n(25)}, {"graph", std::string("lattice")}, {"samples", n(10)}}));
  CHECK(a.scalar("edges") == 50);
  for (int d : degrees(a)) CHECK(d == 4);
  const std::vector<double> J = a.array("J").to_double();
  auto coupled = [&](std::size_t i, std::size_t j) { return J[i * 25 + j] != 0; };
  CHECK(coupled(0, 1));   // right
  CHECK(coupled(0, 4));   // left, across the periodic edge
  CHECK(coupled(0, 5));   // down
  CHECK(coupled(0, 20));  // up, across the periodic edge
  CHECK_FALSE(coupled(0, 6));

  const Artifact tiny = generate(ising_params({{"p", n(4)}, {"graph", std::string("lattice")}, {"samples", n(10)}}));
  CHECK(tiny.scalar("edges") == 4);  // 2x2 torus: wrapped neighbours coincide, a 4-cycle
  CHECK(error_of(ising_params({{"p", n(15)}, {"graph", std::string("lattice")}})) ==
        "graph: lattice needs p to be a perfect square, got 15");
}

TEST_CASE("dataset/ising: random graph has the requested degree") {
  for (auto [p, d] : {std::pair{16, 3}, std::pair{30, 4}, std::pair{200, 3}, std::pair{40, 5}}) {
    CAPTURE(p);
    CAPTURE(d);
    const Artifact a = generate(ising_params({{"p", n(p)}, {"degree", n(d)}, {"samples", n(5)}}));
    CHECK(a.scalar("edges") == p * d / 2);
    for (int k : degrees(a)) CHECK(k == d);
  }
  CHECK(error_of(ising_params({{"p", n(15)}, {"degree", n(3)}})).find("p*degree even") != std::string::npos);
  CHECK(error_of(ising_params({{"p", n(4)}, {"degree", n(4)}})).find("degree < p") != std::string::npos);
}

TEST_CASE("dataset/ising: complete graph couples every pair") {
  const Artifact a = generate(ising_params({{"p", n(7)}, {"graph", std::string("complete")}, {"samples", n(5)}}));
  CHECK(a.scalar("edges") == 21);
  for (int d : degrees(a)) CHECK(d == 6);
}

TEST_CASE("dataset/ising: coupling and field laws") {
  SUBCASE("uniform: |J| in [min, max], both signs; J symmetric with a zero diagonal; |h| <= field_max") {
    const Artifact a = generate(ising_params({{"p", n(30)}, {"graph", std::string("complete")}, {"samples", n(1)},
                                              {"coupling_min", 0.2}, {"coupling_max", 0.3}, {"field_max", 0.05}}));
    const std::vector<double> J = a.array("J").to_double();
    int positive = 0;
    for (std::size_t i = 0; i < 30; ++i) {
      CHECK(J[i * 30 + i] == 0.0);
      for (std::size_t j = 0; j < 30; ++j) {
        if (i == j) continue;
        CHECK(J[i * 30 + j] == J[j * 30 + i]);
        CHECK(std::abs(J[i * 30 + j]) >= 0.2);
        CHECK(std::abs(J[i * 30 + j]) <= 0.3);
        positive += j > i && J[i * 30 + j] > 0;
      }
    }
    CHECK(positive > 435 / 2 - 60);  // fair coin over 435 pairs: sd 10.4
    CHECK(positive < 435 / 2 + 60);
    for (double h : a.array("h").to_double()) CHECK(std::abs(h) <= 0.05);
  }
  SUBCASE("ferromagnetic: every J in [min, max] and positive; positive: every h in [0, field_max], spread out") {
    const Artifact a = generate(ising_params({{"p", n(30)}, {"graph", std::string("complete")}, {"samples", n(1)},
                                              {"couplings", std::string("ferromagnetic")}, {"coupling_min", 0.2},
                                              {"coupling_max", 0.3}, {"fields", std::string("positive")},
                                              {"field_max", 0.05}}));
    const std::vector<double> J = a.array("J").to_double();
    double sum = 0;
    for (std::size_t i = 0; i < 30; ++i)
      for (std::size_t j = i + 1; j < 30; ++j) {
        CHECK(J[i * 30 + j] >= 0.2);
        CHECK(J[i * 30 + j] <= 0.3);
        sum += J[i * 30 + j];
      }
    CHECK(sum / 435 == doctest::Approx(0.25).epsilon(0.02));  // uniform mean 0.25, sd of the mean 0.0014
    const std::vector<double> h = a.array("h").to_double();
    for (double v : h) {
      CHECK(v >= 0.0);
      CHECK(v <= 0.05);
    }
    CHECK(*std::max_element(h.begin(), h.end()) - *std::min_element(h.begin(), h.end()) > 0.03);
  }
  SUBCASE("gaussian: sample sd of 780 couplings near coupling_std; fields zero") {
    const Artifact a = generate(ising_params({{"p", n(40)}, {"graph", std::string("complete")}, {"samples", n(1)},
                                              {"couplings", std::string("gaussian")}, {"coupling_std", 0.5},
                                              {"fields", std::string("zero")}}));
    const std::vector<double> J = a.array("J").to_double();
    double sum2 = 0;
    for (std::size_t i = 0; i < 40; ++i)
      for (std::size_t j = i + 1; j < 40; ++j) sum2 += J[i * 40 + j] * J[i * 40 + j];
    CHECK(std::sqrt(sum2 / 780) == doctest::Approx(0.5).epsilon(0.1));  // relative sd of the estimate: 2.5 %
    for (double h : a.array("h").to_double()) CHECK(h == 0.0);
  }
}

TEST_CASE("dataset/ising: outputs have the documented shapes, types and scalars") {
  const Artifact a = generate(ising_params({{"p", n(6)}, {"samples", n(321)}, {"degree", n(2)}}));
  CHECK(a.array("samples").dtype() == DType::i8);
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{321, 6});
  for (std::int8_t v : a.array("samples").view<std::int8_t>()) CHECK((v == 1 || v == -1));
  CHECK(a.array("J").shape() == std::vector<std::size_t>{6, 6});
  CHECK(a.array("h").shape() == std::vector<std::size_t>{6});
  CHECK(a.array("exact_mean").shape() == std::vector<std::size_t>{6});
  CHECK(a.array("exact_correlation").shape() == std::vector<std::size_t>{6, 6});
  CHECK(a.scalar("p") == 6);
  CHECK(a.scalar("samples") == 321);
  CHECK(a.scalar("edges") == 6);
  CHECK(a.string("graph") == "random");
}

TEST_CASE("dataset/ising: same seed, same artifact; another seed, other samples and couplings") {
  for (std::int64_t p : {8, 24}) {
    CAPTURE(p);
    const Params params = ising_params({{"p", p}, {"samples", n(500)}, {"burn_in", n(50)}});
    const Artifact a = generate(params, 11), b = generate(params, 11), c = generate(params, 12);
    CHECK(a == b);
    CHECK_FALSE(a.array("samples") == c.array("samples"));
    CHECK_FALSE(a.array("J") == c.array("J"));
  }
}

TEST_CASE("dataset/ising: the number of samples does not change the model") {
  for (std::int64_t p : {8, 24}) {
    CAPTURE(p);
    const Artifact small = generate(ising_params({{"p", p}, {"samples", n(100)}, {"burn_in", n(20)}}));
    const Artifact large = generate(ising_params({{"p", p}, {"samples", n(3000)}, {"burn_in", n(20)}}));
    CHECK(small.array("J") == large.array("J"));
    CHECK(small.array("h") == large.array("h"));
  }
}

TEST_CASE("dataset/ising: couplings file errors name the line") {
  TempDir dir;
  auto error_for = [&](const std::string& text) { return error_of(file_params(dir.write("m.csv", text), 4, 10)); };
  CHECK(error_for("0,1,0.5\n0,1,2,3\n").find("m.csv:2: expected 'i,j,J_ij' (3 numbers) or 'i,h_i' (2 numbers), got 4") !=
        std::string::npos);
  CHECK(error_for("# ok\n0,4,0.5\n").find("m.csv:2: spin index 4 is not an integer in [0, 3] (p = 4)") != std::string::npos);
  CHECK(error_for("0,1.5,0.5\n").find("m.csv:1: spin index 1.5") != std::string::npos);
  CHECK(error_for("0,x,0.5\n").find("m.csv:1: 'x' is not a number") != std::string::npos);
  CHECK(error_for("0,1,0.5\n1,0,0.2\n").find("m.csv:2: pair (0, 1) already set on line 1") != std::string::npos);
  CHECK(error_for("2,2,0.5\n").find("two different spins") != std::string::npos);
  CHECK(error_for("3,0.1\n3,0.2\n").find("m.csv:2: field of spin 3 already set on line 1") != std::string::npos);
  CHECK(error_of(ising_params({{"graph", std::string("file")}})).find("graph: file needs couplings_file") !=
        std::string::npos);
  CHECK(error_of(ising_params({{"couplings_file", dir.write("x.csv", "0,1,1\n")}})).find("only with graph: file") !=
        std::string::npos);
  CHECK(error_of(file_params(dir.file("absent.csv"), 4, 10)).find("cannot open") != std::string::npos);
}

TEST_CASE("dataset/ising: rejects inconsistent parameters") {
  CHECK(error_of(ising_params({{"coupling_min", 0.9}, {"coupling_max", 0.5}})).find("coupling_min <= coupling_max") !=
        std::string::npos);
}

TEST_CASE("dataset/ising: the schema refuses out-of-range parameters before the component runs") {
  CHECK_THROWS_WITH_AS(ising_params({{"p", n(1)}}), doctest::Contains("'p' must be in [2, 4096], got 1"), ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"p", n(4097)}}), doctest::Contains("'p' must be in [2, 4096]"), ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"samples", n(0)}}), doctest::Contains("'samples' must be >= 1"), ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"thin", n(0)}}), doctest::Contains("'thin' must be >= 1"), ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"burn_in", n(-1)}}), doctest::Contains("'burn_in' must be >= 0"), ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"coupling_min", -0.1}}), doctest::Contains("'coupling_min' must be >= 0"),
                       ParamError);
  CHECK_THROWS_WITH_AS(ising_params({{"graph", std::string("ring")}}), doctest::Contains("must be one of"), ParamError);
}
