// The MLP core every implicit neural representation (inr/siren, inr/ffnet,
// inr/wire) and the autoencoder baselines run on: float32 networks whose
// parameters live in one flat vector, a forward pass, an exact backward pass of
// the squared error, and Adam.
//
// Layout: a batch is a column-major matrix with one column per point, so every
// layer is one GEMM (W * A) over the batch. A Workspace holds the pre-activations
// and activations of one micro-batch; BatchGradient splits a batch into
// micro-batches small enough for the activations to stay in cache, runs them on
// several threads, and sums their gradients in micro-batch order, so the result
// does not depend on the number of threads.
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace reprise::inr {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;
// Columns of a batch without a copy (column blocks of a column-major matrix are contiguous).
using MatrixView = Eigen::Ref<const Matrix>;

// Scratch matrices of one micro-batch, reused across calls (resized only when a
// micro-batch's width changes).
struct Workspace {
  std::vector<Matrix> buffers;
  Matrix& at(std::size_t i, Eigen::Index rows, Eigen::Index cols);
};

// A dense layer's place in the flat parameter vector: W is out x in, column-major,
// followed by b (out).
struct DenseSlot {
  std::size_t offset = 0;
  int in = 0, out = 0;
  std::size_t weights() const { return static_cast<std::size_t>(in) * out; }
  std::size_t size() const { return weights() + out; }
  ConstMatrixMap w(const float* p) const { return {p + offset, out, in}; }
  MatrixMap w(float* p) const { return {p + offset, out, in}; }
  ConstVectorMap b(const float* p) const { return {p + offset + weights(), out}; }
  VectorMap b(float* p) const { return {p + offset + weights(), out}; }
};

// A scalar field f(x; θ) of `input_dim` coordinates with parameters θ in one
// flat float vector.
class Network {
 public:
  virtual ~Network() = default;
  virtual int input_dim() const = 0;
  // One line naming the architecture, e.g. "siren 3->5x128->1 omega0=30".
  virtual std::string describe() const = 0;

  std::span<float> parameters() { return params_; }
  std::span<const float> parameters() const { return params_; }
  // Every dense layer's place in parameters(), in order: what weight coding
  // (components/inr/weight_coding.hpp) quantises row by row.
  const std::vector<DenseSlot>& dense_slots() const { return slots_; }

  // f at the columns of x (input_dim x n), written to y[0..n).
  virtual void predict(const MatrixView& x, float* y, Workspace& ws) const = 0;
  // Adds the gradient of ½ Σ_j w_j (f(x_j) - t_j)² with respect to θ to `grad`
  // (same layout as parameters()) and returns Σ_j w_j (f(x_j) - t_j)²; w_j = 1
  // when `w` is null (importance-weighted losses pass the draws' weights).
  // The bits depend on grad's address modulo 64 (Eigen sums the entries before
  // an aligned address in another order): pass Eigen-allocated memory, such as
  // an Eigen::VectorXf's data(), never a std::vector's, for reproducible results.
  virtual double accumulate_gradient(const MatrixView& x, const float* t, float* grad, Workspace& ws,
                                     const float* w = nullptr) const = 0;

 protected:
  // Appends a dense layer's slot to the parameter layout.
  DenseSlot add_dense(int in, int out);
  std::vector<float> params_;

 private:
  std::vector<DenseSlot> slots_;
};

enum class Activation { Sine, Relu };

// A real MLP: optional Gaussian Fourier features γ(x) = [sin 2πBx, cos 2πBx],
// `depth` hidden layers of `width` units with sine (SIREN: sin(ω·(Wx+b)), ω0 on
// the first layer) or ReLU activations, and a linear output unit.
struct MlpConfig {
  int input_dim = 3;
  int width = 128;
  int depth = 5;  // hidden layers
  Activation activation = Activation::Sine;
  float first_omega = 30, hidden_omega = 30;  // sine only
  int fourier_features = 0;                   // m rows of B; 0: none
  float fourier_sigma = 10;                   // B ~ N(0, σ²)
  // When not empty (one entry per input): column a of B ~ N(0, σ_a²) instead.
  std::vector<float> fourier_axis_sigma;
  int output_dim = 1;                         // linear output units (INRs: 1)
  // When not empty (one entry per input): input a is multiplied by
  // input_scale[a] before anything else (isotropic coordinates, model.cpp).
  std::vector<float> input_scale;
};

class Mlp : public Network {
 public:
  // Initialises θ from `seed`: Sitzmann et al.'s SIREN scheme for sine layers
  // (first W ~ U(±1/in), later W ~ U(±√(6/in)/ω)), He-uniform for ReLU layers,
  // biases U(±1/√in) as torch.nn.Linear. B is drawn from the same seed, so a
  // decoder rebuilds it from (config, seed) and B is not stored.
  Mlp(const MlpConfig& config, std::uint64_t seed);
  int input_dim() const override { return config_.input_dim; }
  std::string describe() const override;
  void predict(const MatrixView& x, float* y, Workspace& ws) const override;
  double accumulate_gradient(const MatrixView& x, const float* t, float* grad, Workspace& ws,
                             const float* w = nullptr) const override;
  const MlpConfig& config() const { return config_; }

  // The general form, for networks with several outputs (the autoencoders):
  // outputs (output_dim x n) at the columns of x, every layer kept in ws ...
  const Matrix& outputs(const MatrixView& x, Workspace& ws) const;
  // ... then, from dL/d(outputs) of that same call, adds dL/dθ to grad and, when
  // dx is given, writes dL/dx (input_dim x n; not with Fourier features).
  // grad as for accumulate_gradient: Eigen-allocated, for reproducible bits.
  void backward(const MatrixView& x, const Matrix& d_outputs, float* grad, Workspace& ws, Matrix* dx = nullptr) const;

 private:
  // Forward pass storing every layer's pre-activation and activation in ws;
  // returns the index of the output buffer (output_dim x n).
  std::size_t forward(const MatrixView& x, Workspace& ws) const;
  float omega(std::size_t layer) const { return layer == 0 ? config_.first_omega : config_.hidden_omega; }

  MlpConfig config_;
  Matrix fourier_b_;  // m x input_dim, scaled by 2π
  std::vector<DenseSlot> hidden_;
  DenseSlot output_;
};

// The network's view of a batch of coordinates: x itself when `scale` is empty,
// otherwise diag(scale) x, written to ws.buffers[slot] (the slot must exist).
// Scaling the inputs rather than the first layer's initial weights keeps Adam's
// steps the same size in every axis's grid steps (Adam normalises each weight's
// step, not its effect).
MatrixView scaled_inputs(const MatrixView& x, const std::vector<float>& scale, Workspace& ws, std::size_t slot);
// The same view for the backward pass: x, or the slot scaled_inputs filled.
MatrixView stored_inputs(const MatrixView& x, const std::vector<float>& scale, const Workspace& ws, std::size_t slot);

// Throws std::invalid_argument unless `scale` is empty or has one positive,
// finite entry per input.
void check_input_scale(const std::vector<float>& scale, int input_dim, const char* network);

// Adam (Kingma & Ba) with bias correction, on a flat parameter vector.
class Adam {
 public:
  explicit Adam(std::size_t parameters, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f);
  void step(std::span<float> params, std::span<const float> grad, float learning_rate);
  std::int64_t steps() const { return t_; }

 private:
  std::vector<float> m_, v_;
  float beta1_, beta2_, epsilon_;
  std::int64_t t_ = 0;
};

// Gradients and predictions of whole batches, split into micro-batches that run
// on `threads` threads. Results are identical for any thread count.
class BatchRunner {
 public:
  BatchRunner(const Network& net, unsigned threads, int micro_batch = 1024);
  // grad = ∂/∂θ of ½ Σ_j w_j (f(x_j) - t_j)² over the batch's columns (w_j = 1
  // without w); returns Σ w (f - t)².
  double gradient(const MatrixView& x, const float* t, std::span<float> grad, const float* w = nullptr);
  // y[0..n) = f at the columns of x.
  void predict(const MatrixView& x, float* y);
  unsigned threads() const { return threads_; }

 private:
  template <class Work> void run_parallel(std::size_t tasks, Work&& work);

  const Network& net_;
  unsigned threads_;
  int micro_batch_;
  std::vector<Workspace> workspaces_;        // one per thread
  // One gradient per micro-batch. Eigen vectors, not std::vector: their 64-byte
  // alignment keeps Eigen's vectorised reductions on the same code path in every
  // buffer, which is what makes the sums bit-identical across thread counts.
  std::vector<Eigen::VectorXf> partial_;
};

// Fills `values` with draws of U(-bound, bound), in order: the initialisation
// every network of this core uses.
void fill_uniform(std::span<float> values, double bound, std::mt19937_64& rng);

// The weighted loss Σ_j w_j r_j² of a residual row r (1 x n), which it then
// scales to w_j r_j, what the backward pass needs; w = null means every w_j = 1
// (r is left as it is). The networks' accumulate_gradient share it.
double weight_residuals(Matrix& r, const float* w, Eigen::Index n);

// float32 <-> IEEE half (round to nearest even), for storing weights as float16.
std::uint16_t to_half(float v);
float from_half(std::uint16_t h);

}  // namespace reprise::inr
