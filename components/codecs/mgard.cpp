// codec/mgard: the MGARD baseline of the INR-compression paper (seed 001,
// section 3.2), through MGARD's classic CPU API (mgard/compress.hpp,
// https://github.com/CODARcode/MGARD), an optional library.
//
// MGARD decomposes the volume into multilevel coefficients on a hierarchy of
// nested tensor grids (the volume's nodes placed uniformly on [0, 1] per axis),
// quantises them so the error stays within `tolerance` in the norm `s` selects,
// and codes them losslessly. s = 0 bounds the L2 norm of the error (the mesh
// L2 norm on the unit cube, close to the RMSE), s = inf the largest absolute
// error; other s the "s norm" of the MGARD papers. mode rel scales the
// tolerance by the data's own norm in that same norm (as MGARD-X's REL does).
// The stream is MGARD's self-describing format (CompressedDataset::write), and
// decompression reads it back through mgard::decompress(data, size). Serial.
// Output follows components/codecs/volume_codec.hpp.
//
// Compiled in only when CMake finds MGARD (REPRISE_HAVE_MGARD); otherwise the
// component is registered as unavailable and `reprise describe codec/mgard`
// says how to enable it.
#include <limits>

#include "components/codecs/volume_codec.hpp"
#include "framework/core/registry.hpp"

#ifdef REPRISE_HAVE_MGARD
#include <mgard/MGARDConfig.hpp>
#include <mgard/TensorNorms.hpp>
#include <mgard/compress.hpp>
#include <mgard/shuffle.hpp>

#include <array>
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
      .greater_than(0)                                                                                             \
      .less_than(std::numeric_limits<double>::infinity()),                                                         \
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

// A relative tolerance that comes out 0: the caller's error, not MGARD's, so run()
// passes it on as it is instead of reporting an MGARD failure.
struct ZeroTolerance : std::runtime_error {
  ZeroTolerance() : std::runtime_error("mode rel on a volume whose norm is 0 gives a zero tolerance") {}
};

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
    if (!(tolerance > 0)) throw ZeroTolerance();
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
    default: throw std::logic_error("rank checked before");
  }
}

class MgardCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact MgardCodec::run(const Inputs& in, const Params& p, Context& ctx) {
  const double tolerance = p.get_double("tolerance");
  const double s = p.get_double("s");
  const bool relative = p.get_string("mode") == "rel";
  const bool as_float = p.get_string("type") == "float32";

  const Artifact& data = in.get("data");
  const volume_codec::Volume v = volume_codec::read(data, "data", 4);
  if (v.values.size() < 2) throw std::runtime_error("MGARD needs a volume of more than one element");
  double tolerance_used = 0;
  volume_codec::Result r;
  try {
    r = as_float ? dispatch<float>(v, s, tolerance, relative, tolerance_used, ctx)
                 : dispatch<double>(v, s, tolerance, relative, tolerance_used, ctx);
  } catch (const Cancelled&) {
    throw;
  } catch (const ZeroTolerance&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("MGARD failed: ") + e.what());
  }
  Artifact out = volume_codec::output(data, "data", v, std::move(r), static_cast<double>(p.get_int("original_bits")));
  out.set_scalar("tolerance_used", tolerance_used);
  out.set_string("library", std::string("MGARD ") + MGARD_VERSION_STR);
  return out;
}

}  // namespace

REPRISE_COMPONENT(MgardCodec, "codec/mgard", "1", REPRISE_MGARD_DOC, REPRISE_MGARD_SCHEMA)

#else

REPRISE_UNAVAILABLE_COMPONENT(MgardCodec, "codec/mgard", "1", REPRISE_MGARD_DOC,
                              "built without MGARD: build and install MGARD's CPU library (see README, Optional "
                              "codecs), then reconfigure with -DCMAKE_PREFIX_PATH=<its install prefix>",
                              REPRISE_MGARD_SCHEMA)

#endif

}  // namespace reprise
