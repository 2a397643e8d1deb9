#include "framework/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace reprise {

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Bool: return "bool";
    case ParamType::Int: return "int";
    case ParamType::Double: return "double";
    case ParamType::String: return "string";
    case ParamType::Path: return "path";
    case ParamType::IntList: return "list of int";
    case ParamType::DoubleList: return "list of double";
  }
  return "?";
}

namespace {
std::string format_double(double v) {
  // Shortest text that reads back to the same double (std::to_chars' guarantee):
  // identities and CSV cells must not depend on printf rounding.
  if (std::isfinite(v) && std::abs(v) < 1e15 && v == std::trunc(v) && !(v == 0 && std::signbit(v)))
    return std::to_string(static_cast<std::int64_t>(v));  // "100000", not "1e+05"
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}
}  // namespace

std::string canonical(const ParamValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::int64_t>& xs) const {
      std::string s = "[";
      for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + std::to_string(xs[i]);
      return s + "]";
    }
    std::string operator()(const std::vector<double>& xs) const {
      std::string s = "[";
      for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + format_double(xs[i]);
      return s + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

namespace {
ParamSpec make_param(std::string name, ParamType type, std::optional<ParamValue> def, std::string doc) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.default_value = std::move(def);
  p.doc = std::move(doc);
  return p;
}
}  // namespace

ParamSpec param_bool(std::string n, bool d, std::string doc) { return make_param(std::move(n), ParamType::Bool, d, std::move(doc)); }
ParamSpec param_int(std::string n, std::int64_t d, std::string doc) { return make_param(std::move(n), ParamType::Int, d, std::move(doc)); }
ParamSpec param_double(std::string n, double d, std::string doc) { return make_param(std::move(n), ParamType::Double, d, std::move(doc)); }
ParamSpec param_string(std::string n, std::string d, std::string doc) {
  return make_param(std::move(n), ParamType::String, std::move(d), std::move(doc));
}
ParamSpec param_path(std::string n, std::string doc) { return make_param(std::move(n), ParamType::Path, std::nullopt, std::move(doc)); }
ParamSpec param_optional_path(std::string n, std::string doc) {
  return make_param(std::move(n), ParamType::Path, std::string(), std::move(doc));
}
ParamSpec param_ints(std::string n, std::vector<std::int64_t> d, std::string doc) {
  return make_param(std::move(n), ParamType::IntList, std::move(d), std::move(doc));
}
ParamSpec param_doubles(std::string n, std::vector<double> d, std::string doc) {
  return make_param(std::move(n), ParamType::DoubleList, std::move(d), std::move(doc));
}
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
