// codec/inr: compression by fitting an implicit neural representation (seed
// 001). The network's weights are the compressed form: no latent code, nothing
// else per volume. Encoding trains the model an inr/* node describes on the
// coordinates a sampler/* node draws; decoding evaluates it at every voxel of a
// grid, which may be finer than the training volume (super-resolution: train on
// dataset/downsample's output, decode on the full grid given as `grid`).
//
// Compression ratio = original bytes / weight bytes, the original counted at
// `original_bits` per voxel (16: the 10-bit ADC as stored). Weights are stored
// as float32, or as float16 (rounded to nearest; the decoded volume is that of
// the rounded weights). FFNet's Fourier matrix is redrawn from the stored seed
// and is not counted.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class InrCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
