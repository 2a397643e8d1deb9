// codec/sz3 through the registry. Without SZ3 in the build the round-trip tests
// are reported as skipped (not passed), and the unavailable registration is
// checked instead.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/codecs/volume_fixtures.hpp"

using namespace reprise;
using namespace reprise::test;

namespace {

constexpr bool kHaveSz3 =
#ifdef REPRISE_HAVE_SZ3
    true;
#else
    false;
#endif

// mode and bound, and the other parameters a test sets; the rest keep the schema's defaults.
std::map<std::string, ParamValue> sz3_params(const std::string& mode, double bound,
                                             std::map<std::string, ParamValue> more = {}) {
  more["mode"] = mode;
  more["bound"] = bound;
  return more;
}

std::vector<double> as_double(const std::vector<std::uint16_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("codec/sz3: an absolute bound holds on a smooth 3-D field, for float32 and float64" *
          doctest::skip(!kHaveSz3)) {
  const std::vector<std::size_t> shape{20, 24, 17};
  const std::vector<double> truth = smooth_field(shape);
  for (const char* type : {"float32", "float64"}) {
    double previous_bytes = 0;
    for (double bound : {1e-3, 1e-2, 1e-1}) {
      CAPTURE(type);
      CAPTURE(bound);
      Artifact out = run_codec("codec/sz3", volume_artifact(shape, truth),
                               sz3_params("abs", bound, {{"type", std::string(type)}}));
      check_codec_output(out, shape, 16);
      CHECK(max_abs_error(truth, out.array("volume")) <= bound * (1 + 1e-6));
      if (previous_bytes > 0) CHECK(out.scalar("bytes") < previous_bytes);  // looser, smaller
      previous_bytes = out.scalar("bytes");
      CHECK(out.string("library").rfind("SZ3 ", 0) == 0);
    }
  }
}

TEST_CASE("codec/sz3: an absolute bound holds on a sparse TPC-like volume of uint16 ADC counts" *
          doctest::skip(!kHaveSz3)) {
  const std::vector<std::size_t> shape{24, 30, 16};
  const std::vector<std::uint16_t> adc = sparse_tpc_field(shape, 6, 7);
  const std::vector<double> truth = as_double(adc);
  for (double bound : {0.5, 4.0, 32.0}) {
    CAPTURE(bound);
    Artifact out = run_codec("codec/sz3", volume_artifact(shape, adc), sz3_params("abs", bound));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(truth, out.array("volume")) <= bound);
    CHECK(out.scalar("ratio") > 4);  // mostly zeros
  }
}

TEST_CASE("codec/sz3: rel, psnr and l2norm bounds" * doctest::skip(!kHaveSz3)) {
  const std::vector<std::size_t> shape{20, 24, 17};
  const std::vector<double> truth = smooth_field(shape);
  double lo = truth[0], hi = truth[0];
  for (double v : truth) lo = std::min(lo, v), hi = std::max(hi, v);
  const double range = hi - lo;

  Artifact rel = run_codec("codec/sz3", volume_artifact(shape, truth), sz3_params("rel", 1e-3));
  CHECK(max_abs_error(truth, rel.array("volume")) <= 1e-3 * range * (1 + 1e-6));

  Artifact psnr = run_codec("codec/sz3", volume_artifact(shape, truth), sz3_params("psnr", 60));
  const double achieved = 20 * std::log10(range) - 10 * std::log10(mse(truth, psnr.array("volume")));
  CHECK(achieved >= 60 - 0.5);

  Artifact l2 = run_codec("codec/sz3", volume_artifact(shape, truth), sz3_params("l2norm", 0.5));
  const double l2_error = std::sqrt(mse(truth, l2.array("volume")) * static_cast<double>(truth.size()));
  CHECK(l2_error <= 0.5);
}

TEST_CASE("codec/sz3: the stream is SZ3's format and a length-1 axis is fine" * doctest::skip(!kHaveSz3)) {
  const std::vector<std::size_t> shape{1, 30, 40};
  std::vector<double> values(elements(shape));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::sin(0.01 * i) * 100;
  Artifact out = run_codec("codec/sz3", volume_artifact(shape, values), sz3_params("abs", 0.01));
  check_codec_output(out, shape, 16);
  CHECK(max_abs_error(values, out.array("volume")) <= 0.01 * (1 + 1e-6));
  std::uint32_t magic = 0;
  std::memcpy(&magic, out.array("stream").bytes().data(), 4);
  CHECK(magic == 0xF342F310u);  // SZ3_MAGIC_NUMBER (SZ3/version.hpp; only sz3.cpp sees SZ3's headers)
}

TEST_CASE("codec/sz3 errors" * doctest::skip(!kHaveSz3)) {
  auto message = [](const Artifact& data, std::map<std::string, ParamValue> p) -> std::string {
    try {
      run_codec("codec/sz3", data, std::move(p));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  };
  std::vector<double> values(64, 1.0);
  values[5] = std::numeric_limits<double>::quiet_NaN();
  CHECK(message(volume_artifact<double>({4, 4, 4}, values), sz3_params("abs", 1)).find("element 5") !=
        std::string::npos);
  CHECK(message(volume_artifact<float>({1, 1, 1, 1, 2}, {1, 2}), sz3_params("abs", 1)).find("rank 5") !=
        std::string::npos);
}

TEST_CASE("codec/sz3: the schema refuses a bound that is not finite and > 0") {
  CHECK_THROWS_WITH_AS(default_params("codec/sz3", sz3_params("abs", 0)),
                       "codec/sz3: parameter 'bound' must be in (0, inf), got 0", ParamError);
  CHECK_THROWS_AS(default_params("codec/sz3", sz3_params("psnr", -60)), ParamError);
  CHECK_THROWS_AS(default_params("codec/sz3", sz3_params("abs", std::numeric_limits<double>::infinity())), ParamError);
  CHECK_THROWS_AS(default_params("codec/sz3", sz3_params("lossless", 1)), ParamError);
}

TEST_CASE("codec/sz3 without SZ3: registered, and running it says how to enable it" * doctest::skip(kHaveSz3)) {
  const ComponentInfo* c = Registry::instance().find("codec/sz3");
  REQUIRE(c != nullptr);
  CHECK_FALSE(c->available());
  try {
    c->make();
    FAIL("make() must throw");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("-DCMAKE_PREFIX_PATH=") != std::string::npos);
  }
}
