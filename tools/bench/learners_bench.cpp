// learner/grise at the QoI paper's size, p = 16 spins, M = 10^6 samples from
// dataset/ising, next to one pass over the same samples:
//   grise      the component, histogram of the samples included, on bench::threads()
//   one_pass   every spin read once: each row packed into a 16-bit key and the keys
//              summed, on the same threads. GRISE cannot do less than this, since it
//              has to look at every sample.
#include <cstdint>
#include <vector>

#include "tools/bench/bench_support.hpp"

namespace {

using namespace reprise;

constexpr std::int64_t kSpins = 16, kSamples = 1000000;

const std::shared_ptr<const Artifact>& ising_samples() {
  static const auto data = bench::run("dataset/ising", {{"p", kSpins}, {"samples", kSamples}});
  return data;
}

void grise(benchmark::State& state) {
  const auto& data = ising_samples();
  for (auto _ : state) {
    std::shared_ptr<const Artifact> out;
    const double s = bench::seconds(
        [&] { out = bench::run("learner/grise", {{"threads", std::int64_t{bench::threads()}}}, {{"data", data}}); });
    state.SetIterationTime(s);
    state.counters["samples"] = static_cast<double>(kSamples);
    state.counters["p"] = static_cast<double>(kSpins);
    state.counters["max_iterations"] = out->scalar("max_iterations");
    state.counters["converged"] = out->scalar("converged");
    state.counters["threads"] = bench::threads();
  }
}

void one_pass(benchmark::State& state) {
  const Array& samples = ising_samples()->array("samples");
  if (samples.dtype() != DType::i8) throw std::runtime_error("one_pass: dataset/ising samples are not int8");
  const std::int8_t* x = samples.view<std::int8_t>().data();
  const unsigned workers = bench::threads();
  const std::size_t rows = samples.shape()[0], p = samples.shape()[1];
  constexpr std::size_t kChunk = 1 << 14;
  const std::size_t chunks = (rows + kChunk - 1) / kChunk;
  std::vector<std::uint64_t> sums(chunks);
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      parallel_for(chunks, workers, [&](std::size_t c, unsigned, const std::atomic<bool>&) {
        std::uint64_t sum = 0;
        const std::size_t end = std::min(rows, (c + 1) * kChunk);
        for (std::size_t r = c * kChunk; r < end; ++r) {
          std::uint32_t key = 0;
          for (std::size_t j = 0; j < p; ++j) key |= static_cast<std::uint32_t>(x[r * p + j] > 0) << j;
          sum += key;
        }
        sums[c] = sum;
      });
    });
    std::uint64_t total = 0;
    for (std::uint64_t v : sums) total += v;
    benchmark::DoNotOptimize(total);
    state.SetIterationTime(s);
    state.counters["samples"] = static_cast<double>(rows);
    state.counters["threads"] = workers;
  }
}

}  // namespace

// The figure next to its peer: tools/bench/run runs the binary once per repeat and pairs them.
BENCHMARK(grise)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(one_pass)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

BENCHMARK_MAIN();
