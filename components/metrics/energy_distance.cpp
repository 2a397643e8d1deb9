// metric/energy-distance: Székely's energy distance between a sample X and a
// reference Y (e.g. a target's exact samples), the figure of merit of the
// tensor-train flow paper (seed 002):
//     D² = 2 E|X − Y| − E|X − X′| − E|Y − Y′|,
// with the expectations over the empirical distributions (V-statistics, so
// D² >= 0 and D² = 0 for identical sets). Both D² ("energy_distance_sq") and
// D ("energy_distance", as scipy.stats.energy_distance reports it) are written.
// Exact O(n·m·d); `max_samples` > 0 uses that many rows of each set, drawn
// without replacement with the node's seed.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "components/metrics/moments.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Mean Euclidean distance over all pairs (row of a, row of b).
double mean_distance(const std::vector<double>& a, const std::vector<double>& b, std::size_t d) {
  const std::size_t na = a.size() / d, nb = b.size() / d;
  double total = 0;
  for (std::size_t i = 0; i < na; ++i) {
    double row = 0;
    for (std::size_t j = 0; j < nb; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < d; ++k) {
        const double diff = a[i * d + k] - b[j * d + k];
        s += diff * diff;
      }
      row += std::sqrt(s);
    }
    total += row;
  }
  return total / (static_cast<double>(na) * static_cast<double>(nb));
}

std::vector<double> rows_of(const Array& a, std::size_t keep, std::mt19937_64& rng) {
  const std::vector<double> all = a.to_double();
  const std::size_t n = a.shape()[0], d = a.shape()[1];
  if (keep == 0 || keep >= n) return all;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<double> out;
  out.reserve(keep * d);
  for (std::size_t i = 0; i < keep; ++i) out.insert(out.end(), all.begin() + order[i] * d, all.begin() + (order[i] + 1) * d);
  return out;
}

// D² of two row sets (rows of length d).
double energy_distance_sq(const std::vector<double>& x, const std::vector<double>& y, std::size_t d) {
  return 2 * mean_distance(x, y, d) - mean_distance(x, x, d) - mean_distance(y, y, d);
}

class EnergyDistance : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    const Array& truth = sample_matrix(in.get("truth"), "truth");
    const Array& sample = sample_matrix(in.get("sample"), "sample");
    check_same_variables(truth, sample);
    std::mt19937_64 rng(ctx.seed());
    const auto keep = static_cast<std::size_t>(p.get_int("max_samples"));
    const std::vector<double> y = rows_of(truth, keep, rng), x = rows_of(sample, keep, rng);
    const std::size_t d = truth.shape()[1];
    const double d2 = std::max(0.0, energy_distance_sq(x, y, d));
    Artifact out;
    out.set_scalar("energy_distance_sq", d2);
    out.set_scalar("energy_distance", std::sqrt(d2));
    out.set_scalar("sample_rows", static_cast<double>(x.size() / d));
    out.set_scalar("truth_rows", static_cast<double>(y.size() / d));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(EnergyDistance, "metric/energy-distance", "1",
                  "Székely's energy distance between a sample and reference samples (exact, optionally subsampled)",
                  param_int("max_samples", 0, "use at most this many rows of each set (random subset); 0: all")
                      .at_least(0),
                  input("truth", "artifact with array 'samples' {n, d}: the reference (e.g. a target/* node)"),
                  input("sample", "artifact with array 'samples' {m, d}: the set judged (e.g. a sampler)"),
                  output("energy_distance_sq", "scalar: D² = 2E|X−Y| − E|X−X'| − E|Y−Y'| (V-statistics)"),
                  output("energy_distance", "scalar: D = sqrt(D²)"),
                  output("sample_rows", "scalar: rows of the sample used"),
                  output("truth_rows", "scalar: rows of the reference used"))

}  // namespace reprise
