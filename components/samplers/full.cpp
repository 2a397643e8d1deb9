// sampler/full: every voxel, every epoch (the paper's baseline, ρ = 1).
#include <numeric>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {
namespace {

class AllVoxels : public coords::CoordinateSampler {
 public:
  explicit AllVoxels(std::size_t voxels) : voxels_(voxels) {}
  void draw(std::mt19937_64&, std::vector<std::uint32_t>& out) override {
    out.resize(voxels_);
    std::iota(out.begin(), out.end(), 0u);
  }

 private:
  std::size_t voxels_;
};

class FullSampler : public Component {
 public:
  Artifact run(const Inputs&, const Params&, Context&) override {
    Artifact a;
    a.set_string("method", "full");
    a.set_scalar("ratio", 1.0);
    return a;
  }
};

}  // namespace

std::unique_ptr<coords::CoordinateSampler> coords::make_full_sampler(std::size_t voxels) {
  return std::make_unique<AllVoxels>(voxels);
}

REPRISE_COMPONENT(FullSampler, "sampler/full", "1", "INR training coordinates: every voxel every epoch",
                  coords::output_method(), coords::output_ratio())

}  // namespace reprise
