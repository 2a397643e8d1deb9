// metric/mode-weights: how well a sample spreads its mass over a multimodal
// target's modes (seed 002): each sample row is assigned to a mode by the
// target (target.hpp: the most responsible component of a mixture, the sign
// pattern of a many-well), and the empirical fractions are compared with the
// exact mode masses. Writes the largest per-mode |error|, the total variation
// ½ Σ |error|, and how many modes the sample visits out of how many have mass.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class ModeWeights : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
