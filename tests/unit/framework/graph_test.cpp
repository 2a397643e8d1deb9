#include "framework/plan/graph.hpp"

#include <doctest/doctest.h>

#include <set>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {
struct Loaded {
  Spec spec;
  Plan plan;
};

// Plans a spec written to a temp file; the Spec must outlive the Plan.
std::unique_ptr<Loaded> plan_of(const TempDir& dir, const std::string& yaml, std::vector<std::string> overrides = {}) {
  auto l = std::make_unique<Loaded>();
  l->spec = load_spec(dir.write("g.yaml", yaml), overrides);
  l->plan = make_plan(l->spec);
  return l;
}

std::string error_of(const TempDir& dir, const std::string& yaml) {
  try {
    plan_of(dir, yaml);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kChain = R"(seed: 1
sweep:
  energy: [0.9, 0.5, 0.3]
nodes:
  data:   {use: dataset/mvn, dim: 4}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)";
}  // namespace

TEST_CASE("nodes that do not use a swept value are one node for the whole sweep") {
  TempDir dir;
  auto l = plan_of(dir, kChain);
  const Plan& p = l->plan;
  CHECK(p.sweep.size() == 3);
  CHECK(p.nodes.size() == 7);  // data once, packed and err three times
  std::set<std::size_t> data_instances;
  for (std::size_t pt = 0; pt < 3; ++pt) data_instances.insert(p.point_nodes[pt][0]);
  CHECK(data_instances.size() == 1);
  CHECK(p.nodes[p.point_nodes[0][0]].points.size() == 3);
  CHECK(p.nodes[p.point_nodes[1][1]].variant == "energy=0.5");
  CHECK(p.nodes[p.point_nodes[1][1]].params.get_double("energy") == 0.5);
  CHECK(p.nodes[p.point_nodes[1][1]].params.get_string("values") == "float64");  // default filled in
  // Topological order: every input comes before its user.
  for (std::size_t i = 0; i < p.nodes.size(); ++i)
    for (const auto& [name, src] : p.nodes[i].inputs) CHECK(src < i);
}

TEST_CASE("identity depends on params, inputs and seed, and on nothing else") {
  TempDir dir;
  auto base = plan_of(dir, kChain);
  auto same = plan_of(dir, kChain);
  CHECK(base->plan.nodes[0].identity == same->plan.nodes[0].identity);
  auto other_dim = plan_of(dir, kChain, {"nodes.data.dim=5"});
  CHECK(other_dim->plan.nodes[0].identity != base->plan.nodes[0].identity);
  // Downstream identities change with their input's.
  CHECK(other_dim->plan.nodes.back().identity != base->plan.nodes.back().identity);
  auto other_seed = plan_of(dir, kChain, {"seed=2"});
  CHECK(other_seed->plan.nodes[0].identity != base->plan.nodes[0].identity);
  CHECK(other_seed->plan.nodes[0].seed != base->plan.nodes[0].seed);
  // Writing a default explicitly is the same node.
  auto explicit_default = plan_of(dir, kChain, {"nodes.data.structure=smooth"});
  CHECK(explicit_default->plan.nodes[0].identity == base->plan.nodes[0].identity);
  // 0.50 and 0.5 are the same double, so the same node.
  auto respelled = plan_of(dir, kChain, {"sweep.energy=0.90,0.50,0.3"});
  CHECK(respelled->plan.nodes.back().identity == base->plan.nodes.back().identity);
}

TEST_CASE("a per-node seed may be swept: replicates of a dataset") {
  TempDir dir;
  auto l = plan_of(dir, R"(sweep:
  rep: [1, 2, 3]
nodes:
  data: {use: dataset/mvn, dim: 4, seed: "${rep}"}
)");
  CHECK(l->plan.nodes.size() == 3);
  std::set<std::uint64_t> seeds;
  for (const auto& n : l->plan.nodes) seeds.insert(n.seed);
  CHECK(seeds.size() == 3);
}

TEST_CASE("inputs may be interpolated from a sweep axis") {
  TempDir dir;
  auto l = plan_of(dir, R"(sweep:
  source: [a, b]
nodes:
  a: {use: dataset/mvn, dim: 4}
  b: {use: dataset/mvn, dim: 4, condition: 3}
  p: {use: codec/dct, data: "${source}"}
)");
  const Plan& p = l->plan;
  CHECK(p.nodes.size() == 4);
  CHECK(p.nodes[p.point_nodes[0][2]].inputs[0].second == p.point_nodes[0][0]);
  CHECK(p.nodes[p.point_nodes[1][2]].inputs[0].second == p.point_nodes[1][1]);
}

