#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

using Overrides = std::map<std::string, ParamValue>;

// Definition of the orthonormal DCT-II, summed directly: the truth FFTW is checked against.
double basis(std::size_t k, std::size_t n, std::size_t d) {
  return std::sqrt((k == 0 ? 1.0 : 2.0) / d) * std::cos(std::numbers::pi * k * (n + 0.5) / d);
}
std::vector<double> naive_dct(const std::vector<double>& x) {
  std::vector<double> c(x.size(), 0.0);
  for (std::size_t k = 0; k < x.size(); ++k)
    for (std::size_t n = 0; n < x.size(); ++n) c[k] += basis(k, n, x.size()) * x[n];
  return c;
}
std::vector<double> naive_idct(const std::vector<double>& c) {
  std::vector<double> x(c.size(), 0.0);
  for (std::size_t n = 0; n < c.size(); ++n)
    for (std::size_t k = 0; k < c.size(); ++k) x[n] += basis(k, n, c.size()) * c[k];
  return x;
}

// `rows` random-walk rows of length d: correlated like physical samples.
std::vector<double> random_rows(std::size_t rows, std::size_t d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> x(rows * d);
  for (std::size_t r = 0; r < rows; ++r) {
    double walk = 0;
    for (std::size_t n = 0; n < d; ++n) x[r * d + n] = (walk += normal(rng));
  }
  return x;
}

template <class T>
Artifact data_of(std::size_t rows, std::size_t d, const std::vector<T>& values) {
  Artifact a;
  a.set_array("samples", Array::from<T>({rows, d}, values));
  return a;
}

// codec/dct on `data` with the schema's defaults and `overrides`.
Artifact compress(const Artifact& data, const Overrides& overrides, Context& ctx) {
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  return test::component_info("codec/dct").make()->run(in, test::default_params("codec/dct", overrides), ctx);
}
Artifact compress(const Artifact& data, const Overrides& overrides) {
  SimpleContext ctx;
  return compress(data, overrides, ctx);
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

double squared_norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return s;
}

// Kept (index, value) pairs of row r, read back from the compressed arrays.
struct KeptRow {
  std::vector<std::size_t> indices;
  std::vector<double> values;
};
std::vector<KeptRow> kept_rows(const Artifact& out) {
  const auto counts = out.array("counts").view<std::int32_t>();
  const std::vector<double> indices = out.array("indices").to_double();
  const std::vector<double> values = out.array("coefficients").to_double();
  std::vector<KeptRow> rows(counts.size());
  std::size_t next = 0;
  for (std::size_t r = 0; r < counts.size(); ++r)
    for (std::int32_t i = 0; i < counts[r]; ++i, ++next) {
      rows[r].indices.push_back(static_cast<std::size_t>(indices[next]));
      rows[r].values.push_back(values[next]);
    }
  CHECK(next == values.size());
  return rows;
}

// A context that reports cancellation from the start.
class CancelledContext : public SimpleContext {
 public:
  bool cancelled() const override { return true; }
};

}  // namespace

TEST_CASE("codec/dct: schema declares the documented defaults") {
  const ComponentInfo* info = Registry::instance().find("codec/dct");
  REQUIRE(info != nullptr);
  CHECK(std::get<double>(*info->find_param("energy")->default_value) == 0.9);
  CHECK(std::get<std::string>(*info->find_param("values")->default_value) == "float64");
  CHECK(info->find_input("data") != nullptr);
}

TEST_CASE("codec/dct: coefficients are the orthonormal DCT-II (Parseval holds)") {
  for (std::size_t d : {1, 2, 7, 64, 257}) {
    CAPTURE(d);
    const std::vector<double> x = random_rows(1, d, d);
    const Artifact out = compress(data_of(1, d, x), {{"energy", 1.0}});
    const std::vector<KeptRow> rows = kept_rows(out);
    REQUIRE(rows[0].indices.size() == d);  // energy 1: a random row has no zero coefficient
    const std::vector<double> truth = naive_dct(x);
    for (std::size_t k = 0; k < d; ++k) {
      CHECK(rows[0].indices[k] == k);  // stored in ascending index order
      CHECK(std::abs(rows[0].values[k] - truth[k]) < 1e-12 * std::sqrt(squared_norm(x)));
    }
    CHECK(squared_norm(rows[0].values) == doctest::Approx(squared_norm(x)).epsilon(1e-13));
  }
}

