// codec/dct: the lossy compressor of the QoI-compression paper (seed 000).
//
// Transforms each sample (row) with the orthonormal DCT-II, keeps the fewest
// largest-magnitude coefficients that hold a fraction `energy` of that row's
// energy, stores them sparsely (counts, indices, values) and decodes them back
// with the inverse DCT. The output carries both the compressed form and the
// decompressed "samples", so downstream nodes can use it in place of the data.
#include <fftw3.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// FFTW's planner (and plan destruction) touches global state and is not
// thread-safe; fftw_execute on a plan is. Nodes run in parallel, so every
// planner call in this file goes through this lock.
std::mutex fftw_planner_mutex;

// One FFTW real-to-real plan applying the same 1-D transform to `rows`
// contiguous rows of length `n`, with its own input and output buffers.
class RowTransform {
 public:
  RowTransform(int n, int rows, fftw_r2r_kind kind)
      : input_(static_cast<std::size_t>(n) * rows), output_(input_.size()) {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex);
    plan_ = fftw_plan_many_r2r(1, &n, rows, input_.data(), nullptr, 1, n, output_.data(), nullptr, 1, n, &kind,
                               FFTW_ESTIMATE);
    if (plan_ == nullptr)
      throw std::runtime_error("FFTW could not plan a DCT of length " + std::to_string(n));
  }
  ~RowTransform() {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex);
    fftw_destroy_plan(plan_);
  }
  RowTransform(const RowTransform&) = delete;
  RowTransform& operator=(const RowTransform&) = delete;

  std::span<double> input() { return input_; }
  std::span<const double> output() const { return output_; }
  void execute() { fftw_execute(plan_); }

 private:
  std::vector<double> input_, output_;
  fftw_plan plan_ = nullptr;
};

// FFTW's REDFT10 computes Y_k = 2 Σ x_n cos(πk(n+½)/d); the orthonormal DCT-II
// is that times √(1/(4d)) for k = 0 and √(1/(2d)) otherwise. REDFT01 computes
// X_n = Y_0 + 2 Σ_{k≥1} Y_k cos(πk(n+½)/d), so the orthonormal inverse feeds it
// c_0 √(1/d) and c_k √(1/(2d)).
double forward_scale(std::size_t k, std::size_t d) { return std::sqrt(1.0 / ((k == 0 ? 4.0 : 2.0) * d)); }
double inverse_scale(std::size_t k, std::size_t d) { return std::sqrt(1.0 / ((k == 0 ? 1.0 : 2.0) * d)); }

// The scales of every k, once per row length: a square root per coefficient
// would cost as much as the transform.
std::vector<double> scales(std::size_t d, double (*scale)(std::size_t, std::size_t)) {
  std::vector<double> s(d);
  for (std::size_t k = 0; k < d; ++k) s[k] = scale(k, d);
  return s;
}

// The compressed form: for row r, counts[r] (index, value) pairs, rows
// concatenated, indices ascending within a row. `values` already holds the
// stored precision (float32 values widened back), so decoding it is exactly
// what a reader of the stored arrays would do.
struct CompressedRows {
  std::vector<std::int32_t> counts;
  std::vector<std::uint32_t> indices;
  std::vector<double> values;
  double total_energy = 0;  // Σ over rows of the row energy
  double kept_energy = 0;   // Σ of the kept coefficients' squares, before rounding
};

struct Shape {
  std::size_t rows = 0, cols = 0;
};

struct Ranked {
  double magnitude;
  std::uint32_t index;
};

// Key order of the selection: larger magnitude first, ties to the lower index,
// so the kept set is the same whatever order the candidates arrive in.
bool ranks_before(const Ranked& a, const Ranked& b) {
  return a.magnitude != b.magnitude ? a.magnitude > b.magnitude : a.index < b.index;
}