TEST_CASE("cycles are found and named, also through interpolated inputs") {
  TempDir dir;
  std::string err = error_of(dir, R"(nodes:
  a: {use: codec/dct, data: c}
  b: {use: codec/dct, data: a}
  c: {use: codec/dct, data: b}
)");
  CHECK(err.find("the nodes form a cycle: ") != std::string::npos);
  CHECK(err.find("a -> b -> c -> a") != std::string::npos);
  std::string self = error_of(dir, "sweep: {s: [a]}\nnodes:\n  a: {use: codec/dct, data: \"${s}\"}\n");
  CHECK(self.find("a -> a") != std::string::npos);
}

TEST_CASE("${nodes.x.param} follows references, reads defaults, and catches reference cycles") {
  TempDir dir;
  auto l = plan_of(dir, R"(nodes:
  a: {use: dataset/mvn, dim: 5}
  b: {use: dataset/mvn, dim: "${nodes.a.dim}", condition: "${nodes.a.condition}", samples: 7}
)");
  REQUIRE(l->plan.nodes.size() == 2);
  CHECK(l->plan.nodes[1].params.get_int("dim") == 5);
  CHECK(l->plan.nodes[1].params.get_double("condition") == 10);  // a's default
  std::string loop = error_of(dir, R"(nodes:
  a: {use: dataset/mvn, dim: "${nodes.b.dim}"}
  b: {use: dataset/mvn, dim: "${nodes.a.dim}"}
)");
  CHECK(loop.find("refers to itself through a cycle") != std::string::npos);
  CHECK(error_of(dir, "nodes:\n  a: {use: dataset/mvn, dim: \"${nodes.z.dim}\"}\n").find("unknown node 'z'") != std::string::npos);
}

TEST_CASE("plots are refused as nodes and non-plots as figures") {
  TempDir dir;
  CHECK(error_of(dir, "nodes:\n  p: {use: plot/line, x: a, y: b, file: f}\n").find("plots go under figures:") != std::string::npos);
  CHECK(error_of(dir, "nodes:\n  d: {use: dataset/mvn}\nfigures:\n  - {use: dataset/mvn}\n").find("figures need a plot component") !=
        std::string::npos);
  CHECK(error_of(dir, "sweep: {e: [1]}\nnodes:\n  d: {use: dataset/mvn}\nfigures:\n  - {use: plot/line, x: \"${e}\", y: d.dim, file: f}\n")
            .find("cannot use sweep axis") != std::string::npos);
}

TEST_CASE("downstream_of marks a node's instances and everything that consumes them") {
  TempDir dir;
  auto l = plan_of(dir, kChain);
  const Plan& p = l->plan;
  auto marked = p.downstream_of("packed");
  for (std::size_t i = 0; i < p.nodes.size(); ++i) CHECK(marked[i] == (p.nodes[i].name != "data"));
  CHECK_THROWS_AS(p.downstream_of("pakced"), SpecError);
}

TEST_CASE("to_dot draws every distinct node and edge") {
  TempDir dir;
  auto l = plan_of(dir, kChain);
  std::string dot = to_dot(l->plan);
  CHECK(dot.rfind("digraph G {", 0) == 0);
  CHECK(dot.find("rankdir=LR") != std::string::npos);
  std::size_t edges = 0;
  for (auto pos = dot.find("->"); pos != std::string::npos; pos = dot.find("->", pos + 2)) ++edges;
  CHECK(edges == 9);  // data->packed x3, data->err x3, packed->err x3
  CHECK(dot.find("[label=\"truth\"]") != std::string::npos);
}

namespace {
// Echoes whether its optional input was given.
class TestInitAware : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    Artifact a;
    a.set_scalar("had_init", in.has("init"));
    return a;
  }
};
}  // namespace

REPRISE_COMPONENT(TestInitAware, "test/init-aware", "1", "test component with a keyword input",
                  optional_input("init", "start from this node, or `random`").or_keywords({"random"}))

