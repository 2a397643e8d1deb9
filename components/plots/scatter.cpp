// plot/scatter: a y column of the metrics table against an x column as unjoined
// points, one colour per series, drawn by gnuplot to <file>.svg and <file>.png.
//
// Input "table" is the run's metrics Table (Table::to_artifact). Rows split into
// series by the distinct values of the `series` column (in order of first
// appearance) and keep table order. Rows with a missing value, or with a value
// <= 0 on a log axis, are left out and counted in comments of the .dat. The output
// artifact holds strings "file", "script" and "data" (see gnuplot.hpp).
#include "components/plots/gnuplot.hpp"
#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"

namespace reprise {
namespace {

class ScatterPlot : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    auto options = gnuplot::read_options("plot/scatter", p, /*multi_y=*/false);
    // Unjoined points need no order, so rows stay as the table gives them.
    auto grouped = gnuplot::group_rows(Table::from_artifact(in.get("table")), options);
    return gnuplot::figure(grouped, options, "points");
  }
};

}  // namespace

REPRISE_COMPONENT(ScatterPlot, "plot/scatter", "2", "scatter plot of two metrics-table columns (gnuplot svg + png)",
                  gnuplot::param_x(), param_string("y", "", "y column (numeric)").required(),
                  gnuplot::param_series(), gnuplot::param_where(), gnuplot::param_logx(), gnuplot::param_logy(), gnuplot::param_title(),
                  gnuplot::param_xlabel(), gnuplot::param_ylabel(), gnuplot::param_file(), gnuplot::input_table(),
                  gnuplot::output_file(), gnuplot::output_script(), gnuplot::output_data())

}  // namespace reprise
