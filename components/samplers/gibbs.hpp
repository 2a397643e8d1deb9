// sampler/gibbs: heat-bath Gibbs sampling of an Ising model, the super-resolution
// step of the QoI-compression paper (seed 000).
//
// The model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i) (e.g. from learner/grise)
// is sampled by M independent chains, each started from a row of `init` (the
// decompressed data: values are mapped to spins by sign) or from uniformly random
// spins. One sweep updates every spin of every chain once from
//     P(x_i = +1 | rest) = 1 / (1 + exp(−2 (h_i + Σ_j J_ij x_j))),
// in index order (scan: systematic) or at p uniformly drawn sites (scan: random).
// When `truth` is given, the QoI error of the chains, max and mean of
// |E[x_i] − E_truth[x_i]| and |E[x_i x_j] − E_truth[x_i x_j]| (i < j), is recorded
// at the requested sweep counts, so one run yields the whole error-vs-steps curve.
//
// Chains are processed in fixed blocks of kGibbsBlockChains, each with its own
// random stream seeded from (ctx.seed(), block index): the output depends on the
// seed only, never on the number of threads.
#pragma once

#include <cstddef>

#include "framework/registry.hpp"

namespace reprise {

// Chains per block: one random stream each, and the unit of parallel work. A
// block of 16 spins stays in a core's L2 across all its sweeps. Changing it
// changes the output for a given seed (bump the component version).
inline constexpr std::size_t kGibbsBlockChains = 4096;

class GibbsSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
