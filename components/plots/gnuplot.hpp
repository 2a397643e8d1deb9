// What plot/line and plot/scatter share: their common parameters, reading numeric
// columns out of the metrics Table with errors a user can act on, grouping rows
// into series, and writing the gnuplot data file and script.
//
// A plot component returns an Artifact with three strings: "file" (the base name),
// "script" (a complete gnuplot script) and "data" (the text of <file>.dat). The
// framework writes figures/<file>.gp and figures/<file>.dat and runs
// `gnuplot <file>.gp` there; the script makes <file>.svg and <file>.png. Users
// restyle a figure by editing the .gp and rerunning gnuplot, so the script is
// written to be read: one setting per line, one plot clause per series.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"
#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"

namespace reprise::gnuplot {

// Parameter declarations both components list in their REPRISE_COMPONENT schema,
// so each shared parameter is declared exactly once. `y` differs between the two
// (one column or a comma list) and is declared by each component.
ParamSpec param_x();
ParamSpec param_series();
ParamSpec param_where();
ParamSpec param_logx();
ParamSpec param_logy();
ParamSpec param_title();
ParamSpec param_xlabel();
ParamSpec param_ylabel();
ParamSpec param_file();
InputSpec input_table();
OutputSpec output_file();
OutputSpec output_script();
OutputSpec output_data();

// The validated settings of one figure.
struct PlotOptions {
  std::string component;        // "plot/line": named in the header comment of both files
  std::string x;                // x column
  std::vector<std::string> ys;  // y columns, at least one
  std::string series;           // column splitting rows into lines; "" for none
  std::vector<std::pair<std::string, std::string>> where;  // keep only rows whose column equals the value
  bool logx = false;
  bool logy = false;
  std::string title, xlabel, ylabel;  // labels already defaulted to column names
  std::string file;                   // validated base name
};

// Reads the shared parameters of plot component `component`. With multi_y, `y` may
// list several columns separated by commas; otherwise a comma is an error. Throws
// std::invalid_argument.
PlotOptions read_options(const std::string& component, const Params& p, bool multi_y);

// Throws std::invalid_argument unless `name` is a plain file name ([A-Za-z0-9_.-]+).
void check_file_name(const std::string& name);

// Splits "a, b,c" into {"a", "b", "c"}; throws on an empty item.
std::vector<std::string> split_columns(const std::string& list);

// Body of a gnuplot double-quoted string (without the quotes).
std::string escape(const std::string& text);

// Shortest text that parses back to the same double, so a .dat loses nothing.
std::string number_text(double v);

// Index of `column`; throws std::invalid_argument listing the columns there are.
std::size_t column_index(const Table& t, const std::string& column);

// The column's cells as numbers (nullopt where empty); throws std::invalid_argument
// when the column is unknown or holds a non-numeric cell.
std::vector<std::optional<double>> numeric_column(const Table& t, const std::string& column);

struct Point {
  double x = 0, y = 0;
};

struct Series {
  std::string label;  // title in the key, e.g. "structure=random"
  std::vector<Point> points;
};

// The rows grouped into series, plus one note per reason rows were left out (they
// become comments in the .dat so a missing point is never a silent surprise).
struct Grouped {
  std::vector<Series> series;
  std::vector<std::string> notes;
};

// Groups the table's rows: one series per (y column, series value), in order of
// first appearance, rows in table order. Drops rows with a missing or non-finite
// value, and with a value <= 0 on a log axis. Throws when nothing is left to plot.
Grouped group_rows(const Table& t, const PlotOptions& o);

// The .dat text: header comments, then one block per series (a `# series:` line
// and "x y" rows), blocks separated by two blank lines so `index i` selects one.
std::string data_text(const Grouped& g, const PlotOptions& o);

// The complete script; `style` is the gnuplot style, "linespoints" or "points".
std::string script_text(const Grouped& g, const PlotOptions& o, const std::string& style);

// The artifact a plot component returns.
Artifact figure(const Grouped& g, const PlotOptions& o, const std::string& style);

}  // namespace reprise::gnuplot
