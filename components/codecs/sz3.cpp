// codec/sz3: the SZ baseline of the INR-compression paper (seed 001, section
// 3.2), through SZ3 (https://github.com/szcompressor/SZ3), an optional library.
//
// SZ3 predicts each value from already-decoded neighbours (by default its
// interpolation + Lorenzo predictor with auto-tuning), quantises the prediction
// error to the requested bound and entropy-codes the result (Huffman + zstd).
// The bound is absolute (abs), relative to the value range max - min (rel), a
// target PSNR in dB (psnr) or a bound on the L2 norm of the whole error vector
// (l2norm). The volume (any numeric dtype) is converted to `type` first; SZ3
// takes the row-major shape as is (last axis fastest) and drops length-1 axes.
// Runs serially (SZ3's OpenMP path is not compiled in). Output follows
// components/codecs/volume_codec.hpp.
//
// Compiled in only when CMake finds SZ3 (REPRISE_HAVE_SZ3); otherwise the
// component is registered as unavailable and `reprise describe codec/sz3` says
// how to enable it.
#include <limits>

#include "components/codecs/volume_codec.hpp"
#include "framework/core/registry.hpp"

#ifdef REPRISE_HAVE_SZ3
#include <SZ3/api/sz.hpp>

#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>
#endif

namespace reprise {

// One schema for both builds, so `reprise describe` shows it either way.
#define REPRISE_SZ3_SCHEMA                                                                                         \
  param_string("mode", "abs",                                                                                      \
               "error bound: abs (absolute), rel (fraction of the value range max - min), psnr (target PSNR, "     \
               "dB), l2norm (L2 norm of the error vector)")                                                        \
      .one_of({"abs", "rel", "psnr", "l2norm"}),                                                                   \
      param_double("bound", 1, "the bound, in the unit `mode` says")                                               \
          .greater_than(0)                                                                                         \
          .less_than(std::numeric_limits<double>::infinity()),                                                     \
      param_string("type", "float32", "type SZ3 compresses (the volume, e.g. uint16 ADC, is converted to it)")     \
          .one_of({"float32", "float64"}),                                                                         \
      param_int("original_bits", 16, "bits per value of the original, for the ratio (10-bit ADC stored as 16)")   \
          .range(1, 64),                                                                                           \
      input("data", "artifact with array 'volume' (rank 1-4, any numeric dtype, finite)"),                         \
      output("volume", "float32, the input's shape: the decompressed values (frame copied through)"),              \
      output("stream", "int8 {bytes}: the SZ3 stream (header, payload and configuration)"),                         \
      output("bytes", "scalar: stream size"), output("original_bytes", "scalar: elements * original_bits / 8"),    \
      output("ratio", "scalar: original_bytes / bytes"), output("bits_per_value", "scalar: 8 * bytes / elements"), \
      output("library", "string: SZ3 and its version"),                                                            \
      output("compress_seconds, decompress_seconds",                                                               \
             "scalars: wall time of SZ_compress and SZ_decompress, measured in the node; vary run to run, not "    \
             "part of the identity")

#define REPRISE_SZ3_DOC "SZ3 error-bounded prediction codec of 1-4 D volumes (optional library)"

#ifdef REPRISE_HAVE_SZ3

namespace {

// The schema's mode choices, in order, as SZ3's error bound modes.
SZ3::EB error_bound_mode(const std::string& mode) {
  if (mode == "abs") return SZ3::EB_ABS;
  if (mode == "rel") return SZ3::EB_REL;
  if (mode == "psnr") return SZ3::EB_PSNR;
  return SZ3::EB_L2NORM;
}

template <class T>
volume_codec::Result round_trip(const volume_codec::Volume& v, const std::string& mode, double bound, Context& ctx) {
  std::vector<T> values(v.values.begin(), v.values.end());
  SZ3::Config conf;
  conf.setDims(v.shape.begin(), v.shape.end());
  conf.errorBoundMode = error_bound_mode(mode);
  switch (conf.errorBoundMode) {
    case SZ3::EB_ABS: conf.absErrorBound = bound; break;
    case SZ3::EB_REL: conf.relErrorBound = bound; break;
    case SZ3::EB_PSNR: conf.psnrErrorBound = bound; break;
    default: conf.l2normErrorBound = bound; break;
  }
  conf.openmp = false;

  volume_codec::Result r;
  std::vector<char> buffer(SZ3::SZ_compress_size_bound<T>(conf));
  std::size_t size = 0;
  try {
    r.compress_seconds = volume_codec::seconds([&] { size = SZ_compress<T>(conf, values.data(), buffer.data(), buffer.size()); });
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("SZ3 could not compress: ") + e.what());
  }
  ctx.progress(1, 2);
  ctx.check_cancelled();

  std::vector<T> decoded(values.size());
  try {
    r.decompress_seconds = volume_codec::seconds([&] {
      SZ3::Config read;  // filled from the stream
      T* out = decoded.data();
      SZ_decompress<T>(read, buffer.data(), size, out);
      if (read.num != decoded.size())
        throw std::runtime_error("the stream holds " + std::to_string(read.num) + " values, not " +
                                 std::to_string(decoded.size()));
    });
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("SZ3 could not decompress its own stream: ") + e.what());
  }
  ctx.progress(2, 2);
  r.stream.resize(size);
  std::memcpy(r.stream.data(), buffer.data(), size);
  r.decoded.assign(decoded.begin(), decoded.end());
  return r;
}

class Sz3Codec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    const std::string& mode = p.get_string("mode");
    const double bound = p.get_double("bound");
    const Artifact& data = in.get("data");
    const volume_codec::Volume v = volume_codec::read(data, "data", 4);
    volume_codec::Result r = p.get_string("type") == "float32" ? round_trip<float>(v, mode, bound, ctx)
                                                                : round_trip<double>(v, mode, bound, ctx);
    Artifact out = volume_codec::output(data, "data", v, std::move(r), static_cast<double>(p.get_int("original_bits")));
    out.set_string("library", std::string("SZ3 ") + SZ3_VER);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(Sz3Codec, "codec/sz3", "1", REPRISE_SZ3_DOC, REPRISE_SZ3_SCHEMA)

#else

REPRISE_UNAVAILABLE_COMPONENT(Sz3Codec, "codec/sz3", "1", REPRISE_SZ3_DOC,
                              "built without SZ3: build and install SZ3 (see README, Optional codecs), then "
                              "reconfigure with -DCMAKE_PREFIX_PATH=<its install prefix>",
                              REPRISE_SZ3_SCHEMA)

#endif

}  // namespace reprise
