#include "framework/spec/paper.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "framework/core/numbers.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {
namespace {

const std::vector<std::string> kPaperKeys = {"title", "source", "quick", "claims"};
const std::vector<std::string> kClaimKeys = {"text", "metric", "where", "reduce", "relative_to",
                                             "published", "expect", "tolerance"};
const std::vector<std::string> kBaselineKeys = {"metric", "where", "reduce", "at"};
const std::map<std::string, Reduce> kReduces = {
    {"median", Reduce::Median}, {"mean", Reduce::Mean}, {"min", Reduce::Min}, {"max", Reduce::Max}};
const std::map<std::string, Expect> kExpects = {{"below", Expect::Below}, {"above", Expect::Above}, {"near", Expect::Near}};

template <class Map>
std::vector<std::string> names_of(const Map& m) {
  std::vector<std::string> names;
  for (const auto& [k, v] : m) names.push_back(k);
  return names;
}

void check_keys(const SpecValue& map, const std::vector<std::string>& allowed, const std::string& what) {
  if (map.kind != SpecValue::Kind::Map) throw SpecError(map.loc, what + ": expected a mapping, got " + map.describe());
  for (const auto& [k, v] : map.entries)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw SpecError(v.key_loc, what + ": unknown key '" + k + "' (expected one of " + join_names(allowed) + ")" +
                                     did_you_mean(k, allowed));
}

std::string text_of(const SpecValue& v, const std::string& what) {
  if (v.kind != SpecValue::Kind::Scalar) throw SpecError(v.loc, what + ": expected a single value, got " + v.describe());
  return v.text;
}

double number_of(const SpecValue& v, const std::string& what) {
  std::optional<double> x = parse_number(text_of(v, what));
  if (!x || !std::isfinite(*x)) throw SpecError(v.loc, what + ": expected a finite number, got '" + printable(v.text) + "'");
  return *x;
}

const SpecValue& required(const SpecValue& map, const std::string& key, const std::string& what) {
  const SpecValue* v = map.get(key);
  if (!v) throw SpecError(map.loc, what + ": missing '" + key + "'");
  return *v;
}

template <class T>
T choice_of(const SpecValue& v, const std::map<std::string, T>& choices, const std::string& what) {
  std::string s = text_of(v, what);
  auto it = choices.find(s);
  if (it == choices.end())
    throw SpecError(v.loc, what + ": expected one of " + join_names(names_of(choices)) + ", got '" + printable(s) + "'" +
                               did_you_mean(s, names_of(choices)));
  return it->second;
}

// "< 5755", ">= 0.5", "!= smc" or a plain value; a list means "any of these".
RowFilter read_filter(const std::string& column, const SpecValue& v, const std::string& what) {
  RowFilter f;
  f.column = column;
  f.loc = v.loc;
  if (v.kind == SpecValue::Kind::Sequence) {
    for (const auto& item : v.items) f.values.push_back(text_of(item, what));
    if (f.values.empty()) throw SpecError(v.loc, what + ": an empty list selects no rows");
    return f;
  }
  std::string s = text_of(v, what);
  static const std::vector<std::pair<std::string, RowFilter::Op>> ops = {
      {"<=", RowFilter::Op::LessEqual}, {">=", RowFilter::Op::GreaterEqual}, {"!=", RowFilter::Op::NotEqual},
      {"<", RowFilter::Op::Less},       {">", RowFilter::Op::Greater}};
  for (const auto& [token, op] : ops) {
    if (!s.starts_with(token)) continue;
    std::string rest = s.substr(token.size());
    rest.erase(0, rest.find_first_not_of(' '));
    f.op = op;
    if (op == RowFilter::Op::NotEqual) {
      f.values = {rest};
      return f;
    }
    std::optional<double> b = parse_number(rest);
    if (!b) throw SpecError(v.loc, what + ": expected a number after '" + token + "', got '" + printable(rest) + "'");
    f.bound = *b;
    return f;
  }
  f.values = {s};
  return f;
}

Selection read_selection(const SpecValue& map, const std::string& what, const Selection* defaults) {
  // A baseline inherits the claim's metric and reduction, not its rows.
  Selection s = defaults ? *defaults : Selection{};
  s.where.clear();
  s.loc = map.loc;
  if (const SpecValue* m = map.get("metric")) s.metric = text_of(*m, what + ": metric");
  else if (!defaults) throw SpecError(map.loc, what + ": missing 'metric' (a column of metrics.csv, e.g. err.max_abs)");
  if (const SpecValue* r = map.get("reduce")) s.reduce = choice_of(*r, kReduces, what + ": reduce");
  if (const SpecValue* w = map.get("where")) {
    if (w->kind != SpecValue::Kind::Map) throw SpecError(w->loc, what + ": where: expected a mapping of column: value");
    for (const auto& [column, value] : w->entries) s.where.push_back(read_filter(column, value, what + ": where: " + column));
  }
  return s;
}

Claim read_claim(const SpecValue& v, std::size_t index) {
  std::string what = "paper: claims[" + std::to_string(index) + "]";
  check_keys(v, kClaimKeys, what);
  Claim c;
  c.loc = v.loc;
  c.text = text_of(required(v, "text", what), what + ": text");
  c.ours = read_selection(v, what, nullptr);
  if (const SpecValue* r = v.get("relative_to")) {
    check_keys(*r, kBaselineKeys, what + ": relative_to");
    c.relative_to = read_selection(*r, what + ": relative_to", &c.ours);
    if (const SpecValue* at = r->get("at")) c.relative_to->at = text_of(*at, what + ": relative_to: at");
  }
  c.published = number_of(required(v, "published", what), what + ": published");
  c.expect = choice_of(required(v, "expect", what), kExpects, what + ": expect");
  if (const SpecValue* t = v.get("tolerance")) {
    c.tolerance = number_of(*t, what + ": tolerance");
    if (c.tolerance <= 0) throw SpecError(t->loc, what + ": tolerance: expected a positive fraction, e.g. 0.2");
  }
  if (c.expect == Expect::Near && c.published == 0)
    throw SpecError(v.loc, what + ": expect: near needs a non-zero published value (the tolerance is relative)");
  return c;
}

}  // namespace

std::optional<PaperBlock> read_paper(const SpecValue& tree) {
  const SpecValue* p = tree.get("paper");
  if (!p) return std::nullopt;
  check_keys(*p, kPaperKeys, "paper");
  PaperBlock block;
  block.title = text_of(required(*p, "title", "paper"), "paper: title");
  if (const SpecValue* s = p->get("source")) block.source = text_of(*s, "paper: source");
  if (const SpecValue* q = p->get("quick")) {
    if (q->kind != SpecValue::Kind::Sequence) throw SpecError(q->loc, "paper: quick: expected a list of key.path=value overrides");
    for (const auto& o : q->items) {
      std::string text = text_of(o, "paper: quick");
      // In a flow list [a=1,2] YAML splits at the comma: say so instead of failing later.
      if (text.find('=') == std::string::npos)
        throw SpecError(o.loc, "paper: quick: '" + printable(text) +
                                   "' is not a key.path=value override; quote overrides that hold commas, "
                                   "e.g. \"sweep.energy=0.9,0.5\"");
      block.quick.push_back(text);
    }
  }
  if (const SpecValue* c = p->get("claims")) {
    if (c->kind != SpecValue::Kind::Sequence) throw SpecError(c->loc, "paper: claims: expected a list of {text, metric, published, expect, ...}");
    for (std::size_t i = 0; i < c->items.size(); ++i) block.claims.push_back(read_claim(c->items[i], i));
  }
  return block;
}

}  // namespace reprise
