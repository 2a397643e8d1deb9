// metric/mode-weights: how well a sample spreads its mass over a multimodal
// target's modes (seed 002): each sample row is assigned to a mode by the
// target (target.hpp: the most responsible component of a mixture, the sign
// pattern of a many-well), and the empirical fractions are compared with the
// exact mode masses. Writes the largest per-mode |error|, the total variation
// ½ Σ |error|, and how many modes the sample visits out of how many have mass.
// For a target whose modes are products of two-way choices (the many-well's
// 2^(d/2) sign patterns, too many to fill with a few thousand samples) it also
// compares each choice's marginal: the fraction of samples with bit i of their
// mode set against its exact probability ("factor_max_abs", "factor_mean_abs").
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/metrics/moments.hpp"
#include "components/targets/target.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Per-bit marginal errors (targets with bit_masses() only), from the mode of
// every sample row.
void write_factor_errors(const Target& target, const std::vector<std::size_t>& modes, Artifact& out) {
  const std::vector<double> bits = target.bit_masses();
  if (bits.empty()) return;
  const std::size_t n = modes.size();
  std::vector<double> fraction(bits.size(), 0.0);
  for (const std::size_t mode : modes)
    for (std::size_t b = 0; b < bits.size(); ++b)
      if ((mode >> b) & 1U) fraction[b] += 1.0 / static_cast<double>(n);
  double worst = 0, total = 0;
  for (std::size_t b = 0; b < bits.size(); ++b) {
    worst = std::max(worst, std::abs(fraction[b] - bits[b]));
    total += std::abs(fraction[b] - bits[b]);
  }
  out.set_scalar("factor_max_abs", worst).set_scalar("factor_mean_abs", total / static_cast<double>(bits.size()));
  out.set_array("factor_fractions", Array::from<double>({fraction.size()}, fraction));
}

class ModeWeights : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const auto target = Target::from_artifact(in.get("target"), "input 'target'");
    const Array& sample = sample_matrix(in.get("sample"), "sample");
    if (sample.shape()[1] != target->dim())
      throw std::invalid_argument("the sample has " + std::to_string(sample.shape()[1]) + " variables, the target " +
                                  std::to_string(target->dim()));
    const std::vector<double> x = sample.to_double();
    const std::size_t n = sample.shape()[0], d = target->dim();
    std::vector<double> freq(target->mode_count(), 0.0);
    std::vector<std::size_t> modes(n);  // each row's mode, found once for both error measures
    for (std::size_t i = 0; i < n; ++i) freq[modes[i] = target->mode_of(&x[i * d])] += 1.0 / static_cast<double>(n);
    const std::vector<double> exact = target->mode_weights();
    double max_abs = 0, tv = 0;
    std::size_t visited = 0;
    for (std::size_t m = 0; m < exact.size(); ++m) {
      const double err = std::abs(freq[m] - exact[m]);
      max_abs = std::max(max_abs, err);
      tv += 0.5 * err;
      if (freq[m] > 0) ++visited;
    }
    Artifact out;
    write_factor_errors(*target, modes, out);
    out.set_scalar("max_abs", max_abs).set_scalar("total_variation", tv);
    out.set_scalar("modes_visited", static_cast<double>(visited)).set_scalar("modes", static_cast<double>(exact.size()));
    out.set_array("fractions", Array::from<double>({freq.size()}, freq));
    out.set_array("exact", Array::from<double>({exact.size()}, exact));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(ModeWeights, "metric/mode-weights", "2",
                  "per-mode mass error of a sample against a multimodal target's exact mode masses",
                  input("target", "a target/* node"),
                  input("sample", "artifact with array 'samples' {n, d} (e.g. a sampler)"),
                  output("max_abs", "scalar: largest |fraction − exact mass| over the modes"),
                  output("total_variation", "scalar: ½ Σ |fraction − exact mass|"),
                  output("modes_visited", "scalar: modes holding at least one sample"),
                  output("modes", "scalar: number of modes"),
                  output("fractions", "float64 {modes}: the sample's fraction in each mode"),
                  output("exact", "float64 {modes}: the exact masses"),
                  output("factor_max_abs", "scalar (many-well only): largest |fraction − exact| over the "
                                           "per-pair well choices (bit i of the mode)"),
                  output("factor_mean_abs", "scalar (many-well only): mean of those errors"),
                  output("factor_fractions", "float64 {d/2} (many-well only): the sample's fraction per bit"))

}  // namespace reprise
