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

// (x, metric) of every selected row with both numbers finite and positive (log-log).
struct Points {
  std::vector<std::pair<double, double>> xy;
  std::string note;
};

Points selected_points(const Selection& s, const std::string& x_column, const Table& table) {
  auto metric = table.find(s.metric), x = table.find(x_column);
  if (!metric) return {{}, "no column '" + s.metric + "' in metrics.csv" + did_you_mean(s.metric, table.columns)};
  if (!x) return {{}, "no column '" + x_column + "' in metrics.csv" + did_you_mean(x_column, table.columns)};
  std::vector<std::pair<std::size_t, const RowFilter*>> filters;
  for (const auto& f : s.where) {
    auto c = table.find(f.column);
    if (!c) return {{}, "no column '" + f.column + "' in metrics.csv" + did_you_mean(f.column, table.columns)};
    filters.emplace_back(*c, &f);
  }
  Points p;
  for (const auto& row : table.rows) {
    if (!std::all_of(filters.begin(), filters.end(), [&](const auto& cf) { return keeps(*cf.second, row[cf.first]); }))
      continue;
    auto xv = Table::number(row[*x]), yv = Table::number(row[*metric]);
    if (xv && yv && std::isfinite(*xv) && std::isfinite(*yv) && *xv > 0 && *yv > 0) p.xy.emplace_back(*xv, *yv);
  }
  if (p.xy.empty()) p.note = "no selected row has positive values of " + x_column + " and " + s.metric;
  return p;
}

// The lower envelope of `points`: sorted by x, each kept point has a smaller
// metric than every point at a larger or equal x (a codec setting beaten by one
// that compresses more and errs less is not on the frontier).
std::vector<std::pair<double, double>> frontier(std::vector<std::pair<double, double>> points) {
  std::sort(points.begin(), points.end());
  std::vector<std::pair<double, double>> kept;
  double best = INFINITY;
  for (auto it = points.rbegin(); it != points.rend(); ++it)
    if (it->second < best) {
      best = it->second;
      kept.push_back(*it);
    }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

// The frontier's metric at x, linear in log x and log metric; nullopt outside its x range.
std::optional<double> frontier_at(const std::vector<std::pair<double, double>>& f, double x) {
  if (f.empty() || x < f.front().first || x > f.back().first) return std::nullopt;
  for (std::size_t i = 1; i < f.size(); ++i)
    if (x <= f[i].first) {
      const double t = std::log(x / f[i - 1].first) / std::log(f[i].first / f[i - 1].first);
      return std::exp(std::log(f[i - 1].second) + t * std::log(f[i].second / f[i - 1].second));
    }
  return f.front().second;  // a single point, at exactly its x
}

// Ours over the baseline's frontier at each of our rows' `at` value, reduced.
Reduced relative_at(const Claim& claim, const Table& table) {
  const std::string& at = claim.relative_to->at;
  const Points ours = selected_points(claim.ours, at, table);
  if (!ours.note.empty()) return {std::nullopt, 0, ours.note};
  const Points base = selected_points(*claim.relative_to, at, table);
  if (!base.note.empty()) return {std::nullopt, 0, "relative_to: " + base.note};
  const auto f = frontier(base.xy);
  std::vector<double> ratios;
  for (const auto& [x, y] : ours.xy) {
    const std::optional<double> b = frontier_at(f, x);
    if (!b)
      return {std::nullopt, ours.xy.size(),
              "relative_to: " + at + " = " + short_number(x) + " is outside the baseline's range " +
                  short_number(f.front().first) + " .. " + short_number(f.back().first)};
    ratios.push_back(y / *b);
  }
  return {reduce(std::move(ratios), claim.ours.reduce), ours.xy.size(), ""};
}

}  // namespace

namespace {

// The verdict on our (reduced, possibly relative) number.
ClaimOutcome finish(const Claim& claim, const Reduced& ours) {
  ClaimOutcome out;
  out.rows = ours.rows;
  if (!ours.value) {
    out.note = ours.note;
    return out;
  }
  const double value = *ours.value;
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

}  // namespace

ClaimOutcome evaluate_claim(const Claim& claim, const Table& table) {
  if (claim.relative_to && !claim.relative_to->at.empty()) return finish(claim, relative_at(claim, table));
  Reduced ours = reduce_selection(claim.ours, table);
  if (ours.value && claim.relative_to) {
    const Reduced base = reduce_selection(*claim.relative_to, table);
    if (!base.value) return finish(claim, {std::nullopt, ours.rows, "relative_to: " + base.note});
    if (*base.value == 0) return finish(claim, {std::nullopt, ours.rows, "relative_to: the baseline is 0"});
    ours.value = *ours.value / *base.value;
  }
  return finish(claim, ours);
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
