// Unit tests for framework/artifact: Array, Artifact, checksums and the HDF5 file mapping.
#include "framework/core/artifact.hpp"

#include <doctest/doctest.h>

#include "tests/unit/framework/test_support.hpp"

#include <stdlib.h>
#include <sys/resource.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace reprise;
namespace fs = std::filesystem;

namespace {

using reprise::test::TempDir;

// Runs f, expects it to throw E, returns the message (empty when nothing was thrown).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// Deterministic values of type T for n elements: a mix of signs and magnitudes
// that are exact in every type used (so they compare bit for bit after a round trip).
template <class T>
std::vector<T> sample_values(std::size_t n) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    long long x = static_cast<long long>(i * 37 % 101);
    if constexpr (std::is_signed_v<T>) x -= 50;
    if constexpr (std::is_floating_point_v<T>) v[i] = static_cast<T>(x) / T(4);
    else v[i] = static_cast<T>(x);
  }
  return v;
}

std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

template <class T>
Array sample_array(const std::vector<std::size_t>& shape) {
  return Array::from<T>(shape, sample_values<T>(product(shape)));
}

}  // namespace

// ---------------------------------------------------------------------------- Array

TEST_CASE("dtype names and sizes") {
  CHECK(std::string(dtype_name(DType::f32)) == "float32");
  CHECK(std::string(dtype_name(DType::f64)) == "float64");
  CHECK(std::string(dtype_name(DType::i8)) == "int8");
  CHECK(std::string(dtype_name(DType::i32)) == "int32");
  CHECK(std::string(dtype_name(DType::i64)) == "int64");
  CHECK(std::string(dtype_name(DType::u16)) == "uint16");
  CHECK(dtype_size(DType::f32) == 4);
  CHECK(dtype_size(DType::f64) == 8);
  CHECK(dtype_size(DType::i8) == 1);
  CHECK(dtype_size(DType::i32) == 4);
  CHECK(dtype_size(DType::i64) == 8);
  CHECK(dtype_size(DType::u16) == 2);
}

TEST_CASE("Array construction checks the byte count against shape and dtype") {
  // {2,3} float32 needs 24 bytes.
  CHECK_NOTHROW(Array(DType::f32, {2, 3}, std::vector<std::byte>(24)));
  CHECK_THROWS_AS(Array(DType::f32, {2, 3}, std::vector<std::byte>(23)), std::invalid_argument);
  CHECK_THROWS_AS(Array(DType::f32, {2, 3}, std::vector<std::byte>(25)), std::invalid_argument);
  CHECK_THROWS_AS(Array(DType::f64, {2, 3}, std::vector<std::byte>(24)), std::invalid_argument);
  // Rank 0 holds exactly one element.
  CHECK_NOTHROW(Array(DType::i64, {}, std::vector<std::byte>(8)));
  CHECK_THROWS_AS(Array(DType::i64, {}, std::vector<std::byte>(0)), std::invalid_argument);
  // A zero extent holds nothing.
  CHECK_NOTHROW(Array(DType::u16, {4, 0}, {}));
  CHECK_THROWS_AS(Array(DType::u16, {4, 0}, std::vector<std::byte>(2)), std::invalid_argument);

  std::string msg = message_of<std::invalid_argument>([] { Array(DType::f32, {2, 3}, std::vector<std::byte>(7)); });
  CHECK(contains(msg, "24"));
  CHECK(contains(msg, "7"));
  CHECK(contains(msg, "float32"));
}

#if defined(__GLIBC__)
TEST_CASE("a freed array's memory serves the next array of its size without page faults") {
  // Without the allocator settings of artifact.cpp glibc unmaps every block of
  // more than 32 MiB on free: each of these arrays would then take ~12 000 page
  // faults (4 KiB pages) to be zero-filled by the kernel again.
  auto minor_faults = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
  };
  constexpr std::size_t kBytes = std::size_t{48} << 20;
  long faults = 0;
  for (int round = 0; round < 2; ++round) {
    const long before = minor_faults();
    {
      const Array a(DType::u8, {kBytes}, std::vector<std::byte>(kBytes));  // zero-filled: every page touched
      CHECK(a.bytes()[kBytes - 1] == std::byte{0});
    }
    faults = minor_faults() - before;
  }
  CHECK(faults < 100);
}
#endif

