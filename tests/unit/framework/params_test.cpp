// make_params: the one door from (schema, given values) to Params.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "framework/core/params.hpp"

using namespace reprise;

namespace {

std::vector<ParamSpec> schema() {
  return {param_double("energy", 0.9, "kept energy").greater_than(0).at_most(1),
          param_int("steps", 10, "sweeps").at_least(0),
          param_double("rate", 0.5, "a rate").greater_than(0).less_than(1),
          param_string("round", "none", "rounding").one_of({"none", "sign"}),
          param_doubles("record", {0.5}, "record points").range(0, 1),
          param_path("file", "a required file")};
}

Params make(std::map<std::string, ParamValue> given) {
  given.emplace("file", std::string("x.csv"));
  return make_params("test/c", schema(), std::move(given));
}

}  // namespace

TEST_CASE("make_params fills every default and keeps given values") {
  const Params p = make({{"steps", std::int64_t{3}}});
  CHECK(p.get_double("energy") == 0.9);
  CHECK(p.get_int("steps") == 3);
  CHECK(p.get_string("round") == "none");
  CHECK(p.get_doubles("record") == std::vector<double>{0.5});
  CHECK(p.get_string("file") == "x.csv");
  CHECK(p.values().size() == 6);
}

TEST_CASE("make_params widens integers given for doubles") {
  const Params p = make({{"energy", std::int64_t{1}}, {"record", std::vector<std::int64_t>{0, 1}}});
  CHECK(p.get_double("energy") == 1.0);
  CHECK(p.get_doubles("record") == std::vector<double>{0.0, 1.0});
}

TEST_CASE("inclusive bounds admit the bound, exclusive bounds refuse it") {
  CHECK_NOTHROW(make({{"energy", 1.0}}));          // ] inclusive
  CHECK_NOTHROW(make({{"steps", std::int64_t{0}}}));
  CHECK_THROWS_WITH_AS(make({{"energy", 0.0}}), "test/c: parameter 'energy' must be in (0, 1], got 0", ParamError);
  CHECK_THROWS_WITH_AS(make({{"rate", 1.0}}), "test/c: parameter 'rate' must be in (0, 1), got 1", ParamError);
  CHECK_THROWS_WITH_AS(make({{"steps", std::int64_t{-1}}}), "test/c: parameter 'steps' must be >= 0, got -1", ParamError);
  CHECK_NOTHROW(make({{"rate", 1e-300}}));
  CHECK_THROWS_AS(make({{"energy", std::nan("")}}), ParamError);
  CHECK_THROWS_WITH_AS(make({{"record", std::vector<double>{0.5, 2.0}}}),
                       "test/c: parameter 'record' must be in [0, 1], got 2 in [0.5, 2]", ParamError);
}

TEST_CASE("choices, unknown names, missing and mistyped values are refused with the reason") {
  CHECK_THROWS_WITH_AS(make({{"round", std::string("sgn")}}),
                       "test/c: parameter 'round' must be one of none, sign, got 'sgn'; did you mean 'sign'?", ParamError);
  CHECK_THROWS_WITH_AS(make({{"enrgy", 0.5}}), doctest::Contains("no parameter 'enrgy'; did you mean 'energy'?"), ParamError);
  CHECK_THROWS_WITH_AS(make_params("test/c", schema(), {}), doctest::Contains("parameter 'file' is required"), ParamError);
  CHECK_THROWS_WITH_AS(make({{"steps", 2.5}}), doctest::Contains("parameter 'steps' expects an integer"), ParamError);
  CHECK_THROWS_WITH_AS(make({{"round", true}}), doctest::Contains("parameter 'round' expects a string"), ParamError);
}

TEST_CASE("constraint_text says each kind of bound the way errors and describe show it") {
  const auto s = schema();
  CHECK(constraint_text(s[0]) == "in (0, 1]");
  CHECK(constraint_text(s[1]) == ">= 0");
  CHECK(constraint_text(s[2]) == "in (0, 1)");
  CHECK(constraint_text(s[3]) == "one of none, sign");
  CHECK(constraint_text(param_double("x", 1, "").greater_than(2)) == "> 2");
  CHECK(constraint_text(param_double("x", 1, "").less_than(2)) == "< 2");
  CHECK(constraint_text(param_double("x", 1, "").at_most(2)) == "<= 2");
  CHECK(constraint_text(param_double("x", 1, "")).empty());
}

TEST_CASE("param_violation accepts what make_params accepts") {
  const auto s = schema();
  CHECK(param_violation(s[0], 0.5, "0.5").empty());
  CHECK(param_violation(s[0], std::int64_t{1}, "1").empty());
  CHECK(param_violation(s[0], 1.5, "1.50") == "parameter 'energy' must be in (0, 1], got 1.50");
}
