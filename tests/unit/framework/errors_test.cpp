// Unit tests for framework/errors: edit distance, did-you-mean, locations, SpecError.
#include "framework/core/errors.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace reprise;

TEST_CASE("edit_distance on classic pairs") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("sitting", "kitten") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("flaw", "lawn") == 2);
  CHECK(edit_distance("saturday", "sunday") == 3);
  CHECK(edit_distance("intention", "execution") == 5);
  CHECK(edit_distance("a", "b") == 1);
  CHECK(edit_distance("ab", "ba") == 2);  // no transpositions: two substitutions
  CHECK(edit_distance("abc", "xyz") == 3);
  CHECK(edit_distance("energy", "enrgy") == 1);     // deletion
  CHECK(edit_distance("energy", "energyy") == 1);   // insertion
  CHECK(edit_distance("Energy", "energy") == 1);    // case matters
}

TEST_CASE("did_you_mean suggests the nearest candidate within the limit") {
  const std::vector<std::string> params = {"dim", "samples", "condition", "structure", "mean"};
  CHECK(did_you_mean("dimm", params) == "; did you mean 'dim'?");
  CHECK(did_you_mean("sampels", params) == "; did you mean 'samples'?");
  CHECK(did_you_mean("conditon", params) == "; did you mean 'condition'?");
  CHECK(did_you_mean("structur", params) == "; did you mean 'structure'?");
  // Nearest wins over a farther candidate that is also within the limit.
  CHECK(did_you_mean("abcd", {"abxx", "abcx"}) == "; did you mean 'abcx'?");  // 2 vs 1
  CHECK(did_you_mean("abcd", {"abcx", "abxx"}) == "; did you mean 'abcx'?");
  // Exact match is distance 0 and is suggested (callers only ask for unknown words).
  CHECK(did_you_mean("mean", params) == "; did you mean 'mean'?");
}

TEST_CASE("did_you_mean proposes nothing for unrelated words") {
  const std::vector<std::string> params = {"dim", "samples", "condition", "structure", "mean"};
  CHECK(did_you_mean("zzzzzz", params) == "");
  CHECK(did_you_mean("bandwidth", params) == "");
  CHECK(did_you_mean("xyz", {"abc"}) == "");
  CHECK(did_you_mean("anything", {}) == "");
}

TEST_CASE("did_you_mean's limit is max(2, length / 3)") {
  // Short words: limit 2.
  CHECK(did_you_mean("abc", {"axx"}) == "; did you mean 'axx'?");   // distance 2
  CHECK(did_you_mean("abc", {"xxx"}) == "");                        // distance 3
  // 9 letters: limit 3.
  CHECK(did_you_mean("abcdefghi", {"abcdefxxx"}) == "; did you mean 'abcdefxxx'?");  // 3
  CHECK(did_you_mean("abcdefghi", {"abcdexxxx"}) == "");                             // 4
  // 12 letters: limit 4.
  CHECK(did_you_mean("abcdefghijkl", {"abcdefghxxxx"}) == "; did you mean 'abcdefghxxxx'?");  // 4
  CHECK(did_you_mean("abcdefghijkl", {"abcdefgxxxxx"}) == "");                                // 5
}

TEST_CASE("join_names") {
  CHECK(join_names({"a", "b", "c"}) == "a, b, c");
  CHECK(join_names({"only"}) == "only");
  CHECK(join_names({}) == "(none)");
}

TEST_CASE("Loc::str formats file:line:col") {
  CHECK(Loc{"spec.yaml", 3, 7}.str() == "spec.yaml:3:7");
  CHECK(Loc{"dir/spec.yaml", 12, 1}.str() == "dir/spec.yaml:12:1");
  CHECK(Loc{"", 3, 7}.str() == "<input>:3:7");
  CHECK(Loc{"spec.yaml", 0, 0}.str() == "spec.yaml");
  CHECK(Loc{"spec.yaml", 0, 5}.str() == "spec.yaml");
  CHECK(Loc{"spec.yaml", 5, 0}.str() == "spec.yaml:5:1");
  CHECK(Loc{}.str() == "<input>");
}

TEST_CASE("SpecError carries location and message") {
  SpecError e(Loc{"spec.yaml", 4, 9}, "unknown parameter 'dimm'; did you mean 'dim'?");
  CHECK(std::string(e.what()) == "spec.yaml:4:9: error: unknown parameter 'dimm'; did you mean 'dim'?");
  CHECK(e.message() == "unknown parameter 'dimm'; did you mean 'dim'?");
  CHECK(e.loc().file == "spec.yaml");
  CHECK(e.loc().line == 4);
  CHECK(e.loc().col == 9);
  CHECK_THROWS_AS(throw SpecError(Loc{}, "x"), std::runtime_error);
}