TEST_CASE("Array from ArrayBytes keeps what the producer wrote and checks the size") {
  ArrayBytes bytes(3 * sizeof(double));
  const double values[3] = {1.5, -2.0, 7.25};
  std::memcpy(bytes.data(), values, sizeof(values));
  const Array a(DType::f64, {3}, std::move(bytes));
  CHECK(a.to_double() == std::vector<double>{1.5, -2.0, 7.25});
  CHECK(a == Array::from<double>({3}, {1.5, -2.0, 7.25}));
  CHECK_THROWS_AS(Array(DType::f64, {4}, ArrayBytes(3 * sizeof(double))), std::invalid_argument);
}

TEST_CASE("Array::from keeps shape, size, rank and bytes") {
  Array a = Array::from<std::int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(a.dtype() == DType::i32);
  CHECK(a.shape() == std::vector<std::size_t>{2, 3});
  CHECK(a.size() == 6);
  CHECK(a.rank() == 2);
  CHECK(a.bytes().size() == 24);
  auto v = a.view<std::int32_t>();
  REQUIRE(v.size() == 6);
  for (int i = 0; i < 6; ++i) CHECK(v[static_cast<std::size_t>(i)] == i + 1);
  CHECK_THROWS_AS(Array::from<double>({2, 2}, {1.0, 2.0, 3.0}), std::invalid_argument);
}

TEST_CASE("Array::view with the wrong type throws") {
  Array a = Array::from<float>({2}, {1.0f, 2.0f});
  CHECK_NOTHROW(a.view<float>());
  CHECK_THROWS_AS(a.view<double>(), std::runtime_error);
  CHECK_THROWS_AS(a.view<std::int32_t>(), std::runtime_error);  // same size, other type
  CHECK_THROWS_AS(a.view<std::int8_t>(), std::runtime_error);
  CHECK_THROWS_AS(a.view<std::int64_t>(), std::runtime_error);
  CHECK_THROWS_AS(a.view<std::uint16_t>(), std::runtime_error);
  std::string msg = message_of<std::runtime_error>([&] { a.view<double>(); });
  CHECK(contains(msg, "float32"));
  CHECK(contains(msg, "float64"));

  Array b = Array::from<std::uint16_t>({1}, {7});
  CHECK_THROWS_AS(b.view<std::int8_t>(), std::runtime_error);
  CHECK_NOTHROW(b.view<std::uint16_t>());
}

TEST_CASE("Array::to_double converts every dtype") {
  SUBCASE("f32") {
    auto d = Array::from<float>({4}, {0.5f, -1.25f, 0.1f, 16777216.0f}).to_double();
    REQUIRE(d.size() == 4);
    CHECK(d[0] == 0.5);
    CHECK(d[1] == -1.25);
    CHECK(d[2] == 0.100000001490116119384765625);  // exact value of the float nearest 0.1
    CHECK(d[3] == 16777216.0);
  }
  SUBCASE("f64") {
    auto d = Array::from<double>({3}, {0.1, -1e300, 5e-324}).to_double();
    REQUIRE(d.size() == 3);
    CHECK(bits(d[0]) == bits(0.1));
    CHECK(d[1] == -1e300);
    CHECK(d[2] == 5e-324);
  }
  SUBCASE("i8") {
    auto d = Array::from<std::int8_t>({3}, {-128, 0, 127}).to_double();
    CHECK(d == std::vector<double>{-128.0, 0.0, 127.0});
  }
  SUBCASE("i32") {
    auto d = Array::from<std::int32_t>({3}, {-2147483647 - 1, 1, 2147483647}).to_double();
    CHECK(d == std::vector<double>{-2147483648.0, 1.0, 2147483647.0});
  }
  SUBCASE("i64") {
    auto d = Array::from<std::int64_t>({3}, {-(std::int64_t{1} << 53), 42, std::int64_t{1} << 62}).to_double();
    CHECK(d == std::vector<double>{-9007199254740992.0, 42.0, 4611686018427387904.0});
  }
  SUBCASE("u16") {
    auto d = Array::from<std::uint16_t>({2, 2}, {0, 1, 32768, 65535}).to_double();
    CHECK(d == std::vector<double>{0.0, 1.0, 32768.0, 65535.0});
  }
  SUBCASE("empty") {
    CHECK(Array::from<std::int32_t>({0}, {}).to_double().empty());
  }
}

