// metric/mse: mean squared error between two volumes, the y axis of the paper's
// Fig. 3A/B (seed 001): mse = (1/n) Σ (truth_i - test_i)², accumulated in double
// over every element of array `key` (default "volume"); the shapes must match.
// See volume_compare.hpp for the inputs.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class MseMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
