#include "components/learners/interaction_screening.hpp"

#include <Eigen/Dense>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cmath>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "framework/core/hash.hpp"
#include "framework/core/params.hpp"

namespace reprise {
namespace {

// ------------------------------------------------------------------ histogram

// 1 for a +1 spin, 0 for −1 or 0 (the 0/1 encoding). Integers are compared as
// integers so that, e.g., uint16 65535 is not mistaken for −1.
template <class T>
std::uint8_t spin_bit(T v, std::size_t row, std::size_t col) {
  if constexpr (std::is_integral_v<T>) {
    const auto i = static_cast<std::int64_t>(v);
    if (i == 1) return 1;
    if (i == 0 || i == -1) return 0;
  } else {
    if (v == T(1)) return 1;
    if (v == T(0) || v == T(-1)) return 0;
  }
  throw std::invalid_argument("data.samples[" + std::to_string(row) + "][" +
                              std::to_string(col) + "] = " + canonical(static_cast<double>(v)) +
                              " is not a spin; values must be -1/+1 (or 0/1, read as -1/+1)");
}

// Configurations of up to 64 spins are counted under their packed bits as one
// 64-bit key (spin j = bit j, the little-endian reading of SpinHistogram::bits).
using NarrowCounts = std::unordered_map<std::uint64_t, std::uint64_t>;

// The key of row r of up to 64 spins: spin j as bit j.
template <class T>
std::uint64_t packed_key(const T* x, std::size_t p, std::size_t r) {
  const T* row = x + r * p;
  std::uint64_t key = 0;
  for (std::size_t j = 0; j < p; ++j) key |= std::uint64_t{spin_bit(row[j], r, j)} << j;
  return key;
}

// int8 rows, 16 spins at a time: one compare per allowed value and a movemask
// give 16 key bits at once (the paper's p = 16 rows in one step). A chunk with a
// value that is none of −1, 0, 1 is left to the scalar loop, which names it.
template <>
std::uint64_t packed_key<std::int8_t>(const std::int8_t* x, std::size_t p, std::size_t r) {
  const std::int8_t* row = x + r * p;
  std::uint64_t key = 0;
  std::size_t j = 0;
#if defined(__SSE2__)
  const __m128i one = _mm_set1_epi8(1), minus_one = _mm_set1_epi8(-1), zero = _mm_setzero_si128();
  for (; j + 16 <= p; j += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j));
    const __m128i up = _mm_cmpeq_epi8(v, one);
    const __m128i spin = _mm_or_si128(up, _mm_or_si128(_mm_cmpeq_epi8(v, minus_one), _mm_cmpeq_epi8(v, zero)));
    if (_mm_movemask_epi8(spin) != 0xFFFF) break;
    key |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(up))) << j;
  }
#endif
  for (; j < p; ++j) key |= std::uint64_t{spin_bit(row[j], r, j)} << j;
  return key;
}

template <class T>
NarrowCounts count_narrow(const T* x, std::size_t p, std::size_t first, std::size_t last) {
  NarrowCounts counts;
  for (std::size_t r = first; r < last; ++r) ++counts[packed_key(x, p, r)];
  return counts;
}

// Up to kDenseSpins spins a configuration's key indexes a table of 2^p counts
// directly: no hashing, and the nonzero entries come out already in key order.
// 2^20 counts are 8 MiB per counting thread, less than the samples of any M
// that makes counting slow.
constexpr std::size_t kDenseSpins = 20;
using DenseCounts = std::vector<std::uint64_t>;

template <class T>
DenseCounts count_dense(const T* x, std::size_t p, std::size_t first, std::size_t last) {
  DenseCounts counts(std::size_t{1} << p, 0);
  for (std::size_t r = first; r < last; ++r) ++counts[packed_key(x, p, r)];
  return counts;
}

// Wider configurations are keyed by their packed bytes, hashed with xxHash.
struct PackedHash {
  std::size_t operator()(const std::string& s) const { return static_cast<std::size_t>(hash_string(s)); }
};
using WideCounts = std::unordered_map<std::string, std::uint64_t, PackedHash>;

