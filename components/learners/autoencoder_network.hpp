// The autoencoder of learner/autoencoder: encoder d -> depth x width (ReLU) ->
// latent (linear), decoder latent -> depth x width (ReLU) -> d (linear), on the
// MLP core of the INRs (components/inr/mlp.hpp), with an optional penalty on the
// drift of the batch's QoIs (first and second moments) between input and
// reconstruction.
#pragma once

#include <cstdint>
#include <span>

#include "components/inr/mlp.hpp"

namespace reprise {

namespace ae {

struct AutoencoderConfig {
  int dim = 2, latent = 1, width = 64, depth = 1;
  double qoi_weight = 0;  // λ of the QoI-drift penalty; 0: the plain autoencoder
};

// Loss on a batch X (dim x n, standardised), with Y = decoder(encoder(X)):
//   (1/(n d)) Σ (Y − X)²  +  λ [ (1/d) Σ_j (ȳ_j − x̄_j)²  +  (1/d²) Σ_jk (M_Y − M_X)²_jk ],
// M = (1/n) Y Yᵀ the batch's second moments.
class Autoencoder {
 public:
  Autoencoder(const AutoencoderConfig& config, std::uint64_t seed);
  // Loss of the batch; adds dLoss/dθ to the two gradient buffers (encoder, decoder),
  // which must be Eigen-allocated for reproducible bits (inr::Mlp::backward).
  double loss_and_gradient(const inr::Matrix& x, std::span<float> encoder_grad, std::span<float> decoder_grad);
  double loss(const inr::Matrix& x);
  inr::Matrix encode(const inr::Matrix& x);
  inr::Matrix decode(const inr::Matrix& codes);
  inr::Mlp& encoder() { return encoder_; }
  inr::Mlp& decoder() { return decoder_; }
  const AutoencoderConfig& config() const { return config_; }

 private:
  AutoencoderConfig config_;
  inr::Mlp encoder_, decoder_;
  inr::Workspace encoder_ws_, decoder_ws_;
};

}  // namespace ae

}  // namespace reprise
