#include "components/inr/mlp.hpp"

#include "framework/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <numbers>
#include <random>
#include <stdexcept>
#include <thread>

namespace reprise::inr {

Matrix& Workspace::at(std::size_t i, Eigen::Index rows, Eigen::Index cols) {
  if (buffers.size() <= i) buffers.resize(i + 1);
  Matrix& m = buffers[i];
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
  return m;
}

double weight_residuals(Matrix& r, const float* w, Eigen::Index n) {
  if (w == nullptr) return r.cast<double>().squaredNorm();
  const Eigen::Map<const Eigen::RowVectorXf> weights(w, n);
  const double loss = (r.row(0).cast<double>().array().square() * weights.cast<double>().array()).sum();
  r.row(0).array() *= weights.array();
  return loss;
}

void fill_uniform(std::span<float> values, double bound, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-bound, bound);
  for (float& v : values) v = static_cast<float>(u(rng));
}

DenseSlot Network::add_dense(int in, int out) {
  DenseSlot s;
  s.offset = params_.size();
  s.in = in;
  s.out = out;
  params_.resize(params_.size() + s.size());
  slots_.push_back(s);
  return s;
}

MatrixView scaled_inputs(const MatrixView& x, const std::vector<float>& scale, Workspace& ws, std::size_t slot) {
  if (scale.empty()) return x;
  Matrix& buffer = ws.at(slot, x.rows(), x.cols());
  buffer.noalias() = ConstVectorMap(scale.data(), static_cast<Eigen::Index>(scale.size())).asDiagonal() * x;
  return buffer;
}

MatrixView stored_inputs(const MatrixView& x, const std::vector<float>& scale, const Workspace& ws, std::size_t slot) {
  return scale.empty() ? x : MatrixView(ws.buffers[slot]);
}

void check_input_scale(const std::vector<float>& scale, int input_dim, const char* network) {
  if (scale.empty()) return;
  if (scale.size() != static_cast<std::size_t>(input_dim))
    throw std::invalid_argument(std::string(network) + ": input_scale needs one entry per input");
  for (const float s : scale)
    if (!(s > 0) || !std::isfinite(s))
      throw std::invalid_argument(std::string(network) + ": input_scale entries must be positive and finite");
}

// ------------------------------------------------------------------------ Mlp

namespace {

void check_config(const MlpConfig& c) {
  if (c.input_dim < 1 || c.width < 1 || c.depth < 1)
    throw std::invalid_argument("MLP needs input_dim, width and depth >= 1");
  if (c.fourier_features < 0) throw std::invalid_argument("MLP: fourier_features must be >= 0");
  if (!c.fourier_axis_sigma.empty() && c.fourier_axis_sigma.size() != static_cast<std::size_t>(c.input_dim))
    throw std::invalid_argument("MLP: fourier_axis_sigma needs one entry per input");
  if (c.output_dim < 1) throw std::invalid_argument("MLP: output_dim must be >= 1");
  check_input_scale(c.input_scale, c.input_dim, "MLP");
}

}  // namespace

Mlp::Mlp(const MlpConfig& config, std::uint64_t seed) : config_(config) {
  check_config(config_);
  std::mt19937_64 rng(seed);
  int in = config_.input_dim;
  if (config_.fourier_features > 0) {
    std::normal_distribution<double> normal(0.0, 1.0);
    fourier_b_.resize(config_.fourier_features, config_.input_dim);
    // Column-major: entry i belongs to input column i / rows.
    for (Eigen::Index i = 0; i < fourier_b_.size(); ++i) {
      const auto axis = static_cast<std::size_t>(i / fourier_b_.rows());
      const double sigma =
          config_.fourier_axis_sigma.empty() ? config_.fourier_sigma : config_.fourier_axis_sigma[axis];
      fourier_b_.data()[i] = static_cast<float>(2 * std::numbers::pi * (normal(rng) * sigma));
    }
    in = 2 * config_.fourier_features;
  }
  for (int l = 0; l < config_.depth; ++l) {
    hidden_.push_back(add_dense(in, config_.width));
    in = config_.width;
  }
  output_ = add_dense(in, config_.output_dim);

  float* p = params_.data();
  auto init = [&](const DenseSlot& s, double weight_bound) {
    fill_uniform({p + s.offset, s.weights()}, weight_bound, rng);
    fill_uniform({p + s.offset + s.weights(), static_cast<std::size_t>(s.out)}, 1.0 / std::sqrt(double(s.in)), rng);
  };
  for (std::size_t l = 0; l < hidden_.size(); ++l) {
    const double fan_in = hidden_[l].in;
    if (config_.activation == Activation::Relu)
      init(hidden_[l], std::sqrt(6.0 / fan_in));
    else
      init(hidden_[l], l == 0 ? 1.0 / fan_in : std::sqrt(6.0 / fan_in) / omega(l));
  }
  const double out_fan = output_.in;
  init(output_, config_.activation == Activation::Sine ? std::sqrt(6.0 / out_fan) / config_.hidden_omega
                                                        : std::sqrt(6.0 / out_fan));
}

