// figure/mode-masses: which modes of a Gaussian mixture a sampler over- or
// under-fills (the tensor-train flow paper's GMM-40, seed 002). Every mode is
// drawn at its mean, its marker's area proportional to its exact mass and its
// colour the log2 of (sample fraction / exact mass): white where the sampler got
// the mass right, red where it put too much, blue too little; a mode no sample
// reached is a black cross instead. Each marker carries the ratio as a label,
// so the figure answers "which modes are missed or mis-weighted" without a
// legend hunt. Fractions count each sample row in its most responsible
// component (Target::mode_of), as metric/mode-weights does, over all n rows; a
// row with a non-finite coordinate is in no mode, and the title counts them.
//
// A figure node, drawn like figure/slices (components/figures/slices.cpp): it
// returns strings "file", "script" and "data", and the run writer renders
// figures/<file>[-<sweep values>].png.
//
// .dat layout: index 0, one row per reached mode "x y exact fraction log2ratio";
// index 1, one row per missed mode "x y exact".
#include <algorithm>
#include <cmath>
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

// Colours saturate at a factor of two either way: a mode with half or double
// its mass is already a clear failure, and the label gives the exact ratio.
constexpr double kColourLimit = 1.0;

struct Mode {
  double x = 0, y = 0;    // its mean in the drawn plane
  double exact = 0;       // exact mass
  double fraction = 0;    // the sample's fraction in it
};

struct ModeMap {
  std::vector<Mode> modes;
  std::size_t rows = 0;        // sample rows
  std::size_t non_finite = 0;  // rows with a non-finite coordinate: in no mode
  double total_variation = 0;
  std::size_t missed() const {
    return static_cast<std::size_t>(std::count_if(modes.begin(), modes.end(), [](const Mode& m) { return m.fraction == 0; }));
  }
};

// The mixture's means {K, d}: only a target/gmm has modes with a place to draw.
std::vector<double> read_means(const Artifact& target, const Target& t) {
  if (t.family() != "gmm" || !target.has_array("means"))
    throw std::invalid_argument("input 'target' is a " + t.family() +
                                " target; figure/mode-masses draws the modes of a target/gmm at their means "
                                "(for the many-well, metric/mode-weights' factor_fractions give each well's mass)");
  const Array& m = target.array("means");
  if (m.rank() != 2 || m.shape()[0] != t.mode_count() || m.shape()[1] != t.dim())
    throw std::invalid_argument("'means' of input 'target' has shape " + shape_text(m.shape()) + "; expected {" +
                                std::to_string(t.mode_count()) + ", " + std::to_string(t.dim()) + "}");
  return m.to_double();
}

ModeMap count_modes(const Target& t, const std::vector<double>& means, Plane plane,
                    const Array& samples) {
  const std::size_t d = t.dim(), k = t.mode_count(), n = samples.shape()[0];
  const std::vector<double> x = samples.to_double();
  std::vector<double> count(k, 0.0);
  std::size_t finite_rows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = &x[i * d];
    if (!std::all_of(row, row + d, [](double v) { return std::isfinite(v); })) continue;  // in no mode
    count[t.mode_of(row)] += 1;
    ++finite_rows;
  }
  const std::vector<double> exact = t.mode_weights();
  ModeMap map;
  map.rows = n;
  map.non_finite = n - finite_rows;
  for (std::size_t m = 0; m < k; ++m) {
    const double fraction = count[m] / static_cast<double>(n);
    map.modes.push_back({means[m * d + plane.x], means[m * d + plane.y], exact[m], fraction});
    map.total_variation += 0.5 * std::abs(fraction - exact[m]);
  }
  if (finite_rows == 0) throw std::invalid_argument("no row of input 'samples' is finite; nothing to count");
  return map;
}

double log2_ratio(const Mode& m) {
  return std::clamp(std::log2(m.fraction / m.exact), -kColourLimit, kColourLimit);
}

std::string data_text(const ModeMap& map, Plane plane) {
  std::string reached, missed;
  for (const Mode& m : map.modes) {
    const std::string where = number_text(m.x) + " " + number_text(m.y) + " " + number_text(m.exact);
    if (m.fraction > 0)
      reached += where + " " + number_text(m.fraction) + " " + number_text(log2_ratio(m)) + "\n";
    else
      missed += where + "\n";
  }
  std::string out = "# reprise figure/mode-masses: modes at their means, coordinates " + std::to_string(plane.x) +
                    " and " + std::to_string(plane.y) + "; " + std::to_string(map.rows) + " sample rows, " +
                    std::to_string(map.non_finite) + " of them non-finite (in no mode)\n";
  out += "# index 0: reached modes \"x y exact fraction log2(fraction/exact), clipped to +-1\"\n";
  out += "# index 1: missed modes \"x y exact\"\n";
  // gnuplot cannot plot an empty index; a comment-only block keeps the indices aligned.
  return out + (reached.empty() ? "# none\n" : reached) + "\n\n" + (missed.empty() ? "# none\n" : missed) + "\n\n";
}

