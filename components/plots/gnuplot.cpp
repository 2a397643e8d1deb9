#include "components/plots/gnuplot.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

namespace reprise::gnuplot {

ParamSpec param_x() {
  return param_string("x", "", "column on the x axis (numeric)").required();
}
ParamSpec param_series() {
  return param_string("series", "", "column whose distinct values split rows into series; empty: none");
}
ParamSpec param_where() {
  return param_string("where", "", "keep only rows matching column=value[, column=value...], e.g. init=packed");
}
ParamSpec param_logx() { return param_bool("logx", false, "logarithmic x axis (drops rows with x <= 0)"); }
ParamSpec param_logy() { return param_bool("logy", false, "logarithmic y axis (drops rows with y <= 0)"); }
ParamSpec param_title() { return param_string("title", "", "figure title; empty: none"); }
ParamSpec param_xlabel() { return param_string("xlabel", "", "x axis label; empty: the x column name"); }
ParamSpec param_ylabel() { return param_string("ylabel", "", "y axis label; empty: the y column name(s)"); }
ParamSpec param_file() {
  return param_string("file", "", "base name of figures/<file>.{gp,dat,svg,png}: letters, digits, _ . -")
      .required();
}
InputSpec input_table() { return input("table", "metrics table of the run (Table::to_artifact)"); }
OutputSpec output_file() { return output("file", "base name of the figure files"); }
OutputSpec output_script() { return output("script", "gnuplot script writing <file>.svg and <file>.png"); }
OutputSpec output_data() { return output("data", "text of <file>.dat, one index block per series"); }

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// Text safe inside a '#' comment line: a control character (a newline above all)
// would end the comment and leave the rest to be read as data or commands.
std::string comment_text(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

std::string cell(const Table& t, std::size_t row, std::size_t column) {
  const auto& r = t.rows[row];
  return column < r.size() ? r[column] : std::string();
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// "err.max_abs against energy, one series per structure": heads both files.
std::string description(const PlotOptions& o) {
  std::string d = join(o.ys, ", ") + " against " + o.x;
  if (!o.series.empty()) d += ", one series per " + o.series;
  for (std::size_t i = 0; i < o.where.size(); ++i)
    d += (i ? ", " : " where ") + o.where[i].first + "=" + o.where[i].second;
  return comment_text(d);
}

// Counts dropped points by reason, keeping reasons in the order first met.
class DropLog {
 public:
  void add(const std::string& reason) {
    for (auto& [r, n] : counts_)
      if (r == reason) { ++n; return; }
    counts_.emplace_back(reason, 1);
  }
  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    for (const auto& [r, n] : counts_)
      out.push_back("dropped " + std::to_string(n) + (n == 1 ? " point: " : " points: ") + r);
    return out;
  }
 private:
  std::vector<std::pair<std::string, std::size_t>> counts_;
};

// Why the point (x, y) cannot be drawn, or "" when it can.
std::string drop_reason(const std::optional<double>& x, const std::optional<double>& y,
                        const std::string& y_name, const PlotOptions& o) {
  if (!x) return o.x + " is missing";
  if (!y) return y_name + " is missing";
  if (!std::isfinite(*x)) return o.x + " is not finite";
  if (!std::isfinite(*y)) return y_name + " is not finite";
  if (o.logx && *x <= 0) return o.x + " <= 0 (logx)";
  if (o.logy && *y <= 0) return y_name + " <= 0 (logy)";
  return "";
}

// Key-title of the series holding one y column and one value of the series column.
std::string series_label(const PlotOptions& o, const std::string& y_name, const std::string& value) {
  std::vector<std::string> parts;
  if (o.ys.size() > 1 || o.series.empty()) parts.push_back(y_name);
  if (!o.series.empty()) parts.push_back(o.series + "=" + value);
  return join(parts, ", ");
}

std::string plot_clause(const PlotOptions& o, std::size_t index, const Series& s, const std::string& style) {
  return "'" + o.file + ".dat' index " + std::to_string(index) + " using 1:2 with " + style + " title \"" +
         escape(s.label) + "\"";
}

// Terminal, output and plot for one format; the png pass replots what svg drew.
std::string svg_and_png(const Grouped& g, const PlotOptions& o, const std::string& style) {
  std::string s = "set terminal svg size 800,560 font \"sans,12\" noenhanced\n";
  s += "set output '" + o.file + ".svg'\n";
  for (std::size_t i = 0; i < g.series.size(); ++i)
    s += (i ? ", \\\n     " : "plot ") + plot_clause(o, i, g.series[i], style);
  s += "\n";
  s += "set terminal pngcairo size 1000,700 font \"sans,12\" noenhanced\n";
  s += "set output '" + o.file + ".png'\n";
  s += "replot\n";
  s += "unset output\n";
  return s;
}

}  // namespace

void check_file_name(const std::string& name) {
  bool plain = !name.empty();
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    plain = plain && ok;
  }
  // A leading '-' would make `gnuplot <file>.gp` read the name as an option, and a
  // leading '.' hides the files (or names "." and "..").
  if (plain && (name.front() == '-' || name.front() == '.')) plain = false;
  if (!plain)
    throw std::invalid_argument("file must be a plain base name of letters, digits, '_', '.' and '-', not "
                                "starting with '.' or '-'; got '" + name + "'");
}

