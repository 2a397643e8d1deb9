// Volumes and helpers shared by the tests of the volume codecs (zfp, sz3,
// mgard): a smooth field, a sparse TPC-like field of ADC counts, a run through
// the registry and error measures.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise::test {

inline std::size_t elements(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t s : shape) n *= s;
  return n;
}

// A smooth 3-D field: a few low-frequency waves, values in about [-3, 3].
inline std::vector<double> smooth_field(const std::vector<std::size_t>& shape) {
  std::vector<double> v(elements(shape));
  std::size_t i = 0;
  for (std::size_t a = 0; a < shape[0]; ++a)
    for (std::size_t b = 0; b < shape[1]; ++b)
      for (std::size_t c = 0; c < shape[2]; ++c)
        v[i++] = std::sin(0.3 * a) * std::cos(0.2 * b) + std::cos(0.15 * c + 0.1 * a) + 0.5 * std::sin(0.05 * (b + c));
  return v;
}

// A sparse TPC-like volume of 10-bit ADC counts: zeros with a few Gaussian
// blobs (track hits) of peak 200..1023, zero-suppressed below 64 as the
// detector does. Deterministic in `seed`.
inline std::vector<std::uint16_t> sparse_tpc_field(const std::vector<std::size_t>& shape, int blobs,
                                                   std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> v(elements(shape), 0.0);
  for (int k = 0; k < blobs; ++k) {
    const double c0 = u(rng) * shape[0], c1 = u(rng) * shape[1], c2 = u(rng) * shape[2];
    const double peak = 200 + 823 * u(rng), width = 0.8 + 1.5 * u(rng);
    std::size_t i = 0;
    for (std::size_t a = 0; a < shape[0]; ++a)
      for (std::size_t b = 0; b < shape[1]; ++b)
        for (std::size_t c = 0; c < shape[2]; ++c, ++i) {
          const double d2 = (a - c0) * (a - c0) + (b - c1) * (b - c1) + (c - c2) * (c - c2);
          v[i] += peak * std::exp(-d2 / (2 * width * width));
        }
  }
  std::vector<std::uint16_t> adc(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = std::min(std::round(v[i]), 1023.0);
    adc[i] = static_cast<std::uint16_t>(x < 64 ? 0 : x);
  }
  return adc;
}

template <class T>
Artifact volume_artifact(const std::vector<std::size_t>& shape, const std::vector<T>& values) {
  Artifact a;
  a.set_array("volume", Array::from<T>(shape, values));
  return a;
}

// Runs component `name` on input `data` with the schema's defaults and `overrides`.
inline Artifact run_codec(const std::string& name, const Artifact& data,
                          const std::map<std::string, ParamValue>& overrides = {}) {
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  return run_component(name, overrides, in);
}

inline double max_abs_error(const std::vector<double>& truth, const Array& decoded) {
  const std::vector<double> d = decoded.to_double();
  REQUIRE(d.size() == truth.size());
  double m = 0;
  for (std::size_t i = 0; i < d.size(); ++i) m = std::max(m, std::abs(d[i] - truth[i]));
  return m;
}

inline double mse(const std::vector<double>& truth, const Array& decoded) {
  const std::vector<double> d = decoded.to_double();
  REQUIRE(d.size() == truth.size());
  double s = 0;
  for (std::size_t i = 0; i < d.size(); ++i) s += (d[i] - truth[i]) * (d[i] - truth[i]);
  return s / static_cast<double>(d.size());
}

// The output every volume codec writes (components/codecs/volume_codec.hpp).
inline void check_codec_output(const Artifact& out, const std::vector<std::size_t>& shape, double original_bits) {
  REQUIRE(out.has_array("volume"));
  CHECK(out.array("volume").dtype() == DType::f32);
  CHECK(out.array("volume").shape() == shape);
  REQUIRE(out.has_array("stream"));
  const double n = static_cast<double>(elements(shape));
  const double bytes = out.scalar("bytes");
  CHECK(bytes == static_cast<double>(out.array("stream").size()));
  CHECK(out.array("stream").dtype() == DType::i8);
  CHECK(out.scalar("original_bytes") == doctest::Approx(n * original_bits / 8));
  CHECK(out.scalar("ratio") == doctest::Approx(n * original_bits / 8 / bytes));
  CHECK(out.scalar("bits_per_value") == doctest::Approx(8 * bytes / n));
  CHECK(out.scalar("compress_seconds") >= 0);
  CHECK(out.scalar("decompress_seconds") >= 0);
}

}  // namespace reprise::test
