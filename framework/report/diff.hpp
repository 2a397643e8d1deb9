// Diff: what differs between the metrics of two runs (`reprise diff RUN_A RUN_B`),
// e.g. an interrupted-and-resumed run against an uninterrupted one.
//
// Rows are matched by their sweep-axis cells (the leading columns without a '.').
// Every metric column is compared cell by cell, numbers exactly (bit for bit as
// written, which is shortest round-trip text). Timing columns (a key ending in
// "seconds" or "per_second": compress_seconds, train_seconds, samples_per_second)
// measure the machine, not the result; they are reported but do not make two runs
// differ.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace reprise {

// "zfp.compress_seconds", "sampler.samples_per_second": yes; "err.second_max_abs": no.
bool is_timing_column(const std::string& column);

struct ColumnDiff {
  std::string name;
  bool timing = false;
  bool only_in_a = false, only_in_b = false;
  std::size_t differing_rows = 0;
  double max_abs = 0;  // largest |a - b| over numeric cells that differ
};

struct RunDiff {
  std::string a, b;  // the run directories compared
  std::vector<std::string> axes;
  std::size_t rows_a = 0, rows_b = 0, rows_matched = 0;
  std::vector<std::string> rows_only_in_a, rows_only_in_b;  // "energy=0.9"
  std::vector<ColumnDiff> columns;                         // every column but the axes

  // Same rows and same non-timing cells.
  bool same_results() const;
};

// Numbers count as equal when |a - b| <= atol + rtol * |b| (both 0: bit for bit as
// written), e.g. to compare a portable build's results with a -march=native one's,
// which round differently (FMA) in the last bits.
struct Tolerance {
  double rtol = 0, atol = 0;
};

// Reads both runs' metrics.csv (a run directory or results/<name>). Throws
// ReportError for a path that is not a run or a metrics.csv that cannot be read.
RunDiff diff_runs(const std::string& run_a, const std::string& run_b, Tolerance tolerance = {});

// The human-readable summary `reprise diff` prints.
std::string diff_text(const RunDiff& d);

}  // namespace reprise