template <class T>
WideCounts count_wide(const T* x, std::size_t p, std::size_t first, std::size_t last) {
  WideCounts counts;
  std::string key((p + 7) / 8, '\0');
  for (std::size_t r = first; r < last; ++r) {
    const T* row = x + r * p;
    std::fill(key.begin(), key.end(), '\0');
    for (std::size_t j = 0; j < p; ++j)
      key[j / 8] = static_cast<char>(static_cast<std::uint8_t>(key[j / 8]) | (spin_bit(row[j], r, j) << (j % 8)));
    ++counts[key];
  }
  return counts;
}

// Counts rows [0, rows) in `threads` contiguous chunks at once and merges the
// maps. The futures are read in chunk order, so a bad value is reported as the
// first one in row order, as a serial pass would.
template <class Counts, class CountRange>
Counts count_in_chunks(std::size_t rows, unsigned threads, CountRange count_range) {
  const std::size_t chunk = (rows + threads - 1) / threads;
  std::vector<std::future<Counts>> parts;
  for (std::size_t first = 0; first < rows; first += chunk)
    parts.push_back(std::async(std::launch::async, count_range, first, std::min(rows, first + chunk)));
  Counts total = parts[0].get();
  for (std::size_t k = 1; k < parts.size(); ++k) {
    const Counts part = parts[k].get();
    if constexpr (std::is_same_v<Counts, DenseCounts>) {
      for (std::size_t key = 0; key < part.size(); ++key) total[key] += part[key];
    } else {
      for (const auto& [key, n] : part) total[key] += n;
    }
  }
  return total;
}

void emit_dense(const DenseCounts& counts, SpinHistogram& h) {
  for (std::uint64_t key = 0; key < counts.size(); ++key) {
    if (counts[key] == 0) continue;
    for (std::size_t b = 0; b < h.bytes_per_row; ++b) h.bits.push_back(static_cast<std::uint8_t>(key >> (8 * b)));
    h.counts.push_back(counts[key]);
  }
}

void emit_narrow(const NarrowCounts& counts, SpinHistogram& h) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end());
  h.bits.resize(rows.size() * h.bytes_per_row);
  h.counts.reserve(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t b = 0; b < h.bytes_per_row; ++b)
      h.bits[k * h.bytes_per_row + b] = static_cast<std::uint8_t>(rows[k].first >> (8 * b));
    h.counts.push_back(rows[k].second);
  }
}

void emit_wide(const WideCounts& counts, SpinHistogram& h) {
  std::vector<std::pair<std::string, std::uint64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end());
  h.bits.resize(rows.size() * h.bytes_per_row);
  h.counts.reserve(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    std::copy(rows[k].first.begin(), rows[k].first.end(),
              reinterpret_cast<char*>(h.bits.data() + k * h.bytes_per_row));
    h.counts.push_back(rows[k].second);
  }
}

template <class T>
void fill_histogram(const Array& samples, unsigned threads, SpinHistogram& h) {
  const T* x = samples.view<T>().data();
  const std::size_t rows = samples.shape()[0], p = h.p;
  if (p <= kDenseSpins)
    emit_dense(count_in_chunks<DenseCounts>(
                   rows, threads, [x, p](std::size_t a, std::size_t b) { return count_dense(x, p, a, b); }),
               h);
  else if (p <= 64)
    emit_narrow(count_in_chunks<NarrowCounts>(
                    rows, threads, [x, p](std::size_t a, std::size_t b) { return count_narrow(x, p, a, b); }),
                h);
  else
    emit_wide(count_in_chunks<WideCounts>(rows, threads,
                                          [x, p](std::size_t a, std::size_t b) { return count_wide(x, p, a, b); }),
              h);
}

// ------------------------------------------------------------------ objective

// S_u's smooth part and gradient on one node. The work is per distinct row k:
// its field Σ_{j≠u} J_uj x_j, the exponential e_k, and (for the gradient) the
// sums Σ_k r_k x_j^(k). With ±1 spins packed eight to a byte, each byte's share
// of the field takes one of 256 values, so
//   * the field is one table lookup per byte instead of eight multiply-adds;
//   * e_k = exp(−x_u h_u) Π_b exp(−x_u T_b[byte_b]) is a product of nb tabulated
//     factors, so a pass costs 512·nb exponentials instead of one per row
//     (exp is what dominates otherwise: about 10 ns a row on SSE2);
//   * the gradient scatters r_k into 256 bins per byte, then takes one signed
//     sum of the bins per spin.
// For the paper's p = 16 a row costs two lookups, two multiplies and two adds.
class ScreeningKernel {
 public:
  ScreeningKernel(const SpinHistogram& h, std::size_t u)
      : h_(h), u_(u), nb_(h.bytes_per_row), table_(nb_ * 256), bins_(nb_ * 256), factor_(2 * nb_ * 256),
        side_(h.unique()), weight_(static_cast<Eigen::Index>(h.unique())), sign_(weight_.size()),
        e_(weight_.size()) {
    const double m = static_cast<double>(h.samples);
    for (std::size_t k = 0; k < h.unique(); ++k) {
      const auto i = static_cast<Eigen::Index>(k);
      weight_(i) = static_cast<double>(h.counts[k]) / m;
      sign_(i) = h.spin(k, u);
      side_[k] = sign_(i) > 0 ? 0 : 1;
    }
  }

