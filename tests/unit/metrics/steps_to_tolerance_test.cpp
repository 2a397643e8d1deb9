#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {
Artifact reach(double tol, bool with_seconds = true, const std::string& key = "max_abs") {
  Artifact curve;
  curve.set_array("record_steps", Array::from<std::int64_t>({5}, {0, 1, 5, 10, 50}));
  curve.set_array("record_max_abs", Array::from<double>({5}, {0.9, 0.3, 0.06, 0.05, 0.01}));
  curve.set_array("record_mean_abs", Array::from<double>({5}, {0.2, 0.04, 0.01, 0.01, 0.002}));
  if (with_seconds) curve.set_array("record_seconds", Array::from<double>({5}, {0.0, 0.1, 0.5, 1.0, 5.0}));
  Inputs in;
  in.set("curve", std::make_shared<const Artifact>(curve));
  return test::run_component("metric/steps-to-tolerance", {{"tol", tol}, {"key", key}}, in);
}
}  // namespace

TEST_CASE("metric/steps-to-tolerance: the first recorded step strictly below the tolerance") {
  const Artifact a = reach(0.05);  // 0.05 itself is not below 0.05
  CHECK(a.scalar("reached") == 1.0);
  CHECK(a.scalar("steps") == 50.0);
  CHECK(a.scalar("seconds") == 5.0);
  CHECK(a.scalar("steps_capped") == 50.0);
  CHECK(reach(0.0500001).scalar("steps") == 10.0);
  CHECK(reach(1.0).scalar("steps") == 0.0);
  CHECK(reach(0.05, true, "mean_abs").scalar("steps") == 1.0);
  CHECK_FALSE(reach(0.5, false).scalars().count("seconds"));
}

TEST_CASE("metric/steps-to-tolerance: an unreached tolerance leaves steps out instead of inventing one") {
  const Artifact a = reach(0.001);
  CHECK(a.scalar("reached") == 0.0);
  CHECK_FALSE(a.scalars().count("steps"));
  CHECK(a.scalar("final") == 0.01);
  CHECK(a.scalar("last_step") == 50.0);
  CHECK(a.scalar("steps_capped") == 50.0);  // the censored point sits at the end of the range
  CHECK(reach(0.2).scalar("steps_capped") == 5.0);
  CHECK_THROWS_AS(reach(0.1, true, "nope"), std::runtime_error);
}
