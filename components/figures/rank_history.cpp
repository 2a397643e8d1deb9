// figure/rank-history: the tensor-train ranks of a sampler/ttflow run against
// annealing time, like the tensor-train flow paper's many-well rank-vs-time
// figure (seed 002). A figure node, drawn like figure/slices (see
// components/figures/slices.cpp): it returns strings "file", "script" and
// "data", and the run writer renders figures/<file>[-<sweep values>].png.
//
// Input `sampler` is a sampler/ttflow node: its "max_rank_history" {steps} is
// drawn against "times"[1..] {steps + 1}. The FTT fitted at step k moves the
// particles from times[k] to times[k + 1], so its rank is drawn at the end of
// the step it served. When the node also has "ranks" {steps, d + 1} (and
// `bonds` is on), every inner bond's rank is drawn too, coloured by bond
// index; the two outer bonds are always 1 and left out, and a lone inner
// bond (d = 2) is the max rank itself, so it is not drawn twice.
//
// .dat layout: index 0 "t max_rank"; index 1 (with bonds) "t rank bond", one
// line per bond, separated by one blank line.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/plots/gnuplot.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using gnuplot::number_text;

struct History {
  double t0 = 0;                 // times[0], where the path starts
  std::vector<double> t;         // end time of each step: times[1..]
  std::vector<double> max_rank;  // {steps}
  std::size_t columns = 0;       // columns of `ranks` (d + 1); 0: no per-bond ranks drawn
  std::vector<double> ranks;     // {steps, columns}
  std::size_t steps() const { return max_rank.size(); }
  // Bonds 1..d-1; with a single one (d = 2) it is the max rank itself, so
  // none are drawn apart from it.
  std::size_t inner_bonds() const { return columns > 3 ? columns - 2 : 0; }
};

std::string array_list(const Artifact& a) {
  std::string out;
  for (const auto& [key, value] : a.arrays()) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "(none)" : out;
}

// The array `key`, which must have exactly `shape`.
std::vector<double> read_array(const Artifact& a, const std::string& key, const std::vector<std::size_t>& shape,
                               const std::string& why) {
  if (!a.has_array(key))
    throw std::invalid_argument("input 'sampler' has no array '" + key + "' (arrays: " + array_list(a) +
                                "); feed it a sampler/ttflow node");
  const Array& x = a.array(key);
  if (x.shape() != shape)
    throw std::invalid_argument("'" + key + "' of input 'sampler' has shape " + shape_text(x.shape()) +
                                "; expected " + shape_text(shape) + " " + why);
  return x.to_double();
}

std::size_t read_steps(const Artifact& a) {
  if (!a.has_array("max_rank_history"))
    throw std::invalid_argument("input 'sampler' has no rank history (no array 'max_rank_history'; arrays: " +
                                array_list(a) + "); feed it a sampler/ttflow node (sampler/smc fits no tensor train)");
  const Array& m = a.array("max_rank_history");
  if (m.rank() != 1)
    throw std::invalid_argument("'max_rank_history' of input 'sampler' has shape " + shape_text(m.shape()) +
                                "; expected {steps}");
  if (m.shape()[0] == 0)
    throw std::invalid_argument("'max_rank_history' of input 'sampler' is empty (a run of no steps); "
                                "nothing to plot");
  return m.shape()[0];
}

History read_history(const Artifact& a, bool bonds) {
  const std::size_t steps = read_steps(a);
  History h;
  h.max_rank = a.array("max_rank_history").to_double();
  const std::vector<double> times = read_array(a, "times", {steps + 1}, "(steps + 1 = one more than 'max_rank_history')");
  h.t0 = times.front();
  h.t.assign(times.begin() + 1, times.end());
  if (bonds && a.has_array("ranks")) {
    const Array& r = a.array("ranks");
    h.columns = r.rank() == 2 ? r.shape()[1] : 0;
    h.ranks = read_array(a, "ranks", {steps, std::max<std::size_t>(h.columns, 2)},
                         "({steps, d + 1}, one row per step of 'max_rank_history')");
  }
  return h;
}

