#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/component_support.hpp"
#include "tests/unit/figures/figure_data.hpp"

using namespace reprise;
using reprise::test::contains;
using reprise::test::data_blocks;

namespace {

// What sampler/ttflow writes for four steps of a d = 3 flow.
Artifact ttflow_like() {
  Artifact a;
  a.set_array("times", Array::from<double>({5}, {0, 0.25, 0.5, 0.75, 1}));
  a.set_array("max_rank_history", Array::from<double>({4}, {1, 2, 3, 2}));
  a.set_array("ranks", Array::from<std::int64_t>({4, 4}, {1, 1, 1, 1,  //
                                                          1, 2, 1, 1,  //
                                                          1, 3, 2, 1,  //
                                                          1, 2, 2, 1}));
  return a;
}

Artifact draw(const Artifact& sampler, const std::map<std::string, ParamValue>& overrides = {}) {
  Inputs in;
  in.set("sampler", std::make_shared<const Artifact>(sampler));
  return test::run_component("figure/rank-history", overrides, in);
}

Artifact without(const Artifact& a, const std::string& key) {
  Artifact out;
  for (const auto& [k, v] : a.arrays())
    if (k != key) out.set_array(k, v);
  return out;
}

}  // namespace

TEST_CASE("figure/rank-history: the max rank at each step's end time, and each inner bond's rank") {
  const Artifact out = draw(ttflow_like(), {{"file", std::string("mw_ranks")}});
  CHECK(out.string("file") == "mw_ranks");
  const auto blocks = data_blocks(out.string("data"));
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0] == test::DataRows{{0.25, 1}, {0.5, 2}, {0.75, 3}, {1, 2}});
  // Bonds 1 and 2 (0 and 3 are the boundary ranks, always 1), one line each.
  CHECK(blocks[1] == test::DataRows{{0.25, 1, 1}, {0.5, 2, 1}, {0.75, 3, 1}, {1, 2, 1},  //
                                    {0.25, 1, 2}, {0.5, 1, 2}, {0.75, 2, 2}, {1, 2, 2}});
  const std::string& script = out.string("script");
  CHECK(contains(script, "if (!exists(\"base\")) base = \"mw_ranks\""));
  CHECK(contains(script, "plot base.\".dat\" index 1 using 1:2:3 with lines"));
  CHECK(contains(script, "base.\".dat\" index 0 using 1:2 with linespoints"));
  CHECK(contains(script, "set cbrange [0.5:2.5]"));
  CHECK(contains(script, "set xrange [0:1]"));
  CHECK(contains(script, "set yrange [0:4]"));  // one above the largest rank, 3
}

TEST_CASE("figure/rank-history: only the max rank without 'ranks', with bonds off, or with one inner bond") {
  Artifact d2 = ttflow_like();  // d = 2: bond 1 is the max rank
  d2.set_array("ranks", Array::from<std::int64_t>({4, 3}, {1, 1, 1, 1, 2, 1, 1, 3, 1, 1, 2, 1}));
  for (const Artifact& out : {draw(without(ttflow_like(), "ranks")), draw(ttflow_like(), {{"bonds", false}}), draw(d2)}) {
    CHECK(data_blocks(out.string("data")).size() == 1);
    CHECK_FALSE(contains(out.string("script"), "index 1"));
    CHECK(contains(out.string("script"), "plot base.\".dat\" index 0 using 1:2 with linespoints"));
  }
}

TEST_CASE("figure/rank-history: a real sampler/ttflow run") {
  Inputs in;
  in.set("target", std::make_shared<Artifact>(test::run_component(
                       "target/gmm", {{"dim", std::int64_t{3}}, {"means", std::vector<double>{1.0, -1.0, 0.5}},
                                      {"truth_samples", std::int64_t{10}}})));
  in.set("basis", std::make_shared<Artifact>(test::run_component("ttflow/basis", {{"degree", std::int64_t{2}}})));
  in.set("ftt", std::make_shared<Artifact>(test::run_component("ttflow/ftt", {{"rank", std::int64_t{2}}})));
  const Artifact flow = test::run_component(
      "sampler/ttflow", {{"particles", std::int64_t{60}}, {"steps", std::int64_t{3}}, {"langevin_steps", std::int64_t{0}}},
      in);
  const auto blocks = data_blocks(draw(flow).string("data"));
  REQUIRE(blocks.size() == 2);
  const std::vector<double> max_rank = flow.array("max_rank_history").to_double();
  const auto ranks = flow.array("ranks").view<std::int64_t>();
  REQUIRE(max_rank.size() == 3);
  REQUIRE(blocks[0].size() == 3);
  REQUIRE(blocks[1].size() == 6);  // d = 3: inner bonds 1 and 2, three steps each
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(blocks[0][k] == std::vector<double>{(k + 1) / 3.0, max_rank[k]});
    for (std::size_t b = 1; b <= 2; ++b)
      CHECK(blocks[1][3 * (b - 1) + k] == std::vector<double>{(k + 1) / 3.0, double(ranks[4 * k + b]), double(b)});
  }
}

TEST_CASE("figure/rank-history: errors say what the input lacks") {
  Artifact smc;  // what sampler/smc writes: samples and times, no ranks
  smc.set_array("samples", Array::from<double>({1, 2}, {0, 0}));
  smc.set_array("times", Array::from<double>({2}, {0, 1}));
  CHECK_THROWS_WITH(draw(smc), doctest::Contains("input 'sampler' has no rank history (no array 'max_rank_history'; "
                                                 "arrays: samples, times); feed it a sampler/ttflow node (sampler/smc "
                                                 "fits no tensor train)"));
  Artifact bad_times = ttflow_like();
  bad_times.set_array("times", Array::from<double>({4}, {0, 0.25, 0.5, 1}));
  CHECK_THROWS_WITH(draw(bad_times), doctest::Contains("'times' of input 'sampler' has shape {4}; expected {5}"));
  CHECK_THROWS_WITH(draw(without(ttflow_like(), "times")),
                    doctest::Contains("input 'sampler' has no array 'times' (arrays: max_rank_history, ranks)"));
  Artifact bad_ranks = ttflow_like();
  bad_ranks.set_array("ranks", Array::from<std::int64_t>({3, 4}, std::vector<std::int64_t>(12, 1)));
  CHECK_THROWS_WITH(draw(bad_ranks), doctest::Contains("'ranks' of input 'sampler' has shape {3, 4}; expected {4, 4}"));
  CHECK(draw(bad_ranks, {{"bonds", false}}).string("data").size() > 0);  // ranks unread when not drawn
  Artifact empty = ttflow_like();
  empty.set_array("max_rank_history", Array::from<double>({0}, std::vector<double>{}));
  CHECK_THROWS_WITH(draw(empty), doctest::Contains("'max_rank_history' of input 'sampler' is empty"));
  CHECK_THROWS_WITH(draw(ttflow_like(), {{"file", std::string("a/b")}}), doctest::Contains("file must be a plain base name"));
}
