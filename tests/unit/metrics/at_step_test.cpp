#include <doctest/doctest.h>

#include <memory>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {
Artifact pick(std::int64_t step, const std::string& keys = "max_abs,mean_abs") {
  Artifact curve;
  curve.set_array("record_steps", Array::from<std::int64_t>({3}, {0, 5, 10}));
  curve.set_array("record_max_abs", Array::from<double>({3}, {0.9, 0.2, 0.04}));
  curve.set_array("record_mean_abs", Array::from<double>({3}, {0.3, 0.05, 0.01}));
  Inputs in;
  in.set("curve", std::make_shared<const Artifact>(curve));
  return test::run_component("metric/at-step", {{"step", step}, {"keys", keys}}, in);
}
}  // namespace

TEST_CASE("metric/at-step: reads every named curve at the recorded step") {
  Artifact r = pick(5);
  CHECK(r.scalar("max_abs") == 0.2);
  CHECK(r.scalar("mean_abs") == 0.05);
  CHECK(pick(10, "max_abs").scalars().size() == 1);
}

TEST_CASE("metric/at-step: an unrecorded step names the recorded ones") {
  CHECK_THROWS_WITH_AS(pick(7), doctest::Contains("step 7 was not recorded (recorded: 0, 5, 10)"), std::invalid_argument);
  CHECK_THROWS_AS(pick(5, "max_abs,nope"), std::runtime_error);
}
