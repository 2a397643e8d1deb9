// codec/mgard through the registry. Without MGARD in the build the round-trip
// tests are reported as skipped (not passed), and the unavailable registration
// is checked instead.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/codecs/volume_fixtures.hpp"

using namespace reprise;
using namespace reprise::test;

namespace {

constexpr bool kHaveMgard =
#ifdef REPRISE_HAVE_MGARD
    true;
#else
    false;
#endif

// tolerance and s, and the other parameters a test sets; the rest keep the schema's defaults.
std::map<std::string, ParamValue> mgard_params(double tolerance, double s,
                                               std::map<std::string, ParamValue> more = {}) {
  more["tolerance"] = tolerance;
  more["s"] = s;
  return more;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> as_double(const std::vector<std::uint16_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("codec/mgard with s = inf bounds the largest error by the tolerance" * doctest::skip(!kHaveMgard)) {
  const std::vector<std::size_t> shape{20, 24, 17};
  const std::vector<double> truth = smooth_field(shape);
  for (const char* type : {"float32", "float64"}) {
    for (double tolerance : {1e-1, 1e-2, 1e-3}) {
      CAPTURE(type);
      CAPTURE(tolerance);
      Artifact out = run_codec("codec/mgard", volume_artifact(shape, truth),
                               mgard_params(tolerance, kInf, {{"type", std::string(type)}}));
      check_codec_output(out, shape, 16);
      CHECK(max_abs_error(truth, out.array("volume")) <= tolerance * (1 + 1e-5));
      CHECK(out.scalar("tolerance_used") == doctest::Approx(tolerance));
      CHECK(out.string("library").rfind("MGARD ", 0) == 0);
    }
  }
}

TEST_CASE("codec/mgard on a sparse TPC-like volume of uint16 ADC counts" * doctest::skip(!kHaveMgard)) {
  const std::vector<std::size_t> shape{24, 30, 16};
  const std::vector<std::uint16_t> adc = sparse_tpc_field(shape, 6, 7);
  const std::vector<double> truth = as_double(adc);
  double previous_bytes = std::numeric_limits<double>::infinity();
  for (double tolerance : {0.5, 4.0, 32.0}) {
    CAPTURE(tolerance);
    Artifact out = run_codec("codec/mgard", volume_artifact(shape, adc), mgard_params(tolerance, kInf));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(truth, out.array("volume")) <= tolerance * (1 + 1e-5));
    CHECK(out.scalar("bytes") < previous_bytes);
    previous_bytes = out.scalar("bytes");
  }
}

TEST_CASE("codec/mgard with s = 0 bounds the L2 error; rel scales by the data's norm" * doctest::skip(!kHaveMgard)) {
  const std::vector<std::size_t> shape{17, 17, 17};
  const std::vector<double> truth = smooth_field(shape);
  // MGARD's L2 norm is that of the piecewise-linear interpolant on [0, 1]^3;
  // on a uniform grid it is within a small factor of the RMSE.
  Artifact l2 = run_codec("codec/mgard", volume_artifact(shape, truth), mgard_params(1e-2, 0));
  CHECK(std::sqrt(mse(truth, l2.array("volume"))) <= 2 * 1e-2);

  double max_abs = 0;
  for (double v : truth) max_abs = std::max(max_abs, std::abs(v));
  Artifact rel =
      run_codec("codec/mgard", volume_artifact(shape, truth), mgard_params(1e-3, kInf, {{"mode", std::string("rel")}}));
  CHECK(rel.scalar("tolerance_used") == doctest::Approx(1e-3 * max_abs).epsilon(1e-5));  // L-inf norm = max |x|
  CHECK(max_abs_error(truth, rel.array("volume")) <= rel.scalar("tolerance_used") * (1 + 1e-5));
}

TEST_CASE("codec/mgard: ranks 1, 2 and 4, and a length-1 axis" * doctest::skip(!kHaveMgard)) {
  for (const std::vector<std::size_t>& shape :
       {std::vector<std::size_t>{50}, std::vector<std::size_t>{9, 13}, std::vector<std::size_t>{3, 5, 6, 7},
        std::vector<std::size_t>{1, 30, 40}}) {
    CAPTURE(shape_text(shape));
    std::vector<double> values(elements(shape));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::sin(0.1 * i) * 50;
    Artifact out = run_codec("codec/mgard", volume_artifact(shape, values), mgard_params(0.05, kInf));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(values, out.array("volume")) <= 0.05 * (1 + 1e-5));
  }
}

TEST_CASE("codec/mgard errors" * doctest::skip(!kHaveMgard)) {
  auto message = [](const Artifact& data, std::map<std::string, ParamValue> p) -> std::string {
    try {
      run_codec("codec/mgard", data, std::move(p));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(message(volume_artifact<float>({1}, {3}), mgard_params(1, 0)).find("more than one element") !=
        std::string::npos);
  CHECK(message(volume_artifact<float>({4}, {0, 0, 0, 0}), mgard_params(0.1, kInf, {{"mode", std::string("rel")}}))
            .find("norm is 0") != std::string::npos);
}

TEST_CASE("codec/mgard: the schema refuses a tolerance that is not finite and > 0, and a negative s") {
  CHECK_THROWS_WITH_AS(default_params("codec/mgard", mgard_params(0, 0)),
                       "codec/mgard: parameter 'tolerance' must be in (0, inf), got 0", ParamError);
  CHECK_THROWS_AS(default_params("codec/mgard", mgard_params(kInf, 0)), ParamError);
  CHECK_THROWS_AS(default_params("codec/mgard", mgard_params(1, -1)), ParamError);
  CHECK_NOTHROW(default_params("codec/mgard", mgard_params(1e-6, kInf)));  // s = inf: the max-error norm
}

TEST_CASE("codec/mgard without MGARD: registered, and running it says how to enable it" * doctest::skip(kHaveMgard)) {
  const ComponentInfo* c = Registry::instance().find("codec/mgard");
  REQUIRE(c != nullptr);
  CHECK_FALSE(c->available());
  try {
    c->make();
    FAIL("make() must throw");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("-DCMAKE_PREFIX_PATH=") != std::string::npos);
  }
}
