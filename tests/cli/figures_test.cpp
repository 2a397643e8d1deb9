// End-to-end: figure nodes (figure/slices) drawn by the run writer into
// figures/<file>[-<sweep values>].{gp,dat,png}, next to table-fed plots.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
// `fig` depends on the swept seed of `other`, so it has one instance per sweep
// point; `same` does not, so it has one instance for the run.
const char* kSlicesSpec = R"(name: slices
seed: 4
sweep:
  s: [1, 2]
nodes:
  data:  {use: dataset/tpc, c: 32, z: 40, r: 4}
  other: {use: dataset/tpc, c: 32, z: 40, r: 4, seed: "${s}"}
  err:   {use: metric/l1, truth: data, test: other}
  fig:   {use: figure/slices, truth: data, test: other, layers: [0, 3], file: sr}
  same:  {use: figure/slices, truth: data, test: data, layers: [1], file: self}
figures:
  - {use: plot/line, x: s, y: err.l1, file: l1_vs_seed}
)";
}  // namespace

TEST_CASE("figure nodes are written once per distinct node, named by their sweep values, and drawn") {
  ScratchDir dir;
  dir.write("slices.yaml", kSlicesSpec);
  CliResult r = run_reprise(dir, "run slices.yaml");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string run = dir.file(run_dir_of(r));
  const std::string figs = run + "/figures/";
  for (const std::string name : {"sr-s_1", "sr-s_2", "self"}) {
    CAPTURE(name);
    REQUIRE(fs::exists(figs + name + ".gp"));
    CHECK(read_file(figs + name + ".gp").rfind("base = \"" + name + "\"", 0) == 0);  // its first line
    CHECK(count_occurrences(read_file(figs + name + ".dat"), "# slice ") == (name == "self" ? 1 : 2));
    CHECK(count_occurrences(read_file(figs + name + ".gp"), "matrix with image") ==
          (name == "self" ? 3 : 6));
  }
  CHECK_FALSE(fs::exists(figs + "sr.gp"));
  CHECK(fs::exists(figs + "l1_vs_seed.gp"));  // the table-fed plot still drawn
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
    CHECK(read_file(figs + "sr-s_1.png").substr(1, 3) == "PNG");
    CHECK(read_file(figs + "self.png").substr(1, 3) == "PNG");
    CHECK(fs::exists(figs + "l1_vs_seed.svg"));
    const std::string report = read_file(run + "/report.md");
    CHECK(report.find("![figures/sr-s_2.png](figures/sr-s_2.png)") != std::string::npos);
    CHECK(report.find("![figures/l1_vs_seed.svg]") != std::string::npos);
    CHECK(report.find("![figures/l1_vs_seed.png]") == std::string::npos);  // its svg is listed instead
  }
  // A rerun draws the same figures from the cache.
  CliResult again = run_reprise(dir, "run slices.yaml");
  REQUIRE(again.code == 0);
  const std::string figs2 = dir.file(run_dir_of(again)) + "/figures/";
  CHECK(read_file(figs2 + "sr-s_2.dat") == read_file(figs + "sr-s_2.dat"));
  CHECK(read_file(figs2 + "sr-s_2.gp") == read_file(figs + "sr-s_2.gp"));
}

namespace {
// The tensor-train flow figures: SMC samples and the exact ones over a 2-D
// mixture's density, a TT flow's samples of a 4-D many-well in two of its
// coordinates, and that flow's ranks against time. Kept tiny: a few steps of
// 100 particles.
const char* kSamplerFiguresSpec = R"(name: ttfigs
seed: 3
nodes:
  gmm:   {use: target/gmm, modes: 3, loc_scaling: 4, truth_samples: 200}
  smc:   {use: sampler/smc, target: gmm, particles: 100, steps: 4}
  mw:    {use: target/many-well, dim: 4, truth_samples: 200}
  basis: {use: ttflow/basis, degree: 2, low: -4, high: 4}
  ftt:   {use: ttflow/ftt, max_rank: 3}
  flow:  {use: sampler/ttflow, target: mw, basis: basis, ftt: ftt, particles: 100, steps: 4, langevin_steps: 1}
  on_smc:   {use: figure/samples, target: gmm, samples: smc, grid: 40, file: gmm_smc}
  exact:    {use: figure/samples, target: gmm, samples: gmm, grid: 40, range: [-8, 8], file: gmm_exact}
  on_flow:  {use: figure/samples, target: mw, samples: flow, dims: [0, 2], file: mw_flow}
  ranks:    {use: figure/rank-history, sampler: flow, file: flow_ranks}
  masses:   {use: figure/mode-masses, target: gmm, samples: smc, file: gmm_masses}
  tri:      {use: target/gmm, means: [-4, 0, 4, 0, 0, 6], std: 0.5, truth_samples: 50}
  two:      {use: target/gmm, means: [-4, 0, 4, 0], std: 0.5, truth_samples: 50}
  missed:   {use: figure/mode-masses, target: tri, samples: two, file: tri_missed}
)";
}  // namespace

TEST_CASE("figure/samples, figure/rank-history and figure/mode-masses nodes are drawn into figures/") {
  ScratchDir dir;
  dir.write("ttfigs.yaml", kSamplerFiguresSpec);
  CliResult r = run_reprise(dir, "run ttfigs.yaml");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const std::string figs = dir.file(run_dir_of(r)) + "/figures/";
  for (const std::string name : {"gmm_smc", "gmm_exact", "mw_flow", "flow_ranks", "gmm_masses", "tri_missed"}) {
    CAPTURE(name);
    REQUIRE(fs::exists(figs + name + ".gp"));
    CHECK(read_file(figs + name + ".gp").rfind("base = \"" + name + "\"", 0) == 0);
    CHECK(fs::exists(figs + name + ".dat"));
  }
  CHECK(count_occurrences(read_file(figs + "gmm_smc.gp"), "with image") == 1);
  CHECK(count_occurrences(read_file(figs + "mw_flow.gp"), "with image") == 0);
  CHECK(count_occurrences(read_file(figs + "flow_ranks.dat"), "\n\n\n") == 1);  // max rank, then the bonds
  CHECK(count_occurrences(read_file(figs + "tri_missed.gp"), "missed (no sample)") == 1);  // the crosses drawn
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
    for (const std::string name : {"gmm_smc", "gmm_exact", "mw_flow", "flow_ranks", "gmm_masses", "tri_missed"}) {
      CAPTURE(name);
      REQUIRE(fs::exists(figs + name + ".png"));
      CHECK(read_file(figs + name + ".png").substr(1, 3) == "PNG");
      CHECK_FALSE(fs::exists(figs + name + ".log"));  // gnuplot succeeded: its log was removed
    }
  }
}

TEST_CASE("figure/rank-history fed an SMC sampler fails naming the node and what it lacks") {
  ScratchDir dir;
  dir.write("bad.yaml", R"(name: bad
nodes:
  gmm:   {use: target/gmm, modes: 2, truth_samples: 50}
  smc:   {use: sampler/smc, target: gmm, particles: 50, steps: 2}
  ranks: {use: figure/rank-history, sampler: smc}
)");
  CliResult r = run_reprise(dir, "run bad.yaml");
  CHECK(r.code == 1);
  CHECK(r.err.find("node 'ranks' (figure/rank-history) failed") != std::string::npos);
  CHECK(r.err.find("feed it a sampler/ttflow node") != std::string::npos);
}
