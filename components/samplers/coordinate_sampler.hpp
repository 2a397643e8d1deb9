// Training-coordinate samplers of the TPC paper (seed 001, section 2.1 and
// Appendix C): which voxels an INR is trained on in one epoch.
//
// A sampler/full|random|importance|entropy node is a description (string
// "method", scalar "ratio" and the method's own scalars); codec/inr turns it into
// a CoordinateSampler over the volume's normalised values (make_sampler) and
// redraws the coordinates every epoch. Each method's draws live in its
// component's file (full.cpp, random.cpp, importance.cpp, entropy.cpp), which
// defines its make_*_sampler below; this header is the interface they share.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise::coords {

class CoordinateSampler {
 public:
  virtual ~CoordinateSampler() = default;
  // Replaces `out` with one epoch's flat voxel indices (row-major).
  virtual void draw(std::mt19937_64& rng, std::vector<std::uint32_t>& out) = 0;
  // True when training should weight each draw's loss by loss_weight: the
  // likelihood ratio p_i / q_i of the full grid's uniform p_i = 1/N to this
  // sampler's draw probability q_i, so that the expected loss of a batch is
  // the full-grid mean squared error however the draws are concentrated.
  virtual bool reweights() const { return false; }
  virtual float loss_weight(std::uint32_t /*voxel*/) const { return 1; }
};

// The `ratio` parameter (ρ: drawn coordinates per epoch / voxels) the sampling methods share.
ParamSpec param_ratio();
OutputSpec output_method();
OutputSpec output_ratio();

// Draws per epoch: round(ρ N), at least 1.
std::size_t draws_per_epoch(double ratio, std::size_t voxels);

// The sampler a sampler/* artifact describes, over `values` (the volume's
// normalised values, row-major). Without a description: every voxel (full).
std::unique_ptr<CoordinateSampler> make_sampler(const Artifact* description, std::span<const float> values);

// Each method's sampler, as make_sampler builds it from the method's parameters.
std::unique_ptr<CoordinateSampler> make_full_sampler(std::size_t voxels);
std::unique_ptr<CoordinateSampler> make_random_sampler(std::size_t voxels, double ratio);
// uniform_fraction α: draw from the defensive mixture α/N + (1 - α) q_i;
// reweight: weight the loss by p/q (see CoordinateSampler::reweights).
std::unique_ptr<CoordinateSampler> make_importance_sampler(std::span<const float> values, double ratio, double epsilon,
                                                           double uniform_fraction = 0, bool reweight = false);
std::unique_ptr<CoordinateSampler> make_entropy_sampler(std::span<const float> values, double ratio, std::size_t bins);

}  // namespace reprise::coords
