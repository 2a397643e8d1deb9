// plot/line: one or more y columns of the metrics table against an x column, one
// line per series, drawn by gnuplot to <file>.svg and <file>.png.
//
// Input "table" is the run's metrics Table (Table::to_artifact). Rows split into
// series by the distinct values of the `series` column (in order of first
// appearance) and, when `y` lists several columns, by y column; within a series
// points are joined in increasing x. Rows with a missing value, or with a value
// <= 0 on a log axis, are left out and counted in comments of the .dat. The output
// artifact holds strings "file", "script" and "data" (see gnuplot.hpp).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class LinePlot : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
