#include <doctest/doctest.h>

#include "tests/unit/metrics/volume_metric_support.hpp"

using namespace reprise;
using reprise::test::run_metric;
using reprise::test::volume_artifact;

TEST_CASE("metric/l1: mean and largest absolute difference") {
  // |differences| 1, 2, 0, 3, 0.5, 0.5: sum 7 over 6, largest 3.
  const Artifact truth = volume_artifact({2, 3}, {1, 2, 3, 4, 5, 6});
  const Artifact test = volume_artifact({2, 3}, {0, 4, 3, 1, 5.5f, 5.5f});
  const Artifact m = run_metric("metric/l1", {{"truth", truth}, {"test", test}});
  CHECK(m.scalar("l1") == doctest::Approx(7.0 / 6));
  CHECK(m.scalar("max_abs") == 3);
  const Artifact same = run_metric("metric/l1", {{"truth", truth}, {"test", truth}});
  CHECK(same.scalar("l1") == 0);
  CHECK(same.scalar("max_abs") == 0);
  CHECK_THROWS_WITH(run_metric("metric/l1", {{"truth", truth}, {"test", volume_artifact({6}, {1, 2, 3, 4, 5, 6})}}),
                    doctest::Contains("'volume' of truth has shape {2, 3} but test has {6}"));
}
