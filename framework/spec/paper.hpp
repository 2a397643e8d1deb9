// Paper: what a spec reproduces, as the spec's optional `paper:` block says it.
//
//   paper:
//     title: "QoI compression, Fig. 2: Gibbs sweeps from decompressed samples"
//     source: "seeds/000 (Vu & Lokhov), Fig. 2"
//     quick: [sweep.energy=0.9, nodes.data.samples=100000]   # overrides for `reproduce --quick`
//     claims:
//       - text: "from decompressed samples, <= 10 sweeps reach QoI error < 0.05"
//         metric: err.max_abs                 # a column of metrics.csv
//         where: {init: packed, steps: 10}    # rows kept: equal, one of a list, or "< 5755"
//         reduce: max                         # min | max | mean | median (default)
//         published: 0.05
//         expect: below                       # below | above | near (within tolerance)
//       - text: "TT flow's energy distance is 0.54x stochastic-only's (0.076 vs 0.14)"
//         metric: ed.distance
//         where: {method: ttflow}
//         relative_to: {where: {method: smc}}  # ours = selection / baseline selection
//         published: 0.54
//         expect: below
//       - text: "the INR's MSE is below SZ3's at the same ratio, at every ratio >= 60"
//         metric: mse.mse
//         where: {codec: inr, cr.ratio: ">= 60"}
//         reduce: max                          # the worst of the per-row ratios
//         relative_to: {where: {codec: sz3}, at: cr.ratio}
//         published: 1
//         expect: below
// With `at: X`, each selected row of ours is divided by the baseline's frontier
// at that row's X: the baseline rows' lower envelope (the points no other point
// beats on both larger X and smaller metric), interpolated linearly in log X and
// log metric; the claim's reduce then reduces those ratios. A row outside the
// frontier's X range has no ratio (the claim says so rather than extrapolate).
//
// In: the spec tree. Out: a PaperBlock (report/claims evaluates it on a run).
// A claim compares one number of ours, reduced from the rows of the run's metrics
// table it selects, with the published number. The block is checked when the spec
// loads (file:line:col errors) and is not part of any node's identity: editing the
// published numbers never invalidates the cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "framework/core/errors.hpp"

namespace reprise {

struct SpecValue;

// One `where:` condition on a metrics-table column.
struct RowFilter {
  enum class Op { OneOf, Less, LessEqual, Greater, GreaterEqual, NotEqual };
  std::string column;
  Op op = Op::OneOf;
  std::vector<std::string> values;  // OneOf: any of these cells; NotEqual: not this one
  double bound = 0;                 // the comparisons
  Loc loc;
};

enum class Reduce { Median, Mean, Min, Max };

struct Selection {
  std::string metric;
  std::vector<RowFilter> where;
  Reduce reduce = Reduce::Median;
  std::string at;  // relative_to only: compare at matching values of this column (see above)
  Loc loc;
};

enum class Expect { Below, Above, Near };

struct Claim {
  std::string text;
  Selection ours;
  std::optional<Selection> relative_to;  // ours becomes a ratio to this selection
  double published = 0;
  Expect expect = Expect::Near;
  double tolerance = 0.1;  // Near: |ours / published - 1| <= tolerance
  Loc loc;
};

struct PaperBlock {
  std::string title;
  std::string source;
  std::vector<std::string> quick;  // `key.path=value` overrides for reproduce --quick
  std::vector<Claim> claims;
};

// The `paper:` entry of a spec tree (nullopt when absent). Throws SpecError.
std::optional<PaperBlock> read_paper(const SpecValue& tree);

}  // namespace reprise
