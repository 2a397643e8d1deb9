// dataset/phi4: samples of the 2-D lattice φ⁴ scalar field theory by Hybrid (Hamiltonian)
// Monte Carlo: the lattice-field-theory case of the QoI-compression paper (seed 000),
// whose quantities of interest are ⟨φ⟩, ⟨φ²⟩, ⟨φ⁴⟩ and the nearest-neighbour ⟨φ_i φ_j⟩.
//
// Convention (kinetic form, lattice spacing 1, periodic L x L lattice, site (r, c) = r*L + c):
//   S(φ) = Σ_x [ ½ Σ_{μ=1,2} (φ_{x+μ} − φ_x)² + ½ m² φ_x² + λ φ_x⁴ ]
//        = Σ_x [ (2 + m²/2) φ_x² + λ φ_x⁴ ] − Σ_{<x,y>} φ_x φ_y      (L >= 3)
// where <x,y> runs once over each nearest-neighbour pair (2 L² pairs), and P(φ) ∝ exp(−S).
// For L = 2 the neighbours x+μ and x−μ coincide, so each of the 4 pairs carries −2.
// m² may be negative (with λ > 0: the double-well, broken-symmetry side).
// At λ = 0 this is the free field: ⟨φ_x φ_y⟩ = (1/N) Σ_k cos(k·(x−y)) / (m² + 4 Σ_μ sin²(k_μ/2)).
#pragma once

#include <cstddef>
#include <vector>

#include "framework/registry.hpp"

namespace reprise {

// The action and its gradient on one lattice, shared with the tests (leapfrog
// energy conservation is checked on these exact functions).
struct Phi4Lattice {
  std::size_t side = 0;  // L
  double m2 = 0, lambda = 0;

  std::size_t sites() const { return side * side; }
  // S(φ) as defined above, from the kinetic form.
  double action(const std::vector<double>& phi) const;
  // force = −∂S/∂φ_x = Σ_{±μ} φ_{x±μ} − (4 + m²) φ_x − 4 λ φ_x³.
  void force(const std::vector<double>& phi, std::vector<double>& out) const;
  // `steps` leapfrog steps of size eps for H = ½ Σ π² + S(φ): half kick, (drift, kick)
  // x steps with the last kick halved. `force` must hold force(phi) on entry and
  // holds force(phi) on return.
  void leapfrog(std::vector<double>& phi, std::vector<double>& pi, std::vector<double>& force_buf, double eps,
                std::size_t steps) const;
};

// Runs `chains` independent HMC chains (each with its own random stream derived
// from ctx.seed() and the chain index, so the rows do not depend on the thread
// count): unit-mass Gaussian momenta, `leapfrog_steps` leapfrog steps of a step size
// jittered uniformly within ±10 % per trajectory (avoids resonant, non-ergodic
// trajectory lengths), Metropolis accept/reject on ΔH. With step_size = 0 each
// chain tunes its step size during burn-in only (multiplicative Robbins–Monro
// updates towards target_acceptance), then freezes it, so every kept trajectory is
// an exact HMC step. Chain c writes rows c, c + C, c + 2C, ...
class Phi4Dataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
