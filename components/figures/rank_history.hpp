// figure/rank-history: the tensor-train ranks of a sampler/ttflow run against
// annealing time, like the tensor-train flow paper's many-well rank-vs-time
// figure (seed 002). A figure node, drawn like figure/slices (see
// components/figures/slices.hpp): it returns strings "file", "script" and
// "data", and the run writer renders figures/<file>[-<sweep values>].png.
//
// Input `sampler` is a sampler/ttflow node: its "max_rank_history" {steps} is
// drawn against "times"[1..] {steps + 1}. The FTT fitted at step k moves the
// particles from times[k] to times[k + 1], so its rank is drawn at the end of
// the step it served. When the node also has "ranks" {steps, d + 1} (and
// `bonds` is on), every inner bond's rank is drawn too, coloured by bond
// index; the two outer bonds are always 1 and left out, and a lone inner
// bond (d = 2) is the max rank itself, so it is not drawn twice.
//
// .dat layout: index 0 "t max_rank"; index 1 (with bonds) "t rank bond", one
// line per bond, separated by one blank line.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class RankHistoryFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
