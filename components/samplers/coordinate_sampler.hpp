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
std::unique_ptr<CoordinateSampler> make_importance_sampler(std::span<const float> values, double ratio, double epsilon);
std::unique_ptr<CoordinateSampler> make_entropy_sampler(std::span<const float> values, double ratio, std::size_t bins);

}  // namespace reprise::coords
