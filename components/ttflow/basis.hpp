// The one-dimensional basis of the functional tensor train (ftt.hpp) of the
// tensor-train flow paper (seed 002): Fourier functions on a box [lo, hi],
// orthonormalised in the Sobolev space H²(lo, hi), with the inner product taken
// as a mean over the box,
//     ⟨f, g⟩ = (1/L) ∫ f g + f′ g′ + f″ g″ dx,   L = hi − lo,
// so the constant 1 has norm 1: a train's orthonormal cores then carry the
// constant through every dimension at size 1, where the plain integral would
// shrink it by √L per dimension (1e−9 after 16 dimensions on a box of 14, and
// the ridge would swamp any additive field).
// Raw functions: 1, cos(mπ(x − lo)/L), sin(mπ(x − lo)/L) for m = 1..degree
// (L = hi − lo; half periods, so neither φ nor its derivative is forced to be
// periodic on the box). Their H² Gram matrix G (composite Gauss–Legendre, exact
// to rounding for these trigonometric products) is diagonalised, G = V Λ Vᵀ, and
// the basis is ψ = Λ^(−1/2) Vᵀ f over the eigenvalues above 1e−9 of the largest:
// orthonormal in H², with the directions in which the two half-period families
// are numerically dependent (high degree, long boxes) left out. Why H²: the flow needs ∇φ and Δφ, and a ridge on
// coefficients in an H²-orthonormal basis is a penalty on exactly those
// derivatives, where a polynomial basis would be ill-conditioned (the paper's
// Mechanism 2).
//
// Outside the box the functions continue analytically; the box should cover
// where the samples go.
#pragma once

#include <Eigen/Dense>

#include <string>

#include "framework/core/artifact.hpp"

namespace reprise {

class FourierBasis {
 public:
  FourierBasis(double lo, double hi, int degree);
  // Reads the basis artifact (scalars low, high, degree); `who` prefixes errors.
  static FourierBasis from_artifact(const Artifact& a, const std::string& who);

  // Orthonormal functions kept (<= 2·degree + 1).
  std::size_t size() const { return static_cast<std::size_t>(transform_.rows()); }
  double low() const { return lo_; }
  double high() const { return hi_; }
  int degree() const { return degree_; }
  // ψ_j(x), ψ_j′(x), ψ_j″(x) for j < size() (any of the outputs may be null).
  void eval(double x, double* value, double* d1, double* d2) const;
  // Coefficients c with Σ_j c_j ψ_j(x) = 1 (the constant is a raw function, so
  // this is exact up to the dropped directions).
  Eigen::VectorXd constant_coefficients() const;
  // The H² Gram matrix (mean over the box) of the raw Fourier functions f.
  Eigen::MatrixXd raw_gram() const;
  // The raw functions f = [1, cos ws, sin ws, cos 2ws, ...] (2·degree + 1 of
  // them, s = x − low) and their derivatives; ψ = transform() · f.
  std::size_t raw_size() const { return static_cast<std::size_t>(2 * degree_ + 1); }
  void eval_raw(double x, double* f, double* f1, double* f2) const;
  const Eigen::MatrixXd& transform() const { return transform_; }

 private:
  double lo_, hi_;
  int degree_;
  static constexpr double kRelativeCutoff = 1e-9;
  Eigen::MatrixXd transform_;  // Λ^(−1/2) Vᵀ, size() × (2·degree + 1): ψ = transform_ · f
};

}  // namespace reprise
