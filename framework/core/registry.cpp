#include "framework/core/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace reprise {

InputSpec input(std::string name, std::string doc) { return {std::move(name), std::move(doc), false, {}}; }
InputSpec optional_input(std::string name, std::string doc) { return {std::move(name), std::move(doc), true, {}}; }
OutputSpec output(std::string name, std::string doc) { return {std::move(name), std::move(doc), false}; }

bool InputSpec::is_keyword(const std::string& word) const {
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

const Artifact& Inputs::get(const std::string& name) const {
  auto it = inputs_.find(name);
  if (it == inputs_.end() || !it->second) throw std::runtime_error("input '" + name + "' was not given");
  return *it->second;
}

std::vector<std::string> Inputs::names() const {
  std::vector<std::string> out;
  for (const auto& [name, artifact] : inputs_) out.push_back(name);
  return out;
}

const ParamSpec* ComponentInfo::find_param(const std::string& n) const {
  for (const auto& p : params)
    if (p.name == n) return &p;
  return nullptr;
}

const InputSpec* ComponentInfo::find_input(const std::string& n) const {
  for (const auto& i : inputs)
    if (i.name == n) return &i;
  return nullptr;
}

const OutputSpec* ComponentInfo::find_output(const std::string& n) const {
  for (const auto& o : outputs)
    if (o.name == n) return &o;
  return nullptr;
}

std::function<std::unique_ptr<Component>()> detail::unavailable_maker(std::string name, std::string reason) {
  return [name = std::move(name), reason = std::move(reason)]() -> std::unique_ptr<Component> {
    throw std::runtime_error(name + " is not available in this build: " + reason);
  };
}

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

void Registry::add(ComponentInfo info) {
  if (info.name.find('/') == std::string::npos || components_.count(info.name)) {
    std::cerr << "reprise: component name '" << info.name << "' is registered twice or lacks a kind/ prefix\n";
    std::abort();
  }
  std::string name = info.name;
  components_.emplace(std::move(name), std::move(info));
}

const ComponentInfo* Registry::find(const std::string& name) const {
  auto it = components_.find(name);
  return it == components_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : components_) out.push_back(name);
  return out;
}

}  // namespace reprise
