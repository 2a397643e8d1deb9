#include <doctest/doctest.h>
#include <zfp.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "components/datasets/volume.hpp"
#include "framework/core/params.hpp"
#include "tests/unit/codecs/volume_fixtures.hpp"

using namespace reprise;
using namespace reprise::test;

namespace {

// Mode `mode` with the other parameters a test sets; the rest keep the schema's defaults.
std::map<std::string, ParamValue> zfp_params(const std::string& mode, std::map<std::string, ParamValue> more = {}) {
  more["mode"] = mode;
  return more;
}

// zfp's fixed-rate stream size, from its block arithmetic: a d-D field is cut
// into Π ceil(n_i / 4) blocks (partial blocks are padded), each coded in exactly
// round(rate * 4^d) bits, after the full header: 32 bits of magic, 52 of field
// metadata and 12 of mode (the short form, used while a block has <= 2048 bits).
// zfp_compress flushes the stream to whole words of stream_word_bits (the
// granularity libzfp was built with: 64 by default, 32 in Debian's build).
double fixed_rate_bytes(const std::vector<std::size_t>& shape, double rate) {
  std::size_t blocks = 1, block_values = 1;
  for (std::size_t n : shape) {
    blocks *= (n + 3) / 4;
    block_values *= 4;
  }
  const std::size_t block_bits = static_cast<std::size_t>(std::floor(rate * block_values + 0.5));
  REQUIRE(block_bits <= 2048);
  const std::size_t bits = ZFP_MAGIC_BITS + ZFP_META_BITS + ZFP_MODE_SHORT_BITS + blocks * block_bits;
  const std::size_t word = stream_word_bits;
  return static_cast<double>((bits + word - 1) / word * word / 8);
}

std::vector<double> as_double(const std::vector<std::uint16_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("codec/zfp is registered with its schema") {
  const ComponentInfo* c = Registry::instance().find("codec/zfp");
  REQUIRE(c != nullptr);
  CHECK(c->available());
  CHECK(c->kind() == "codec");
  REQUIRE(c->find_param("mode") != nullptr);
  CHECK(c->find_param("mode")->choices == std::vector<std::string>{"rate", "precision", "accuracy", "reversible"});
  CHECK(std::get<std::string>(*c->find_param("mode")->default_value) == "accuracy");
  CHECK(std::get<double>(*c->find_param("rate")->default_value) == 8);
  CHECK(std::get<std::int64_t>(*c->find_param("precision")->default_value) == 16);
  CHECK(std::get<double>(*c->find_param("tolerance")->default_value) == 1);
  CHECK(c->find_param("type")->choices == std::vector<std::string>{"float32", "float64"});
  CHECK(std::get<std::int64_t>(*c->find_param("original_bits")->default_value) == 16);
  REQUIRE(c->find_input("data") != nullptr);
}

TEST_CASE("fixed accuracy keeps every error within the tolerance on a smooth 3-D field") {
  const std::vector<std::size_t> shape{20, 24, 17};
  const std::vector<double> truth = smooth_field(shape);
  for (const char* type : {"float32", "float64"}) {
    for (double tolerance : {1e-1, 1e-2, 1e-3}) {
      CAPTURE(type);
      CAPTURE(tolerance);
      Artifact out = run_codec("codec/zfp", volume_artifact(shape, truth),
          zfp_params("accuracy", {{"tolerance", tolerance}, {"type", std::string(type)}}));
      check_codec_output(out, shape, 16);
      CHECK(max_abs_error(truth, out.array("volume")) <= tolerance);
      CHECK(out.scalar("ratio") > 1);  // 16-bit original, smooth data
      CHECK(out.string("library").rfind("zfp ", 0) == 0);
    }
  }
}

TEST_CASE("fixed accuracy on a sparse TPC-like volume of uint16 ADC counts") {
  const std::vector<std::size_t> shape{24, 30, 16};
  const std::vector<std::uint16_t> adc = sparse_tpc_field(shape, 6, 7);
  const std::vector<double> truth = as_double(adc);
  std::size_t nonzero = 0;
  for (auto a : adc) nonzero += a != 0;
  REQUIRE(nonzero > 50);                  // some hits...
  REQUIRE(nonzero < adc.size() / 5);      // ...in a mostly empty volume
  double previous_bytes = std::numeric_limits<double>::infinity();
  for (double tolerance : {0.5, 4.0, 32.0}) {
    CAPTURE(tolerance);
    Artifact out = run_codec("codec/zfp", volume_artifact(shape, adc),
        zfp_params("accuracy", {{"tolerance", tolerance}}));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(truth, out.array("volume")) <= tolerance);
    CHECK(out.scalar("bytes") < previous_bytes);  // a looser bound compresses more
    previous_bytes = out.scalar("bytes");
  }
}

TEST_CASE("fixed rate: the stream size follows zfp's block arithmetic exactly") {
  struct Case {
    std::vector<std::size_t> shape;
    double rate;
  };
  for (const Case& k : {Case{{20, 24, 17}, 4}, Case{{20, 24, 17}, 8}, Case{{20, 24, 17}, 2}, Case{{16, 16, 16}, 1},
                        Case{{100}, 8}, Case{{37}, 12}, Case{{9, 30}, 6}, Case{{5, 6, 7, 9}, 4}, Case{{8, 8, 8, 8}, 0.5}}) {
    CAPTURE(shape_text(k.shape));
    CAPTURE(k.rate);
    std::vector<double> values(elements(k.shape));
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal;
    for (double& v : values) v = normal(rng);
    Artifact out = run_codec("codec/zfp", volume_artifact(k.shape, values), zfp_params("rate", {{"rate", k.rate}}));
    check_codec_output(out, k.shape, 16);
    CHECK(out.scalar("bytes") == fixed_rate_bytes(k.shape, k.rate));
    // Without padding or header it would be rate * elements / 8; with them it is
    // never less, and exactly that plus header and word when nothing is padded.
    const double n = static_cast<double>(elements(k.shape));
    CHECK(out.scalar("bytes") >= k.rate * n / 8);
  }
  // A 16^3 volume has no partial blocks: rate * n / 8 plus the 96-bit header
  // (12 bytes, a whole number of 32-bit words; 16 bytes with 64-bit words).
  const std::vector<std::size_t> cube{16, 16, 16};
  CHECK(fixed_rate_bytes(cube, 4) == 4.0 * 4096 / 8 + (stream_word_bits == 64 ? 16 : 12));
}

TEST_CASE("fixed rate: ratio and bits per value follow original_bits") {
  const std::vector<std::size_t> shape{16, 16, 16};
  const std::vector<std::uint16_t> adc = sparse_tpc_field(shape, 4, 11);
  for (std::int64_t original_bits : {16, 10, 32}) {
    CAPTURE(original_bits);
    Artifact out = run_codec("codec/zfp", volume_artifact(shape, adc),
        zfp_params("rate", {{"rate", 4.0}, {"original_bits", original_bits}}));
    check_codec_output(out, shape, static_cast<double>(original_bits));
    const double bytes = fixed_rate_bytes(shape, 4);
    CHECK(out.scalar("bytes") == bytes);
    CHECK(out.scalar("original_bytes") == 4096.0 * original_bits / 8);
    CHECK(out.scalar("ratio") == doctest::Approx(4096.0 * original_bits / 8 / bytes));
    CHECK(out.scalar("bits_per_value") == doctest::Approx(8 * bytes / 4096));
  }
}

TEST_CASE("reversible mode is lossless") {
  const std::vector<std::size_t> shape{12, 18, 16};
  SUBCASE("uint16 ADC counts") {
    const std::vector<std::uint16_t> adc = sparse_tpc_field(shape, 5, 5);
    Artifact out = run_codec("codec/zfp", volume_artifact(shape, adc), zfp_params("reversible"));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(as_double(adc), out.array("volume")) == 0);
    CHECK(out.scalar("ratio") > 2);  // mostly zeros
  }
  SUBCASE("float32 noise, compressed as float32 and as float64") {
    std::vector<float> noise(elements(shape));
    std::mt19937_64 rng(9);
    std::normal_distribution<float> normal;
    for (float& v : noise) v = normal(rng);
    for (const char* type : {"float32", "float64"}) {
      Artifact out = run_codec("codec/zfp", volume_artifact(shape, noise),
          zfp_params("reversible", {{"type", std::string(type)}}));
      check_codec_output(out, shape, 16);
      const auto decoded = out.array("volume").view<float>();
      CHECK(std::equal(decoded.begin(), decoded.end(), noise.begin()));
    }
  }
}

