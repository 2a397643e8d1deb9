#include <doctest/doctest.h>

#include <cmath>

#include "tests/unit/metrics/volume_metric_support.hpp"

using namespace reprise;
using reprise::test::run_metric;
using reprise::test::volume_artifact;

TEST_CASE("metric/psnr: 10 log10(peak² / mse), peak defaulting to the truth's range") {
  // Range 10 - 0 = 10; differences 1, 1, 1, 1: mse 1, psnr = 10 log10(100) = 20 dB.
  const Artifact truth = volume_artifact({4}, {0, 10, 5, 5});
  const Artifact test = volume_artifact({4}, {1, 9, 6, 4});
  CHECK(run_metric("metric/psnr", {{"truth", truth}, {"test", test}}).scalar("psnr") == doctest::Approx(20.0));
  // peak 1023 (a 10-bit ADC): 20 log10(1023) dB.
  CHECK(run_metric("metric/psnr", {{"truth", truth}, {"test", test}}, {{"peak", 1023.0}}).scalar("psnr") ==
        doctest::Approx(20 * std::log10(1023.0)));
  CHECK(std::isinf(run_metric("metric/psnr", {{"truth", truth}, {"test", truth}}).scalar("psnr")));
}

TEST_CASE("metric/psnr: a constant truth needs an explicit peak; shapes must match") {
  const Artifact flat = volume_artifact({3}, {2, 2, 2});
  const Artifact test = volume_artifact({3}, {2, 2, 3});
  CHECK_THROWS_WITH(run_metric("metric/psnr", {{"truth", flat}, {"test", test}}),
                    doctest::Contains("the truth is constant"));
  // mse 1/3, peak 3: 10 log10(27).
  CHECK(run_metric("metric/psnr", {{"truth", flat}, {"test", test}}, {{"peak", 3.0}}).scalar("psnr") ==
        doctest::Approx(10 * std::log10(27.0)));
  CHECK_THROWS_WITH(run_metric("metric/psnr", {{"truth", flat}, {"test", volume_artifact({1, 3}, {2, 2, 2})}}),
                    doctest::Contains("'volume' of truth has shape {3} but test has {1, 3}"));
}