// Moves the first `count` (by key order) of the nonzero candidates in
// `ranked` whose squares reach `target` to ranked[0, count) and returns
// count: the fewest largest coefficients holding the target energy. Expected
// linear time (quickselect on energy rather than on rank): each round
// partitions the open range around a pivot, and either the part ranked above
// the pivot already holds the missing energy (continue inside it) or all of it
// and the pivot are kept (continue after them). No full sort.
std::size_t select_energy(std::vector<Ranked>& ranked, double target, std::uint64_t& pivot_state) {
  std::size_t lo = 0, hi = ranked.size();  // ranked[0, lo) kept, the answer's boundary lies in [lo, hi)
  double kept = 0;             // energy of ranked[0, lo), always < target
  if (target <= 0) return 0;
  while (lo < hi) {
    pivot_state = pivot_state * 6364136223846793005ULL + 1442695040888963407ULL;  // LCG: a fixed, cheap pivot stream
    std::swap(ranked[lo + (pivot_state >> 33) % (hi - lo)], ranked[hi - 1]);
    const Ranked pivot = ranked[hi - 1];
    std::size_t above = lo;
    double above_energy = 0;
    for (std::size_t i = lo; i + 1 < hi; ++i)
      if (ranks_before(ranked[i], pivot)) {
        above_energy += ranked[i].magnitude * ranked[i].magnitude;
        std::swap(ranked[i], ranked[above++]);
      }
    std::swap(ranked[above], ranked[hi - 1]);  // pivot right after the part above it
    if (kept + above_energy >= target) {
      hi = above;  // the part above the pivot holds the rest
    } else {
      kept += above_energy + pivot.magnitude * pivot.magnitude;
      lo = above + 1;
      if (kept >= target) return lo;
    }
  }
  return lo;
}

// Appends to `out` the fewest coefficients of one row whose squares reach
// `energy` of the row's energy: the largest magnitudes first, which is optimal
// for "fewest". With energy >= 1 every nonzero coefficient is kept, so the
// decode is exact whatever rounding the running sum suffers. Linear time:
// select_energy instead of a sort, then the kept indices in ascending order by
// marking them in a bitmap of the row.
void keep_largest(std::span<const double> coeffs, double energy, std::vector<Ranked>& ranked,
                  std::vector<std::uint8_t>& marked, std::uint64_t& pivot_state, CompressedRows& out,
                  bool round_to_float) {
  double row_energy = 0;
  ranked.clear();
  for (std::uint32_t k = 0; k < coeffs.size(); ++k) {
    row_energy += coeffs[k] * coeffs[k];
    if (coeffs[k] != 0) ranked.push_back({std::abs(coeffs[k]), k});  // a zero is never needed
  }
  const std::size_t count =
      energy < 1 ? select_energy(ranked, energy * row_energy, pivot_state) : ranked.size();
  marked.assign(coeffs.size(), 0);
  double kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    marked[ranked[i].index] = 1;
    kept += ranked[i].magnitude * ranked[i].magnitude;
  }
  std::int32_t stored = 0;
  for (std::uint32_t k = 0; k < coeffs.size(); ++k)
    if (marked[k]) {
      out.indices.push_back(k);
      out.values.push_back(round_to_float ? static_cast<double>(static_cast<float>(coeffs[k])) : coeffs[k]);
      ++stored;
    }
  out.counts.push_back(stored);
  out.total_energy += row_energy;
  out.kept_energy += kept;
}

// Reserves room for n elements whose pages are backed by transparent huge pages
// where the kernel offers them (madvise mode). The large buffers here (a 51 MB
// decoded set, the kept coefficients) then take a few dozen page faults instead
// of thousands: on this project's virtual machines zero-filling 51 MB page by
// page takes 160 ms, with huge pages 8 ms, against 27 ms for both transforms.
template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const auto begin = reinterpret_cast<std::uintptr_t>(v.data());
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1), last = (begin + n * sizeof(T)) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
}

// A zeroed buffer of n bytes for an output array (see reserve_huge).
std::vector<std::byte> output_bytes(std::size_t n) {
  std::vector<std::byte> bytes;
  reserve_huge(bytes, n);
  bytes.resize(n);
  return bytes;
}

// Rows transformed per FFTW call: large enough to amortise the call, small
// enough that progress and cancellation stay responsive.
std::size_t chunk_rows(Shape s) { return std::clamp<std::size_t>((std::size_t{1} << 16) / s.cols, 1, s.rows); }

CompressedRows encode(std::span<const double> x, Shape s, double energy, bool round_to_float, Context& ctx) {
  const std::size_t chunk = chunk_rows(s);
  RowTransform dct(static_cast<int>(s.cols), static_cast<int>(chunk), FFTW_REDFT10);
  CompressedRows out;
  out.counts.reserve(s.rows);
  // At most every coefficient is kept: reserving that much only maps address
  // space, and pages are touched as coefficients arrive, with no regrowth copies.
  reserve_huge(out.indices, s.rows * s.cols);
  reserve_huge(out.values, s.rows * s.cols);
  std::vector<double> row(s.cols);
  std::vector<std::uint8_t> marked;
  std::vector<Ranked> ranked;
  std::uint64_t pivot_state = 0x2545F4914F6CDD1DULL;  // same pivots on every run: same output
  const std::vector<double> scale = scales(s.cols, forward_scale);
  for (std::size_t first = 0; first < s.rows; first += chunk) {
    ctx.check_cancelled();
    const std::size_t rows = std::min(chunk, s.rows - first);
    auto in = dct.input();
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(first * s.cols), rows * s.cols, in.begin());
    std::fill(in.begin() + static_cast<std::ptrdiff_t>(rows * s.cols), in.end(), 0.0);  // short last chunk
    dct.execute();
    for (std::size_t r = 0; r < rows; ++r) {
      const double* y = dct.output().data() + r * s.cols;
      for (std::size_t k = 0; k < s.cols; ++k) row[k] = y[k] * scale[k];
      keep_largest(row, energy, ranked, marked, pivot_state, out, round_to_float);
    }
    ctx.progress(first + rows, 2 * s.rows);
  }
  return out;
}