  double value(const std::vector<double>& theta) {
    exponentials(theta);
    return (weight_ * e_).sum();
  }

  double value_and_gradient(const std::vector<double>& theta, std::vector<double>& grad) {
    exponentials(theta);
    const Eigen::ArrayXd r = -(weight_ * e_ * sign_);  // d/dθ of each term, up to the spin factor
    gather_gradient(r, grad);
    return (weight_ * e_).sum();
  }

 private:
  // table_[b*256 + v] = Σ_{j in byte b, j≠u} θ_j x_j for the spins v encodes;
  // returns Σ_b max_v |table_|, a bound on |field| − |h_u|.
  double fill_tables(const std::vector<double>& theta) {
    double bound = 0;
    for (std::size_t b = 0; b < nb_; ++b) {
      double* t = table_.data() + b * 256;
      double coef[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      double all_minus = 0, largest = 0;
      for (std::size_t i = 0; i < 8; ++i) {
        const std::size_t j = 8 * b + i;
        if (j < h_.p && j != u_) coef[i] = theta[j];
        all_minus -= coef[i];
      }
      t[0] = all_minus;
      for (unsigned v = 1; v < 256; ++v)  // flip the lowest set bit from −1 to +1
        t[v] = t[v & (v - 1)] + 2.0 * coef[std::countr_zero(v)];
      for (unsigned v = 0; v < 256; ++v) largest = std::max(largest, std::abs(t[v]));
      bound += largest;
    }
    return bound;
  }

  // e_k = exp(−x_u (h_u + Σ_{j≠u} J_uj x_j)) for every distinct row.
  void exponentials(const std::vector<double>& theta) {
    const double bound = fill_tables(theta) + std::abs(theta[u_]);
    // The product form cannot overflow while every partial product stays below
    // e^bound; tabulating only pays when there are more rows than table entries.
    if (bound < 700.0 && static_cast<std::size_t>(factor_.size()) < h_.unique())
      exponentials_by_factors(theta[u_]);
    else
      exponentials_direct(theta[u_]);
  }

  void exponentials_by_factors(double h_u) {
    // factor_[(s*nb + b)*256 + v] = exp(−x_u T_b[v]) with s = 0 for x_u = +1, 1 for −1.
    const auto n = static_cast<Eigen::Index>(nb_ * 256);
    // Written into Eigen-allocated (aligned) storage, whose two halves start on
    // a packet boundary: every entry then goes through Eigen's vectorised exp.
    // Into a Map of a std::vector's memory, Eigen computed the entries before
    // the first aligned address (and after the last) with the scalar std::exp,
    // which rounds differently, so results depended on where malloc put the
    // table: they changed from run to run with the nodes running alongside.
    const Eigen::Map<const Eigen::ArrayXd> t(table_.data(), n);
    factor_.head(n) = (-t).exp();
    factor_.tail(n) = t.exp();
    const double lead[2] = {std::exp(-h_u), std::exp(h_u)};
    // Indexing by side_ rather than branching on the sign: the sign of x_u
    // alternates unpredictably along the sorted rows.
    for (std::size_t k = 0; k < h_.unique(); ++k) {
      const std::uint8_t* row = h_.bits.data() + k * nb_;
      const double* f = factor_.data() + side_[k] * n;
      double e = lead[side_[k]];
      for (std::size_t b = 0; b < nb_; ++b) e *= f[b * 256 + row[b]];
      e_(static_cast<Eigen::Index>(k)) = e;
    }
  }

  void exponentials_direct(double h_u) {
    for (std::size_t k = 0; k < h_.unique(); ++k) {
      const std::uint8_t* row = h_.bits.data() + k * nb_;
      double field = h_u;
      for (std::size_t b = 0; b < nb_; ++b) field += table_[b * 256 + row[b]];
      const auto i = static_cast<Eigen::Index>(k);
      e_(i) = -sign_(i) * field;
    }
    e_ = e_.exp();  // vectorised by Eigen
  }

  // grad_j = Σ_k r_k x_j^(k) for j ≠ u, grad_u = Σ_k r_k.
  void gather_gradient(const Eigen::ArrayXd& r, std::vector<double>& grad) {
    std::fill(bins_.begin(), bins_.end(), 0.0);
    // Rows are sorted, so a high byte keeps its value over long runs of rows;
    // summing a run in a register before touching its bin avoids a chain of
    // dependent read-modify-writes on one memory cell.
    for (std::size_t b = 0; b < nb_; ++b) {
      double* bin = bins_.data() + b * 256;
      unsigned current = h_.unique() ? h_.bits[b] : 0;
      double run = 0;
      for (std::size_t k = 0; k < h_.unique(); ++k) {
        const unsigned v = h_.bits[k * nb_ + b];
        if (v != current) {
          bin[current] += run;
          current = v;
          run = 0;
        }
        run += r(static_cast<Eigen::Index>(k));
      }
      bin[current] += run;
    }
    grad.assign(h_.p, 0.0);
    for (std::size_t b = 0; b < nb_; ++b) {
      const double* bin = bins_.data() + b * 256;
      for (std::size_t i = 0; i < 8 && 8 * b + i < h_.p; ++i) {
        double g = 0;
        for (unsigned v = 0; v < 256; ++v) g += (v >> i) & 1u ? bin[v] : -bin[v];
        grad[8 * b + i] = g;
      }
    }
    grad[u_] = r.sum();
  }

  const SpinHistogram& h_;
  std::size_t u_, nb_;
  std::vector<double> table_, bins_;
  Eigen::ArrayXd factor_;  // Eigen's alignment, not malloc's: see exponentials_by_factors
  std::vector<std::uint8_t> side_;  // 0 where x_u = +1, 1 where x_u = −1
  Eigen::ArrayXd weight_, sign_, e_;
};

// Up to kHalvesSpins spins, once the histogram fills a good part of the 2^p
// configurations, the objective runs on the dense table of counts instead,
// W[v, w] over the half of the spins that holds u ("own", v) and the other half
// (w). The exponent splits as −x_u (h_u + T_own[v]) − x_u T_other[w], with x_u a
// bit of v, so with A[v] = exp(−x_u(v) (h_u + T_own[v])) and P_±[w] = exp(∓T_other[w])
//     S = Σ_v A[v] Σ_w W[v, w] P_{x_u(v)}[w]:
// one pass over W as two matrix-vector products (the rows split by the sign of
// x_u), and the gradient takes one more (the transposed products). Both run at
// full vector width, where the sparse rows cost two gathers each; for the paper's
// p = 16, M = 10^6 that is several times faster per iteration.
constexpr std::size_t kHalvesSpins = 16;

bool use_halves(const SpinHistogram& h) {
  return h.p >= 2 && h.p <= kHalvesSpins && (std::size_t{1} << h.p) <= 4 * h.unique();
}

class HalvesKernel {
 public:
  HalvesKernel(const SpinHistogram& h, std::size_t u) : hist_(h), u_(u) {
    const std::size_t low_bits = (h.p + 1) / 2;
    own_low_ = u < low_bits;
    own_bits_ = own_low_ ? low_bits : h.p - low_bits;
    other_bits_ = h.p - own_bits_;
    own_first_ = own_low_ ? 0 : low_bits;
    other_first_ = own_low_ ? low_bits : 0;
    u_bit_ = u - own_first_;
    const std::size_t n_own = std::size_t{1} << own_bits_, n_other = std::size_t{1} << other_bits_;
    // Rows of W in own-index order within each sign of x_u.
    std::vector<std::int64_t> row_of(n_own);
    for (std::size_t v = 0; v < n_own; ++v) {
      auto& rows = (v >> u_bit_) & 1u ? plus_rows_ : minus_rows_;
      row_of[v] = static_cast<std::int64_t>(rows.size());
      rows.push_back(static_cast<std::uint32_t>(v));
    }
    w_plus_ = RowMatrix::Zero(static_cast<Eigen::Index>(plus_rows_.size()), static_cast<Eigen::Index>(n_other));
    w_minus_ = RowMatrix::Zero(static_cast<Eigen::Index>(minus_rows_.size()), static_cast<Eigen::Index>(n_other));
    const double m = static_cast<double>(h.samples);
    const std::uint64_t low_mask = (std::uint64_t{1} << low_bits) - 1;
    for (std::size_t k = 0; k < h.unique(); ++k) {
      std::uint64_t key = 0;
      for (std::size_t b = 0; b < h.bytes_per_row; ++b) key |= std::uint64_t{h.bits[k * h.bytes_per_row + b]} << (8 * b);
      const std::uint64_t low = key & low_mask, high = key >> low_bits;
      const std::uint64_t v = own_low_ ? low : high, w = own_low_ ? high : low;
      RowMatrix& target = (v >> u_bit_) & 1u ? w_plus_ : w_minus_;
      target(row_of[v], static_cast<Eigen::Index>(w)) += static_cast<double>(h.counts[k]) / m;
    }
  }

