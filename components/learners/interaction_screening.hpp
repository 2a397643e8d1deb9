// Interaction screening (Vuffray, Misra, Lokhov & Chertkov 2016, "Interaction
// Screening: Efficient and Sample-Optimal Learning of Ising Models"): for the
// Ising model
//     P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i),   x ∈ {−1,+1}^p,
// the parameters of spin u minimise the convex interaction-screening objective
//     S_u(θ) = (1/M) Σ_k exp(−x_u^(k) (h_u + Σ_{j≠u} J_uj x_j^(k))) + λ Σ_{j≠u} |J_uj|,
// solved here with FISTA. learner/grise solves it for every spin.
//
// The objective only depends on the data through the histogram of distinct
// configurations, which for the paper's p = 16, M = 10^6 case holds at most
// 65536 rows instead of 10^6: the solver never touches the raw samples.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise {

// Distinct spin configurations and how often each occurs.
//
// Each configuration is bit-packed, spin j in bit (j % 8) of byte (j / 8), a set
// bit meaning +1. Rows are sorted (by the packed bytes read as a little-endian
// number for p <= 64, lexicographically beyond), so the histogram, and every sum
// over it, is the same whatever order the samples came in and however many
// threads read them.
struct SpinHistogram {
  std::size_t p = 0;                  // spins per configuration
  std::size_t bytes_per_row = 0;      // ceil(p / 8)
  std::uint64_t samples = 0;          // M, the sum of counts
  std::vector<std::uint8_t> bits;     // {unique(), bytes_per_row}, row-major
  std::vector<std::uint64_t> counts;  // multiplicity of each row

  std::size_t unique() const { return counts.size(); }
  // Spin j of configuration k, as ±1.
  int spin(std::size_t k, std::size_t j) const {
    return (bits[k * bytes_per_row + j / 8] >> (j % 8)) & 1u ? 1 : -1;
  }
};

// Reads a {M, p} array of any numeric dtype holding ±1 (or 0/1, read as −1/+1)
// into its histogram, counting row chunks on up to `threads` threads (the result
// does not depend on it). Throws std::invalid_argument naming the first value
// that is none of −1, 0, 1, with its row and column.
SpinHistogram spin_histogram(const Array& samples, unsigned threads = 1);

// Smooth part of S_u at θ, where θ[u] = h_u and θ[j] = J_uj for j ≠ u:
//     (1/M) Σ_k n_k exp(−x_u^(k) (h_u + Σ_{j≠u} J_uj x_j^(k))),
// summed over the histogram's distinct rows k with counts n_k. When `grad` is
// given it receives the gradient in the same layout. The λ-term is the solver's.
double screening_objective(const SpinHistogram& hist, std::size_t u, const std::vector<double>& theta,
                           std::vector<double>* grad);

// Options of the per-node FISTA solve.
struct ScreeningOptions {
  double lambda = 0.0;   // weight of the l1 penalty on J_u· (h_u is not penalised)
  double tol = 1e-8;     // relative objective change and prox-gradient-mapping norm
  int max_iter = 10000;  // iterations, restarts included
};

struct ScreeningFit {
  std::vector<double> theta;  // θ[u] = h_u, θ[j] = J_uj
  double objective = 0.0;     // S_u(θ), penalty included
  int iterations = 0;
  bool converged = false;     // both tolerances met before max_iter
  bool cancelled = false;     // `stop` was raised; theta is the last iterate
};

// Minimises S_u by FISTA (Beck & Teboulle 2009) with backtracking on the smooth
// part and a restart whenever the objective goes up (O'Donoghue & Candès 2015).
// `stop`, when given, is polled once per iteration.
ScreeningFit fit_screening_node(const SpinHistogram& hist, std::size_t u, const ScreeningOptions& options,
                                const std::atomic<bool>* stop = nullptr);

}  // namespace reprise