TEST_CASE("codec/dct: energy 1 decodes exactly") {
  const std::vector<double> x = random_rows(50, 33, 3);
  const Artifact out = compress(data_of(50, 33, x), {{"energy", 1.0}});
  CHECK(out.array("samples").dtype() == DType::f64);
  CHECK(out.array("samples").shape() == std::vector<std::size_t>{50, 33});
  CHECK(max_abs_diff(out.array("samples").to_double(), x) < 1e-12);
  CHECK(out.scalar("energy_kept") == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(out.scalar("kept_fraction") == 1.0);
}

TEST_CASE("codec/dct: the decode is the inverse DCT of the kept coefficients at every length") {
  // Odd and even lengths: the fast transform pairs frequency k with n - k and
  // treats k = 0 and, for even n, k = n/2 apart.
  for (std::size_t d : {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 64, 257}) {
    CAPTURE(d);
    const std::size_t rows = 20;
    const std::vector<double> x = random_rows(rows, d, 5 + d);
    const Artifact out = compress(data_of(rows, d, x), {{"energy", 0.9}});
    const std::vector<KeptRow> kept = kept_rows(out);
    const std::vector<double> decoded = out.array("samples").to_double();
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<double> c(d, 0.0);
      for (std::size_t i = 0; i < kept[r].indices.size(); ++i) c[kept[r].indices[i]] = kept[r].values[i];
      const std::vector<double> truth = naive_idct(c);
      const std::vector<double> row(decoded.begin() + static_cast<std::ptrdiff_t>(r * d),
                                    decoded.begin() + static_cast<std::ptrdiff_t>((r + 1) * d));
      CHECK(max_abs_diff(row, truth) < 1e-12 * std::sqrt(squared_norm(c)) + 1e-300);
    }
  }
}

TEST_CASE("codec/dct: keeps the fewest largest coefficients of a hand-made row") {
  // DCT coefficients 4, -3, 2, 1 at scattered frequencies, zero elsewhere: energy 30.
  const std::size_t d = 16;
  std::vector<double> c(d, 0.0);
  c[5] = 4;
  c[2] = -3;
  c[11] = 2;
  c[0] = 1;
  const std::vector<double> x = naive_idct(c);
  struct Case {
    double energy;
    std::vector<std::size_t> kept;  // ascending
  };
  // Targets 0.5*30 = 15 <= 16; 0.8*30 = 24 <= 16+9; 0.9*30 = 27 <= 16+9+4; 0.95*30 = 28.5 <= 29;
  // 0.99*30 = 29.7 needs the 1 as well.
  for (const Case& t : {Case{0.5, {5}}, Case{0.8, {2, 5}}, Case{0.9, {2, 5, 11}}, Case{0.95, {2, 5, 11}},
                        Case{0.99, {0, 2, 5, 11}}}) {
    CAPTURE(t.energy);
    const Artifact out = compress(data_of(1, d, x), {{"energy", t.energy}});
    const KeptRow row = kept_rows(out)[0];
    CHECK(row.indices == t.kept);
    for (std::size_t i = 0; i < row.indices.size(); ++i)
      CHECK(row.values[i] == doctest::Approx(c[row.indices[i]]).epsilon(1e-12));
    double kept_energy = 0;
    for (std::size_t k : t.kept) kept_energy += c[k] * c[k];
    CHECK(out.scalar("energy_kept") == doctest::Approx(kept_energy / 30.0).epsilon(1e-12));
    // The decode is the inverse DCT of exactly the kept coefficients.
    std::vector<double> kept_only(d, 0.0);
    for (std::size_t k : t.kept) kept_only[k] = c[k];
    CHECK(max_abs_diff(out.array("samples").to_double(), naive_idct(kept_only)) < 1e-12);
  }
}

