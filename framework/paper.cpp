#include "framework/paper.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "framework/spec.hpp"

namespace reprise {
namespace {

const std::vector<std::string> kPaperKeys = {"title", "source", "quick", "claims"};
const std::vector<std::string> kClaimKeys = {"text", "metric", "where", "reduce", "relative_to",
                                             "published", "expect", "tolerance"};
const std::vector<std::string> kBaselineKeys = {"metric", "where", "reduce"};
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
  std::optional<double> x = Table::number(text_of(v, what));
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
    std::optional<double> b = Table::number(rest);
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

bool keeps(const RowFilter& f, const std::string& cell) {
  std::optional<double> x = Table::number(cell);
  auto equal = [&](const std::string& want) {
    std::optional<double> y = Table::number(want);
    if (x && y) return *x == *y || std::fabs(*x - *y) <= 1e-12 * std::max(std::fabs(*x), std::fabs(*y));
    return cell == want;
  };
  switch (f.op) {
    case RowFilter::Op::OneOf: return std::any_of(f.values.begin(), f.values.end(), equal);
    case RowFilter::Op::NotEqual: return !equal(f.values[0]);
    case RowFilter::Op::Less: return x && *x < f.bound;
    case RowFilter::Op::LessEqual: return x && *x <= f.bound;
    case RowFilter::Op::Greater: return x && *x > f.bound;
    case RowFilter::Op::GreaterEqual: return x && *x >= f.bound;
  }
  return false;
}

double reduce(std::vector<double> xs, Reduce how) {
  switch (how) {
    case Reduce::Min: return *std::min_element(xs.begin(), xs.end());
    case Reduce::Max: return *std::max_element(xs.begin(), xs.end());
    case Reduce::Mean: {
      double s = 0;
      for (double x : xs) s += x;
      return s / static_cast<double>(xs.size());
    }
    case Reduce::Median: {
      std::sort(xs.begin(), xs.end());
      std::size_t n = xs.size();
      return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
    }
  }
  return NAN;
}

struct Reduced {
  std::optional<double> value;
  std::size_t rows = 0;
  std::string note;
};

Reduced reduce_selection(const Selection& s, const Table& table) {
  auto metric = table.find(s.metric);
  if (!metric) return {std::nullopt, 0, "no column '" + s.metric + "' in metrics.csv" + did_you_mean(s.metric, table.columns)};
  std::vector<std::pair<std::size_t, const RowFilter*>> filters;
  for (const auto& f : s.where) {
    auto c = table.find(f.column);
    if (!c) return {std::nullopt, 0, "no column '" + f.column + "' in metrics.csv" + did_you_mean(f.column, table.columns)};
    filters.emplace_back(*c, &f);
  }
  std::vector<double> xs;
  std::size_t selected = 0;
  for (const auto& row : table.rows) {
    bool kept = std::all_of(filters.begin(), filters.end(), [&](const auto& cf) { return keeps(*cf.second, row[cf.first]); });
    if (!kept) continue;
    ++selected;
    if (auto x = Table::number(row[*metric]); x && std::isfinite(*x)) xs.push_back(*x);
  }
  if (xs.empty())
    return {std::nullopt, 0, selected ? "the " + std::to_string(selected) + " selected rows have no value of " + s.metric
                                      : "no row matches the claim's where:"};
  return {reduce(std::move(xs), s.reduce), selected, ""};
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

ClaimOutcome evaluate_claim(const Claim& claim, const Table& table) {
  ClaimOutcome out;
  Reduced ours = reduce_selection(claim.ours, table);
  out.rows = ours.rows;
  if (!ours.value) {
    out.note = ours.note;
    return out;
  }
  double value = *ours.value;
  if (claim.relative_to) {
    Reduced base = reduce_selection(*claim.relative_to, table);
    if (!base.value) {
      out.note = "relative_to: " + base.note;
      return out;
    }
    if (*base.value == 0) {
      out.note = "relative_to: the baseline is 0";
      return out;
    }
    value /= *base.value;
  }
  out.ours = value;
  if (claim.published != 0) out.ratio = value / claim.published;
  bool held = false;
  switch (claim.expect) {
    case Expect::Below: held = value <= claim.published; break;
    case Expect::Above: held = value >= claim.published; break;
    case Expect::Near: held = std::fabs(value / claim.published - 1) <= claim.tolerance; break;
  }
  out.verdict = held ? ClaimOutcome::Verdict::Reproduced : ClaimOutcome::Verdict::NotReproduced;
  return out;
}

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string verdict_name(ClaimOutcome::Verdict v) {
  switch (v) {
    case ClaimOutcome::Verdict::Reproduced: return "reproduced";
    case ClaimOutcome::Verdict::NotReproduced: return "not reproduced";
    case ClaimOutcome::Verdict::NoData: return "no data";
  }
  return "";
}

std::string expect_text(const Claim& claim) {
  switch (claim.expect) {
    case Expect::Below: return "<= " + short_number(claim.published);
    case Expect::Above: return ">= " + short_number(claim.published);
    case Expect::Near: return short_number(claim.published) + " ± " + short_number(100 * claim.tolerance) + " %";
  }
  return "";
}

}  // namespace reprise
