// End-to-end tests of `reprise report RUN...` and `reprise reproduce [--quick]`.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {

// kTinySpec's pipeline with a paper: block. The claims are checked against what
// the DCT does by construction: keeping more energy keeps more coefficients.
const char* const kPaperSpec = R"(name: tinypaper
seed: 3
sweep:
  energy: [0.9, 0.5, 0.3]
nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 500, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
paper:
  title: "A tiny paper, Fig. 1"
  quick: ["sweep.energy=0.9,0.5"]
  claims:
    - {text: "E = 0.9 keeps at least 90 % of the energy", metric: packed.energy_kept, where: {energy: 0.9},
       published: 0.9, expect: above}
    - {text: "E = 0.5 stores fewer bytes than E = 0.9", metric: packed.bytes, where: {energy: 0.5},
       relative_to: {where: {energy: 0.9}}, published: 1, expect: below}
    - {text: "a claim on a column that does not exist", metric: packed.nope, published: 1, expect: below}
)";

}  // namespace

TEST_CASE("run writes report.md and a self-contained report.html with the paper's claims") {
  ScratchDir dir;
  dir.write("tinypaper.yaml", kPaperSpec);
  CliResult r = run_reprise(dir, "run tinypaper.yaml");
  REQUIRE(r.code == 0);
  const std::string run = dir.file(run_dir_of(r));
  const std::string md = read_file(run + "/report.md");
  CHECK(md.find("**A tiny paper, Fig. 1**") != std::string::npos);
  CHECK(md.find("| E = 0.9 keeps at least 90 % of the energy | `packed.energy_kept` |") != std::string::npos);
  CHECK(count_occurrences(md, "**reproduced**") == 2);
  CHECK(md.find("no data (no column 'packed.nope'") != std::string::npos);
  const std::string html = read_file(run + "/report.html");
  CHECK(html.find("<span class=\"ok\">reproduced</span>") != std::string::npos);
}

TEST_CASE("report RUN... joins runs into one report; bad paths exit 2") {
  ScratchDir dir;
  dir.write("tinypaper.yaml", kPaperSpec);
  dir.write("tiny.yaml", kTinySpec);
  REQUIRE(run_reprise(dir, "run tinypaper.yaml -q").code == 0);
  REQUIRE(run_reprise(dir, "run tiny.yaml -q").code == 0);
  CliResult r = run_reprise(dir, "report results/tinypaper results/tiny --out joint --title 'Both runs'");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("joint/report.html") != std::string::npos);
  const std::string html = read_file(dir.file("joint/report.html"));
  CHECK(html.find("<h1>Both runs</h1>") != std::string::npos);
  CHECK(html.find("<a href=\"#run0\">tinypaper</a>") != std::string::npos);
  CHECK(html.find("<a href=\"#run1\">tiny</a>") != std::string::npos);
  CHECK(r.err.find("tinypaper: reproduced: E = 0.9 keeps") != std::string::npos);
  const std::string md = read_file(dir.file("joint/report.md"));
  CHECK(md.find("| tinypaper | A tiny paper, Fig. 1 | complete |") != std::string::npos);

  CliResult bad = run_reprise(dir, "report results/nothing");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("'results/nothing' is not a directory") != std::string::npos);
  CliResult none = run_reprise(dir, "report");
  CHECK(none.code == 2);
  CHECK(none.err.find("missing RUN") != std::string::npos);
}

TEST_CASE("reproduce --quick runs every spec with its quick overrides and reports on all") {
  ScratchDir dir;
  dir.write("paper/tinypaper.yaml", kPaperSpec);
  dir.write("paper/tiny.yaml", kTinySpec);
  CliResult r = run_reprise(dir, "reproduce --quick --dir paper -j 2 -q");
  REQUIRE(r.code == 0);
  CHECK(r.err.find("[1/2] paper/tiny.yaml (quick)") != std::string::npos);
  CHECK(r.err.find("2 of 2 specs ran") != std::string::npos);
  const std::string prov = read_file(dir.file("results/quick/tinypaper/latest/provenance.json"));
  // the quick override is applied and recorded in the command that reruns it
  CHECK(prov.find("\"sweep.energy=0.9,0.5\"") != std::string::npos);
  CHECK(prov.find("\"sweep_points\": 2") != std::string::npos);
  CHECK(fs::exists(dir.file("results/.cache")));  // the cache is shared with plain runs
  const std::string md = read_file(dir.file("results/quick/report.md"));
  CHECK(md.find("# reprise: the papers reproduced (quick mode)") != std::string::npos);
  CHECK(md.find("| tinypaper | A tiny paper, Fig. 1 | complete |") != std::string::npos);
  CHECK(md.find("| 2 / 3 |") != std::string::npos);

  // --only selects specs by name; a second run is all cache hits.
  CliResult again = run_reprise(dir, "reproduce --quick --dir paper --only tinyp -q");
  REQUIRE(again.code == 0);
  CHECK(again.err.find("1 of 1 specs ran") != std::string::npos);
  CHECK(read_file(dir.file("results/quick/report.md")).find("0 ran, 5 cache hits") != std::string::npos);

  CliResult missing = run_reprise(dir, "reproduce --dir nowhere");
  CHECK(missing.code == 2);
  CHECK(missing.err.find("no spec directory 'nowhere'") != std::string::npos);
}

TEST_CASE("reproduce keeps going past a broken spec and exits 2") {
  ScratchDir dir;
  dir.write("paper/a_broken.yaml", "name: broken\nnodes:\n  d: {use: dataset/mvnn}\n");
  dir.write("paper/tiny.yaml", kTinySpec);
  CliResult r = run_reprise(dir, "reproduce --dir paper -q");
  CHECK(r.code == 2);
  CHECK(r.err.find("a_broken.yaml:3:") != std::string::npos);
  CHECK(r.err.find("1 of 2 specs ran") != std::string::npos);
  CHECK(read_file(dir.file("results/report.md")).find("- **note**: failed paper/a_broken.yaml:") != std::string::npos);
}
