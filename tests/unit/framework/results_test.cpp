#include "framework/report/results.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;
namespace fs = std::filesystem;

namespace {
Artifact scalars(std::map<std::string, double> values) {
  Artifact a;
  for (const auto& [k, v] : values) a.set_scalar(k, v);
  return a;
}
}  // namespace

TEST_CASE("the metrics table has a column per axis and per node.scalar, and a row per complete point") {
  TempDir dir;
  Spec spec = load_spec(dir.write("r.yaml", R"(sweep:
  energy: [0.9, 0.5, 0.1]
nodes:
  data:   {use: dataset/mvn, dim: 4}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
)"));
  Plan plan = make_plan(spec);
  ExecReport report;
  report.nodes.resize(plan.nodes.size());
  report.nodes[plan.point_nodes[0][0]] = {NodeStatus::Cached, 0, "", scalars({{"dim", 4}})};
  for (std::size_t p = 0; p < 3; ++p)
    report.nodes[plan.point_nodes[p][1]] = {NodeStatus::Ran, 0, "", scalars({{"ratio", 1.0 / (p + 1)}, {"bytes", 10.0 * p}})};
  report.nodes[plan.point_nodes[2][1]].status = NodeStatus::Failed;
  Table t = metrics_table(plan, report);
  CHECK(t.columns == std::vector<std::string>{"energy", "data.dim", "packed.bytes", "packed.ratio"});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] == std::vector<std::string>{"0.9", "4", "0", "1"});
  CHECK(t.rows[1] == std::vector<std::string>{"0.5", "4", "10", "0.5"});
  CHECK(t.to_csv() == "energy,data.dim,packed.bytes,packed.ratio\n0.9,4,0,1\n0.5,4,10,0.5\n");
}

TEST_CASE("run directories are unique even within one second, and never reuse an existing one") {
  TempDir dir;
  std::set<std::string> made;
  for (int i = 0; i < 5; ++i) made.insert(create_run_dir(dir.str(), "exp"));
  CHECK(made.size() == 5);
  for (const auto& d : made) CHECK(fs::is_directory(d));
}

TEST_CASE("referenced_identities keeps the newest runs of each spec") {
  TempDir dir;
  dir.write("a/20260101-000000/cache-refs.txt", "0000000000000001\n0000000000000002\n");
  dir.write("a/20260102-000000/cache-refs.txt", "0000000000000003\n");
  dir.write("b/20260101-000000/cache-refs.txt", "0000000000000004\n");
  CHECK(referenced_identities(dir.str(), 0) == std::set<std::uint64_t>{1, 2, 3, 4});
  CHECK(referenced_identities(dir.str(), 1) == std::set<std::uint64_t>{3, 4});
}