  double value(const std::vector<double>& theta) { return evaluate(theta, nullptr); }
  double value_and_gradient(const std::vector<double>& theta, std::vector<double>& grad) {
    return evaluate(theta, &grad);
  }

 private:
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  // t[v] = Σ_i c_i x_i(v) over the half's spins (bit i of v set: x_i = +1), filled
  // by flipping one bit from the all-minus entry; returns max |t|.
  static double half_table(const std::vector<double>& coef, Eigen::ArrayXd& t) {
    const std::size_t n = std::size_t{1} << coef.size();
    t.resize(static_cast<Eigen::Index>(n));
    double all_minus = 0, largest = 0;
    for (double c : coef) all_minus -= c;
    t(0) = all_minus;
    for (std::size_t v = 1; v < n; ++v)
      t(static_cast<Eigen::Index>(v)) = t(static_cast<Eigen::Index>(v & (v - 1))) + 2.0 * coef[std::countr_zero(v)];
    for (std::size_t v = 0; v < n; ++v) largest = std::max(largest, std::abs(t(static_cast<Eigen::Index>(v))));
    return largest;
  }

  // g_i = Σ_v (x_i(v) = +1 ? c[v] : −c[v]) for each bit i of the half.
  static void signed_sums(const Eigen::ArrayXd& c, std::size_t bits, std::size_t first, std::size_t skip,
                          std::vector<double>& grad) {
    for (std::size_t i = 0; i < bits; ++i) {
      if (first + i == skip) continue;
      double g = 0;
      for (Eigen::Index v = 0; v < c.size(); ++v) g += (static_cast<std::size_t>(v) >> i) & 1u ? c(v) : -c(v);
      grad[first + i] = g;
    }
  }

