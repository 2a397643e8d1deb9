#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "components/plots/gnuplot.hpp"
#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"
#include "tests/unit/figures/figure_data.hpp"

using namespace reprise;
using reprise::test::contains;
using reprise::test::data_blocks;
using reprise::test::samples_artifact;

namespace {

const double kStd = 0.5;

// Two equal modes at (-1, 0) and (1, 0), standard deviation 0.5.
Artifact two_mode_gmm() {
  return test::run_component("target/gmm", {{"means", std::vector<double>{-1, 0, 1, 0}},
                                            {"std", kStd},
                                            {"truth_samples", std::int64_t{50}}});
}

// The mixture's density, written out: what exp(-E) must be on the grid.
double two_mode_density(double x, double y) {
  const double norm = 1 / (2 * std::numbers::pi * kStd * kStd);
  double p = 0;
  for (double mx : {-1.0, 1.0}) p += 0.5 * norm * std::exp(-((x - mx) * (x - mx) + y * y) / (2 * kStd * kStd));
  return p;
}

Artifact draw(const Artifact& target, const Artifact& samples, const std::map<std::string, ParamValue>& overrides = {}) {
  return test::draw_over_target("figure/samples", target, samples, overrides);
}

// (0,0) (1,1) ... (5,5) and (-1,-1): three of the seven lie outside [-2, 2]².
const std::vector<double> kDiagonal = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, -1, -1};

}  // namespace

TEST_CASE("figure/samples: exp(-E) of a 2-D gmm on the grid, and every sample in the box count") {
  const Artifact out = draw(two_mode_gmm(), samples_artifact({7, 2}, kDiagonal),
                            {{"range", std::vector<double>{-2, 2}}, {"grid", std::int64_t{5}}, {"file", std::string("gm")}});
  CHECK(out.string("file") == "gm");
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 2);
  // Grid rows in scan order: x outer, y inner, both -2, -1, 0, 1, 2.
  REQUIRE(blocks[0].size() == 25);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 5; ++j) {
      const auto& row = blocks[0][5 * i + j];
      REQUIRE(row.size() == 3);
      CHECK(row[0] == -2.0 + i);
      CHECK(row[1] == -2.0 + j);
      CHECK(row[2] == doctest::Approx(two_mode_density(row[0], row[1])).epsilon(1e-12));
    }
  REQUIRE(blocks[1].size() == 7);
  for (std::size_t k = 0; k < 7; ++k) {
    CHECK(blocks[1][k][0] == kDiagonal[2 * k]);
    CHECK(blocks[1][k][1] == kDiagonal[2 * k + 1]);
  }
  const std::string& script = out.string("script");
  CHECK(contains(script, "if (!exists(\"base\")) base = \"gm\""));
  CHECK(contains(script, "set output base.\".png\""));
  CHECK(contains(script, "splot base.\".dat\" index 0 using 1:2:3"));  // the contours
  CHECK(contains(script, "plot base.\".dat\" index 0 using 1:2:3 with image"));
  CHECK(contains(script, "base.\".dat\" index 1 using 1:2 with points"));
  CHECK(contains(script, "samples (7 of 7 drawn, 3 outside the box)"));
  CHECK(contains(script, "set xrange [-2:2]"));
  // The colour range tops out at the grid's peak, exp(-E) at a mode.
  double peak = 0;
  for (const auto& row : blocks[0]) peak = std::max(peak, row[2]);
  CHECK(peak == doctest::Approx(two_mode_density(-1, 0)).epsilon(1e-12));
  CHECK(contains(script, "set cbrange [0:" + gnuplot::number_text(peak) + "]"));
}

TEST_CASE("figure/samples: max_points strides evenly, dims swap the axes") {
  const Artifact out = draw(two_mode_gmm(), samples_artifact({7, 2}, kDiagonal),
                            {{"range", std::vector<double>{-2, 2}}, {"grid", std::int64_t{3}},
                             {"max_points", std::int64_t{3}}, {"dims", std::vector<std::int64_t>{1, 0}}});
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 2);
  REQUIRE(blocks[1].size() == 3);  // rows 0, 2, 4 of 7
  CHECK(blocks[1][1] == std::vector<double>{2, 2});
  CHECK(blocks[1][2] == std::vector<double>{4, 4});
  CHECK(contains(out.string("script"), "samples (3 of 7 drawn, 1 outside the box)"));
  // The x axis is coordinate 1: the grid point (x, y) = (0, -2) is the state (-2, 0).
  REQUIRE(blocks[0].size() == 9);
  CHECK(blocks[0][3] == std::vector<double>{0, -2, blocks[0][3][2]});
  CHECK(blocks[0][3][2] == doctest::Approx(two_mode_density(-2, 0)).epsilon(1e-12));
  CHECK(contains(out.string("script"), "set xlabel \"x_1\""));
}

TEST_CASE("figure/samples: exp(-E) of the unnormalised 2-D many-well") {
  const Artifact mw = test::run_component("target/many-well", {{"dim", std::int64_t{2}}, {"truth_samples", std::int64_t{20}}});
  const Artifact out = draw(mw, mw, {{"range", std::vector<double>{-1, 1}}, {"grid", std::int64_t{3}}});
  const auto grid = data_blocks(out.string("data"))[0];
  REQUIRE(grid.size() == 9);
  // E = x⁴ - 6x² - x/2 + y²/2 with the defaults a = -0.5, b = -6, c = 1.
  CHECK(grid[6][2] == doctest::Approx(std::exp(5.0)).epsilon(1e-12));  // (1, -1): E = -5.5 + 0.5
  CHECK(grid[6][1] == -1);
  CHECK(grid[7][2] == doctest::Approx(std::exp(5.5)).epsilon(1e-12));  // (1, 0)
  CHECK(grid[1][2] == doctest::Approx(std::exp(4.5)).epsilon(1e-12));  // (-1, 0): E = -4.5
}

