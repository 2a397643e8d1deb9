// metric/energy-distance: Székely's energy distance between a sample X and a
// reference Y (e.g. a target's exact samples), the figure of merit of the
// tensor-train flow paper (seed 002):
//     D² = 2 E|X − Y| − E|X − X′| − E|Y − Y′|,
// with the expectations over the empirical distributions (V-statistics, so
// D² >= 0 and D² = 0 for identical sets). Both D² ("energy_distance_sq") and
// D ("energy_distance", as scipy.stats.energy_distance reports it) are written.
// Exact O(n·m·d); `max_samples` > 0 uses that many rows of each set, drawn
// without replacement with the node's seed.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class EnergyDistance : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

// D² of two row sets (rows of length d).
double energy_distance_sq(const std::vector<double>& x, const std::vector<double>& y, std::size_t d);

}  // namespace reprise