TEST_CASE("fixed precision: more bit planes, smaller error and a bigger stream") {
  const std::vector<std::size_t> shape{20, 24, 17};
  const std::vector<double> truth = smooth_field(shape);
  double previous_error = std::numeric_limits<double>::infinity(), previous_bytes = 0;
  for (std::int64_t precision : {6, 12, 20}) {
    CAPTURE(precision);
    Artifact out = run_codec("codec/zfp", volume_artifact(shape, truth),
        zfp_params("precision", {{"precision", precision}}));
    const double error = max_abs_error(truth, out.array("volume"));
    CHECK(error < previous_error);
    CHECK(out.scalar("bytes") > previous_bytes);
    previous_error = error;
    previous_bytes = out.scalar("bytes");
  }
}

TEST_CASE("shape order: zfp's x is the volume's last axis, and the stream decodes to the output volume") {
  // Different sizes on every axis, a value that names its position.
  const std::vector<std::size_t> shape{3, 5, 7};
  std::vector<double> values(elements(shape));
  for (std::size_t a = 0, i = 0; a < 3; ++a)
    for (std::size_t b = 0; b < 5; ++b)
      for (std::size_t c = 0; c < 7; ++c) values[i++] = 100.0 * a + 10.0 * b + c;
  Artifact out = run_codec("codec/zfp", volume_artifact(shape, values), zfp_params("accuracy", {{"tolerance", 0.01}}));
  CHECK(max_abs_error(values, out.array("volume")) <= 0.01);
  const auto decoded = out.array("volume").view<float>();
  CHECK(decoded[1 * 35 + 2 * 7 + 3] == doctest::Approx(123).epsilon(1e-4));
  CHECK(decoded[2 * 35 + 4 * 7 + 6] == doctest::Approx(246).epsilon(1e-4));

  // Read the stored stream with libzfp itself: the header's field is nx = 7,
  // ny = 5, nz = 3, and decoding it gives the output volume bit for bit.
  const auto stream = out.array("stream").bytes();
  std::vector<std::byte> copy(stream.begin(), stream.end());
  bitstream* bits = stream_open(copy.data(), copy.size());
  zfp_stream* zfp = zfp_stream_open(bits);
  zfp_field* field = zfp_field_alloc();
  REQUIRE(zfp_read_header(zfp, field, ZFP_HEADER_FULL) != 0);
  CHECK(zfp_field_dimensionality(field) == 3);
  CHECK(field->nx == 7);
  CHECK(field->ny == 5);
  CHECK(field->nz == 3);
  CHECK(zfp_field_type(field) == zfp_type_float);
  std::vector<float> again(values.size());
  zfp_field_set_pointer(field, again.data());
  CHECK(zfp_decompress(zfp, field) != 0);
  CHECK(std::equal(again.begin(), again.end(), decoded.begin()));
  zfp_field_free(field);
  zfp_stream_close(zfp);
  stream_close(bits);
}