// Decodes into x (rows·cols values): the caller's output buffer, so the
// decoded volume is written once, not built and then copied.
void decode(const CompressedRows& c, Shape s, double* x, Context& ctx) {
  const std::size_t chunk = chunk_rows(s);
  RowTransform idct(static_cast<int>(s.cols), static_cast<int>(chunk), FFTW_REDFT01);
  std::size_t next = 0;  // position in indices/values of the current row's first pair
  const std::vector<double> scale = scales(s.cols, inverse_scale);
  for (std::size_t first = 0; first < s.rows; first += chunk) {
    ctx.check_cancelled();
    const std::size_t rows = std::min(chunk, s.rows - first);
    auto in = idct.input();
    std::fill(in.begin(), in.end(), 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      double* y = in.data() + r * s.cols;
      for (std::int32_t i = 0; i < c.counts[first + r]; ++i, ++next) {
        const std::size_t k = c.indices[next];
        y[k] = c.values[next] * scale[k];
      }
    }
    idct.execute();
    std::copy_n(idct.output().begin(), rows * s.cols, x + first * s.cols);
    ctx.progress(s.rows + first + rows, 2 * s.rows);
  }
}

Shape checked_shape(const Array& samples) {
  const auto& shape = samples.shape();
  if (shape.size() != 2 || shape[0] == 0 || shape[1] == 0)
    throw std::runtime_error("data.samples must be a non-empty {samples, variables} matrix, got shape " +
                             shape_text(shape));
  if (shape[1] > static_cast<std::size_t>(INT_MAX))  // FFTW takes lengths as int
    throw std::runtime_error("rows of " + std::to_string(shape[1]) + " variables are too long for FFTW");
  return {shape[0], shape[1]};
}

// Elements converted to U, written straight into the array's bytes.
template <class U, class T>
Array converted_array(const std::vector<T>& values) {
  std::vector<std::byte> bytes = output_bytes(values.size() * sizeof(U));
  auto* out = reinterpret_cast<U*>(bytes.data());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<U>(values[i]);
  return Array(dtype_of<U>(), {values.size()}, std::move(bytes));
}

// Index width: 16 bits cover every index of rows up to 65535 variables.
Array index_array(const std::vector<std::uint32_t>& indices, std::size_t cols) {
  if (cols <= 65535) return converted_array<std::uint16_t>(indices);
  return converted_array<std::int32_t>(indices);
}

// Decoded samples as the caller asked: float64 as decoded, or rounded to spins
// (+1 for v >= 0, -1 otherwise) for ±1 data such as Ising samples.
Array decoded_array(std::vector<std::byte> decoded, Shape s, const std::string& round) {
  if (round == "none") return Array(DType::f64, {s.rows, s.cols}, std::move(decoded));
  const auto* values = reinterpret_cast<const double*>(decoded.data());
  std::vector<std::byte> spins = output_bytes(s.rows * s.cols);
  std::transform(values, values + spins.size(), reinterpret_cast<std::int8_t*>(spins.data()),
                 [](double v) { return std::int8_t(v >= 0 ? 1 : -1); });
  return Array(DType::i8, {s.rows, s.cols}, std::move(spins));
}

Array value_array(const std::vector<double>& values, bool as_float) {
  if (as_float) return converted_array<float>(values);
  return converted_array<double>(values);
}

// Per-variable mean over the rows (the `center: mean` reference).
std::vector<double> column_means(std::span<const double> x, Shape s) {
  std::vector<double> mean(s.cols, 0.0);
  for (std::size_t r = 0; r < s.rows; ++r)
    for (std::size_t k = 0; k < s.cols; ++k) mean[k] += x[r * s.cols + k];
  for (double& m : mean) m /= static_cast<double>(s.rows);
  return mean;
}

class DctCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact DctCodec::run(const Inputs& in, const Params& p, Context& ctx) {
  const double energy = p.get_double("energy");
  const bool as_float = p.get_string("values") == "float32";

