#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "components/datasets/volume.hpp"
#include "framework/core/params.hpp"
#include "framework/core/registry.hpp"

using namespace reprise;

namespace {

Artifact downsample(const Artifact& data, std::vector<std::int64_t> factors) {
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  SimpleContext ctx;
  const ComponentInfo* info = Registry::instance().find("dataset/downsample");
  return info->make()->run(in, info->make_params({{"factors", factors}}), ctx);
}

// A {c, z, r} volume whose value encodes its index: v = 10000 c + 100 z + r.
template <class T>
Artifact coded_volume(std::size_t C, std::size_t Z, std::size_t R) {
  std::vector<T> v;
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t z = 0; z < Z; ++z)
      for (std::size_t r = 0; r < R; ++r) v.push_back(static_cast<T>(10000 * c + 100 * z + r));
  Artifact a;
  a.set_array("volume", Array::from<T>({C, Z, R}, v));
  return a;
}

}  // namespace

TEST_CASE("dataset/downsample: keeps every f-th sample from 0, ceil(n / f) per axis, same dtype") {
  const Artifact data = coded_volume<std::int32_t>(9, 7, 4);
  const Artifact out = downsample(data, {2, 3, 1});
  const Array& v = out.array("volume");
  CHECK(v.dtype() == DType::i32);
  REQUIRE(v.shape() == std::vector<std::size_t>{5, 3, 4});
  const auto got = v.view<std::int32_t>();
  std::size_t k = 0, wrong = 0;
  for (std::size_t c = 0; c < 5; ++c)
    for (std::size_t z = 0; z < 3; ++z)
      for (std::size_t r = 0; r < 4; ++r) wrong += got[k++] != std::int32_t(10000 * (2 * c) + 100 * (3 * z) + r);
  CHECK(wrong == 0);
  CHECK(out.scalar("scale") == 6);

  // uint16 ADC and float32 volumes keep their type and values too.
  const Artifact adc = downsample(coded_volume<std::uint16_t>(4, 4, 2), {2, 2, 2});
  CHECK(adc.array("volume").dtype() == DType::u16);
  CHECK(adc.array("volume").to_double() == std::vector<double>{0, 200, 20000, 20200});
  const Artifact f = downsample(coded_volume<float>(3, 1, 1), {2, 1, 1});
  CHECK(f.array("volume").view<float>()[1] == 20000.0f);
}

TEST_CASE("dataset/downsample: the paper's scales on the TPC grid") {
  Artifact tpc;
  tpc.set_array("volume", Array::from<std::uint16_t>({192, 249, 16}, std::vector<std::uint16_t>(192 * 249 * 16, 1)));
  CHECK(downsample(tpc, {2, 2, 1}).array("volume").shape() == std::vector<std::size_t>{96, 125, 16});
  CHECK(downsample(tpc, {2, 2, 2}).array("volume").shape() == std::vector<std::size_t>{96, 125, 8});
  CHECK(downsample(tpc, {4, 4, 1}).array("volume").shape() == std::vector<std::size_t>{48, 63, 16});
  CHECK(downsample(tpc, {4, 4, 1}).scalar("scale") == 16);
}

TEST_CASE("dataset/downsample: coarse sample j sits at the full-grid coordinate of index f * j") {
  const Artifact data = coded_volume<float>(192, 249, 16);
  const volume::GridFrame full = volume::frame_of(data, "data");
  const std::vector<std::int64_t> factors = {4, 2, 2};
  const Artifact out = downsample(data, factors);
  const volume::GridFrame coarse = volume::frame_of(out, "data");
  CHECK(coarse.step == std::vector<double>{4, 2, 2});
  CHECK(coarse.extent == std::vector<double>{192, 249, 16});
  CHECK(coarse.shape == std::vector<std::size_t>{48, 125, 8});
  for (std::size_t axis = 0; axis < 3; ++axis)
    for (std::size_t j = 0; j < coarse.shape[axis]; ++j)
      CHECK(coarse.coordinate(axis, j) == doctest::Approx(full.coordinate(axis, factors[axis] * j)).epsilon(1e-12));

  // Twice in a row composes: steps multiply, the extent stays the full grid's.
  const Artifact twice = downsample(out, {2, 1, 2});
  const volume::GridFrame f2 = volume::frame_of(twice, "data");
  CHECK(f2.step == std::vector<double>{8, 2, 4});
  CHECK(f2.extent == std::vector<double>{192, 249, 16});
  CHECK(f2.coordinate(0, 3) == doctest::Approx(full.coordinate(0, 24)));
  // Element (0, 2, 0) of twice (shape {24, 125, 4}) is (0, 2, 0) of out, (0, 4, 0) of data.
  CHECK(twice.array("volume").shape() == std::vector<std::size_t>{24, 125, 4});
  CHECK(twice.array("volume").to_double()[2 * 4] == 400);
}

TEST_CASE("dataset/downsample: one factor per axis, or an error naming the shape") {
  const Artifact data = coded_volume<float>(4, 4, 2);
  CHECK_THROWS_WITH_AS(downsample(data, {2, 2}),
                       doctest::Contains("factors [2, 2] has 2 entries but input 'data' has a "
                                         "volume of shape {4, 4, 2} (rank 3)"),
                       std::invalid_argument);
  Artifact empty;
  CHECK_THROWS_WITH(downsample(empty, {1}), doctest::Contains("input 'data' has no array 'volume'"));
  // Factors below 1 are refused by the schema, before the component runs.
  CHECK_THROWS_WITH_AS(downsample(data, {2, 0, 1}), doctest::Contains("must be >= 1, got 0 in [2, 0, 1]"),
                       ParamError);
}
