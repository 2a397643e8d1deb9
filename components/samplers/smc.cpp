// sampler/smc: the stochastic-only baseline of the tensor-train flow paper
// (seed 002): the same annealing path, reweighting and systematic resampling as
// sampler/ttflow, but the particles move only by MALA steps (annealed importance
// sampling with resampling, i.e. sequential Monte Carlo). At an equal budget of
// target evaluations per particle it runs one more Langevin step per time step
// than a flow with the same grid (see annealing.hpp).
#include <chrono>

#include "components/samplers/annealing.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class SmcSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact SmcSampler::run(const Inputs& in, const Params& p, Context& ctx) {
  const auto target = Target::from_artifact(in.get("target"), "target");
  const auto started = std::chrono::steady_clock::now();
  const AnnealingResult r = run_annealing(*target, annealing_options(p), ctx);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return annealing_artifact(r, target->dim(), seconds);
}

}  // namespace

REPRISE_COMPONENT(SmcSampler, "sampler/smc", "1",
                  "sequential Monte Carlo along the annealing path (reweighting, resampling, MALA): the "
                  "stochastic-only baseline of the TT flow",
                  annealing_param_particles(), annealing_param_steps(), annealing_param_time_power(),
                  annealing_param_langevin_steps(3),
                  annealing_param_step_size(), annealing_param_reference_std(), annealing_param_resample_threshold(),
                  annealing_param_target_acceptance(), input("target", "a target/* node"), REPRISE_ANNEALING_OUTPUTS)

}  // namespace reprise
