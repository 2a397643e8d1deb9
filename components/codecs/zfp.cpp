// codec/zfp: the ZFP baseline of the INR-compression paper (seed 001, section
// 3.2), through Debian's libzfp.
//
// ZFP cuts a 1-4 D array into blocks of 4^d values, decorrelates each block with
// a near-orthogonal transform and codes its bit planes. Modes: fixed rate (every
// block gets rate * 4^d bits, so the size is known in advance), fixed precision
// (bit planes per block), fixed accuracy (absolute error <= tolerance) and
// reversible (lossless). The input volume (any numeric dtype, e.g. uint16 ADC)
// is converted to `type` (float32 or float64) and compressed as one field whose
// x axis is the volume's last (fastest-varying) axis; the stream carries zfp's
// full header. Output follows components/codecs/volume_codec.hpp.
//
// Execution is serial: libzfp 1.0's OpenMP policy parallelises compression only
// (decompression stays serial) and reprise already runs independent nodes in
// parallel with -j, so the timings stay single-threaded and comparable with the
// other codecs.
#include <zfp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/codecs/volume_codec.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Owning handles for libzfp's C objects.
struct StreamDeleter {
  void operator()(zfp_stream* s) const { zfp_stream_close(s); }
};
struct FieldDeleter {
  void operator()(zfp_field* f) const { zfp_field_free(f); }
};
struct BitstreamDeleter {
  void operator()(bitstream* b) const { stream_close(b); }
};
using StreamPtr = std::unique_ptr<zfp_stream, StreamDeleter>;
using FieldPtr = std::unique_ptr<zfp_field, FieldDeleter>;
using BitstreamPtr = std::unique_ptr<bitstream, BitstreamDeleter>;

template <class T> constexpr zfp_type zfp_type_of();
template <> constexpr zfp_type zfp_type_of<float>() { return zfp_type_float; }
template <> constexpr zfp_type zfp_type_of<double>() { return zfp_type_double; }

// The row-major volume as a zfp field. zfp's x is its fastest-varying index, so
// a volume {n0, n1, n2} is the 3-D field nx = n2, ny = n1, nz = n0.
FieldPtr field_of(void* values, zfp_type type, const std::vector<std::size_t>& shape) {
  zfp_field* f = nullptr;
  switch (shape.size()) {
    case 1: f = zfp_field_1d(values, type, shape[0]); break;
    case 2: f = zfp_field_2d(values, type, shape[1], shape[0]); break;
    case 3: f = zfp_field_3d(values, type, shape[2], shape[1], shape[0]); break;
    case 4: f = zfp_field_4d(values, type, shape[3], shape[2], shape[1], shape[0]); break;
    default: throw std::logic_error("rank checked before");
  }
  if (!f) throw std::runtime_error("zfp could not allocate a field");
  return FieldPtr(f);
}

struct Settings {
  std::string mode;
  double rate = 0;
  int precision = 0;
  double tolerance = 0;
};

void set_mode(zfp_stream* zfp, const Settings& s, zfp_type type, std::size_t rank) {
  if (s.mode == "rate") {
    zfp_stream_set_rate(zfp, s.rate, type, static_cast<unsigned>(rank), zfp_false);
  } else if (s.mode == "precision") {
    zfp_stream_set_precision(zfp, static_cast<unsigned>(s.precision));
  } else if (s.mode == "accuracy") {
    zfp_stream_set_accuracy(zfp, s.tolerance);
  } else {  // reversible, the schema's last choice
    zfp_stream_set_reversible(zfp);
  }
}

