// learner/score-matching: the continuous learner of the QoI-compression paper
// (Vu & Lokhov, arXiv 2511.13675, seed 000; Hyvärinen 2005, "Estimation of
// non-normalized statistical models by score matching").
//
// The model is the exponential family p(x) ∝ exp(−E(x)), E(x) = θᵀT(x), whose
// sufficient statistics T are polynomial QoIs (see energy_model.hpp for the
// artifact it writes). Its score is ψ = ∇ log p = −∇E, and Hyvärinen's objective
//     J(θ) = E_data[ ½ |ψ|² + Σ_i ∂_i ψ_i ] = E_data[ ½ |∇E|² − ΔE ]
//          = ½ θᵀ A θ − bᵀ θ,   A_kl = E_data[∇T_k · ∇T_l],  b_k = E_data[ΔT_k],
// needs no partition function and is quadratic in θ: its minimiser solves
//     (A + ridge · I) θ = b,
// a symmetric positive (semi)definite system, solved by LDLT.
//
// Term sets (`degree`, `neighbours`):
//   degree 2, neighbours all: x_i, then x_i x_j for i <= j (a full Gaussian);
//   otherwise: x_i, x_i², x_i x_j for the neighbour pairs (chain: (i, i+1) open;
//   lattice2d: right and down neighbours on an L × L periodic lattice, d = L²;
//   all: every i < j), and with degree 4 also x_i⁴ (the φ⁴ action's terms).
// A degree-2 model also gets the Gaussian fast path (precision, mean).
//
// Closed form (solver auto/closed-form, degree 2 with all pairs). For
// E = ½(x − μ)ᵀP(x − μ): ∇E = P(x − μ), ΔE = tr P, so with the sample mean m and
// the (1/M) sample covariance C,
//     J = ½ tr(P² (C + (m − μ)(m − μ)ᵀ)) − tr P.
// ∂J/∂μ = −P²(m − μ) = 0 gives μ = m, and ∂J/∂P = ½(PC + CP) − I = 0, a Lyapunov
// equation whose unique solution for SPD C is P = C⁻¹. So Gaussian score matching
// is the inverse sample covariance: O(M d² + d³) instead of a K × K system with
// K ≈ d²/2 (d = 500: K = 125 750). `ridge` there is added to C's diagonal. The
// unit test checks it against the generic linear solve.
#pragma once

#include <cstddef>
#include <vector>

#include "components/learners/energy_model.hpp"
#include "framework/registry.hpp"

namespace reprise {

// The term set described above; throws std::invalid_argument naming the
// parameter when neighbours/lattice do not fit d.
std::vector<Monomial> score_matching_terms(std::size_t dim, int degree, const std::string& neighbours,
                                           std::size_t lattice);

class ScoreMatchingLearner : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
