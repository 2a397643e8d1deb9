#include "framework/spec/spec.hpp"

#include "framework/plan/interpolate.hpp"
#include "framework/plan/typing.hpp"

#include <doctest/doctest.h>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const SpecError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("load_spec reads name, seed, sweep groups, nodes in order and figures") {
  TempDir dir;
  std::string path = dir.write("s.yaml", R"(name: demo
seed: 42
sweep:
  a: [1, 2]
  zip: {b: [x, y, z], c: [3, 4, 5]}
nodes:
  n2: {use: dataset/mvn, dim: 3}
  n1: {use: codec/dct, data: n2}
figures:
  - {use: plot/line, x: a, y: n1.ratio, file: f}
)");
  Spec s = load_spec(path);
  CHECK(s.name == "demo");
  CHECK(s.seed == 42);
  REQUIRE(s.sweep.size() == 2);
  CHECK_FALSE(s.sweep[0].zip);
  CHECK(s.sweep[1].zip);
  CHECK(s.axis_names() == std::vector<std::string>{"a", "b", "c"});
  CHECK(s.node_names() == std::vector<std::string>{"n2", "n1"});
  CHECK(s.nodes[0].use.text == "dataset/mvn");
  CHECK(s.nodes[0].loc.line == 7);
  REQUIRE(s.figures.size() == 1);
  CHECK(s.figures[0].use.text == "plot/line");
}

TEST_CASE("the name defaults to the file stem and the seed to 0") {
  TempDir dir;
  Spec s = load_spec(dir.write("my-exp.yaml", "nodes: {d: {use: dataset/mvn}}\n"));
  CHECK(s.name == "my-exp");
  CHECK(s.seed == 0);
}

TEST_CASE("includes merge maps key by key, the including file winning, paths relative to it") {
  TempDir dir;
  dir.write("sub/base.yaml", "name: base\nseed: 1\nnodes:\n  d: {use: dataset/mvn, dim: 3, samples: 10}\n");
  std::string main = dir.write("main.yaml", "include: sub/base.yaml\nseed: 5\nnodes:\n  d: {dim: 4}\n");
  Spec s = load_spec(main);
  CHECK(s.name == "base");
  CHECK(s.seed == 5);
  const NodeDecl* d = s.find_node("d");
  REQUIRE(d);
  CHECK(d->use.text == "dataset/mvn");
  std::map<std::string, std::string> fields;
  for (const auto& [k, v] : d->fields) fields[k] = v.text;
  CHECK(fields["dim"] == "4");
  CHECK(fields["samples"] == "10");
  CHECK(s.files.size() == 2);
  // The value kept from the base still points into the base file.
  for (const auto& [k, v] : d->fields)
    if (k == "samples") CHECK(v.loc.file.find("sub/base.yaml") != std::string::npos);
}

TEST_CASE("overrides set nested keys, replace sweep axes (also inside zip) and reject unknown targets") {
  TempDir dir;
  std::string path = dir.write("s.yaml", "sweep:\n  e: [1]\n  zip: {u: [1, 2], v: [3, 4]}\nnodes:\n  d: {use: dataset/mvn}\n");
  Spec s = load_spec(path, {"nodes.d.dim=7", "sweep.e=0.5,0.25", "sweep.u=[5, 6]", "seed=9", "name=renamed"});
  CHECK(s.seed == 9);
  CHECK(s.name == "renamed");
  CHECK(s.sweep[0].axes[0].values.size() == 2);
  CHECK(s.sweep[0].axes[0].values[1].text == "0.25");
  CHECK(s.sweep[1].axes[0].values[0].text == "5");
  CHECK(s.nodes[0].fields[0].first == "dim");
  CHECK(s.nodes[0].fields[0].second.text == "7");
  CHECK(error_of([&] { load_spec(path, {"nodes.x.dim=1"}); }).find("unknown node 'x'") != std::string::npos);
  CHECK(error_of([&] { load_spec(path, {"sweep.f=1"}); }).find("unknown sweep axis 'f'") != std::string::npos);
  CHECK(error_of([&] { load_spec(path, {"novalue"}); }).find("expected an override of the form key.path=value") !=
        std::string::npos);
}

TEST_CASE("zip axes of unequal length and repeated axes are errors with locations") {
  TempDir dir;
  std::string zip = dir.write("z.yaml", "sweep:\n  zip: {u: [1, 2], v: [3]}\nnodes: {d: {use: dataset/mvn}}\n");
  CHECK(error_of([&] { load_spec(zip); }).find("z.yaml:2:23: error: zip axes must have equal lengths") != std::string::npos);
  std::string twice = dir.write("t.yaml", "sweep:\n  u: [1]\n  zip: {u: [1]}\nnodes: {d: {use: dataset/mvn}}\n");
  CHECK(error_of([&] { load_spec(twice); }).find("sweep axis 'u' is defined twice") != std::string::npos);
  std::string empty = dir.write("e.yaml", "sweep:\n  u: []\nnodes: {d: {use: dataset/mvn}}\n");
  CHECK(error_of([&] { load_spec(empty); }).find("e.yaml:2:6: error: sweep axis 'u': expected a non-empty list") !=
        std::string::npos);
}

