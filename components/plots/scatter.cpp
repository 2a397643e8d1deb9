#include "components/plots/scatter.hpp"

#include "components/plots/gnuplot.hpp"
#include "framework/table.hpp"

namespace reprise {

Artifact ScatterPlot::run(const Inputs& in, const Params& p, Context&) {
  auto options = gnuplot::read_options("plot/scatter", p, /*multi_y=*/false);
  // Unjoined points need no order, so rows stay as the table gives them.
  auto grouped = gnuplot::group_rows(Table::from_artifact(in.get("table")), options);
  return gnuplot::figure(grouped, options, "points");
}

REPRISE_COMPONENT(ScatterPlot, "plot/scatter", "2", "scatter plot of two metrics-table columns (gnuplot svg + png)",
                  gnuplot::param_x(), param_string("y", "", "y column (numeric)").required(),
                  gnuplot::param_series(), gnuplot::param_where(), gnuplot::param_logx(), gnuplot::param_logy(), gnuplot::param_title(),
                  gnuplot::param_xlabel(), gnuplot::param_ylabel(), gnuplot::param_file(), gnuplot::input_table(),
                  gnuplot::output_file(), gnuplot::output_script(), gnuplot::output_data())

}  // namespace reprise
