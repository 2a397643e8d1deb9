#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"
#include "tests/unit/figures/figure_data.hpp"

using namespace reprise;

namespace {

Artifact volume_of(std::vector<std::size_t> shape, const std::vector<float>& v) {
  Artifact a;
  a.set_array("volume", Array::from<float>(std::move(shape), v));
  return a;
}

Artifact draw(const Artifact& truth, const Artifact& test, const std::map<std::string, ParamValue>& overrides = {}) {
  Inputs in;
  in.set("truth", std::make_shared<const Artifact>(truth));
  in.set("test", std::make_shared<const Artifact>(test));
  return reprise::test::run_component("figure/slices", overrides, in);
}

using Matrix = reprise::test::DataRows;

int count_occurrences_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}


// {C, Z, R} volume with v(c, z, r) = 100 c + 10 z + r + offset.
std::vector<float> coded(std::size_t C, std::size_t Z, std::size_t R, float offset) {
  std::vector<float> v;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t z = 0; z < Z; ++z)
      for (std::size_t r = 0; r < R; ++r) v.push_back(float(100 * c + 10 * z + r) + offset);
  return v;
}

}  // namespace

TEST_CASE("figure/slices: per layer, the original, the reconstruction and |difference| as c x z matrices") {
  const Artifact truth = volume_of({3, 4, 5}, coded(3, 4, 5, 0));
  std::vector<float> recon = coded(3, 4, 5, 0);
  recon[(1 * 4 + 2) * 5 + 4] += 7;  // one voxel of layer 4 off by 7
  const Artifact out = draw(truth, volume_of({3, 4, 5}, recon), {{"layers", std::vector<std::int64_t>{0, 4}},
                                                                 {"file", std::string("sr")}});
  CHECK(out.string("file") == "sr");
  const auto blocks = reprise::test::data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 6);
  for (std::size_t k = 0; k < 2; ++k) {
    const std::size_t r = k == 0 ? 0 : 4;
    for (int panel = 0; panel < 3; ++panel) {
      const Matrix& m = blocks[3 * k + panel];
      REQUIRE(m.size() == 3);  // rows: c
      for (std::size_t c = 0; c < 3; ++c) {
        REQUIRE(m[c].size() == 4);  // columns: z
        for (std::size_t z = 0; z < 4; ++z) {
          const double t = 100.0 * c + 10.0 * z + r;
          const double x = recon[(c * 4 + z) * 5 + r];
          const double expected = panel == 0 ? t : panel == 1 ? x : std::abs(t - x);
          CHECK(m[c][z] == expected);
        }
      }
    }
  }
  const std::string& script = out.string("script");
  CHECK(script.find("if (!exists(\"base\")) base = \"sr\"") != std::string::npos);
  CHECK(script.find("set multiplot layout 2,3") != std::string::npos);
  CHECK(script.find("plot base.\".dat\" index 5 matrix with image") != std::string::npos);
  // Original and reconstruction share the original's colour range (0 .. v(2, 3, 4) = 234); the
  // difference has its own.
  CHECK(script.find("set cbrange [0:234]") != std::string::npos);
  CHECK(script.find("set cbrange [0:7]") != std::string::npos);
  CHECK(script.find("|difference|, r = 4, mean 0.583333") != std::string::npos);  // 7 / 12
}

TEST_CASE("figure/slices: the colour range is the original's, whatever the reconstruction overshoots") {
  const Artifact truth = volume_of({2, 2, 1}, {0, 0, 3, 10});
  const Artifact test = volume_of({2, 2, 1}, {-4, 0, 3, 25});
  const std::string script = draw(truth, test, {{"layers", std::vector<std::int64_t>{0}}}).string("script");
  CHECK(count_occurrences_of(script, "set cbrange [0:10]") == 2);
  CHECK(count_occurrences_of(script, "set cbrange [0:15]") == 1);
}

TEST_CASE("figure/slices: another axis, and one event of a stacked volume") {
  std::vector<float> two = coded(2, 3, 4, 0), second = coded(2, 3, 4, 1000);
  two.insert(two.end(), second.begin(), second.end());
  const Artifact stacked = volume_of({2, 2, 3, 4}, two);
  const Artifact out = draw(stacked, stacked, {{"layers", std::vector<std::int64_t>{2}}, {"axis", std::int64_t{1}},
                                               {"event", std::int64_t{1}}});
  const auto blocks = reprise::test::data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 3);
  // Slice z = 2 of event 1: rows c, columns r.
  REQUIRE(blocks[0].size() == 2);
  REQUIRE(blocks[0][0].size() == 4);
  CHECK(blocks[0][1][3] == 1000 + 100 + 20 + 3);
  CHECK(blocks[2][1][3] == 0);
  CHECK(out.string("script").find("set xlabel \"r\"") != std::string::npos);
}

TEST_CASE("figure/slices: errors name the shapes, layers and events") {
  const Artifact a = volume_of({2, 3, 4}, coded(2, 3, 4, 0));
  CHECK_THROWS_WITH(draw(a, volume_of({2, 3, 2}, coded(2, 3, 2, 0))),
                    doctest::Contains("'volume' of truth has shape {2, 3, 4} but test has {2, 3, 2}"));
  CHECK_THROWS_WITH(draw(a, a), doctest::Contains("layer 8 is outside axis 2 of 'volume' (shape {2, 3, 4}, indices 0..3)"));
  CHECK_THROWS_WITH(draw(a, a, {{"layers", std::vector<std::int64_t>{0}}, {"event", std::int64_t{1}}}),
                    doctest::Contains("holds one volume (event must be 0)"));
  const Artifact flat = volume_of({4, 3}, std::vector<float>(12, 1));
  CHECK_THROWS_WITH(draw(flat, flat), doctest::Contains("expected rank 3 ({c, z, r}) or 4 ({events, c, z, r})"));
  CHECK_THROWS_WITH(draw(a, a, {{"layers", std::vector<std::int64_t>{0}}, {"file", std::string("../x")}}),
                    doctest::Contains("file must be a plain base name"));
}

TEST_CASE("figure/slices: the schema refuses negative layers and events, and axes outside [-3, 2]") {
  CHECK_THROWS_WITH_AS(reprise::test::default_params("figure/slices", {{"layers", std::vector<std::int64_t>{0, -1}}}),
                       "figure/slices: parameter 'layers' must be >= 0, got -1 in [0, -1]", ParamError);
  CHECK_THROWS_AS(reprise::test::default_params("figure/slices", {{"event", std::int64_t{-1}}}), ParamError);
  CHECK_THROWS_AS(reprise::test::default_params("figure/slices", {{"axis", std::int64_t{3}}}), ParamError);
}
