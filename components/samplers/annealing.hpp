// The annealing machinery sampler/ttflow and sampler/smc share: particles moved
// along the path of the tensor-train flow paper (seed 002),
//     E_t(x) = (1 − t) |x|²/(2σ₀²) + t E(x),   ρ_t ∝ exp(−E_t),   t: 0 → 1,
// from the Gaussian reference ρ_0 = N(0, σ₀² I) (exact samples, known log Z₀)
// to the target. Each of `steps` time steps t → t′ is
//   1. transport: with a flow (sampler/ttflow), fit the potential φ of the
//      continuity equation Δφ − ∇φ·∇E_t = ∂_tE_t − E_ρt[∂_tE_t] on the current
//      weighted particles (ttflow/ftt, ALS), then move every particle by RK4 on
//      dx/ds = ∇φ(x) with the field frozen over the step, integrating
//      log det ∂x′/∂x = ∫ Δφ ds with the same stages. Incremental weight
//      w = exp(−E_t′(x′) + E_t(x) + log det). Without a flow (sampler/smc) the
//      particles stay and w = exp(−(E_t′ − E_t)(x)), annealed importance sampling;
//      The field is cross-fitted: fitted on one random half of the particles,
//      it moves the other half (and vice versa), so no particle is moved by a
//      map tuned to it (that biases the weights).
//      A guard keeps the particles in place for a step whose transport would
//      leave less than `flow_guard` of the ESS that staying put would (a poor
//      fit can give one particle nearly all the weight);
//   2. reweighting: log Z += log Σ W_i w_i (W the normalised weights), and
//      systematic resampling when the effective sample size falls below
//      `resample_threshold`·N;
//   3. `langevin_steps` MALA steps targeting ρ_t′ (weights unchanged: MALA leaves
//      ρ_t′ invariant); the step size adapts towards `target_acceptance`.
// The weights make both samplers consistent whatever the flow's error: a poor
// field costs effective sample size, not bias in expectations. log Z is another
// matter: the mean of transport weights is unbiased for Z but can be
// heavy-tailed, so sampler/ttflow also reports the annealing increments'
// estimate on the same particles (AnnealingResult::log_z_annealing; see
// sampler/ttflow). The particles are resampled once more at the end, so the
// returned samples are unweighted.
//
// Cost is counted as evaluations of the target (energy and gradient together)
// per particle: one at the start, one after each transport, one per MALA step.
// E_t for another t needs none (E_0 and E are kept per particle), so a flow with
// L Langevin steps costs as much as SMC with L + 1.
#pragma once

#include <cstdint>
#include <vector>

#include "components/targets/target.hpp"
#include "components/ttflow/ftt.hpp"
#include "framework/core/registry.hpp"

namespace reprise {

struct AnnealingOptions {
  std::size_t particles = 2000;
  std::size_t steps = 20;
  double time_power = 1.0;  // t_k = (k / steps)^time_power; see annealing_param_time_power()
  std::size_t langevin_steps = 2;
  double step_size = 0.1;
  double reference_std = 1.0;
  double resample_threshold = 0.5;
  double target_acceptance = 0.6;
  std::size_t substeps = 4;  // RK4 steps per time step (flow)
  double flow_guard = 0.1;   // see flow_param_guard()
  bool cross_fit = true;     // see flow_param_cross_fit()
  bool fixed_halves = false; // see flow_param_halves()
  double transport_fraction = 1.0;  // see flow_param_transport_fraction()
  double box_taper = 0.0;           // see flow_param_box_taper()
  // With a flow: the basis and FTT settings; without: stochastic steps only.
  const FourierBasis* basis = nullptr;
  FttSettings ftt;
};

struct AnnealingResult {
  RowMatrixXd samples;           // {N, d}, unweighted
  Eigen::VectorXd final_log_weights;  // normalised, before the final resampling
  double log_z = 0;              // estimate of log ∫ exp(−E): Π_k Σ_i W_i w_i, w the weights' increments
  double log_z_annealing = 0;    // Π_k Σ_i W_i exp(−(t_k+1 − t_k)(E − E_0)(x_i)) on the same particles (see
                                 // sampler/ttflow); equal to log_z without a flow
  double final_ess = 0;          // ESS/N of the weights before the final resampling
  double min_ess = 1;            // smallest ESS/N seen
  double energy_evaluations = 0; // per particle
  double acceptance = 0;         // mean MALA acceptance
  std::size_t resamplings = 0;
  std::size_t flow_rejections = 0;  // time steps where the guard kept the particles in place
  std::vector<double> times;                 // t_0..t_T
  std::vector<double> ess_history;           // ESS/N after each step's reweighting
  std::vector<double> log_z_history;         // the estimate of log Z_t after each step
  std::vector<double> log_z_annealing_history;  // log_z_annealing's, after each step
  std::vector<double> residual_history;      // relative ALS residual per step (flow)
  std::vector<std::vector<std::size_t>> rank_history;  // bond ranks per step (flow)
  std::vector<double> step_seconds;          // wall time per step
};

AnnealingResult run_annealing(const Target& target, const AnnealingOptions& options, Context& ctx);

// Shared schema and output writing.
ParamSpec annealing_param_particles();
ParamSpec annealing_param_steps();
ParamSpec annealing_param_time_power();
ParamSpec annealing_param_langevin_steps(std::int64_t def);
ParamSpec annealing_param_step_size();
ParamSpec annealing_param_reference_std();
ParamSpec annealing_param_resample_threshold();
ParamSpec annealing_param_target_acceptance();
AnnealingOptions annealing_options(const Params& p);
// sampler/ttflow only: substeps and flow_guard.
ParamSpec flow_param_substeps();
ParamSpec flow_param_guard();
ParamSpec flow_param_cross_fit();
ParamSpec flow_param_box_taper();
ParamSpec flow_param_halves();
ParamSpec flow_param_transport_fraction();
void read_flow_options(const Params& p, AnnealingOptions& o);
Artifact annealing_artifact(const AnnealingResult& r, std::size_t dim, double seconds);

}  // namespace reprise

#define REPRISE_ANNEALING_OUTPUTS                                                                                  \
  ::reprise::output("samples", "float64 {particles, d}: the particles at t = 1, resampled (unweighted)"),          \
      ::reprise::output("log_z", "scalar: estimate of log Z of the target"),                                       \
      ::reprise::output("ess", "scalar: ESS/N of the final weights before the last resampling"),                  \
      ::reprise::output("log_weights", "float64 {particles}: normalised log weights before the last resampling"), \
      ::reprise::output("min_ess", "scalar: smallest ESS/N along the path"),                                       \
      ::reprise::output("energy_evaluations", "scalar: target evaluations (energy + gradient) per particle"),       \
      ::reprise::output("acceptance", "scalar: mean MALA acceptance rate"),                                        \
      ::reprise::output("resamplings", "scalar: how many times the particles were resampled"),                     \
      ::reprise::output("times", "float64 {steps + 1}: the time grid"),                                            \
      ::reprise::output("ess_history", "float64 {steps}: ESS/N after each step's reweighting"),                   \
      ::reprise::output("seconds", "scalar: wall time (varies run to run)")
