// Merge: joins the run directories of `--shard i/N` runs into one result.
//
// `reprise report --merge DIR... [--out DIR]` checks that the directories are the
// N distinct shards of one plan (same shard count, sweep size and plan fingerprint,
// from each shard.txt), then writes a run directory whose metrics.csv is exactly
// what one unsharded run would have written: the same columns (sweep axes, then
// each spec node's sorted scalar keys) and one row per sweep point, in sweep order.
// Figures of the spec are redrawn from the merged table; figure-node files of the
// shards are copied. The directory also gets spec.resolved.yaml, cache-refs.txt (the
// union, so `cache gc` keeps every shard's entries), provenance.json and report.md.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "framework/report/results.hpp"
#include "framework/report/table.hpp"

namespace reprise {

// Bad input to a merge: not shard directories, shards of different plans, a shard
// missing or given twice. The CLI exits 2 on it.
struct MergeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct MergeOutcome {
  std::string dir;                     // the merged run directory
  Table table;                         // what metrics.csv holds
  std::size_t sweep_points = 0;        // of the full sweep
  std::vector<std::string> warnings;   // points without a row, figures not redrawn, ...
  FigureOutcome figures;
};

// Merges `shard_dirs` into `out_dir`, or, when it is empty, into a new run directory
// beside the shards (<results>/<spec name>/<run-id>/).
MergeOutcome merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out_dir);

}  // namespace reprise
