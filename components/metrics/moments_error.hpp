// metric/moments-error: how well a sample set reproduces the first and second
// moments of a reference set, the QoIs of the continuous (Gaussian) case in the
// QoI-compression paper (seed 000).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

// Compares E[x_i] and E[x_i x_j] (i <= j) of "truth" and "sample"; reports the
// largest and the mean absolute difference, for first moments, second moments
// and both together.
class MomentsError : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
