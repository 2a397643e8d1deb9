// sampler/ttflow: the tensor-train flow sampler of Hagemann et al. (arXiv
// 2412.07637, seed 002): along the annealing path from a Gaussian to the target,
// each time step fits the potential of the continuity equation as a functional
// tensor train (ttflow/ftt on ttflow/basis), moves the particles by RK4 with
// its gradient, reweights them exactly (the map's log-determinant comes from
// Δφ), resamples when the weights degenerate and runs `langevin_steps` MALA
// steps. The machinery is in annealing.hpp. Besides the annealing outputs it
// records the FTT's bond ranks at every step (rank adaptation) and the relative
// residual of each fit.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class TtFlowSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