TEST_CASE("codec/dct: every row keeps its largest coefficients, just enough to reach the energy") {
  // "Enough", "fewest" and "largest first" define the kept set (up to exact
  // ties), so these checks pin down the linear-time selection on 200 rows of
  // three lengths (odd, and longer than one quickselect round needs).
  for (const std::size_t d : {7, 48, 129}) {
    const std::size_t rows = 200;
    const std::vector<double> x = random_rows(rows, d, 5 + d);
    for (double energy : {0.1, 0.5, 0.9, 0.99, 0.999}) {
      CAPTURE(d);
      CAPTURE(energy);
      const Artifact out = compress(data_of(rows, d, x), {{"energy", energy}});
      CHECK(out.scalar("energy_kept") >= energy);
      const std::vector<KeptRow> kept = kept_rows(out);
      for (std::size_t r = 0; r < rows; ++r) {
        CAPTURE(r);
        const std::vector<double> c = naive_dct({x.begin() + r * d, x.begin() + (r + 1) * d});
        const double total = squared_norm(c);
        const double kept_energy = squared_norm(kept[r].values);
        double smallest_kept = INFINITY;
        for (double v : kept[r].values) smallest_kept = std::min(smallest_kept, std::abs(v));
        double largest_dropped = 0;
        for (std::size_t k = 0; k < d; ++k)
          if (std::find(kept[r].indices.begin(), kept[r].indices.end(), k) == kept[r].indices.end())
            largest_dropped = std::max(largest_dropped, std::abs(c[k]));
        CHECK(kept_energy >= energy * total * (1 - 1e-12));                   // enough
        CHECK(kept_energy - smallest_kept * smallest_kept < energy * total);  // fewest
        CHECK(smallest_kept >= largest_dropped);                              // largest first
      }
    }
  }
}

TEST_CASE("codec/dct: the kept set is the sorted prefix, also deep in a wide-ranging tail") {
  // The selection buckets squares by exponent and lumps everything 16 binades
  // below the largest into one last bucket. Coefficients log-uniform over 12
  // decades put most of a row there; the truth is a full sort by (magnitude
  // descending, index ascending) and the shortest prefix reaching the target.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> decades(-12.0, 0.0);
  for (const std::size_t d : {64, 130}) {  // one mask word; two and a tail
    const std::size_t rows = 40;
    std::vector<double> x;
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<double> c(d);
      for (std::size_t k = 0; k < d; ++k) c[k] = (k % 2 ? -1 : 1) * std::pow(10.0, decades(rng));
      const std::vector<double> row = naive_idct(c);
      x.insert(x.end(), row.begin(), row.end());
    }
    for (double energy : {0.5, 0.9, 1 - 1e-6, 1 - 1e-9}) {  // the last two cut inside the lumped bucket
      CAPTURE(d);
      CAPTURE(energy);
      const std::vector<KeptRow> kept = kept_rows(compress(data_of(rows, d, x), {{"energy", energy}}));
      for (std::size_t r = 0; r < rows; ++r) {
        CAPTURE(r);
        const std::vector<double> c = naive_dct({x.begin() + r * d, x.begin() + (r + 1) * d});
        std::vector<std::size_t> order(d);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
          return std::abs(c[a]) != std::abs(c[b]) ? std::abs(c[a]) > std::abs(c[b]) : a < b;
        });
        const double target = energy * squared_norm(c);
        std::vector<std::size_t> truth;
        double sum = 0;
        for (std::size_t k : order) {
          if (sum >= target) break;
          truth.push_back(k);
          sum += c[k] * c[k];
        }
        std::sort(truth.begin(), truth.end());
        CHECK(kept[r].indices == truth);
      }
    }
  }
}

