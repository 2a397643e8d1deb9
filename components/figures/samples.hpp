// figure/samples: a sampler's samples scattered over the target density
// exp(-E), like the tensor-train flow paper's scatter figures of the 2-D
// Gaussian mixtures (seed 002). A figure node, drawn like figure/slices (see
// components/figures/slices.hpp): it returns strings "file", "script" and
// "data", and the run writer puts them in figures/<file>[-<sweep values>].*
// and runs gnuplot, which draws the .png.
//
// Input `target` is a target/* node (rebuilt with Target::from_artifact), and
// `samples` any node with array "samples" {n, d} of the target's d: a
// sampler/*, or a target/* itself (its exact samples). `dims` picks the two
// coordinates drawn (x, then y).
//
// For d = 2 the background is exp(-E) evaluated on a `grid` x `grid` lattice
// over the box (a heat map with contour lines). For d > 2 there is no density
// to show without integrating out the other coordinates, so the background is
// the target's own exact samples in grey (the true 2-D marginal, by sampling),
// and the title says so.
//
// The box is `range` [lo, hi] on both axes, or else the extent of the target's
// exact samples on each axis plus 10%. Samples outside it are clipped by
// gnuplot; the key and the .dat say how many. At most `max_points` samples
// are drawn, evenly strided through the array (deterministic, no seed).
//
// .dat layout: index 0 is the background (d = 2: "x y exp(-E)" rows, one scan
// line per x value, scan lines separated by one blank line, as gnuplot's grid
// format expects; d > 2: "x y" of the exact samples), index 1 the samples "x y".
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class SamplesFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
