// figure/samples: a sampler's samples scattered over the target density
// exp(-E), like the tensor-train flow paper's scatter figures of the 2-D
// Gaussian mixtures (seed 002). A figure node, drawn like figure/slices (see
// components/figures/slices.cpp): it returns strings "file", "script" and
// "data", and the run writer puts them in figures/<file>[-<sweep values>].*
// and runs gnuplot, which draws the .png.
//
// Input `target` is a target/* node (rebuilt with Target::from_artifact), and
// `samples` any node with array "samples" {n, d} of the target's d: a
// sampler/*, or a target/* itself (its exact samples). `dims` picks the two
// coordinates drawn (x, then y).
//
// For d = 2 the background is exp(-E) evaluated on a `grid` x `grid` lattice
// over the box (a heat map with contour lines). For d > 2 there is no density
// to show without integrating out the other coordinates, so the background is
// the target's own exact samples in grey (the true 2-D marginal, by sampling),
// and the title says so.
//
// The box is `range` [lo, hi] on both axes, or else the extent of the target's
// exact samples on each axis plus 10%. Samples outside it are clipped by
// gnuplot; the key and the .dat say how many. At most `max_points` samples
// are drawn, evenly strided through the array (deterministic, no seed).
//
// .dat layout: index 0 is the background (d = 2: "x y exp(-E)" rows, one scan
// line per x value, scan lines separated by one blank line, as gnuplot's grid
// format expects; d > 2: "x y" of the exact samples), index 1 the samples "x y".
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/figures/figure_inputs.hpp"
#include "components/plots/gnuplot.hpp"
#include "components/targets/target.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using figures::Plane;
using gnuplot::number_text;

// An input's "samples", {n, d} row-major.
struct Samples {
  std::size_t n = 0, d = 0;
  std::vector<double> values;
};

// [lo[0], hi[0]] x [lo[1], hi[1]].
struct Box {
  double lo[2] = {0, 0}, hi[2] = {1, 1};
  bool contains(double x, double y) const { return x >= lo[0] && x <= hi[0] && y >= lo[1] && y <= hi[1]; }
};

// The rows of one {n, d} array that are drawn, and what happened to the rest.
struct Scatter {
  std::vector<double> xy;       // x0 y0 x1 y1 ...
  std::size_t total = 0;        // rows in the array
  std::size_t non_finite = 0;   // picked rows dropped for a NaN or infinite coordinate
  std::size_t outside = 0;      // drawn rows outside the box, which gnuplot clips
  std::size_t size() const { return xy.size() / 2; }
};

// exp(-E) at x[i], y[j]: density[i * y.size() + j].
struct Grid {
  std::vector<double> x, y, density;
  double peak = 0;
};

Samples read_samples(const Artifact& a, const std::string& input, std::size_t d) {
  const Array& s = figures::read_samples(a, input, d);
  return {s.shape()[0], d, s.to_double()};
}

// The extent of the exact samples on both axes plus 10% each side: where the
// target's mass is, whatever a sampler made of it.
Box extent_box(const Samples& truth, Plane plane) {
  Box b;
  const std::size_t column[2] = {plane.x, plane.y};
  for (int a = 0; a < 2; ++a) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t i = 0; i < truth.n; ++i) {
      const double v = truth.values[i * truth.d + column[a]];
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    if (!(lo <= hi))
      throw std::invalid_argument("the target's exact samples have no finite value in coordinate " +
                                  std::to_string(column[a]) + " to size the box; give range: [lo, hi]");
    const double margin = hi > lo ? 0.1 * (hi - lo) : 1.0;  // one point still needs a box around it
    b.lo[a] = lo - margin;
    b.hi[a] = hi + margin;
  }
  return b;
}

Box read_box(const Params& p, const Samples& truth, Plane plane) {
  const std::vector<double>& range = p.get_doubles("range");
  if (range.empty()) return extent_box(truth, plane);
  if (range.size() != 2 || !std::isfinite(range[0]) || !std::isfinite(range[1]) || !(range[0] < range[1]))
    throw std::invalid_argument("range must be [lo, hi] with finite lo < hi (the box on both axes), "
                                "or empty for the target samples' extent; got " + canonical(ParamValue(range)));
  Box b;
  b.lo[0] = b.lo[1] = range[0];
  b.hi[0] = b.hi[1] = range[1];
  return b;
}

// At most `max_points` rows, evenly strided so the subset follows the whole
// array (a sampler's rows may be ordered, e.g. by resampling ancestor).
Scatter pick(const Samples& s, Plane plane, std::size_t max_points, const Box& box) {
  Scatter out;
  out.total = s.n;
  const std::size_t m = std::min(s.n, max_points);
  out.xy.reserve(2 * m);
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t row = k * s.n / m;
    const double x = s.values[row * s.d + plane.x], y = s.values[row * s.d + plane.y];
    if (!std::isfinite(x) || !std::isfinite(y)) {
      ++out.non_finite;
      continue;
    }
    out.xy.push_back(x);
    out.xy.push_back(y);
    if (!box.contains(x, y)) ++out.outside;
  }
  return out;
}