TEST_CASE("codec/dct: a row's kept set does not depend on the rows before it") {
  // The selection searches from where the previous row crossed: rows in
  // reverse order, and rows of very different scales in turn, must still
  // keep exactly what each row keeps on its own.
  const std::size_t rows = 60, d = 64;
  std::vector<double> x = random_rows(rows, d, 21);
  for (std::size_t r = 0; r < rows; r += 2)
    for (std::size_t k = 0; k < d; ++k) x[r * d + k] *= 1e6;  // every other row a million times larger
  std::vector<double> reversed;
  for (std::size_t r = rows; r-- > 0;) reversed.insert(reversed.end(), x.begin() + r * d, x.begin() + (r + 1) * d);
  for (double energy : {0.3, 0.9, 0.999}) {
    CAPTURE(energy);
    const std::vector<KeptRow> forward = kept_rows(compress(data_of(rows, d, x), {{"energy", energy}}));
    const std::vector<KeptRow> backward = kept_rows(compress(data_of(rows, d, reversed), {{"energy", energy}}));
    for (std::size_t r = 0; r < rows; ++r) {
      CAPTURE(r);
      const KeptRow alone = kept_rows(compress(data_of(1, d, std::vector<double>(x.begin() + r * d, x.begin() + (r + 1) * d)),
                                               {{"energy", energy}}))[0];
      CHECK(forward[r].indices == alone.indices);
      CHECK(backward[rows - 1 - r].indices == alone.indices);
    }
  }
}

TEST_CASE("codec/dct: a zero row keeps nothing and decodes to zeros") {
  std::vector<double> x = random_rows(3, 10, 9);
  std::fill(x.begin() + 10, x.begin() + 20, 0.0);
  const Artifact out = compress(data_of(3, 10, x), {{"energy", 1.0}});
  const auto counts = out.array("counts").view<std::int32_t>();
  CHECK(counts[0] == 10);
  CHECK(counts[1] == 0);
  CHECK(counts[2] == 10);
  CHECK(max_abs_diff(out.array("samples").to_double(), x) < 1e-12);
  const Artifact zeros = compress(data_of(2, 4, std::vector<double>(8, 0.0)), {{"energy", 0.5}});
  CHECK(zeros.scalar("energy_kept") == 1.0);
  CHECK(zeros.scalar("bytes") == 8.0);
  CHECK(zeros.array("samples").to_double() == std::vector<double>(8, 0.0));
}

TEST_CASE("codec/dct: sizes follow the stored dtypes") {
  const std::size_t rows = 20, d = 32;
  const std::vector<double> x = random_rows(rows, d, 13);
  for (const std::string values : {"float64", "float32"}) {
    CAPTURE(values);
    const Artifact out = compress(data_of(rows, d, x), {{"energy", 0.9}, {"values", values}});
    const std::size_t kept = out.array("coefficients").size();
    const std::size_t value_bytes = values == "float64" ? 8 : 4;
    CHECK(out.array("counts").dtype() == DType::i32);
    CHECK(out.array("indices").dtype() == DType::u16);
    CHECK(out.array("indices").size() == kept);
    CHECK(out.array("coefficients").dtype() == (values == "float64" ? DType::f64 : DType::f32));
    CHECK(out.scalar("bytes") == static_cast<double>(4 * rows + kept * (2 + value_bytes)));
    CHECK(out.scalar("original_bytes") == static_cast<double>(rows * d * 8));
    CHECK(out.scalar("ratio") == doctest::Approx(out.scalar("original_bytes") / out.scalar("bytes")));
    CHECK(out.scalar("kept_fraction") == doctest::Approx(static_cast<double>(kept) / (rows * d)));
    CHECK(kept < rows * d);  // smooth rows: 90% of the energy in far fewer coefficients
  }
  // The original size counts the input's own element size.
  const std::vector<std::int32_t> small(rows * d, 3);
  const Artifact ints = compress(data_of(rows, d, small), {{"energy", 1.0}});
  CHECK(ints.scalar("original_bytes") == static_cast<double>(rows * d * 4));
  CHECK(max_abs_diff(ints.array("samples").to_double(), std::vector<double>(rows * d, 3.0)) < 1e-12);
}

