#include "framework/core/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "framework/core/errors.hpp"

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

std::string constraint_text(const ParamSpec& spec) {
  if (!spec.choices.empty()) return "one of " + join_names(spec.choices);
  const std::string lo = spec.min ? canonical(*spec.min) : "", hi = spec.max ? canonical(*spec.max) : "";
  if (spec.min && spec.max)
    return "in " + std::string(spec.min_open ? "(" : "[") + lo + ", " + hi + (spec.max_open ? ")" : "]");
  if (spec.min) return (spec.min_open ? "> " : ">= ") + lo;
  if (spec.max) return (spec.max_open ? "< " : "<= ") + hi;
  return "";
}

namespace {

bool below_min(const ParamSpec& s, double x) { return s.min && (s.min_open ? x <= *s.min : x < *s.min); }
bool above_max(const ParamSpec& s, double x) { return s.max && (s.max_open ? x >= *s.max : x > *s.max); }

// "" when the number is allowed, else the reason (without the value).
std::string number_problem(const ParamSpec& spec, double x) {
  if (std::isnan(x)) return "is NaN";
  if (below_min(spec, x) || above_max(spec, x)) return "must be " + constraint_text(spec);
  return "";
}

bool type_matches(ParamType type, const ParamValue& v) {
  switch (type) {
    case ParamType::Bool: return std::holds_alternative<bool>(v);
    case ParamType::Int: return std::holds_alternative<std::int64_t>(v);
    case ParamType::Double: return std::holds_alternative<double>(v) || std::holds_alternative<std::int64_t>(v);
    case ParamType::String:
    case ParamType::Path: return std::holds_alternative<std::string>(v);
    case ParamType::IntList: return std::holds_alternative<std::vector<std::int64_t>>(v);
    case ParamType::DoubleList:
      return std::holds_alternative<std::vector<double>>(v) || std::holds_alternative<std::vector<std::int64_t>>(v);
  }
  return false;
}

// The numbers a value holds (one, a list's items, or none), widened to double.
std::vector<double> numbers_of(const ParamValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return {static_cast<double>(*i)};
  if (const auto* d = std::get_if<double>(&v)) return {*d};
  if (const auto* is = std::get_if<std::vector<std::int64_t>>(&v)) return {is->begin(), is->end()};
  if (const auto* ds = std::get_if<std::vector<double>>(&v)) return *ds;
  return {};
}

// Ints given where the schema declares doubles become doubles, so a caller may
// write {"energy", 1} for a double parameter.
ParamValue widened(ParamType type, ParamValue v) {
  if (type == ParamType::Double)
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (type == ParamType::DoubleList)
    if (const auto* is = std::get_if<std::vector<std::int64_t>>(&v)) return std::vector<double>(is->begin(), is->end());
  return v;
}

}  // namespace

std::string param_violation(const ParamSpec& spec, const ParamValue& value, const std::string& shown) {
  const std::string who = "parameter '" + spec.name + "' ";
  if (!type_matches(spec.type, value))
    return who + "expects " + (spec.type == ParamType::Int ? std::string("an integer") : std::string("a ") +
                                   param_type_name(spec.type)) + ", got " + shown;
  for (double x : numbers_of(value)) {
    const std::string problem = number_problem(spec, x);
    if (problem.empty()) continue;
    // A list names the offending item; a single number is the whole value.
    const bool list = spec.type == ParamType::IntList || spec.type == ParamType::DoubleList;
    return who + problem + ", got " + (list ? canonical(x) + " in " + shown : shown);
  }
  if (const auto* s = std::get_if<std::string>(&value); s && !spec.choices.empty() &&
      std::find(spec.choices.begin(), spec.choices.end(), *s) == spec.choices.end())
    return who + "must be one of " + join_names(spec.choices) + ", got '" + *s + "'" + did_you_mean(*s, spec.choices);
  return "";
}

std::vector<std::string> param_names(const std::vector<ParamSpec>& schema) {
  std::vector<std::string> names;
  for (const auto& p : schema) names.push_back(p.name);
  return names;
}

Params make_params(const std::string& owner, const std::vector<ParamSpec>& schema,
                   std::map<std::string, ParamValue> given) {
  for (const auto& [name, value] : given)
    if (std::none_of(schema.begin(), schema.end(), [&](const ParamSpec& p) { return p.name == name; }))
      throw ParamError(owner + ": no parameter '" + name + "'" + did_you_mean(name, param_names(schema)) +
                       " (parameters: " + join_names(param_names(schema)) + ")");
  std::map<std::string, ParamValue> values;
  for (const auto& spec : schema) {
    auto it = given.find(spec.name);
    if (it == given.end() && !spec.default_value)
      throw ParamError(owner + ": parameter '" + spec.name + "' is required (" + spec.doc + ")");
    ParamValue value = widened(spec.type, it == given.end() ? *spec.default_value : std::move(it->second));
    if (const std::string problem = param_violation(spec, value, canonical(value)); !problem.empty())
      throw ParamError(owner + ": " + problem);
    values.emplace(spec.name, std::move(value));
  }
  return Params(std::move(values));
}

}  // namespace reprise
