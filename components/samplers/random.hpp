// sampler/random: ρN voxels drawn uniformly without replacement, redrawn every
// epoch (the paper's "random sampling").
#pragma once

#include <memory>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {

class RandomSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

std::unique_ptr<coords::CoordinateSampler> make_random_sampler(std::size_t voxels, double ratio);

}  // namespace reprise