TEST_CASE("codec/dct: float32 coefficients bound the error by float rounding") {
  const std::size_t rows = 30, d = 64;
  const std::vector<double> x = random_rows(rows, d, 17);
  const std::vector<double> exact = compress(data_of(rows, d, x), {{"energy", 0.95}}).array("samples").to_double();
  const Artifact out = compress(data_of(rows, d, x), {{"energy", 0.95}, {"values", std::string("float32")}});
  const std::vector<double> rounded = out.array("samples").to_double();
  CHECK(exact != rounded);  // the float32 round trip is really applied
  // Orthonormal transform: the per-row error norm is the coefficient rounding
  // norm, at most 2^-24 of the kept coefficients' norm.
  const std::vector<KeptRow> kept = kept_rows(out);
  for (std::size_t r = 0; r < rows; ++r) {
    double err = 0;
    for (std::size_t n = 0; n < d; ++n) err += std::pow(exact[r * d + n] - rounded[r * d + n], 2);
    CHECK(std::sqrt(err) <= std::ldexp(1.0, -24) * std::sqrt(squared_norm(kept[r].values)) * 1.01 + 1e-12);
  }
}

TEST_CASE("codec/dct: the schema refuses energy outside (0, 1] and an unknown value type") {
  CHECK_THROWS_WITH_AS(test::default_params("codec/dct", {{"energy", 0.0}}),
                       "codec/dct: parameter 'energy' must be in (0, 1], got 0", ParamError);
  CHECK_THROWS_WITH_AS(test::default_params("codec/dct", {{"energy", 1.5}}),
                       "codec/dct: parameter 'energy' must be in (0, 1], got 1.5", ParamError);
  CHECK_THROWS_WITH_AS(test::default_params("codec/dct", {{"values", std::string("float16")}}),
                       doctest::Contains("parameter 'values' must be one of float64, float32, got 'float16'"),
                       ParamError);
  CHECK_NOTHROW(test::default_params("codec/dct", {{"energy", 1.0}}));
  CHECK_NOTHROW(test::default_params("codec/dct", {{"energy", 1e-9}}));
}

TEST_CASE("codec/dct: rejects a sample set that is not a matrix and stops when cancelled") {
  const Artifact data = data_of(4, 8, random_rows(4, 8, 1));
  Artifact flat;
  flat.set_array("samples", Array::from<double>({8}, std::vector<double>(8, 1.0)));
  CHECK_THROWS_AS(compress(flat, {}), std::runtime_error);
  CancelledContext cancelled;
  CHECK_THROWS_AS(compress(data, {}, cancelled), Cancelled);
}

TEST_CASE("codec/dct: round: sign turns decoded ±1 data back into int8 spins") {
  // Spins of a smooth field: runs of equal signs, as in ordered Ising samples.
  const std::size_t rows = 200, d = 16;
  std::vector<std::int8_t> spins(rows * d);
  std::mt19937_64 rng(11);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t n = 0; n < d; ++n) spins[r * d + n] = (n < 4 + r % 8) == (rng() % 16 != 0) ? 1 : -1;
  Artifact data = data_of<std::int8_t>(rows, d, spins);

  Artifact exact = compress(data, {{"energy", 1.0}, {"round", std::string("sign")}});
  REQUIRE(exact.array("samples").dtype() == DType::i8);
  const auto decoded = exact.array("samples").view<std::int8_t>();
  CHECK(std::equal(decoded.begin(), decoded.end(), spins.begin()));  // lossless at energy 1
  CHECK(exact.scalar("original_bytes") == rows * d);  // one byte per int8 spin

  Artifact lossy = compress(data, {{"energy", 0.5}, {"round", std::string("sign")}});
  const auto rounded = lossy.array("samples").view<std::int8_t>();
  std::size_t flipped = 0;
  for (std::size_t i = 0; i < spins.size(); ++i) {
    CHECK((rounded[i] == 1 || rounded[i] == -1));
    flipped += rounded[i] != spins[i];
  }
  CHECK(flipped > 0);                   // half the energy is not enough to keep every sign
  CHECK(flipped < spins.size() / 2);    // but most signs survive
}