  double evaluate(const std::vector<double>& theta, std::vector<double>* grad) {
    std::vector<double> own_coef(own_bits_), other_coef(other_bits_);
    for (std::size_t i = 0; i < own_bits_; ++i) own_coef[i] = own_first_ + i == u_ ? 0.0 : theta[own_first_ + i];
    for (std::size_t i = 0; i < other_bits_; ++i) other_coef[i] = theta[other_first_ + i];
    const double h_u = theta[u_];
    const double bound = half_table(own_coef, own_) + half_table(other_coef, other_) + std::abs(h_u);
    // Every factor's exponent is within the bound, as in the sparse kernel's guard.
    if (!(bound < 700.0)) {
      if (!sparse_) sparse_.emplace(hist_, u_);  // built on the first such call: most fits never need it
      return grad ? sparse_->value_and_gradient(theta, *grad) : sparse_->value(theta);
    }

    p_plus_ = (-other_).exp();
    p_minus_ = other_.exp();
    a_plus_.resize(static_cast<Eigen::Index>(plus_rows_.size()));
    a_minus_.resize(static_cast<Eigen::Index>(minus_rows_.size()));
    for (std::size_t i = 0; i < plus_rows_.size(); ++i) a_plus_(static_cast<Eigen::Index>(i)) = -(h_u + own_(plus_rows_[i]));
    for (std::size_t i = 0; i < minus_rows_.size(); ++i) a_minus_(static_cast<Eigen::Index>(i)) = h_u + own_(minus_rows_[i]);
    a_plus_ = a_plus_.exp();
    a_minus_ = a_minus_.exp();
    r_plus_.noalias() = w_plus_ * p_plus_.matrix();
    r_minus_.noalias() = w_minus_ * p_minus_.matrix();
    const double value = a_plus_.matrix().dot(r_plus_) + a_minus_.matrix().dot(r_minus_);
    if (!grad) return value;

    // d/dθ of each configuration's term is −x_u e x_j (x_j = 1 for h_u): summed
    // over the other half per own row, and over own rows per other column.
    grad->assign(own_bits_ + other_bits_, 0.0);
    Eigen::ArrayXd own_terms = Eigen::ArrayXd::Zero(own_.size());
    for (std::size_t i = 0; i < plus_rows_.size(); ++i)
      own_terms(plus_rows_[i]) = -a_plus_(static_cast<Eigen::Index>(i)) * r_plus_(static_cast<Eigen::Index>(i));
    for (std::size_t i = 0; i < minus_rows_.size(); ++i)
      own_terms(minus_rows_[i]) = a_minus_(static_cast<Eigen::Index>(i)) * r_minus_(static_cast<Eigen::Index>(i));
    (*grad)[u_] = own_terms.sum();
    signed_sums(own_terms, own_bits_, own_first_, u_, *grad);
    Eigen::VectorXd plus_side, minus_side;
    plus_side.noalias() = w_plus_.transpose() * (-a_plus_).matrix();
    minus_side.noalias() = w_minus_.transpose() * a_minus_.matrix();
    const Eigen::ArrayXd other_terms = p_plus_ * plus_side.array() + p_minus_ * minus_side.array();
    signed_sums(other_terms, other_bits_, other_first_, static_cast<std::size_t>(-1), *grad);
    return value;
  }

