#include "components/datasets/lennard_jones.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

Artifact generate(const std::map<std::string, ParamValue>& changes, std::uint64_t seed = 5) {
  return test::run_component("dataset/md", changes, {}, seed);
}

std::int64_t n(int v) { return v; }

// 16 LJ particles near their sites in a 2-D box at density 0.8, thermal velocities.
LjSystem small_system(std::size_t dim, double tether) {
  LjSystem sys;
  sys.particles = dim == 2 ? 16 : 27;
  sys.dim = dim;
  sys.box = std::pow(static_cast<double>(sys.particles) / 0.8, 1.0 / static_cast<double>(dim));
  sys.cutoff = dim == 2 ? 2.2 : 1.6;
  sys.tether = tether;
  sys.sites = LjSystem::lattice_sites(sys.particles, dim, sys.box);
  return sys;
}

std::vector<double> jiggled(const LjSystem& sys, double amount, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> x = sys.sites;
  for (double& v : x) v += amount * normal(rng);
  return x;
}

}  // namespace

TEST_CASE("dataset/md: forces are minus the gradient of the potential (finite differences)") {
  for (std::size_t dim : {2, 3}) {
    CAPTURE(dim);
    const LjSystem sys = small_system(dim, 0.7);
    std::vector<double> x = jiggled(sys, 0.12, 11 + dim), f;
    const double u = sys.forces(x, f);
    CHECK(u == doctest::Approx(sys.potential(x)));
    const double h = 1e-6;
    for (std::size_t k = 0; k < x.size(); k += 3) {
      std::vector<double> up = x, down = x;
      up[k] += h;
      down[k] -= h;
      CHECK(f[k] == doctest::Approx(-(sys.potential(up) - sys.potential(down)) / (2 * h)).epsilon(1e-5).scale(1.0));
    }
  }
}

TEST_CASE("dataset/md: the shifted-force pair potential vanishes with its slope at the cut-off") {
  LjSystem sys;
  sys.particles = 2;
  sys.dim = 2;
  sys.box = 10;
  sys.cutoff = 2.5;
  sys.tether = 0;
  sys.sites = {0, 0, 1, 0};
  auto pair_u = [&](double r) { return sys.potential({1.0, 1.0, 1.0 + r, 1.0}); };
  CHECK(std::abs(pair_u(2.5 - 1e-7)) < 1e-9);
  CHECK(pair_u(2.6) == 0.0);
  // u(1) = 0 for plain LJ, so u_sf(1) = −u(rc) − (1 − rc) u'(rc).
  const double rc6 = std::pow(2.5, -6), u_rc = 4 * (rc6 * rc6 - rc6), du_rc = (-48 * rc6 * rc6 + 24 * rc6) / 2.5;
  CHECK(pair_u(1.0) == doctest::Approx(-u_rc - (1.0 - 2.5) * du_rc));
  // Minimum image: 1.0 apart through the boundary.
  CHECK(sys.potential({0.5, 1.0, 9.5, 1.0}) == doctest::Approx(pair_u(1.0)));
}

TEST_CASE("dataset/md: without thermostat velocity Verlet conserves energy to O(dt^2)") {
  const LjSystem sys = small_system(2, 0.5);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  const std::vector<double> x0 = jiggled(sys, 0.05, 2);
  std::vector<double> v0(x0.size());
  for (double& v : v0) v = 0.7 * normal(rng);
  auto drift = [&](double dt) {
    std::vector<double> x = x0, v = v0, f;
    const double e0 = sys.forces(x, f) + [&] { double k = 0; for (double w : v) k += 0.5 * w * w; return k; }();
    double worst = 0;
    const auto steps = static_cast<std::size_t>(std::lround(2.0 / dt));  // 2 LJ time units
    for (std::size_t t = 0; t < steps; ++t) {
      const double u = sys.baoab_step(x, v, f, dt, 0.0, 1.0, rng, normal);
      double k = 0;
      for (double w : v) k += 0.5 * w * w;
      worst = std::max(worst, std::abs(u + k - e0));
    }
    return worst;
  };
  const double coarse = drift(0.004), fine = drift(0.002);
  CHECK(coarse < 0.05);
  CHECK(coarse / fine == doctest::Approx(4.0).epsilon(0.2));
}

