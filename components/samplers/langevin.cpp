// sampler/langevin: the unadjusted Langevin algorithm (ULA) on a learned energy
// model, the continuous super-resolution step of the QoI-compression paper
// (Vu & Lokhov, arXiv 2511.13675, seed 000): decompressed samples are moved by
//     x <- x − h ∇E(x) + √(2h) ξ,   ξ ~ N(0, I)
// towards exp(−E), recording the QoI error against the truth along the way.
//
// ULA has no accept/reject step, so its stationary law is biased by O(h): on
// N(0, σ²) the update is x <- (1 − h/σ²) x + √(2h) ξ, whose stationary variance v
// solves v = (1 − h/σ²)² v + 2h, i.e. v = σ² / (1 − h / (2σ²)); and for h >= 2σ²
// (in general h >= 2 / λ_max of the Hessian) it diverges, which stops the node
// with an error naming the step size (see continuous_chain.hpp). sampler/mala
// removes the bias at the cost of rejections.
#include "components/samplers/continuous_chain.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class LangevinSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact LangevinSampler::run(const Inputs& in, const Params& p, Context& ctx) {
  return run_continuous_chain(in, p, ctx, ChainKind::Langevin);
}

}  // namespace

REPRISE_COMPONENT(LangevinSampler, "sampler/langevin", "1",
                  "unadjusted Langevin dynamics on an energy model from decompressed samples or random points, "
                  "recording the QoI error (moments up to order 2) against the truth along the way",
                  chain_param_step(0.01), chain_param_precondition(), chain_param_steps(), chain_param_record(), chain_param_chains(),
                  chain_param_init_scale(), chain_param_threads(), chain_input_model(), chain_input_init(),
                  chain_input_truth(), REPRISE_CONTINUOUS_CHAIN_OUTPUTS)

}  // namespace reprise
