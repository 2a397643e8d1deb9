// `reprise export`: one node's artifact out of a run, and the errors that name the choices.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "framework/core/artifact.hpp"
#include "framework/core/params.hpp"
#include "tests/cli/cli_support.hpp"

using namespace reprise::test;

namespace {

// The value of column `column` in the metrics.csv row whose first cell is `first`.
std::string csv_cell(const std::string& csv, const std::string& first, const std::string& column) {
  std::istringstream in(csv);
  std::string header, line, cell;
  std::getline(in, header);
  std::size_t index = 0;
  for (std::istringstream h(header); std::getline(h, cell, ','); ++index)
    if (cell == column) break;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::vector<std::string> cells;
    while (std::getline(row, cell, ',')) cells.push_back(cell);
    if (!cells.empty() && cells[0] == first && index < cells.size()) return cells[index];
  }
  return "";
}

}  // namespace

TEST_CASE("reprise export writes a node's artifact at a sweep point to HDF5") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult run = run_reprise(dir, "run tiny.yaml -q");
  REQUIRE(run.code == 0);
  CliResult exported = run_reprise(dir, "export results/tiny packed --sweep energy=0.9 -o packed.h5");
  REQUIRE_MESSAGE(exported.code == 0, exported.err);
  CHECK(exported.out == "packed.h5\n");
  reprise::Artifact a = reprise::load_artifact_file(dir.file("packed.h5"));
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{500, 8});
  const std::string csv = read_file(dir.file(run_dir_of(run)) + "/metrics.csv");
  CHECK(reprise::canonical(reprise::ParamValue(a.scalar("ratio"))) == csv_cell(csv, "0.9", "packed.ratio"));

  // Nodes that do not depend on the sweep need no values; the default name follows the node.
  CliResult data = run_reprise(dir, "export " + dir.file(run_dir_of(run)) + " data");
  REQUIRE_MESSAGE(data.code == 0, data.err);
  CHECK(reprise::load_artifact_file(dir.file("data.h5")).array("samples").shape() == std::vector<std::size_t>{500, 8});
}

TEST_CASE("reprise export names the choices when the node, axis or point is wrong") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  REQUIRE(run_reprise(dir, "run tiny.yaml -q").code == 0);
  CliResult ambiguous = run_reprise(dir, "export results/tiny packed");
  CHECK(ambiguous.code == 2);
  CHECK(ambiguous.err.find("2 instances") != std::string::npos);
  CHECK(ambiguous.err.find("\n  energy=0.9") != std::string::npos);
  CHECK(ambiguous.err.find("\n  energy=0.5") != std::string::npos);
  CliResult node = run_reprise(dir, "export results/tiny pakced --sweep energy=0.9");
  CHECK(node.code == 2);
  CHECK(node.err.find("did you mean 'packed'") != std::string::npos);
  CliResult value = run_reprise(dir, "export results/tiny packed --sweep energy=0.42");
  CHECK(value.code == 2);
  CHECK(value.err.find("energy=0.42 is not a point") != std::string::npos);
  CliResult axis = run_reprise(dir, "export results/tiny packed --sweep enrgy=0.9");
  CHECK(axis.code == 2);
  CHECK(axis.err.find("did you mean 'energy'") != std::string::npos);
  CHECK(run_reprise(dir, "export nowhere packed").code == 2);
}

TEST_CASE("reprise export finds a node that is identical to another spec node, by either name") {
  // `again` at energy 0.9 has packed[energy=0.9]'s identity: one node, run once,
  // recorded once in provenance (under one name, the other as an alias).
  ScratchDir dir;
  dir.write("alias.yaml", R"(name: alias
sweep:
  energy: [0.9, 0.5]
nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 200}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  again:  {use: codec/dct, data: data, energy: 0.9}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)");
  REQUIRE(run_reprise(dir, "run alias.yaml -q").code == 0);
  CliResult packed = run_reprise(dir, "export results/alias packed --sweep energy=0.9 -o packed.h5");
  REQUIRE_MESSAGE(packed.code == 0, packed.err);
  CliResult again = run_reprise(dir, "export results/alias again --sweep energy=0.9 -o again.h5");
  REQUIRE_MESSAGE(again.code == 0, again.err);
  CHECK(reprise::load_artifact_file(dir.file("packed.h5")).array("samples").to_double() ==
        reprise::load_artifact_file(dir.file("again.h5")).array("samples").to_double());
  CliResult other = run_reprise(dir, "export results/alias packed --sweep energy=0.5 -o other.h5");
  CHECK_MESSAGE(other.code == 0, other.err);
}