TEST_CASE("ranks 1, 2 and 4 round-trip within the tolerance") {
  for (const std::vector<std::size_t>& shape : {std::vector<std::size_t>{50}, std::vector<std::size_t>{9, 13},
                                                std::vector<std::size_t>{3, 5, 6, 7}}) {
    CAPTURE(shape_text(shape));
    std::vector<double> values(elements(shape));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::sin(0.1 * i) * 50;
    Artifact out = run_codec("codec/zfp", volume_artifact(shape, values),
        zfp_params("accuracy", {{"tolerance", 0.05}}));
    check_codec_output(out, shape, 16);
    CHECK(max_abs_error(values, out.array("volume")) <= 0.05);
  }
}

TEST_CASE("the grid frame of a subsampled volume is copied through") {
  const std::vector<std::size_t> shape{8, 8, 4};
  Artifact data = volume_artifact(shape, smooth_field(shape));
  volume::GridFrame frame{shape, {2, 2, 4}, {16, 16, 16}};
  volume::set_frame(data, frame);
  Artifact out = run_codec("codec/zfp", data, zfp_params("accuracy"));
  volume::GridFrame copied = volume::frame_of(out, "out");
  CHECK(copied.step == frame.step);
  CHECK(copied.extent == frame.extent);
  // Without a frame in, none out.
  Artifact plain = run_codec("codec/zfp", volume_artifact(shape, smooth_field(shape)), zfp_params("accuracy"));
  CHECK_FALSE(plain.has_array("axis_step"));
  CHECK_FALSE(plain.has_array("axis_extent"));
}

