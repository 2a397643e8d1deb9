#include "components/datasets/phi4_lattice.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

Artifact generate(const std::map<std::string, ParamValue>& changes, std::uint64_t seed = 3) {
  return test::run_component("dataset/phi4", changes, {}, seed);
}

std::int64_t n(int v) { return v; }

// The action written out from its definition, independently of the component:
// S = Σ_x [½ Σ_μ (φ_{x+μ} − φ_x)² + ½ m² φ_x² + λ φ_x⁴] on a periodic L x L lattice.
double action(const std::vector<double>& phi, std::size_t L, double m2, double lambda) {
  double s = 0;
  for (std::size_t r = 0; r < L; ++r)
    for (std::size_t c = 0; c < L; ++c) {
      const double f = phi[r * L + c];
      const double right = phi[r * L + (c + 1) % L], down = phi[((r + 1) % L) * L + c];
      s += 0.5 * ((right - f) * (right - f) + (down - f) * (down - f)) + 0.5 * m2 * f * f + lambda * f * f * f * f;
    }
  return s;
}

// Free field (λ = 0): ⟨φ_0 φ_δ⟩ = (1/N) Σ_k cos(k·δ) / (m² + 4 Σ_μ sin²(k_μ/2)), k_μ = 2π n_μ / L.
double free_correlation(std::size_t L, double m2, int dr, int dc) {
  double sum = 0;
  for (std::size_t a = 0; a < L; ++a)
    for (std::size_t b = 0; b < L; ++b) {
      const double k1 = 2 * std::numbers::pi * a / L, k2 = 2 * std::numbers::pi * b / L;
      const double s1 = std::sin(k1 / 2), s2 = std::sin(k2 / 2);
      sum += std::cos(k1 * dr + k2 * dc) / (m2 + 4 * (s1 * s1 + s2 * s2));
    }
  return sum / static_cast<double>(L * L);
}

// ⟨φ²⟩ and ⟨φ⁴⟩ by a long single-site random-walk Metropolis run on the whole-lattice
// action above (recomputed in full at every proposal: slow, but shares nothing with HMC).
std::pair<double, double> metropolis_reference(std::size_t L, double m2, double lambda, std::size_t sweeps) {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> step(-1.2, 1.2), u01(0.0, 1.0);
  std::vector<double> phi(L * L, 0.0);
  double s = action(phi, L, m2, lambda), m2sum = 0, m4sum = 0;
  std::size_t kept = 0;
  for (std::size_t t = 0; t < sweeps; ++t) {
    for (std::size_t i = 0; i < phi.size(); ++i) {
      const double old = phi[i];
      phi[i] += step(rng);
      const double s_new = action(phi, L, m2, lambda);
      if (u01(rng) < std::exp(s - s_new)) s = s_new;
      else phi[i] = old;
    }
    if (t < 1000) continue;
    for (double f : phi) {
      m2sum += f * f;
      m4sum += f * f * f * f;
    }
    kept += phi.size();
  }
  return {m2sum / static_cast<double>(kept), m4sum / static_cast<double>(kept)};
}

}  // namespace

TEST_CASE("dataset/phi4: the free field matches the closed-form propagator") {
  const std::size_t L = 4;
  const double m2 = 1.0;
  const Artifact a = generate({{"L", n(L)}, {"m2", m2}, {"lambda", 0.0}, {"samples", n(20000)}, {"chains", n(8)}});
  const double phi2 = free_correlation(L, m2, 0, 0), nn = free_correlation(L, m2, 0, 1);
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{20000, L * L});
  CHECK(a.scalar("mean_phi2") == doctest::Approx(phi2).epsilon(0.03));
  CHECK(a.scalar("mean_nn") == doctest::Approx(nn).epsilon(0.05));
  CHECK(std::abs(a.scalar("mean_phi")) < 0.05 * std::sqrt(phi2));
  // Gaussian: ⟨φ⁴⟩ = 3 ⟨φ²⟩².
  CHECK(a.scalar("mean_phi4") == doctest::Approx(3 * phi2 * phi2).epsilon(0.06));
  CHECK(a.scalar("acceptance") > 0.6);
  CHECK(a.scalar("acceptance") < 0.99);
}

TEST_CASE("dataset/phi4: interacting field matches a long single-site Metropolis run on L = 3") {
  const std::size_t L = 3;
  const double m2 = -0.5, lambda = 0.3;
  const auto [phi2, phi4] = metropolis_reference(L, m2, lambda, 150000);
  const Artifact a = generate({{"L", n(L)}, {"m2", m2}, {"lambda", lambda}, {"samples", n(20000)}, {"chains", n(8)}});
  CHECK(a.scalar("mean_phi2") == doctest::Approx(phi2).epsilon(0.03));
  CHECK(a.scalar("mean_phi4") == doctest::Approx(phi4).epsilon(0.05));
  CHECK(a.scalar("acceptance") > 0.6);
  CHECK(a.scalar("acceptance") < 0.99);
}

