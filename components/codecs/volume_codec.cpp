#include "components/codecs/volume_codec.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "components/datasets/volume.hpp"

namespace reprise::volume_codec {

Volume read(const Artifact& data, const std::string& input, std::size_t max_rank) {
  const Array& v = volume::volume_of(data, input);
  if (v.rank() < 1 || v.rank() > max_rank)
    throw std::runtime_error("input '" + input + "' has a volume of rank " + std::to_string(v.rank()) +
                             " (shape " + shape_text(v.shape()) + "); this codec takes rank 1 to " +
                             std::to_string(max_rank));
  Volume out{v.shape(), v.to_double()};
  for (std::size_t i = 0; i < out.values.size(); ++i)
    if (!std::isfinite(out.values[i]))
      throw std::runtime_error("input '" + input + "' volume element " + std::to_string(i) + " is " +
                               std::to_string(out.values[i]) + "; the codec takes finite values only");
  return out;
}

Artifact output(const Artifact& data, const std::string& input, const Volume& volume, Result result,
                double original_bits) {
  const std::size_t n = volume.values.size();
  if (result.decoded.size() != n)
    throw std::logic_error("decoded " + std::to_string(result.decoded.size()) + " values for " +
                           std::to_string(n) + " elements");
  if (result.stream.empty()) throw std::logic_error("the compressed stream is empty");
  const double bytes = static_cast<double>(result.stream.size());

  Artifact out;
  out.set_array("volume", Array::from<float>(volume.shape, result.decoded));
  if (data.has_array("axis_step") || data.has_array("axis_extent"))
    volume::set_frame(out, volume::frame_of(data, input));
  const std::size_t stream_size = result.stream.size();
  out.set_array("stream", Array(DType::i8, {stream_size}, std::move(result.stream)));
  set_sizes(out, bytes, n, original_bits);
  out.set_scalar("compress_seconds", result.compress_seconds);
  out.set_scalar("decompress_seconds", result.decompress_seconds);
  return out;
}

void set_sizes(Artifact& out, double bytes, std::size_t elements, double original_bits) {
  const double original_bytes = static_cast<double>(elements) * original_bits / 8;
  out.set_scalar("bytes", bytes);
  out.set_scalar("original_bytes", original_bytes);
  out.set_scalar("ratio", original_bytes / bytes);
  out.set_scalar("bits_per_value", 8 * bytes / static_cast<double>(elements));
}

}  // namespace reprise::volume_codec
