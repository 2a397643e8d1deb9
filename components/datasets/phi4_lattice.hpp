// The 2-D lattice φ⁴ action and its Hamiltonian dynamics: the physics of
// dataset/phi4, which defines these functions; the unit tests check the force and
// leapfrog energy conservation on them directly.
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

namespace reprise {

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

}  // namespace reprise
