// Boltzmann targets of the tensor-train flow paper (Hagemann et al., arXiv
// 2412.07637, seed 002): densities π(x) ∝ exp(−E(x)) on R^d that a sampler must
// reach, each with what a benchmark needs as ground truth: the energy and its
// gradient, log Z = log ∫ exp(−E), an exact sampler, and a partition of space
// into modes with their exact masses (for the mode-weight error).
//
// Artifact contract ("target"), written by target/gmm and target/many-well:
//   string "family"    "gmm" | "many-well"
//   scalar "dim"       d
//   scalar "log_z"     exact log Z of exp(−E)
//   array  "samples"   float64 {n, d}: exact i.i.d. samples (the ground truth)
//   gmm:       arrays "means" {K, d}, "stds" {K, d}, "weights" {K} (sum 1)
//   many-well: scalars "a", "b", "c": each pair (x_2i, x_2i+1) has energy
//              c x⁴ + b x² + a x (x = x_2i) + y²/2 (y = x_2i+1)
// Target::from_artifact() rebuilds the evaluator from these fields.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class Target {
 public:
  virtual ~Target() = default;
  // Reads the contract above; `who` prefixes error messages.
  static std::unique_ptr<Target> from_artifact(const Artifact& a, const std::string& who);

  virtual std::string family() const = 0;  // the contract's "family"
  virtual std::size_t dim() const = 0;
  virtual double log_z() const = 0;
  // E(x) and, when grad is not null, ∇E(x) (length d).
  virtual double energy(const double* x, double* grad) const = 0;
  // `n` exact samples, rows of {n, d}.
  virtual RowMatrixXd sample(std::size_t n, std::mt19937_64& rng) const = 0;
  // The mode x belongs to, in [0, mode_count()), and each mode's exact mass.
  virtual std::size_t mode_count() const = 0;
  virtual std::size_t mode_of(const double* x) const = 0;
  virtual std::vector<double> mode_weights() const = 0;
  // For targets whose modes are products of independent two-way choices (the
  // many-well: bit i of mode_of is the sign of x_2i), the exact probability that
  // each bit is set; empty for any other target. Mode masses can then be judged
  // factor by factor where 2^(d/2) modes are too many to count.
  virtual std::vector<double> bit_masses() const { return {}; }
  // Writes the family-specific fields of the contract (not samples/log_z/dim).
  virtual void describe(Artifact& a) const = 0;
};

// The fields every target artifact shares, plus `truth` exact samples.
Artifact target_artifact(const Target& t, std::size_t truth, std::uint64_t seed);

}  // namespace reprise