TEST_CASE("dataset/md: the thermostat holds the kinetic temperature at its target") {
  for (double temperature : {0.4, 1.0}) {
    CAPTURE(temperature);
    const Artifact a = generate({{"temperature", temperature}, {"friction", 2.0}, {"samples", n(2000)},
                                 {"stride", n(20)}, {"equilibration", n(1000)}});
    CHECK(a.scalar("mean_temperature") == doctest::Approx(temperature).epsilon(0.03));
    CHECK(a.array("samples").shape() == std::vector<std::size_t>{2000, 32});
  }
}

TEST_CASE("dataset/md: tethers alone give the Gaussian x_i ~ N(s_i, T / k)") {
  const double temperature = 0.6, tether = 2.0;
  const Artifact a = generate({{"epsilon", 0.0}, {"tether", tether}, {"temperature", temperature}, {"dim", n(3)},
                               {"particles", n(8)}, {"friction", 2.0}, {"samples", n(4000)}, {"stride", n(100)},
                               {"equilibration", n(500)}});
  const std::vector<double> x = a.array("samples").to_double(), sites = a.array("sites").to_double();
  const std::size_t m = 4000, d = 24;
  double var = 0, mean_err = 0;
  for (std::size_t k = 0; k < d; ++k) {
    double s1 = 0, s2 = 0;
    for (std::size_t r = 0; r < m; ++r) {
      const double u = x[r * d + k] - sites[k];
      s1 += u;
      s2 += u * u;
    }
    mean_err = std::max(mean_err, std::abs(s1 / m));
    var += s2 / m;
  }
  var /= d;
  CHECK(var == doctest::Approx(temperature / tether).epsilon(0.04));
  CHECK(mean_err < 0.15 * std::sqrt(temperature / tether));
  // Mean potential per particle: equipartition, dim/2 T.
  CHECK(a.scalar("mean_potential") == doctest::Approx(1.5 * temperature).epsilon(0.04));
}

TEST_CASE("dataset/md: the LJ crystal samples stay near their sites; coordinate frames agree") {
  const std::map<std::string, ParamValue> p{{"samples", n(200)}, {"equilibration", n(200)}};
  const Artifact pos = generate(p);
  auto q = p;
  q["coordinates"] = std::string("displacements");
  const Artifact disp = generate(q);
  const std::vector<double> a = pos.array("samples").to_double(), b = disp.array("samples").to_double();
  const std::vector<double> sa = pos.array("sites").to_double();
  CHECK(disp.array("sites").to_double() == sa);
  // Coordinate-major: x of the 16 particles (4 x 4 lattice, x varying fastest), then y.
  const double spacing = pos.scalar("box") / 4;
  CHECK(sa[1] - sa[0] == doctest::Approx(spacing));
  CHECK(sa[4] == doctest::Approx(sa[0]));
  CHECK(sa[16 + 1] == doctest::Approx(sa[16]));
  CHECK(sa[16 + 4] - sa[16] == doctest::Approx(spacing));
  REQUIRE(a.size() == b.size());
  double worst = 0, frame = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(b[i]));
    frame = std::max(frame, std::abs((a[i] - sa[i % 32]) - b[i]));
  }
  CHECK(worst < 1.0);
  CHECK(frame < 1e-9);
  CHECK(pos.scalar("mean_potential") < 0);  // bound LJ crystal
}

TEST_CASE("dataset/md: deterministic per seed, independent of the thread count; clear errors") {
  const std::map<std::string, ParamValue> p{{"samples", n(40)}, {"equilibration", n(50)}, {"replicas", n(4)}};
  auto with_threads = [&](int threads) {
    auto q = p;
    q["threads"] = n(threads);
    return generate(q).array("samples").to_double();
  };
  const std::vector<double> one = with_threads(1);
  CHECK(one == with_threads(3));
  CHECK(one != generate(p, 6).array("samples").to_double());
  try {
    generate({{"particles", n(4)}, {"density", 1.0}});
    FAIL("expected an error");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("exceeds half the box side") != std::string::npos);
  }
}

TEST_CASE("dataset/md: the schema states the exact bounds: density, temperature, dt and cutoff > 0") {
  for (const char* name : {"density", "temperature", "dt", "cutoff"}) {
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(test::default_params("dataset/md", {{name, 0.0}}),
                         doctest::Contains(("'" + std::string(name) + "' must be > 0, got 0").c_str()), ParamError);
    CHECK_NOTHROW(test::default_params("dataset/md", {{name, 1e-7}}));  // below the old inclusive 1e-6 / 1e-9 bounds
  }
  CHECK_THROWS_WITH_AS(test::default_params("dataset/md", {{"dim", n(4)}}), doctest::Contains("'dim' must be in [2, 3]"),
                       ParamError);
}
