#include "framework/plan/typing.hpp"

#include <charconv>
#include <cmath>

#include "framework/core/errors.hpp"

namespace reprise {

const ComponentInfo* lookup_component(const SpecValue& use) {
  const ComponentInfo* c = Registry::instance().find(use.text);
  if (!c) {
    auto names = Registry::instance().names();
    throw SpecError(use.loc, "unknown component '" + use.text + "'" + did_you_mean(use.text, names) +
                                 " (run `reprise list` to see all)");
  }
  if (!c->available())
    throw SpecError(use.loc, "component '" + use.text + "' is not available in this build: " + c->unavailable);
  return c;
}

namespace {
bool parse_int(const std::string& s, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(const std::string& s, double& out) {
  if (s == ".inf" || s == "inf") { out = INFINITY; return true; }
  if (s == "-.inf" || s == "-inf") { out = -INFINITY; return true; }
  if (s == ".nan" || s == "nan") { out = NAN; return true; }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::int64_t to_int(const ParamSpec& spec, const SpecValue& v, const std::string& where) {
  std::int64_t i = 0;
  if (v.kind != SpecValue::Kind::Scalar || !parse_int(v.text, i))
    throw SpecError(v.loc, "parameter '" + spec.name + "' expects an integer, got " + v.describe() + where);
  return i;
}

double to_double(const ParamSpec& spec, const SpecValue& v, const std::string& where) {
  double d = 0;
  if (v.kind != SpecValue::Kind::Scalar || !parse_double(v.text, d))
    throw SpecError(v.loc, "parameter '" + spec.name + "' expects a number, got " + v.describe() + where);
  return d;
}

std::vector<SpecValue> list_items(const ParamSpec& spec, const SpecValue& v, const std::string& where) {
  if (v.kind == SpecValue::Kind::Sequence) return v.items;
  if (v.kind == SpecValue::Kind::Scalar) return {v};  // a single value is a list of one
  throw SpecError(v.loc, "parameter '" + spec.name + "' expects a list, got " + v.describe() + where);
}

// The value in the declared type; only its syntax is checked here.
ParamValue typed_value(const ParamSpec& spec, const SpecValue& v, const std::string& where) {
  switch (spec.type) {
    case ParamType::Bool:
      if (v.kind == SpecValue::Kind::Scalar && (v.text == "true" || v.text == "false")) return v.text == "true";
      throw SpecError(v.loc, "parameter '" + spec.name + "' expects true or false, got " + v.describe() + where);
    case ParamType::Int: return to_int(spec, v, where);
    case ParamType::Double: return to_double(spec, v, where);
    case ParamType::String:
    case ParamType::Path:
      if (v.kind != SpecValue::Kind::Scalar)
        throw SpecError(v.loc, "parameter '" + spec.name + "' expects a string, got " + v.describe() + where);
      return v.text;
    case ParamType::IntList: {
      std::vector<std::int64_t> out;
      for (const auto& item : list_items(spec, v, where)) out.push_back(to_int(spec, item, where));
      return out;
    }
    case ParamType::DoubleList: {
      std::vector<double> out;
      for (const auto& item : list_items(spec, v, where)) out.push_back(to_double(spec, item, where));
      return out;
    }
  }
  throw SpecError(v.loc, "unsupported parameter type");
}
}  // namespace

ParamValue to_param_value(const ParamSpec& spec, const SpecValue& v, const std::string& where) {
  ParamValue value = typed_value(spec, v, where);
  // Bounds and choices: the schema's own check (core/params), here with the spot.
  if (const std::string problem = param_violation(spec, value, flow_text(v)); !problem.empty())
    throw SpecError(v.loc, problem + where);
  return value;
}

}  // namespace reprise
