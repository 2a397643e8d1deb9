// dataset/ising: samples of an Ising model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i),
// x_i ∈ {−1, +1}: the discrete test case of the QoI-compression paper (seed 000),
// whose quantities of interest are the moments E[x_i] and E[x_i x_j].
#pragma once

#include "framework/registry.hpp"

namespace reprise {

// Builds a graph (random regular, periodic square lattice, complete, or read from a
// CSV), draws couplings and fields on it, and samples the model: exactly for p <= 20
// (all 2^p states enumerated, i.i.d. draws by Walker's alias method, and the exact
// moments returned alongside), by heat-bath Gibbs sampling on independent chains
// beyond. The model comes from one random stream and the samples from another, so
// changing `samples` (or `burn_in`, `thin`) never changes J and h.
class IsingDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
