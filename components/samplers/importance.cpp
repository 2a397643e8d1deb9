// sampler/importance: the TPC paper's importance sampling (seed 001, Eq. 2 and
// Appendix C): voxel i has weight w_i = |y_i| (ε where y_i = 0), and ρN voxels
// are drawn with replacement with probability w_i / Σw — torch.multinomial with
// replacement in the paper, Walker/Vose's alias method here (O(1) per draw after
// an O(N) table). y is the volume divided by its largest magnitude, so ε is
// relative to the largest value.
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {
namespace {

// The alias table of Vose (1991) for weights w: draw i with probability w_i / Σw.
class AliasTable {
 public:
  explicit AliasTable(std::span<const double> weights);  // throws when Σw <= 0 or some w < 0
  std::uint32_t draw(std::mt19937_64& rng) const;

 private:
  std::vector<double> accept_;         // P(keep column i) given column i
  std::vector<std::uint32_t> alias_;   // the other outcome of column i
};

AliasTable::AliasTable(std::span<const double> weights) : accept_(weights.size()), alias_(weights.size()) {
  const std::size_t n = weights.size();
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) throw std::invalid_argument("alias table: weights must be finite and >= 0");
    total += w;
  }
  if (n == 0 || !(total > 0)) throw std::invalid_argument("alias table: the weights sum to zero");
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    accept_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1 - scaled[s];
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is 1 up to rounding.
  for (std::uint32_t i : large) accept_[i] = 1, alias_[i] = i;
  for (std::uint32_t i : small) accept_[i] = 1, alias_[i] = i;
}

std::uint32_t AliasTable::draw(std::mt19937_64& rng) const {
  std::uniform_int_distribution<std::size_t> column(0, accept_.size() - 1);
  std::uniform_real_distribution<double> coin(0, 1);
  const std::size_t i = column(rng);
  return coin(rng) < accept_[i] ? static_cast<std::uint32_t>(i) : alias_[i];
}

class WeightedDraws : public coords::CoordinateSampler {
 public:
  WeightedDraws(std::span<const float> values, double ratio, double epsilon)
      : table_(weights(values, epsilon)), draws_(coords::draws_per_epoch(ratio, values.size())) {}
  void draw(std::mt19937_64& rng, std::vector<std::uint32_t>& out) override {
    out.resize(draws_);
    for (auto& i : out) i = table_.draw(rng);
  }

 private:
  static std::vector<double> weights(std::span<const float> values, double epsilon) {
    std::vector<double> w(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) w[i] = values[i] != 0 ? std::abs(double(values[i])) : epsilon;
    return w;
  }
  AliasTable table_;
  std::size_t draws_;
};

class ImportanceSampler : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a;
    a.set_string("method", "importance");
    a.set_scalar("ratio", p.get_double("ratio"));
    a.set_scalar("epsilon", p.get_double("epsilon"));
    return a;
  }
};

}  // namespace

std::unique_ptr<coords::CoordinateSampler> coords::make_importance_sampler(std::span<const float> values, double ratio,
                                                                           double epsilon) {
  return std::make_unique<WeightedDraws>(values, ratio, epsilon);
}

REPRISE_COMPONENT(ImportanceSampler, "sampler/importance", "1",
                  "INR training coordinates: ρN draws with replacement, probability ∝ |y| (ε for zeros)",
                  coords::param_ratio(),
                  param_double("epsilon", 0.01,
                               "weight of a zero voxel, relative to the largest |y| (which has weight 1)")
                      .range(1e-12, 1),
                  coords::output_method(), coords::output_ratio(), output("epsilon", "scalar: ε"))

}  // namespace reprise
