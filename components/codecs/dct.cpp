// codec/dct: the lossy compressor of the QoI-compression paper (seed 000).
//
// Transforms each sample (row) with the orthonormal DCT-II, keeps the fewest
// largest-magnitude coefficients that hold a fraction `energy` of that row's
// energy, stores them sparsely (counts, indices, values) and decodes them back
// with the inverse DCT. The output carries both the compressed form and the
// decompressed "samples", so downstream nodes can use it in place of the data.
#include <fftw3.h>
#if defined(__AVX__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <algorithm>
#include <bit>
#include <iterator>
#include <limits>
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

// Rows per FFTW call: a chunk of about 8192 values (64 KB per buffer), so the
// transforms' buffers stay in the L2 cache while a row is selected and stored;
// every value crosses memory once on the way in and once on the way out.
std::size_t chunk_rows(std::size_t rows, std::size_t cols) {
  return std::clamp<std::size_t>(std::size_t{8192} / cols, 1, rows);
}

// One FFTW real-to-real plan applying the same 1-D transform to `rows`
// contiguous rows of length `n` of its own input buffer, into its own output.
class RowTransform {
 public:
  RowTransform(int n, int rows, fftw_r2r_kind kind)
      : input_(static_cast<std::size_t>(n) * rows), output_(input_.size()) {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex);
    // FFTW_ESTIMATE: the plan, and so every rounding, is the same on every run
    // (FFTW_MEASURE picks by timing).
    plan_ = fftw_plan_many_r2r(1, &n, rows, input_.data(), nullptr, 1, n, output_.data(), nullptr, 1, n, &kind,
                               FFTW_ESTIMATE);
    if (plan_ == nullptr)
      throw std::runtime_error("FFTW could not plan a real DFT of length " + std::to_string(n));
  }
  ~RowTransform() {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex);
    fftw_destroy_plan(plan_);
  }
  RowTransform(const RowTransform&) = delete;
  RowTransform& operator=(const RowTransform&) = delete;

  double* input() { return input_.data(); }
  const double* output() const { return output_.data(); }
  void execute() { fftw_execute(plan_); }

 private:
  std::vector<double> input_, output_;
  fftw_plan plan_ = nullptr;
};

// The orthonormal DCT-II of a row of length n through one real DFT of the same
// length (Makhoul 1980, "A fast cosine transform in one and two dimensions"):
// the row is permuted to v_m = x_2m, v_(n-1-m) = x_(2m+1), and with
// V = DFT(v) and θ_k = πk/(2n), FFTW's unscaled DCT-II is
// Y_k = 2 Re(e^(-iθ_k) V_k). Conversely V_k = e^(iθ_k) (Y_k - i Y_(n-k)) / 2
// (Y_n = 0), and the inverse DFT of V, un-permuted, is the row again.
//
// FFTW's own REDFT10/REDFT01 do the same with scalar pre- and post-passes and
// a buffer per row; on rows of 64 they cost about twice the real DFT itself.
// Here the twiddles, the orthonormal scales and the inverse DFT's 1/n are one
// table each way, applied in a vectorisable pass over FFTW's halfcomplex
// layout (h_k = Re V_k for k <= n/2, h_(n-k) = Im V_k for 0 < k < n/2):
//   forward  c_k = p_k h_k + q_k h_(n-k)   (orthonormal coefficients)
//   inverse  h_k = r_k c_k + t_k c_(n-k)   (halfcomplex input of FFTW's HC2R)
// with the k = 0 terms (no partner) and, for even n, k = n/2 (its own
// partner, q = t = 0) written out.
class MakhoulTables {
 public:
  explicit MakhoulTables(std::size_t n) : p_(n), q_(n), r_(n), t_(n) {
    const double dn = static_cast<double>(n);
    // s_k: FFTW's REDFT10 times s_k is the orthonormal DCT-II.
    auto s = [dn](std::size_t k) { return std::sqrt(1.0 / ((k == 0 ? 4.0 : 2.0) * dn)); };
    const double pi = std::acos(-1.0);
    p_[0] = 2 * s(0);
    r_[0] = 1 / (2 * s(0) * dn);
    for (std::size_t k = 1; k < n; ++k) {
      const double theta = pi * static_cast<double>(k) / (2 * dn);
      const double cos_k = std::cos(theta), sin_k = std::sin(theta);
      if (2 * k == n) {  // V_(n/2) is real: Y = √2 h
        p_[k] = std::sqrt(2.0) * s(k);
        r_[k] = 1 / (std::sqrt(2.0) * s(k) * dn);
      } else if (2 * k < n) {  // h_k = Re V_k
        p_[k] = 2 * s(k) * cos_k;
        q_[k] = 2 * s(k) * sin_k;
        r_[k] = cos_k / (2 * s(k) * dn);
        t_[k] = sin_k / (2 * s(n - k) * dn);
      } else {  // h_k = Im V_(n-k); cos θ_(n-k) = sin θ_k
        p_[k] = -2 * s(k) * sin_k;
        q_[k] = 2 * s(k) * cos_k;
        r_[k] = -sin_k / (2 * s(k) * dn);
        t_[k] = cos_k / (2 * s(n - k) * dn);
      }
    }
  }

