#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {
Artifact spins(std::size_t rows, std::size_t cols, const std::vector<std::int8_t>& v) {
  Artifact a;
  a.set_array("samples", Array::from<std::int8_t>({rows, cols}, v));
  return a;
}

Artifact qoi(const Artifact& truth, const Artifact& sample) {
  Inputs in;
  in.set("truth", std::make_shared<const Artifact>(truth));
  in.set("sample", std::make_shared<const Artifact>(sample));
  return test::run_component("metric/qoi-error", {}, in);
}
}  // namespace

TEST_CASE("metric/qoi-error: zero on identical inputs, whatever the dtype") {
  Artifact t = spins(3, 3, {1, -1, 1, -1, -1, 1, 1, 1, 1});
  Artifact as_double;
  as_double.set_array("samples", Array::from<double>({3, 3}, {1, -1, 1, -1, -1, 1, 1, 1, 1}));
  Artifact r = qoi(t, as_double);
  CHECK(r.scalar("max_abs") == 0);
  CHECK(r.scalar("mean_abs") == 0);
  CHECK_FALSE(r.scalars().count("exact_max_abs"));
}

TEST_CASE("metric/qoi-error: hand-computed magnetisations and correlations, diagonal excluded") {
  // truth: <x1>=0, <x2>=0, <x1x2>=1 ; sample: <x1>=1, <x2>=0, <x1x2>=0
  Artifact truth = spins(2, 2, {1, 1, -1, -1});
  Artifact sample = spins(2, 2, {1, 1, 1, -1});
  Artifact r = qoi(truth, sample);
  CHECK(r.scalar("first_max_abs") == 1);
  CHECK(r.scalar("second_max_abs") == 1);
  CHECK(r.scalar("max_abs") == 1);
  CHECK(r.scalar("mean_abs") == doctest::Approx(2.0 / 3.0));  // |1| + |0| + |1| over 3 QoIs
}

TEST_CASE("metric/qoi-error: against exact model moments when the truth carries them") {
  Artifact truth = spins(2, 2, {1, 1, -1, -1});
  truth.set_array("exact_mean", Array::from<double>({2}, {0.5, 0.0}));
  truth.set_array("exact_correlation", Array::from<double>({2, 2}, {1.0, 0.25, 0.25, 1.0}));
  Artifact r = qoi(truth, spins(2, 2, {1, 1, -1, -1}));
  CHECK(r.scalar("max_abs") == 0);
  CHECK(r.scalar("exact_max_abs") == doctest::Approx(0.75));  // |1 - 0.25|
  CHECK(r.scalar("exact_mean_abs") == doctest::Approx((0.5 + 0 + 0.75) / 3));
}

TEST_CASE("metric/qoi-error: a different number of spins is an error") {
  CHECK_THROWS_WITH_AS(qoi(spins(1, 2, {1, 1}), spins(1, 3, {1, 1, 1})), doctest::Contains("same number of variables"),
                       std::runtime_error);
}
