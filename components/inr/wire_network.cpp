#include "components/inr/wire_network.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace reprise::inr {

WireNet::WireNet(const WireConfig& config, std::uint64_t seed) : config_(config) {
  if (config_.input_dim < 1 || config_.width < 1 || config_.depth < 1)
    throw std::invalid_argument("WIRE needs input_dim, width and depth >= 1");
  check_input_scale(config_.input_scale, config_.input_dim, "WIRE");
  re_.push_back(add_dense(config_.input_dim, config_.width));
  im_.push_back(DenseSlot{});
  for (int l = 1; l < config_.depth; ++l) {
    re_.push_back(add_dense(config_.width, config_.width));
    im_.push_back(add_dense(config_.width, config_.width));
  }
  out_re_ = add_dense(config_.width, 1);
  out_im_ = add_dense(config_.width, 1);  // its bias never reaches the real output: gradient 0
  std::mt19937_64 rng(seed);
  // SIREN's weight scheme carried over to the Gabor layers: the first layer's
  // weights U(±1/in), every later weight U(±√(6/in)/ω). With torch.nn.Linear's
  // U(±1/√in) on every layer (what the WIRE reference code does), each layer
  // multiplies the phase spread by about ω/√3, so a network of four layers starts
  // out as white noise from one voxel to the next, and training on sparse data
  // only ever reaches the mean.
  const double omega = std::max(1e-6, static_cast<double>(config_.omega));
  auto later_bound = [&](const DenseSlot& s) { return std::sqrt(6.0 / s.in) / omega; };
  auto init = [&](const DenseSlot& s, double weight_bound, double bias_bound) {
    fill_uniform({params_.data() + s.offset, s.weights()}, weight_bound, rng);
    fill_uniform({params_.data() + s.offset + s.weights(), static_cast<std::size_t>(s.out)}, bias_bound, rng);
  };
  // The biases keep every unit's Gaussian window where the inputs are. The
  // window exp(−s²|z|²) is ~1/s wide in the pre-activation (0.05 at s = 20): a
  // bias of torch's U(±1/√in) (±0.125 at width 64) silences a hidden unit
  // (exp(−s² b²) = e^−6 at s = 20), and silenced units get no gradient. So the
  // hidden biases share the weights' small bound, and the first layer's are drawn
  // in the next step so that each unit's window is centred inside the input box.
  init(re_[0], 1.0 / re_[0].in, 0.0);
  centre_first_layer_windows(rng);
  for (std::size_t l = 1; l < re_.size(); ++l) {
    init(re_[l], later_bound(re_[l]), later_bound(re_[l]));
    init(im_[l], later_bound(im_[l]), later_bound(im_[l]));
  }
  init(out_re_, later_bound(out_re_), 1.0 / std::sqrt(double(out_re_.in)));
  init(out_im_, later_bound(out_im_), 1.0 / std::sqrt(double(out_im_.in)));
}

// First-layer unit j responds in the slab where its pre-activation w_j·x + b_j is
// within ~1/s of 0. Its bias is −w_j·c_j for a point c_j drawn uniformly from the
// box the (scaled) inputs span, [−e_a, e_a] per axis, so every slab crosses the
// data. With biases U(±1/√in) independent of the weights (±0.58 against |w_j·x|
// <= 0.3-0.6 here), a third or more of the slabs miss the box altogether; those
// units stay silent for the whole fit. Measured on three TPC volumes (occupancy
// 0.1, width 64, depth 4, 100 epochs; inr_models.yaml): MSE / variance 0.504 /
// 0.491 / 0.515 against 0.577 / 0.635 / 0.640 with torch's biases.
void WireNet::centre_first_layer_windows(std::mt19937_64& rng) {
  const DenseSlot& first = re_[0];
  float* weights = params_.data() + first.offset;  // column-major: (unit j, input a) at j + a * out
  float* bias = weights + first.weights();
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int j = 0; j < first.out; ++j) {
    double response_at_centre = 0;
    for (int a = 0; a < first.in; ++a) {
      const double extent = config_.input_scale.empty() ? 1.0 : config_.input_scale[static_cast<std::size_t>(a)];
      response_at_centre += weights[j + static_cast<std::size_t>(a) * first.out] * extent * unit(rng);
    }
    bias[j] = static_cast<float>(-response_at_centre);
  }
}

std::string WireNet::describe() const {
  return "wire " + std::to_string(config_.input_dim) + "->" + std::to_string(config_.depth) + "x" +
         std::to_string(config_.width) + "(complex)->1 omega=" + std::to_string(config_.omega) +
         " scale=" + std::to_string(config_.scale);
}