std::string Mlp::describe() const {
  std::string s = config_.activation == Activation::Sine ? "siren " : "relu-mlp ";
  if (config_.fourier_features > 0)
    s += "fourier(" + std::to_string(config_.fourier_features) + ", sigma=" + std::to_string(config_.fourier_sigma) + ") ";
  s += std::to_string(config_.input_dim) + "->" + std::to_string(config_.depth) + "x" + std::to_string(config_.width) + "->1";
  return s;
}

// Buffer indices in the workspace: 0 = Fourier features, 1 + 2l = pre-activation
// of hidden layer l, 2 + 2l = its activation, 1 + 2H = output, then two buffers
// the backward pass alternates between, then the scaled inputs (input_scale).
std::size_t Mlp::forward(const MatrixView& raw_x, Workspace& ws) const {
  const Eigen::Index n = raw_x.cols();
  const std::size_t layers = hidden_.size();
  ws.buffers.resize(std::max(ws.buffers.size(), 5 + 2 * layers));  // no reallocation below: views stay valid
  const float* p = params_.data();
  const MatrixView x = scaled_inputs(raw_x, config_.input_scale, ws, 4 + 2 * layers);

  if (config_.fourier_features > 0) {
    const Eigen::Index m = config_.fourier_features;
    Matrix& f = ws.at(0, 2 * m, n);
    f.topRows(m).noalias() = fourier_b_ * x;
    f.bottomRows(m) = f.topRows(m).array().cos();
    f.topRows(m) = f.topRows(m).array().sin();
  }
  for (std::size_t l = 0; l < layers; ++l) {
    const MatrixView in = l > 0 ? MatrixView(ws.buffers[2 * l]) : config_.fourier_features > 0 ? MatrixView(ws.buffers[0]) : x;
    Matrix& z = ws.at(1 + 2 * l, hidden_[l].out, n);
    z.noalias() = hidden_[l].w(p) * in;
    z.colwise() += hidden_[l].b(p);
    Matrix& a = ws.at(2 + 2 * l, hidden_[l].out, n);
    if (config_.activation == Activation::Sine)
      a = (omega(l) * z.array()).sin();
    else
      a = z.cwiseMax(0.0f);
  }
  Matrix& y = ws.at(1 + 2 * layers, output_.out, n);
  y.noalias() = output_.w(p) * ws.buffers[2 * layers];
  if (output_.out == 1)
    y.array() += output_.b(p)(0);
  else
    y.colwise() += output_.b(p);
  return 1 + 2 * layers;
}

const Matrix& Mlp::outputs(const MatrixView& x, Workspace& ws) const { return ws.buffers[forward(x, ws)]; }

void Mlp::predict(const MatrixView& x, float* y, Workspace& ws) const {
  if (output_.out != 1) throw std::logic_error("Mlp::predict needs a single output; use outputs()");
  const Matrix& out = ws.buffers[forward(x, ws)];
  std::copy_n(out.data(), x.cols(), y);
}

double Mlp::accumulate_gradient(const MatrixView& x, const float* t, float* grad, Workspace& ws, const float* w) const {
  if (output_.out != 1) throw std::logic_error("Mlp::accumulate_gradient needs a single output");
  Matrix& r = ws.buffers[forward(x, ws)];  // becomes the residual f - t, then w (f - t)
  r.row(0) -= Eigen::Map<const Eigen::RowVectorXf>(t, x.cols());
  const double loss = weight_residuals(r, w, x.cols());
  backward(x, r, grad, ws);
  return loss;
}

void Mlp::backward(const MatrixView& raw_x, const Matrix& d_outputs, float* grad, Workspace& ws, Matrix* dx) const {
  const Eigen::Index n = raw_x.cols();
  const std::size_t layers = hidden_.size();
  const float* p = params_.data();
  const MatrixView x = stored_inputs(raw_x, config_.input_scale, ws, 4 + 2 * layers);
  const Matrix& last = ws.buffers[2 * layers];
  output_.w(grad).noalias() += d_outputs * last.transpose();
  if (output_.out == 1)
    output_.b(grad)(0) += d_outputs.sum();
  else
    output_.b(grad) += d_outputs.rowwise().sum();

  std::size_t d = 2 + 2 * layers;  // ∂/∂(activation of layer l), then ∂/∂(pre-activation)
  ws.at(d, output_.in, n).noalias() = output_.w(p).transpose() * d_outputs;
  for (std::size_t l = layers; l-- > 0;) {
    Matrix& delta = ws.buffers[d];
    const Matrix& z = ws.buffers[1 + 2 * l];
    if (config_.activation == Activation::Sine) {
      const float w = omega(l);
      delta.array() *= w * (w * z.array()).cos();
    } else {
      delta.array() *= (z.array() > 0.0f).cast<float>();
    }
    const MatrixView in = l > 0 ? MatrixView(ws.buffers[2 * l]) : config_.fourier_features > 0 ? MatrixView(ws.buffers[0]) : x;
    hidden_[l].w(grad).noalias() += delta * in.transpose();
    hidden_[l].b(grad) += delta.rowwise().sum();
    if (l == 0) {
      if (dx) {
        if (config_.fourier_features > 0) throw std::logic_error("Mlp::backward: no input gradient through Fourier features");
        dx->noalias() = hidden_[0].w(p).transpose() * delta;
        if (!config_.input_scale.empty())
          *dx = ConstVectorMap(config_.input_scale.data(), config_.input_dim).asDiagonal() * *dx;
      }
      break;
    }
    const std::size_t next = d == 2 + 2 * layers ? d + 1 : d - 1;
    ws.at(next, hidden_[l].in, n).noalias() = hidden_[l].w(p).transpose() * ws.buffers[d];
    d = next;
  }
}

