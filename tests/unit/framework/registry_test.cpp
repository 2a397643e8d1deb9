// Unit tests for framework/registry: canonical values, the component registry and
// its schema, Params/Inputs, and REPRISE_COMPONENT with a test component.
#include "framework/core/registry.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

using namespace reprise;

// ------------------------------------------------------------- a test component

namespace {

// Echoes its parameters and input back, so a run through the registry can be checked
// against values computed here.
class EchoComponent : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    Artifact out;
    out.set_scalar("twice", 2.0 * p.get_double("x"));
    out.set_scalar("count", static_cast<double>(p.get_int("count")));
    out.set_scalar("flag", p.get_bool("flag") ? 1.0 : 0.0);
    out.set_string("label", p.get_string("label"));
    out.set_scalar("seed", static_cast<double>(ctx.seed()));
    out.set_scalar("has_extra", in.has("extra") ? 1.0 : 0.0);
    const auto& values = in.get("data").array("values");
    out.set_array("values", values);
    double sum = 0;
    for (double v : values.to_double()) sum += v;
    out.set_scalar("sum", sum);
    ctx.progress(1, 1);
    ctx.check_cancelled();
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(EchoComponent, "test/echo", "7", "echoes its parameters and input (unit test only)",
                  param_double("x", 1.5, "a number").range(-10, 10),
                  param_int("count", 3, "a count").at_least(0),
                  param_bool("flag", false, "a switch"),
                  param_string("label", "none", "a label").one_of({"none", "some"}),
                  input("data", "artifact with array 'values'"),
                  optional_input("extra", "anything"),
                  output("values", "the input values"),
                  output("twice", "scalar: 2x"))

// A component this build "cannot run", as codec/sz3 is without SZ3: schema only.
REPRISE_UNAVAILABLE_COMPONENT(UnavailableComponent, "test/unavailable", "2", "needs a library (unit test only)",
                              "built without LIBFOO: install it and reconfigure with -DCMAKE_PREFIX_PATH=<prefix>",
                              param_double("bound", 1, "an error bound").at_least(0),
                              input("data", "anything"),
                              output("volume", "what it would return"))

namespace {

double parse(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

}  // namespace

// ------------------------------------------------------------------- canonical()

TEST_CASE("canonical of doubles is the shortest text that reads back") {
  CHECK(canonical(0.1) == "0.1");
  CHECK(canonical(0.5) == "0.5");
  CHECK(canonical(-2.25) == "-2.25");
  CHECK(canonical(0.1 + 0.2) == "0.30000000000000004");
  CHECK(canonical(1.0 / 3.0) == "0.3333333333333333");
  CHECK(canonical(1e-300) == "1e-300");
  CHECK(canonical(1.5e-7) == "1.5e-07");
  CHECK(canonical(5e-324) == "5e-324");
  CHECK(canonical(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(canonical(123456.789) == "123456.789");
}

TEST_CASE("canonical of integral doubles has no exponent or decimals") {
  CHECK(canonical(0.0) == "0");
  CHECK(canonical(1.0) == "1");
  CHECK(canonical(-7.0) == "-7");
  CHECK(canonical(100000.0) == "100000");
  CHECK(canonical(1e6) == "1000000");
  CHECK(canonical(123456789012345.0) == "123456789012345");
  CHECK(canonical(-999999999999999.0) == "-999999999999999");
}

TEST_CASE("canonical of large, signed-zero and non-finite doubles reads back exactly") {
  CHECK(canonical(1e15) == "1e+15");
  CHECK(canonical(1e20) == "1e+20");
  CHECK(canonical(-0.0) == "-0");  // "0" would read back as +0
  CHECK(canonical(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(canonical(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(canonical(std::numeric_limits<double>::quiet_NaN()) == "nan");
  CHECK(canonical(0.0) != canonical(-0.0));
}

TEST_CASE("canonical doubles round-trip bit for bit") {
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<std::uint64_t> any_bits;
  int checked = 0;
  for (int i = 0; i < 2000; ++i) {
    double v = std::bit_cast<double>(any_bits(rng));
    if (!std::isfinite(v)) continue;
    std::string s = canonical(v);
    CAPTURE(s);
    CHECK(std::bit_cast<std::uint64_t>(parse(s)) == std::bit_cast<std::uint64_t>(v));
    ++checked;
  }
  CHECK(checked > 1900);
  for (double v : {0.1, 1e-300, 100000.0, -0.0, 9007199254740993.0, 0.1 + 0.2, 1e15, 1e15 - 1, 4503599627370495.5}) {
    CAPTURE(v);
    CHECK(std::bit_cast<std::uint64_t>(parse(canonical(v))) == std::bit_cast<std::uint64_t>(v));
  }
}

TEST_CASE("canonical of the other value types") {
  CHECK(canonical(true) == "true");
  CHECK(canonical(false) == "false");
  CHECK(canonical(std::int64_t{0}) == "0");
  CHECK(canonical(std::int64_t{-42}) == "-42");
  CHECK(canonical(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  CHECK(canonical(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(canonical(std::string("float64")) == "float64");
  CHECK(canonical(std::string("")) == "");
  CHECK(canonical(std::vector<std::int64_t>{1, 2}) == "[1, 2]");
  CHECK(canonical(std::vector<std::int64_t>{-3}) == "[-3]");
  CHECK(canonical(std::vector<std::int64_t>{}) == "[]");
  CHECK(canonical(std::vector<double>{1.0, 2.0}) == "[1, 2]");
  CHECK(canonical(std::vector<double>{0.1, 100000.0, 1e-300}) == "[0.1, 100000, 1e-300]");
  CHECK(canonical(std::vector<double>{}) == "[]");
  // An int and a double of the same value print alike; a string does not get quotes.
  CHECK(canonical(std::int64_t{5}) == canonical(5.0));
}

TEST_CASE("param_type_name") {
  CHECK(std::string(param_type_name(ParamType::Bool)) == "bool");
  CHECK(std::string(param_type_name(ParamType::Int)) == "int");
  CHECK(std::string(param_type_name(ParamType::Double)) == "double");
  CHECK(std::string(param_type_name(ParamType::String)) == "string");
  CHECK(std::string(param_type_name(ParamType::Path)) == "path");
  CHECK(std::string(param_type_name(ParamType::IntList)) == "list of int");
  CHECK(std::string(param_type_name(ParamType::DoubleList)) == "list of double");
}

// --------------------------------------------------------------- param builders

TEST_CASE("param builders fill name, type, default and doc") {
  ParamSpec b = param_bool("b", true, "doc b");
  CHECK(b.name == "b");
  CHECK(b.type == ParamType::Bool);
  REQUIRE(b.default_value.has_value());
  CHECK(std::get<bool>(*b.default_value) == true);
  CHECK(b.doc == "doc b");

  ParamSpec i = param_int("i", -4, "");
  CHECK(i.type == ParamType::Int);
  CHECK(std::get<std::int64_t>(*i.default_value) == -4);

  ParamSpec d = param_double("d", 0.25, "").range(0, 1);
  CHECK(d.type == ParamType::Double);
  CHECK(std::get<double>(*d.default_value) == 0.25);
  CHECK(d.min == 0.0);
  CHECK(d.max == 1.0);

  ParamSpec s = param_string("s", "a", "").one_of({"a", "b"});
  CHECK(s.type == ParamType::String);
  CHECK(std::get<std::string>(*s.default_value) == "a");
  CHECK(s.choices == std::vector<std::string>{"a", "b"});

  ParamSpec p = param_path("p", "");
  CHECK(p.type == ParamType::Path);
  CHECK_FALSE(p.default_value.has_value());  // paths are required

  ParamSpec is = param_ints("is", {1, 2}, "").at_least(1);
  CHECK(is.type == ParamType::IntList);
  CHECK(std::get<std::vector<std::int64_t>>(*is.default_value) == std::vector<std::int64_t>{1, 2});
  CHECK(is.min == 1.0);
  CHECK_FALSE(is.max.has_value());

  ParamSpec ds = param_doubles("ds", {0.5}, "").required();
  CHECK(ds.type == ParamType::DoubleList);
  CHECK_FALSE(ds.default_value.has_value());

  InputSpec in = input("data", "d");
  CHECK(in.name == "data");
  CHECK_FALSE(in.optional);
  CHECK(optional_input("extra", "").optional);
  CHECK(output("o", "doc o").doc == "doc o");
}

// ------------------------------------------------------------------- Params

TEST_CASE("Params getters return the stored values") {
  const std::vector<ParamSpec> schema = {param_bool("b", false, ""),       param_int("i", 0, ""),
                                         param_double("d", 0, ""),         param_string("s", "", ""),
                                         param_ints("is", {}, ""),         param_doubles("ds", {}, "")};
  Params p = make_params("test", schema,
                         {
                             {"b", true},
                             {"i", std::int64_t{-7}},
                             {"d", 0.125},
                             {"s", std::string("float32")},
                             {"is", std::vector<std::int64_t>{3, 4}},
                             {"ds", std::vector<double>{0.5, 1.5}},
                         });
  CHECK(p.get_bool("b") == true);
  CHECK(p.get_int("i") == -7);
  CHECK(p.get_double("d") == 0.125);
  CHECK(p.get_string("s") == "float32");
  CHECK(p.get_ints("is") == std::vector<std::int64_t>{3, 4});
  CHECK(p.get_doubles("ds") == std::vector<double>{0.5, 1.5});
  CHECK(p.values().size() == 6);
}

TEST_CASE("asking for an undeclared parameter throws std::logic_error naming it") {
  Params p = make_params("test", {param_double("energy", 0.9, "")}, {});
  CHECK_THROWS_AS(p.get_double("enrgy"), std::logic_error);
  CHECK_THROWS_AS(p.get_int("nope"), std::logic_error);
  CHECK_THROWS_AS(p.get_bool("nope"), std::logic_error);
  CHECK_THROWS_AS(p.get_string("nope"), std::logic_error);
  CHECK_THROWS_AS(p.get_ints("nope"), std::logic_error);
  CHECK_THROWS_AS(p.get_doubles("nope"), std::logic_error);
  CHECK_THROWS_AS(Params{}.get_double("energy"), std::logic_error);
  try {
    p.get_double("enrgy");
    FAIL("no exception");
  } catch (const std::logic_error& e) {
    CHECK(std::string(e.what()).find("'enrgy'") != std::string::npos);
  }
  // A declared parameter read with the wrong type is a different error.
  CHECK_THROWS_AS(p.get_int("energy"), std::bad_variant_access);
}

TEST_CASE("Inputs hold artifacts by name") {
  Inputs in;
  CHECK_FALSE(in.has("data"));
  CHECK_THROWS_AS(in.get("data"), std::runtime_error);
  auto a = std::make_shared<const Artifact>(Artifact{}.set_scalar("v", 3.0));
  in.set("data", a);
  CHECK(in.has("data"));
  CHECK(in.get("data").scalar("v") == 3.0);
  CHECK(&in.get("data") == a.get());  // shared, not copied
  in.set("null", nullptr);
  CHECK_THROWS_AS(in.get("null"), std::runtime_error);
  CHECK_THROWS_WITH_AS(in.get("truth"), doctest::Contains("'truth'"), std::runtime_error);
}

TEST_CASE("SimpleContext") {
  SimpleContext ctx(99);
  CHECK(ctx.seed() == 99);
  CHECK_FALSE(ctx.cancelled());
  CHECK_NOTHROW(ctx.check_cancelled());
  CHECK(SimpleContext().seed() == 1);
}

TEST_CASE("check_cancelled throws Cancelled once cancelled") {
  struct Stopped : SimpleContext {
    bool cancelled() const override { return true; }
  } ctx;
  CHECK_THROWS_AS(ctx.check_cancelled(), Cancelled);
}

// ---------------------------------------------------------------- the registry

TEST_CASE("the build's components are registered with their kinds") {
  const Registry& r = Registry::instance();
  struct Expected {
    const char* name;
    const char* kind;
  };
  for (auto [name, kind] : {Expected{"codec/dct", "codec"}, Expected{"dataset/mvn", "dataset"},
                            Expected{"metric/moments-error", "metric"}, Expected{"plot/line", "plot"},
                            Expected{"plot/scatter", "plot"}, Expected{"test/echo", "test"}}) {
    CAPTURE(name);
    const ComponentInfo* c = r.find(name);
    REQUIRE(c != nullptr);
    CHECK(c->name == name);
    CHECK(c->kind() == kind);
    CHECK_FALSE(c->version.empty());
    CHECK_FALSE(c->doc.empty());
    CHECK(static_cast<bool>(c->make));
    CHECK(c->make() != nullptr);
  }
  CHECK(r.find("codec/nope") == nullptr);
  CHECK(r.find("dct") == nullptr);
  CHECK(r.find("") == nullptr);
  auto names = r.names();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK(std::count(names.begin(), names.end(), "codec/dct") == 1);
  CHECK(std::count(names.begin(), names.end(), "test/echo") == 1);
  CHECK(names.size() >= 6);
}

TEST_CASE("ComponentInfo::find_param and find_input on built-in components") {
  const ComponentInfo* dct = Registry::instance().find("codec/dct");
  REQUIRE(dct != nullptr);
  const ParamSpec* energy = dct->find_param("energy");
  REQUIRE(energy != nullptr);
  CHECK(energy->type == ParamType::Double);
  REQUIRE(energy->default_value.has_value());
  CHECK(std::get<double>(*energy->default_value) == 0.9);
  CHECK(energy->min == 0.0);
  CHECK(energy->max == 1.0);
  const ParamSpec* values = dct->find_param("values");
  REQUIRE(values != nullptr);
  CHECK(values->choices == std::vector<std::string>{"float64", "float32"});
  CHECK(dct->find_param("nope") == nullptr);
  CHECK(dct->find_param("data") == nullptr);  // an input, not a parameter
  const InputSpec* data = dct->find_input("data");
  REQUIRE(data != nullptr);
  CHECK_FALSE(data->optional);
  CHECK(dct->find_input("energy") == nullptr);

  const ComponentInfo* mvn = Registry::instance().find("dataset/mvn");
  REQUIRE(mvn != nullptr);
  const ParamSpec* dim = mvn->find_param("dim");
  REQUIRE(dim != nullptr);
  CHECK(dim->type == ParamType::Int);
  CHECK(std::get<std::int64_t>(*dim->default_value) == 32);
  CHECK(mvn->inputs.empty());

  const ComponentInfo* line = Registry::instance().find("plot/line");
  REQUIRE(line != nullptr);
  REQUIRE(line->find_param("y") != nullptr);
  CHECK_FALSE(line->find_param("y")->default_value.has_value());  // required
  CHECK(line->find_input("table") != nullptr);
}

TEST_CASE("REPRISE_COMPONENT registers the schema in declaration order") {
  const ComponentInfo* echo = Registry::instance().find("test/echo");
  REQUIRE(echo != nullptr);
  CHECK(echo->version == "7");
  CHECK(echo->doc == "echoes its parameters and input (unit test only)");
  REQUIRE(echo->params.size() == 4);
  CHECK(echo->params[0].name == "x");
  CHECK(echo->params[1].name == "count");
  CHECK(echo->params[2].name == "flag");
  CHECK(echo->params[3].name == "label");
  CHECK(echo->params[0].min == -10.0);
  CHECK(echo->params[0].max == 10.0);
  CHECK(echo->params[1].min == 0.0);
  CHECK(echo->params[3].choices == std::vector<std::string>{"none", "some"});
  REQUIRE(echo->inputs.size() == 2);
  CHECK(echo->inputs[0].name == "data");
  CHECK_FALSE(echo->inputs[0].optional);
  CHECK(echo->inputs[1].name == "extra");
  CHECK(echo->inputs[1].optional);
  REQUIRE(echo->outputs.size() == 2);
  CHECK(echo->outputs[0].name == "values");
  CHECK(echo->outputs[1].name == "twice");
  CHECK(echo->find_input("extra") == &echo->inputs[1]);
  CHECK(echo->find_param("label") == &echo->params[3]);
}

TEST_CASE("a registered component runs through the registry") {
  const ComponentInfo* echo = Registry::instance().find("test/echo");
  REQUIRE(echo != nullptr);
  std::unique_ptr<Component> c = echo->make();
  REQUIRE(c != nullptr);

  Inputs in;
  Artifact data;
  data.set_array("values", Array::from<std::int32_t>({2, 2}, {1, 2, 3, 40}));
  in.set("data", std::make_shared<const Artifact>(data));
  Params p = echo->make_params({{"x", 2.5}, {"count", std::int64_t{4}}, {"flag", true}, {"label", std::string("some")}});
  SimpleContext ctx(42);
  Artifact out = c->run(in, p, ctx);
  CHECK(out.scalar("twice") == 5.0);
  CHECK(out.scalar("count") == 4.0);
  CHECK(out.scalar("flag") == 1.0);
  CHECK(out.string("label") == "some");
  CHECK(out.scalar("seed") == 42.0);
  CHECK(out.scalar("has_extra") == 0.0);
  CHECK(out.scalar("sum") == 46.0);
  CHECK(out.array("values") == data.array("values"));

  // Each make() builds a fresh instance; the optional input is seen when given.
  std::unique_ptr<Component> c2 = echo->make();
  CHECK(c2.get() != c.get());
  in.set("extra", std::make_shared<const Artifact>());
  CHECK(c2->run(in, p, ctx).scalar("has_extra") == 1.0);

  // Params always come complete and within the schema: defaults fill what is not
  // given, and a value outside it is refused before run() could see it.
  CHECK(c->run(in, echo->make_params({{"x", 1.0}}), ctx).scalar("count") == 3.0);
  CHECK_THROWS_AS(echo->make_params({{"x", 11.0}}), ParamError);
  CHECK_THROWS_AS(echo->make_params({{"label", std::string("many")}}), ParamError);
}

TEST_CASE("REPRISE_UNAVAILABLE_COMPONENT registers the schema, the reason, and a make() that throws it") {
  const ComponentInfo* c = Registry::instance().find("test/unavailable");
  REQUIRE(c != nullptr);
  CHECK_FALSE(c->available());
  CHECK(c->unavailable == "built without LIBFOO: install it and reconfigure with -DCMAKE_PREFIX_PATH=<prefix>");
  CHECK(c->version == "2");
  CHECK(c->doc == "needs a library (unit test only)");
  CHECK(c->kind() == "test");
  REQUIRE(c->params.size() == 1);
  CHECK(c->params[0].name == "bound");
  CHECK(c->params[0].min == 0.0);
  REQUIRE(c->find_input("data") != nullptr);
  REQUIRE(c->outputs.size() == 1);
  CHECK(c->outputs[0].name == "volume");
  REQUIRE(static_cast<bool>(c->make));
  try {
    c->make();
    FAIL("make() of an unavailable component must throw");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) ==
          "test/unavailable is not available in this build: built without LIBFOO: install it and reconfigure with "
          "-DCMAKE_PREFIX_PATH=<prefix>");
  }
  // Listed with the others.
  auto names = Registry::instance().names();
  CHECK(std::count(names.begin(), names.end(), "test/unavailable") == 1);
}

TEST_CASE("components registered with REPRISE_COMPONENT are available") {
  for (const char* name : {"codec/dct", "dataset/mvn", "plot/line", "test/echo", "codec/zfp"}) {
    CAPTURE(name);
    const ComponentInfo* c = Registry::instance().find(name);
    REQUIRE(c != nullptr);
    CHECK(c->available());
    CHECK(c->unavailable.empty());
  }
}

TEST_CASE("the optional codecs are registered whether or not their library was found") {
  struct Optional {
    const char* name;
    bool built;
    const char* library;
  };
#ifdef REPRISE_HAVE_SZ3
  constexpr bool have_sz3 = true;
#else
  constexpr bool have_sz3 = false;
#endif
#ifdef REPRISE_HAVE_MGARD
  constexpr bool have_mgard = true;
#else
  constexpr bool have_mgard = false;
#endif
  for (auto [name, built, library] : {Optional{"codec/sz3", have_sz3, "SZ3"}, Optional{"codec/mgard", have_mgard, "MGARD"}}) {
    CAPTURE(name);
    const ComponentInfo* c = Registry::instance().find(name);
    REQUIRE(c != nullptr);
    CHECK(c->available() == built);
    CHECK(c->find_input("data") != nullptr);  // the schema either way
    CHECK(c->find_param("mode") != nullptr);
    if (!built) {
      CHECK(c->unavailable.find(std::string("built without ") + library) == 0);
      CHECK(c->unavailable.find("-DCMAKE_PREFIX_PATH=") != std::string::npos);
      CHECK_THROWS_AS(c->make(), std::runtime_error);
    } else {
      CHECK(c->make() != nullptr);
    }
  }
}