TEST_CASE("Array equality compares dtype, shape and bytes") {
  Array a = Array::from<std::int32_t>({2, 2}, {1, 2, 3, 4});
  CHECK(a == Array::from<std::int32_t>({2, 2}, {1, 2, 3, 4}));
  CHECK_FALSE(a == Array::from<std::int32_t>({2, 2}, {1, 2, 3, 5}));
  CHECK_FALSE(a == Array::from<std::int32_t>({4}, {1, 2, 3, 4}));      // same bytes, other shape
  CHECK_FALSE(a == Array::from<std::int32_t>({4, 1}, {1, 2, 3, 4}));
  CHECK_FALSE(a == Array::from<float>({2, 2}, {1, 2, 3, 4}));          // same size, other type
  // Same bytes reinterpreted: int32 {1} vs float32 of the same bit pattern.
  CHECK_FALSE(Array::from<std::int32_t>({1}, {0}) == Array::from<float>({1}, {0.0f}));
  Array copy = a;  // shares the payload
  CHECK(copy == a);
}

// ------------------------------------------------------------------------- Artifact

TEST_CASE("Artifact keys that are empty or contain '/' are rejected") {
  Artifact a;
  CHECK_THROWS_AS(a.set_scalar("", 1.0), std::invalid_argument);
  CHECK_THROWS_AS(a.set_scalar("a/b", 1.0), std::invalid_argument);
  CHECK_THROWS_AS(a.set_string("", "x"), std::invalid_argument);
  CHECK_THROWS_AS(a.set_string("/", "x"), std::invalid_argument);
  CHECK_THROWS_AS(a.set_array("", Array::from<double>({1}, {1.0})), std::invalid_argument);
  CHECK_THROWS_AS(a.set_array("x/", Array::from<double>({1}, {1.0})), std::invalid_argument);
  CHECK_THROWS_AS(a.set_child("", Artifact{}), std::invalid_argument);
  CHECK_THROWS_AS(a.set_child("/child", Artifact{}), std::invalid_argument);
  CHECK(a.scalars().empty());
  CHECK(a.strings().empty());
  CHECK(a.arrays().empty());
  CHECK(a.children().empty());
  // Ordinary keys, including dots, spaces, colons and UTF-8, are fine.
  CHECK_NOTHROW(a.set_scalar("node.key", 1.0));
  CHECK_NOTHROW(a.set_string("col:x y", "v"));
  CHECK_NOTHROW(a.set_scalar("größe", 2.0));
  CHECK(a.scalars().size() == 2);
}

TEST_CASE("Artifact lookups throw naming the missing key and the keys present") {
  Artifact a;
  a.set_scalar("alpha", 1.0).set_scalar("beta", 2.0).set_string("s", "v");
  a.set_array("arr", Array::from<double>({1}, {1.0}));
  a.set_child("kid", Artifact{});
  CHECK(a.scalar("beta") == 2.0);
  CHECK(a.string("s") == "v");
  CHECK(a.has_array("arr"));
  CHECK_FALSE(a.has_array("nope"));
  std::string msg = message_of<std::runtime_error>([&] { a.scalar("gamma"); });
  CHECK(contains(msg, "gamma"));
  CHECK(contains(msg, "alpha"));
  CHECK(contains(msg, "beta"));
  CHECK_THROWS_AS(a.string("alpha"), std::runtime_error);  // a scalar, not a string
  CHECK_THROWS_AS(a.array("kid"), std::runtime_error);
  CHECK_THROWS_AS(a.child("arr"), std::runtime_error);
  CHECK(contains(message_of<std::runtime_error>([&] { a.array("zzz"); }), "arr"));
}

TEST_CASE("Artifact equality") {
  auto make = [] {
    Artifact a;
    a.set_scalar("x", 1.5).set_string("s", "hello");
    a.set_array("v", Array::from<std::int32_t>({3}, {1, 2, 3}));
    Artifact c;
    c.set_scalar("inner", 2.0);
    a.set_child("c", c);
    return a;
  };
  Artifact a = make();
  CHECK(a == make());
  {
    Artifact b = make();
    b.set_scalar("x", 1.5000000000000002);
    CHECK_FALSE(a == b);
  }
  {
    Artifact b = make();
    b.set_string("s", "hellO");
    CHECK_FALSE(a == b);
  }
  {
    Artifact b = make();
    b.set_array("v", Array::from<std::int32_t>({3}, {1, 2, 4}));
    CHECK_FALSE(a == b);
  }
  {
    Artifact b = make();
    Artifact c;
    c.set_scalar("inner", 3.0);
    b.set_child("c", c);
    CHECK_FALSE(a == b);
  }
  {
    Artifact b = make();
    b.set_scalar("extra", 0.0);
    CHECK_FALSE(a == b);
  }
  CHECK(Artifact{} == Artifact{});
  CHECK_FALSE(Artifact{} == a);
}