TEST_CASE("dataset/phi4: tuned acceptance lies in a sane range on an 8 x 8 lattice") {
  for (double m2 : {1.0, -1.0}) {
    CAPTURE(m2);
    const Artifact a = generate({{"L", n(8)}, {"m2", m2}, {"lambda", 0.2}, {"samples", n(400)}, {"chains", n(4)}});
    CHECK(a.scalar("acceptance") > 0.6);
    CHECK(a.scalar("acceptance") < 0.99);
    CHECK(a.scalar("step_size") > 0);
  }
}

TEST_CASE("dataset/phi4: terms and theta give exactly the action") {
  for (std::size_t L : {2, 3, 5}) {
    CAPTURE(L);
    const double m2 = -0.7, lambda = 0.25;
    const Artifact a = generate({{"L", n(static_cast<int>(L))}, {"m2", m2}, {"lambda", lambda}, {"samples", n(4)},
                                 {"chains", n(1)}, {"burn_in", n(20)}});
    CHECK(a.string("family") == "polynomial");
    CHECK(a.scalar("dim") == L * L);
    const Array& terms = a.array("terms");
    const std::vector<double> theta = a.array("theta").to_double();
    REQUIRE(terms.shape() == std::vector<std::size_t>{theta.size(), 4});
    const auto t = terms.view<std::int32_t>();
    std::mt19937_64 rng(9);
    std::normal_distribution<double> normal;
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<double> phi(L * L);
      for (double& f : phi) f = normal(rng);
      double e = 0;
      for (std::size_t k = 0; k < theta.size(); ++k) {
        double mono = 1;
        for (std::size_t c = 0; c < 4; ++c)
          if (t[k * 4 + c] >= 0) mono *= phi[static_cast<std::size_t>(t[k * 4 + c])];
        e += theta[k] * mono;
      }
      CHECK(e == doctest::Approx(action(phi, L, m2, lambda)).epsilon(1e-12));
    }
  }
}

TEST_CASE("dataset/phi4: the force is minus the gradient, and leapfrog conserves H to O(eps^2)") {
  const Phi4Lattice lat{5, -0.4, 0.3};
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal;
  std::vector<double> phi(25), pi(25), f;
  for (double& v : phi) v = normal(rng);
  for (double& v : pi) v = normal(rng);
  lat.force(phi, f);
  for (std::size_t i : {0, 7, 24}) {
    std::vector<double> up = phi, down = phi;
    up[i] += 1e-5;
    down[i] -= 1e-5;
    CHECK(f[i] == doctest::Approx(-(action(up, 5, -0.4, 0.3) - action(down, 5, -0.4, 0.3)) / 2e-5).epsilon(1e-6));
  }
  auto energy_error = [&](double eps) {
    std::vector<double> q = phi, p = pi, g = f;
    const auto kin = [](const std::vector<double>& v) {
      double k = 0;
      for (double x : v) k += 0.5 * x * x;
      return k;
    };
    const double h0 = kin(p) + lat.action(q);
    lat.leapfrog(q, p, g, eps, static_cast<std::size_t>(std::lround(1.0 / eps)));  // trajectory length 1
    return std::abs(kin(p) + lat.action(q) - h0);
  };
  const double e1 = energy_error(0.02), e2 = energy_error(0.01);
  CHECK(e1 < 0.05);
  CHECK(e1 / e2 == doctest::Approx(4.0).epsilon(0.15));
}

TEST_CASE("dataset/phi4: deterministic per seed, independent of the thread count") {
  const std::map<std::string, ParamValue> p{{"L", n(4)}, {"samples", n(64)}, {"chains", n(4)}, {"burn_in", n(30)}};
  auto with_threads = [&](int threads) {
    auto q = p;
    q["threads"] = n(threads);
    return generate(q).array("samples").to_double();
  };
  const std::vector<double> one = with_threads(1);
  CHECK(one == with_threads(3));
  CHECK(one == generate(p).array("samples").to_double());
  CHECK(one != generate(p, 4).array("samples").to_double());
}

TEST_CASE("dataset/phi4: clear errors") {
  auto error_of = [](const std::map<std::string, ParamValue>& p) -> std::string {
    try {
      generate(p);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error_of({{"lambda", 0.0}, {"m2", -1.0}}).find("m2 > 0") != std::string::npos);
  CHECK(error_of({{"step_size", 0.0}, {"burn_in", n(5)}}).find("burn_in >= 20") != std::string::npos);
}
