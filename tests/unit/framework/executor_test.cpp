#include "framework/exec/executor.hpp"

#include <doctest/doctest.h>

#include <atomic>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {

// Executor options for a test: no output, `jobs` threads.
ExecOptions quiet(int jobs, bool keep_going, std::vector<bool> force = {}) {
  ExecOptions o;
  o.jobs = jobs;
  o.verbosity = 0;
  o.keep_going = keep_going;
  o.force = std::move(force);
  return o;
}
std::atomic<int> g_source_runs{0};

// Emits `value` as an array and a scalar; counts its runs.
class TestSource : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context& ctx) override {
    ++g_source_runs;
    ctx.progress(1, 1);
    Artifact a;
    a.set_array("values", Array::from<double>({2}, {p.get_double("value"), static_cast<double>(ctx.seed() % 1000)}));
    a.set_scalar("value", p.get_double("value"));
    return a;
  }
};

// Adds its input's value to `add`; throws when the sum is negative.
class TestAdd : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    double sum = in.get("x").array("values").view<double>()[0] + p.get_double("add");
    if (sum < 0) throw std::runtime_error("negative sum");
    Artifact a;
    a.set_array("values", Array::from<double>({1}, {sum}));
    a.set_scalar("sum", sum);
    return a;
  }
};
}  // namespace

REPRISE_COMPONENT(TestSource, "test/source", "1", "test source", param_double("value", 1, "value"))
REPRISE_COMPONENT(TestAdd, "test/add", "1", "test adder", param_double("add", 0, "addend"), input("x", "source"))

namespace {
struct Fixture {
  TempDir dir;
  Spec spec;
  Plan plan;
  Fixture(const std::string& yaml) {
    spec = load_spec(dir.write("e.yaml", yaml));
    plan = make_plan(spec);
  }
};

const char* kSpec = R"(sweep:
  add: [1, 2, -5, 3]
nodes:
  src: {use: test/source, value: 1}
  sum: {use: test/add, x: src, add: "${add}"}
  again: {use: test/add, x: sum, add: 10}
)";
}  // namespace

TEST_CASE("each distinct node runs once; a failure skips its downstream, not its siblings") {
  Fixture f(kSpec);
  Cache cache(f.dir.file("cache"));
  g_source_runs = 0;
  ExecReport r = execute(f.plan, cache, quiet(2, true));
  CHECK(g_source_runs == 1);
  CHECK_FALSE(r.interrupted);
  CHECK(r.count(NodeStatus::Ran) == 7);
  CHECK(r.count(NodeStatus::Failed) == 1);
  CHECK(r.count(NodeStatus::Skipped) == 1);
  std::size_t failed = f.plan.point_nodes[2][1], skipped = f.plan.point_nodes[2][2];
  CHECK(r.nodes[failed].status == NodeStatus::Failed);
  CHECK(r.nodes[failed].error.find("node 'sum' (test/add) at sweep point add=-5 failed: negative sum") != std::string::npos);
  CHECK(r.nodes[skipped].status == NodeStatus::Skipped);
  CHECK(r.nodes[f.plan.point_nodes[3][2]].summary.scalar("sum") == 14);  // 1 + 3 + 10

  // Second execution: everything that succeeded is a cache hit; the failed node runs again.
  g_source_runs = 0;
  ExecReport again = execute(f.plan, cache, quiet(1, true));
  CHECK(g_source_runs == 0);
  CHECK(again.count(NodeStatus::Cached) == 7);
  CHECK(again.count(NodeStatus::Failed) == 1);
  CHECK(again.nodes[f.plan.point_nodes[3][2]].summary.scalar("sum") == 14);
}

TEST_CASE("forced nodes ignore the cache; inputs of forced nodes are loaded from it") {
  Fixture f(kSpec);
  Cache cache(f.dir.file("cache"));
  execute(f.plan, cache, quiet(1, true));
  g_source_runs = 0;
  auto force = f.plan.downstream_of("sum");
  ExecReport r = execute(f.plan, cache, quiet(2, true, force));
  CHECK(g_source_runs == 0);
  CHECK(r.nodes[f.plan.point_nodes[0][0]].status == NodeStatus::Cached);
  CHECK(r.nodes[f.plan.point_nodes[0][1]].status == NodeStatus::Ran);
  CHECK(r.nodes[f.plan.point_nodes[0][2]].summary.scalar("sum") == 12);
}

TEST_CASE("an input whose cache entry vanished is recomputed on demand") {
  Fixture f(kSpec);
  Cache cache(f.dir.file("cache"));
  execute(f.plan, cache, quiet(1, true));
  std::filesystem::remove(cache.path_for(f.plan.nodes[f.plan.point_nodes[0][0]].identity));
  g_source_runs = 0;
  auto force = f.plan.downstream_of("again");
  ExecReport r = execute(f.plan, cache, quiet(1, true, force));
  CHECK(g_source_runs == 1);
  CHECK(r.count(NodeStatus::Failed) == 1);  // only the sum that always fails (add=-5)
  CHECK(r.nodes[f.plan.point_nodes[1][2]].summary.scalar("sum") == 13);
}

TEST_CASE("results do not depend on the number of threads") {
  Fixture f(kSpec);
  Cache one(f.dir.file("one")), two(f.dir.file("two"));
  ExecReport a = execute(f.plan, one, quiet(1, true)), b = execute(f.plan, two, quiet(2, true));
  for (std::size_t i = 0; i < f.plan.nodes.size(); ++i) {
    CHECK(a.nodes[i].status == b.nodes[i].status);
    CHECK(a.nodes[i].summary == b.nodes[i].summary);
  }
  // The derived seed, not the thread, decides the random part.
  CHECK(one.load(f.plan.nodes[0].identity).artifact == two.load(f.plan.nodes[0].identity).artifact);
}

TEST_CASE("fail-fast (the default) starts no node after the first failure; keep_going runs the rest") {
  Fixture f(R"(sweep:
  add: [-5, 1, 2]
nodes:
  src: {use: test/source, value: 1}
  sum: {use: test/add, x: src, add: "${add}"}
)");
  Cache cache(f.dir.file("cache"));
  ExecReport fast = execute(f.plan, cache, quiet(1, false));
  CHECK(fast.halted);
  CHECK(fast.count(NodeStatus::Failed) == 1);
  CHECK(fast.count(NodeStatus::Ran) == 1);      // src, then sum[add=-5] fails
  CHECK(fast.count(NodeStatus::Pending) == 2);  // the other sums never start
  ExecReport all = execute(f.plan, cache, quiet(1, true));
  CHECK_FALSE(all.halted);
  CHECK(all.count(NodeStatus::Failed) == 1);
  CHECK(all.count(NodeStatus::Ran) == 2);
  CHECK(all.count(NodeStatus::Cached) == 1);
}
