#include "framework/core/parallel.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace reprise {
namespace {

// Shared state of one loop: the next index, the stop flag, the first error.
struct Loop {
  Loop(std::size_t n_, const ParallelWork& work_) : n(n_), work(work_) {}
  std::size_t n;
  const ParallelWork& work;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::exception_ptr error;

  void run_worker(unsigned worker) {
    while (!stop.load()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      try {
        work(i, worker, stop);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
  }
};

}  // namespace

void parallel_for(std::size_t n, unsigned workers, Context& ctx, const std::atomic<std::uint64_t>& ticks,
                  std::uint64_t total, const ParallelWork& work) {
  ctx.check_cancelled();
  Loop loop(n, work);
  std::condition_variable cv;
  unsigned finished = 0;
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      loop.run_worker(w);
      std::lock_guard lock(loop.mu);
      ++finished;
      cv.notify_all();
    });
  {
    std::unique_lock lock(loop.mu);
    while (finished < workers) {
      cv.wait_for(lock, std::chrono::milliseconds(50));
      ctx.progress(ticks.load(), total);
      if (ctx.cancelled()) loop.stop = true;
    }
  }
  for (auto& t : pool) t.join();
  if (loop.error) std::rethrow_exception(loop.error);
  if (loop.stop) throw Cancelled();
  ctx.progress(total, total);
}

void parallel_for(std::size_t n, unsigned workers, const ParallelWork& work) {
  Loop loop(n, work);
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < std::min<std::size_t>(workers, n); ++w) pool.emplace_back([&loop, w] { loop.run_worker(w); });
  loop.run_worker(0);
  for (auto& t : pool) t.join();
  if (loop.error) std::rethrow_exception(loop.error);
}

unsigned usable_cpus() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) return std::max(1, CPU_COUNT(&mask));
  return std::max(1u, std::thread::hardware_concurrency());  // a mask larger than cpu_set_t: every CPU
}

unsigned worker_count(std::int64_t requested, std::size_t tasks) {
  const unsigned hardware = usable_cpus();
  const auto wanted = requested > 0 ? static_cast<std::size_t>(requested) : hardware;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min({wanted, tasks, std::size_t{hardware}})));
}

}  // namespace reprise
