// dataset/mvn: samples of a multivariate normal whose covariance has a chosen,
// exact condition number. The continuous test case of the QoI-compression paper
// (seed 000): its first and second moments are the quantities of interest.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

// Builds Σ = Q diag(λ) Qᵀ with λ geometric from 1 down to 1/condition and draws
// x = mean + Q diag(√λ) z, z ~ N(0, I). With structure "smooth", Q is the
// orthonormal DCT-II basis and λ falls with frequency, so each sample is smooth
// along the variable axis (what codec/dct exploits); with "random", Q is
// Haar-random and λ is shuffled, so no basis is privileged.
class MvnDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