// Buffers of layer l: 4l = Re z, 4l+1 = Im z, 4l+2 = Re σ, 4l+3 = Im σ; 4L = output;
// 4L+1 .. 4L+4: two (∂/∂Re, ∂/∂Im) pairs the backward pass alternates between;
// 4L+5: the scaled inputs (input_scale).
std::size_t WireNet::forward(const MatrixView& raw_x, Workspace& ws) const {
  const Eigen::Index n = raw_x.cols();
  const std::size_t layers = re_.size();
  ws.buffers.resize(std::max(ws.buffers.size(), 4 * layers + 6));  // no reallocation below: views stay valid
  const MatrixView x = scaled_inputs(raw_x, config_.input_scale, ws, 4 * layers + 5);
  const float* p = params_.data();
  const float w = config_.omega, s2 = config_.scale * config_.scale;
  for (std::size_t l = 0; l < layers; ++l) {
    Matrix& a = ws.at(4 * l, config_.width, n);
    Matrix& b = ws.at(4 * l + 1, config_.width, n);
    if (l == 0) {
      a.noalias() = re_[0].w(p) * x;
      b.setZero();
    } else {
      const Matrix& u = ws.buffers[4 * l - 2];
      const Matrix& v = ws.buffers[4 * l - 1];
      a.noalias() = re_[l].w(p) * u;
      a.noalias() -= im_[l].w(p) * v;
      b.noalias() = re_[l].w(p) * v;
      b.noalias() += im_[l].w(p) * u;
      b.colwise() += im_[l].b(p);
    }
    a.colwise() += re_[l].b(p);
    Matrix& u = ws.at(4 * l + 2, config_.width, n);
    Matrix& v = ws.at(4 * l + 3, config_.width, n);
    const auto magnitude = (-w * b.array() - s2 * (a.array().square() + b.array().square())).exp();
    u = magnitude * (w * a.array()).cos();
    v = magnitude * (w * a.array()).sin();
  }
  Matrix& y = ws.at(4 * layers, 1, n);
  y.noalias() = out_re_.w(p) * ws.buffers[4 * layers - 2];
  y.noalias() -= out_im_.w(p) * ws.buffers[4 * layers - 1];
  y.array() += out_re_.b(p)(0);
  return 4 * layers;
}

void WireNet::predict(const MatrixView& x, float* y, Workspace& ws) const {
  const Matrix& out = ws.buffers[forward(x, ws)];
  std::copy_n(out.data(), x.cols(), y);
}

double WireNet::accumulate_gradient(const MatrixView& raw_x, const float* t, float* grad, Workspace& ws,
                                    const float* weights) const {
  const Eigen::Index n = raw_x.cols();
  const std::size_t layers = re_.size();
  const float* p = params_.data();
  const float w = config_.omega, s2 = config_.scale * config_.scale;
  Matrix& r = ws.buffers[forward(raw_x, ws)];
  const MatrixView x = stored_inputs(raw_x, config_.input_scale, ws, 4 * layers + 5);
  r.row(0) -= Eigen::Map<const Eigen::RowVectorXf>(t, n);
  const double loss = weight_residuals(r, weights, n);

  // y = Re(W_o σ) + b = W_re u − W_im v + b.
  const Matrix& u_last = ws.buffers[4 * layers - 2];
  const Matrix& v_last = ws.buffers[4 * layers - 1];
  out_re_.w(grad).noalias() += r * u_last.transpose();
  out_im_.w(grad).noalias() -= r * v_last.transpose();
  out_re_.b(grad)(0) += r.sum();

  std::size_t g = 4 * layers + 1;  // (g, g+1) = ∂/∂u, ∂/∂v of the current layer's output
  ws.at(g, config_.width, n).noalias() = out_re_.w(p).transpose() * r;
  ws.at(g + 1, config_.width, n).noalias() = -(out_im_.w(p).transpose() * r);
  for (std::size_t l = layers; l-- > 0;) {
    Matrix& gu = ws.buffers[g];  // becomes ∂/∂a
    Matrix& gv = ws.buffers[g + 1];  // becomes ∂/∂b
    const auto a = ws.buffers[4 * l].array();
    const auto b = ws.buffers[4 * l + 1].array();
    const auto u = ws.buffers[4 * l + 2].array();
    const auto v = ws.buffers[4 * l + 3].array();
    // ∂u/∂a = −2s²a u − ω v, ∂v/∂a = −2s²a v + ω u, ∂u/∂b = (−ω − 2s²b) u, ∂v/∂b = (−ω − 2s²b) v.
    // gv is read before it is overwritten, so the two updates go through one temporary.
    Eigen::ArrayXXf radial = gu.array() * u + gv.array() * v;
    gu = (-2 * s2 * a * radial + w * (gv.array() * u - gu.array() * v)).matrix();
    gv = ((-w - 2 * s2 * b) * radial).matrix();
    if (l == 0) {
      re_[0].w(grad).noalias() += gu * x.transpose();
      re_[0].b(grad) += gu.rowwise().sum();
      break;
    }
    const Matrix& u_in = ws.buffers[4 * l - 2];
    const Matrix& v_in = ws.buffers[4 * l - 1];
    re_[l].w(grad).noalias() += gu * u_in.transpose();
    re_[l].w(grad).noalias() += gv * v_in.transpose();
    im_[l].w(grad).noalias() -= gu * v_in.transpose();
    im_[l].w(grad).noalias() += gv * u_in.transpose();
    re_[l].b(grad) += gu.rowwise().sum();
    im_[l].b(grad) += gv.rowwise().sum();
    const std::size_t next = g == 4 * layers + 1 ? g + 2 : g - 2;
    Matrix& nu = ws.at(next, config_.width, n);
    Matrix& nv = ws.at(next + 1, config_.width, n);
    nu.noalias() = re_[l].w(p).transpose() * gu;
    nu.noalias() += im_[l].w(p).transpose() * gv;
    nv.noalias() = re_[l].w(p).transpose() * gv;
    nv.noalias() -= im_[l].w(p).transpose() * gu;
    g = next;
  }
  return loss;
}

}  // namespace reprise::inr