TEST_CASE("interpolate keeps the type of a whole reference and splices partial ones") {
  auto lookup = [](const std::string& ref, const SpecValue& at) {
    if (ref == "list") {
      SpecValue v = SpecValue::make(SpecValue::Kind::Sequence, "", at.loc);
      v.items = {SpecValue::make(SpecValue::Kind::Scalar, "1", at.loc), SpecValue::make(SpecValue::Kind::Scalar, "2", at.loc)};
      return v;
    }
    return SpecValue::make(SpecValue::Kind::Scalar, "<" + ref + ">", at.loc);
  };
  SpecValue whole = interpolate(parse_yaml("${list}", "t"), lookup);
  CHECK(whole.kind == SpecValue::Kind::Sequence);
  CHECK(flow_text(whole) == "[1, 2]");
  CHECK(interpolate(parse_yaml("run-${a}-${b}", "t"), lookup).text == "run-<a>-<b>");
  CHECK(interpolate(parse_yaml("cost $${a} is ${a}", "t"), lookup).text == "cost ${a} is <a>");
  CHECK(interpolate(parse_yaml("x${list}", "t"), lookup).text == "x[1, 2]");
  CHECK(references(parse_yaml("[\"${a}\", b, \"${c}\"]", "t")) == std::vector<std::string>{"a", "c"});
  CHECK(error_of([&] { interpolate(parse_yaml("${open", "t"), lookup); }).find("unterminated '${'") != std::string::npos);
}

TEST_CASE("to_param_value types values and enforces ranges and choices") {
  ParamSpec energy = param_double("energy", 0.5, "doc").range(0, 1);
  CHECK(std::get<double>(to_param_value(energy, parse_yaml("0.25", "t"))) == 0.25);
  CHECK(error_of([&] { to_param_value(energy, parse_yaml("1.5", "t")); }).find("must be in [0, 1], got 1.5") != std::string::npos);
  CHECK(error_of([&] { to_param_value(energy, parse_yaml(".nan", "t")); }).find("is NaN") != std::string::npos);
  ParamSpec n = param_int("n", 1, "doc").at_least(1);
  CHECK(std::get<std::int64_t>(to_param_value(n, parse_yaml("12", "t"))) == 12);
  CHECK(error_of([&] { to_param_value(n, parse_yaml("1.5", "t")); }).find("expects an integer") != std::string::npos);
  CHECK(error_of([&] { to_param_value(n, parse_yaml("0", "t")); }).find("must be >= 1") != std::string::npos);
  ParamSpec rate = param_double("rate", 0.5, "doc").greater_than(0).less_than(1);
  CHECK(std::get<double>(to_param_value(rate, parse_yaml("1e-9", "t"))) == 1e-9);
  CHECK(error_of([&] { to_param_value(rate, parse_yaml("0", "t")); }).find("must be in (0, 1), got 0") != std::string::npos);
  CHECK(error_of([&] { to_param_value(rate, parse_yaml("1.0", "t")); }).find("must be in (0, 1), got 1.0") != std::string::npos);
  ParamSpec flag = param_bool("flag", false, "doc");
  CHECK(std::get<bool>(to_param_value(flag, parse_yaml("true", "t"))));
  CHECK(error_of([&] { to_param_value(flag, parse_yaml("yes please", "t")); }).find("expects true or false") != std::string::npos);
  ParamSpec mode = param_string("mode", "a", "doc").one_of({"alpha", "beta"});
  CHECK(error_of([&] { to_param_value(mode, parse_yaml("alpah", "t")); }).find("did you mean 'alpha'?") != std::string::npos);
  ParamSpec steps = param_ints("steps", {1}, "doc");
  CHECK(std::get<std::vector<std::int64_t>>(to_param_value(steps, parse_yaml("[0, 5, 10]", "t"))) ==
        std::vector<std::int64_t>{0, 5, 10});
  CHECK(std::get<std::vector<std::int64_t>>(to_param_value(steps, parse_yaml("3", "t"))) == std::vector<std::int64_t>{3});
}

TEST_CASE("parse_yaml reports YAML syntax errors at their position and refuses deep nesting") {
  CHECK(error_of([] { parse_yaml("a: [1, 2\nb: 3\n", "f.yaml"); }).find("f.yaml:") == 0);
  std::string deep(100, '[');
  CHECK(error_of([&] { parse_yaml(deep + std::string(100, ']'), "d"); }).find("nested deeper than 64") != std::string::npos);
}