TEST_CASE("codec/zfp errors name what is wrong") {
  const std::vector<std::size_t> shape{4, 4, 4};
  auto message = [](const Artifact& data, std::map<std::string, ParamValue> p) -> std::string {
    try {
      run_codec("codec/zfp", data, std::move(p));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(message(Artifact(), zfp_params("accuracy")).find("has no array 'volume'") != std::string::npos);
  CHECK(message(volume_artifact<float>({0}, {}), zfp_params("accuracy")).find("empty volume") != std::string::npos);
  CHECK(message(volume_artifact<float>({1, 1, 1, 1, 2}, {1, 2}), zfp_params("accuracy")).find("rank 5") !=
        std::string::npos);
  std::vector<double> values(64, 1.0);
  values[17] = std::numeric_limits<double>::quiet_NaN();
  CHECK(message(volume_artifact(shape, values), zfp_params("accuracy")).find("element 17") != std::string::npos);
  values[17] = std::numeric_limits<double>::infinity();
  CHECK(message(volume_artifact(shape, values), zfp_params("accuracy")).find("finite values only") !=
        std::string::npos);
}

TEST_CASE("codec/zfp: the schema refuses a rate or tolerance of 0, and a precision or type zfp lacks") {
  CHECK_THROWS_WITH_AS(default_params("codec/zfp", zfp_params("rate", {{"rate", 0.0}})),
                       "codec/zfp: parameter 'rate' must be in (0, 64], got 0", ParamError);
  CHECK_THROWS_AS(default_params("codec/zfp", zfp_params("rate", {{"rate", 64.5}})), ParamError);
  CHECK_THROWS_WITH_AS(default_params("codec/zfp", zfp_params("accuracy", {{"tolerance", 0.0}})),
                       "codec/zfp: parameter 'tolerance' must be > 0, got 0", ParamError);
  CHECK_THROWS_AS(default_params("codec/zfp", zfp_params("precision", {{"precision", std::int64_t{0}}})), ParamError);
  CHECK_THROWS_AS(default_params("codec/zfp", zfp_params("precision", {{"precision", std::int64_t{65}}})), ParamError);
  CHECK_THROWS_AS(default_params("codec/zfp", {{"type", std::string("int32")}}), ParamError);
  // A rate of 0 bits or a tolerance of 0 means nothing in any mode, so it is refused whatever the mode.
  CHECK_THROWS_AS(default_params("codec/zfp", zfp_params("accuracy", {{"rate", 0.0}})), ParamError);
  CHECK_NOTHROW(default_params("codec/zfp", zfp_params("rate", {{"rate", 64.0}})));
}
