// dataset/downsample: the paper's "sub-sampling" for super-resolution (seed 001,
// section 3.1 and Appendix D): keep every f-th sample along each axis.
//
// Input `data` is a volume (components/datasets/volume.hpp); `factors` holds one
// integer per axis. Sample j of the output along an axis is sample f * j of the
// input (starting at 0), so an axis of n samples keeps ceil(n / f). The paper's
// scales are products: [2, 2, 1] is S = 4 ({192, 249, 16} -> {96, 125, 16}),
// [2, 2, 2] is S = 8, [4, 4, 1] is S = 16. The dtype is kept.
//
// The output also carries the grid frame: step = input step * factor and
// extent = the input's extent, so coarse sample j sits at the full-grid position
// of input index f * j, and a model trained on it is decoded on the full grid
// (super-resolution) at the same normalised coordinates. Downsampling twice
// composes (steps multiply).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class DownsampleDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