// Compresses the volume as type T into a stream with zfp's full header, then
// decompresses that stream (header included) as a reader would.
template <class T>
volume_codec::Result round_trip(const volume_codec::Volume& v, const Settings& s, Context& ctx) {
  std::vector<T> values(v.values.begin(), v.values.end());
  FieldPtr field = field_of(values.data(), zfp_type_of<T>(), v.shape);
  StreamPtr zfp(zfp_stream_open(nullptr));
  if (!zfp) throw std::runtime_error("zfp could not open a stream");
  set_mode(zfp.get(), s, zfp_type_of<T>(), v.shape.size());
  zfp_stream_set_execution(zfp.get(), zfp_exec_serial);

  volume_codec::Result r;
  std::vector<std::byte> buffer(zfp_stream_maximum_size(zfp.get(), field.get()));
  BitstreamPtr bits(stream_open(buffer.data(), buffer.size()));
  zfp_stream_set_bit_stream(zfp.get(), bits.get());
  zfp_stream_rewind(zfp.get());
  std::size_t size = 0;
  r.compress_seconds = volume_codec::seconds([&] {
    if (zfp_write_header(zfp.get(), field.get(), ZFP_HEADER_FULL) == 0)
      throw std::runtime_error("zfp could not write the stream header");
    size = zfp_compress(zfp.get(), field.get());
  });
  if (size == 0) throw std::runtime_error("zfp_compress failed");
  buffer.resize(size);
  ctx.progress(1, 2);
  ctx.check_cancelled();

  std::vector<T> decoded(values.size());
  FieldPtr read_field(zfp_field_alloc());
  StreamPtr reader(zfp_stream_open(nullptr));
  BitstreamPtr read_bits(stream_open(buffer.data(), buffer.size()));
  if (!read_field || !reader || !read_bits) throw std::runtime_error("zfp could not open a stream");
  zfp_stream_set_bit_stream(reader.get(), read_bits.get());
  zfp_stream_rewind(reader.get());
  r.decompress_seconds = volume_codec::seconds([&] {
    if (zfp_read_header(reader.get(), read_field.get(), ZFP_HEADER_FULL) == 0)
      throw std::runtime_error("zfp could not read back the stream header");
    if (zfp_field_type(read_field.get()) != zfp_type_of<T>() || zfp_field_size(read_field.get(), nullptr) != values.size())
      throw std::runtime_error("the stream header does not describe the compressed field");
    zfp_field_set_pointer(read_field.get(), decoded.data());
    if (zfp_decompress(reader.get(), read_field.get()) == 0) throw std::runtime_error("zfp_decompress failed");
  });
  ctx.progress(2, 2);
  r.stream = std::move(buffer);
  r.decoded.assign(decoded.begin(), decoded.end());
  return r;
}

class ZfpCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    const Settings s{p.get_string("mode"), p.get_double("rate"), static_cast<int>(p.get_int("precision")),
                     p.get_double("tolerance")};
    const Artifact& data = in.get("data");
    const volume_codec::Volume v = volume_codec::read(data, "data", 4);
    volume_codec::Result r =
        p.get_string("type") == "float32" ? round_trip<float>(v, s, ctx) : round_trip<double>(v, s, ctx);
    Artifact out = volume_codec::output(data, "data", v, std::move(r), static_cast<double>(p.get_int("original_bits")));
    out.set_string("library", std::string("zfp ") + ZFP_VERSION_STRING);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(ZfpCodec, "codec/zfp", "1",
                  "ZFP (libzfp) block-transform codec of 1-4 D volumes: fixed rate, precision or accuracy, or lossless",
                  param_string("mode", "accuracy",
                               "rate: fixed bits per value; precision: fixed bit planes; accuracy: absolute error "
                               "<= tolerance; reversible: lossless")
                      .one_of({"rate", "precision", "accuracy", "reversible"}),
                  param_double("rate", 8, "mode rate: bits per value (zfp gives each block of 4^d values "
                                          "round(rate * 4^d) bits)")
                      .greater_than(0)
                      .at_most(64),
                  param_int("precision", 16, "mode precision: bit planes coded per block").range(1, ZFP_MAX_PREC),
                  param_double("tolerance", 1, "mode accuracy: absolute error bound").greater_than(0),
                  param_string("type", "float32",
                               "type zfp compresses (the volume, e.g. uint16 ADC, is converted to it first)")
                      .one_of({"float32", "float64"}),
                  param_int("original_bits", 16,
                            "bits per value of the original, for the ratio (10-bit ADC stored as 16)")
                      .range(1, 64),
                  input("data", "artifact with array 'volume' (rank 1-4, any numeric dtype, finite)"),
                  output("volume", "float32, the input's shape: the decompressed values (frame copied through)"),
                  output("stream", "int8 {bytes}: the zfp stream, full header included"),
                  output("bytes", "scalar: stream size"),
                  output("original_bytes", "scalar: elements * original_bits / 8"),
                  output("ratio", "scalar: original_bytes / bytes"),
                  output("bits_per_value", "scalar: 8 * bytes / elements"),
                  output("library", "string: zfp and its version"),
                  output("compress_seconds, decompress_seconds",
                         "scalars: wall time of zfp_compress and zfp_decompress (with header), measured in the "
                         "node; vary run to run, not part of the identity"))

}  // namespace reprise
