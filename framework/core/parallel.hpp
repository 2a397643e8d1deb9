// Parallel loops and per-task random streams for components.
//
// parallel_for is the one parallel loop of reprise: a fixed set of threads takes
// task indices from a shared counter, and each call of `work` learns its task
// index and which worker (0..workers-1) runs it, so a worker can keep its own
// scratch buffers. The monitored form keeps progress and cancellation on the
// calling thread (a Context need not be thread-safe); the plain form, for inner
// loops such as one training step, lets the calling thread work as worker 0.
// Results must not depend on the number of workers: give each task its own
// random stream (block_seed / chain_seed below) and combine results in task order.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "framework/core/registry.hpp"

namespace reprise {

// work(index, worker, stop): `stop` turns true when another task failed or the
// run was cancelled; long tasks poll it and return early.
using ParallelWork = std::function<void(std::size_t index, unsigned worker, const std::atomic<bool>& stop)>;

// Runs work for every index in [0, n) on `workers` threads. The calling thread
// reports `ticks` of `total` through ctx every 50 ms and polls cancellation.
// Rethrows the first exception of a task; throws Cancelled when the user stopped the run.
void parallel_for(std::size_t n, unsigned workers, Context& ctx, const std::atomic<std::uint64_t>& ticks,
                  std::uint64_t total, const ParallelWork& work);

// The same loop without a Context: the calling thread is worker 0 (no thread is
// started when workers <= 1). Rethrows the first exception of a task.
void parallel_for(std::size_t n, unsigned workers, const ParallelWork& work);

// SplitMix64's finaliser (Steele et al. 2014): a bijective 64-bit mix that
// decorrelates neighbouring seeds before they reach a Mersenne twister.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Seed of task (block) `block`'s own random stream under node seed `seed`: the
// samplers' blocks of chains (sampler/gibbs, sampler/langevin, sampler/mala).
inline std::uint64_t block_seed(std::uint64_t seed, std::size_t block) { return splitmix64(splitmix64(seed) ^ block); }

// Seed of Markov chain `chain` of a dataset generator (dataset/ising, phi4, md):
// the (chain + 2)-th output of a SplitMix64 stream started at `seed`, where
// `seed` is the node seed mixed with a tag naming its purpose. A separate
// formula from block_seed only because the shipped datasets' samples (and every
// cached result built on them) were drawn with it.
inline std::uint64_t chain_seed(std::uint64_t seed, std::size_t chain) {
  return splitmix64(seed + 0x9E3779B97F4A7C15ull * (chain + 1));
}

// CPUs this process may run on: its affinity mask (what `taskset`, Slurm's
// --cpus-per-task and cgroup cpusets leave it), not every CPU of the machine.
unsigned usable_cpus();

// Workers to use: `requested` (0: every usable CPU), never more than `tasks` or the
// usable CPUs, at least 1.
unsigned worker_count(std::int64_t requested, std::size_t tasks);

}  // namespace reprise
