// End-to-end: figure nodes (figure/slices) drawn by the run writer into
// figures/<file>[-<sweep values>].{gp,dat,png}, next to table-fed plots.
#include <doctest/doctest.h>

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
