// The heat-bath Gibbs kernel of an Ising model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i),
// x_i ∈ {−1, +1}, shared by sampler/gibbs (blocks of thousands of chains) and
// dataset/ising's Gibbs path for p > 20 (one chain per block, each chain its own
// random stream).
//
// A block of chains is a p × n float matrix, one column per chain: each spin's
// values across the block's chains are contiguous, so updating spin i in every
// chain at once vectorises. One sweep updates every spin of every chain once from
//     P(x_i = +1 | rest) = 1 / (1 + exp(−2 (h_i + Σ_j J_ij x_j))),
// in index order (sweep_systematic) or at p uniformly drawn sites per chain
// (sweep_random). The same model, block, generator state and sweeps give the same
// spins bit for bit: sampler/gibbs's shipped results depend on it, so any change
// here changes both components' output (bump their versions).
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace reprise::gibbs {

// Spins of a block of chains: row i holds spin i of every chain, as ±1 floats.
using SpinRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Rng = std::mt19937_64;

// The couplings as sparse neighbour lists (CSR): a heat-bath update of spin i
// costs its degree, not p. Weights are float, like the spins: the rounding (1e-7
// relative) is far below any Monte Carlo error.
struct SparseIsing {
  std::size_t p = 0;
  std::vector<float> h;
  std::vector<std::size_t> offset;  // neighbours of i: [offset[i], offset[i+1])
  std::vector<std::size_t> index;
  std::vector<float> weight;
};

// The model of a dense row-major {p, p} J and {p} h. Only Σ_{i<j} J_ij x_i x_j
// enters the model, so an asymmetric J (e.g. an unsymmetrised learner output) is
// read through its symmetric part, and the diagonal, which multiplies the
// constant x_i² = 1, is ignored. Throws std::invalid_argument when J or h is not finite.
SparseIsing sparse_ising(std::size_t p, const std::vector<double>& j, const std::vector<double>& h);

// Buffers of one block's sweeps, allocated once rather than per spin.
struct SweepScratch {
  Eigen::ArrayXf field, e;
  std::vector<double> u;
};

// One systematic-scan sweep: spins 0..p−1 in order, each across all the block's
// chains at once; one 64-bit draw gives the uniforms of two chains.
void sweep_systematic(const SparseIsing& m, SpinRows& x, Rng& rng, SweepScratch& scratch);

// One random-scan sweep: each chain in turn makes p updates at uniformly drawn
// sites; one 64-bit draw picks the site and gives the uniform.
void sweep_random(const SparseIsing& m, SpinRows& x, Rng& rng);

// Uniformly random spins, 64 per draw, chain by chain.
void randomise(SpinRows& x, Rng& rng);

// Writes the block's chains as int8 ±1 rows first, first + 1, ... of a {M, p} matrix.
void store(const SpinRows& x, std::size_t first, std::int8_t* out);

}  // namespace reprise::gibbs
