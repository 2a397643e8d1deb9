// metric/ess: Kish's effective sample size (Σ w)² / Σ w² of a sampler's final
// importance weights (array "log_weights", any normalisation), absolute and
// as a fraction of the particle count.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class EffectiveSampleSize : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
