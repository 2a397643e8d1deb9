#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>

#include "tests/unit/metrics/volume_metric_support.hpp"

using namespace reprise;
using reprise::test::run_metric;
using reprise::test::volume_artifact;

TEST_CASE("metric/mse: mean of squared differences, any dtype pair") {
  // Differences 1, -2, 0, 3: squares sum to 14 over 4 elements.
  const Artifact truth = volume_artifact({2, 2}, {1, 2, 3, 4});
  const Artifact test = volume_artifact({2, 2}, {0, 4, 3, 1});
  CHECK(run_metric("metric/mse", {{"truth", truth}, {"test", test}}).scalar("mse") == doctest::Approx(14.0 / 4));
  CHECK(run_metric("metric/mse", {{"truth", truth}, {"test", truth}}).scalar("mse") == 0);

  Artifact adc;  // uint16 truth against a float32 reconstruction
  adc.set_array("volume", Array::from<std::uint16_t>({2, 2}, {1, 2, 3, 4}));
  CHECK(run_metric("metric/mse", {{"truth", adc}, {"test", test}}).scalar("mse") == doctest::Approx(3.5));
}

TEST_CASE("metric/mse: nmse is 1 for the mean prediction and mse / variance otherwise") {
  const Artifact truth = volume_artifact({2, 2}, {1, 2, 3, 6});  // mean 3, variance (4 + 1 + 0 + 9) / 4
  const Artifact mean = volume_artifact({2, 2}, {3, 3, 3, 3});
  const Artifact out = run_metric("metric/mse", {{"truth", truth}, {"test", mean}});
  CHECK(out.scalar("truth_variance") == doctest::Approx(3.5));
  CHECK(out.scalar("nmse") == doctest::Approx(1.0));
  const Artifact test = volume_artifact({2, 2}, {0, 4, 3, 1});  // squared errors 1, 4, 0, 25
  CHECK(run_metric("metric/mse", {{"truth", truth}, {"test", test}}).scalar("nmse") == doctest::Approx(7.5 / 3.5));
  CHECK(std::isnan(run_metric("metric/mse", {{"truth", mean}, {"test", truth}}).scalar("nmse")));
}

TEST_CASE("metric/mse: key selects the array; shapes must match") {
  Artifact truth, test;
  truth.set_array("samples", Array::from<double>({3}, {0, 0, 0}));
  test.set_array("samples", Array::from<double>({3}, {1, 1, 4}));
  CHECK(run_metric("metric/mse", {{"truth", truth}, {"test", test}}, {{"key", std::string("samples")}})
            .scalar("mse") == doctest::Approx(6.0));
  CHECK_THROWS_WITH(run_metric("metric/mse", {{"truth", truth}, {"test", test}}),
                    doctest::Contains("input 'truth' has no array 'volume' (arrays: samples)"));
  CHECK_THROWS_WITH(run_metric("metric/mse", {{"truth", volume_artifact({2, 3}, {1, 2, 3, 4, 5, 6})},
                                              {"test", volume_artifact({3, 2}, {1, 2, 3, 4, 5, 6})}}),
                    doctest::Contains("'volume' of truth has shape {2, 3} but test has {3, 2}"));
}
