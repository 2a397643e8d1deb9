// Executor: runs a Plan's nodes on a thread pool, with the cache in front.
//
// Every node is either a cache hit (only its scalars are read) or is computed once
// its inputs are ready; up to `jobs` nodes compute at the same time. Inputs that are
// not in memory are loaded from the cache (and recomputed if that entry turns out
// corrupt). A failed node fails everything downstream of it but not its siblings.
// request_stop() (Ctrl-C) stops handing out new nodes; running components see
// ctx.cancelled() and either finish (their result is cached) or abandon.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "framework/cache.hpp"
#include "framework/graph.hpp"

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
  // Set by the MPI master (mpi_executor.hpp): computes node `idx` on another rank
  // and returns its result, or nullopt to compute it in this process as usual.
  // Called from the executor's threads, after the cache lookup and the node's lock.
  std::function<std::optional<NodeResult>(std::size_t idx)> remote;
};

struct ExecReport {
  std::vector<NodeResult> nodes;  // per plan node
  bool interrupted = false;
  std::size_t count(NodeStatus s) const;
};

ExecReport execute(const Plan& plan, Cache& cache, const ExecOptions& options);

// "node 'err' (metric/x) at sweep point energy=0.5 failed: <what>": how a node's
// failure is reported, wherever it ran.
std::string node_failure(const PlannedNode& node, const std::string& what);

// Async-signal-safe: asks a running execute() to stop.
void request_stop();
bool stop_requested();

}  // namespace reprise
