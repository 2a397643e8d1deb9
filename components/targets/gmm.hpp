// target/gmm: a mixture of Gaussians with diagonal covariances, the multimodal
// benchmark of the tensor-train flow paper (seed 002). The 40-mode 2-D case is
// the one FAB (Midgley et al. 2023) introduced: means uniform in [−40, 40]²,
// every component's standard deviation softplus(1) ≈ 1.3133, equal weights.
// FAB draws the means with torch's generator; reprise draws them with its own
// from `layout_seed`, so the layout is fixed and reproducible but not FAB's
// exact one. `means` (a flat K·d list) replaces the random layout, e.g. for the
// 2-mode case.
//
// The density is normalised, so E = −log Σ_k w_k N(x; μ_k, diag σ_k²) and
// log Z = 0 exactly. Mode k is the component with the largest responsibility.
#pragma once

#include "components/targets/target.hpp"
#include "framework/registry.hpp"

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

class GmmTargetComponent : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