// ----------------------------------------------------------------------- Adam

Adam::Adam(std::size_t parameters, float beta1, float beta2, float epsilon)
    : m_(parameters, 0.0f), v_(parameters, 0.0f), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}

void Adam::step(std::span<float> params, std::span<const float> grad, float learning_rate) {
  if (params.size() != m_.size() || grad.size() != m_.size())
    throw std::logic_error("Adam: parameter and gradient sizes differ from the optimiser's");
  ++t_;
  const double c1 = 1.0 - std::pow(double(beta1_), double(t_));
  const double c2 = 1.0 - std::pow(double(beta2_), double(t_));
  const float step = static_cast<float>(learning_rate / c1);
  const float root_c2 = static_cast<float>(std::sqrt(c2));
  for (std::size_t i = 0; i < params.size(); ++i) {
    m_[i] = beta1_ * m_[i] + (1 - beta1_) * grad[i];
    v_[i] = beta2_ * v_[i] + (1 - beta2_) * grad[i] * grad[i];
    params[i] -= step * m_[i] / (std::sqrt(v_[i]) / root_c2 + epsilon_);
  }
}

// ---------------------------------------------------------------- BatchRunner

BatchRunner::BatchRunner(const Network& net, unsigned threads, int micro_batch)
    : net_(net), threads_(std::max(1u, threads)), micro_batch_(std::max(1, micro_batch)), workspaces_(threads_) {}

template <class Work>
void BatchRunner::run_parallel(std::size_t tasks, Work&& work) {
  // Worker w owns workspaces_[w]; the calling thread is worker 0.
  parallel_for(tasks, threads_, [&](std::size_t i, unsigned w, const std::atomic<bool>&) { work(i, workspaces_[w]); });
}

double BatchRunner::gradient(const MatrixView& x, const float* t, std::span<float> grad, const float* w) {
  const Eigen::Index n = x.cols();
  const std::size_t tasks = static_cast<std::size_t>((n + micro_batch_ - 1) / micro_batch_);
  const std::size_t size = net_.parameters().size();
  if (grad.size() != size) throw std::logic_error("BatchRunner: gradient buffer has the wrong size");
  if (partial_.size() < tasks) partial_.resize(tasks);
  std::vector<double> losses(tasks, 0.0);
  run_parallel(tasks, [&](std::size_t i, Workspace& ws) {
    Eigen::VectorXf& g = partial_[i];
    g.setZero(static_cast<Eigen::Index>(size));
    const Eigen::Index first = static_cast<Eigen::Index>(i) * micro_batch_;
    const Eigen::Index cols = std::min<Eigen::Index>(micro_batch_, n - first);
    losses[i] = net_.accumulate_gradient(x.middleCols(first, cols), t + first, g.data(), ws, w ? w + first : nullptr);
  });
  // Summed in micro-batch order: the same bits for any thread count.
  VectorMap total(grad.data(), static_cast<Eigen::Index>(size));
  total.setZero();
  double loss = 0;
  for (std::size_t i = 0; i < tasks; ++i) {
    total += partial_[i];
    loss += losses[i];
  }
  return loss;
}

void BatchRunner::predict(const MatrixView& x, float* y) {
  const Eigen::Index n = x.cols();
  const std::size_t tasks = static_cast<std::size_t>((n + micro_batch_ - 1) / micro_batch_);
  run_parallel(tasks, [&](std::size_t i, Workspace& ws) {
    const Eigen::Index first = static_cast<Eigen::Index>(i) * micro_batch_;
    const Eigen::Index cols = std::min<Eigen::Index>(micro_batch_, n - first);
    net_.predict(x.middleCols(first, cols), y + first, ws);
  });
}

// ---------------------------------------------------------------- float16

std::uint16_t to_half(float v) { return Eigen::half(v).x; }

float from_half(std::uint16_t h) {
  return static_cast<float>(Eigen::half(Eigen::half_impl::raw_uint16_to_half(h)));
}

}  // namespace reprise::inr
