// sampler/importance: the TPC paper's importance sampling (seed 001, Eq. 2 and
// Appendix C): voxel i has weight w_i = |y_i| (ε where y_i = 0), and ρN voxels
// are drawn with replacement with probability w_i / Σw — torch.multinomial with
// replacement in the paper, Walker/Vose's alias method here (O(1) per draw after
// an O(N) table). y is the volume divided by its largest magnitude, so ε is
// relative to the largest value.
#pragma once

#include <memory>
#include <span>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {

class ImportanceSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

std::unique_ptr<coords::CoordinateSampler> make_importance_sampler(std::span<const float> values, double ratio,
                                                                   double epsilon);

// The alias table of Vose (1991) for weights w: draw i with probability w_i / Σw.
class AliasTable {
 public:
  explicit AliasTable(std::span<const double> weights);  // throws when Σw <= 0 or some w < 0
  std::uint32_t draw(std::mt19937_64& rng) const;
  double probability(std::size_t i) const;  // exact P(draw() = i), for tests

 private:
  std::vector<double> accept_;         // P(keep column i) given column i
  std::vector<std::uint32_t> alias_;   // the other outcome of column i
};

}  // namespace reprise
