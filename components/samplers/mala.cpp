// sampler/mala: the Metropolis-adjusted Langevin algorithm on a learned energy
// model, the exact (unbiased) variant of sampler/langevin for the continuous
// super-resolution step of the QoI-compression paper (Vu & Lokhov, arXiv
// 2511.13675, seed 000; Roberts & Tweedie 1996).
//
// Each step proposes y = x − h ∇E(x) + √(2h) ξ and accepts it with probability
//     min(1, exp(−E(y) + E(x)) q(x | y) / q(y | x)),   q(y | x) ∝ exp(−|y − x + h∇E(x)|² / 4h),
// so exp(−E) is exactly stationary for every h; large h only lowers the
// acceptance rate (output `acceptance`). A proposal with a non-finite energy or
// gradient is rejected. See continuous_chain.hpp for chains, records and seeding.
#include "components/samplers/continuous_chain.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class MalaSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact MalaSampler::run(const Inputs& in, const Params& p, Context& ctx) {
  return run_continuous_chain(in, p, ctx, ChainKind::Mala);
}

}  // namespace

REPRISE_COMPONENT(MalaSampler, "sampler/mala", "1",
                  "Metropolis-adjusted Langevin sampling of an energy model from decompressed samples or random "
                  "points, recording the QoI error (moments up to order 2) against the truth along the way",
                  chain_param_step(0.01), chain_param_precondition(), chain_param_steps(), chain_param_record(), chain_param_chains(),
                  chain_param_init_scale(), chain_param_threads(), chain_input_model(), chain_input_init(),
                  chain_input_truth(), REPRISE_CONTINUOUS_CHAIN_OUTPUTS,
                  output("acceptance", "scalar: accepted proposals / (steps * M)"))

}  // namespace reprise