  // Orthonormal DCT-II coefficients c of the row whose permuted DFT is h, and
  // their squares.
  void coefficients(const double* h, double* c, double* squares) const {
    combine(h, p_.data(), q_.data(), c);
    for (std::size_t k = 0; k < p_.size(); ++k) squares[k] = c[k] * c[k];
  }
  // The halfcomplex DFT h of the permuted row whose coefficients are c.
  void spectrum(const double* c, double* h) const { combine(c, r_.data(), t_.data(), h); }

 private:
  // out_k = a_k in_k + b_k in_(n-k), and out_0 = a_0 in_0. Four k at a time
  // where AVX is there: in_(n-k), ..., in_(n-k-3) is one load, reversed.
  void combine(const double* __restrict in, const double* __restrict a, const double* __restrict b,
               double* __restrict out) const {
    const std::size_t n = p_.size();
    out[0] = a[0] * in[0];
    std::size_t k = 1;
#if defined(__AVX__)
    for (; k + 4 <= n; k += 4) {
      const __m256d mirrored = _mm256_loadu_pd(in + (n - k - 3));  // in_(n-k-3) .. in_(n-k)
      const __m256d swapped = _mm256_permute2f128_pd(mirrored, mirrored, 1);
      const __m256d reversed = _mm256_permute_pd(swapped, 0b0101);  // in_(n-k) .. in_(n-k-3)
      const __m256d sum = _mm256_add_pd(_mm256_mul_pd(_mm256_loadu_pd(a + k), _mm256_loadu_pd(in + k)),
                                        _mm256_mul_pd(_mm256_loadu_pd(b + k), reversed));
      _mm256_storeu_pd(out + k, sum);
    }
#endif
    for (; k < n; ++k) out[k] = a[k] * in[k] + b[k] * in[n - k];
  }

  std::vector<double> p_, q_, r_, t_;
};

// v_m = x_2m and v_(n-1-m) = x_(2m+1): the even entries forward, the odd ones
// backward. With AVX2, eight entries at a time: two loads split into the four
// even and four odd ones, put in order in-register.
void permute_row(const double* x, double* v, std::size_t n) {
  std::size_t m = 0;
#if defined(__AVX2__)
  for (; 2 * m + 8 <= n; m += 4) {
    const __m256d a = _mm256_loadu_pd(x + 2 * m), b = _mm256_loadu_pd(x + 2 * m + 4);  // e0 o0 e1 o1, e2 o2 e3 o3
    const __m256d evens = _mm256_permute4x64_pd(_mm256_unpacklo_pd(a, b), 0b11011000);  // e0 e2 e1 e3 -> e0 e1 e2 e3
    const __m256d odds = _mm256_permute4x64_pd(_mm256_unpackhi_pd(a, b), 0b00100111);   // o0 o2 o1 o3 -> o3 o2 o1 o0
    _mm256_storeu_pd(v + m, evens);
    _mm256_storeu_pd(v + (n - 4 - m), odds);
  }
#endif
  for (std::size_t e = m; 2 * e < n; ++e) v[e] = x[2 * e];
  for (std::size_t o = m; 2 * o + 1 < n; ++o) v[n - 1 - o] = x[2 * o + 1];
}

