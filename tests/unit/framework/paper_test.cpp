// Unit tests for framework/paper: the `paper:` block's checks and claim evaluation,
// against values worked out by hand on small tables.
#include "framework/report/claims.hpp"

#include <doctest/doctest.h>

#include <string>

#include "framework/spec/spec.hpp"

using namespace reprise;

namespace {

PaperBlock paper_of(const std::string& yaml) {
  auto block = read_paper(parse_yaml(yaml, "paper.yaml"));
  REQUIRE(block.has_value());
  return *block;
}

std::string error_of(const std::string& yaml) {
  try {
    read_paper(parse_yaml(yaml, "paper.yaml"));
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

// method, steps, err: flow errors 0.1 0.2 0.3 0.9 (steps 10 10 10 20), smc 0.4 0.6 (steps 10)
Table runs() {
  Table t;
  t.columns = {"method", "steps", "err"};
  t.rows = {{"flow", "10", "0.1"}, {"flow", "10", "0.2"}, {"flow", "10", "0.3"}, {"flow", "20", "0.9"},
            {"smc", "10", "0.4"},  {"smc", "10", "0.6"},  {"smc", "10", ""}};
  return t;
}

ClaimOutcome evaluate(const std::string& claim_yaml) {
  PaperBlock p = paper_of("paper:\n  title: t\n  claims:\n    - " + claim_yaml + "\n");
  REQUIRE(p.claims.size() == 1);
  return evaluate_claim(p.claims[0], runs());
}

}  // namespace

TEST_CASE("a spec without paper: has no block") { CHECK_FALSE(read_paper(parse_yaml("name: x\n", "s.yaml")).has_value()); }

TEST_CASE("the block's fields are read") {
  PaperBlock p = paper_of(
      "paper:\n  title: Fig. 2\n  source: seeds/000\n  quick: [sweep.a=1, nodes.n.k=2]\n  claims:\n"
      "    - {text: c, metric: err, where: {method: flow, steps: [10, 20], err: '< 0.5'}, reduce: max,\n"
      "       relative_to: {where: {method: smc}}, published: 0.5, expect: near, tolerance: 0.2}\n");
  CHECK(p.title == "Fig. 2");
  CHECK(p.source == "seeds/000");
  CHECK(p.quick == std::vector<std::string>{"sweep.a=1", "nodes.n.k=2"});
  const Claim& c = p.claims.at(0);
  CHECK(c.ours.metric == "err");
  CHECK(c.ours.reduce == Reduce::Max);
  REQUIRE(c.ours.where.size() == 3);
  CHECK(c.ours.where[1].values == std::vector<std::string>{"10", "20"});
  CHECK(c.ours.where[2].op == RowFilter::Op::Less);
  CHECK(c.ours.where[2].bound == 0.5);
  REQUIRE(c.relative_to.has_value());
  CHECK(c.relative_to->metric == "err");           // inherited
  CHECK(c.relative_to->reduce == Reduce::Max);      // inherited
  CHECK(c.relative_to->where.size() == 1);          // its own rows
  CHECK(c.expect == Expect::Near);
  CHECK(c.tolerance == 0.2);
}

TEST_CASE("median, mean, min and max over the selected rows") {
  CHECK(*evaluate("{text: c, metric: err, where: {method: flow}, published: 1, expect: below}").ours == doctest::Approx(0.25));
  CHECK(*evaluate("{text: c, metric: err, where: {method: flow}, reduce: mean, published: 1, expect: below}").ours ==
        doctest::Approx(0.375));
  CHECK(*evaluate("{text: c, metric: err, where: {method: flow}, reduce: min, published: 1, expect: below}").ours ==
        doctest::Approx(0.1));
  CHECK(*evaluate("{text: c, metric: err, where: {method: flow, steps: 10}, reduce: max, published: 1, expect: below}").ours ==
        doctest::Approx(0.3));
}

TEST_CASE("numeric cells match numerically and comparisons select rows") {
  CHECK(evaluate("{text: c, metric: err, where: {steps: 1e1}, reduce: max, published: 1, expect: below}").rows == 6);
  CHECK(*evaluate("{text: c, metric: err, where: {err: '>= 0.3'}, reduce: min, published: 1, expect: below}").ours ==
        doctest::Approx(0.3));
  CHECK(*evaluate("{text: c, metric: err, where: {method: '!= flow'}, reduce: max, published: 1, expect: below}").ours ==
        doctest::Approx(0.6));
}

TEST_CASE("a relative claim divides by the baseline's reduction") {
  // flow median 0.25 / smc median 0.5 (the empty smc cell is skipped)
  ClaimOutcome o = evaluate("{text: c, metric: err, where: {method: flow}, relative_to: {where: {method: smc}}, "
                            "published: 0.5, expect: near, tolerance: 0.01}");
  CHECK(*o.ours == doctest::Approx(0.5));
  CHECK(*o.ratio == doctest::Approx(1.0));
  CHECK(o.verdict == ClaimOutcome::Verdict::Reproduced);
}

TEST_CASE("relative_to with at: ours over the baseline's log-log frontier at each of our rows") {
  // Baseline (codec b) points (ratio, mse): (10, 100), (20, 400), (15, 500) is
  // beaten by (20, 400) so it is off the frontier, (40, 1600). Ours (codec a) at
  // ratio 20 (mse 200), 28.28 (mse 400) and 40 (mse 1600).
  Table t;
  t.columns = {"codec", "ratio", "mse"};
  t.rows = {{"b", "10", "100"}, {"b", "20", "400"}, {"b", "15", "500"}, {"b", "40", "1600"},
            {"a", "20", "200"}, {"a", "28.284271247461902", "400"}, {"a", "40", "1600"}};
  auto claim = [&](const std::string& reduce, const std::string& where) {
    PaperBlock p = paper_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: mse, where: {codec: a" + where +
                            "}, reduce: " + reduce + ", relative_to: {where: {codec: b}, at: ratio}, published: 1, "
                            "expect: below}\n");
    return evaluate_claim(p.claims[0], t);
  };
  // Frontier mse = ratio^2 between 10 and 40 (log-log line through (10,100),
  // (20,400), (40,1600)): at 28.28 it is 800. Ratios: 0.5, 0.5, 1.
  CHECK(*claim("max", "").ours == doctest::Approx(1.0));
  CHECK(*claim("min", "").ours == doctest::Approx(0.5));
  CHECK(claim("max", ", ratio: '< 30'").verdict == ClaimOutcome::Verdict::Reproduced);
  // Outside the baseline's range: no data, with the reason.
  t.rows.push_back({"a", "80", "10"});
  const ClaimOutcome outside = claim("max", "");
  CHECK(outside.verdict == ClaimOutcome::Verdict::NoData);
  CHECK(outside.note.find("outside the baseline's range") != std::string::npos);
}

TEST_CASE("verdicts: below, above and near hold or fail at their bounds") {
  using V = ClaimOutcome::Verdict;
  CHECK(evaluate("{text: c, metric: err, where: {method: smc}, reduce: min, published: 0.4, expect: below}").verdict == V::Reproduced);
  CHECK(evaluate("{text: c, metric: err, where: {method: smc}, reduce: min, published: 0.39, expect: below}").verdict ==
        V::NotReproduced);
  CHECK(evaluate("{text: c, metric: err, where: {method: smc}, reduce: max, published: 0.6, expect: above}").verdict == V::Reproduced);
  CHECK(evaluate("{text: c, metric: err, where: {method: smc}, reduce: max, published: 0.61, expect: above}").verdict ==
        V::NotReproduced);
  ClaimOutcome near = evaluate("{text: c, metric: err, where: {method: smc}, published: 0.4, expect: near, tolerance: 0.2}");
  CHECK(*near.ratio == doctest::Approx(1.25));
  CHECK(near.verdict == V::NotReproduced);
  CHECK(evaluate("{text: c, metric: err, where: {method: smc}, published: 0.4, expect: near, tolerance: 0.25}").verdict ==
        V::Reproduced);
}

TEST_CASE("missing columns and empty selections give no data with the reason") {
  ClaimOutcome o = evaluate("{text: c, metric: eror, published: 1, expect: below}");
  CHECK(o.verdict == ClaimOutcome::Verdict::NoData);
  CHECK(o.note.find("no column 'eror'") != std::string::npos);
  CHECK(o.note.find("did you mean 'err'") != std::string::npos);
  o = evaluate("{text: c, metric: err, where: {method: mcmc}, published: 1, expect: below}");
  CHECK(o.verdict == ClaimOutcome::Verdict::NoData);
  CHECK(o.note.find("no row matches") != std::string::npos);
  o = evaluate("{text: c, metric: err, where: {method: flow}, relative_to: {where: {method: mcmc}}, published: 1, expect: below}");
  CHECK(o.note.find("relative_to") != std::string::npos);
}

TEST_CASE("bad blocks are errors at their file:line:col") {
  CHECK(error_of("paper: {title: t, clams: []}\n").find("paper.yaml:1:19: error: paper: unknown key 'clams'") != std::string::npos);
  CHECK(error_of("paper: {title: t, clams: []}\n").find("did you mean 'claims'") != std::string::npos);
  CHECK(error_of("paper: {source: s}\n").find("missing 'title'") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: m, published: x, expect: below}\n")
            .find("paper.yaml:4:39: error: paper: claims[0]: published: expected a finite number") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: m, published: 1, expect: bellow}\n")
            .find("did you mean 'below'") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: m, published: 1, expect: below, reduce: avg}\n")
            .find("reduce: expected one of") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: m, where: {a: '< x'}, published: 1, expect: below}\n")
            .find("expected a number after '<'") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, published: 1, expect: below}\n").find("missing 'metric'") !=
        std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  claims:\n    - {text: c, metric: m, published: 0, expect: near}\n").find("non-zero") !=
        std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  quick: sweep.a=1\n").find("quick: expected a list") != std::string::npos);
  CHECK(error_of("paper:\n  title: t\n  quick: [sweep.a=1,2]\n").find("paper.yaml:3:21: error: paper: quick: '2' is not a key.path=value "
                                                                     "override; quote overrides that hold commas") != std::string::npos);
}
