#include "components/samplers/langevin.hpp"

#include "components/samplers/continuous_chain.hpp"

namespace reprise {

Artifact LangevinSampler::run(const Inputs& in, const Params& p, Context& ctx) {
  return run_continuous_chain(in, p, ctx, "sampler/langevin", ChainKind::Langevin);
}

REPRISE_COMPONENT(LangevinSampler, "sampler/langevin", "1",
                  "unadjusted Langevin dynamics on an energy model from decompressed samples or random points, "
                  "recording the QoI error (moments up to order 2) against the truth along the way",
                  chain_param_step(0.01), chain_param_steps(), chain_param_record(), chain_param_chains(),
                  chain_param_init_scale(), chain_param_threads(), chain_input_model(), chain_input_init(),
                  chain_input_truth(), REPRISE_CONTINUOUS_CHAIN_OUTPUTS)

}  // namespace reprise
