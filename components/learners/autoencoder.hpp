// learner/autoencoder: the baselines of the QoI-compression paper (seed 000):
// an autoencoder compresses each sample to `latent` numbers, and its regularised
// variant adds a penalty on the drift of the QoIs (first and second moments) of
// the reconstructed batch from those of the original batch. The paper's method
// (codec/dct + MCMC correction) is compared with both at equal compression ratio;
// the latent size can be taken from a codec node (`match`) to get that ratio.
//
// Encoder d -> depth x width (ReLU) -> latent (linear), decoder latent -> depth x
// width (ReLU) -> d (linear), on the INR issue's MLP core (components/inr/mlp.*),
// trained with Adam on standardised variables. The stored form is the codes
// (float32), so ratio = original bytes / code bytes; the decoder's weights and the
// standardisation are shared by all samples and not counted, as in the paper.
#pragma once

#include <cstdint>
#include <span>

#include "components/inr/mlp.hpp"
#include "framework/registry.hpp"

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
  // Loss of the batch; adds dLoss/dθ to the two gradient buffers (encoder, decoder).
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

class AutoencoderLearner : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