  const SpinHistogram& hist_;
  std::optional<ScreeningKernel> sparse_;  // beyond the overflow guard
  std::size_t u_, own_bits_ = 0, other_bits_ = 0, own_first_ = 0, other_first_ = 0, u_bit_ = 0;
  bool own_low_ = true;
  std::vector<std::uint32_t> plus_rows_, minus_rows_;  // own indices v with x_u = +1, −1
  RowMatrix w_plus_, w_minus_;                         // W[v, w] / M, rows in that order
  Eigen::ArrayXd own_, other_, p_plus_, p_minus_, a_plus_, a_minus_;
  Eigen::VectorXd r_plus_, r_minus_;
};

// Calls f with the kernel that serves spin u of this histogram: the dense halves
// table where use_halves says so, the sparse rows otherwise.
template <class F>
auto with_kernel(const SpinHistogram& hist, std::size_t u, F&& f) {
  if (use_halves(hist)) {
    HalvesKernel kernel(hist, u);
    return f(kernel);
  }
  ScreeningKernel kernel(hist, u);
  return f(kernel);
}

// ------------------------------------------------------------------ FISTA

double l1_of_couplings(const std::vector<double>& theta, std::size_t u) {
  double s = 0;
  for (std::size_t j = 0; j < theta.size(); ++j)
    if (j != u) s += std::abs(theta[j]);
  return s;
}

// Proximal step of the l1 term: soft-thresholding of the couplings, h_u untouched.
void prox_step(const std::vector<double>& y, const std::vector<double>& grad, double step, double lambda,
               std::size_t u, std::vector<double>& out) {
  out.resize(y.size());
  const double cut = lambda * step;
  for (std::size_t j = 0; j < y.size(); ++j) {
    const double z = y[j] - step * grad[j];
    out[j] = j == u ? z : std::copysign(std::max(std::abs(z) - cut, 0.0), z);
  }
}

double dot_diff(const std::vector<double>& g, const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += g[j] * (a[j] - b[j]);
  return s;
}

double squared_distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

// Result of one backtracked proximal-gradient step from y.
struct ProxStep {
  double smooth = 0;        // f at the new point
  double mapping_norm = 0;  // ||L (y − x_new)||, the prox-gradient mapping
};

// Doubles L until the quadratic model at y majorises f at the new point (Beck &
// Teboulle's backtracking), so every accepted step decreases F from y.
template <class Kernel>
ProxStep backtracked_step(Kernel& kernel, const std::vector<double>& y, double f_y,
                          const std::vector<double>& grad, double lambda, std::size_t u, double& L,
                          std::vector<double>& x_new) {
  for (;;) {
    prox_step(y, grad, 1.0 / L, lambda, u, x_new);
    const double f_new = kernel.value(x_new);
    const double d2 = squared_distance(x_new, y);
    // Near the optimum f_new − f_y is at the level of the rounding in f (a sum
    // over up to M terms), and a strict test would then double L without end and
    // freeze the iterate. A relative slack of 1e-12, well above that rounding and
    // far below any tolerance worth asking for, keeps L at the true curvature.
    const double model = f_y + dot_diff(grad, x_new, y) + 0.5 * L * d2;
    if (f_new <= model + 1e-12 * std::abs(f_y) || !std::isfinite(L)) return {f_new, L * std::sqrt(d2)};
    L *= 2.0;
  }
}

}  // namespace

