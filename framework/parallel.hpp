// Parallel loops for components: a fixed pool of threads over task indices, with
// progress and cancellation kept on the calling thread (a Context need not be
// thread-safe). Results must not depend on the number of workers: give each task
// its own random stream derived from ctx.seed() and the task index.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "framework/registry.hpp"

namespace reprise {

// Runs work(i, stop) for i in [0, n) on `workers` threads taking indices from a
// shared counter. The calling thread reports `ticks` of `total` through ctx and
// polls cancellation; workers see it through `stop`. Rethrows the first exception
// of a worker; throws Cancelled when the user stopped the run.
void parallel_for(std::size_t n, unsigned workers, Context& ctx, const std::atomic<std::uint64_t>& ticks,
                  std::uint64_t total, const std::function<void(std::size_t, const std::atomic<bool>&)>& work);

// Workers to use: `requested` (0: every hardware thread), never more than `tasks`
// or the hardware has, at least 1.
unsigned worker_count(std::int64_t requested, std::size_t tasks);

}  // namespace reprise
