// codec/dct: the lossy compressor of the QoI-compression paper (seed 000).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

// Transforms each sample (row) with the orthonormal DCT-II, keeps the fewest
// largest-magnitude coefficients that hold a fraction `energy` of that row's
// energy, stores them sparsely (counts, indices, values) and decodes them back
// with the inverse DCT. The output carries both the compressed form and the
// decompressed "samples", so downstream nodes can use it in place of the data.
class DctCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
