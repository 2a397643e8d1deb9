#include "components/learners/autoencoder_network.hpp"

namespace reprise {
namespace ae {
namespace {

inr::MlpConfig half(int in, int out, const AutoencoderConfig& c) {
  inr::MlpConfig m;
  m.input_dim = in;
  m.output_dim = out;
  m.width = c.width;
  m.depth = c.depth;
  m.activation = inr::Activation::Relu;
  return m;
}

struct Penalty {
  double value = 0;
  inr::Matrix d_outputs;  // dLoss/dY
};

// The loss of Y against X and its gradient with respect to Y (formula in the header).
Penalty reconstruction_loss(const inr::Matrix& y, const inr::Matrix& x, double qoi_weight) {
  const double n = static_cast<double>(x.cols()), d = static_cast<double>(x.rows());
  Penalty out;
  const inr::Matrix diff = y - x;
  out.value = diff.cast<double>().squaredNorm() / (n * d);
  out.d_outputs = diff * static_cast<float>(2 / (n * d));
  if (qoi_weight <= 0) return out;
  const Eigen::VectorXd mean_gap = (y.cast<double>().rowwise().mean() - x.cast<double>().rowwise().mean());
  const Eigen::MatrixXd moment_gap =
      (y.cast<double>() * y.cast<double>().transpose() - x.cast<double>() * x.cast<double>().transpose()) / n;
  out.value += qoi_weight * (mean_gap.squaredNorm() / d + moment_gap.squaredNorm() / (d * d));
  const Eigen::MatrixXd grad_mean = (2 * qoi_weight / (d * n)) * mean_gap * Eigen::RowVectorXd::Ones(x.cols());
  const Eigen::MatrixXd grad_moment = (4 * qoi_weight / (d * d * n)) * moment_gap * y.cast<double>();
  out.d_outputs += (grad_mean + grad_moment).cast<float>();
  return out;
}

}  // namespace

Autoencoder::Autoencoder(const AutoencoderConfig& config, std::uint64_t seed)
    : config_(config),
      encoder_(half(config.dim, config.latent, config), seed),
      decoder_(half(config.latent, config.dim, config), seed ^ 0x9e3779b97f4a7c15ULL) {}

double Autoencoder::loss_and_gradient(const inr::Matrix& x, std::span<float> encoder_grad, std::span<float> decoder_grad) {
  const inr::Matrix codes = encoder_.outputs(x, encoder_ws_);
  const inr::Matrix& y = decoder_.outputs(codes, decoder_ws_);
  Penalty p = reconstruction_loss(y, x, config_.qoi_weight);
  inr::Matrix d_codes(codes.rows(), codes.cols());
  decoder_.backward(codes, p.d_outputs, decoder_grad.data(), decoder_ws_, &d_codes);
  encoder_.backward(x, d_codes, encoder_grad.data(), encoder_ws_);
  return p.value;
}

double Autoencoder::loss(const inr::Matrix& x) {
  const inr::Matrix codes = encoder_.outputs(x, encoder_ws_);
  return reconstruction_loss(decoder_.outputs(codes, decoder_ws_), x, config_.qoi_weight).value;
}

inr::Matrix Autoencoder::encode(const inr::Matrix& x) { return encoder_.outputs(x, encoder_ws_); }
inr::Matrix Autoencoder::decode(const inr::Matrix& codes) { return decoder_.outputs(codes, decoder_ws_); }

}  // namespace ae

}  // namespace reprise