std::vector<double> linspace(double lo, double hi, std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
  return v;
}

// Only for d = 2, where (x, y) is the whole state and exp(-E) is the density.
Grid density_grid(const Target& target, Plane plane, const Box& box, std::size_t size, Context& ctx) {
  Grid g{linspace(box.lo[0], box.hi[0], size), linspace(box.lo[1], box.hi[1], size), {}, 0};
  g.density.reserve(size * size);
  double point[2];
  for (std::size_t i = 0; i < size; ++i) {
    ctx.check_cancelled();
    for (std::size_t j = 0; j < size; ++j) {
      point[plane.x] = g.x[i];
      point[plane.y] = g.y[j];
      const double e = target.energy(point, nullptr);
      const double v = std::exp(-e);
      if (!std::isfinite(v))
        throw std::invalid_argument("exp(-E) is not finite at (" + number_text(g.x[i]) + ", " +
                                    number_text(g.y[j]) + ") (E = " + number_text(e) + "); give a smaller range");
      g.density.push_back(v);
      g.peak = std::max(g.peak, v);
    }
    ctx.progress(i + 1, size);
  }
  return g;
}

// gnuplot grid format: one scan line per x value, scan lines separated by one
// blank line (so splot can contour it); two blank lines end the block.
std::string grid_block(const Grid& g) {
  std::string out;
  for (std::size_t i = 0; i < g.x.size(); ++i) {
    for (std::size_t j = 0; j < g.y.size(); ++j)
      out += number_text(g.x[i]) + " " + number_text(g.y[j]) + " " + number_text(g.density[i * g.y.size() + j]) + "\n";
    out += "\n";
  }
  return out + "\n";
}

std::string points_block(const Scatter& s) {
  std::string out;
  for (std::size_t k = 0; k < s.size(); ++k) out += number_text(s.xy[2 * k]) + " " + number_text(s.xy[2 * k + 1]) + "\n";
  return out + "\n\n";
}

// "5000 of 20000 drawn, 3 outside the box": the key entry and a .dat comment,
// so points missing from the picture are never a silent surprise.
std::string counts_text(const Scatter& s) {
  std::string t = std::to_string(s.size()) + " of " + std::to_string(s.total) + " drawn";
  if (s.non_finite) t += ", " + std::to_string(s.non_finite) + " non-finite dropped";
  if (s.outside) t += ", " + std::to_string(s.outside) + " outside the box";
  return t;
}

// Everything the script needs beyond the data.
struct Layout {
  std::string file, title;
  Plane plane;
  Box box;
  bool density = true;  // d = 2: heat map and contours; else the exact samples
  double peak = 0;
  std::string sample_key, background_key;
};

std::string title_text(const Params& p, const std::string& family, std::size_t d, Plane plane) {
  std::string t = p.get_string("title");
  if (t.empty()) t = d == 2 ? "samples over exp(-E), " + family + " target" : "samples, " + family + " target";
  if (d > 2)
    t += "\n(d = " + std::to_string(d) + ": coordinates " + std::to_string(plane.x) + " and " +
         std::to_string(plane.y) + " only; no density shown, grey: the target's exact samples)";
  return t;
}

// Heat map of exp(-E), its contour lines (computed by gnuplot into a datablock,
// so no extra file), then the samples on top.
std::string density_plot(const Layout& l) {
  std::string s = "set view map\nset contour base\nunset surface\nset cntrparam levels 8\n";
  s += "set table $contours\n";
  s += "splot base.\".dat\" index 0 using 1:2:3 with lines notitle\n";
  s += "unset table\nunset contour\n";
  s += "set palette defined (0 \"white\", 0.3 \"#c6d8f0\", 1 \"#1f4e9c\")\n";
  s += "set cbrange [0:" + number_text(l.peak > 0 ? l.peak : 1.0) + "]\n";
  s += "set cblabel \"exp(-E)\"\n";
  s += "plot base.\".dat\" index 0 using 1:2:3 with image notitle, \\\n";
  s += "     $contours using 1:2 with lines lw 0.8 lc rgb \"#1f3a70\" notitle, \\\n";
  return s;
}

std::string marginal_plot(const Layout& l) {
  return "plot base.\".dat\" index 0 using 1:2 with points pt 7 ps 0.35 lc rgb \"#a0a0a0\" title \"" +
         gnuplot::escape(l.background_key) + "\", \\\n";
}

