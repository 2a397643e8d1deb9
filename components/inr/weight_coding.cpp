#include "components/inr/weight_coding.hpp"

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "components/inr/model.hpp"
#include "components/inr/trainer.hpp"

namespace reprise::inr {
namespace {

constexpr char kMagic[] = "reprise-inr-stream 1\n";
constexpr std::size_t kMaxStreamBytes = std::size_t{1} << 31;  // a decoded stream larger than this is corrupt

bool quantised(int bits) { return bits >= 2 && bits <= 8; }
int levels(int bits) { return (1 << (bits - 1)) - 1; }  // L: codes run over [-L, L]

// Row i of slot s: `in` weights at stride `out`.
float& weight(std::span<float> p, const DenseSlot& s, int row, int j) {
  return p[s.offset + static_cast<std::size_t>(row) + static_cast<std::size_t>(s.out) * j];
}
float& bias(std::span<float> p, const DenseSlot& s, int row) { return p[s.offset + s.weights() + row]; }

float round_half(float v) { return from_half(to_half(v)); }

// The scale of a quantised row: its largest magnitude over L, so that the
// extreme weights are stored exactly up to float rounding.
float row_scale(std::span<float> p, const DenseSlot& s, int row, int bits) {
  float largest = 0;
  for (int j = 0; j < s.in; ++j) largest = std::max(largest, std::abs(weight(p, s, row, j)));
  return largest / static_cast<float>(levels(bits));
}

int code_of(float w, float scale, int bits) {
  if (scale == 0) return 0;
  const int l = levels(bits);
  return std::clamp(static_cast<int>(std::lrint(w / scale)), -l, l);
}

// The one dequantisation formula, shared by quantise() and the decoder.
float dequantised(int code, float scale) { return static_cast<float>(code) * scale; }

// --------------------------------------------------------------- byte I/O
class Writer {
 public:
  template <class T>
  void put(const T& v) {
    const auto* b = reinterpret_cast<const std::uint8_t*>(&v);
    bytes_.insert(bytes_.end(), b, b + sizeof(T));
  }
  void text(const std::string& s) { bytes_.insert(bytes_.end(), s.begin(), s.end()); }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  // The text up to (not including) the next "\n\n", which is consumed.
  std::string header_text() {
    const std::string_view all(reinterpret_cast<const char*>(bytes_.data()), bytes_.size());
    const std::size_t end = all.find("\n\n", at_);
    if (end == std::string_view::npos) throw std::runtime_error("INR stream: header not terminated");
    std::string text(all.substr(at_, end - at_));
    at_ = end + 2;
    return text;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw std::runtime_error("INR stream: truncated (ends inside the coded values)");
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

// --------------------------------------------------------------- header
// Doubles as C99 hex floats: exact, and strtod reads them back bit for bit.
std::string exact(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%a", v);
  return buffer;
}

double parse_double(const std::string& key, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') throw std::runtime_error("INR stream: '" + key + "' is not a number: " + text);
  return v;
}

template <class T>
std::string joined(const std::vector<T>& values, std::string (*format)(T)) {
  std::string s;
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + format(values[i]);
  return s;
}
std::string size_text(std::size_t v) { return std::to_string(v); }
std::string double_text(double v) { return exact(v); }

std::vector<double> split_doubles(const std::string& key, const std::string& text) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(parse_double(key, text.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

void check_plain(const std::string& s) {
  if (s.find_first_of("\n=") != std::string::npos)
    throw std::runtime_error("INR stream: a model setting contains '=' or a line break: " + s);
}

std::string header_text(const StreamHeader& h) {
  std::string t = kMagic;
  for (const auto& [k, v] : h.model.strings()) {
    check_plain(k);
    check_plain(v);
    t += "model." + k + "=" + v + "\n";
  }
  for (const auto& [k, v] : h.model.scalars()) {
    check_plain(k);
    t += "model#" + k + "=" + exact(v) + "\n";
  }
  t += "input_dim=" + std::to_string(h.input_dim) + "\n";
  t += "seed=" + std::to_string(h.seed) + "\n";
  check_plain(h.values.transform);
  t += "transform=" + h.values.transform + "\n";
  t += "value_scale=" + exact(h.values.scale) + "\n";
  t += "zero_below=" + exact(h.values.zero_below) + "\n";
  t += "zero_margin=" + exact(h.values.zero_margin) + "\n";
  t += "shape=" + joined<std::size_t>(h.frame.shape, size_text) + "\n";
  t += "step=" + joined<double>(h.frame.step, double_text) + "\n";
  t += "extent=" + joined<double>(h.frame.extent, double_text) + "\n";
  return t + "\n";
}

StreamHeader parse_header(const std::string& text) {
  if (text.rfind(kMagic, 0) != 0) throw std::runtime_error("not a reprise INR stream (no 'reprise-inr-stream 1' header)");
  StreamHeader h;
  std::size_t start = sizeof kMagic - 1;
  bool have_shape = false;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) throw std::runtime_error("INR stream: header line without '=': " + line);
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key.rfind("model.", 0) == 0) {
      h.model.set_string(key.substr(6), value);
    } else if (key.rfind("model#", 0) == 0) {
      h.model.set_scalar(key.substr(6), parse_double(key, value));
    } else if (key == "input_dim") {
      h.input_dim = static_cast<int>(parse_double(key, value));
    } else if (key == "seed") {
      h.seed = std::stoull(value);
    } else if (key == "transform") {
      if (value != "linear" && value != "log") throw std::runtime_error("INR stream: unknown value transform '" + value + "'");
      h.values.transform = value;
    } else if (key == "value_scale") {
      h.values.scale = parse_double(key, value);
    } else if (key == "zero_below") {
      h.values.zero_below = parse_double(key, value);
    } else if (key == "zero_margin") {
      h.values.zero_margin = parse_double(key, value);
    } else if (key == "shape") {
      for (double v : split_doubles(key, value)) h.frame.shape.push_back(static_cast<std::size_t>(v));
      have_shape = true;
    } else if (key == "step") {
      h.frame.step = split_doubles(key, value);
    } else if (key == "extent") {
      h.frame.extent = split_doubles(key, value);
    } else {
      throw std::runtime_error("INR stream: unknown header key '" + key + "'");
    }
  }
  if (!have_shape || h.frame.step.size() != h.frame.shape.size() || h.frame.extent.size() != h.frame.shape.size())
    throw std::runtime_error("INR stream: the header's grid (shape, step, extent) is incomplete");
  return h;
}

// --------------------------------------------------------------- values
// The coded parameters, section by section, in stream order.
struct Sections {
  std::vector<std::uint8_t> row_bits;
  std::vector<float> scales;
  std::vector<std::uint8_t> codes;        // quantised weights, offset by L
  std::vector<std::uint16_t> halves;      // float16 weights, then float16 biases
  std::vector<float> floats;              // float32 weights, then float32 biases, then the rest
};

// Slot rows in order, with their widths.
template <class F>
void for_each_row(const std::vector<DenseSlot>& slots, const RowBits& bits, F&& f) {
  std::size_t r = 0;
  for (const DenseSlot& s : slots)
    for (int row = 0; row < s.out; ++row, ++r) f(s, row, static_cast<int>(bits[r]));
}

// Parameters no dense slot covers, in order.
std::vector<std::size_t> loose_parameters(const Network& net) {
  std::vector<bool> covered(net.parameters().size(), false);
  for (const DenseSlot& s : net.dense_slots()) std::fill_n(covered.begin() + s.offset, s.size(), true);
  std::vector<std::size_t> loose;
  for (std::size_t i = 0; i < covered.size(); ++i)
    if (!covered[i]) loose.push_back(i);
  return loose;
}

void check_bits(const Network& net, const RowBits& bits) {
  if (bits.size() != row_count(net))
    throw std::runtime_error("INR weight coding: " + std::to_string(bits.size()) + " row widths for " +
                             std::to_string(row_count(net)) + " rows");
  for (std::uint8_t b : bits)
    if (!valid_row_bits(b)) throw std::runtime_error("INR weight coding: a row width of " + std::to_string(b) + " bits");
}

// zstd at kStreamZstdLevel with the frame's content checksum on (4 bytes), so a
// damaged stream is refused rather than decoded into other weights.
std::vector<std::uint8_t> compressed(const std::vector<std::uint8_t>& raw) {
  std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) throw std::runtime_error("INR stream: zstd could not allocate a context");
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, kStreamZstdLevel);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  std::vector<std::uint8_t> packed(ZSTD_compressBound(raw.size()));
  const std::size_t n = ZSTD_compress2(cctx.get(), packed.data(), packed.size(), raw.data(), raw.size());
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("INR stream: zstd failed: ") + ZSTD_getErrorName(n));
  packed.resize(n);
  return packed;
}

}  // namespace