TEST_CASE("an input keyword leaves the input absent, counts in the identity, and is suggested on typos") {
  TempDir dir;
  auto l = plan_of(dir, R"(sweep:
  init: [data, random]
nodes:
  data: {use: dataset/mvn, dim: 4}
  run:  {use: test/init-aware, init: "${init}"}
)");
  const Plan& p = l->plan;
  REQUIRE(p.nodes.size() == 3);
  const PlannedNode& from_data = p.nodes[p.point_nodes[0][1]];
  const PlannedNode& from_random = p.nodes[p.point_nodes[1][1]];
  CHECK(from_data.inputs.size() == 1);
  CHECK(from_random.inputs.empty());
  CHECK(from_random.identity != from_data.identity);
  auto none = plan_of(dir, "nodes:\n  run: {use: test/init-aware}\n");
  CHECK(none->plan.nodes[0].identity != from_random.identity);  // `random` is not the same as leaving it out
  CHECK(error_of(dir, "nodes:\n  run: {use: test/init-aware, init: randon}\n").find("did you mean 'random'?") != std::string::npos);
}

TEST_CASE("a path parameter's file content enters the identity") {
  TempDir dir;
  dir.write("values.csv", "1,-1\n-1,1\n");
  const char* spec = "nodes:\n  d: {use: dataset/samples-file, path: values.csv}\n";
  auto before = plan_of(dir, spec);
  auto same = plan_of(dir, spec);
  CHECK(before->plan.nodes[0].identity == same->plan.nodes[0].identity);
  dir.write("values.csv", "1,-1\n1,1\n");
  auto after = plan_of(dir, spec);
  CHECK(after->plan.nodes[0].identity != before->plan.nodes[0].identity);
  CHECK(error_of(dir, "nodes:\n  d: {use: dataset/samples-file, path: missing.csv}\n").find("file 'missing.csv' not found") !=
        std::string::npos);
}

TEST_CASE("output-neutral parameters such as thread counts stay out of the identity") {
  TempDir dir;
  const char* base = "nodes:\n  d: {use: dataset/mvn, dim: 4}\n  m: {use: learner/grise, data: d}\n";
  auto one = plan_of(dir, base, {"nodes.m.threads=1"});
  auto two = plan_of(dir, base, {"nodes.m.threads=2"});
  CHECK(one->plan.nodes[1].identity == two->plan.nodes[1].identity);
  auto other = plan_of(dir, base, {"nodes.m.c=0.3"});
  CHECK(other->plan.nodes[1].identity != one->plan.nodes[1].identity);
}

TEST_CASE("a parameter added later stays out of the identity at its default, and only there") {
  TempDir dir;
  // sampler/ttflow's transport_fraction came after results were cached.
  const char* base =
      "nodes:\n  t: {use: target/gmm, means: [0.0, 0.0]}\n  b: {use: ttflow/basis}\n  f: {use: ttflow/ftt}\n"
      "  s: {use: sampler/ttflow, target: t, basis: b, ftt: f}\n";
  auto plain = plan_of(dir, base);
  auto at_default = plan_of(dir, base, {"nodes.s.transport_fraction=1.0"});
  auto as_int = plan_of(dir, base, {"nodes.s.transport_fraction=1"});
  auto other = plan_of(dir, base, {"nodes.s.transport_fraction=0.9"});
  const auto& s = plain->plan.nodes.back();
  REQUIRE(s.name == "s");
  CHECK(at_default->plan.nodes.back().identity == s.identity);
  CHECK(as_int->plan.nodes.back().identity == s.identity);
  CHECK(at_default->plan.nodes.back().seed == s.seed);
  CHECK(other->plan.nodes.back().identity != s.identity);
  CHECK(other->plan.nodes.back().seed != s.seed);
}

TEST_CASE("a spec using a component this build cannot run fails at plan time, at its use: line") {
  // test/unavailable is registered with REPRISE_UNAVAILABLE_COMPONENT in registry_test.cpp.
  TempDir dir;
  const std::string err = error_of(dir, "nodes:\n  data: {use: dataset/mvn, dim: 4}\n  packed: {use: test/unavailable, data: data}\n");
  CHECK(err.find("g.yaml:3:17:") != std::string::npos);
  CHECK(err.find("component 'test/unavailable' is not available in this build: built without LIBFOO") !=
        std::string::npos);
  CHECK(err.find("-DCMAKE_PREFIX_PATH=<prefix>") != std::string::npos);
}