  const Array& samples = in.get("data").array("samples");
  const Shape shape = checked_shape(samples);
  // float64 input is read in place; other types are converted once.
  std::vector<double> converted;
  std::span<const double> x;
  if (samples.dtype() == DType::f64) {
    x = samples.view<double>();
  } else {
    converted = samples.to_double();
    x = converted;
  }
  // center: mean codes each row's deviation from the mean row, so the energy
  // threshold is spent on what varies between samples, not on a common offset
  // (an MD crystal's lattice sites); the mean row is stored once.
  std::vector<double> center;
  if (p.get_string("center") == "mean") {
    center = column_means(x, shape);
    if (converted.empty()) converted.assign(x.begin(), x.end());
    for (std::size_t q = 0; q < converted.size(); ++q) converted[q] -= center[q % shape.cols];
    x = converted;
  }
  const CompressedRows compressed = encode(x, shape, energy, as_float, ctx);
  std::vector<std::byte> decoded = output_bytes(shape.rows * shape.cols * sizeof(double));
  auto* decoded_values = reinterpret_cast<double*>(decoded.data());
  decode(compressed, shape, decoded_values, ctx);
  if (!center.empty())
    for (std::size_t q = 0; q < shape.rows * shape.cols; ++q) decoded_values[q] += center[q % shape.cols];

  Artifact out;
  out.set_array("counts", Array::from<std::int32_t>({shape.rows}, compressed.counts));
  Array indices = index_array(compressed.indices, shape.cols);
  Array values = value_array(compressed.values, as_float);
  const std::size_t kept = compressed.values.size();
  const std::size_t pair_bytes = dtype_size(indices.dtype()) + dtype_size(values.dtype());
  const double bytes = static_cast<double>(4 * shape.rows + kept * pair_bytes + center.size() * sizeof(double));
  const double original_bytes = static_cast<double>(shape.rows * shape.cols * dtype_size(samples.dtype()));
  out.set_array("indices", std::move(indices));
  out.set_array("coefficients", std::move(values));
  out.set_array("samples", decoded_array(std::move(decoded), shape, p.get_string("round")));
  if (!center.empty()) out.set_array("center", Array::from<double>({shape.cols}, center));
  out.set_scalar("bytes", bytes);
  out.set_scalar("original_bytes", original_bytes);
  out.set_scalar("ratio", original_bytes / std::max(bytes, 1.0));
  out.set_scalar("kept_fraction", static_cast<double>(kept) / static_cast<double>(shape.rows * shape.cols));
  out.set_scalar("energy_kept",
                 compressed.total_energy > 0 ? compressed.kept_energy / compressed.total_energy : 1.0);
  return out;
}

}  // namespace

REPRISE_COMPONENT(DctCodec, "codec/dct", "3",
                  "DCT-II codec keeping the largest coefficients that hold a fraction of each sample's energy",
                  param_double("energy", 0.9,
                               "fraction of each sample's (row's) energy kept; 1 keeps every nonzero "
                               "coefficient (lossless up to float64 rounding)")
                      .greater_than(0)
                      .at_most(1),
                  param_string("values", "float64", "precision the kept coefficients are stored in")
                      .one_of({"float64", "float32"}),
                  param_string("round", "none",
                               "none: decoded values as they are (float64); sign: rounded to spins +1 (v >= 0) "
                               "or -1 (int8), for ±1 data")
                      .one_of({"none", "sign"}),
                  param_string("center", "none",
                               "none: code the rows as they are; mean: code each row minus the mean row (stored "
                               "once, float64, counted in bytes), for data with a large common offset")
                      .one_of({"none", "mean"}),
                  input("data", "artifact with array 'samples' {samples, variables}, any numeric dtype"),
                  output("samples", "float64 {samples, variables}: the decompressed samples (int8 spins with round: sign)"),
                  output("counts", "int32 {samples}: coefficients kept per row"),
                  output("indices", "uint16 (int32 beyond 65535 variables): kept DCT indices, rows concatenated"),
                  output("coefficients", "float64 or float32 per 'values': kept orthonormal DCT-II coefficients"),
                  output("center", "float64 {variables} (center: mean only): the mean row added back on decode"),
                  output("bytes", "scalar: size of counts + indices + coefficients (+ the mean row)"),
                  output("original_bytes", "scalar: size of the input samples"),
                  output("ratio", "scalar: original_bytes / bytes"),
                  output("kept_fraction", "scalar: kept coefficients / all coefficients"),
                  output("energy_kept", "scalar: kept energy / total energy over all rows"))

}  // namespace reprise
