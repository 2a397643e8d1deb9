#include "framework/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace reprise {

void parallel_for(std::size_t n, unsigned workers, Context& ctx, const std::atomic<std::uint64_t>& ticks,
                  std::uint64_t total, const std::function<void(std::size_t, const std::atomic<bool>&)>& work) {
  ctx.check_cancelled();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::exception_ptr error;
  auto worker = [&] {
    while (!stop.load()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      try {
        work(i, stop);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
    std::lock_guard lock(mu);
    ++finished;
    cv.notify_all();
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) pool.emplace_back(worker);
  {
    std::unique_lock lock(mu);
    while (finished < workers) {
      cv.wait_for(lock, std::chrono::milliseconds(50));
      ctx.progress(ticks.load(), total);
      if (ctx.cancelled()) stop = true;
    }
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (stop) throw Cancelled();
  ctx.progress(total, total);
}

unsigned worker_count(std::int64_t requested, std::size_t tasks) {
  const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  const auto wanted = requested > 0 ? static_cast<std::size_t>(requested) : hardware;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min({wanted, tasks, std::size_t{hardware}})));
}

}  // namespace reprise