std::string data_text(const History& h) {
  std::string d = "# reprise figure/rank-history: tensor-train ranks after each step's fit, at the step's end time\n";
  d += "# index 0: \"t max_rank\"";
  d += h.inner_bonds() ? "; index 1: \"t rank bond\", bonds 1.." + std::to_string(h.inner_bonds()) + "\n" : "\n";
  for (std::size_t k = 0; k < h.steps(); ++k) d += number_text(h.t[k]) + " " + number_text(h.max_rank[k]) + "\n";
  d += "\n\n";
  for (std::size_t b = 1; b <= h.inner_bonds(); ++b) {
    for (std::size_t k = 0; k < h.steps(); ++k)
      d += number_text(h.t[k]) + " " + number_text(h.ranks[k * h.columns + b]) + " " + std::to_string(b) + "\n";
    d += "\n";  // one blank line: a new line of the same block
  }
  return d;
}

std::string script_text(const History& h, const std::string& file, const std::string& title) {
  std::string s = "# reprise figure/rank-history: TT ranks against annealing time (<base>.dat: index 0 the max rank";
  s += h.inner_bonds() ? ", index 1 the ranks of each bond).\n" : ").\n";
  s += "# Edit and rerun `gnuplot <this file>` to restyle; it rewrites <base>.png.\n";
  s += "if (!exists(\"base\")) base = \"" + gnuplot::escape(file) + "\"\n";
  s += "set terminal pngcairo size 900,560 font \"sans,11\" noenhanced\n";
  s += "set output base.\".png\"\n";
  s += "set title \"" + gnuplot::escape(title.empty() ? "tensor-train ranks along the annealing path" : title) + "\"\n";
  s += "set xlabel \"annealing time t\"\nset ylabel \"TT rank\"\n";
  // Room above the largest rank, so its line does not run along the border.
  const double top = *std::max_element(h.max_rank.begin(), h.max_rank.end());
  s += "set xrange [" + number_text(h.t0) + ":" + number_text(h.t.back()) + "]\n";
  s += "set yrange [0:" + number_text(top + 1) + "]\nset grid\nset key top left opaque\n";
  // Ranks and bonds are small integers: one tic each while that stays readable.
  if (top <= 12) s += "set ytics 1\n";
  if (h.inner_bonds() <= 12) s += "set cbtics 1\n";
  const std::string max_clause =
      "base.\".dat\" index 0 using 1:2 with linespoints lw 2 pt 7 ps 0.6 lc rgb \"black\" title \"max rank\"";
  if (!h.inner_bonds()) return s + "plot " + max_clause + "\nunset output\n";
  s += "set palette defined (0 \"#9ecae1\", 1 \"#08306b\")\n";
  s += "set cbrange [0.5:" + number_text(static_cast<double>(h.inner_bonds()) + 0.5) + "]\n";
  s += "set cblabel \"bond\"\n";
  s += "plot base.\".dat\" index 1 using 1:2:3 with lines lw 1 lc palette z title \"bond ranks\", \\\n     " +
       max_clause + "\n";
  return s + "unset output\n";
}

class RankHistoryFigure : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const std::string& file = p.get_string("file");
    gnuplot::check_file_name(file);
    const History h = read_history(in.get("sampler"), p.get_bool("bonds"));
    Artifact out;
    out.set_string("file", file);
    out.set_string("script", script_text(h, file, p.get_string("title")));
    out.set_string("data", data_text(h));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(RankHistoryFigure, "figure/rank-history", "1",
                  "tensor-train ranks of a sampler/ttflow run against annealing time (max rank, and each bond's), "
                  "drawn into figures/",
                  input("sampler", "a sampler/ttflow node (arrays max_rank_history, times and, optionally, ranks)"),
                  param_bool("bonds", true, "also draw each inner bond's rank when the node has 'ranks'"),
                  param_string("title", "", "figure title; empty: a default one"),
                  param_string("file", "rank_history", "base name of figures/<file>[-<sweep values>].{gp,dat,png}"),
                  output("file", "string: base name of the figure files"),
                  output("script", "string: gnuplot script drawing <base>.png (base set by the run writer)"),
                  output("data", "string: index 0 the max rank, index 1 the per-bond ranks"))

}  // namespace reprise