bool valid_row_bits(int bits) { return bits == 32 || bits == 16 || quantised(bits); }

std::size_t row_count(const Network& net) {
  std::size_t rows = 0;
  for (const DenseSlot& s : net.dense_slots()) rows += static_cast<std::size_t>(s.out);
  return rows;
}

RowBits uniform_bits(const Network& net, int bits) {
  if (!valid_row_bits(bits)) throw std::runtime_error("bits must be 32, 16 or 2..8, got " + std::to_string(bits));
  return RowBits(row_count(net), static_cast<std::uint8_t>(bits));
}

void quantise(Network& net, const RowBits& bits) {
  check_bits(net, bits);
  const std::span<float> p = net.parameters();
  for_each_row(net.dense_slots(), bits, [&](const DenseSlot& s, int row, int b) {
    if (b == 32) return;
    if (b == 16) {
      for (int j = 0; j < s.in; ++j) weight(p, s, row, j) = round_half(weight(p, s, row, j));
    } else {
      const float scale = row_scale(p, s, row, b);
      for (int j = 0; j < s.in; ++j)
        weight(p, s, row, j) = dequantised(code_of(weight(p, s, row, j), scale, b), scale);
    }
    bias(p, s, row) = round_half(bias(p, s, row));
  });
}

std::vector<std::uint8_t> encode_stream(const StreamHeader& header, const Network& net, const RowBits& bits) {
  check_bits(net, bits);
  std::vector<float> copy(net.parameters().begin(), net.parameters().end());  // the accessors below take spans of float
  const std::span<float> p = copy;
  Sections out;
  std::vector<float> float_biases;
  std::vector<std::uint16_t> half_biases;
  for_each_row(net.dense_slots(), bits, [&](const DenseSlot& s, int row, int b) {
    out.row_bits.push_back(static_cast<std::uint8_t>(b));
    if (quantised(b)) {
      const float scale = row_scale(p, s, row, b);
      out.scales.push_back(scale);
      for (int j = 0; j < s.in; ++j)
        out.codes.push_back(static_cast<std::uint8_t>(code_of(weight(p, s, row, j), scale, b) + levels(b)));
    } else if (b == 16) {
      for (int j = 0; j < s.in; ++j) out.halves.push_back(to_half(weight(p, s, row, j)));
    } else {
      for (int j = 0; j < s.in; ++j) out.floats.push_back(weight(p, s, row, j));
    }
    if (b == 32) float_biases.push_back(bias(p, s, row));
    else half_biases.push_back(to_half(bias(p, s, row)));
  });
  out.halves.insert(out.halves.end(), half_biases.begin(), half_biases.end());
  out.floats.insert(out.floats.end(), float_biases.begin(), float_biases.end());
  for (std::size_t i : loose_parameters(net)) out.floats.push_back(p[i]);

  Writer w;
  w.text(header_text(header));
  w.put(static_cast<std::uint64_t>(net.parameters().size()));
  for (std::uint8_t b : out.row_bits) w.put(b);
  for (float v : out.scales) w.put(v);
  for (std::uint8_t v : out.codes) w.put(v);
  for (std::uint16_t v : out.halves) w.put(v);
  for (float v : out.floats) w.put(v);

  return compressed(w.bytes());
}

