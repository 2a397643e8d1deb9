// figure/slices: heat maps of a few 2-D slices of a volume and of its
// reconstruction, like the INR paper's Fig. 2 and Figs. 4-7 (seed 001): one row
// per slice (by default r-layers 0, 8 and 15 of a {c, z, r} TPC volume), three
// columns: the original, the reconstruction (both in the original's colour
// range over the slices shown, so intensities compare and zeros stay white;
// reconstructed values outside it take the end colours) and
// |original - reconstruction| (its own range from 0), each difference panel
// titled with the slice's mean absolute difference.
//
// A figure component is a DAG node (under nodes:, fed by other nodes), unlike the
// plot components, which draw the metrics table under figures:. It writes no
// file itself: it returns strings "file" (the base name), "script" (a gnuplot
// script) and "data" (the matrices, one gnuplot `index` block per panel, row by
// row in matrix format), and the run writer (framework/report/results.cpp) puts them in
// figures/<file>[-<sweep values>].{gp,dat} and runs gnuplot, which draws the
// .png. The script reads the base name from the gnuplot variable `base`, which
// the writer sets in its first line, so each sweep point's figure has its own
// files and `gnuplot <name>.gp` redraws it.
//
// Inputs `truth` and `test` hold array `key` (default "volume") of the same shape,
// rank 3, or rank 4 with a leading events axis (param `event` picks one volume).
// `axis` is the axis sliced (negative counts from the end: -1, the r layers); the
// two axes left are the image's rows (y) and columns (x).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/metrics/volume_compare.hpp"
#include "components/plots/gnuplot.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

const char* kColumns[] = {"original", "reconstruction", "|difference|"};

// One panel's pixels, row-major {rows, cols}.
struct Image {
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;
};

// The 3-D view of a volume: `offset` skips to the chosen event.
struct Volume3 {
  std::size_t dims[3] = {0, 0, 0};
  std::size_t offset = 0;
};

Volume3 view_of(const std::vector<std::size_t>& shape, std::int64_t event, const std::string& key) {
  Volume3 v;
  if (shape.size() == 3) {
    if (event != 0)
      throw std::invalid_argument("event " + std::to_string(event) + " asked of '" + key + "' of shape " +
                                  shape_text(shape) + ", which holds one volume (event must be 0)");
  } else if (shape.size() == 4) {
    if (event >= static_cast<std::int64_t>(shape[0]))
      throw std::invalid_argument("event " + std::to_string(event) + " is out of range for '" + key +
                                  "' of shape " + shape_text(shape) + " (" + std::to_string(shape[0]) + " events)");
    v.offset = static_cast<std::size_t>(event) * shape[1] * shape[2] * shape[3];
  } else {
    throw std::invalid_argument("'" + key + "' has shape " + shape_text(shape) +
                                "; expected rank 3 ({c, z, r}) or 4 ({events, c, z, r})");
  }
  std::copy(shape.end() - 3, shape.end(), v.dims);
  return v;
}

// Slice `index` along `axis` of a 3-D volume: the two other axes, in order, are
// the image's rows and columns.
Image slice(const std::vector<double>& values, const Volume3& v, std::size_t axis, std::size_t index) {
  const std::size_t stride[3] = {v.dims[1] * v.dims[2], v.dims[2], 1};
  std::size_t a = axis == 0 ? 1 : 0, b = axis == 2 ? 1 : 2;
  Image img{v.dims[a], v.dims[b], {}};
  img.values.reserve(img.rows * img.cols);
  for (std::size_t i = 0; i < img.rows; ++i)
    for (std::size_t j = 0; j < img.cols; ++j)
      img.values.push_back(values[v.offset + index * stride[axis] + i * stride[a] + j * stride[b]]);
  return img;
}

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// gnuplot `matrix` format: one line per image row; two blank lines end a block.
void append_matrix(std::string& out, const Image& img) {
  for (std::size_t i = 0; i < img.rows; ++i) {
    for (std::size_t j = 0; j < img.cols; ++j) {
      if (j) out += ' ';
      out += number(img.values[i * img.cols + j]);
    }
    out += '\n';
  }
  out += "\n\n";
}

// Names of the three axes of a TPC volume, for labels.
const char* kAxisNames[3] = {"c", "z", "r"};

class SlicesFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact SlicesFigure::run(const Inputs& in, const Params& p, Context& ctx) {
  const std::string& key = p.get_string("key");
  const volume_compare::Pair pair = volume_compare::read(in, p);  // same shapes, as float64
  const std::vector<double>& truth = pair.truth;
  const std::vector<double>& test = pair.test;
  const Volume3 v = view_of(pair.shape, p.get_int("event"), key);
  const std::int64_t axis_param = p.get_int("axis");
  const std::size_t axis = static_cast<std::size_t>(axis_param < 0 ? axis_param + 3 : axis_param);
  const std::string file = p.get_string("file");
  gnuplot::check_file_name(file);
  const std::vector<std::int64_t>& layers = p.get_ints("layers");
  if (layers.empty()) throw std::invalid_argument("layers is empty; list at least one slice index");
  for (std::int64_t l : layers)  // the schema has checked l >= 0
    if (l >= static_cast<std::int64_t>(v.dims[axis]))
      throw std::invalid_argument("layer " + std::to_string(l) + " is outside axis " +
                                  std::to_string(axis) + " of '" + key + "' (shape " +
                                  shape_text(pair.shape) + ", indices 0.." +
                                  std::to_string(v.dims[axis] - 1) + ")");

