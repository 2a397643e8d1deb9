#include "components/codecs/mgard.hpp"

#include "components/codecs/volume_codec.hpp"

#ifdef REPRISE_HAVE_MGARD
#include <mgard/MGARDConfig.hpp>
#include <mgard/TensorNorms.hpp>
#include <mgard/compress.hpp>
#include <mgard/shuffle.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>
#endif

namespace reprise {

// One schema for both builds, so `reprise describe` shows it either way.
#define REPRISE_MGARD_SCHEMA                                                                                       \
  param_double("tolerance", 1, "error bound, in the norm `s` selects (absolute, or relative with mode rel)")       \
      .at_least(0),                                                                                                \
      param_double("s", 0, "smoothness of the error norm: 0 = L2 (mesh norm on the unit cube), inf = max abs "    \
                           "error, other values MGARD's s norm")                                                   \
          .at_least(0),                                                                                            \
      param_string("mode", "abs", "abs: tolerance as given; rel: tolerance times the data's own norm in norm s")   \
          .one_of({"abs", "rel"}),                                                                                 \
      param_string("type", "float32", "type MGARD compresses (the volume, e.g. uint16 ADC, is converted to it)")   \
          .one_of({"float32", "float64"}),                                                                         \
      param_int("original_bits", 16, "bits per value of the original, for the ratio (10-bit ADC stored as 16)")   \
          .range(1, 64),                                                                                           \
      input("data", "artifact with array 'volume' (rank 1-4, any numeric dtype, finite, more than one element)"),  \
      output("volume", "float32, the input's shape: the decompressed values (frame copied through)"),              \
      output("stream", "int8 {bytes}: MGARD's self-describing stream"), output("bytes", "scalar: stream size"),    \
      output("original_bytes", "scalar: elements * original_bits / 8"),                                            \
      output("ratio", "scalar: original_bytes / bytes"), output("bits_per_value", "scalar: 8 * bytes / elements"), \
      output("tolerance_used", "scalar: the absolute tolerance MGARD was given (differs from tolerance with rel)"), \
      output("library", "string: MGARD and its version"),                                                          \
      output("compress_seconds, decompress_seconds",                                                               \
             "scalars: wall time of compress + serialise and of decompress, measured in the node; vary run to "    \
             "run, not part of the identity")

#define REPRISE_MGARD_DOC "MGARD multigrid error-bounded codec of 1-4 D volumes (optional library)"

#ifdef REPRISE_HAVE_MGARD

namespace {

constexpr const char* kName = "codec/mgard";

template <std::size_t N, class Real>
volume_codec::Result round_trip(const volume_codec::Volume& v, Real s, Real tolerance, bool relative,
                                double& tolerance_used, Context& ctx) {
  std::array<std::size_t, N> shape;
  for (std::size_t i = 0; i < N; ++i) shape[i] = v.shape[i];
  std::vector<Real> values(v.values.begin(), v.values.end());
  const mgard::TensorMeshHierarchy<N, Real> hierarchy(shape);
  if (relative) {  // MGARD's norm takes values in its shuffled (level) order
    std::vector<Real> shuffled(values.size());
    mgard::shuffle(hierarchy, values.data(), shuffled.data());
    tolerance *= mgard::norm(hierarchy, shuffled.data(), s);
    if (!(tolerance > 0))
      throw std::runtime_error("codec/mgard: mode rel on a volume whose norm is 0 gives a zero tolerance");
  }
  tolerance_used = static_cast<double>(tolerance);

  volume_codec::Result r;
  std::string stream;
  r.compress_seconds = volume_codec::seconds([&] {
    const mgard::CompressedDataset<N, Real> compressed = mgard::compress(hierarchy, values.data(), s, tolerance);
    std::ostringstream out;
    compressed.write(out);
    stream = std::move(out).str();
  });
  ctx.progress(1, 2);
  ctx.check_cancelled();

  r.decompress_seconds = volume_codec::seconds([&] {
    const mgard::MemoryBuffer<const unsigned char> decoded = mgard::decompress(stream.data(), stream.size());
    if (decoded.size != values.size() * sizeof(Real))
      throw std::runtime_error("decompressed " + std::to_string(decoded.size) + " bytes, expected " +
                               std::to_string(values.size() * sizeof(Real)));
    std::vector<Real> typed(values.size());
    std::memcpy(typed.data(), decoded.data.get(), decoded.size);
    r.decoded.assign(typed.begin(), typed.end());
  });
  ctx.progress(2, 2);
  r.stream.resize(stream.size());
  std::memcpy(r.stream.data(), stream.data(), stream.size());
  return r;
}

template <class Real>
volume_codec::Result dispatch(const volume_codec::Volume& v, double s, double tolerance, bool relative,
                              double& tolerance_used, Context& ctx) {
  const Real rs = static_cast<Real>(s), rt = static_cast<Real>(tolerance);
  switch (v.shape.size()) {
    case 1: return round_trip<1, Real>(v, rs, rt, relative, tolerance_used, ctx);
    case 2: return round_trip<2, Real>(v, rs, rt, relative, tolerance_used, ctx);
    case 3: return round_trip<3, Real>(v, rs, rt, relative, tolerance_used, ctx);
    case 4: return round_trip<4, Real>(v, rs, rt, relative, tolerance_used, ctx);
    default: throw std::logic_error("codec/mgard: rank checked before");
  }
}

}  // namespace

Artifact MgardCodec::run(const Inputs& in, const Params& p, Context& ctx) {
  const double tolerance = p.get_double("tolerance");
  if (!(tolerance > 0) || !std::isfinite(tolerance))
    throw std::invalid_argument("tolerance must be finite and > 0, got " + std::to_string(tolerance));
  const double s = p.get_double("s");
  if (!(s >= 0)) throw std::invalid_argument("s must be >= 0 (or inf), got " + std::to_string(s));
  const std::string& mode = p.get_string("mode");
  if (mode != "abs" && mode != "rel") throw std::invalid_argument("mode must be 'abs' or 'rel', got '" + mode + "'");
  const std::string& type = p.get_string("type");
  if (type != "float32" && type != "float64")
    throw std::invalid_argument("type must be 'float32' or 'float64', got '" + type + "'");

  const Artifact& data = in.get("data");
  const volume_codec::Volume v = volume_codec::read(data, kName, "data", 4);
  if (v.values.size() < 2) throw std::runtime_error("codec/mgard: MGARD needs a volume of more than one element");
  double tolerance_used = 0;
  volume_codec::Result r;
  try {
    r = type == "float32" ? dispatch<float>(v, s, tolerance, mode == "rel", tolerance_used, ctx)
                          : dispatch<double>(v, s, tolerance, mode == "rel", tolerance_used, ctx);
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    if (what.rfind("codec/mgard", 0) == 0) throw;
    throw std::runtime_error("codec/mgard: MGARD failed: " + what);
  }
  Artifact out = volume_codec::output(data, kName, "data", v, std::move(r), static_cast<double>(p.get_int("original_bits")));
  out.set_scalar("tolerance_used", tolerance_used);
  out.set_string("library", std::string("MGARD ") + MGARD_VERSION_STR);
  return out;
}

REPRISE_COMPONENT(MgardCodec, "codec/mgard", "1", REPRISE_MGARD_DOC, REPRISE_MGARD_SCHEMA)

#else

REPRISE_UNAVAILABLE_COMPONENT(MgardCodec, "codec/mgard", "1", REPRISE_MGARD_DOC,
                              "built without MGARD: build and install MGARD's CPU library (see README, Optional "
                              "codecs), then reconfigure with -DCMAKE_PREFIX_PATH=<its install prefix>",
                              REPRISE_MGARD_SCHEMA)

#endif

}  // namespace reprise
