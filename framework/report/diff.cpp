#include "framework/report/diff.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "framework/core/numbers.hpp"
#include "framework/report/report.hpp"
#include "framework/report/table.hpp"

namespace reprise {

namespace {

Table read_metrics(const std::string& run, std::string* dir) {
  *dir = run_directory(run).string();
  std::ifstream in(*dir + "/metrics.csv");
  if (!in) throw ReportError(*dir + "/metrics.csv: missing (was the run interrupted before it wrote it?)");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return Table::from_csv(text.str());
  } catch (const std::exception& e) {
    throw ReportError(*dir + "/metrics.csv: unreadable: " + e.what());
  }
}

std::size_t axis_count(const Table& t) {
  std::size_t n = 0;
  while (n < t.columns.size() && t.columns[n].find('.') == std::string::npos) ++n;
  return n;
}

// Row key: "axis=value axis=value" over the leading axis columns.
std::map<std::string, const std::vector<std::string>*> rows_by_point(const Table& t, std::size_t axes) {
  std::map<std::string, const std::vector<std::string>*> rows;
  for (const auto& row : t.rows) {
    std::string key;
    for (std::size_t i = 0; i < axes; ++i) key += (i ? " " : "") + t.columns[i] + "=" + row[i];
    rows[key] = &row;
  }
  return rows;
}

void compare_cells(const std::string& x, const std::string& y, Tolerance tol, ColumnDiff& c) {
  if (x == y) return;
  auto a = Table::number(x), b = Table::number(y);
  if (a && b && std::fabs(*a - *b) <= tol.atol + tol.rtol * std::fabs(*b)) return;
  ++c.differing_rows;
  if (a && b) c.max_abs = std::max(c.max_abs, std::fabs(*a - *b));
  else c.max_abs = INFINITY;  // a cell missing on one side, or text
}

}  // namespace

bool is_timing_column(const std::string& column) {
  std::string key = column.substr(column.rfind('.') == std::string::npos ? 0 : column.rfind('.') + 1);
  return key.ends_with("seconds") || key.ends_with("per_second");
}

bool RunDiff::same_results() const {
  if (!rows_only_in_a.empty() || !rows_only_in_b.empty()) return false;
  return std::all_of(columns.begin(), columns.end(), [](const ColumnDiff& c) {
    return c.timing || (!c.only_in_a && !c.only_in_b && c.differing_rows == 0);
  });
}

RunDiff diff_runs(const std::string& run_a, const std::string& run_b, Tolerance tolerance) {
  RunDiff d;
  Table a = read_metrics(run_a, &d.a), b = read_metrics(run_b, &d.b);
  const std::size_t axes = axis_count(a);
  if (axis_count(b) != axes || !std::equal(a.columns.begin(), a.columns.begin() + axes, b.columns.begin()))
    throw ReportError("the runs sweep different axes: " + d.a + " and " + d.b + " are not runs of one spec");
  d.axes.assign(a.columns.begin(), a.columns.begin() + axes);
  d.rows_a = a.rows.size();
  d.rows_b = b.rows.size();
  auto rows_a = rows_by_point(a, axes), rows_b = rows_by_point(b, axes);
  for (const auto& [key, row] : rows_a)
    if (!rows_b.count(key)) d.rows_only_in_a.push_back(key);
  for (const auto& [key, row] : rows_b)
    if (!rows_a.count(key)) d.rows_only_in_b.push_back(key);
  for (std::size_t i = axes; i < a.columns.size(); ++i) {
    ColumnDiff c{a.columns[i], is_timing_column(a.columns[i])};
    auto j = b.find(a.columns[i]);
    if (!j) c.only_in_a = true;
    else
      for (const auto& [key, row] : rows_a)
        if (auto other = rows_b.find(key); other != rows_b.end()) compare_cells((*row)[i], (*other->second)[*j], tolerance, c);
    d.columns.push_back(c);
  }
  for (std::size_t j = axes; j < b.columns.size(); ++j)
    if (!a.find(b.columns[j])) d.columns.push_back(ColumnDiff{b.columns[j], is_timing_column(b.columns[j]), false, true});
  for (const auto& [key, row] : rows_a) d.rows_matched += rows_b.count(key);
  return d;
}

std::string diff_text(const RunDiff& d) {
  std::ostringstream s;
  s << "a: " << d.a << " (" << d.rows_a << " rows)\nb: " << d.b << " (" << d.rows_b << " rows)\n"
    << d.rows_matched << " sweep points in both";
  for (const auto& r : d.rows_only_in_a) s << "\n  only in a: " << r;
  for (const auto& r : d.rows_only_in_b) s << "\n  only in b: " << r;
  std::size_t same = 0, timings = 0;
  for (const auto& c : d.columns) {
    if (c.timing) {
      ++timings;
      s << "\n  timing   " << c.name << (c.differing_rows ? " (differs in " + std::to_string(c.differing_rows) + " rows; ignored)" : "");
    } else if (c.only_in_a || c.only_in_b) {
      s << "\n  DIFFERS  " << c.name << ": only in " << (c.only_in_a ? "a" : "b");
    } else if (c.differing_rows) {
      s << "\n  DIFFERS  " << c.name << ": " << c.differing_rows << " rows, max |a - b| " << short_number(c.max_abs);
    } else {
      ++same;
    }
  }
  s << "\n" << same << " result columns identical, " << timings << " timing columns not compared\n"
    << (d.same_results() ? "same results\n" : "results differ\n");
  return s.str();
}

}  // namespace reprise
