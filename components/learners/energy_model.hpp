// The energy-model artifact of the continuous path of the QoI-compression paper
// (Vu & Lokhov, arXiv 2511.13675, seed 000), and its evaluator.
//
// A learner (learner/score-matching) writes, and a sampler (sampler/langevin,
// sampler/mala) reads, an exponential-family model whose sufficient statistics
// are polynomial QoIs:
//     p(x) ∝ exp(−E(x)),   E(x) = Σ_k θ_k T_k(x),   x ∈ R^d.
//
// Artifact contract ("energy model"):
//   string "family" = "polynomial"
//   scalar "dim"    = d
//   array  "terms"  int32 {K, 4}: row k lists up to 4 variable indices whose product
//                   is the monomial T_k, −1 marking unused slots (used slots first):
//                   x_i -> [i,-1,-1,-1], x_i x_j -> [i,j,-1,-1], x_i^2 -> [i,i,-1,-1],
//                   x_i^4 -> [i,i,i,i]
//   array  "theta"  float64 {K}
// optional Gaussian fast path (degree <= 2 models, e.g. d = 500 has K ≈ 125 000
// terms but a 500 × 500 precision):
//   array  "precision" float64 {d, d} (symmetric), array "mean" float64 {d}:
//                   E(x) = ½ (x − μ)ᵀ P (x − μ).
// When the fast path is present EnergyModel uses it; it must describe the same
// density as θ, i.e. θᵀT(x) and ½(x − μ)ᵀP(x − μ) may differ only by a constant
// (an energy is only ever defined up to one: samplers use differences and
// gradients). polynomial_energy_artifact() writes both consistently.
#pragma once

#include <Eigen/Dense>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One monomial: product of x[idx[s]] over the used slots (idx[s] >= 0).
struct Monomial {
  std::array<std::int32_t, 4> idx{-1, -1, -1, -1};
  int degree() const;
  double value(const double* x) const;
  // ∂T/∂x_v (product rule over the slots holding v).
  double derivative(const double* x, std::int32_t v) const;
  // Σ_v ∂²T/∂x_v²: over ordered pairs of distinct slots holding the same variable,
  // the product of the remaining slots (x_i^2 -> 2, x_i^4 -> 12 x_i^2, x_i x_j -> 0).
  double laplacian(const double* x) const;
};

class EnergyModel {
 public:
  // Reads and checks the contract above; `who` prefixes error messages
  // (e.g. "sampler/langevin: model").
  static EnergyModel from_artifact(const Artifact& a, const std::string& who);
  // A polynomial model (no Gaussian path).
  EnergyModel(std::size_t dim, std::vector<Monomial> terms, std::vector<double> theta);
  // A Gaussian model, E = ½(x − μ)ᵀP(x − μ).
  EnergyModel(Eigen::MatrixXd precision, Eigen::VectorXd mean);

  std::size_t dim() const { return dim_; }
  bool gaussian() const { return gaussian_; }
  const std::vector<Monomial>& terms() const { return terms_; }
  const std::vector<double>& theta() const { return theta_; }

  // One point x (length d).
  double energy(const double* x) const;
  void gradient(const double* x, double* grad) const;
  double laplacian(const double* x) const;

  // A batch: rows of X {n, d}. energies -> {n}, grads -> {n, d}, laplacians -> {n}.
  void energy(const RowMatrixXd& x, Eigen::VectorXd& energies) const;
  void gradient(const RowMatrixXd& x, RowMatrixXd& grads) const;
  void laplacian(const RowMatrixXd& x, Eigen::VectorXd& laplacians) const;

 private:
  EnergyModel() = default;
  void classify_terms();
  // Per term, the shape its gradient takes the fast way (x_i, x_i x_j, x_i², x_i⁴)
  // or kGeneral for the product rule over slots.
  enum Shape : std::uint8_t { kLinear, kPair, kSquare, kQuartic, kGeneral };
  std::vector<Shape> shape_;
  std::size_t dim_ = 0;
  bool gaussian_ = false;
  std::vector<Monomial> terms_;
  std::vector<double> theta_;
  Eigen::MatrixXd precision_;
  Eigen::VectorXd mean_;
  double trace_ = 0;  // tr P
};

// The degree-2 basis in its canonical order: x_i for i = 0..d−1, then x_i x_j for
// i <= j, row by row (i = 0: j = 0..d−1; i = 1: j = 1..d−1; ...).
std::vector<Monomial> quadratic_terms(std::size_t dim);
// θ over quadratic_terms(d) of E = ½(x − μ)ᵀP(x − μ) − ½μᵀPμ (P symmetric):
// x_i: −(Pμ)_i, x_i²: P_ii / 2, x_i x_j (i < j): P_ij.
std::vector<double> gaussian_theta(const Eigen::MatrixXd& precision, const Eigen::VectorXd& mean);

// Writes the contract: family, dim, terms, theta and, when `precision` is
// non-empty, the Gaussian fast path.
Artifact polynomial_energy_artifact(std::size_t dim, const std::vector<Monomial>& terms,
                                    const std::vector<double>& theta, const Eigen::MatrixXd& precision = {},
                                    const Eigen::VectorXd& mean = {});

}  // namespace reprise
