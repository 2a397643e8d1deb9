#include "framework/report/claims.hpp"

#include <algorithm>
#include <cmath>

#include "framework/core/errors.hpp"
#include "framework/core/numbers.hpp"

namespace reprise {
namespace {

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
