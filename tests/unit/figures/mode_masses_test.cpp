#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"
#include "tests/unit/figures/figure_data.hpp"

using namespace reprise;
using reprise::test::contains;
using reprise::test::data_blocks;
using reprise::test::samples_artifact;

namespace {

// Three equal, well separated modes: (-4, 0), (4, 0) and (0, 6).
Artifact three_mode_gmm() {
  return test::run_component("target/gmm", {{"means", std::vector<double>{-4, 0, 4, 0, 0, 6}},
                                            {"std", 0.5},
                                            {"truth_samples", std::int64_t{30}}});
}

Artifact draw(const Artifact& target, const Artifact& samples, const std::map<std::string, ParamValue>& overrides = {}) {
  return test::draw_over_target("figure/mode-masses", target, samples, overrides);
}

}  // namespace

TEST_CASE("figure/mode-masses: fractions, ratios and missed modes counted by hand") {
  // Six rows in the left mode, two in the right one, none near (0, 6).
  const Artifact out = draw(three_mode_gmm(),
                            samples_artifact({8, 2}, {-4, 0, -4.2, 0.1, -3.9, -0.3, -4, 0.4, -4.5, 0, -3.6, 0.2, 4, 0, 4.1, -0.2}),
                            {{"file", std::string("mm")}});
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 2);
  REQUIRE(blocks[0].size() == 2);
  // Left: 6/8 = 0.75 against 1/3, log2(2.25) = 1.17 clipped to 1.
  CHECK(blocks[0][0][0] == -4);
  CHECK(blocks[0][0][1] == 0);
  CHECK(blocks[0][0][2] == doctest::Approx(1.0 / 3).epsilon(1e-12));
  CHECK(blocks[0][0][3] == doctest::Approx(0.75).epsilon(1e-12));
  CHECK(blocks[0][0][4] == 1);
  // Right: 2/8 = 0.25, log2(0.75) = -0.415, inside the colour range.
  CHECK(blocks[0][1][3] == doctest::Approx(0.25).epsilon(1e-12));
  CHECK(blocks[0][1][4] == doctest::Approx(std::log2(0.75)).epsilon(1e-12));
  // The top mode is missed.
  REQUIRE(blocks[1].size() == 1);
  CHECK(blocks[1][0][0] == 0);
  CHECK(blocks[1][0][1] == 6);
  CHECK(blocks[1][0][2] == doctest::Approx(1.0 / 3).epsilon(1e-12));
  // TV = ½ (5/12 + 1/12 + 1/3) = 5/12, as metric/mode-weights computes it.
  CHECK(out.scalar("total_variation") == doctest::Approx(5.0 / 12).epsilon(1e-12));
  CHECK(out.scalar("modes_missed") == 1);
  const std::string& script = out.string("script");
  CHECK(contains(script, "if (!exists(\"base\")) base = \"mm\""));
  CHECK(contains(script, "2 of 3 modes reached)"));  // no non-finite rows to mention
  CHECK(contains(script, "index 1 using 1:2 with points pt 2"));  // the crosses
  CHECK(contains(script, "sprintf(\"%.2f\", $4 / $3)"));          // the ratio labels
}

TEST_CASE("figure/mode-masses: agrees with metric/mode-weights on exact samples, nothing missed") {
  const Artifact gmm = three_mode_gmm();
  const Artifact out = draw(gmm, gmm, {{"dims", std::vector<std::int64_t>{1, 0}}});
  Inputs in;
  in.set("target", std::make_shared<const Artifact>(gmm));
  in.set("sample", std::make_shared<const Artifact>(gmm));
  const Artifact metric = test::run_component("metric/mode-weights", {}, in);
  CHECK(out.scalar("total_variation") == doctest::Approx(metric.scalar("total_variation")).epsilon(1e-12));
  CHECK(out.scalar("modes_missed") == 0);
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 1);  // index 1 holds only "# none"
  REQUIRE(blocks[0].size() == 3);
  CHECK(blocks[0][2][0] == 6);  // dims [1, 0]: the top mode's y is drawn on x
  CHECK(blocks[0][2][1] == 0);
  CHECK(contains(out.string("data"), "# none"));
  CHECK_FALSE(contains(out.string("script"), "missed"));
  CHECK(contains(out.string("script"), "set xlabel \"x_1\""));
}

TEST_CASE("figure/mode-masses: errors name the target family, the shapes and the dims") {
  const Artifact gmm = three_mode_gmm();
  const Artifact ok = samples_artifact({1, 2}, {0, 0});
  const Artifact mw = test::run_component("target/many-well", {{"dim", std::int64_t{2}}, {"truth_samples", std::int64_t{5}}});
  CHECK_THROWS_WITH(draw(mw, mw), doctest::Contains("is a many-well target; figure/mode-masses draws the modes of a "
                                                    "target/gmm"));
  CHECK_THROWS_WITH(draw(gmm, samples_artifact({1, 3}, {0, 0, 0})),
                    doctest::Contains("has shape {1, 3}; expected {n, 2}"));
  CHECK_THROWS_WITH(draw(gmm, samples_artifact({0, 2}, {})), doctest::Contains("has no rows"));
  CHECK_THROWS_WITH(draw(gmm, samples_artifact({1, 2}, {NAN, 0})), doctest::Contains("no row of input 'samples' is finite"));
  const Artifact gmm1 = test::run_component("target/gmm", {{"dim", std::int64_t{1}}, {"means", std::vector<double>{0, 3}}});
  CHECK_THROWS_WITH(draw(gmm1, samples_artifact({1, 1}, {0})), doctest::Contains("the target has d = 1; a map of its modes needs two"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"dims", std::vector<std::int64_t>{0, 2}}}),
                    doctest::Contains("coordinate 2 is out of range for the target's d = 2"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"dims", std::vector<std::int64_t>{0, 0}}}), doctest::Contains("twice"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"file", std::string("a/b")}}), doctest::Contains("file must be a plain base name"));
}

TEST_CASE("figure/mode-masses: a non-finite row is in no mode, counts in n and is named in the title") {
  const Artifact out = draw(three_mode_gmm(), samples_artifact({4, 2}, {-4, 0, 4, 0, 0, 6, NAN, 1}));
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 1);
  for (const auto& row : blocks[0]) CHECK(row[3] == 0.25);  // 1 of 4 rows each
  CHECK(out.scalar("total_variation") == doctest::Approx(0.5 * 3 * (1.0 / 3 - 0.25)).epsilon(1e-12));
  CHECK(contains(out.string("script"), "3 of 3 modes reached; non-finite rows, in no mode: 1)"));
  CHECK(contains(out.string("data"), "4 sample rows, 1 of them non-finite (in no mode)"));
}