TEST_CASE("checksum covers every byte, value and key") {
  auto make = [] {
    Artifact a;
    a.set_scalar("x", 1.0).set_string("s", "text");
    a.set_array("v", Array::from<std::uint16_t>({4}, {10, 20, 30, 40}));
    Artifact child;
    child.set_array("w", Array::from<double>({2}, {0.25, 0.5}));
    a.set_child("c", child);
    return a;
  };
  const std::uint64_t base = make().checksum();
  CHECK(make().checksum() == base);  // deterministic

  SUBCASE("one byte of a top-level array") {
    Array v = make().array("v");
    std::vector<std::byte> bytes(v.bytes().begin(), v.bytes().end());
    bytes[5] ^= std::byte{0x01};
    Artifact b = make();
    b.set_array("v", Array(DType::u16, {4}, bytes));
    CHECK(b.checksum() != base);
  }
  SUBCASE("one byte of an array in a child") {
    Artifact b = make();
    Artifact child;
    child.set_array("w", Array::from<double>({2}, {0.25, std::nextafter(0.5, 1.0)}));
    b.set_child("c", child);
    CHECK(b.checksum() != base);
  }
  SUBCASE("a scalar") {
    Artifact b = make();
    b.set_scalar("x", 2.0);
    CHECK(b.checksum() != base);
  }
  SUBCASE("a scalar's sign of zero") {
    Artifact p, n;
    p.set_scalar("z", 0.0);
    n.set_scalar("z", -0.0);
    CHECK(p.checksum() != n.checksum());
  }
  SUBCASE("a string") {
    Artifact b = make();
    b.set_string("s", "texT");
    CHECK(b.checksum() != base);
  }
  SUBCASE("an array key renamed") {
    Artifact b;
    b.set_scalar("x", 1.0).set_string("s", "text");
    b.set_array("u", Array::from<std::uint16_t>({4}, {10, 20, 30, 40}));
    Artifact child;
    child.set_array("w", Array::from<double>({2}, {0.25, 0.5}));
    b.set_child("c", child);
    CHECK(b.checksum() != base);
  }
  SUBCASE("a scalar key renamed") {
    Artifact b = make();
    Artifact c;
    c.set_scalar("y", 1.0).set_string("s", "text");
    c.set_array("v", b.array("v"));
    c.set_child("c", b.child("c"));
    CHECK(c.checksum() != base);
  }
  SUBCASE("a child key renamed") {
    Artifact b = make();
    Artifact c;
    c.set_scalar("x", 1.0).set_string("s", "text");
    c.set_array("v", b.array("v"));
    c.set_child("d", b.child("c"));
    CHECK(c.checksum() != base);
  }
  SUBCASE("same bytes, other shape or dtype") {
    Artifact b = make();
    b.set_array("v", Array::from<std::uint16_t>({2, 2}, {10, 20, 30, 40}));
    CHECK(b.checksum() != base);
    Artifact p, q;
    p.set_array("v", Array::from<std::int32_t>({1}, {0}));
    q.set_array("v", Array::from<float>({1}, {0.0f}));
    CHECK(p.checksum() != q.checksum());
  }
}

TEST_CASE("summary_checksum reads top-level scalars and strings only") {
  Artifact a;
  a.set_scalar("x", 1.0).set_string("s", "text");
  a.set_array("v", Array::from<double>({2}, {1.0, 2.0}));
  const std::uint64_t summary = a.summary_checksum();

  Artifact b = a;
  b.set_array("v", Array::from<double>({2}, {1.0, 3.0}));  // array changed
  b.set_array("extra", Array::from<std::int8_t>({1}, {1}));
  Artifact child;
  child.set_scalar("deep", 9.0);
  b.set_child("kid", child);  // child added
  CHECK(b.summary_checksum() == summary);
  CHECK(b.checksum() != a.checksum());

  Artifact c = a;
  c.set_scalar("x", 1.25);
  CHECK(c.summary_checksum() != summary);
  Artifact d = a;
  d.set_string("s", "other");
  CHECK(d.summary_checksum() != summary);
}

