#include "components/samplers/importance.hpp"

#include <cmath>
#include <stdexcept>

namespace reprise {

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

double AliasTable::probability(std::size_t i) const {
  const double n = static_cast<double>(accept_.size());
  double p = accept_[i] / n;
  for (std::size_t j = 0; j < accept_.size(); ++j)
    if (alias_[j] == i && j != i) p += (1 - accept_[j]) / n;
  return p;
}

namespace {

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

}  // namespace

std::unique_ptr<coords::CoordinateSampler> make_importance_sampler(std::span<const float> values, double ratio,
                                                                   double epsilon) {
  return std::make_unique<WeightedDraws>(values, ratio, epsilon);
}

Artifact ImportanceSampler::run(const Inputs&, const Params& p, Context&) {
  Artifact a;
  a.set_string("method", "importance");
  a.set_scalar("ratio", p.get_double("ratio"));
  a.set_scalar("epsilon", p.get_double("epsilon"));
  return a;
}

REPRISE_COMPONENT(ImportanceSampler, "sampler/importance", "1",
                  "INR training coordinates: ρN draws with replacement, probability ∝ |y| (ε for zeros)",
                  coords::param_ratio(),
                  param_double("epsilon", 0.01,
                               "weight of a zero voxel, relative to the largest |y| (which has weight 1)")
                      .range(1e-12, 1),
                  coords::output_method(), coords::output_ratio(), output("epsilon", "scalar: ε"))

}  // namespace reprise