std::string title_text(const Params& p, const ModeMap& map) {
  std::string t = p.get_string("title");
  if (t.empty()) t = "mode masses: sample fraction / exact mass";
  return t + "\n(total variation " + number_text(std::round(map.total_variation * 1e4) / 1e4) + "; " +
         std::to_string(map.modes.size() - map.missed()) + " of " + std::to_string(map.modes.size()) +
         " modes reached" +
         (map.non_finite ? "; non-finite rows, in no mode: " + std::to_string(map.non_finite) : std::string()) + ")";
}

// Marker size: area proportional to the exact mass, the heaviest mode at 4.
std::string size_expression(const ModeMap& map) {
  double heaviest = 0;
  for (const Mode& m : map.modes) heaviest = std::max(heaviest, m.exact);
  return "(4 * sqrt($3 / " + number_text(heaviest > 0 ? heaviest : 1.0) + "))";
}

std::string script_text(const std::string& file, const std::string& title, const ModeMap& map,
                        Plane plane) {
  std::string s = "# reprise figure/mode-masses: each mode at its mean, coloured by log2(fraction / exact).\n";
  s += "# Edit and rerun `gnuplot <this file>` to restyle; it rewrites <base>.png.\n";
  s += "if (!exists(\"base\")) base = \"" + gnuplot::escape(file) + "\"\n";
  s += "set terminal pngcairo size 760,700 font \"sans,10\" noenhanced\n";
  s += "set output base.\".png\"\n";
  s += "set title \"" + gnuplot::escape(title) + "\"\n";
  s += "set xlabel \"x_" + std::to_string(plane.x) + "\"\nset ylabel \"x_" + std::to_string(plane.y) + "\"\n";
  s += "set size ratio -1\nset offsets graph 0.06, graph 0.06, graph 0.06, graph 0.06\n";
  s += "set tics out scale 0.5\nset key bottom right opaque\n";
  s += "set palette defined (-1 \"#2060c0\", 0 \"#f4f4f4\", 1 \"#c02010\")\n";
  s += "set cbrange [" + number_text(-kColourLimit) + ":" + number_text(kColourLimit) + "]\n";
  s += "set cbtics (\"1/2\" -1, \"1\" 0, \"2\" 1)\n";
  s += "set cblabel \"sample fraction / exact mass\"\n";
  const std::string size = size_expression(map);
  s += "plot base.\".dat\" index 0 using 1:2:" + size +
       ":5 with points pt 7 ps variable lc palette title \"mode (area: exact mass)\", \\\n";
  s += "     base.\".dat\" index 0 using 1:2:" + size + " with points pt 6 ps variable lc rgb \"#404040\" notitle, \\\n";
  s += "     base.\".dat\" index 0 using 1:2:(sprintf(\"%.2f\", $4 / $3)) with labels offset 0,1.4 font \",8\" "
       "notitle";
  if (map.missed() > 0)
    s += ", \\\n     base.\".dat\" index 1 using 1:2 with points pt 2 ps 2 lw 2 lc rgb \"black\" title \"missed (no "
         "sample)\"";
  return s + "\nunset output\n";
}

class ModeMassesFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const Artifact& target_artifact = in.get("target");
    const auto target = Target::from_artifact(target_artifact, "input 'target'");
    const std::vector<double> means = read_means(target_artifact, *target);
    const Plane plane = figures::read_plane(p, target->dim(), "a map of its modes");
    const ModeMap map =
        count_modes(*target, means, plane, figures::read_samples(in.get("samples"), "samples", target->dim()));
    const std::string file = p.get_string("file");
    gnuplot::check_file_name(file);

    Artifact out;
    out.set_string("file", file);
    out.set_string("script", script_text(file, title_text(p, map), map, plane));
    out.set_string("data", data_text(map, plane));
    out.set_scalar("total_variation", map.total_variation);
    out.set_scalar("modes_missed", static_cast<double>(map.missed()));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(ModeMassesFigure, "figure/mode-masses", "1",
                  "a Gaussian mixture's modes at their means, coloured by the sample's fraction / the exact mass "
                  "(which modes a sampler missed or mis-weighted), drawn into figures/",
                  input("target", "a target/gmm node (its modes' means and exact masses)"),
                  input("samples", "any node with array 'samples' {n, d}: a sampler/* or target/*"),
                  param_ints("dims", {0, 1}, "the two coordinates drawn, x then y").at_least(0),
                  param_string("file", "mode_masses", "base name of the figure files in figures/"),
                  param_string("title", "", "title (default: what is drawn); the total variation and the modes "
                                            "reached are always appended"),
                  output("file", "string: base name of the figure files"),
                  output("script", "string: the gnuplot script (renders <file>.png)"),
                  output("data", "string: the .dat file, one row per mode"),
                  output("total_variation", "scalar: ½ Σ |fraction − exact mass| over the modes"),
                  output("modes_missed", "scalar: modes no sample reached"))

}  // namespace reprise
