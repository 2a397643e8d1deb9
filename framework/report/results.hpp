// Stage report/ (5 of 6). In: the Spec, Plan and ExecReport of a run, or run
// directories on disk. Out: results/<spec>/<run-id>/ (results.hpp), the metrics
// Table (table.hpp), paper claims checked (claims.hpp), report.md/.html
// (report.hpp) and merged shards (merge.hpp). Uses every earlier stage.
//
// Results: the run directory a user reads after `reprise run`.
//
// results/<spec name>/<run-id>/ holds spec.resolved.yaml (the exact config after
// includes and overrides, with every sweep point), metrics.csv (one row per sweep
// point: a column per axis, then one per scalar `node.key`), provenance.json (code
// version, compiler, libraries, host, times, per-node status and seconds, seeds),
// cache-refs.txt (identities the run used, for `cache gc --keep-runs`), figures/
// (gnuplot .gp + .dat, and .svg/.png when gnuplot is installed), report.md and a
// self-contained report.html (framework/report).
// Figures come from two places: plot components under the spec's figures:, drawn
// from the metrics table, and figure components (kind "figure", e.g.
// figure/slices), DAG nodes whose summary strings "file", "script" and "data"
// are written per distinct node as figures/<file>[-<sweep values>].{gp,dat,png}.
// A new run never touches the directories of earlier runs.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "framework/exec/executor.hpp"
#include "framework/plan/graph.hpp"
#include "framework/spec/spec.hpp"
#include "framework/report/table.hpp"

namespace reprise {

struct RunRecord {
  const Spec* spec = nullptr;
  const Plan* plan = nullptr;
  const ExecReport* report = nullptr;
  std::vector<std::string> command_line;
  std::string cache_dir;  // where the run's artifacts are (provenance "cache", made absolute)
  std::string started, finished;  // ISO-8601 UTC
  double seconds = 0;
  int jobs = 1;
  bool running = false;  // provenance says "running": the run has not ended (yet)
};

// Creates results_root/<name>/<run-id>/ (unique even for runs in the same second).
std::string create_run_dir(const std::string& results_root, const std::string& name);

// The metrics table: one row per sweep point whose nodes all completed.
Table metrics_table(const Plan& plan, const ExecReport& report);

struct FigureOutcome {
  std::vector<std::string> files;     // written, relative to the run dir
  std::vector<std::string> warnings;  // e.g. gnuplot missing
  std::vector<std::string> errors;    // bad figure specs (file:line:col: ...)
};

// Writes spec.resolved.yaml and a provenance.json with status "running" as soon as
// the run starts: a run killed with SIGKILL (or a power cut) leaves a directory
// that says it never finished, instead of an empty one. `latest` is not moved.
void write_run_start(const std::string& run_dir, const RunRecord& run);

// Writes every file of the run directory; plot figures are drawn from `table`,
// figure nodes from their summaries in run.report.
FigureOutcome write_run(const std::string& run_dir, const RunRecord& run, const Table& table);

// Draws the spec's plot figures (figures:) from `table` into run_dir/figures, as
// write_run() does; used to redraw them for a merged table.
FigureOutcome draw_table_figures(const std::string& run_dir, const Spec& spec, const Plan& plan, const Table& table);

// Identities referenced by the newest `keep_runs` runs of every spec under
// results_root (all runs when keep_runs is 0).
std::set<std::uint64_t> referenced_identities(const std::string& results_root, std::size_t keep_runs);


}  // namespace reprise
