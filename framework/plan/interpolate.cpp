#include "framework/plan/interpolate.hpp"

#include "framework/core/errors.hpp"
#include "framework/plan/typing.hpp"

namespace reprise {

namespace {
// Guards a spliced text against references that repeat other references.
constexpr std::size_t kMaxInterpolatedText = 1u << 16;
}  // namespace

namespace {
// Splits scalar text into literal pieces and references; `refs_only` skips literals.
template <class OnLiteral, class OnRef>
void scan_references(const SpecValue& v, OnLiteral on_literal, OnRef on_ref) {
  const std::string& t = v.text;
  std::size_t i = 0;
  while (i < t.size()) {
    if (t.compare(i, 3, "$${") == 0) { on_literal("${"); i += 3; continue; }
    if (t.compare(i, 2, "${") == 0) {
      std::size_t end = t.find('}', i + 2);
      if (end == std::string::npos) throw SpecError(v.loc, "unterminated '${' in '" + t + "' (expected ${name})");
      std::string ref = t.substr(i + 2, end - i - 2);
      if (ref.empty()) throw SpecError(v.loc, "empty reference '${}' in '" + t + "'");
      on_ref(ref);
      i = end + 1;
      continue;
    }
    std::size_t next = t.find('$', i + 1);
    if (next == std::string::npos) next = t.size();
    on_literal(t.substr(i, next - i));
    i = next;
  }
}
}  // namespace

std::vector<std::string> references(const SpecValue& v) {
  std::vector<std::string> out;
  if (v.kind == SpecValue::Kind::Scalar) {
    if (v.text.find("${") != std::string::npos)
      scan_references(v, [](const std::string&) {}, [&](const std::string& r) { out.push_back(r); });
  } else {
    for (const auto& item : v.items) for (auto& r : references(item)) out.push_back(std::move(r));
    for (const auto& [k, item] : v.entries) for (auto& r : references(item)) out.push_back(std::move(r));
  }
  return out;
}

SpecValue interpolate(const SpecValue& v, const Lookup& lookup) {
  if (v.kind == SpecValue::Kind::Sequence) {
    SpecValue out = v;
    for (auto& item : out.items) item = interpolate(item, lookup);
    return out;
  }
  if (v.kind != SpecValue::Kind::Scalar || v.text.find('$') == std::string::npos) return v;
  const std::string& t = v.text;
  if (t.size() > 3 && t.compare(0, 2, "${") == 0 && t.find('}') == t.size() - 1) {
    SpecValue whole = lookup(t.substr(2, t.size() - 3), v);
    whole.loc = v.loc;  // errors about the value point at where it is used
    return whole;
  }
  SpecValue out = v;
  out.text.clear();
  scan_references(
      v, [&](const std::string& lit) { out.text += lit; },
      [&](const std::string& ref) {
        SpecValue r = lookup(ref, v);
        if (r.kind == SpecValue::Kind::Map) throw SpecError(v.loc, "'${" + ref + "}' is a mapping and cannot be spliced into text");
        out.text += flow_text(r);
        if (out.text.size() > kMaxInterpolatedText)
          throw SpecError(v.loc, "'" + printable(t, 60) + "' expands to more than " + std::to_string(kMaxInterpolatedText) +
                                     " characters (references that repeat other references?)");
      });
  return out;
}


namespace {

SpecValue scalar(std::string text, const Loc& loc) {
  return SpecValue::make(SpecValue::Kind::Scalar, std::move(text), loc);
}

// Splits "nodes.X.P" into (X, P).
std::pair<std::string, std::string> split_ref(const std::string& ref, const SpecValue& at) {
  std::string rest = ref.substr(6);
  auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size())
    throw SpecError(at.loc, "'${" + ref + "}': expected ${nodes.NODE.PARAM}");
  return {rest.substr(0, dot), rest.substr(dot + 1)};
}

}  // namespace

