// Stage exec/ (4 of 6). In: a Plan and a Cache. Out: an ExecReport (per node:
// status, seconds, error, scalars), every computed artifact stored in the cache.
// Threads (executor.hpp), MPI ranks (mpi_executor.hpp), --shard (shard.hpp),
// timeouts (deadline.hpp), live progress (progress.hpp). Uses core/, plan/, store/.
//
// Executor: runs a Plan's nodes on a thread pool, with the cache in front.
//
// Every node is either a cache hit (only its scalars are read) or is computed once
// its inputs are ready; up to `jobs` nodes compute at the same time. Inputs that are
// not in memory are loaded from the cache (and recomputed if that entry turns out
// corrupt).
//
// A node fails when its component throws, returns a non-finite top-level scalar
// (NaN always; +-inf unless its OutputSpec allows it), or overruns its `timeout:`
// (see deadline.hpp); the message names node, component and sweep point, and a
// failed node is never cached. What happens next depends on keep_going:
//   * false (default): fail fast. No new node starts after the first failure;
//     nodes already running finish (and are cached). The rest stay "not run".
//   * true (--keep-going): everything downstream of a failed node is skipped, every
//     independent node still runs.
// request_stop() (Ctrl-C) stops handing out new nodes; running components see
// ctx.cancelled() and either finish (their result is cached) or abandon.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "framework/store/cache.hpp"
#include "framework/plan/graph.hpp"

namespace reprise {

enum class NodeStatus { Pending, Cached, Ran, Failed, Skipped, Cancelled };
const char* status_name(NodeStatus s);

struct NodeResult {
  NodeStatus status = NodeStatus::Pending;
  double seconds = 0;        // compute (or cache read) time
  std::string error;         // for Failed
  Artifact summary;          // top-level scalars and strings
};

struct ExecOptions {
  int jobs = 1;
  std::vector<bool> force;  // per plan node: ignore the cache
  int verbosity = 1;        // 0 quiet, 1 normal, 2 verbose
  bool keep_going = false;  // after a failure, run the independent nodes too
  // Set by the MPI master (mpi_executor.hpp): computes node `idx` on another rank
  // and returns its result, or nullopt to compute it in this process as usual.
  // Called from the executor's threads, after the cache lookup and the node's lock.
  std::function<std::optional<NodeResult>(std::size_t idx)> remote;
};

struct ExecReport {
  std::vector<NodeResult> nodes;  // per plan node
  bool interrupted = false;
  bool halted = false;  // fail-fast stopped scheduling after a failure
  std::size_t count(NodeStatus s) const;
};

ExecReport execute(const Plan& plan, Cache& cache, const ExecOptions& options);

// Computes one node: its component under the node's `timeout:` (deadline.hpp),
// then the non-finite check of its scalars. The one place both the thread pool
// and MPI workers run a component; throws on any failure (Cancelled on Ctrl-C).
Artifact run_node(const PlannedNode& node, const Inputs& in, Context& ctx);

// "node 'err' (metric/x) at sweep point energy=0.5 failed: <what>": how a node's
// failure is reported, wherever it ran.
std::string node_failure(const PlannedNode& node, const std::string& what);

// Async-signal-safe: asks a running execute() to stop.
void request_stop();
bool stop_requested();
// Forgets an earlier request_stop(), for a process that runs again after an
// interrupt (the Python module: one KeyboardInterrupt must not stop every later run).
void clear_stop_request();

}  // namespace reprise
