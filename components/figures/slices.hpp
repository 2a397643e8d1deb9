// figure/slices: heat maps of a few 2-D slices of a volume and of its
// reconstruction, like the INR paper's Fig. 2 and Figs. 4-7 (seed 001): one row
// per slice (by default r-layers 0, 8 and 15 of a {c, z, r} TPC volume), three
// columns: the original, the reconstruction (both in the original's colour
// range over the slices shown, so intensities compare and zeros stay white;
// reconstructed values outside it take the end colours) and
// |original - reconstruction| (its own range from 0), each difference panel
// titled with the slice's mean absolute difference.
//
// A figure component is a DAG node (under nodes:, fed by other nodes), unlike the
// plot components, which draw the metrics table under figures:. It writes no
// file itself: it returns strings "file" (the base name), "script" (a gnuplot
// script) and "data" (the matrices, one gnuplot `index` block per panel, row by
// row in matrix format), and the run writer (framework/results.cpp) puts them in
// figures/<file>[-<sweep values>].{gp,dat} and runs gnuplot, which draws the
// .png. The script reads the base name from the gnuplot variable `base`, which
// the writer sets in its first line, so each sweep point's figure has its own
// files and `gnuplot <name>.gp` redraws it.
//
// Inputs `truth` and `test` hold array `key` (default "volume") of the same shape,
// rank 3, or rank 4 with a leading events axis (param `event` picks one volume).
// `axis` is the axis sliced (negative counts from the end: -1, the r layers); the
// two axes left are the image's rows (y) and columns (x).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class SlicesFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