// The inverse of permute_row.
void unpermute_row(const double* v, double* x, std::size_t n) {
  std::size_t m = 0;
#if defined(__AVX2__)
  for (; 2 * m + 8 <= n; m += 4) {
    const __m256d evens = _mm256_permute4x64_pd(_mm256_loadu_pd(v + m), 0b11011000);  // e0 e2 e1 e3
    const __m256d odds = _mm256_permute4x64_pd(_mm256_loadu_pd(v + (n - 4 - m)), 0b00100111);  // o3 o2 o1 o0 -> o0 o2 o1 o3
    _mm256_storeu_pd(x + 2 * m, _mm256_unpacklo_pd(evens, odds));      // e0 o0 e1 o1
    _mm256_storeu_pd(x + 2 * m + 4, _mm256_unpackhi_pd(evens, odds));  // e2 o2 e3 o3
  }
#endif
  for (std::size_t e = m; 2 * e < n; ++e) x[2 * e] = v[e];
  for (std::size_t o = m; 2 * o + 1 < n; ++o) x[2 * o + 1] = v[n - 1 - o];
}

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

// Sums of a row in four interleaved lanes (lane j: the k = j mod 4, ascending)
// rather than one chain of dependent additions. The row's energy and its kept
// energy use the same lanes, so a row keeping every coefficient reports
// exactly its energy (skipped zeros would only have added +0).
struct LaneSum {
  double lane[4] = {0, 0, 0, 0};
  void add(std::size_t k, double v) { lane[k % 4] += v; }
  double total() const { return (lane[0] + lane[1]) + (lane[2] + lane[3]); }
};

double lane_sum(std::span<const double> v) {
  LaneSum sum;
  std::size_t k = 0;
  for (; k + 4 <= v.size(); k += 4)  // unrolled so the four lanes vectorise
    for (std::size_t j = 0; j < 4; ++j) sum.lane[j] += v[k + j];
  for (; k < v.size(); ++k) sum.add(k, v[k]);
  return sum.total();
}

// Bits j = 0..count-1 of the result: squares[j] >= lower and coeffs[j] != 0 (a
// coefficient whose square underflows to 0 is still nonzero). count <= 64.
std::uint64_t at_least_bits(const double* coeffs, const double* squares, std::size_t count, double lower) {
  std::uint64_t m = 0;
  std::size_t j = 0;
#if defined(__AVX__)
  const __m256d bound = _mm256_set1_pd(lower), zero = _mm256_setzero_pd();
  for (; j + 4 <= count; j += 4) {
    const __m256d high = _mm256_cmp_pd(_mm256_loadu_pd(squares + j), bound, _CMP_GE_OQ);
    const __m256d nonzero = _mm256_cmp_pd(_mm256_loadu_pd(coeffs + j), zero, _CMP_NEQ_UQ);
    m |= static_cast<std::uint64_t>(_mm256_movemask_pd(_mm256_and_pd(high, nonzero))) << j;
  }
#elif defined(__SSE2__)
  const __m128d bound = _mm_set1_pd(lower), zero = _mm_setzero_pd();
  for (; j + 2 <= count; j += 2) {
    const __m128d high = _mm_cmpge_pd(_mm_loadu_pd(squares + j), bound);
    const __m128d nonzero = _mm_cmpneq_pd(_mm_loadu_pd(coeffs + j), zero);
    m |= static_cast<std::uint64_t>(_mm_movemask_pd(_mm_and_pd(high, nonzero))) << j;
  }
#endif
  for (; j < count; ++j) m |= std::uint64_t{squares[j] >= lower && coeffs[j] != 0} << j;
  return m;
}

