// sampler/mala: the Metropolis-adjusted Langevin algorithm on a learned energy
// model, the exact (unbiased) variant of sampler/langevin for the continuous
// super-resolution step of the QoI-compression paper (Vu & Lokhov, arXiv
// 2511.13675, seed 000; Roberts & Tweedie 1996).
//
// Each step proposes y = x − h ∇E(x) + √(2h) ξ and accepts it with probability
//     min(1, exp(−E(y) + E(x)) q(x | y) / q(y | x)),   q(y | x) ∝ exp(−|y − x + h∇E(x)|² / 4h),
// so exp(−E) is exactly stationary for every h; large h only lowers the
// acceptance rate (output `acceptance`). A proposal with a non-finite energy or
// gradient is rejected. See continuous_chain.hpp for chains, records and seeding.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class MalaSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
