#include "framework/report/table.hpp"

#include "framework/core/numbers.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace reprise {
namespace {
constexpr char kSep = '\x1f';

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += kSep;
    out += items[i];
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == kSep) { out.push_back(cur); cur.clear(); }
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::optional<std::size_t> Table::find(const std::string& column) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == column) return i;
  return std::nullopt;
}

std::optional<double> Table::number(const std::string& cell) { return parse_number(cell); }

bool Table::numeric(std::size_t column) const {
  bool any = false;
  for (const auto& row : rows) {
    if (column >= row.size() || row[column].empty()) continue;
    if (!number(row[column])) return false;
    any = true;
  }
  return any;
}

Artifact Table::to_artifact() const {
  Artifact a;
  a.set_string("columns", join(columns));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::vector<std::string> cells;
    cells.reserve(rows.size());
    for (const auto& row : rows) cells.push_back(c < row.size() ? row[c] : "");
    a.set_string("col:" + columns[c], join(cells));
  }
  a.set_scalar("rows", static_cast<double>(rows.size()));
  return a;
}

Table Table::from_artifact(const Artifact& a) {
  Table t;
  const std::string& cols = a.string("columns");
  if (!cols.empty()) t.columns = split(cols);
  auto n = static_cast<std::size_t>(a.scalar("rows"));
  t.rows.assign(n, std::vector<std::string>(t.columns.size()));
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (n == 0) continue;
    auto cells = split(a.string("col:" + t.columns[c]));
    for (std::size_t r = 0; r < n && r < cells.size(); ++r) t.rows[r][c] = cells[r];
  }
  return t;
}

namespace {
// Splits CSV text into records of fields; quoted fields may hold commas, quotes
// ("" inside) and line breaks.
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') field += c;
      else if (i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw std::runtime_error("CSV: unterminated quoted field");
  if (!field.empty() || !record.empty()) {  // last line without a newline
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}
}  // namespace

Table Table::from_csv(const std::string& text) {
  Table t;
  auto records = csv_records(text);
  if (records.empty()) return t;
  // to_csv() writes a table without columns as empty lines (one empty field each).
  auto is_empty_line = [](const std::vector<std::string>& r) { return r.size() == 1 && r[0].empty(); };
  if (!is_empty_line(records[0])) t.columns = records[0];
  for (std::size_t i = 1; i < records.size(); ++i) {
    std::size_t width = t.columns.empty() && is_empty_line(records[i]) ? 0 : records[i].size();
    if (width != t.columns.size())
      throw std::runtime_error("CSV: row " + std::to_string(i) + " has " + std::to_string(width) + " fields, the header " +
                               std::to_string(t.columns.size()));
    records[i].resize(width);
    t.rows.push_back(std::move(records[i]));
  }
  return t;
}

std::string Table::to_csv() const {
  std::ostringstream out;
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_field(columns[i]);
  out << '\n';
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << '\n';
  }
  return out.str();
}

}  // namespace reprise