// Chooses, for one row, the fewest largest-magnitude coefficients whose
// squares reach a target energy (ties to the lower index), in linear time and
// without sorting the row. The result is a bit mask over the row's indices.
//
// The squares fall into magnitude classes by their floating-point exponent and
// two mantissa bits, counted down from the largest: class b holds roughly
// (max·2^-(b+1)/4, max·2^-b/4], and everything 63 or more classes down shares
// the last class. "Classes up to b" is then a threshold on the squares,
// s >= floor(b), the smallest double of class b (0 for the last). The energy
// of the classes up to b, a masked sum in the row energy's fixed four-lane
// order, never decreases with b (adding non-negative terms rounds
// monotonically), so the crossing class, the first whose cumulative energy
// reaches the target, is the same whichever class the search starts from. It
// starts from the previous row's: rows of one data set have similar spectra,
// so it usually takes two or three vectorised sums. Every class before the
// crossing one is kept; only the crossing class's few members are sorted.
class EnergySelector {
 public:
  static constexpr unsigned kClasses = 64;

  explicit EnergySelector(std::size_t n) : mask_((n + 63) / 64) {}

  // Mask of the kept coefficients: those reaching `energy` of the row's
  // energy, or every nonzero one when energy >= 1.
  std::span<const std::uint64_t> select(std::span<const double> coeffs, std::span<const double> squares,
                                        double row_energy, double energy) {
    coeffs_ = coeffs;
    squares_ = squares;
    if (energy >= 1) {
      mark_at_least(0.0);
      return mask_;
    }
    std::fill(mask_.begin(), mask_.end(), 0);
    const double target = energy * row_energy;
    if (!(target > 0)) return mask_;
    top_ = largest_bits(squares) >> kShift;
    // The search starts where the previous row crossed, relative to the mean
    // square: that level moves less from row to row than its distance from the
    // largest square does.
    const auto mean_level = static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(row_energy / static_cast<double>(squares.size())) >> kShift);
    const std::int64_t guess = static_cast<std::int64_t>(top_) - (mean_level - crossing_below_mean_);
    double kept = 0;  // energy of the classes before the crossing one
    unsigned c = find_crossing(static_cast<unsigned>(std::clamp<std::int64_t>(guess, 0, kClasses - 1)), target, kept);
    crossing_below_mean_ = mean_level - (static_cast<std::int64_t>(top_) - static_cast<std::int64_t>(c));
    if (c > 0) mark_at_least(floor_of(c - 1));
    for (; c < kClasses; ++c) {  // rounding can leave the element-wise sum short: then the next class continues
      for (const Ranked& r : sorted_members(c)) {
        mask_[r.index / 64] |= std::uint64_t{1} << (r.index % 64);
        kept += r.magnitude * r.magnitude;
        if (kept >= target) return mask_;
      }
    }
    mark_at_least(0.0);  // rounding never reached the target: every nonzero coefficient
    return mask_;
  }

 private:
  static constexpr int kShift = 52 - 2;  // keep the exponent and two mantissa bits

  // The bit pattern of the largest square: squares are >= 0, so their bits
  // order them. Four running maxima, so the loop is not one long dependency chain.
  static std::uint64_t largest_bits(std::span<const double> squares) {
    std::uint64_t top[4] = {0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 4 <= squares.size(); k += 4)
      for (int lane = 0; lane < 4; ++lane) top[lane] = std::max(top[lane], std::bit_cast<std::uint64_t>(squares[k + lane]));
    for (; k < squares.size(); ++k) top[0] = std::max(top[0], std::bit_cast<std::uint64_t>(squares[k]));
    return std::max(std::max(top[0], top[1]), std::max(top[2], top[3]));
  }

  // The smallest square of class c: non-negative doubles order like their bits.
  double floor_of(unsigned c) const {
    if (c + 1 >= kClasses || top_ <= c) return 0.0;
    return std::bit_cast<double>((top_ - c) << kShift);
  }

  // Energy of the squares >= lower, in the lanes of lane_sum: with lower = 0 it
  // is exactly the row energy. The SIMD paths keep lane j in vector element j
  // (j = k mod 4), so they add in the same order as the scalar one.
  double energy_at_least(double lower) const {
    const double* s = squares_.data();
    const std::size_t n = squares_.size();
    LaneSum sum;
    std::size_t k = 0;
#if defined(__AVX__)
    const __m256d bound = _mm256_set1_pd(lower);
    __m256d lanes = _mm256_setzero_pd();
    for (; k + 4 <= n; k += 4) {
      const __m256d v = _mm256_loadu_pd(s + k);
      lanes = _mm256_add_pd(lanes, _mm256_and_pd(_mm256_cmp_pd(v, bound, _CMP_GE_OQ), v));
    }
    _mm256_storeu_pd(sum.lane, lanes);
#elif defined(__SSE2__)
    const __m128d bound = _mm_set1_pd(lower);
    __m128d low = _mm_setzero_pd(), high = _mm_setzero_pd();  // lanes 0, 1 and 2, 3
    for (; k + 4 <= n; k += 4) {
      const __m128d a = _mm_loadu_pd(s + k), b = _mm_loadu_pd(s + k + 2);
      low = _mm_add_pd(low, _mm_and_pd(_mm_cmpge_pd(a, bound), a));
      high = _mm_add_pd(high, _mm_and_pd(_mm_cmpge_pd(b, bound), b));
    }
    _mm_storeu_pd(sum.lane, low);
    _mm_storeu_pd(sum.lane + 2, high);
#endif
    for (; k < n; ++k) sum.add(k, s[k] >= lower ? s[k] : 0.0);
    return sum.total();
  }

  // The first class whose cumulative energy reaches the target, searched from
  // `guess`; `before` receives the cumulative energy of the classes before it.
  // Each class's cumulative energy is summed once on either walk.
  unsigned find_crossing(unsigned guess, double target, double& before) {
    unsigned c = guess;
    double through = energy_at_least(floor_of(c));  // energy of the classes up to c
    if (through >= target) {
      before = 0;
      while (c > 0) {
        const double below = energy_at_least(floor_of(c - 1));
        if (below < target) {
          before = below;
          break;
        }
        --c;
      }
      return c;
    }
    do {
      before = through;
      ++c;
    } while (c + 1 < kClasses && (through = energy_at_least(floor_of(c))) < target);
    return c;
  }

  // Sets the mask to the nonzero coefficients whose squares are >= lower.
  void mark_at_least(double lower) {
    for (std::size_t w = 0; w < mask_.size(); ++w) mask_[w] = word_at_least(w, lower);
  }

  std::uint64_t word_at_least(std::size_t w, double lower) const {
    const std::size_t first = 64 * w;
    return at_least_bits(coeffs_.data() + first, squares_.data() + first, std::min<std::size_t>(64, squares_.size() - first),
                         lower);
  }

  // The nonzero members of class c in key order.
  const std::vector<Ranked>& sorted_members(unsigned c) {
    members_.clear();
    const double lower = floor_of(c);
    for (std::size_t w = 0; w < mask_.size(); ++w) {
      // The mask holds exactly the classes before c (all kept by now).
      for (std::uint64_t m = word_at_least(w, lower) & ~mask_[w]; m != 0; m &= m - 1) {
        const auto k = static_cast<std::uint32_t>(64 * w + static_cast<std::size_t>(std::countr_zero(m)));
        members_.push_back({std::abs(coeffs_[k]), k});
      }
    }
    std::sort(members_.begin(), members_.end(), ranks_before);
    return members_;
  }

  std::span<const double> coeffs_, squares_;
  std::uint64_t top_ = 0;
  std::int64_t crossing_below_mean_ = 0;  // level of the previous row's crossing class under its mean square
  std::vector<std::uint64_t> mask_;
  std::vector<Ranked> members_;
};

