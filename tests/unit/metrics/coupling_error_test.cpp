#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {
Artifact model(std::vector<double> j, std::vector<double> h) {
  Artifact a;
  std::size_t p = h.size();
  a.set_array("J", Array::from<double>({p, p}, j));
  a.set_array("h", Array::from<double>({p}, h));
  return a;
}

Artifact error(const Artifact& truth, const Artifact& learned) {
  Inputs in;
  in.set("truth", std::make_shared<const Artifact>(truth));
  in.set("model", std::make_shared<const Artifact>(learned));
  return test::run_component("metric/coupling-error", {}, in);
}
}  // namespace

TEST_CASE("metric/coupling-error: max and relative Frobenius error over pairs, and the fields") {
  Artifact truth = model({0, 0.5, 0, 0.5, 0, -0.3, 0, -0.3, 0}, {0.1, 0, 0});
  Artifact learned = model({0, 0.4, 0.1, 0.4, 0, -0.3, 0.1, -0.3, 0}, {0.1, 0.05, 0});
  Artifact r = error(truth, learned);
  CHECK(r.scalar("max_abs") == doctest::Approx(0.1));
  CHECK(r.scalar("relative_frobenius") == doctest::Approx(std::sqrt(0.02 / 0.34)));
  CHECK(r.scalar("h_max_abs") == doctest::Approx(0.05));
  CHECK(error(truth, truth).scalar("max_abs") == 0);
}

TEST_CASE("metric/coupling-error: mismatched sizes are an error") {
  CHECK_THROWS_AS(error(model({0, 1, 1, 0}, {0, 0}), model({0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 0})), std::runtime_error);
}
