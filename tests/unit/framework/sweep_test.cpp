#include "framework/plan/sweep.hpp"

#include <doctest/doctest.h>

using namespace reprise;

namespace {
Axis axis(const std::string& name, std::vector<std::string> values) {
  Axis a;
  a.name = name;
  for (auto& v : values) a.values.push_back(SpecValue::make(SpecValue::Kind::Scalar, v, Loc{}));
  return a;
}
}  // namespace

TEST_CASE("no sweep is a single point with no axes") {
  Sweep s(std::vector<SweepGroup>{});
  CHECK(s.size() == 1);
  CHECK(s.axes().empty());
  CHECK(s.label(0).empty());
}

TEST_CASE("product groups vary like nested loops, first axis slowest; zip axes move together") {
  std::vector<SweepGroup> groups = {{false, {axis("a", {"1", "2"})}},
                                    {true, {axis("b", {"x", "y", "z"}), axis("c", {"7", "8", "9"})}}};
  Sweep s(groups);
  CHECK(s.size() == 6);
  CHECK(s.axes() == std::vector<std::string>{"a", "b", "c"});
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < s.size(); ++i) labels.push_back(s.label(i));
  CHECK(labels == std::vector<std::string>{"a=1 b=x c=7", "a=1 b=y c=8", "a=1 b=z c=9",
                                           "a=2 b=x c=7", "a=2 b=y c=8", "a=2 b=z c=9"});
  CHECK(s.value_indices(4) == std::vector<std::size_t>{1, 1, 1});
  CHECK(s.axis_index("c") == 2);
  CHECK(s.axis_index("nope") == static_cast<std::size_t>(-1));
}

TEST_CASE("a sweep past ten million points is refused") {
  std::vector<std::string> thousand(1000, "v");
  std::vector<SweepGroup> groups = {{false, {axis("a", thousand)}}, {false, {axis("b", thousand)}}, {false, {axis("c", thousand)}}};
  CHECK_THROWS_AS(Sweep{groups}, SpecError);
}
