#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

// The schema's defaults with `overrides` applied, as the framework hands them.
Params tpc_params(const std::map<std::string, ParamValue>& overrides = {}) {
  return test::default_params("dataset/tpc", overrides);
}

Artifact generate(const Params& p, std::uint64_t seed = 3) {
  SimpleContext ctx(seed);
  return Registry::instance().find("dataset/tpc")->make()->run(Inputs{}, p, ctx);
}

std::vector<std::uint16_t> adc_of(const Artifact& a) {
  auto v = a.array("volume").view<std::uint16_t>();
  return {v.begin(), v.end()};
}

double nonzero_fraction(const std::vector<std::uint16_t>& v) {
  std::size_t n = 0;
  for (auto x : v) n += x != 0;
  return static_cast<double>(n) / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("dataset/tpc: a 192x249x16 uint16 volume of 10-bit ADC values, zero-suppressed below 64") {
  const Artifact a = generate(tpc_params());
  const Array& volume = a.array("volume");
  CHECK(volume.dtype() == DType::u16);
  CHECK(volume.shape() == std::vector<std::size_t>{192, 249, 16});
  const auto v = adc_of(a);
  std::uint16_t max = 0;
  std::size_t below_threshold = 0, saturated = 0;
  for (auto x : v) {
    max = std::max(max, x);
    below_threshold += x > 0 && x < 64;
    saturated += x == 1023;
  }
  CHECK(max <= 1023);
  CHECK(max > 500);  // the Landau tail reaches high values...
  CHECK(below_threshold == 0);
  CHECK(saturated < v.size() / 200);  // ...but the ADC range is not flooded
  CHECK(a.scalar("occupancy") == doctest::Approx(nonzero_fraction(v)).epsilon(1e-12));
  CHECK(a.scalar("tracks") > 50);
}

TEST_CASE("dataset/tpc: the measured occupancy meets the target") {
  for (double target : {0.05, 0.10}) {
    CAPTURE(target);
    const Artifact a = generate(tpc_params({{"occupancy", target}}));
    const double measured = nonzero_fraction(adc_of(a));
    CHECK(measured >= 0.8 * target);
    CHECK(measured <= 1.2 * target);
    CHECK(a.scalar("occupancy") == doctest::Approx(measured));
  }
  // Twice the occupancy needs about twice the tracks.
  const double t5 = generate(tpc_params({{"occupancy", 0.05}})).scalar("tracks");
  const double t10 = generate(tpc_params({{"occupancy", 0.10}})).scalar("tracks");
  CHECK(t10 > 1.6 * t5);
}

TEST_CASE("dataset/tpc: deterministic per seed, different across seeds") {
  const Params p = tpc_params({{"c", std::int64_t{64}}, {"z", std::int64_t{80}}});
  CHECK(generate(p, 11) == generate(p, 11));
  CHECK(adc_of(generate(p, 11)) != adc_of(generate(p, 12)));
}

TEST_CASE("dataset/tpc: the threshold parameter is the zero-suppression level") {
  const auto v = adc_of(generate(tpc_params({{"threshold", std::int64_t{150}}, {"c", std::int64_t{64}}})));
  std::size_t low = 0, at_least = 0;
  for (auto x : v) low += x > 0 && x < 150, at_least += x >= 150;
  CHECK(low == 0);
  CHECK(at_least > 0);
}

TEST_CASE("dataset/tpc: events > 1 stack independent volumes on a leading axis") {
  const Artifact a = generate(tpc_params({{"events", std::int64_t{3}}, {"c", std::int64_t{48}}, {"z", std::int64_t{64}}}));
  CHECK(a.array("volume").shape() == std::vector<std::size_t>{3, 48, 64, 16});
  const auto v = adc_of(a);
  const std::size_t n = 48 * 64 * 16;
  const std::vector<std::uint16_t> e0(v.begin(), v.begin() + n), e1(v.begin() + n, v.begin() + 2 * n);
  CHECK(e0 != e1);
  CHECK(nonzero_fraction(e0) == doctest::Approx(0.10).epsilon(0.2));
  CHECK(nonzero_fraction(e1) == doctest::Approx(0.10).epsilon(0.2));
  CHECK(a.scalar("occupancy") == doctest::Approx(nonzero_fraction(v)));
}

TEST_CASE("dataset/tpc: transform log is float32 log2(1 + ADC) of the same volume") {
  const Params small = tpc_params({{"c", std::int64_t{64}}, {"z", std::int64_t{80}}});
  const Params logged = tpc_params({{"c", std::int64_t{64}}, {"z", std::int64_t{80}}, {"transform", std::string("log")}});
  const auto adc = adc_of(generate(small));
  const Artifact l = generate(logged);
  REQUIRE(l.array("volume").dtype() == DType::f32);
  const auto v = l.array("volume").view<float>();
  REQUIRE(v.size() == adc.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < v.size(); ++i) mismatches += v[i] != static_cast<float>(std::log2(1.0 + adc[i]));
  CHECK(mismatches == 0);
}

TEST_CASE("dataset/tpc: charge forms clusters that continue from layer to layer, not scattered noise") {
  const Params p = tpc_params({{"occupancy", 0.02}});
  const auto v = adc_of(generate(p));
  const std::size_t C = 192, Z = 249, R = 16;
  auto at = [&](long c, long z, long r) -> std::uint16_t {
    if (c < 0 || z < 0 || r < 0 || c >= long(C) || z >= long(Z) || r >= long(R)) return 0;
    return v[(std::size_t(c) * Z + std::size_t(z)) * R + std::size_t(r)];
  };
  // A hit's neighbours in its own layer (the cluster) and just above it in the
  // next layer (the same track, one layer further out). At 2% occupancy, chance
  // alone gives 1 - 0.98^4 ≈ 0.08 and 1 - 0.98^3 ≈ 0.06.
  std::size_t hits = 0, in_cluster = 0, continued = 0;
  for (long c = 0; c < long(C); ++c)
    for (long z = 0; z < long(Z); ++z)
      for (long r = 0; r + 1 < long(R); ++r) {
        if (!at(c, z, r)) continue;
        ++hits;
        in_cluster += at(c - 1, z, r) || at(c + 1, z, r) || at(c, z - 1, r) || at(c, z + 1, r);
        continued += at(c, z, r + 1) || at(c - 1, z, r + 1) || at(c + 1, z, r + 1);
      }
  REQUIRE(hits > 1000);
  CHECK(double(in_cluster) / hits > 0.9);
  CHECK(double(continued) / hits > 0.3);  // measured: 1.00 and 0.52
}

TEST_CASE("dataset/tpc: noise that alone exceeds the occupancy target is refused") {
  const Params p = tpc_params({{"noise", 200.0}, {"threshold", std::int64_t{64}}, {"c", std::int64_t{32}}});
  SimpleContext ctx;
  CHECK_THROWS_WITH_AS(Registry::instance().find("dataset/tpc")->make()->run(Inputs{}, p, ctx),
                       doctest::Contains("noise alone (noise 200.000000 ADC)"), std::invalid_argument);
}
