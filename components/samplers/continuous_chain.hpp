// The chain machinery sampler/langevin and sampler/mala share: the super-resolution
// step of the continuous path of the QoI-compression paper (Vu & Lokhov, arXiv
// 2511.13675, seed 000), where decompressed samples are corrected by MCMC on the
// learned energy model (energy_model.hpp).
//
// M chains in R^d, started from the rows of `init` (e.g. codec/dct output) or, with
// `init: random`, from i.i.d. N(0, init_scale²) coordinates. One step moves every
// chain by the Langevin proposal
//     y = x − h ∇E(x) + √(2h) ξ,   ξ ~ N(0, I),
// taken as is (unadjusted, ULA) or accepted with the Metropolis–Hastings
// probability min(1, exp(−E(y) + E(x) − |x − y + h∇E(y)|²/4h + |y − x + h∇E(x)|²/4h))
// (MALA). With `precondition: model` the proposal is y = x − hA∇E(x) + √(2h) A^{1/2} ξ,
// A the inverse of E's Hessian averaged over the start states (the learned
// covariance for a Gaussian model), and MALA's densities use the A⁻¹ norm: every
// direction then relaxes at one rate, so h no longer has to shrink with the
// condition number. With `truth`, the QoI error, max and mean of |E[x_i] − E_truth[x_i]| and
// |E[x_i x_j] − E_truth[x_i x_j]| (i <= j), is recorded at the listed step counts.
//
// Chains move in lock step, in blocks of kChainBlock rows, each block with its own
// random stream seeded from (ctx.seed(), block index), so the output depends on the
// seed only, never on the number of threads. A non-finite state (ULA with too large
// a step diverges) stops the node with an error naming the step size, the step and
// the remedy, instead of filling the metrics with NaNs.
#pragma once

#include <cstddef>

#include "framework/core/registry.hpp"

namespace reprise {

// Chains per block: one random stream each, and the unit of parallel work.
// Changing it changes both samplers' output for a given seed (bump their versions).
inline constexpr std::size_t kChainBlock = 256;

enum class ChainKind { Langevin, Mala };

// The whole run() of sampler/langevin (ChainKind::Langevin) and sampler/mala.
Artifact run_continuous_chain(const Inputs& in, const Params& p, Context& ctx, ChainKind kind);

// The schema both samplers declare.
ParamSpec chain_param_step(double def);
ParamSpec chain_param_steps();
ParamSpec chain_param_precondition();
ParamSpec chain_param_record();
ParamSpec chain_param_chains();
ParamSpec chain_param_init_scale();
ParamSpec chain_param_threads();
InputSpec chain_input_model();
InputSpec chain_input_init();
InputSpec chain_input_truth();

}  // namespace reprise

// Outputs common to both samplers, as REPRISE_COMPONENT schema items.
#define REPRISE_CONTINUOUS_CHAIN_OUTPUTS                                                                          \
  ::reprise::output("samples", "float64 {M, d}: the chains after `steps` steps"),                                 \
      ::reprise::output("record_steps", "int64 {k}: the recorded step counts (empty without truth)"),             \
      ::reprise::output("record_max_abs", "float64 {k}: max |QoI difference| to the truth at each recorded step"), \
      ::reprise::output("record_mean_abs", "float64 {k}: mean |QoI difference| over the d + d(d+1)/2 QoIs"),      \
      ::reprise::output("record_seconds",                                                                         \
                        "float64 {k}: wall time of the steps so far at each recorded step (varies run to run)"),   \
      ::reprise::output("steps", "scalar: steps run"), ::reprise::output("chains", "scalar: M"),                  \
      ::reprise::output("step", "scalar: the step size h"),                                                       \
      ::reprise::output("seconds", "scalar: wall time of all steps, measured in the node (varies run to run)"),   \
      ::reprise::output("max_abs", "scalar (with truth): max |QoI difference| after the last step"),              \
      ::reprise::output("mean_abs", "scalar (with truth): mean |QoI difference| after the last step")
