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
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class Sz3Codec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
