// Unit tests for framework/shard: --shard parsing, the slices, the shard plan and
// the shard.txt record.
#include "framework/exec/shard.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <set>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {
struct Loaded {
  Spec spec;
  Plan plan;
};

std::unique_ptr<Loaded> plan_of(const TempDir& dir, const std::string& yaml) {
  auto l = std::make_unique<Loaded>();
  l->spec = load_spec(dir.write("s.yaml", yaml));
  l->plan = make_plan(l->spec);
  return l;
}

// 3 x 2 = 6 points; `data` depends on no axis, `packed` on energy only, `err` on both.
const char* kGrid = R"(seed: 1
sweep:
  energy: [0.9, 0.5, 0.3]
  dim_seed: [1, 2]
nodes:
  data:   {use: dataset/mvn, dim: 4}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed, seed: "${dim_seed}"}
)";
}  // namespace

TEST_CASE("parse_shard accepts i/N with 0 <= i < N") {
  Shard s = parse_shard("2/5");
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(parse_shard("0/1").count == 1);
}

TEST_CASE("parse_shard rejects malformed or out-of-range values with the accepted form") {
  for (const char* bad : {"0/0", "3/2", "2/2", "junk", "1/", "/2", "-1/2", "1/2/3", "1 /2", "a/b", ""}) {
    CAPTURE(bad);
    try {
      parse_shard(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("0 <= i < N") != std::string::npos);
    }
  }
}

TEST_CASE("the shards of a sweep are contiguous, disjoint and cover every point") {
  for (std::size_t points : {0, 1, 5, 6, 40, 41}) {
    for (std::size_t count : {1, 2, 3, 7, 50}) {
      std::size_t next = 0;
      for (std::size_t i = 0; i < count; ++i) {
        auto [first, last] = shard_range({i, count}, points);
        CHECK(first == next);
        CHECK(last >= first);
        CHECK(last - first <= points / count + 1);  // balanced
        next = last;
      }
      CHECK(next == points);
    }
  }
}

TEST_CASE("a shard plan keeps its points and only the nodes they use, with the same identities") {
  TempDir dir;
  auto l = plan_of(dir, kGrid);
  const Plan& full = l->plan;
  REQUIRE(full.sweep.size() == 6);
  Plan part = shard_plan(full, {1, 3});  // points 2 and 3: energy 0.5 with both seeds
  REQUIRE(part.sweep.size() == 2);
  CHECK(part.sweep.global_index(0) == 2);
  CHECK(part.sweep.global_index(1) == 3);
  CHECK(part.sweep.label(0) == full.sweep.label(2));
  CHECK(part.sweep.label(1) == full.sweep.label(3));
  // data once, packed[energy=0.5] once, err at two points.
  CHECK(part.nodes.size() == 4);
  std::set<std::uint64_t> full_ids;
  for (const auto& n : full.nodes) full_ids.insert(n.identity);
  for (std::size_t i = 0; i < part.nodes.size(); ++i) {
    CHECK(full_ids.count(part.nodes[i].identity) == 1);
    for (const auto& [name, src] : part.nodes[i].inputs) CHECK(src < i);  // still topological
    for (std::size_t p : part.nodes[i].points) CHECK(p < 2);              // local point indices
  }
  for (std::size_t p = 0; p < 2; ++p)
    for (std::size_t s = 0; s < part.spec_nodes.size(); ++s)
      CHECK(part.nodes[part.point_nodes[p][s]].identity == full.nodes[full.point_nodes[p + 2][s]].identity);
}

TEST_CASE("the plan fingerprint changes with the spec and not with sharding") {
  TempDir dir;
  auto a = plan_of(dir, kGrid);
  auto b = plan_of(dir, kGrid);
  CHECK(plan_fingerprint(a->plan) == plan_fingerprint(b->plan));
  std::string other = kGrid;
  other.replace(other.find("dim: 4"), 6, "dim: 5");
  auto c = plan_of(dir, other);
  CHECK(plan_fingerprint(a->plan) != plan_fingerprint(c->plan));
}

TEST_CASE("shard records list the full-sweep index of each completed point and read back") {
  TempDir dir;
  auto l = plan_of(dir, kGrid);
  Plan part = shard_plan(l->plan, {2, 3});  // points 4, 5
  ExecReport report;
  report.nodes.assign(part.nodes.size(), NodeResult{NodeStatus::Ran, 0, "", {}});
  report.nodes[part.point_nodes[0].back()].status = NodeStatus::Failed;  // point 4's err failed
  ShardRecord r = make_shard_record({2, 3}, l->plan, part, report);
  CHECK(r.rows == std::vector<std::size_t>{5});
  CHECK(r.sweep_points == 6);
  write_shard_record(dir.str(), r);
  ShardRecord back = read_shard_record(dir.str());
  CHECK(back.shard.index == 2);
  CHECK(back.shard.count == 3);
  CHECK(back.sweep_points == 6);
  CHECK(back.fingerprint == r.fingerprint);
  CHECK(back.rows == r.rows);
}

TEST_CASE("reading a missing or broken shard record says what is wrong") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(read_shard_record(dir.str()), doctest::Contains("no shard.txt"), std::runtime_error);
  dir.write("shard.txt", "shard 1/2\nsweep_points 4\n");
  CHECK_THROWS_WITH_AS(read_shard_record(dir.str()), doctest::Contains("incomplete shard record"), std::runtime_error);
  dir.write("shard.txt", "shard 1/2\nsweep_points 4\nplan 00ff\nrows 1 x\n");
  CHECK_THROWS_WITH_AS(read_shard_record(dir.str()), doctest::Contains("bad sweep point index 'x'"), std::runtime_error);
}
