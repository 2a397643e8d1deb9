#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

template <class T>
std::shared_ptr<const Artifact> samples(std::size_t rows, std::size_t cols, const std::vector<T>& values) {
  Artifact a;
  a.set_array("samples", Array::from<T>({rows, cols}, values));
  return std::make_shared<const Artifact>(std::move(a));
}

Artifact compare(std::shared_ptr<const Artifact> truth, std::shared_ptr<const Artifact> sample) {
  Inputs in;
  in.set("truth", std::move(truth));
  in.set("sample", std::move(sample));
  return test::run_component("metric/moments-error", {}, in);
}

}  // namespace

TEST_CASE("metric/moments-error: schema has two inputs and no parameters") {
  const ComponentInfo* info = Registry::instance().find("metric/moments-error");
  REQUIRE(info != nullptr);
  CHECK(info->params.empty());
  CHECK(info->find_input("truth") != nullptr);
  CHECK(info->find_input("sample") != nullptr);
}

TEST_CASE("metric/moments-error: hand-computed example") {
  // truth rows (1,2), (3,4): E[x] = (2,3); E[x0^2] = 5, E[x0 x1] = 7, E[x1^2] = 10.
  // sample rows (0,0), (2,2) twice: E[x] = (1,1); every second moment is 2.
  // First differences 1, 2; second differences 3, 5, 8.
  const Artifact out = compare(samples<double>(2, 2, {1, 2, 3, 4}), samples<double>(4, 2, {0, 0, 2, 2, 0, 0, 2, 2}));
  CHECK(out.scalar("first_max_abs") == 2.0);
  CHECK(out.scalar("first_mean_abs") == 1.5);
  CHECK(out.scalar("second_max_abs") == 8.0);
  CHECK(out.scalar("second_mean_abs") == doctest::Approx(16.0 / 3.0));
  CHECK(out.scalar("max_abs") == 8.0);
  CHECK(out.scalar("mean_abs") == doctest::Approx(19.0 / 5.0));
}

TEST_CASE("metric/moments-error: sign of the difference does not matter") {
  const auto a = samples<double>(2, 2, {1, 2, 3, 4});
  const auto b = samples<double>(4, 2, {0, 0, 2, 2, 0, 0, 2, 2});
  CHECK(compare(a, b) == compare(b, a));
}

TEST_CASE("metric/moments-error: identical inputs give zero, whatever the dtype") {
  const std::vector<double> x = {0.5, -1.25, 3.0, 2.0, 7.5, -0.75};
  const Artifact same = compare(samples(3, 2, x), samples(3, 2, x));
  for (const char* key : {"max_abs", "mean_abs", "first_max_abs", "first_mean_abs", "second_max_abs",
                          "second_mean_abs"})
    CHECK(same.scalar(key) == 0.0);
  const std::vector<std::int32_t> ints = {1, 2, 3, 4, 5, 6};
  const Artifact mixed = compare(samples(2, 3, ints), samples<double>(2, 3, {1, 2, 3, 4, 5, 6}));
  CHECK(mixed.scalar("max_abs") == 0.0);
}

TEST_CASE("metric/moments-error: a dimension mismatch names both shapes") {
  CHECK_THROWS_WITH_AS(compare(samples<double>(2, 2, {1, 2, 3, 4}), samples<double>(2, 3, {1, 2, 3, 4, 5, 6})),
                       doctest::Contains("{2, 2}"), std::runtime_error);
  CHECK_THROWS_WITH_AS(compare(samples<double>(2, 2, {1, 2, 3, 4}), samples<double>(2, 3, {1, 2, 3, 4, 5, 6})),
                       doctest::Contains("{2, 3}"), std::runtime_error);
}
