// The stored form of an INR: what codec/inr counts as its compressed bytes and
// what codec/inr-decode rebuilds a network from, with nothing else.
//
// Each dense layer's weights are coded row by row (a row: one output unit's
// incoming weights) at a bit width of its own:
//   32      float32, bias float32;
//   16      float16, bias float16;
//   2 .. 8  symmetric uniform quantisation, q = round(w / s) in [-L, L] with
//           L = 2^(bits-1) - 1 and s = max |w| / L stored as float32; bias float16.
// Parameters outside the dense layers (none in today's networks) stay float32.
// The stream is a text header (the inr/* model description, seed, value scale
// and decode grid), the row widths, the scales, then the coded values grouped
// by kind so that the entropy coder sees alike symbols together; all of it is
// compressed with zstd, whose Huffman stage entropy-codes the quantised bytes.
// Multi-byte values are little-endian, as on every machine reprise builds for.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "components/datasets/volume.hpp"
#include "components/inr/mlp.hpp"
#include "framework/core/artifact.hpp"
#include "framework/core/registry.hpp"

namespace reprise::inr {

// The zstd level of every stream: the strongest of the normal levels. Streams
// are small (kilobytes to a megabyte), so even this level costs milliseconds.
constexpr int kStreamZstdLevel = 19;

// One bit width per row of every dense slot, slots in order.
using RowBits = std::vector<std::uint8_t>;

// True for the widths a row can be stored with: 32, 16 or 2..8.
bool valid_row_bits(int bits);

// Rows of all of the network's dense slots.
std::size_t row_count(const Network& net);

// Every row at `bits`.
RowBits uniform_bits(const Network& net, int bits);

// Rounds the network's parameters as the stream stores them under `bits`
// (weights quantised with their row's scale, biases to their width): the
// projection quantisation-aware training runs its forward passes on.
void quantise(Network& net, const RowBits& bits);

// How the network's output y maps to a value, and back for training targets.
//   linear  v = y · scale, scale = the largest |value|: targets in [-1, 1];
//   log     for zero-suppressed data (values are 0 or >= zero_below = T):
//           v = T + expm1(y · scale), scale = log1p(max - T), so values T..max
//           train as 0..1 and a zero voxel trains as 0 too: the field has no jump
//           at a track's edge, and the large values do not dominate the loss.
// With zero_below > 0, decoded values below T + zero_margin become 0 under
// either map: the detector never records them, and a network's small ripple
// over the empty 90 % of a sparse volume would otherwise count in every voxel.
struct ValueMap {
  std::string transform = "linear";
  double scale = 1;
  double zero_below = 0, zero_margin = 0;
  // Map fitted to `values` (the largest magnitude, or max - T for log).
  static ValueMap fitted(std::span<const double> values, const std::string& transform, double zero_below,
                         double zero_margin);
  float target(double value) const;
  float value(float output) const;
};

// What a decoder needs besides the parameters.
struct StreamHeader {
  Artifact model;  // the inr/* node's strings and scalars: architecture and settings
  int input_dim = 3;
  std::uint64_t seed = 0;  // FFNet draws its Fourier matrix from it; the weights are stored
  ValueMap values;          // network output -> value (see ValueMap)
  volume::GridFrame frame;  // the grid to decode on
};

// The compressed stream of `net`'s parameters coded under `bits`, and its header.
std::vector<std::uint8_t> encode_stream(const StreamHeader& header, const Network& net, const RowBits& bits);

struct DecodedStream {
  StreamHeader header;
  RowBits bits;
  std::unique_ptr<Network> net;
};

// Rebuilds header and network from the bytes alone; throws std::runtime_error
// saying what is wrong with a truncated, corrupt or foreign stream.
DecodedStream decode_stream(std::span<const std::uint8_t> bytes);

// The decoded network at every voxel of the header's grid, times its value scale.
std::vector<float> decode_volume(const DecodedStream& stream, unsigned threads, Context& ctx);

}  // namespace reprise::inr
