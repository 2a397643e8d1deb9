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

#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise::bench {

// Threads for components and their peers alike: REPRISE_BENCH_THREADS, or every
// hardware thread.
inline unsigned threads() {
  if (const char* env = std::getenv("REPRISE_BENCH_THREADS"); env && std::atoi(env) > 0)
    return static_cast<unsigned>(std::atoi(env));
  return usable_cpus();
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
  return component(name).make_params(overrides);
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

}  // namespace reprise::bench
