// Runs a registered component the way the framework hands it a node: every parameter
// at its declared default, then the test's overrides on top. For unit tests that call
// one component directly, without a spec or an executor.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>

#include "framework/registry.hpp"

namespace reprise::test {

// The component `name` (REQUIREd to be registered).
inline const ComponentInfo& component_info(const std::string& name) {
  const ComponentInfo* info = Registry::instance().find(name);
  REQUIRE(info != nullptr);
  return *info;
}

// The schema's defaults of `name` with `overrides` applied; every override must name a
// declared parameter. A parameter without a default is left out unless overridden.
inline Params default_params(const std::string& name, const std::map<std::string, ParamValue>& overrides = {}) {
  const ComponentInfo& info = component_info(name);
  std::map<std::string, ParamValue> values;
  for (const auto& spec : info.params)
    if (spec.default_value) values[spec.name] = *spec.default_value;
  for (const auto& [k, v] : overrides) {
    REQUIRE(info.find_param(k) != nullptr);
    values[k] = v;
  }
  return Params(std::move(values));
}

// Runs `name` on `in` with default_params(name, overrides) and a context seeded `seed`.
inline Artifact run_component(const std::string& name, const std::map<std::string, ParamValue>& overrides = {},
                              const Inputs& in = {}, std::uint64_t seed = 1) {
  const Params p = default_params(name, overrides);
  SimpleContext ctx(seed);
  return component_info(name).make()->run(in, p, ctx);
}

}  // namespace reprise::test