SpinHistogram spin_histogram(const Array& samples, unsigned threads) {
  if (samples.rank() != 2 || samples.shape()[0] == 0 || samples.shape()[1] == 0)
    throw std::invalid_argument("data.samples must be a non-empty {samples, spins} matrix");
  // Chunks of at least 2^16 rows: below that a thread costs more than it saves.
  threads = static_cast<unsigned>(std::clamp<std::size_t>(samples.shape()[0] >> 16, 1, std::max(1u, threads)));
  SpinHistogram h;
  h.p = samples.shape()[1];
  h.bytes_per_row = (h.p + 7) / 8;
  h.samples = samples.shape()[0];
  switch (samples.dtype()) {
    case DType::i8: fill_histogram<std::int8_t>(samples, threads, h); break;
    case DType::i32: fill_histogram<std::int32_t>(samples, threads, h); break;
    case DType::i64: fill_histogram<std::int64_t>(samples, threads, h); break;
    case DType::u16: fill_histogram<std::uint16_t>(samples, threads, h); break;
    case DType::u8: fill_histogram<std::uint8_t>(samples, threads, h); break;
    case DType::f32: fill_histogram<float>(samples, threads, h); break;
    case DType::f64: fill_histogram<double>(samples, threads, h); break;
  }
  return h;
}

double screening_objective(const SpinHistogram& hist, std::size_t u, const std::vector<double>& theta,
                           std::vector<double>* grad) {
  if (u >= hist.p || theta.size() != hist.p)
    throw std::invalid_argument("screening_objective needs u < p and theta of length p");
  return with_kernel(hist, u, [&](auto& kernel) {
    return grad ? kernel.value_and_gradient(theta, *grad) : kernel.value(theta);
  });
}

namespace {

template <class Kernel>
ScreeningFit fista(Kernel& kernel, const SpinHistogram& hist, std::size_t u, const ScreeningOptions& options,
                   const std::atomic<bool>* stop) {
  const double lambda = options.lambda;
  std::vector<double> x(hist.p, 0.0), y = x, x_new, grad;
  double F_x = kernel.value(x) + lambda * l1_of_couplings(x, u);
  double t = 1.0, L = 1.0;  // L only grows: backtracking finds the local curvature
  bool momentum = false;    // y ≠ x
  ScreeningFit fit;
  for (fit.iterations = 1; fit.iterations <= options.max_iter; ++fit.iterations) {
    if (stop && stop->load(std::memory_order_relaxed)) {
      fit.cancelled = true;
      break;
    }
    const double f_y = kernel.value_and_gradient(y, grad);
    const ProxStep step = backtracked_step(kernel, y, f_y, grad, lambda, u, L, x_new);
    const double F_new = step.smooth + lambda * l1_of_couplings(x_new, u);
    if (F_new > F_x && momentum) {
      // Momentum carried the iterate uphill: drop it and step from x instead.
      y = x;
      t = 1.0;
      momentum = false;
      continue;
    }
    const double change = std::abs(F_x - F_new);
    const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
    for (std::size_t j = 0; j < x.size(); ++j) y[j] = x_new[j] + ((t - 1.0) / t_next) * (x_new[j] - x[j]);
    momentum = t > 1.0;
    x.swap(x_new);
    F_x = F_new;
    t = t_next;
    if (change <= options.tol * std::abs(F_x) && step.mapping_norm <= options.tol) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, options.max_iter);
  fit.theta = std::move(x);
  fit.objective = F_x;
  return fit;
}

}  // namespace

ScreeningFit fit_screening_node(const SpinHistogram& hist, std::size_t u, const ScreeningOptions& options,
                                const std::atomic<bool>* stop) {
  return with_kernel(hist, u, [&](auto& kernel) { return fista(kernel, hist, u, options, stop); });
}

}  // namespace reprise
