// A mixture of Gaussians with diagonal covariances as a Boltzmann target
// (target.hpp): target/gmm's density, rebuilt from its artifact by
// Target::from_artifact. The density is normalised, so
// E = −log Σ_k w_k N(x; μ_k, diag σ_k²) and log Z = 0 exactly. Mode k is the
// component with the largest responsibility.
#pragma once

#include <string>
#include <vector>

#include "components/targets/target.hpp"

namespace reprise {

class GmmTarget : public Target {
 public:
  GmmTarget(RowMatrixXd means, RowMatrixXd stds, Eigen::VectorXd weights);
  static GmmTarget from_artifact(const Artifact& a, const std::string& who);

  std::string family() const override { return "gmm"; }
  std::size_t dim() const override { return static_cast<std::size_t>(means_.cols()); }
  double log_z() const override { return 0.0; }
  double energy(const double* x, double* grad) const override;
  RowMatrixXd sample(std::size_t n, std::mt19937_64& rng) const override;
  std::size_t mode_count() const override { return static_cast<std::size_t>(means_.rows()); }
  std::size_t mode_of(const double* x) const override;
  std::vector<double> mode_weights() const override;
  void describe(Artifact& a) const override;

 private:
  // log(w_k N(x; μ_k, σ_k²)) for every k.
  void log_components(const double* x, Eigen::VectorXd& out) const;
  RowMatrixXd means_, stds_;
  Eigen::VectorXd weights_, log_norm_;  // log_norm_k = log w_k − Σ_i log(σ_ki √(2π))
};

}  // namespace reprise
