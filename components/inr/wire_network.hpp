// The WIRE network (Saragadam et al., CVPR 2023) that inr/wire describes: an
// implicit neural representation whose activation is the complex Gabor wavelet
// σ(z) = exp(iω z − |s z|²), a sinusoid windowed by a Gaussian.
//
// Layers: a real linear map into the first Gabor layer (its pre-activation is
// real), `depth - 1` complex linear + Gabor layers, and a complex linear output
// whose real part is the field value. With a = Re z, b = Im z,
//   σ(z) = exp(−ω b − s²(a² + b²)) · (cos ω a + i sin ω a).
// Complex weights are stored as separate real and imaginary matrices.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "components/inr/mlp.hpp"

namespace reprise::inr {

struct WireConfig {
  int input_dim = 3;
  int width = 90;  // complex units per layer
  int depth = 5;   // Gabor layers
  float omega = 20;
  float scale = 10;
  // When not empty (one entry per input): input a is multiplied by
  // input_scale[a] before the first layer (isotropic coordinates, model.cpp).
  std::vector<float> input_scale;
};

class WireNet : public Network {
 public:
  // Weights: first layer U(±1/in), later ones U(±√(6/in)/ω) (real and imaginary
  // parts alike); hidden biases U(±√(6/in)/ω), first-layer biases that centre each
  // unit's Gaussian window on a random point of the input box, output biases
  // U(±1/√in). See the constructor for why.
  WireNet(const WireConfig& config, std::uint64_t seed);
  int input_dim() const override { return config_.input_dim; }
  std::string describe() const override;
  void predict(const MatrixView& x, float* y, Workspace& ws) const override;
  double accumulate_gradient(const MatrixView& x, const float* t, float* grad, Workspace& ws,
                             const float* w = nullptr) const override;

 private:
  // Complex layer l >= 1 is (re_[l], im_[l]); layer 0 uses re_[0] only.
  std::size_t forward(const MatrixView& x, Workspace& ws) const;
  void centre_first_layer_windows(std::mt19937_64& rng);
  WireConfig config_;
  std::vector<DenseSlot> re_, im_;
  DenseSlot out_re_, out_im_;
};

}  // namespace reprise::inr
