// inr/siren: SIREN (Sitzmann et al., NeurIPS 2020), an MLP with sine activations
// sin(ω0 (W x + b)) and the initialisation that keeps activations distributed
// alike through depth. The best INR of the TPC paper (seed 001, Fig. 3A).
#pragma once

#include <cstdint>
#include <memory>

#include "components/inr/mlp.hpp"
#include "framework/registry.hpp"

namespace reprise {

class SirenModel : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

std::unique_ptr<inr::Network> make_siren_network(const Artifact& model, int input_dim, std::uint64_t seed);

}  // namespace reprise