// ---------------------------------------------------------------- HDF5 round trips

namespace {
template <class T>
void check_round_trip_all_ranks(const TempDir& dir) {
  const std::vector<std::vector<std::size_t>> shapes = {{}, {5}, {3, 4}, {2, 3, 4}, {0}, {3, 0}};
  Artifact a;
  for (std::size_t i = 0; i < shapes.size(); ++i) a.set_array("a" + std::to_string(i), sample_array<T>(shapes[i]));
  std::string path = dir.file(std::string(dtype_name(dtype_of<T>())) + ".h5");
  save_artifact_file(path, a);
  Artifact b = load_artifact_file(path);
  CHECK(b == a);
  REQUIRE(b.arrays().size() == shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const Array& arr = b.array("a" + std::to_string(i));
    CAPTURE(i);
    CHECK(arr.dtype() == dtype_of<T>());
    CHECK(arr.shape() == shapes[i]);
    CHECK(arr.rank() == shapes[i].size());
    auto got = arr.template view<T>();
    auto want = sample_values<T>(product(shapes[i]));
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) CHECK(got[k] == want[k]);
  }
  CHECK(b.checksum() == a.checksum());
}
}  // namespace

TEST_CASE("arrays of every dtype and rank survive a file round trip") {
  TempDir dir;
  SUBCASE("f32") { check_round_trip_all_ranks<float>(dir); }
  SUBCASE("f64") { check_round_trip_all_ranks<double>(dir); }
  SUBCASE("i8") { check_round_trip_all_ranks<std::int8_t>(dir); }
  SUBCASE("i32") { check_round_trip_all_ranks<std::int32_t>(dir); }
  SUBCASE("i64") { check_round_trip_all_ranks<std::int64_t>(dir); }
  SUBCASE("u16") { check_round_trip_all_ranks<std::uint16_t>(dir); }
}

TEST_CASE("extreme array values survive a file round trip") {
  TempDir dir;
  Artifact a;
  a.set_array("i8", Array::from<std::int8_t>({2}, {-128, 127}));
  a.set_array("i32", Array::from<std::int32_t>({2}, {std::numeric_limits<std::int32_t>::min(),
                                                     std::numeric_limits<std::int32_t>::max()}));
  a.set_array("i64", Array::from<std::int64_t>({2}, {std::numeric_limits<std::int64_t>::min(),
                                                     std::numeric_limits<std::int64_t>::max()}));
  a.set_array("u16", Array::from<std::uint16_t>({2}, {0, 65535}));
  a.set_array("f64", Array::from<double>({4}, {std::numeric_limits<double>::quiet_NaN(),
                                               -std::numeric_limits<double>::infinity(), -0.0, 5e-324}));
  a.set_array("f32", Array::from<float>({3}, {std::numeric_limits<float>::infinity(), -0.0f, 1e-45f}));
  save_artifact_file(dir.file("x.h5"), a);
  Artifact b = load_artifact_file(dir.file("x.h5"));
  CHECK(b == a);  // byte comparison: NaN bits and -0.0 preserved
  CHECK(b.array("i64").view<std::int64_t>()[0] == std::numeric_limits<std::int64_t>::min());
  CHECK(b.array("u16").view<std::uint16_t>()[1] == 65535);
  CHECK(std::isnan(b.array("f64").view<double>()[0]));
  CHECK(std::signbit(b.array("f64").view<double>()[2]));
  CHECK(std::signbit(b.array("f32").view<float>()[1]));
}

TEST_CASE("scalars survive a file round trip bit for bit, NaN, infinities and -0.0 included") {
  TempDir dir;
  const std::map<std::string, double> values = {
      {"zero", 0.0},
      {"negzero", -0.0},
      {"nan", std::numeric_limits<double>::quiet_NaN()},
      {"inf", std::numeric_limits<double>::infinity()},
      {"neginf", -std::numeric_limits<double>::infinity()},
      {"tenth", 0.1},
      {"denorm", 5e-324},
      {"max", std::numeric_limits<double>::max()},
      {"two53", 9007199254740992.0},
      {"neg", -123.456},
  };
  Artifact a;
  for (const auto& [k, v] : values) a.set_scalar(k, v);
  save_artifact_file(dir.file("s.h5"), a);
  Artifact b = load_artifact_file(dir.file("s.h5"));
  REQUIRE(b.scalars().size() == values.size());
  for (const auto& [k, v] : values) {
    CAPTURE(k);
    CHECK(bits(b.scalar(k)) == bits(v));
  }
  CHECK(std::isnan(b.scalar("nan")));
  CHECK(std::signbit(b.scalar("negzero")));
  CHECK(b.scalar("neginf") == -std::numeric_limits<double>::infinity());
  CHECK(b.checksum() == a.checksum());
}