TEST_CASE("figure/samples: the default box is the exact samples' extent plus 10%") {
  const Artifact gmm = two_mode_gmm();
  const std::vector<double> truth = gmm.array("samples").to_double();
  double lo = truth[1], hi = truth[1];  // coordinate 1, the y axis
  for (std::size_t i = 0; i < truth.size() / 2; ++i) lo = std::min(lo, truth[2 * i + 1]), hi = std::max(hi, truth[2 * i + 1]);
  const Artifact out = draw(gmm, samples_artifact({1, 2}, {0, 0}), {{"grid", std::int64_t{4}}});
  const double margin = 0.1 * (hi - lo);
  CHECK(contains(out.string("script"),
                 "set yrange [" + gnuplot::number_text(lo - margin) + ":" + gnuplot::number_text(hi + margin) + "]"));
  CHECK(data_blocks(out.string("data"))[0].front()[1] == lo - margin);
}

TEST_CASE("figure/samples: for d > 2, the chosen coordinates over the exact samples, no density, said in the title") {
  const Artifact gmm3 = test::run_component("target/gmm", {{"dim", std::int64_t{3}},
                                                           {"means", std::vector<double>{0, 0, 0, 2, 2, 2}},
                                                           {"truth_samples", std::int64_t{40}}});
  const Artifact out = draw(gmm3, gmm3, {{"dims", std::vector<std::int64_t>{0, 2}}, {"max_points", std::int64_t{30}}});
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].size() == 30);
  REQUIRE(blocks[1].size() == 30);
  const std::vector<double> x = gmm3.array("samples").to_double();
  CHECK(blocks[1][1] == std::vector<double>{x[1 * 3 + 0], x[1 * 3 + 2]});  // row 1 * 40 / 30 = 1
  CHECK(blocks[1][29] == std::vector<double>{x[38 * 3 + 0], x[38 * 3 + 2]});  // row 29 * 40 / 30 = 38
  const std::string& script = out.string("script");
  CHECK_FALSE(contains(script, "with image"));
  CHECK_FALSE(contains(script, "splot"));
  CHECK(contains(script, "(d = 3: coordinates 0 and 2 only; no density shown, grey: the target's exact samples)"));
  CHECK(contains(script, "set ylabel \"x_2\""));
}

TEST_CASE("figure/samples: errors name the input, the shapes and the dims") {
  const Artifact gmm = two_mode_gmm();
  const Artifact ok = samples_artifact({2, 2}, {0, 0, 1, 1});
  CHECK_THROWS_WITH(draw(gmm, samples_artifact({2, 3}, {0, 0, 0, 1, 1, 1})),
                    doctest::Contains("'samples' of input 'samples' has shape {2, 3}; expected {n, 2}, the target's "
                                      "dimension d = 2"));
  CHECK_THROWS_WITH(draw(gmm, samples_artifact({0, 2}, {})), doctest::Contains("has no rows; nothing to draw"));
  Artifact no_samples;
  no_samples.set_array("x", Array::from<double>({1}, {0.0}));
  CHECK_THROWS_WITH(draw(gmm, no_samples),
                    doctest::Contains("input 'samples' has no array 'samples' (arrays: x)"));
  CHECK_THROWS_WITH(draw(no_samples, ok), doctest::Contains("input 'target': the input is not a target"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"dims", std::vector<std::int64_t>{0, 2}}}),
                    doctest::Contains("dims [0, 2]: coordinate 2 is out of range for the target's d = 2 (indices 0..1)"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"dims", std::vector<std::int64_t>{1, 1}}}),
                    doctest::Contains("names coordinate 1 twice"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"dims", std::vector<std::int64_t>{0}}}),
                    doctest::Contains("dims must list two coordinate indices, e.g. [0, 1]; got [0]"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"range", std::vector<double>{1, 0}}}),
                    doctest::Contains("range must be [lo, hi] with finite lo < hi"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"range", std::vector<double>{-1, 0, 1}}}), doctest::Contains("got [-1, 0, 1]"));
  CHECK_THROWS_WITH(draw(gmm, ok, {{"file", std::string("../x")}}), doctest::Contains("file must be a plain base name"));
  const Artifact gmm1 = test::run_component("target/gmm", {{"dim", std::int64_t{1}}, {"means", std::vector<double>{0}}});
  CHECK_THROWS_WITH(draw(gmm1, samples_artifact({1, 1}, {0})),
                    doctest::Contains("the target has d = 1; a scatter plot needs two coordinates"));
}

TEST_CASE("figure/samples: the schema refuses negative coordinates and a grid below 2 before drawing") {
  CHECK_THROWS_WITH_AS(test::default_params("figure/samples", {{"dims", std::vector<std::int64_t>{-1, 0}}}),
                       "figure/samples: parameter 'dims' must be >= 0, got -1 in [-1, 0]", ParamError);
  CHECK_THROWS_AS(test::default_params("figure/samples", {{"grid", std::int64_t{1}}}), ParamError);
  CHECK_THROWS_AS(test::default_params("figure/samples", {{"max_points", std::int64_t{0}}}), ParamError);
}
