// Shard: one deterministic slice of a run's sweep, for Slurm job arrays.
//
// `reprise run SPEC --shard i/N` plans the whole sweep, keeps the i-th of N
// contiguous blocks of sweep points (0-based i, as $SLURM_ARRAY_TASK_ID with
// --array=0-(N-1)) and runs only the nodes those points need. Contiguous blocks
// (rather than every N-th point) keep points that share upstream nodes together,
// so shards duplicate less work; the shared cache and its locks handle the rest.
// Each shard's run directory gets shard.txt: which shard it was, a fingerprint of
// the full plan (so shards of different specs or overrides are never merged) and
// the full-sweep index of every metrics.csv row. `reprise report --merge` reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "framework/exec/executor.hpp"
#include "framework/plan/graph.hpp"

namespace reprise {

struct Shard {
  std::size_t index = 0;  // 0-based
  std::size_t count = 1;
};

// Parses "i/N" (0 <= i < N); throws std::invalid_argument with a message naming
// the accepted form.
Shard parse_shard(const std::string& text);

// The sweep points [first, last) of shard `s` of a sweep of `points` points.
std::pair<std::size_t, std::size_t> shard_range(Shard s, std::size_t points);

// Hash of every node identity of a plan, in order: equal for runs of the same
// spec, overrides and code versions.
std::uint64_t plan_fingerprint(const Plan& plan);

// The part of `full` that shard `s` runs: its sweep points (a Sweep::subset) and
// just the nodes they use, renumbered in the same topological order. It has no
// figures: those are drawn from the merged table.
Plan shard_plan(const Plan& full, Shard s);

// What shard.txt records.
struct ShardRecord {
  Shard shard;
  std::size_t sweep_points = 0;      // of the full sweep
  std::uint64_t fingerprint = 0;     // plan_fingerprint of the full plan
  std::vector<std::size_t> rows;     // full-sweep index of each metrics.csv row
};

// The record for a finished shard run: `plan` is the shard plan, `report` its result.
ShardRecord make_shard_record(Shard s, const Plan& full, const Plan& plan, const ExecReport& report);

void write_shard_record(const std::string& run_dir, const ShardRecord& r);
// Throws std::runtime_error naming the file when it is missing or malformed.
ShardRecord read_shard_record(const std::string& run_dir);

}  // namespace reprise
