// inr/ffnet: Fourier feature network (Tancik et al., NeurIPS 2020): coordinates
// mapped to γ(x) = [sin 2πBx, cos 2πBx] with B ~ N(0, σ²), then a ReLU MLP. The
// random features lift the MLP's spectral bias; σ sets the frequencies reached.
#pragma once

#include <cstdint>
#include <memory>

#include "components/inr/mlp.hpp"
#include "framework/registry.hpp"

namespace reprise {

class FfnetModel : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

// B is drawn from `seed` with the weights, so a decoder needs only the seed.
std::unique_ptr<inr::Network> make_ffnet_network(const Artifact& model, int input_dim, std::uint64_t seed);

}  // namespace reprise