std::string script_text(const Layout& l) {
  std::string s = "# reprise figure/samples: samples (index 1 of <base>.dat) over " +
                  std::string(l.density ? "exp(-E) of the target (index 0, a grid)" : "the target's exact samples (index 0)") +
                  ".\n# Edit and rerun `gnuplot <this file>` to restyle; it rewrites <base>.png.\n";
  s += "if (!exists(\"base\")) base = \"" + gnuplot::escape(l.file) + "\"\n";
  s += "set terminal pngcairo size 760,700 font \"sans,10\" noenhanced\n";
  s += "set output base.\".png\"\n";
  s += "set title \"" + gnuplot::escape(l.title) + "\"\n";
  s += "set xlabel \"x_" + std::to_string(l.plane.x) + "\"\n";
  s += "set ylabel \"x_" + std::to_string(l.plane.y) + "\"\n";
  s += "set xrange [" + number_text(l.box.lo[0]) + ":" + number_text(l.box.hi[0]) + "]\n";
  s += "set yrange [" + number_text(l.box.lo[1]) + ":" + number_text(l.box.hi[1]) + "]\n";
  s += "set size ratio -1\nset tics out scale 0.5\nset key top right opaque\n";
  s += l.density ? density_plot(l) : marginal_plot(l);
  s += "     base.\".dat\" index 1 using 1:2 with points pt 7 ps 0.35 lc rgb \"#d02010\" title \"" +
       gnuplot::escape(l.sample_key) + "\"\n";
  return s + "unset output\n";
}

class SamplesFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact SamplesFigure::run(const Inputs& in, const Params& p, Context& ctx) {
  const auto target = Target::from_artifact(in.get("target"), "input 'target'");
  const std::size_t d = target->dim();
  const Plane plane = figures::read_plane(p, d, "a scatter plot");
  const Samples truth = read_samples(in.get("target"), "target", d);
  const Samples shown = read_samples(in.get("samples"), "samples", d);
  const Box box = read_box(p, truth, plane);
  const auto max_points = static_cast<std::size_t>(p.get_int("max_points"));
  Layout l{p.get_string("file"), title_text(p, target->family(), d, plane), plane, box, d == 2, 0, "", ""};
  gnuplot::check_file_name(l.file);

  const Scatter points = pick(shown, plane, max_points, box);
  l.sample_key = "samples (" + counts_text(points) + ")";
  std::string data = "# reprise figure/samples: coordinates " + std::to_string(plane.x) + " and " +
                     std::to_string(plane.y) + " of d = " + std::to_string(d) + ", " + target->family() + " target\n";
  std::string background;
  if (l.density) {
    const Grid g = density_grid(*target, plane, box, static_cast<std::size_t>(p.get_int("grid")), ctx);
    l.peak = g.peak;
    data += "# index 0: exp(-E) on a " + std::to_string(g.x.size()) + " x " + std::to_string(g.y.size()) +
            " grid, rows \"x y exp(-E)\", one scan line per x\n";
    background = grid_block(g);
  } else {
    const Scatter exact = pick(truth, plane, max_points, box);
    l.background_key = "exact samples (" + counts_text(exact) + ")";
    data += "# index 0: the target's exact samples \"x y\", " + counts_text(exact) + "\n";
    background = points_block(exact);
  }
  data += "# index 1: samples \"x y\", " + counts_text(points) + "\n";
  data += background + points_block(points);

  Artifact out;
  out.set_string("file", l.file);
  out.set_string("script", script_text(l));
  out.set_string("data", data);
  return out;
}

}  // namespace

REPRISE_COMPONENT(SamplesFigure, "figure/samples", "1",
                  "scatter of a sampler's samples over the target density exp(-E) (d = 2) or over its exact "
                  "samples (d > 2), drawn into figures/",
                  input("target", "a target/* node"),
                  input("samples", "a node with array 'samples' {n, d}: a sampler/*, or a target/* (exact samples)"),
                  param_ints("dims", {0, 1}, "the two coordinates drawn, x then y").at_least(0),
                  param_doubles("range", {}, "[lo, hi]: the box on both axes; empty: the target samples' extent + 10%"),
                  param_int("grid", 200, "exp(-E) evaluated on grid x grid points (d = 2)").range(2, 2000),
                  param_int("max_points", 5000, "at most this many samples drawn, evenly strided").at_least(1),
                  param_string("title", "", "figure title; empty: one naming the target family"),
                  param_string("file", "samples", "base name of figures/<file>[-<sweep values>].{gp,dat,png}"),
                  output("file", "string: base name of the figure files"),
                  output("script", "string: gnuplot script drawing <base>.png (base set by the run writer)"),
                  output("data", "string: index 0 the background (exp(-E) grid or exact samples), index 1 the samples"))

}  // namespace reprise
