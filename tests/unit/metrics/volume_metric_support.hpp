// Shared helpers for the volume metric tests (mse, psnr, l1, ratio).
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise::test {

inline Artifact volume_artifact(std::vector<std::size_t> shape, const std::vector<float>& values) {
  Artifact a;
  a.set_array("volume", Array::from<float>(std::move(shape), values));
  return a;
}

// Runs `component` on inputs {name: artifact} with the schema's defaults and `overrides`.
inline Artifact run_metric(const std::string& component, const std::map<std::string, Artifact>& inputs,
                           const std::map<std::string, ParamValue>& overrides = {}) {
  Inputs in;
  for (const auto& [name, a] : inputs) in.set(name, std::make_shared<const Artifact>(a));
  return run_component(component, overrides, in);
}

}  // namespace reprise::test
