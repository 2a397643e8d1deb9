// A tethered Lennard-Jones system in a periodic box (reduced LJ units: σ = 1,
// mass = 1, k_B = 1; energies in units of ε_LJ): the physics of dataset/md, which
// defines these functions; the unit tests check the forces and the integrator on
// them directly.
//
//   N particles in a periodic square (dim 2) or cubic (dim 3) box of side `box`,
//   minimum-image pair distances, and
//   U(x) = Σ_{i<j} u_sf(r_ij) + Σ_i ½ k |x_i − s_i|²
//   u(r) = 4 ε (r⁻¹² − r⁻⁶), u_sf(r) = u(r) − u(r_c) − (r − r_c) u'(r_c) for r < r_c, 0 beyond
//   (the shifted-force cut-off: energy and force both continuous at r_c, so the
//   integrator conserves energy to O(dt²) without kicks at the cut-off).
// Each particle is tethered by a harmonic spring of stiffness k to its own site s_i
// of a simple square/cubic lattice filling the box (⌈N^(1/dim)⌉ sites per side, the
// first N used). Coordinates are unwrapped (never folded into the box); the tether
// acts on them directly.
//
// Dynamics: Langevin BAOAB splitting (Leimkuhler & Matthews 2013): half kick (B),
// half drift (A), Ornstein–Uhlenbeck velocity update v ← c v + √((1 − c²) T) ξ with
// c = exp(−γ dt) (O), half drift, half kick. With friction γ = 0 the O step is the
// identity and BAOAB is exactly velocity Verlet.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace reprise {

// Positions, velocities and forces are flat {N * dim} arrays, particle-major.
struct LjSystem {
  std::size_t particles = 0, dim = 2;
  double box = 0, cutoff = 2.5, epsilon = 1.0, tether = 1.0;
  std::vector<double> sites;  // {N * dim}, inside [0, box)

  // The lattice sites for `particles` in a box of side `box` (see above).
  static std::vector<double> lattice_sites(std::size_t particles, std::size_t dim, double box);

  double potential(const std::vector<double>& x) const;
  // Writes the forces −∇U into f and returns U.
  double forces(const std::vector<double>& x, std::vector<double>& f) const;
  // One BAOAB step of size dt at friction γ and temperature T; f must hold the forces
  // at x on entry and holds those at the new x on return; returns the new U.
  double baoab_step(std::vector<double>& x, std::vector<double>& v, std::vector<double>& f, double dt,
                    double friction, double temperature, std::mt19937_64& rng,
                    std::normal_distribution<double>& normal) const;
};

}  // namespace reprise
