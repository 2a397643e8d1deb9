// What the classical volume codecs (codec/zfp, codec/sz3, codec/mgard) share:
// reading and checking the input volume, and writing the output artifact in the
// convention codec/inr keeps too (components/datasets/volume.hpp):
//
//   "volume"   float32, the input's shape: the decompressed values;
//   "stream"   int8 {bytes}: the compressed stream itself, exactly as the
//              library wrote it (so the artifact is the compressed form);
//   "axis_step", "axis_extent"  copied from the input when it has a frame;
//   scalars "bytes" (stream size), "original_bytes" (elements * original_bits / 8),
//   "ratio" (original_bytes / bytes), "bits_per_value" (8 * bytes / elements),
//   "compress_seconds", "decompress_seconds".
//
// The two *_seconds scalars are steady_clock wall time of the library's
// compress and decompress calls, measured inside the node. They are the one
// place a timing enters an artifact: they are not part of the node identity, a
// cache hit returns the times of the run that computed the entry, and they vary
// from run to run (every other output is deterministic).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise::volume_codec {

// The checked input volume of a codec node.
struct Volume {
  std::vector<std::size_t> shape;  // row-major, last axis fastest
  std::vector<double> values;      // every element, finite
};

// The "volume" of input `input` (the artifact `data`), as float64. Throws
// std::runtime_error naming the input when it is missing or empty, has a rank
// outside [1, max_rank], or holds a NaN or an infinity.
Volume read(const Artifact& data, const std::string& input, std::size_t max_rank);

// What a codec produced.
struct Result {
  std::vector<std::byte> stream;  // the compressed bytes
  std::vector<float> decoded;     // the decompressed values, row-major like the input
  double compress_seconds = 0;
  double decompress_seconds = 0;
};

// The output artifact described above. `data` is input `input` (for its frame);
// original_bits is the bits per element of the original data.
Artifact output(const Artifact& data, const std::string& input, const Volume& volume, Result result,
                double original_bits);

// Sets "bytes", "original_bytes" (elements * original_bits / 8), "ratio" and
// "bits_per_value" on `out`: the size scalars every codec (codec/inr too) reports.
void set_sizes(Artifact& out, double bytes, std::size_t elements, double original_bits);

// Wall time of f(), in seconds, on the steady clock.
template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace reprise::volume_codec
