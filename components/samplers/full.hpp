// sampler/full: every voxel, every epoch (the paper's baseline, ρ = 1).
#pragma once

#include <memory>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {

class FullSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

std::unique_ptr<coords::CoordinateSampler> make_full_sampler(std::size_t voxels);

}  // namespace reprise