TEST_CASE("codec/dct: round: sign gives +1 where the kept coefficients cancel exactly") {
  // Every row of ±1 spins with d = 16 (all 2^16), at energies that keep two or
  // three coefficients: many decoded values are exactly 0 in exact arithmetic,
  // and only rounding noise of about 1e-16 would give them a sign.
  const std::size_t d = 16, rows = std::size_t{1} << d;
  std::vector<std::int8_t> spins(rows * d);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t n = 0; n < d; ++n) spins[r * d + n] = (r >> n) & 1 ? 1 : -1;
  for (double energy : {0.3, 0.5, 0.7}) {
    CAPTURE(energy);
    const Artifact out = compress(data_of<std::int8_t>(rows, d, spins), {{"energy", energy}, {"round", std::string("sign")}});
    const auto decoded = out.array("samples").view<std::int8_t>();
    const std::vector<KeptRow> kept = kept_rows(out);
    std::size_t ties = 0, wrong = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<double> c(d, 0.0);
      for (std::size_t i = 0; i < kept[r].indices.size(); ++i) c[kept[r].indices[i]] = kept[r].values[i];
      const std::vector<double> x = naive_idct(c);  // independent of the codec's transform
      for (std::size_t n = 0; n < d; ++n) {
        const bool tie = std::abs(x[n]) < 1e-9;
        ties += tie;
        wrong += decoded[r * d + n] != (tie || x[n] > 0 ? 1 : -1);
      }
    }
    CHECK(ties > 0);  // the case is exercised
    CHECK(wrong == 0);
  }
}

TEST_CASE("codec/dct: center: mean codes the deviations from the mean row and adds it back") {
  // Rows = a large common offset (a lattice) + small random walks: the deviations
  // coded by the naive DCT with the same selection rule are the truth.
  const std::size_t rows = 40, d = 24;
  std::vector<double> x = random_rows(rows, d, 21);
  for (std::size_t q = 0; q < x.size(); ++q) x[q] = 50.0 * std::cos(0.7 * static_cast<double>(q % d)) + 0.1 * x[q];
  const Artifact out = compress(data_of(rows, d, x), {{"energy", 0.8}, {"center", std::string("mean")}});
  std::vector<double> mean(d, 0.0);
  for (std::size_t q = 0; q < x.size(); ++q) mean[q % d] += x[q] / rows;
  CHECK(max_abs_diff(out.array("center").to_double(), mean) < 1e-12);
  const std::vector<double> got = out.array("samples").to_double();
  double kept = 0, total = 0;
  std::size_t count = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<double> dev(d);
    for (std::size_t k = 0; k < d; ++k) dev[k] = x[r * d + k] - mean[k];
    std::vector<double> c = naive_dct(dev), order(d);
    // The largest coefficients until 80 % of the row's energy (no ties in random rows).
    std::vector<std::size_t> idx(d);
    for (std::size_t k = 0; k < d; ++k) idx[k] = k;
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return std::abs(c[a]) > std::abs(c[b]); });
    double row_energy = 0, sum = 0;
    for (double v : c) row_energy += v * v;
    std::vector<double> coded(d, 0.0);
    for (std::size_t n = 0; n < d && sum < 0.8 * row_energy; ++n, ++count) {
      coded[idx[n]] = c[idx[n]];
      sum += c[idx[n]] * c[idx[n]];
    }
    kept += sum;
    total += row_energy;
    const std::vector<double> back = naive_idct(coded);
    for (std::size_t k = 0; k < d; ++k) CHECK(got[r * d + k] == doctest::Approx(back[k] + mean[k]).epsilon(1e-10));
  }
  CHECK(out.array("coefficients").size() == count);
  CHECK(out.scalar("energy_kept") == doctest::Approx(kept / total).epsilon(1e-12));
  CHECK(out.scalar("bytes") == static_cast<double>(4 * rows + count * (2 + 8) + d * 8));
  // Without centering the offset holds nearly all the energy and a few coefficients reach 80 %.
  const Artifact raw = compress(data_of(rows, d, x), {{"energy", 0.8}});
  CHECK(raw.array("coefficients").size() < count);
  CHECK_FALSE(raw.has_array("center"));
}
