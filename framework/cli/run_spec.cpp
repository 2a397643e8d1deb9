#include "framework/cli/run_spec.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "framework/core/hash.hpp"
#include "framework/exec/executor.hpp"
#include "framework/exec/mpi_executor.hpp"
#include "framework/plan/graph.hpp"
#include "framework/report/results.hpp"
#include "framework/spec/spec.hpp"
#include "framework/store/cache.hpp"

namespace reprise {
namespace fs = std::filesystem;

Sandbox make_sandbox(const RunArgs& a) {
  if (!a.sandbox) return {};
  std::vector<std::string> roots{fs::path(a.spec).parent_path().string()};
  roots.insert(roots.end(), a.allow_paths.begin(), a.allow_paths.end());
  return Sandbox(roots);
}

void check_exec_allowed(const RunArgs& a, const Spec& spec) {
  if (!a.sandbox || a.allow_exec) return;
  for (const auto& node : spec.nodes)
    if (node.use.text.rfind("exec/", 0) == 0)
      throw SpecError(node.use.loc, "node '" + node.name + "' uses " + node.use.text +
                                        ", which runs a program on this machine; --sandbox refuses it unless --allow-exec is given");
}

namespace {

// -------------------------------------------------------------------- plan

void print_plan(const Plan& plan, Cache& cache, const std::vector<bool>& force) {
  std::size_t cached = 0;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlannedNode& n = plan.nodes[i];
    bool hit = !force[i] && cache.contains(n.identity);
    cached += hit;
    std::printf("%-7s %-32s %-24s %s\n", hit ? "cached" : "run", n.display().c_str(), n.component->name.c_str(),
                hex16(n.identity).c_str());
  }
  std::printf("%zu sweep points, %zu distinct nodes: %zu cached, %zu to run\n", plan.sweep.size(), plan.nodes.size(), cached,
              plan.nodes.size() - cached);
}

std::vector<bool> forced_nodes(const Plan& plan, const std::vector<std::string>& names) {
  std::vector<bool> force(plan.nodes.size(), false);
  for (const auto& name : names) {
    auto marked = plan.downstream_of(name);
    for (std::size_t i = 0; i < force.size(); ++i) force[i] = force[i] || marked[i];
  }
  return force;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string run_status(const ExecReport& rep) {
  if (rep.interrupted) return "INTERRUPTED: rerun the same command to resume from the cache";
  std::size_t failed = rep.count(NodeStatus::Failed);
  if (!failed) return "complete";
  std::string n = std::to_string(failed) + " node" + (failed == 1 ? "" : "s") + " failed";
  if (rep.halted)
    return "FAILED: " + n + "; no new nodes started after the first failure (--keep-going runs the independent ones)";
  return "FAILED: " + n + ", " + std::to_string(rep.count(NodeStatus::Skipped)) +
         " skipped downstream; every other node ran (--keep-going)";
}

void print_failures(const ExecReport& rep) {
  for (const auto& r : rep.nodes)
    if (r.status == NodeStatus::Failed) std::cerr << "error: " << r.error << "\n";
}

void print_summary(const RunRecord& run, const std::string& run_dir, const Table& table, const FigureOutcome& figs) {
  const ExecReport& rep = *run.report;
  std::ostringstream s;
  s << "\nreprise run summary\n"
    << "  spec           " << run.spec->file << " (" << run.spec->name << ")\n"
    << "  sweep points   " << run.plan->sweep.size() << "\n"
    << "  nodes          " << run.plan->nodes.size() << " distinct: " << rep.count(NodeStatus::Ran) << " ran, "
    << rep.count(NodeStatus::Cached) << " cached, " << rep.count(NodeStatus::Failed) << " failed, "
    << rep.count(NodeStatus::Skipped) << " skipped";
  std::size_t unfinished = rep.count(NodeStatus::Pending) + rep.count(NodeStatus::Cancelled);
  if (unfinished) s << ", " << unfinished << " not finished";
  s << "\n  time           " << seconds_text(run.seconds) << " (-j " << run.jobs << ")\n"
    << "  metrics        " << run_dir << "/metrics.csv (" << table.rows.size() << " rows x " << table.columns.size() << " columns)\n";
  for (const auto& f : figs.files)
    if (f.ends_with(".svg") || f.ends_with(".gp")) s << "  figure         " << run_dir << "/" << f << "\n";
  s << "  report         " << run_dir << "/report.html (and report.md)\n";
  s << "  status         " << run_status(rep) << "\n";
  std::cerr << s.str();
  print_failures(rep);
  for (const auto& w : figs.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : figs.errors) std::cerr << e << "\n";
}

}  // namespace

RunOutcome run_spec(const RunArgs& a, const std::vector<std::string>& command_line) {
  // Under `mpirun -n K` (K > 1) every rank plans; rank 0 runs, the others compute for it.
  std::unique_ptr<MpiExecutor> mpi = launched_by_mpi() ? std::make_unique<MpiExecutor>() : nullptr;
  bool mpi_worker = mpi && mpi->rank() > 0;
  Spec spec = load_spec(a.spec, a.overrides, make_sandbox(a));
  check_exec_allowed(a, spec);
  Plan full = make_plan(spec);
  Plan plan = a.shard ? shard_plan(full, *a.shard) : std::move(full);  // full stays intact only when sharded
  std::vector<bool> force = forced_nodes(plan, a.force);
  Cache cache(a.cache_dir);
  if (a.dry_run) {
    if (!mpi_worker) print_plan(plan, cache, force);
    return {};
  }
  // Only now, with the input known good, does anything get written.
  if (a.on_start) a.on_start();
  if (mpi_worker) {
    mpi->serve(plan, cache);
    return {};  // the job's exit status is rank 0's
  }
  std::string run_dir = create_run_dir(a.out, spec.name);
  RunRecord run;
  run.spec = &spec;
  run.plan = &plan;
  run.jobs = a.jobs;
  run.command_line = command_line;
  run.cache_dir = a.cache_dir;
  run.started = now_iso_utc();
  write_run_start(run_dir, run);
  auto t0 = std::chrono::steady_clock::now();
  if (a.verbosity > 0)
    std::cerr << "reprise: " << spec.name << ": " << plan.sweep.size() << " sweep points, " << plan.nodes.size()
              << " distinct nodes, -j " << a.jobs << (mpi ? " on rank 0 + " + std::to_string(mpi->size() - 1) + " MPI workers" : "")
              << "\n";
  ExecOptions options{a.jobs, force, a.verbosity, a.keep_going, {}};
  ExecReport report = mpi ? mpi->execute(plan, cache, options) : execute(plan, cache, options);
  if (mpi && a.verbosity > 0) std::cerr << "reprise: " << mpi->summary() << "\n";
  run.report = &report;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.finished = now_iso_utc();
  Table table = metrics_table(plan, report);
  FigureOutcome figs;
  try {
    figs = write_run(run_dir, run, table);
  } catch (const std::exception& e) {
    // e.g. the disk filled up: say what was lost, after what the nodes did.
    print_failures(report);
    std::string lost = "the run directory " + run_dir + " is incomplete: " + e.what();
    std::cerr << "reprise: error: " << lost << "\n";
    return {report.interrupted ? kInterrupted : kFailed, "", {lost}};
  }
  if (a.shard) write_shard_record(run_dir, make_shard_record(*a.shard, full, plan, report));
  if (a.verbosity > 0) print_summary(run, run_dir, table, figs);
  else {
    print_failures(report);
    for (const auto& e : figs.errors) std::cerr << e << "\n";
  }
  RunOutcome outcome{kOk, run_dir, figs.errors};
  for (const auto& r : report.nodes)
    if (r.status == NodeStatus::Failed) outcome.problems.push_back(r.error);
  if (report.interrupted) outcome.code = kInterrupted;
  else if (report.count(NodeStatus::Failed)) outcome.code = kFailed;
  else if (!figs.errors.empty()) outcome.code = kBadInput;
  return outcome;
}

}  // namespace reprise
