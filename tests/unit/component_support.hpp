// Runs a registered component the way the framework hands it a node: every parameter
// at its declared default, then the test's overrides on top. For unit tests that call
// one component directly, without a spec or an executor.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>

#include "framework/core/registry.hpp"

namespace reprise::test {

// The component `name` (REQUIREd to be registered).
inline const ComponentInfo& component_info(const std::string& name) {
  const ComponentInfo* info = Registry::instance().find(name);
  REQUIRE(info != nullptr);
  return *info;
}

// The Params the planner would hand `name` for these overrides: the schema's
// defaults with `overrides` on top, validated (make_params; throws ParamError).
inline Params default_params(const std::string& name, const std::map<std::string, ParamValue>& overrides = {}) {
  return component_info(name).make_params(overrides);
}

// Runs `name` on `in` with default_params(name, overrides) and a context seeded `seed`.
inline Artifact run_component(const std::string& name, const std::map<std::string, ParamValue>& overrides = {},
                              const Inputs& in = {}, std::uint64_t seed = 1) {
  const Params p = default_params(name, overrides);
  SimpleContext ctx(seed);
  return component_info(name).make()->run(in, p, ctx);
}

}  // namespace reprise::test
