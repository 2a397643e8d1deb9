// Unit tests for framework/report: a run directory written by hand is read back and
// rendered; the HTML must stand alone (no file it links to) and keep SVG ids apart.
#include "framework/report/report.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const char* kProvenance = R"({
  "reprise": {"git_commit": "abc123", "source": "/src"},
  "compiler": "g++ 12",
  "host": {"name": "box", "system": "Linux", "cpus": 2},
  "spec": {"name": "gmm", "file": "experiments/paper/gmm.yaml", "seed": 1, "files": []},
  "command": ["reprise", "run", "experiments/paper/gmm.yaml", "sweep.seed=1"],
  "status": "failed", "started": "2026-11-23T10:00:00Z", "finished": "2026-11-23T10:01:00Z",
  "seconds": 60.5, "jobs": 2, "sweep_points": 4, "metric_rows": 3,
  "counts": {"ran": 5, "cached": 7, "failed": 1, "skipped": 0, "cancelled": 0, "not run": 0},
  "nodes": [
    {"name": "flow", "variant": "seed=1", "component": "sampler/ttflow", "status": "ran", "seconds": 12.0},
    {"name": "ed", "variant": "", "component": "metric/energy-distance", "status": "failed", "seconds": 0.1,
     "error": "node 'ed': boom <b>"}
  ]
})";

const char* kResolved = R"(name: gmm
nodes:
  x: {use: dataset/mvn}
paper:
  title: "TT flows <GMM>"
  source: seeds/002
  claims:
    - {text: "flow 0.076", metric: ed.d, where: {method: flow}, published: 0.076, expect: near, tolerance: 0.5}
    - {text: "flow beats smc", metric: ed.d, where: {method: flow}, relative_to: {where: {method: smc}},
       published: 1, expect: below}
    - {text: "missing", metric: ed.dd, published: 1, expect: below}
)";

// Two gnuplot-like SVGs with the same ids, one PNG without an SVG twin, one with.
void make_run(const fs::path& dir) {
  put(dir / "provenance.json", kProvenance);
  put(dir / "spec.resolved.yaml", kResolved);
  put(dir / "metrics.csv", "method,ed.d\nflow,0.1\nflow,0.3\nsmc,0.4\n");
  const std::string svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg><defs><path id=\"gpPt0\"/></defs>"
                          "<use xlink:href=\"#gpPt0\"/><rect fill=\"url(#gpPt0)\"/></svg>\n";
  put(dir / "figures" / "a.svg", svg);
  put(dir / "figures" / "b.svg", svg);
  put(dir / "figures" / "b.png", "\x89PNG-twin");
  put(dir / "figures" / "c.png", std::string("\x89PNG\r\n", 6));
  put(dir / "figures" / "a.dat", "1 2\n");
}

}  // namespace

TEST_CASE("a run directory is read back: provenance, metrics, claims, figures") {
  TempDir tmp;
  fs::path run = tmp.path / "gmm" / "20261123-100000";
  make_run(run);
  fs::create_directory_symlink("20261123-100000", run.parent_path() / "latest");
  RunSummary r = read_run((run.parent_path()).string());  // a spec's results dir means its latest run
  CHECK(r.name == "gmm");
  CHECK(r.status == "failed");
  CHECK(r.seconds == 60.5);
  CHECK(r.counts.at("cached") == 7);
  CHECK(r.metrics.rows.size() == 3);
  REQUIRE(r.claims.size() == 3);
  CHECK(*r.claims[0].second.ours == doctest::Approx(0.2));  // median of flow's 0.1, 0.3
  CHECK(r.claims[0].second.verdict == ClaimOutcome::Verdict::NotReproduced);
  CHECK(*r.claims[1].second.ours == doctest::Approx(0.5));  // 0.2 / 0.4
  CHECK(r.claims[2].second.verdict == ClaimOutcome::Verdict::NoData);
  REQUIRE(r.figures.size() == 3);  // a.svg, b.svg, c.png; not b.png (its svg is shown), not a.dat
  CHECK(r.figures[0].label == "figures/a.svg");
  CHECK(r.figures[2].label == "figures/c.png");
}

TEST_CASE("the Markdown report has the claims table, figure links and failures") {
  TempDir tmp;
  fs::path run = tmp.path / "gmm" / "r1";
  make_run(run);
  std::string md = report_markdown({read_run(run.string())}, run.string(), "gmm");
  CHECK(md.find("| flow 0.076 | `ed.d` | 0.2 | 0.076 ± 50 % | 2.632 | not reproduced |") != std::string::npos);
  CHECK(md.find("| flow beats smc | `ed.d (relative)` | 0.5 | <= 1 | 0.5 | **reproduced** |") != std::string::npos);
  CHECK(md.find("no data (no column 'ed.dd'") != std::string::npos);
  CHECK(md.find("![figures/a.svg](figures/a.svg)") != std::string::npos);
  CHECK(md.find("- **failed**: node 'ed': boom <b>") != std::string::npos);
  CHECK(md.find("13 distinct: 5 ran, 7 cache hits, 1 failed") != std::string::npos);
  CHECK(md.find("`reprise run experiments/paper/gmm.yaml sweep.seed=1`") != std::string::npos);
}

TEST_CASE("the HTML report stands alone: figures inline, ids kept apart, text escaped") {
  TempDir tmp;
  fs::path run = tmp.path / "gmm" / "r1";
  make_run(run);
  RunSummary r = read_run(run.string());
  std::string html = report_html({r, r}, "two runs");
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(count(html, "<svg") == 4);  // a and b, twice
  CHECK(html.find("<?xml") == std::string::npos);
  CHECK(html.find("DOCTYPE svg") == std::string::npos);
  CHECK(count(html, "id=\"gpPt0\"") == 0);
  CHECK(count(html, "id=\"r0f0_gpPt0\"") == 1);
  CHECK(count(html, "id=\"r1f1_gpPt0\"") == 1);
  CHECK(html.find("href=\"#r0f0_gpPt0\"") != std::string::npos);
  CHECK(html.find("url(#r1f0_gpPt0)") != std::string::npos);
  CHECK(count(html, "src=\"data:image/png;base64,iVBORw0K\"") == 2);  // "\x89PNG\r\n" in base64
  CHECK(html.find("src=\"figures/") == std::string::npos);
  CHECK(html.find("boom &lt;b&gt;") != std::string::npos);
  CHECK(html.find("TT flows &lt;GMM&gt;") != std::string::npos);
  CHECK(html.find("<a href=\"#run1\">gmm</a>") != std::string::npos);  // summary table links each run
}

TEST_CASE("write_report writes both files; a path that is no run is a ReportError") {
  TempDir tmp;
  fs::path run = tmp.path / "gmm" / "r1";
  make_run(run);
  ReportFiles f = write_report({read_run(run.string())}, (tmp.path / "out").string(), "t");
  CHECK(fs::file_size(f.markdown) > 0);
  CHECK(fs::file_size(f.html) > 0);
  CHECK_THROWS_AS(read_run(tmp.str()), ReportError);
  CHECK_THROWS_AS(read_run((tmp.path / "nope").string()), ReportError);
  put(tmp.path / "bad" / "provenance.json", "{not json");
  CHECK_THROWS_WITH_AS(read_run((tmp.path / "bad").string()), doctest::Contains("not valid JSON"), ReportError);
}