// Asks for transparent huge pages (madvise mode) behind [data, data + bytes).
// The large buffers here (a 51 MB decoded set, the kept coefficients) then take
// a few dozen page faults instead of thousands where their memory is fresh: on
// this project's virtual machines zero-filling 51 MB page by page takes 160 ms,
// with huge pages 8 ms, against 27 ms for both transforms.
void advise_huge(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1), last = (begin + bytes) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
}

template <class T>
void reserve_huge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  advise_huge(v.data(), n * sizeof(T));
}

// A growing output array's bytes, appended a chunk at a time: no zero fill,
// and (see reserve_huge) few page faults.
class ByteSink {
 public:
  explicit ByteSink(std::size_t capacity) { reserve_huge(bytes_, capacity); }
  template <class T>
  void append(std::span<const T> values) {
    const auto* b = reinterpret_cast<const std::byte*>(values.data());
    bytes_.insert(bytes_.end(), b, b + values.size() * sizeof(T));
  }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

// The codec's settings and outputs for one data set.
struct Coding {
  double energy = 0.9;
  bool round_to_float = false;  // store float32 values (kept values widened back for the decode)
  bool round_to_sign = false;   // decoded output as int8 spins
  std::vector<double> center;   // added back to every decoded row (center: mean), or empty
};

struct Coded {
  std::vector<std::int32_t> counts;
  std::vector<std::byte> indices, values;
  ArrayBytes decoded{0};
  std::size_t kept = 0;
  double total_energy = 0;  // Σ over rows of the row energy
  double kept_energy = 0;   // Σ of the kept coefficients' squares, before rounding
};

// Spins of one decoded row: +1 for v >= 0, -1 otherwise. A value within
// rounding of zero (1e-12 of the row's norm) counts as 0, so +1: where the kept
// coefficients cancel exactly, the sign of the transform's rounding noise
// would otherwise decide the spin.
void round_to_spins(std::span<const double> row, std::int8_t* spins) {
  double norm = 0;
  for (double v : row) norm += v * v;
  const double zero = 1e-12 * std::sqrt(norm);
  for (std::size_t k = 0; k < row.size(); ++k) spins[k] = std::int8_t(row[k] >= -zero ? 1 : -1);
}

// Writes one decoded chunk (rows still permuted, see permute_row) where its
// rows belong in the output: float64 with the center added back, or rounded to
// spins (round_to_spins) for ±1 data.
void write_decoded(const double* permuted, std::size_t rows, std::size_t n, std::size_t first_row, const Coding& c,
                   std::byte* out) {
  if (c.center.empty() && !c.round_to_sign) {
    auto* values = reinterpret_cast<double*>(out) + first_row * n;
    for (std::size_t r = 0; r < rows; ++r) unpermute_row(permuted + r * n, values + r * n, n);
    return;
  }
  std::vector<double> row(n);
  for (std::size_t r = 0; r < rows; ++r) {
    unpermute_row(permuted + r * n, row.data(), n);
    if (!c.center.empty())
      for (std::size_t k = 0; k < n; ++k) row[k] += c.center[k];
    if (c.round_to_sign)
      round_to_spins(row, reinterpret_cast<std::int8_t*>(out) + (first_row + r) * n);
    else
      std::copy(row.begin(), row.end(), reinterpret_cast<double*>(out) + (first_row + r) * n);
  }
}

// One row's coding: its permuted DFT in, the kept pairs and the inverse DFT's
// input out.
class RowCoder {
 public:
  RowCoder(std::size_t n, const Coding& c) : coding_(c), tables_(n), coeffs_(n), squares_(n), kept_(n), selector_(n) {}

