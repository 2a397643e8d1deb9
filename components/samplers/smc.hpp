// sampler/smc: the stochastic-only baseline of the tensor-train flow paper
// (seed 002): the same annealing path, reweighting and systematic resampling as
// sampler/ttflow, but the particles move only by MALA steps (annealed importance
// sampling with resampling, i.e. sequential Monte Carlo). At an equal budget of
// target evaluations per particle it runs one more Langevin step per time step
// than a flow with the same grid (see annealing.hpp).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class SmcSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