TEST_CASE("strings survive a file round trip: empty, UTF-8, newlines, long") {
  TempDir dir;
  const std::map<std::string, std::string> values = {
      {"empty", ""},
      {"ascii", "hello world"},
      {"utf8", "Grüße, 日本語, ∑ε → ∞ 🎲"},
      {"newlines", "line one\nline two\r\nline three\n"},
      {"tabs_quotes", "a\t\"b\"\t'c'\\"},
      {"unit_sep", "a\x1f" "b\x1f"},
      {"long", std::string(100000, 'z')},
  };
  Artifact a;
  for (const auto& [k, v] : values) a.set_string(k, v);
  save_artifact_file(dir.file("str.h5"), a);
  Artifact b = load_artifact_file(dir.file("str.h5"));
  REQUIRE(b.strings().size() == values.size());
  for (const auto& [k, v] : values) {
    CAPTURE(k);
    CHECK(b.string(k) == v);
  }
  CHECK(b == a);
}

TEST_CASE("nested children two levels deep survive a file round trip") {
  TempDir dir;
  Artifact grandchild;
  grandchild.set_scalar("depth", 2.0).set_string("name", "grandchild");
  grandchild.set_array("g", Array::from<std::int8_t>({2, 2}, {1, -1, 2, -2}));
  Artifact child;
  child.set_scalar("depth", 1.0);
  child.set_array("c", Array::from<float>({3}, {1.5f, 2.5f, 3.5f}));
  child.set_child("gc", grandchild);
  child.set_child("empty", Artifact{});
  Artifact root;
  root.set_scalar("depth", 0.0);
  root.set_child("child", child);
  root.set_child("sibling", Artifact{}.set_string("who", "sibling"));
  save_artifact_file(dir.file("tree.h5"), root);
  Artifact back = load_artifact_file(dir.file("tree.h5"));
  CHECK(back == root);
  CHECK(back.child("child").child("gc").string("name") == "grandchild");
  CHECK(back.child("child").child("gc").array("g").view<std::int8_t>()[3] == -2);
  CHECK(back.child("child").child("empty") == Artifact{});
  CHECK(back.child("sibling").string("who") == "sibling");
  CHECK(back.checksum() == root.checksum());
}

TEST_CASE("meta attributes round trip and stay out of the artifact") {
  TempDir dir;
  Artifact a;
  a.set_scalar("x", 3.0);
  std::map<std::string, std::string> meta = {{"reprise.identity", "0123456789abcdef"},
                                             {"reprise.node", "compress"},
                                             {"empty", ""},
                                             {"utf8", "é→∞"}};
  save_artifact_file(dir.file("m.h5"), a, meta);
  std::map<std::string, std::string> got;
  Artifact b = load_artifact_file(dir.file("m.h5"), &got);
  CHECK(got == meta);
  CHECK(b == a);  // meta did not leak into the artifact
  // Without the meta pointer the artifact still loads.
  CHECK(load_artifact_file(dir.file("m.h5")) == a);
}

TEST_CASE("saving overwrites an existing file") {
  TempDir dir;
  save_artifact_file(dir.file("o.h5"), Artifact{}.set_scalar("v", 1.0));
  save_artifact_file(dir.file("o.h5"), Artifact{}.set_scalar("w", 2.0));
  Artifact b = load_artifact_file(dir.file("o.h5"));
  CHECK(b.scalars() == std::map<std::string, double>{{"w", 2.0}});
}

