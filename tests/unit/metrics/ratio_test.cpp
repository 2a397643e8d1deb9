#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/metrics/volume_metric_support.hpp"

using namespace reprise;
using reprise::test::run_metric;

TEST_CASE("metric/ratio: truth elements at `bits` bits over the codec's stored bytes") {
  Artifact truth;
  truth.set_array("volume", Array::from<std::uint16_t>({192, 249, 16}, std::vector<std::uint16_t>(192 * 249 * 16)));
  Artifact packed;
  packed.set_scalar("bytes", 38241);
  const Artifact m = run_metric("metric/ratio", {{"truth", truth}, {"packed", packed}});
  // 764928 elements * 2 bytes / 38241 bytes.
  CHECK(m.scalar("ratio") == doctest::Approx(764928.0 * 2 / 38241));
  CHECK(m.scalar("bits_per_value") == doctest::Approx(8.0 * 38241 / 764928));
  // At 10 bits per value the same stream is a smaller ratio.
  CHECK(run_metric("metric/ratio", {{"truth", truth}, {"packed", packed}}, {{"bits", std::int64_t{10}}})
            .scalar("ratio") == doctest::Approx(764928.0 * 10 / 8 / 38241));
}

TEST_CASE("metric/ratio: the packed input must say how many bytes it stores") {
  Artifact truth;
  truth.set_array("volume", Array::from<float>({4}, {1, 2, 3, 4}));
  Artifact not_a_codec;
  not_a_codec.set_scalar("mse", 1);
  CHECK_THROWS_WITH(run_metric("metric/ratio", {{"truth", truth}, {"packed", not_a_codec}}),
                    doctest::Contains("input 'packed' has no scalar 'bytes' (scalars: mse)"));
  Artifact zero;
  zero.set_scalar("bytes", 0);
  CHECK_THROWS_WITH(run_metric("metric/ratio", {{"truth", truth}, {"packed", zero}}),
                    doctest::Contains("expected > 0"));
}

TEST_CASE("metric/ratio: the schema refuses bits outside [1, 64] before the metric runs") {
  CHECK_THROWS_WITH_AS(test::default_params("metric/ratio", {{"bits", std::int64_t{0}}}),
                       "metric/ratio: parameter 'bits' must be in [1, 64], got 0", ParamError);
  CHECK_THROWS_AS(test::default_params("metric/ratio", {{"bits", std::int64_t{65}}}), ParamError);
  CHECK_THROWS_AS(test::default_params("metric/energy-distance", {{"max_samples", std::int64_t{-1}}}), ParamError);
}
