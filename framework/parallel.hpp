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

// SplitMix64's finaliser (Steele et al. 2014): a bijective 64-bit mix that
// decorrelates neighbouring seeds before they reach a Mersenne twister.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Seed of task (block) `block`'s own random stream under node seed `seed`.
inline std::uint64_t block_seed(std::uint64_t seed, std::size_t block) { return splitmix64(splitmix64(seed) ^ block); }

// Workers to use: `requested` (0: every hardware thread), never more than `tasks`
// or the hardware has, at least 1.
unsigned worker_count(std::int64_t requested, std::size_t tasks);

}  // namespace reprise