DecodedStream decode_stream(std::span<const std::uint8_t> bytes) {
  const unsigned long long size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxStreamBytes)
    throw std::runtime_error("not a reprise INR stream (not a zstd frame of known size)");
  std::vector<std::uint8_t> raw(size);
  const std::size_t n = ZSTD_decompress(raw.data(), raw.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(n) || n != size)
    throw std::runtime_error(std::string("INR stream: corrupt zstd frame: ") +
                             (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short"));

  Reader in(raw);
  DecodedStream d;
  d.header = parse_header(in.header_text());
  d.net = build_network(d.header.model, d.header.input_dim, d.header.seed, d.header.frame.shape);
  const std::span<float> p = d.net->parameters();
  if (in.get<std::uint64_t>() != p.size())
    throw std::runtime_error("INR stream: the parameter count does not match the architecture in its header");
  d.bits.resize(row_count(*d.net));
  for (std::uint8_t& b : d.bits) b = in.get<std::uint8_t>();
  check_bits(*d.net, d.bits);

  // The same traversal as encode_stream, section by section.
  const auto& slots = d.net->dense_slots();
  std::vector<float> scales;
  for_each_row(slots, d.bits, [&](const DenseSlot&, int, int b) {
    if (quantised(b)) scales.push_back(in.get<float>());
  });
  std::size_t next_scale = 0;
  for_each_row(slots, d.bits, [&](const DenseSlot& s, int row, int b) {
    if (!quantised(b)) return;
    const float scale = scales[next_scale++];
    for (int j = 0; j < s.in; ++j) {
      const int code = static_cast<int>(in.get<std::uint8_t>()) - levels(b);
      if (code < -levels(b) || code > levels(b)) throw std::runtime_error("INR stream: a quantised code is out of range");
      weight(p, s, row, j) = dequantised(code, scale);
    }
  });
  for_each_row(slots, d.bits, [&](const DenseSlot& s, int row, int b) {
    if (b == 16)
      for (int j = 0; j < s.in; ++j) weight(p, s, row, j) = from_half(in.get<std::uint16_t>());
  });
  for_each_row(slots, d.bits, [&](const DenseSlot& s, int row, int b) {
    if (b != 32) bias(p, s, row) = from_half(in.get<std::uint16_t>());
  });
  for_each_row(slots, d.bits, [&](const DenseSlot& s, int row, int b) {
    if (b == 32)
      for (int j = 0; j < s.in; ++j) weight(p, s, row, j) = in.get<float>();
  });
  for_each_row(slots, d.bits, [&](const DenseSlot& s, int row, int b) {
    if (b == 32) bias(p, s, row) = in.get<float>();
  });
  for (std::size_t i : loose_parameters(*d.net)) p[i] = in.get<float>();
  if (!in.done()) throw std::runtime_error("INR stream: bytes left over after the coded values");
  return d;
}

ValueMap ValueMap::fitted(std::span<const double> values, const std::string& transform, double zero_below,
                          double zero_margin) {
  ValueMap m;
  m.transform = transform;
  m.zero_below = zero_below;
  m.zero_margin = zero_margin;
  double largest = 0;
  for (double v : values) largest = std::max(largest, std::abs(v));
  if (transform == "log") {
    for (double v : values)
      if (v != 0 && v < zero_below)
        throw std::runtime_error("transform: log needs zero-suppressed data (0 or >= zero_below = " +
                                 std::to_string(zero_below) + "), found the value " + std::to_string(v));
    m.scale = largest > zero_below ? std::log1p(largest - zero_below) : 1.0;
  } else {
    m.scale = largest > 0 ? largest : 1.0;
  }
  return m;
}

float ValueMap::target(double value) const {
  if (transform == "log") return value < zero_below ? 0.0f : static_cast<float>(std::log1p(value - zero_below) / scale);
  return static_cast<float>(value / scale);
}

float ValueMap::value(float output) const {
  const double v = transform == "log" ? zero_below + std::expm1(static_cast<double>(output) * scale)
                                      : static_cast<double>(output) * scale;
  if (zero_below > 0 && v < zero_below + zero_margin) return 0.0f;
  return static_cast<float>(v);
}

std::vector<float> decode_volume(const DecodedStream& stream, unsigned threads, Context& ctx) {
  const GridCoordinates grid(stream.header.frame);
  std::vector<float> out = decode(*stream.net, grid, 1.0f, threads, ctx);
  for (float& v : out) v = stream.header.values.value(v);
  return out;
}

}  // namespace reprise::inr
