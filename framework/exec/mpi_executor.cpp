#include "framework/exec/mpi_executor.hpp"

#ifdef REPRISE_HAVE_MPI
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#endif
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "framework/exec/shard.hpp"

namespace reprise {

bool launched_by_mpi() {
  for (const char* size_var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (const char* v = std::getenv(size_var)) return std::atoi(v) > 1;
  return std::getenv("PMIX_RANK") != nullptr;
}

#ifdef REPRISE_HAVE_MPI
namespace mpi = boost::mpi;

namespace {

constexpr int kTask = 1, kResult = 2, kStop = 3;
// Waiting ranks poll instead of blocking in MPI: Open MPI's blocking calls spin a
// core, which would take it from the ranks computing on the same machine.
constexpr auto kPoll = std::chrono::milliseconds(1);

// What a worker sends back for one node.
struct WireResult {
  int status = static_cast<int>(NodeStatus::Failed);
  double seconds = 0;
  std::string error;
  std::map<std::string, double> scalars;
  std::map<std::string, std::string> strings;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & status & seconds & error & scalars & strings;
  }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A worker's context: the node's seed, cancellation from Ctrl-C (mpirun forwards
// signals to every rank), progress and logs dropped (rank 0 reports the node).
class WorkerContext : public Context {
 public:
  explicit WorkerContext(std::uint64_t seed) : seed_(seed) {}
  std::uint64_t seed() const override { return seed_; }
  void progress(std::uint64_t, std::uint64_t) override {}
  bool cancelled() const override { return stop_requested(); }
  void log(const std::string&) override {}
 private:
  std::uint64_t seed_;
};

// Computes nodes on a worker rank; inputs come from the shared cache.
class Worker {
 public:
  Worker(const Plan& plan, Cache& cache, int rank) : plan_(plan), cache_(cache), rank_(rank), fingerprint_(plan_fingerprint(plan)) {}

  WireResult run(std::size_t idx, std::uint64_t fingerprint) {
    WireResult r;
    if (fingerprint != fingerprint_ || idx >= plan_.nodes.size()) {
      r.error = "MPI rank " + std::to_string(rank_) + " planned a different run than rank 0 (different spec files or reprise build on its host?)";
      return r;
    }
    const PlannedNode& node = plan_.nodes[idx];
    auto t0 = std::chrono::steady_clock::now();
    try {
      auto a = compute(idx);
      r.status = static_cast<int>(NodeStatus::Ran);
      r.scalars = a->scalars();
      r.strings = a->strings();
    } catch (const Cancelled&) {
      r.status = static_cast<int>(NodeStatus::Cancelled);
      r.error = "cancelled";
    } catch (const std::exception& e) {
      r.error = node_failure(node, e.what());
    }
    r.seconds = seconds_since(t0);
    return r;
  }

 private:
  std::shared_ptr<const Artifact> compute(std::size_t idx) {
    const PlannedNode& node = plan_.nodes[idx];
    Inputs inputs;
    for (const auto& [name, src] : node.inputs) inputs.set(name, input(src));
    WorkerContext ctx(node.seed);
    auto t0 = std::chrono::steady_clock::now();
    auto a = std::make_shared<const Artifact>(run_node(node, inputs, ctx));  // timeout: and the non-finite check
    cache_.store(node.identity, *a, {node.name, node.component->name, node.component->version, seconds_since(t0)});
    return a;
  }

  // An input from the few kept in memory (sweeps reuse upstream nodes), else the
  // cache, else (missing, or corrupt and quarantined by the read) recomputed here.
  std::shared_ptr<const Artifact> input(std::size_t src) {
    if (auto it = recent_.find(src); it != recent_.end()) return it->second;
    CacheRead r = cache_.load(plan_.nodes[src].identity);
    auto a = r.status == CacheRead::Status::Ok ? std::make_shared<const Artifact>(std::move(r.artifact)) : compute(src);
    recent_[src] = a;
    order_.push_back(src);
    if (order_.size() > kKeep) {
      recent_.erase(order_.front());
      order_.pop_front();
    }
    return a;
  }

  static constexpr std::size_t kKeep = 4;
  const Plan& plan_;
  Cache& cache_;
  int rank_;
  std::uint64_t fingerprint_;
  std::map<std::size_t, std::shared_ptr<const Artifact>> recent_;
  std::deque<std::size_t> order_;
};

NodeResult to_node_result(WireResult w) {
  NodeResult r;
  r.status = static_cast<NodeStatus>(w.status);
  r.seconds = w.seconds;
  r.error = std::move(w.error);
  for (const auto& [k, v] : w.scalars) r.summary.set_scalar(k, v);
  for (auto& [k, v] : w.strings) r.summary.set_string(k, std::move(v));
  return r;
}

}  // namespace

struct MpiExecutor::Impl {
  mpi::environment env{mpi::threading::serialized};
  mpi::communicator world;
  std::mutex mpi_mu;  // "serialized": one thread in MPI at a time
  std::mutex slot_mu;
  std::map<std::thread::id, int> slots;  // executor thread -> its slot
  int local_jobs = 1;
  bool served = false;  // a worker reached serve()
  std::vector<std::size_t> computed;  // nodes computed per rank (guarded by slot_mu)
  std::uint64_t fingerprint = 0;

  // Each executor thread owns one slot for the whole run: slots below local_jobs
  // compute here, slot local_jobs + k - 1 sends its nodes to rank k. So every rank
  // has at most one node at a time and results need no routing.
  int slot_of_this_thread() {
    std::lock_guard lock(slot_mu);
    auto [it, fresh] = slots.emplace(std::this_thread::get_id(), static_cast<int>(slots.size()));
    return it->second;
  }

  std::optional<NodeResult> remote(std::size_t idx) {
    int slot = slot_of_this_thread();
    int worker = slot < local_jobs ? 0 : slot - local_jobs + 1;
    {
      std::lock_guard lock(slot_mu);
      ++computed[worker];
    }
    if (worker == 0) return std::nullopt;
    std::uint64_t task[2] = {idx, fingerprint};
    {
      std::lock_guard lock(mpi_mu);
      world.send(worker, kTask, task, 2);
    }
    WireResult w;
    while (true) {
      {
        std::lock_guard lock(mpi_mu);
        if (world.iprobe(worker, kResult)) {
          world.recv(worker, kResult, w);
          break;
        }
      }
      std::this_thread::sleep_for(kPoll);
    }
    return to_node_result(std::move(w));
  }
};

MpiExecutor::MpiExecutor() : impl_(std::make_unique<Impl>()) {
  if (impl_->env.thread_level() < mpi::threading::serialized)
    throw std::runtime_error("the MPI library does not support MPI_THREAD_SERIALIZED, which `reprise run` under mpirun needs");
}

MpiExecutor::~MpiExecutor() {
  if (rank() != 0) {
    // A worker that failed before serving (e.g. a spec file unreadable on its host)
    // would leave rank 0 waiting for it forever: end the whole job instead.
    if (!impl_->served && std::uncaught_exceptions() > 0) {
      std::fprintf(stderr, "reprise: MPI rank %d failed before it could take nodes; aborting the job\n", rank());
      impl_->world.abort(2);
    }
    return;
  }
  try {
    for (int r = 1; r < size(); ++r) impl_->world.send(r, kStop, 0);
  } catch (...) {
    // Nothing more to do: mpirun ends the workers when rank 0 exits.
  }
}

int MpiExecutor::rank() const { return impl_->world.rank(); }
int MpiExecutor::size() const { return impl_->world.size(); }

ExecReport MpiExecutor::execute(const Plan& plan, Cache& cache, const ExecOptions& options) {
  impl_->local_jobs = std::max(0, options.jobs);
  impl_->fingerprint = plan_fingerprint(plan);
  impl_->slots.clear();
  impl_->computed.assign(size(), 0);
  ExecOptions farmed = options;
  farmed.jobs = impl_->local_jobs + size() - 1;
  farmed.remote = [this](std::size_t idx) { return impl_->remote(idx); };
  return reprise::execute(plan, cache, farmed);
}

std::string MpiExecutor::summary() const {
  std::string s = "nodes computed per MPI rank:";
  for (std::size_t r = 0; r < impl_->computed.size(); ++r) s += (r ? ", " : " ") + std::to_string(r) + ": " + std::to_string(impl_->computed[r]);
  return s;
}

void MpiExecutor::serve(const Plan& plan, Cache& cache) {
  impl_->served = true;
  Worker worker(plan, cache, rank());
  while (true) {
    auto status = impl_->world.iprobe(0, mpi::any_tag);
    if (!status) {
      std::this_thread::sleep_for(kPoll);
      continue;
    }
    if (status->tag() == kStop) {
      int unused = 0;
      impl_->world.recv(0, kStop, unused);
      return;
    }
    std::uint64_t task[2];
    impl_->world.recv(0, kTask, task, 2);
    impl_->world.send(0, kResult, worker.run(task[0], task[1]));
  }
}


#else  // built without MPI (REPRISE_MPI=OFF, or Boost.MPI / an MPI library not found)

struct MpiExecutor::Impl {};

MpiExecutor::MpiExecutor() {
  throw std::runtime_error(
      "this reprise was built without MPI, so it cannot share a run over mpirun's ranks: install Boost.MPI and "
      "Open MPI (apt-get install libboost-mpi-dev libopenmpi-dev openmpi-bin, or tools/install-deps) and rebuild "
      "with -DREPRISE_MPI=ON; without mpirun, `reprise run -j N` uses N threads, and --shard i/N splits a sweep "
      "over separate jobs");
}
MpiExecutor::~MpiExecutor() = default;
int MpiExecutor::rank() const { return 0; }
int MpiExecutor::size() const { return 1; }
ExecReport MpiExecutor::execute(const Plan&, Cache&, const ExecOptions&) { return {}; }
std::string MpiExecutor::summary() const { return {}; }
void MpiExecutor::serve(const Plan&, Cache&) {}

#endif

}  // namespace reprise