SpecValue Resolver::resolve(const SpecValue& v, const std::vector<const SpecValue*>* point) {
  if (v.kind == SpecValue::Kind::Scalar && v.text.find('$') == std::string::npos) return v;
  point_ = point;
  depth_ = 0;
  lookups_ = 0;
  return interpolate(v, [this](const std::string& ref, const SpecValue& at) { return lookup(ref, at); });
}

void Resolver::collect_axes(const SpecValue& v, std::set<std::size_t>& axes, int depth) {
  if (depth > 32)
    throw SpecError(v.loc, "reference '" + flow_text(v) + "' refers to itself through a cycle (or nests more than 32 deep)");
  if (depth == 0) lookups_ = 0;
  for (const auto& ref : references(v)) {
    count_lookup(ref, v);
    std::size_t a = sweep_.axis_index(ref);
    if (a != static_cast<std::size_t>(-1)) { axes.insert(a); continue; }
    if (ref.rfind("nodes.", 0) == 0)
      if (const SpecValue* target = node_field(ref, v)) collect_axes(*target, axes, depth + 1);
  }
}

// References that each name several others (a: "${b}${b}", b: "${c}${c}", ...)
// expand exponentially; a value needing this many lookups is refused, not planned for hours.
void Resolver::count_lookup(const std::string& ref, const SpecValue& at) {
  if (++lookups_ > kMaxLookups)
    throw SpecError(at.loc, "'${" + ref + "}': resolving this value takes more than " + std::to_string(kMaxLookups) +
                                " reference lookups (references that repeat other references at every step?)");
}

SpecValue Resolver::lookup(const std::string& ref, const SpecValue& at) {
  count_lookup(ref, at);
  std::size_t a = sweep_.axis_index(ref);
  if (a != static_cast<std::size_t>(-1)) {
    if (!point_)
      throw SpecError(at.loc, "figures are drawn once per run and cannot use sweep axis '${" + ref + "}'; use series: " + ref);
    return *(*point_)[a];
  }
  if (ref == "name") return scalar(spec_.name, at.loc);
  if (ref == "seed") return scalar(std::to_string(spec_.seed), at.loc);
  if (ref.rfind("nodes.", 0) == 0) {
    const SpecValue* target = node_field(ref, at);
    if (!target) return scalar(default_text(ref, at), at.loc);
    if (++depth_ > 32) throw SpecError(at.loc, "reference '${" + ref + "}' refers to itself through a cycle");
    SpecValue out = interpolate(*target, [this](const std::string& r, const SpecValue& w) { return lookup(r, w); });
    --depth_;
    return out;
  }
  auto axes = sweep_.axes();
  throw SpecError(at.loc, "unknown reference '${" + ref + "}'" + did_you_mean(ref, axes) + " (sweep axes: " + join_names(axes) +
                              "; other nodes' values: ${nodes.NODE.PARAM}; also ${name}, ${seed})");
}

// X's field P as written, or nullptr when P is a defaulted param.
const SpecValue* Resolver::node_field(const std::string& ref, const SpecValue& at) {
  auto [node, field] = split_ref(ref, at);
  const NodeDecl* decl = spec_.find_node(node);
  if (!decl) throw SpecError(at.loc, "'${" + ref + "}': unknown node '" + node + "'" + did_you_mean(node, spec_.node_names()));
  for (const auto& [k, v] : decl->fields)
    if (k == field) return &v;
  if (field == "use") return &decl->use;
  return nullptr;
}

std::string Resolver::default_text(const std::string& ref, const SpecValue& at) {
  auto [node, field] = split_ref(ref, at);
  const NodeDecl* decl = spec_.find_node(node);
  const ComponentInfo* c = lookup_component(decl->use);
  const ParamSpec* p = c->find_param(field);
  if (!p || !p->default_value) {
    auto names = param_names(c->params);
    throw SpecError(at.loc, "'${" + ref + "}': node '" + node + "' has no value '" + field + "'" + did_you_mean(field, names));
  }
  return canonical(*p->default_value);
}

}  // namespace reprise
