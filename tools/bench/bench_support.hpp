// What the benchmark binaries of tools/bench share: running a registered component
// the way the framework hands it a node (schema defaults, then overrides), the
// thread count every figure and its peer use, and a wall clock.
//
// Components run through their registry entry, so a benchmark measures exactly the
// code a spec runs. Every benchmark reports its own measured wall time to Google
// Benchmark (UseManualTime), in seconds, so that the time excludes the setup a
// benchmark shares across repetitions (generated data sets, trained models).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "framework/registry.hpp"

namespace reprise::bench {

// Threads for components and their peers alike: REPRISE_BENCH_THREADS, or every
// hardware thread.
inline unsigned threads() {
  if (const char* env = std::getenv("REPRISE_BENCH_THREADS"); env && std::atoi(env) > 0)
    return static_cast<unsigned>(std::atoi(env));
  return std::max(1u, std::thread::hardware_concurrency());
}

inline const ComponentInfo& component(const std::string& name) {
  const ComponentInfo* info = Registry::instance().find(name);
  if (info == nullptr) throw std::runtime_error("benchmark: no component '" + name + "' in this build");
  return *info;
}

// True when `name` is registered and this build can run it (e.g. codec/sz3 needs SZ3).
inline bool available(const std::string& name) {
  const ComponentInfo* info = Registry::instance().find(name);
  return info != nullptr && info->available();
}

// Schema defaults of `name` with `overrides` on top (each must be a declared parameter).
inline Params params(const std::string& name, const std::map<std::string, ParamValue>& overrides) {
  const ComponentInfo& info = component(name);
  std::map<std::string, ParamValue> values;
  for (const auto& spec : info.params)
    if (spec.default_value) values[spec.name] = *spec.default_value;
  for (const auto& [k, v] : overrides) {
    if (info.find_param(k) == nullptr) throw std::runtime_error("benchmark: " + name + " has no parameter " + k);
    values[k] = v;
  }
  return Params(std::move(values));
}

using Named = std::vector<std::pair<std::string, std::shared_ptr<const Artifact>>>;

inline std::shared_ptr<const Artifact> run(const std::string& name, const std::map<std::string, ParamValue>& overrides,
                                           const Named& inputs = {}, std::uint64_t seed = 1) {
  Inputs in;
  for (const auto& [k, a] : inputs) in.set(k, a);
  SimpleContext ctx(seed);
  return std::make_shared<const Artifact>(component(name).make()->run(in, params(name, overrides), ctx));
}

template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs f(i) for i in [0, n) on `workers` threads pulling indices from a shared counter.
// Tasks 0..n-1 handed to `workers` threads (this one included) as they free up;
// f(worker, task) learns which thread runs it (0..workers-1), so each thread can
// keep its own scratch buffers.
template <class F>
void parallel_tasks(std::size_t n, unsigned workers, F&& f) {
  std::atomic<std::size_t> next{0};
  auto loop = [&](unsigned worker) {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) f(worker, i);
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(loop, w);
  loop(0);
  for (auto& t : pool) t.join();
}

template <class F>
void parallel_blocks(std::size_t n, unsigned workers, F&& f) {
  parallel_tasks(n, workers, [&](unsigned, std::size_t i) { f(i); });
}

}  // namespace reprise::bench
