// parallel_for: the one parallel loop (every index once, worker ids, errors, cancellation).
#include <doctest/doctest.h>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <set>
#include <stdexcept>
#include <vector>

#include "framework/core/parallel.hpp"

using namespace reprise;

namespace {

// Cancelled once `after` progress reports have arrived.
class CancellingContext : public SimpleContext {
 public:
  explicit CancellingContext(int after) : after_(after) {}
  void progress(std::uint64_t, std::uint64_t) override { ++reports_; }
  bool cancelled() const override { return reports_ >= after_; }
 private:
  int after_;
  std::atomic<int> reports_{0};
};

}  // namespace

TEST_CASE("every index runs exactly once, on a worker id below the worker count") {
  for (unsigned workers : {1u, 2u, 5u}) {
    std::vector<std::atomic<int>> runs(1000);
    std::atomic<unsigned> max_worker{0};
    std::mutex mu;
    std::set<unsigned> seen;
    auto work = [&](std::size_t i, unsigned w, const std::atomic<bool>&) {
      ++runs[i];
      std::lock_guard lock(mu);
      seen.insert(w);
      max_worker = std::max(max_worker.load(), w);
    };
    parallel_for(runs.size(), workers, work);
    for (auto& r : runs) CHECK(r == 1);
    CHECK(max_worker < workers);
    for (auto& r : runs) r = 0;
    SimpleContext ctx;
    std::atomic<std::uint64_t> ticks{0};
    parallel_for(runs.size(), workers, ctx, ticks, runs.size(), work);
    for (auto& r : runs) CHECK(r == 1);
    CHECK(max_worker < workers);
  }
}

TEST_CASE("the plain loop runs on the calling thread as worker 0 when given one worker") {
  const auto caller = std::this_thread::get_id();
  bool same = true;
  parallel_for(10, 1, [&](std::size_t, unsigned w, const std::atomic<bool>&) {
    same = same && w == 0 && std::this_thread::get_id() == caller;
  });
  CHECK(same);
}

TEST_CASE("the first error of a task is rethrown and stops the others") {
  std::atomic<int> ran{0};
  auto work = [&](std::size_t i, unsigned, const std::atomic<bool>&) {
    ++ran;
    if (i == 3) throw std::runtime_error("task 3 failed");
  };
  CHECK_THROWS_WITH_AS(parallel_for(100000, 2, work), "task 3 failed", std::runtime_error);
  CHECK(ran < 100000);
  SimpleContext ctx;
  std::atomic<std::uint64_t> ticks{0};
  CHECK_THROWS_WITH_AS(parallel_for(100000, 2, ctx, ticks, 1, work), "task 3 failed", std::runtime_error);
}

TEST_CASE("a cancelled run stops handing out tasks and throws Cancelled") {
  CancellingContext ctx(1);
  std::atomic<std::uint64_t> ticks{0};
  std::atomic<int> ran{0};
  CHECK_THROWS_AS(parallel_for(1000, 2, ctx, ticks, 1000,
                               [&](std::size_t, unsigned, const std::atomic<bool>& stop) {
                                 ++ran;
                                 while (!stop) std::this_thread::yield();  // a long task that polls stop
                               }),
                  Cancelled);
  CHECK(ran <= 2);
}

TEST_CASE("per-task seeds: distinct across tasks, fixed by (seed, index)") {
  std::set<std::uint64_t> seeds;
  for (std::size_t i = 0; i < 1000; ++i) {
    seeds.insert(block_seed(42, i));
    seeds.insert(chain_seed(42, i));
  }
  CHECK(seeds.size() == 2000);
  CHECK(block_seed(42, 7) == block_seed(42, 7));
  CHECK(block_seed(42, 7) != block_seed(43, 7));
  // chain_seed is the (chain + 2)-th output of SplitMix64 started at seed.
  CHECK(chain_seed(5, 0) == splitmix64(5 + 0x9E3779B97F4A7C15ull));
}

TEST_CASE("usable_cpus and worker_count follow the affinity mask (taskset, Slurm, cgroups), not the machine") {
  cpu_set_t saved;
  REQUIRE(sched_getaffinity(0, sizeof saved, &saved) == 0);
  CHECK(usable_cpus() == static_cast<unsigned>(CPU_COUNT(&saved)));
  int first = 0;
  while (!CPU_ISSET(first, &saved)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);  // this thread only
  const unsigned pinned = usable_cpus(), workers = worker_count(0, 100);
  REQUIRE(sched_setaffinity(0, sizeof saved, &saved) == 0);
  CHECK(pinned == 1);
  CHECK(workers == 1);
  CHECK(worker_count(0, 100) == std::min<unsigned>(100, CPU_COUNT(&saved)));
}