  std::string data = "# reprise figure/slices: '" + key + "' sliced along axis " + std::to_string(axis) +
                     "; per slice three matrix blocks: original, reconstruction, |difference|\n";
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, diff_hi = 0;
  std::vector<double> mean_abs;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    ctx.check_cancelled();
    const auto index = static_cast<std::size_t>(layers[k]);
    Image a = slice(truth, v, axis, index), b = slice(test, v, axis, index), d = a;
    double sum = 0;
    for (std::size_t i = 0; i < d.values.size(); ++i) {
      d.values[i] = std::abs(a.values[i] - b.values[i]);
      sum += d.values[i];
      diff_hi = std::max(diff_hi, d.values[i]);
    }
    for (double x : a.values) lo = std::min(lo, x), hi = std::max(hi, x);
    mean_abs.push_back(sum / static_cast<double>(d.values.size()));
    data += "# slice " + std::to_string(index) + ": blocks " + std::to_string(3 * k) + "-" + std::to_string(3 * k + 2) +
            ", " + std::to_string(a.rows) + " rows x " + std::to_string(a.cols) + " columns\n";
    for (const Image* img : {&a, &b, &d}) append_matrix(data, *img);
    ctx.progress(k + 1, layers.size());
  }
  if (hi <= lo) hi = lo + 1;          // a constant panel still needs a colour range
  if (diff_hi <= 0) diff_hi = 1;

  const std::size_t row_axis = axis == 0 ? 1 : 0, col_axis = axis == 2 ? 1 : 2;
  const std::size_t rows = v.dims[row_axis], cols = v.dims[col_axis];
  // Panels 420 px wide; of that the image gets about 250 px (the rest is labels
  // and the colour box), and the height follows the slice's aspect ratio.
  const int panel_w = 420;
  const int panel_h = std::clamp(static_cast<int>(250.0 * static_cast<double>(rows) / cols) + 90, 160, 900);
  const std::string title = p.get_string("title");
  std::string s = "# reprise figure/slices: original, reconstruction and |difference| of '" + key +
                  "' at slices " + canonical(ParamValue(layers)) + " along axis " + std::to_string(axis) + ".\n";
  s += "# Data: <base>.dat, one `index` block per panel (matrix format). Edit and rerun\n";
  s += "# `gnuplot <this file>` to restyle; it rewrites <base>.png.\n";
  s += "if (!exists(\"base\")) base = \"" + gnuplot::escape(file) + "\"\n";
  s += "set terminal pngcairo size " + std::to_string(3 * panel_w) + "," +
       std::to_string(static_cast<int>(layers.size()) * panel_h + (title.empty() ? 0 : 40)) +
       " font \"sans,10\" noenhanced\n";
  s += "set output base.\".png\"\n";
  s += "set palette defined (0 \"white\", 0.1 \"#fff3b0\", 0.35 \"#ffa040\", 0.65 \"#d02010\", 1 \"#300000\")\n";
  s += "set size ratio -1\n";
  s += "set tics out scale 0.5\n";
  s += "set xrange [-0.5:" + number(cols - 0.5) + "]\n";
  s += "set yrange [-0.5:" + number(rows - 0.5) + "]\n";
  s += "set xlabel \"" + std::string(kAxisNames[col_axis]) + "\"\n";
  s += "set ylabel \"" + std::string(kAxisNames[row_axis]) + "\"\n";
  s += "set multiplot layout " + std::to_string(layers.size()) + ",3" +
       (title.empty() ? "" : " title \"" + gnuplot::escape(title) + "\"") + "\n";
  for (std::size_t k = 0; k < layers.size(); ++k) {
    for (int c = 0; c < 3; ++c) {
      const std::size_t block = 3 * k + static_cast<std::size_t>(c);
      std::string panel = std::string(kColumns[c]) + ", " + kAxisNames[axis] + " = " + std::to_string(layers[k]);
      if (c == 2) panel += ", mean " + number(mean_abs[k]);
      s += "set title \"" + gnuplot::escape(panel) + "\"\n";
      s += "set cbrange [" + number(c == 2 ? 0.0 : lo) + ":" + number(c == 2 ? diff_hi : hi) + "]\n";
      s += "plot base.\".dat\" index " + std::to_string(block) + " matrix with image notitle\n";
    }
  }
  s += "unset multiplot\nunset output\n";

  Artifact out;
  out.set_string("file", file);
  out.set_string("script", s);
  out.set_string("data", data);
  return out;
}

}  // namespace

REPRISE_COMPONENT(SlicesFigure, "figure/slices", "2",
                  "heat maps of slices of a volume, its reconstruction and their difference (drawn into figures/)",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  param_ints("layers", {0, 8, 15}, "indices along the sliced axis, one figure row each").at_least(0),
                  param_int("axis", -1, "axis sliced; negative counts from the end (-1: r, the last)").range(-3, 2),
                  param_int("event", 0, "for a {events, c, z, r} volume: which event").at_least(0),
                  param_string("title", "", "figure title; empty: none"),
                  param_string("file", "slices", "base name of figures/<file>[-<sweep values>].{gp,dat,png}"),
                  output("file", "string: base name of the figure files"),
                  output("script", "string: gnuplot script drawing <base>.png (base set by the run writer)"),
                  output("data", "string: the panels' matrices, one gnuplot index block each"))

}  // namespace reprise
