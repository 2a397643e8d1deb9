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

// Draws with probability q_i ∝ m_i, the defensive mixture
// m_i = α Σw / N + (1 - α) w_i of the uniform and the paper's weights w_i (so
// Σm = Σw; with α = 0, m = w exactly and the draws are the paper's). The loss
// weight of voxel i is p_i / q_i = (1/N) / (m_i / Σm) = Σw / (N m_i); α bounds it
// by 1/α, which is what keeps the reweighted loss's variance finite when the
// zero voxels have tiny w (Hesterberg 1995, "defensive importance sampling").
class WeightedDraws : public coords::CoordinateSampler {
 public:
  WeightedDraws(std::span<const float> values, double ratio, double epsilon, double alpha, bool reweight)
      : mixture_(mixture(values, epsilon, alpha)),
        table_(mixture_),
        draws_(coords::draws_per_epoch(ratio, values.size())),
        reweight_(reweight) {
    for (double m : mixture_) total_ += m;
  }
  void draw(std::mt19937_64& rng, std::vector<std::uint32_t>& out) override {
    out.resize(draws_);
    for (auto& i : out) i = table_.draw(rng);
  }
  bool reweights() const override { return reweight_; }
  float loss_weight(std::uint32_t i) const override {
    return static_cast<float>(total_ / (static_cast<double>(mixture_.size()) * mixture_[i]));
  }

 private:
  static std::vector<double> mixture(std::span<const float> values, double epsilon, double alpha) {
    std::vector<double> w(values.size());
    double total = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      w[i] = values[i] != 0 ? std::abs(double(values[i])) : epsilon;
      total += w[i];
    }
    if (alpha > 0) {
      const double floor = alpha * total / static_cast<double>(values.size());
      for (double& m : w) m = floor + (1 - alpha) * m;
    }
    return w;
  }
  std::vector<double> mixture_;
  AliasTable table_;
  std::size_t draws_;
  bool reweight_;
  double total_ = 0;
};

class ImportanceSampler : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a;
    a.set_string("method", "importance");
    a.set_scalar("ratio", p.get_double("ratio"));
    a.set_scalar("epsilon", p.get_double("epsilon"));
    a.set_scalar("uniform_fraction", p.get_double("uniform_fraction"));
    a.set_scalar("reweight", p.get_bool("reweight") ? 1 : 0);
    return a;
  }
};

}  // namespace

std::unique_ptr<coords::CoordinateSampler> coords::make_importance_sampler(std::span<const float> values, double ratio,
                                                                           double epsilon, double uniform_fraction,
                                                                           bool reweight) {
  return std::make_unique<WeightedDraws>(values, ratio, epsilon, uniform_fraction, reweight);
}

REPRISE_COMPONENT(ImportanceSampler, "sampler/importance", "2",
                  "INR training coordinates: ρN draws with replacement, probability ∝ |y| (ε for zeros)",
                  coords::param_ratio(),
                  param_double("epsilon", 0.01,
                               "weight of a zero voxel, relative to the largest |y| (which has weight 1)")
                      .range(1e-12, 1),
                  param_double("uniform_fraction", 0,
                               "α: draw from the defensive mixture α·uniform + (1 - α)·(the weights above); 0: the "
                               "paper's draws exactly")
                      .range(0, 1),
                  param_bool("reweight", false,
                             "weight each draw's loss by p/q (uniform over the voxels / this draw probability), so "
                             "the objective stays the full-grid MSE; false: the paper's unweighted loss"),
                  coords::output_method(), coords::output_ratio(),
                  output("epsilon, uniform_fraction, reweight", "scalars: ε, α, and 1 when the loss is reweighted"))

}  // namespace reprise
