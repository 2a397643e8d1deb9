// The functional tensor train (FTT) of the tensor-train flow paper (Hagemann et
// al., arXiv 2412.07637, seed 002), its ALS fit and rank adaptation.
//
// A potential on R^d in the FTT format is
//     φ(x) = G_1(x_1) G_2(x_2) ⋯ G_d(x_d),   G_k(x_k) = Σ_j C_k[:, j, :] ψ_j(x_k),
// with cores C_k of shape r_{k−1} × n × r_k (r_0 = r_d = 1) and ψ the
// H²-orthonormal Fourier basis of basis.hpp. Values, gradients and the
// Laplacian follow from prefix/suffix products of the G_k, G_k′ and G_k″.
//
// Fitting (fit_als): minimise the weighted empirical risk over samples x_i
//     Σ_i w_i (Lφ(x_i) − f_i)² + λ ‖C_k‖²,   λ = ridge · Σ_i w_i f_i²,
// for a separable linear operator Lφ = c0 φ + c2 Δφ − g(x)·∇φ, one core at a time
// (alternating linear scheme). At a sample the operator is a sum of
// one-dimensional operators (c2 ∂²_m − g_m ∂_m), so Lφ is linear in C_k through
// four interface vectors per sample: the left value P and left operator part Q
// (products of the cores before k, Q with one factor hit by its operator), and
// the right S and U. Cores left of k are kept left-orthogonal and right of k
// right-orthogonal (QR moves), so the ridge on C_k is a ridge on the whole
// coefficient tensor. The flow uses c0 = 0, c2 = 1, g = ∇E_t and
// f = ∂_tE_t − E_ρt[∂_tE_t]: the continuity equation for v = ∇φ.
//
// Ranks: fixed, or adapted (the paper's Mechanism 3): each new solution is
// blended with the previous one by an exponential moving average, which adds
// their ranks, and the blend is rounded by TT-SVD with a relative Frobenius
// tolerance, so ranks grow only while the field needs them.
#pragma once

#include <Eigen/Dense>

#include <random>
#include <vector>

#include "components/targets/target.hpp"
#include "components/ttflow/basis.hpp"
#include "framework/core/artifact.hpp"

namespace reprise {

class FunctionalTT {
 public:
  // Cores with the given bond ranks (capped at what the dimension allows); core 0
  // zero (φ = 0), the others standard normal entries, so ALS can start at core 0.
  FunctionalTT(std::size_t dim, const FourierBasis& basis, std::size_t rank, std::mt19937_64& rng);

  // Rank 2 in the additive form φ = Σ_k c_k(x_k): cores [c_1 1], [1 0; c_k 1],
  // [1; c_d], with small random c_k. The flow's field is exactly additive when
  // the target factorises (many-well), and ALS started from a generic train
  // finds that structure slowly; from here it is one core solve away.
  static FunctionalTT additive(std::size_t dim, const FourierBasis& basis, std::mt19937_64& rng);

  std::size_t dim() const { return cores_.size(); }
  std::size_t basis_size() const { return basis_.size(); }
  const FourierBasis& basis() const { return basis_; }
  // Bond ranks r_0..r_d (r_0 = r_d = 1).
  std::vector<std::size_t> ranks() const;
  std::size_t max_rank() const;
  // Core k as its left unfolding: (r_{k−1}·n) × r_k, row a·n + j.
  Eigen::MatrixXd& core(std::size_t k) { return cores_[k]; }
  const Eigen::MatrixXd& core(std::size_t k) const { return cores_[k]; }

  // φ, ∇φ and Δφ at the rows of x (any output may be null).
  void evaluate(const RowMatrixXd& x, Eigen::VectorXd* value, RowMatrixXd* gradient, Eigen::VectorXd* laplacian) const;
  // The largest rank a bond k can usefully have: min(n^k, n^(d−k)).
  std::size_t feasible_rank(std::size_t bond) const;
  // Frobenius norm of the coefficient tensor.
  double norm() const;

