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
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class ZfpCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