std::vector<std::string> split_columns(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto comma = list.find(',', start);
    std::string item = trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty()) throw std::invalid_argument("empty column name in y '" + list + "'");
    out.push_back(item);
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// "init=packed, steps=10" -> {{"init", "packed"}, {"steps", "10"}}.
std::vector<std::pair<std::string, std::string>> parse_where(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (trim(text).empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("where expects column=value[, column=value...]; got '" + item + "'");
    out.emplace_back(trim(item.substr(0, eq)), trim(item.substr(eq + 1)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// Cells match when equal as text or, both being numbers, as numbers ("0.50" = "0.5").
bool cell_matches(const std::string& cell_text, const std::string& wanted) {
  if (cell_text == wanted) return true;
  auto a = Table::number(cell_text), b = Table::number(wanted);
  return a && b && *a == *b;
}

PlotOptions read_options(const std::string& component, const Params& p, bool multi_y) {
  PlotOptions o;
  o.where = parse_where(p.get_string("where"));
  o.component = component;
  o.x = p.get_string("x");
  const std::string& y = p.get_string("y");
  if (!multi_y && y.find(',') != std::string::npos)
    throw std::invalid_argument("y names one column; got '" + y + "'");
  o.ys = split_columns(y);
  o.series = p.get_string("series");
  o.logx = p.get_bool("logx");
  o.logy = p.get_bool("logy");
  o.title = p.get_string("title");
  o.xlabel = p.get_string("xlabel").empty() ? o.x : p.get_string("xlabel");
  o.ylabel = p.get_string("ylabel").empty() ? join(o.ys, ", ") : p.get_string("ylabel");
  o.file = p.get_string("file");
  check_file_name(o.file);
  return o;
}

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '`' || u < 0x20 || u == 0x7f) {
      // gnuplot runs `...` as a shell command even inside double quotes, and a raw
      // newline would end the command: write both as octal escapes instead.
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::size_t column_index(const Table& t, const std::string& column) {
  if (auto i = t.find(column)) return *i;
  std::string listed = t.columns.empty() ? "(none)" : join(t.columns, ", ");
  throw std::invalid_argument("unknown column '" + column + "'; columns are: " + listed);
}

std::vector<std::optional<double>> numeric_column(const Table& t, const std::string& column) {
  std::size_t c = column_index(t, column);
  std::vector<std::optional<double>> values;
  values.reserve(t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::string text = cell(t, r, c);
    auto v = Table::number(text);
    if (!text.empty() && !v) {
      std::vector<std::string> numeric;
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.numeric(i)) numeric.push_back(t.columns[i]);
      throw std::invalid_argument("column '" + column + "' is not numeric (row " +
                                  std::to_string(r + 1) + " holds '" + text + "'); numeric columns are: " +
                                  (numeric.empty() ? "(none)" : join(numeric, ", ")));
    }
    values.push_back(v);
  }
  return values;
}

Grouped group_rows(const Table& t, const PlotOptions& o) {
  auto xs = numeric_column(t, o.x);
  std::vector<std::vector<std::optional<double>>> ys;
  for (const auto& y : o.ys) ys.push_back(numeric_column(t, y));
  std::optional<std::size_t> series_col;
  if (!o.series.empty()) series_col = column_index(t, o.series);

  std::vector<std::pair<std::size_t, std::string>> filters;
  for (const auto& [column, wanted] : o.where) filters.emplace_back(column_index(t, column), wanted);

  Grouped g;
  std::map<std::string, std::size_t> by_label;
  DropLog dropped;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    bool kept = std::all_of(filters.begin(), filters.end(), [&](auto& f) { return cell_matches(cell(t, r, f.first), f.second); });
    if (!kept) continue;
    std::string value = series_col ? cell(t, r, *series_col) : "";
    for (std::size_t k = 0; k < o.ys.size(); ++k) {
      std::string reason = drop_reason(xs[r], ys[k][r], o.ys[k], o);
      if (!reason.empty()) { dropped.add(reason); continue; }
      // A series is created by its first kept point, so no block is ever empty
      // (an empty block would shift gnuplot's `index` numbering).
      std::string label = series_label(o, o.ys[k], value);
      auto [it, fresh] = by_label.try_emplace(label, g.series.size());
      if (fresh) g.series.push_back(Series{label, {}});
      g.series[it->second].points.push_back(Point{*xs[r], *ys[k][r]});
    }
  }
  g.notes = dropped.notes();
  if (g.series.empty()) {
    std::string why = t.rows.empty() ? "the table has no rows" : join(g.notes, "; ");
    throw std::invalid_argument("nothing to plot for " + description(o) + ": " + why);
  }
  return g;
}

std::string data_text(const Grouped& g, const PlotOptions& o) {
  std::string d = "# reprise " + o.component + ": " + description(o) + "\n";
  d += "# column 1: " + comment_text(o.x) + "; column 2: " + comment_text(join(o.ys, " or ")) + "\n";
  for (const auto& note : g.notes) d += "# " + comment_text(note) + "\n";
  for (std::size_t i = 0; i < g.series.size(); ++i) {
    if (i) d += "\n\n";  // two blank lines end a gnuplot `index` block
    d += "# series: " + comment_text(g.series[i].label) + "\n";
    for (const auto& p : g.series[i].points) d += number_text(p.x) + " " + number_text(p.y) + "\n";
  }
  return d;
}

std::string script_text(const Grouped& g, const PlotOptions& o, const std::string& style) {
  std::string s = "# reprise " + o.component + ": " + description(o) + "\n";
  s += "# Data: " + o.file + ".dat, one `index` block per series. Edit this file and rerun\n";
  s += "# `gnuplot " + o.file + ".gp` to restyle; it rewrites " + o.file + ".svg and " + o.file + ".png.\n";
  if (!o.title.empty()) s += "set title \"" + escape(o.title) + "\"\n";
  s += "set xlabel \"" + escape(o.xlabel) + "\"\n";
  s += "set ylabel \"" + escape(o.ylabel) + "\"\n";
  if (o.logx) s += "set logscale x\n";
  if (o.logy) s += "set logscale y\n";
  s += "set grid\n";
  // The key sits outside so it never hides data; one series needs none (the axis
  // labels already name it).
  s += g.series.size() > 1 ? "set key outside right\n" : "unset key\n";
  return s + svg_and_png(g, o, style);
}

Artifact figure(const Grouped& g, const PlotOptions& o, const std::string& style) {
  Artifact a;
  a.set_string("file", o.file);
  a.set_string("script", script_text(g, o, style));
  a.set_string("data", data_text(g, o));
  return a;
}

}  // namespace reprise::gnuplot
