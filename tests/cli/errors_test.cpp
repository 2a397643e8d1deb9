// Bad input: every mistake gets file:line:col, what was expected, a did-you-mean,
// exit status 2, and no run directory.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
// Runs a spec that must be rejected; returns stderr.
std::string rejected(const std::string& spec, const std::string& extra = "") {
  ScratchDir dir;
  dir.write("bad.yaml", spec);
  CliResult r = run_reprise(dir, "run bad.yaml " + extra);
  CHECK(r.code == 2);
  CHECK_MESSAGE(!fs::exists(dir.file("results/bad")), "a rejected spec must not create a run directory");
  CHECK(r.out.empty());
  return r.err;
}

const char* kNodes = R"(nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 100}
  packed: {use: codec/dct, data: data, energy: 0.9}
)";
}  // namespace

TEST_CASE("a typo in a component name points at it and suggests the right one") {
  std::string err = rejected("nodes:\n  data: {use: dataset/mvn}\n  packed: {use: codec/dtc, data: data}\n");
  CHECK(err.find("bad.yaml:3:17: error: unknown component 'codec/dtc'; did you mean 'codec/dct'?") != std::string::npos);
}

TEST_CASE("a typo in a parameter points at it and suggests the right one") {
  std::string err = rejected("nodes:\n  data: {use: dataset/mvn}\n  packed: {use: codec/dct, data: data, energi: 0.5}\n");
  CHECK(err.find("bad.yaml:3:40: error: codec/dct has no parameter or input 'energi'; did you mean 'energy'?") != std::string::npos);
}

TEST_CASE("a typo in a node reference suggests the node") {
  std::string err = rejected("nodes:\n  data: {use: dataset/mvn}\n  packed: {use: codec/dct, data: dta}\n");
  CHECK(err.find("bad.yaml:3:34: error: input 'data' refers to unknown node 'dta'; did you mean 'data'?") != std::string::npos);
}

TEST_CASE("a typo in a sweep axis reference suggests the axis") {
  std::string err = rejected("sweep:\n  energy: [0.5]\nnodes:\n  data: {use: dataset/mvn}\n"
                             "  packed: {use: codec/dct, data: data, energy: \"${enrgy}\"}\n");
  CHECK(err.find("bad.yaml:5:48: error: unknown reference '${enrgy}'; did you mean 'energy'?") != std::string::npos);
}

TEST_CASE("a cycle is named in full") {
  std::string err = rejected(R"(nodes:
  a: {use: metric/moments-error, truth: b, sample: b}
  b: {use: codec/dct, data: a}
)");
  CHECK(err.find("error: the nodes form a cycle: ") != std::string::npos);
  bool named = err.find("a -> b -> a") != std::string::npos || err.find("b -> a -> b") != std::string::npos;
  CHECK(named);
  CHECK(err.find("bad.yaml:") == 0);
}

TEST_CASE("values out of range, of the wrong type, or not among the choices") {
  CHECK(rejected("nodes:\n  d: {use: dataset/mvn, condition: 0.5}\n").find("bad.yaml:2:36: error: parameter 'condition' must be >= 1, got 0.5") !=
        std::string::npos);
  CHECK(rejected("nodes:\n  d: {use: dataset/mvn, dim: many}\n").find("parameter 'dim' expects an integer, got 'many'") !=
        std::string::npos);
  CHECK(rejected("nodes:\n  d: {use: dataset/mvn, structure: smoth}\n").find("did you mean 'smooth'?") != std::string::npos);
  std::string swept = rejected("sweep:\n  e: [0.5, 2]\nnodes:\n  d: {use: dataset/mvn}\n  p: {use: codec/dct, data: d, energy: \"${e}\"}\n");
  CHECK(swept.find("parameter 'energy' must be in (0, 1], got 2 (at sweep point e=2)") != std::string::npos);
}

TEST_CASE("structural mistakes: unknown top-level key, missing use, missing input, invalid YAML") {
  CHECK(rejected(std::string("sweeps:\n  e: [1]\n") + kNodes).find("bad.yaml:1:1: error: unknown top-level key 'sweeps' (expected one of name, seed, sweep, nodes, figures, include, paper); did you mean 'sweep'?") !=
        std::string::npos);
  CHECK(rejected("nodes:\n  d: {dim: 3}\n").find("missing 'use:'") != std::string::npos);
  CHECK(rejected("nodes:\n  p: {use: codec/dct}\n").find("codec/dct needs input 'data'") != std::string::npos);
  CHECK(rejected("nodes: [unclosed\n").find("bad.yaml:2:1: error: invalid YAML") != std::string::npos);
  CHECK(rejected("").find("nodes: expected a mapping") != std::string::npos);
  CHECK(rejected("nodes:\n  a: {use: dataset/mvn}\n  a: {use: dataset/mvn}\n").find("duplicate key 'a'") != std::string::npos);
}

TEST_CASE("bad overrides are reported against the command line") {
  CHECK(rejected(kNodes, "nodes.dta.dim=3").find("<override 'nodes.dta.dim=3'>:1:1: error: unknown node 'dta' (nodes: data, packed); did you mean 'data'?") != std::string::npos);
  CHECK(rejected(kNodes, "nodes.data.dmi=3").find("<override 'nodes.data.dmi=3'>:1:16: error: dataset/mvn has no parameter or input 'dmi'; did you mean 'dim'?") !=
        std::string::npos);
  CHECK(rejected(kNodes, "sweep.energy=1,2").find("unknown sweep axis 'energy'") != std::string::npos);
  CHECK(rejected(kNodes, "seeed=3").find("did you mean 'seed'?") != std::string::npos);
}

TEST_CASE("YAML alias bombs and missing files are refused cleanly") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + "]\n";
  CHECK(rejected(bomb).find("more than 100000 values (a YAML alias bomb?)") != std::string::npos);
  ScratchDir dir;
  CliResult missing = run_reprise(dir, "run nowhere.yaml");
  CHECK(missing.code == 2);
  CHECK(missing.err.find("cannot read spec file 'nowhere.yaml'") != std::string::npos);
  CliResult unknown = run_reprise(dir, "rnu x.yaml");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("did you mean 'run'?") != std::string::npos);
}

TEST_CASE("a failing component exits 1 naming the node, and earlier results stay intact") {
  ScratchDir dir;
  dir.write("ok.yaml", std::string("name: same\n") + kNodes);
  CliResult ok = run_reprise(dir, "run ok.yaml");
  REQUIRE(ok.code == 0);
  std::string before = read_file(dir.file(run_dir_of(ok)) + "/metrics.csv");
  // Dimensions differ: moments-error refuses to compare them.
  dir.write("fail.yaml", R"(name: same
nodes:
  a: {use: dataset/mvn, dim: 4, samples: 50}
  b: {use: dataset/mvn, dim: 5, samples: 50}
  err: {use: metric/moments-error, truth: a, sample: b}
)");
  CliResult failed = run_reprise(dir, "run fail.yaml");
  CHECK(failed.code == 1);
  CHECK(failed.err.find("node 'err' (metric/moments-error) failed") != std::string::npos);
  CHECK(read_file(dir.file(run_dir_of(ok)) + "/metrics.csv") == before);
}
