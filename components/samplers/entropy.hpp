// sampler/entropy: the TPC paper's entropy-based sampling (seed 001, section 2.1
// and Appendix C). The values' histogram P over B bins is flattened: each bin
// may give C = Nρ/B voxels; a bin with fewer gives all it has and its deficit is
// shared among the bins with more (water filling), so the drawn values are as
// uniform over their range as the data allows, over-representing rare values.
// Within a bin, voxels are drawn uniformly without replacement, anew each epoch.
#pragma once

#include <memory>
#include <span>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {

class EntropySampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

std::unique_ptr<coords::CoordinateSampler> make_entropy_sampler(std::span<const float> values, double ratio,
                                                                std::size_t bins);

// Water filling: quotas q_b <= counts_b with Σq = min(total, Σcounts), as equal
// as the counts allow (every bin with q_b < counts_b gets the same quota, ±1).
std::vector<std::size_t> flat_quotas(const std::vector<std::size_t>& counts, std::size_t total);

}  // namespace reprise
