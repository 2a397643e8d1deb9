#include "framework/exec/executor.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "framework/store/cache_lock.hpp"
#include "framework/exec/deadline.hpp"
#include "framework/core/hash.hpp"
#include "framework/exec/progress.hpp"

namespace reprise {

namespace {
std::atomic<bool> g_stop{false};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

// Throws naming the first top-level scalar that is NaN, or +-inf without the
// component's leave (OutputSpec::may_be_infinite): such a value would go into
// metrics.csv and the cache as if it were a result.
void check_finite(const Artifact& a, const ComponentInfo& c) {
  for (const auto& [k, v] : a.scalars()) {
    if (std::isfinite(v)) continue;
    const OutputSpec* out = c.find_output(k);
    if (std::isinf(v) && out && out->may_be_infinite) continue;
    throw std::runtime_error("returned a non-finite value for scalar output '" + k + "' (" + (std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf") + ")");
  }
}

Artifact summary_of(const Artifact& a) {
  Artifact s;
  for (const auto& [k, v] : a.scalars()) s.set_scalar(k, v);
  for (const auto& [k, v] : a.strings()) s.set_string(k, v);
  return s;
}

class NodeContext : public Context {
 public:
  NodeContext(std::uint64_t seed, Progress& progress, std::size_t slot) : seed_(seed), progress_(progress), slot_(slot) {}
  std::uint64_t seed() const override { return seed_; }
  void progress(std::uint64_t done, std::uint64_t total) override { progress_.update(slot_, done, total); }
  bool cancelled() const override { return stop_requested(); }
  void log(const std::string& message) override { progress_.log("  " + message, 2); }
 private:
  std::uint64_t seed_;
  Progress& progress_;
  std::size_t slot_;
};

class Run {
 public:
  Run(const Plan& plan, Cache& cache, const ExecOptions& options)
      : plan_(plan), cache_(cache), options_(options), progress_(options.verbosity, plan.nodes.size()),
        results_(plan.nodes.size()), waiting_(plan.nodes.size()), consumers_(plan.nodes.size()),
        remaining_consumers_(plan.nodes.size()) {
    for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
      waiting_[i] = plan.nodes[i].inputs.size();
      for (const auto& [name, src] : plan.nodes[i].inputs) {
        consumers_[src].push_back(i);
        ++remaining_consumers_[src];
      }
      if (waiting_[i] == 0) ready_.push_back(i);
    }
  }

  ExecReport go() {
    std::vector<std::thread> workers;
    int jobs = std::max(1, options_.jobs);
    for (int j = 0; j < jobs; ++j) workers.emplace_back([this] { work(); });
    for (auto& w : workers) w.join();
    progress_.stop();
    ExecReport report;
    report.nodes = std::move(results_);
    report.interrupted = stop_requested();
    report.halted = halted_;
    return report;
  }

 private:
  void work() {
    while (true) {
      std::size_t idx;
      {
        std::unique_lock lock(mu_);
        while (!stop_requested() && !halted_ && ready_.empty() && done_ < plan_.nodes.size())
          cv_.wait_for(lock, std::chrono::milliseconds(100));  // polls the stop flag set by a signal
        if (stop_requested() || halted_ || done_ == plan_.nodes.size()) return;
        idx = ready_.front();
        ready_.pop_front();
      }
      process(idx);
      complete(idx);
    }
  }

  bool forced(std::size_t idx) const { return idx < options_.force.size() && options_.force[idx]; }

  void process(std::size_t idx) {
    const PlannedNode& node = plan_.nodes[idx];
    if (!forced(idx) && cached(idx)) return;
    // Another process sharing the cache (a concurrent run, a shard) may be computing
    // this node: wait for it and take its result instead of computing it twice.
    CacheLock lock = CacheLock::acquire(cache_.path_for(node.identity) + ".lock", stop_requested, [&](const std::string& holder) {
      progress_.log("waiting for " + node.display() + ": being computed by " + holder);
    });
    if (lock.cancelled()) {
      set_result(idx, NodeStatus::Cancelled, 0, "cancelled", {});
      return;
    }
    // Also without waiting: the holder may have stored it between our check and our lock.
    if (!forced(idx) && cached(idx)) return;
    if (options_.remote)
      if (std::optional<NodeResult> r = options_.remote(idx)) return record_remote(idx, std::move(*r));
    compute(idx);
  }

  // A node computed on another MPI rank: it is in the cache; only its scalars came back.
  void record_remote(std::size_t idx, NodeResult r) {
    const PlannedNode& node = plan_.nodes[idx];
    std::string line = r.status == NodeStatus::Ran ? "ran    " + node.display() + " (" + node.component->name + ") " + seconds_text(r.seconds)
                       : r.status == NodeStatus::Failed ? "FAILED " + node.display() + ": " + r.error
                                                        : "cancelled " + node.display();
    set_result(idx, r.status, r.seconds, std::move(r.error), std::move(r.summary));
    progress_.end(progress_.begin(node.display(), node.component->name), line, r.status != NodeStatus::Cancelled);
  }

  // A cache hit reads only the node's scalars; false when missing or corrupt.
  bool cached(std::size_t idx) {
    const PlannedNode& node = plan_.nodes[idx];
    if (!cache_.contains(node.identity)) return false;
    auto t0 = std::chrono::steady_clock::now();
    CacheRead r = cache_.load_summary(node.identity);
    if (r.status == CacheRead::Status::Ok) {
      set_result(idx, NodeStatus::Cached, seconds_since(t0), "", std::move(r.artifact));
      progress_.finished("cached " + node.display() + " (" + node.component->name + ") " + hex16(node.identity));
      return true;
    }
    if (r.status == CacheRead::Status::Corrupt)
      progress_.log("warning: cache entry of " + node.display() + " is corrupt (" + r.problem + "); moved to quarantine, recomputing");
    return false;
  }

  // Runs the component; on success the artifact is cached and kept in memory for consumers.
  std::shared_ptr<const Artifact> compute(std::size_t idx) {
    const PlannedNode& node = plan_.nodes[idx];
    Inputs inputs;
    try {
      for (const auto& [name, src] : node.inputs) inputs.set(name, obtain(src));
    } catch (const std::exception& e) {
      set_result(idx, NodeStatus::Failed, 0, std::string("could not obtain inputs: ") + e.what(), {});
      return nullptr;
    }
    std::size_t slot = progress_.begin(node.display(), node.component->name);
    NodeContext ctx(node.seed, progress_, slot);
    auto t0 = std::chrono::steady_clock::now();
    try {
      auto artifact = std::make_shared<const Artifact>(run_node(node, inputs, ctx));
      double secs = seconds_since(t0);
      cache_.store(node.identity, *artifact, {node.name, node.component->name, node.component->version, secs});
      set_result(idx, NodeStatus::Ran, secs, "", summary_of(*artifact));
      keep_in_memory(idx, artifact);
      progress_.end(slot, "ran    " + node.display() + " (" + node.component->name + ") " + seconds_text(secs));
      return artifact;
    } catch (const Cancelled&) {
      set_result(idx, NodeStatus::Cancelled, seconds_since(t0), "cancelled", {});
      progress_.end(slot, "cancelled " + node.display(), false);
    } catch (const std::exception& e) {
      set_result(idx, NodeStatus::Failed, seconds_since(t0), node_failure(node, e.what()), {});
      progress_.end(slot, "FAILED " + node.display() + ": " + e.what());
    }
    return nullptr;
  }

  // An input's artifact: from memory, else from the cache, else (corrupt entry) recomputed.
  std::shared_ptr<const Artifact> obtain(std::size_t src) {
    std::lock_guard load_lock(load_mu_);
    {
      std::lock_guard lock(mu_);
      if (auto it = memory_.find(src); it != memory_.end()) return it->second;
    }
    const PlannedNode& node = plan_.nodes[src];
    CacheRead r = cache_.load(node.identity);
    if (r.status == CacheRead::Status::Ok) {
      auto a = std::make_shared<const Artifact>(std::move(r.artifact));
      keep_in_memory(src, a);
      return a;
    }
    progress_.log("warning: cache entry of " + node.display() + " is " +
                  (r.status == CacheRead::Status::Corrupt ? "corrupt (" + r.problem + ")" : "missing") + "; recomputing it");
    auto a = compute(src);
    if (!a) throw std::runtime_error("input node " + node.display() + " could not be recomputed");
    return a;
  }

  void keep_in_memory(std::size_t idx, std::shared_ptr<const Artifact> a) {
    std::lock_guard lock(mu_);
    if (remaining_consumers_[idx] > 0) memory_[idx] = std::move(a);
  }

  void set_result(std::size_t idx, NodeStatus s, double secs, std::string error, Artifact summary) {
    std::lock_guard lock(mu_);
    results_[idx] = NodeResult{s, secs, std::move(error), std::move(summary)};
  }

  void complete(std::size_t idx) {
    std::lock_guard lock(mu_);
    ++done_;
    for (const auto& [name, src] : plan_.nodes[idx].inputs)
      if (--remaining_consumers_[src] == 0) memory_.erase(src);  // free big arrays early
    bool ok = results_[idx].status == NodeStatus::Cached || results_[idx].status == NodeStatus::Ran;
    if (results_[idx].status == NodeStatus::Failed && !options_.keep_going) halted_ = true;
    for (std::size_t c : consumers_[idx]) {
      if (!ok) skip(c, plan_.nodes[idx].display());
      else if (--waiting_[c] == 0 && results_[c].status == NodeStatus::Pending) ready_.push_back(c);
    }
    cv_.notify_all();
  }

  // Callers hold mu_.
  void skip(std::size_t idx, const std::string& because) {
    if (results_[idx].status != NodeStatus::Pending) return;
    results_[idx].status = NodeStatus::Skipped;
    results_[idx].error = "skipped: input " + because + " did not complete";
    ++done_;
    for (std::size_t c : consumers_[idx]) skip(c, because);
  }

  const Plan& plan_;
  Cache& cache_;
  const ExecOptions& options_;
  Progress progress_;
  std::vector<NodeResult> results_;
  std::vector<std::size_t> waiting_;
  std::vector<std::vector<std::size_t>> consumers_;
  std::vector<std::size_t> remaining_consumers_;
  std::map<std::size_t, std::shared_ptr<const Artifact>> memory_;
  std::deque<std::size_t> ready_;
  std::size_t done_ = 0;
  bool halted_ = false;  // fail-fast: a node failed, start no more (guarded by mu_)
  std::mutex mu_;
  std::recursive_mutex load_mu_;  // an input recomputed inside obtain() may obtain its own inputs
  std::condition_variable cv_;
};
}  // namespace

const char* status_name(NodeStatus s) {
  switch (s) {
    case NodeStatus::Pending: return "not run";
    case NodeStatus::Cached: return "cached";
    case NodeStatus::Ran: return "ran";
    case NodeStatus::Failed: return "failed";
    case NodeStatus::Skipped: return "skipped";
    case NodeStatus::Cancelled: return "cancelled";
  }
  return "?";
}

std::size_t ExecReport::count(NodeStatus s) const {
  std::size_t n = 0;
  for (const auto& r : nodes) n += r.status == s;
  return n;
}

Artifact run_node(const PlannedNode& node, const Inputs& in, Context& ctx) {
  Artifact a = run_with_deadline(*node.component, in, node.params, ctx, node.timeout);
  check_finite(a, *node.component);
  return a;
}

ExecReport execute(const Plan& plan, Cache& cache, const ExecOptions& options) { return Run(plan, cache, options).go(); }

std::string node_failure(const PlannedNode& node, const std::string& what) {
  std::string where = node.variant.empty() ? "" : " at sweep point " + node.variant;
  return "node '" + node.name + "' (" + node.component->name + ")" + where + " failed: " + what;
}

void request_stop() { g_stop.store(true); }
bool stop_requested() { return g_stop.load(); }
void clear_stop_request() { g_stop.store(false); }

}  // namespace reprise
