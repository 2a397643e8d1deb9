// plot/line: one or more y columns of the metrics table against an x column, one
// line per series, drawn by gnuplot to <file>.svg and <file>.png.
//
// Input "table" is the run's metrics Table (Table::to_artifact). Rows split into
// series by the distinct values of the `series` column (in order of first
// appearance) and, when `y` lists several columns, by y column; within a series
// points are joined in increasing x. Rows with a missing value, or with a value
// <= 0 on a log axis, are left out and counted in comments of the .dat. The output
// artifact holds strings "file", "script" and "data" (see gnuplot.hpp).
#include <algorithm>

#include "components/plots/gnuplot.hpp"
#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"

namespace reprise {
namespace {

class LinePlot : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    auto options = gnuplot::read_options("plot/line", p, /*multi_y=*/true);
    auto grouped = gnuplot::group_rows(Table::from_artifact(in.get("table")), options);
    // A line joins its points in x order; stable so rows with equal x keep table order.
    for (auto& s : grouped.series)
      std::stable_sort(s.points.begin(), s.points.end(),
                       [](const gnuplot::Point& a, const gnuplot::Point& b) { return a.x < b.x; });
    return gnuplot::figure(grouped, options, "linespoints");
  }
};

}  // namespace

REPRISE_COMPONENT(LinePlot, "plot/line", "2", "line plot of metrics-table columns (gnuplot svg + png)",
                  gnuplot::param_x(),
                  param_string("y", "", "y column, or several separated by commas (one series each)").required(),
                  gnuplot::param_series(), gnuplot::param_where(), gnuplot::param_logx(), gnuplot::param_logy(), gnuplot::param_title(),
                  gnuplot::param_xlabel(), gnuplot::param_ylabel(), gnuplot::param_file(), gnuplot::input_table(),
                  gnuplot::output_file(), gnuplot::output_script(), gnuplot::output_data())

}  // namespace reprise