  // Codes the row whose permuted halfcomplex DFT is h: writes its kept
  // indices and values (ascending index) from index_out / value_out on, the
  // inverse DFT's input of exactly what is stored into back, adds its energies
  // to `out` and returns how many pairs it kept.
  template <class IndexT, class ValueT>
  std::int32_t code(const double* h, double* back, IndexT* index_out, ValueT* value_out, Coded& out) {
    const std::size_t n = coeffs_.size();
    tables_.coefficients(h, coeffs_.data(), squares_.data());
    const double row_energy = lane_sum(squares_);
    const std::span<const std::uint64_t> mask = selector_.select(coeffs_, squares_, row_energy, coding_.energy);
    std::int32_t stored = 0;
    LaneSum kept_energy;
    std::fill(kept_.begin(), kept_.end(), 0.0);
    for (std::size_t w = 0; w < mask.size(); ++w)
      for (std::uint64_t m = mask[w]; m != 0; m &= m - 1) {  // the kept indices, ascending
        const std::size_t k = 64 * w + static_cast<std::size_t>(std::countr_zero(m));
        const double value = coding_.round_to_float ? static_cast<double>(static_cast<float>(coeffs_[k])) : coeffs_[k];
        index_out[stored] = static_cast<IndexT>(k);
        value_out[stored] = static_cast<ValueT>(value);
        kept_[k] = value;
        kept_energy.add(k, squares_[k]);
        ++stored;
      }
    tables_.spectrum(kept_.data(), back);
    out.kept_energy += kept_energy.total();
    out.total_energy += row_energy;
    return stored;
  }

