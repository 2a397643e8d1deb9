// Spec features end to end: interpolation, overrides, includes, and the other commands.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
const char* kSpec = R"(name: interp
seed: 7
sweep:
  energy: [0.9, 0.5]
nodes:
  data:   {use: dataset/mvn, dim: 6, samples: 200, condition: 5}
  other:  {use: dataset/mvn, dim: "${nodes.data.dim}", samples: 300, condition: "${nodes.data.condition}"}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: other, sample: packed}
)";
}  // namespace

TEST_CASE("${nodes.x.param} and ${axis} interpolation, and overrides with the spec's dotted names") {
  ScratchDir dir;
  dir.write("interp.yaml", kSpec);
  CliResult r = run_reprise(dir, "run interp.yaml");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string csv = read_file(dir.file(run_dir_of(r)) + "/metrics.csv");
  CHECK(csv.find("other.dim") != std::string::npos);
  CHECK(csv.find("\n0.9,5,6,200,5,6,300,") != std::string::npos);  // other took data's dim and condition

  CliResult o = run_reprise(dir, "run interp.yaml nodes.data.dim=4 sweep.energy=0.7,0.3,0.2");
  REQUIRE_MESSAGE(o.code == 0, o.err);
  std::string run = dir.file(run_dir_of(o));
  std::string csv2 = read_file(run + "/metrics.csv");
  CHECK(count_occurrences(csv2, "\n") == 4);
  CHECK(csv2.find("\n0.7,5,4,200,5,4,300,") != std::string::npos);
  CHECK(csv2.find("\n0.2,") != std::string::npos);
  std::string resolved = read_file(run + "/spec.resolved.yaml");
  CHECK(resolved.find("energy: [0.7, 0.3, 0.2]") != std::string::npos);
  CHECK(resolved.find("dim: 4") != std::string::npos);
  CHECK(resolved.find("structure: smooth") != std::string::npos);  // defaults written out

  // The resolved spec reruns as it stands, entirely from the cache.
  CliResult again = run_reprise(dir, "run " + run + "/spec.resolved.yaml");
  REQUIRE_MESSAGE(again.code == 0, again.err);
  std::string prov = read_file(dir.file(run_dir_of(again)) + "/provenance.json");
  CHECK(count_occurrences(prov, "\"status\": \"ran\"") == 0);
  CHECK(read_file(dir.file(run_dir_of(again)) + "/metrics.csv") == csv2);
}

TEST_CASE("the seed enters every identity: another seed recomputes, the same seed reuses") {
  ScratchDir dir;
  dir.write("interp.yaml", kSpec);
  REQUIRE(run_reprise(dir, "run interp.yaml").code == 0);
  CliResult other = run_reprise(dir, "plan interp.yaml seed=8");
  CHECK(other.out.find("0 cached, 6 to run") != std::string::npos);
  CliResult same = run_reprise(dir, "plan interp.yaml seed=7");
  CHECK(same.out.find("6 cached, 0 to run") != std::string::npos);
}

TEST_CASE("include: merges a base spec under the including one") {
  ScratchDir dir;
  fs::create_directories(dir.file("base"));
  dir.write("base/common.yaml", R"(seed: 2
nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 100}
  packed: {use: codec/dct, data: data, energy: 0.9}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)");
  dir.write("main.yaml", R"(include: base/common.yaml
name: included
sweep:
  energy: [0.8, 0.6]
nodes:
  packed: {energy: "${energy}"}
)");
  CliResult r = run_reprise(dir, "run main.yaml");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string run = dir.file(run_dir_of(r));
  CHECK(run_dir_of(r).rfind("results/included/", 0) == 0);
  CHECK(count_occurrences(read_file(run + "/metrics.csv"), "\n") == 3);
  CHECK(read_file(run + "/provenance.json").find("base/common.yaml") != std::string::npos);

  dir.write("loop.yaml", "include: loop.yaml\nnodes: {d: {use: dataset/mvn}}\n");
  CliResult loop = run_reprise(dir, "run loop.yaml");
  CHECK(loop.code == 2);
  CHECK(loop.err.find("loop.yaml:1:10: error: include cycle") != std::string::npos);
}

TEST_CASE("graph prints DOT; list and describe read the schema") {
  ScratchDir dir;
  dir.write("interp.yaml", kSpec);
  CliResult g = run_reprise(dir, "graph interp.yaml");
  CHECK(g.code == 0);
  CHECK(g.out.rfind("digraph G {", 0) == 0);
  CHECK(count_occurrences(g.out, "->") == 6);  // data->packed x2, packed->err x2, other->err x2
  CHECK(g.out.find("packed\\ncodec/dct\\nenergy=0.9") != std::string::npos);

  CliResult list = run_reprise(dir, "list");
  CHECK(list.code == 0);
  for (const char* name : {"dataset/mvn", "codec/dct", "metric/moments-error", "plot/line", "plot/scatter"})
    CHECK(list.out.find(name) != std::string::npos);
  CHECK(list.out.find("codec:\n") != std::string::npos);

  CliResult d = run_reprise(dir, "describe codec/dct");
  CHECK(d.code == 0);
  CHECK(d.out.find("energy") != std::string::npos);
  CHECK(d.out.find("default 0.9") != std::string::npos);
  CHECK(d.out.find("inputs:\n  data") != std::string::npos);
  CliResult typo = run_reprise(dir, "describe codec/dtc");
  CHECK(typo.code == 2);
  CHECK(typo.err.find("did you mean 'codec/dct'?") != std::string::npos);
}

TEST_CASE("cache ls, verify and gc --keep-runs") {
  ScratchDir dir;
  dir.write("interp.yaml", kSpec);
  REQUIRE(run_reprise(dir, "run interp.yaml").code == 0);
  REQUIRE(run_reprise(dir, "run interp.yaml seed=9").code == 0);
  CliResult ls = run_reprise(dir, "cache ls");
  CHECK(ls.code == 0);
  CHECK(ls.out.find("12 entries") != std::string::npos);
  CHECK(ls.out.find("codec/dct") != std::string::npos);
  CliResult all = run_reprise(dir, "cache gc");
  CHECK(all.out.find("removed 0 entries") != std::string::npos);
  CliResult newest = run_reprise(dir, "cache gc --keep-runs 1");
  CHECK(newest.out.find("removed 6 entries") != std::string::npos);
  CHECK(run_reprise(dir, "plan interp.yaml seed=9").out.find("6 cached, 0 to run") != std::string::npos);
  CHECK(run_reprise(dir, "plan interp.yaml").out.find("0 cached, 6 to run") != std::string::npos);
}