TEST_CASE("a user block reserves bytes before the HDF5 data") {
  TempDir dir;
  Artifact a;
  a.set_scalar("x", 1.0).set_array("v", Array::from<std::int32_t>({3}, {1, 2, 3}));
  std::map<std::string, std::string> meta = {{"k", "v"}};
  save_artifact_file(dir.file("ub.h5"), a, meta, 1024);
  std::ifstream in(dir.file("ub.h5"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(bytes.size() > 1024 + 8);
  CHECK(bytes.compare(1024, 8, std::string("\x89HDF\r\n\x1a\n", 8)) == 0);
  CHECK(bytes.compare(0, 8, std::string("\x89HDF\r\n\x1a\n", 8)) != 0);
  std::map<std::string, std::string> got;
  CHECK(load_artifact_file(dir.file("ub.h5"), &got) == a);
  CHECK(got == meta);
  // Without one, the signature is at the start.
  save_artifact_file(dir.file("plain.h5"), a);
  std::ifstream in2(dir.file("plain.h5"), std::ios::binary);
  std::string head(8, '\0');
  in2.read(head.data(), 8);
  CHECK(head == std::string("\x89HDF\r\n\x1a\n", 8));
  // HDF5 accepts only powers of two from 512.
  CHECK_THROWS_AS(save_artifact_file(dir.file("bad.h5"), a, {}, 100), std::runtime_error);
}

TEST_CASE("loading a file that is not HDF5 throws a clear error") {
  TempDir dir;
  std::string path = dir.file("not.h5");
  {
    std::ofstream out(path);
    out << "this is plain text, not an HDF5 file\n";
  }
  std::string msg = message_of<std::runtime_error>([&] { load_artifact_file(path); });
  CHECK(contains(msg, path));
  CHECK(contains(msg, "not an HDF5 file"));
  CHECK(contains(message_of<std::runtime_error>([&] { load_artifact_meta(path, nullptr); }), path));

  std::string missing = dir.file("missing.h5");
  CHECK(contains(message_of<std::runtime_error>([&] { load_artifact_file(missing); }), missing));
}

TEST_CASE("load_artifact_meta reads meta and top-level scalars and strings, not arrays") {
  TempDir dir;
  Artifact a;
  a.set_scalar("mse", 0.25).set_scalar("nan", std::numeric_limits<double>::quiet_NaN());
  a.set_string("label", "dct");
  a.set_array("samples", Array::from<double>({2, 2}, {1, 2, 3, 4}));
  Artifact child;
  child.set_scalar("deep", 1.0);
  a.set_child("kid", child);
  std::map<std::string, std::string> meta = {{"k", "v"}};
  save_artifact_file(dir.file("a.h5"), a, meta);

  Artifact summary;
  auto got = load_artifact_meta(dir.file("a.h5"), &summary);
  CHECK(got == meta);
  CHECK(summary.scalars().size() == 2);
  CHECK(summary.scalar("mse") == 0.25);
  CHECK(std::isnan(summary.scalar("nan")));
  CHECK(summary.strings() == std::map<std::string, std::string>{{"label", "dct"}});
  CHECK(summary.arrays().empty());
  CHECK(summary.children().empty());
  CHECK(summary.summary_checksum() == a.summary_checksum());

  // Without a summary only the meta is read.
  CHECK(load_artifact_meta(dir.file("a.h5"), nullptr) == meta);
}

TEST_CASE("a default Array is empty, not a one-element scalar") {
  Array a;
  CHECK(a.size() == 0);
  CHECK(a.shape() == std::vector<std::size_t>{0});
  CHECK(a.to_double().empty());
  TempDir dir;
  Artifact art;
  art.set_array("x", a);
  save_artifact_file(dir.file("d.h5"), art);
  CHECK(load_artifact_file(dir.file("d.h5")) == art);
}

TEST_CASE("keys that HDF5 could not store side by side, and NUL bytes in strings, are refused") {
  Artifact a;
  a.set_scalar("k", 1);
  CHECK_THROWS_AS(a.set_string("k", "v"), std::invalid_argument);
  a.set_array("arr", Array::from<double>({1}, {1.0}));
  CHECK_THROWS_AS(a.set_child("arr", Artifact{}), std::invalid_argument);
  CHECK_THROWS_AS(a.set_string("s", std::string("a\0b", 3)), std::invalid_argument);
}

TEST_CASE("a scalar and a string under the same name never share a checksum") {
  Artifact scalar, string;
  scalar.set_scalar("a", 0.0);
  string.set_string("a", "");
  CHECK(scalar.checksum() != string.checksum());
  CHECK(scalar.summary_checksum() != string.summary_checksum());
}
