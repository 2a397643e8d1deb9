// sampler/random: ρN voxels drawn uniformly without replacement, redrawn every
// epoch (the paper's "random sampling").
#include <numeric>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {
namespace {

// Partial Fisher-Yates on a persistent permutation: O(ρN) per epoch, and any
// permutation state is a valid start, so no reset is needed between epochs.
class UniformSubset : public coords::CoordinateSampler {
 public:
  UniformSubset(std::size_t voxels, double ratio)
      : permutation_(voxels), draws_(coords::draws_per_epoch(ratio, voxels)) {
    std::iota(permutation_.begin(), permutation_.end(), 0u);
  }
  void draw(std::mt19937_64& rng, std::vector<std::uint32_t>& out) override {
    const std::size_t n = permutation_.size();
    for (std::size_t i = 0; i < draws_; ++i) {
      std::uniform_int_distribution<std::size_t> pick(i, n - 1);
      std::swap(permutation_[i], permutation_[pick(rng)]);
    }
    out.assign(permutation_.begin(), permutation_.begin() + static_cast<std::ptrdiff_t>(draws_));
  }

 private:
  std::vector<std::uint32_t> permutation_;
  std::size_t draws_;
};

class RandomSampler : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a;
    a.set_string("method", "random");
    a.set_scalar("ratio", p.get_double("ratio"));
    return a;
  }
};

}  // namespace

std::unique_ptr<coords::CoordinateSampler> coords::make_random_sampler(std::size_t voxels, double ratio) {
  return std::make_unique<UniformSubset>(voxels, ratio);
}

REPRISE_COMPONENT(RandomSampler, "sampler/random", "1",
                  "INR training coordinates: a uniform random subset of ρN voxels, redrawn every epoch",
                  coords::param_ratio(), coords::output_method(), coords::output_ratio())

}  // namespace reprise
