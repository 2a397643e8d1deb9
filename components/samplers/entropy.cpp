// sampler/entropy: the TPC paper's entropy-based sampling (seed 001, section 2.1
// and Appendix C). The values' histogram P over B bins is flattened: each bin
// may give C = Nρ/B voxels; a bin with fewer gives all it has and its deficit is
// shared among the bins with more (water filling), so the drawn values are as
// uniform over their range as the data allows, over-representing rare values.
// Within a bin, voxels are drawn uniformly without replacement, anew each epoch.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "components/samplers/coordinate_sampler.hpp"

namespace reprise {
namespace {

// Water filling: quotas q_b <= counts_b with Σq = min(total, Σcounts), as equal
// as the counts allow (every bin with q_b < counts_b gets the same quota, ±1).
std::vector<std::size_t> flat_quotas(const std::vector<std::size_t>& counts, std::size_t total) {
  std::vector<std::size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return counts[a] < counts[b]; });
  std::vector<std::size_t> quota(counts.size(), 0);
  std::size_t left = std::min(total, std::accumulate(counts.begin(), counts.end(), std::size_t{0}));
  // Smallest bins first: a bin at or below the fair share gives everything it has.
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t remaining_bins = order.size() - k;
    const std::size_t share = left / remaining_bins;
    const std::size_t b = order[k];
    if (counts[b] <= share) {
      quota[b] = counts[b];
      left -= counts[b];
      continue;
    }
    // Every bin from here on holds more than the share: split `left` evenly,
    // the remainder one each to the largest bins.
    std::size_t extra = left - share * remaining_bins;
    for (std::size_t j = order.size(); j-- > k;) {
      quota[order[j]] = share + (extra > 0 ? 1 : 0);
      if (extra > 0) --extra;
    }
    break;
  }
  return quota;
}

class FlatHistogramDraws : public coords::CoordinateSampler {
 public:
  FlatHistogramDraws(std::span<const float> values, double ratio, std::size_t bins) {
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double low = *lo, width = (double(*hi) - low) / static_cast<double>(bins);
    members_.resize(bins);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::size_t b =
          width > 0 ? std::min(bins - 1, static_cast<std::size_t>((double(values[i]) - low) / width)) : 0;
      members_[b].push_back(static_cast<std::uint32_t>(i));
    }
    std::vector<std::size_t> counts(bins);
    for (std::size_t b = 0; b < bins; ++b) counts[b] = members_[b].size();
    quota_ = flat_quotas(counts, coords::draws_per_epoch(ratio, values.size()));
  }
  void draw(std::mt19937_64& rng, std::vector<std::uint32_t>& out) override {
    out.clear();
    for (std::size_t b = 0; b < members_.size(); ++b) {
      auto& m = members_[b];
      for (std::size_t i = 0; i < quota_[b]; ++i) {  // partial Fisher-Yates within the bin
        std::uniform_int_distribution<std::size_t> pick(i, m.size() - 1);
        std::swap(m[i], m[pick(rng)]);
        out.push_back(m[i]);
      }
    }
  }

 private:
  std::vector<std::vector<std::uint32_t>> members_;
  std::vector<std::size_t> quota_;
};

class EntropySampler : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a;
    a.set_string("method", "entropy");
    a.set_scalar("ratio", p.get_double("ratio"));
    a.set_scalar("bins", static_cast<double>(p.get_int("bins")));
    return a;
  }
};

}  // namespace

std::unique_ptr<coords::CoordinateSampler> coords::make_entropy_sampler(std::span<const float> values, double ratio,
                                                                        std::size_t bins) {
  return std::make_unique<FlatHistogramDraws>(values, ratio, bins);
}

REPRISE_COMPONENT(EntropySampler, "sampler/entropy", "1",
                  "INR training coordinates: histogram-flattening draws (C = Nρ/B per bin, deficit redistributed)",
                  coords::param_ratio(), param_int("bins", 64, "histogram bins B over the value range").range(1, 1 << 20),
                  coords::output_method(), coords::output_ratio(), output("bins", "scalar: B"))

}  // namespace reprise
