// metric/ratio: compression ratio of a codec's output against the truth volume
// (the x axis of the paper's Fig. 3A, seed 001):
//   ratio          = elements(truth) * bits / 8 / bytes
//   bits_per_value = 8 * bytes / elements(truth)
// where bytes is the codec's scalar "bytes" (the size of what it stores: the
// stream, or an INR's weights) and bits the size of one original value: 16 by
// default, the 10-bit ADC as it is stored. Computing it here, rather than reading
// each codec's own "ratio", puts every codec on the same original size.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class RatioMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
