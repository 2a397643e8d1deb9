// FAB's (Midgley et al. 2023) double well and the "many well" density built from
// it, as a Boltzmann target (target.hpp): target/many-well's density, rebuilt
// from its artifact by Target::from_artifact. d/2 independent copies of the 2-D
// double well
//     E(x, y) = c x⁴ + b x² + a x + y²/2,   (a, b, c) = (−0.5, −6, 1) in FAB,
// so 2^(d/2) modes, one per sign pattern of the x coordinates, separated by
// barriers of about 9 nats (Langevin alone does not cross them).
//
// Ground truth is exact because the density factorises: the 1-D quartic factor
// exp(−(c x⁴ + b x² + a x)) is tabulated on a fine grid (200 000 cells over the
// range where it exceeds e^−60 of its peak) and integrated by Simpson's rule for
// log Z and the mass of x > 0; samples come from its inverse CDF (trapezoid
// cumulative mass, linear inside a cell: errors O(h²) ≈ 1e−9); y is N(0, 1).
// Mode index: bit i set when x_{2i} > 0; mode mass: the product of the
// per-pair masses.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "components/targets/target.hpp"

namespace reprise {

// The tabulated 1-D factor exp(−(c x⁴ + b x² + a x)).
class QuarticWell {
 public:
  QuarticWell(double a, double b, double c);
  double energy(double x) const { return (c_ * x * x + b_) * x * x + a_ * x; }
  double derivative(double x) const { return (4 * c_ * x * x + 2 * b_) * x + a_; }
  double log_z() const { return log_z_; }
  double mass_positive() const { return mass_positive_; }
  double sample(std::mt19937_64& rng) const;
  double a() const { return a_; }
  double b() const { return b_; }
  double c() const { return c_; }

 private:
  double a_, b_, c_;
  double lo_ = 0, step_ = 0;
  std::vector<double> cdf_;  // normalised cumulative mass at the grid points
  double log_z_ = 0, mass_positive_ = 0;
};

class ManyWellTarget : public Target {
 public:
  ManyWellTarget(std::size_t dim, double a, double b, double c);
  static ManyWellTarget from_artifact(const Artifact& a, const std::string& who);

  std::string family() const override { return "many-well"; }
  std::size_t dim() const override { return dim_; }
  double log_z() const override;
  double energy(const double* x, double* grad) const override;
  RowMatrixXd sample(std::size_t n, std::mt19937_64& rng) const override;
  std::size_t mode_count() const override { return std::size_t{1} << (dim_ / 2); }
  std::size_t mode_of(const double* x) const override;
  std::vector<double> mode_weights() const override;
  std::vector<double> bit_masses() const override { return std::vector<double>(dim_ / 2, well_.mass_positive()); }
  void describe(Artifact& a) const override;

 private:
  std::size_t dim_;
  QuarticWell well_;
};

}  // namespace reprise