  // alpha·this + beta·other (same dimension and basis): ranks add.
  FunctionalTT blend(double alpha, const FunctionalTT& other, double beta) const;
  // TT-SVD rounding: relative Frobenius error <= tol, bonds capped at max_rank (0: no cap).
  void round(double tol, std::size_t max_rank);
  // Adds up to `grow` directions to every bond (new left columns tiny and random,
  // new right rows zero, so φ is unchanged), capped at max_rank (0: none).
  void grow_ranks(std::size_t grow, std::size_t max_rank, std::mt19937_64& rng);

  // Orthogonalisation moves used by ALS and rounding.
  void left_orthogonalize(std::size_t k);   // core k left-orthogonal, R into core k+1
  void right_orthogonalize(std::size_t k);  // core k right-orthogonal, L into core k−1

 private:
  FunctionalTT(const FourierBasis& basis, std::vector<Eigen::MatrixXd> cores)
      : basis_(basis), cores_(std::move(cores)) {}
  std::size_t left_rank(std::size_t k) const { return static_cast<std::size_t>(cores_[k].rows()) / basis_size(); }
  FourierBasis basis_;
  std::vector<Eigen::MatrixXd> cores_;
};

// The separable operator Lφ = c0 φ + c2 Δφ − g·∇φ at the fitting samples.
struct AlsProblem {
  const RowMatrixXd* x = nullptr;      // {N, d}
  const RowMatrixXd* drift = nullptr;  // g {N, d}; null: no first-order term
  const Eigen::VectorXd* rhs = nullptr;      // f {N}
  const Eigen::VectorXd* weights = nullptr;  // {N}, null: equal
  double value_coeff = 0;                    // c0
  double laplace_coeff = 1;                  // c2
};

struct AlsOptions {
  int sweeps = 2;       // forward + backward passes
  double ridge = 1e-6;  // λ = ridge · Σ w f² on the squared coefficient norm
};

// Fits φ in place (warm start from its current cores); returns the relative
// residual Σ w (Lφ − f)² / Σ w f².
double fit_als(FunctionalTT& phi, const AlsProblem& problem, const AlsOptions& options);
// Lφ at the problem's samples.
Eigen::VectorXd apply_operator(const FunctionalTT& phi, const AlsProblem& problem);

// Moves the rows of x by `substeps` RK4 steps of dx/ds = v(x) over a time dt,
// with φ fixed, and returns each row's log det of the map, ∫ div v ds integrated
// with the same stages (the flow's reweighting needs it). v = ∇φ, or with
// taper_fraction f > 0 the velocity cut off at φ's basis box [lo, hi]^d:
// v = χ∇φ, χ(x) = Π_k c(x_k), c = 1 inside [lo + m, hi − m], 0 outside [lo, hi]
// and a quintic smoothstep in between (m = f · (hi − lo)); div v = χΔφ + ∇χ·∇φ.
// The Fourier basis knows nothing of the target outside its box: there ∇φ is
// the series' periodic continuation, and a particle it carries from the tail of
// ρ_t into a mode takes a huge weight. With the cut-off such particles stay put
// (the map is the identity outside the box and still a smooth bijection).
Eigen::VectorXd transport_rk4(const FunctionalTT& phi, RowMatrixXd& x, double dt, std::size_t substeps,
                              double taper_fraction = 0);

// The settings a ttflow/ftt node carries to sampler/ttflow.
struct FttSettings {
  std::size_t rank = 0;  // 0: adaptive
  double ema = 0.8;      // weight of the new solution
  double tol = 1e-2;     // rounding tolerance (adaptive)
  std::size_t max_rank = 0;
  std::size_t grow = 1;
  AlsOptions als;
  static FttSettings from_artifact(const Artifact& a, const std::string& who);
};

}  // namespace reprise