 private:
  const Coding& coding_;
  const MakhoulTables tables_;
  std::vector<double> coeffs_, squares_, kept_;
  EnergySelector selector_;
};

// Encodes and decodes `x` chunk by chunk: permuted rows, their real DFT, the
// DCT coefficients and their selection, the stored pairs, the inverse DFT of
// exactly what is stored, and the decoded rows. IndexT and ValueT are the
// stored index and value types.
template <class IndexT, class ValueT>
Coded code(std::span<const double> x, Shape s, const Coding& c, Context& ctx) {
  const std::size_t chunk = chunk_rows(s.rows, s.cols), n = s.cols;
  RowTransform forward(static_cast<int>(n), static_cast<int>(chunk), FFTW_R2HC);
  RowTransform inverse(static_cast<int>(n), static_cast<int>(chunk), FFTW_HC2R);
  RowCoder row_coder(n, c);
  Coded out;
  out.counts.reserve(s.rows);
  // At most every coefficient is kept: reserving that much only maps address
  // space; pages are touched as chunks arrive.
  ByteSink indices(s.rows * n * sizeof(IndexT)), values(s.rows * n * sizeof(ValueT));
  out.decoded = ArrayBytes(s.rows * n * (c.round_to_sign ? 1 : sizeof(double)));
  advise_huge(out.decoded.data(), out.decoded.size());
  std::vector<IndexT> chunk_indices(chunk * n);  // a chunk's stored pairs, appended to the sinks at its end
  std::vector<ValueT> chunk_values(chunk * n);
  for (std::size_t first = 0; first < s.rows; first += chunk) {
    ctx.check_cancelled();
    const std::size_t rows = std::min(chunk, s.rows - first);
    for (std::size_t r = 0; r < rows; ++r) permute_row(x.data() + (first + r) * n, forward.input() + r * n, n);
    std::fill(forward.input() + rows * n, forward.input() + chunk * n, 0.0);  // the short last chunk's padding
    forward.execute();
    IndexT* index_out = chunk_indices.data();
    ValueT* value_out = chunk_values.data();
    double* inverse_in = inverse.input();
    for (std::size_t r = 0; r < rows; ++r) {
      const std::int32_t stored = row_coder.code(forward.output() + r * n, inverse_in + r * n, index_out, value_out, out);
      index_out += stored;
      value_out += stored;
      out.counts.push_back(stored);
    }
    std::fill(inverse_in + rows * n, inverse_in + chunk * n, 0.0);
    inverse.execute();
    write_decoded(inverse.output(), rows, n, first, c, out.decoded.data());
    const std::size_t kept = static_cast<std::size_t>(value_out - chunk_values.data());
    indices.append(std::span<const IndexT>(chunk_indices.data(), kept));
    values.append(std::span<const ValueT>(chunk_values.data(), kept));
    out.kept += kept;
    ctx.progress(first + rows, s.rows);
  }
  out.indices = indices.take();
  out.values = values.take();
  return out;
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

// Per-variable mean over the rows (the `center: mean` reference).
std::vector<double> column_means(std::span<const double> x, Shape s) {
  std::vector<double> mean(s.cols, 0.0);
  for (std::size_t r = 0; r < s.rows; ++r)
    for (std::size_t k = 0; k < s.cols; ++k) mean[k] += x[r * s.cols + k];
  for (double& m : mean) m /= static_cast<double>(s.rows);
  return mean;
}

// Index width: 16 bits cover every index of rows up to 65535 variables.
template <class ValueT>
Coded code_with_values(std::span<const double> x, Shape s, const Coding& c, Context& ctx) {
  if (s.cols <= 65535) return code<std::uint16_t, ValueT>(x, s, c, ctx);
  return code<std::int32_t, ValueT>(x, s, c, ctx);
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
  Coding coding{energy, as_float, p.get_string("round") == "sign", center};
  Coded coded = as_float ? code_with_values<float>(x, shape, coding, ctx)
                         : code_with_values<double>(x, shape, coding, ctx);

  Artifact out;
  out.set_array("counts", Array::from<std::int32_t>({shape.rows}, coded.counts));
  const DType index_type = shape.cols <= 65535 ? DType::u16 : DType::i32;
  const DType value_type = as_float ? DType::f32 : DType::f64;
  const std::size_t pair_bytes = dtype_size(index_type) + dtype_size(value_type);
  const double bytes = static_cast<double>(4 * shape.rows + coded.kept * pair_bytes + center.size() * sizeof(double));
  const double original_bytes = static_cast<double>(shape.rows * shape.cols * dtype_size(samples.dtype()));
  out.set_array("indices", Array(index_type, {coded.kept}, std::move(coded.indices)));
  out.set_array("coefficients", Array(value_type, {coded.kept}, std::move(coded.values)));
  out.set_array("samples", Array(coding.round_to_sign ? DType::i8 : DType::f64, {shape.rows, shape.cols},
                                 std::move(coded.decoded)));
  if (!center.empty()) out.set_array("center", Array::from<double>({shape.cols}, center));
  out.set_scalar("bytes", bytes);
  out.set_scalar("original_bytes", original_bytes);
  out.set_scalar("ratio", original_bytes / std::max(bytes, 1.0));
  out.set_scalar("kept_fraction", static_cast<double>(coded.kept) / static_cast<double>(shape.rows * shape.cols));
  out.set_scalar("energy_kept", coded.total_energy > 0 ? coded.kept_energy / coded.total_energy : 1.0);
  return out;
}

}  // namespace

REPRISE_COMPONENT(DctCodec, "codec/dct", "6",
                  "DCT-II codec keeping the largest coefficients that hold a fraction of each sample's energy",
                  param_double("energy", 0.9,
                               "fraction of each sample's (row's) energy kept; 1 keeps every nonzero "
                               "coefficient (lossless up to float64 rounding)")
                      .greater_than(0)
                      .at_most(1),
                  param_string("values", "float64", "precision the kept coefficients are stored in")
                      .one_of({"float64", "float32"}),
                  param_string("round", "none",
                               "none: decoded values as they are (float64); sign: rounded to spins +1 (v >= 0, "
                               "values within 1e-12 of the row's norm count as 0) or -1 (int8), for ±1 data")
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
