// One INR training step (forward + backward + Adam) of SIREN 3 -> 5x128 -> 1 at batch
// 65 536, float32:
//   inr_step_reprise    components/inr (Mlp, BatchRunner, Adam) as codec/inr trains
//   inr_step_libtorch   the peer: libtorch's CPU build (Debian's, over OpenBLAS) running
//                       the same network from the same initial weights (copied from
//                       reprise's), the same batch, MSE loss, Adam with the same
//                       hyper-parameters, on the same number of threads
//   inr_bound_gemm      the bound's parts, measured on this machine in the same run: the
//   inr_bound_peak_*    step's GEMMs (every shape of a reprise step) with Eigen on the
//   inr_bound_sincos    same threads, the peak GEMM rate of Eigen and OpenBLAS, and the
//                       step's sin/cos evaluations (Eigen's vectorised ones)
//   inr_agreement       the loss both compute at step 0 and after a few steps from the
//                       same start: they must agree to float32 rounding
// Without libtorch (tools/install-deps --bench installs it) only reprise and the bound run.
#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#ifdef REPRISE_HAVE_TORCH
#include <torch/torch.h>
#endif

#include "components/inr/mlp.hpp"
#include "tools/bench/bench_support.hpp"

namespace {

using namespace reprise;
using namespace reprise::inr;

constexpr int kBatch = 65536, kMicroBatch = 1024;  // BatchRunner's default micro-batch
constexpr float kRate = 1e-4f, kBeta1 = 0.9f, kBeta2 = 0.999f, kEpsilon = 1e-8f;

MlpConfig siren_config() { return MlpConfig{}; }  // SIREN 3 -> 5x128 -> 1, ω0 = 30 on every layer

struct Batch {
  Matrix x;                // 3 x batch, column-major (= batch x 3 row-major, torch's layout)
  std::vector<float> t;    // batch
};

const Batch& batch() {
  static const Batch b = [] {
    Batch b;
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<float> u(-1, 1);
    b.x.resize(3, kBatch);
    for (Eigen::Index i = 0; i < b.x.size(); ++i) b.x.data()[i] = u(rng);
    b.t.resize(kBatch);
    for (float& v : b.t) v = u(rng);
    return b;
  }();
  return b;
}

// codec/inr's step (components/inr/trainer.cpp): ∂ mean squared error, then Adam.
struct RepriseStep {
  Mlp net{siren_config(), 1};
  BatchRunner runner{net, bench::threads(), kMicroBatch};
  Adam adam{net.parameters().size(), kBeta1, kBeta2, kEpsilon};
  std::vector<float> grad = std::vector<float>(net.parameters().size());
  double step() {  // returns the batch's mean squared error before the update
    const double sum = runner.gradient(batch().x, batch().t.data(), grad);
    const float to_mean = 2.0f / static_cast<float>(kBatch);
    for (float& g : grad) g *= to_mean;
    adam.step(net.parameters(), grad, kRate);
    return sum / kBatch;
  }
};

void inr_step_reprise(benchmark::State& state) {
  static RepriseStep s;
  s.step();  // warm: buffers allocated, caches filled
  for (auto _ : state) {
    state.SetIterationTime(bench::seconds([&] { s.step(); }));
    state.counters["batch"] = kBatch;
    state.counters["threads"] = bench::threads();
    state.counters["parameters"] = static_cast<double>(s.net.parameters().size());
    state.counters["width"] = s.net.config().width;
    state.counters["depth"] = s.net.config().depth;
    state.counters["omega"] = s.net.config().hidden_omega;
    state.counters["lr"] = kRate;
  }
}

// ------------------------------------------------------------------ the bound

// Dense layer shapes (out, in) of the network, in order.
std::vector<std::pair<int, int>> layer_shapes() {
  const MlpConfig c = siren_config();
  std::vector<std::pair<int, int>> s{{c.width, c.input_dim}};
  for (int l = 1; l < c.depth; ++l) s.emplace_back(c.width, c.width);
  s.emplace_back(1, c.width);
  return s;
}

// FLOPs of the GEMMs of one step: forward W·A for every layer, backward δ·Aᵀ for
// every layer and Wᵀ·δ for every layer but the first.
double step_gemm_flops() {
  double f = 0;
  const auto shapes = layer_shapes();
  for (std::size_t l = 0; l < shapes.size(); ++l)
    f += 2.0 * shapes[l].first * shapes[l].second * kBatch * (l == 0 ? 2 : 3);
  return f;
}

// Every GEMM of a step, micro-batch by micro-batch on bench::threads() as BatchRunner
// splits them, with Eigen (what reprise uses), on buffers of the real shapes.
void inr_bound_gemm(benchmark::State& state) {
  const auto shapes = layer_shapes();
  const unsigned workers = bench::threads();
  struct Buffers {
    std::vector<Matrix> w, a, d, gw, da;  // weights, layer input, output / δ, ∂W, ∂input
  };
  std::vector<Buffers> per_thread(workers);
  for (auto& b : per_thread)
    for (auto [out, in] : shapes) {
      b.w.push_back(Matrix::Random(out, in));
      b.a.push_back(Matrix::Random(in, kMicroBatch));  // the layer's input
      b.d.push_back(Matrix::Random(out, kMicroBatch)); // its output / δ
      b.gw.push_back(Matrix::Zero(out, in));
      b.da.push_back(Matrix(in, kMicroBatch));
    }
  const std::size_t tasks = kBatch / kMicroBatch;
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      parallel_for(tasks, workers, [&](std::size_t, unsigned t, const std::atomic<bool>&) {
        Buffers& b = per_thread[t];
        for (std::size_t l = 0; l < shapes.size(); ++l) {
          b.d[l].noalias() = b.w[l] * b.a[l];
          b.gw[l].noalias() += b.d[l] * b.a[l].transpose();
          if (l > 0) b.da[l].noalias() = b.w[l].transpose() * b.d[l];
        }
      });
    });
    benchmark::DoNotOptimize(per_thread.data());
    state.SetIterationTime(s);
    state.counters["flops"] = step_gemm_flops();
    state.counters["threads"] = workers;
  }
}

// Peak single-precision GEMM rate of Eigen on bench::threads() threads: each thread
// multiplies its own 128x128 by 128x1024 (the hidden layers' shape).
void inr_bound_peak_eigen(benchmark::State& state) {
  const unsigned workers = bench::threads();
  std::vector<Matrix> w(workers, Matrix::Random(128, 128)), a(workers, Matrix::Random(128, kMicroBatch)),
      out(workers, Matrix(128, kMicroBatch));
  constexpr int kRepeats = 200;
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      parallel_for(workers, workers, [&](std::size_t t, unsigned, const std::atomic<bool>&) {
        for (int r = 0; r < kRepeats; ++r) out[t].noalias() = w[t] * a[t];
      });
    });
    benchmark::DoNotOptimize(out.data());
    state.SetIterationTime(s);
    state.counters["flops"] = 2.0 * 128 * 128 * kMicroBatch * kRepeats * workers;
  }
}

// The sin of every hidden activation in the forward pass and the cos of the
// backward pass, as reprise writes them, on the same threads.
void inr_bound_sincos(benchmark::State& state) {
  const MlpConfig c = siren_config();
  const unsigned workers = bench::threads();
  std::vector<Matrix> z(workers, Matrix::Random(c.width, kMicroBatch)), a(workers, Matrix(c.width, kMicroBatch)),
      d(workers, Matrix::Random(c.width, kMicroBatch)), e(workers, Matrix(c.width, kMicroBatch));
  const std::size_t tasks = kBatch / kMicroBatch;
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      parallel_for(tasks, workers, [&](std::size_t, unsigned t, const std::atomic<bool>&) {
        for (int l = 0; l < c.depth; ++l) {
          a[t] = (c.hidden_omega * z[t].array()).sin();
          e[t] = d[t].array() * (c.hidden_omega * (c.hidden_omega * z[t].array()).cos());
        }
      });
    });
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(e.data());
    state.SetIterationTime(s);
    state.counters["evaluations"] = 2.0 * c.depth * c.width * kBatch;
  }
}

#ifdef REPRISE_HAVE_TORCH
// ------------------------------------------------------------------ libtorch

// libblas.so.3 is whatever Debian's alternatives point at; OpenBLAS keeps its own
// thread pool, which at::set_num_threads does not size.
std::string blas_library() {
  Dl_info info{};
  void* symbol = dlsym(RTLD_DEFAULT, "sgemm_");
  if (symbol && dladdr(symbol, &info) && info.dli_fname) {
    char resolved[4096];
    if (realpath(info.dli_fname, resolved)) return resolved;
    return info.dli_fname;
  }
  return "unknown";
}

void set_torch_threads(unsigned n) {
  torch::set_num_threads(static_cast<int>(n));
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(static_cast<int>(n));
}

struct SirenTorch : torch::nn::Module {
  std::vector<torch::nn::Linear> layers;
  float omega;
  // The same layers as `net`, with its current weights. reprise stores each layer
  // as W (out x in, column-major) then b; torch's Linear holds W row-major.
  explicit SirenTorch(const Mlp& net) : omega(net.config().hidden_omega) {
    const float* p = net.parameters().data();
    std::size_t offset = 0;
    torch::NoGradGuard no_grad;
    for (auto [out, in] : layer_shapes()) {
      auto layer = register_module("layer" + std::to_string(layers.size()), torch::nn::Linear(in, out));
      layer->weight.copy_(torch::from_blob(const_cast<float*>(p + offset), {in, out}).t());
      offset += static_cast<std::size_t>(in) * out;
      layer->bias.copy_(torch::from_blob(const_cast<float*>(p + offset), {out}));
      offset += static_cast<std::size_t>(out);
      layers.push_back(layer);
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    for (std::size_t l = 0; l + 1 < layers.size(); ++l) x = torch::sin(omega * layers[l]->forward(x));
    return layers.back()->forward(x);
  }
};

struct TorchStep {
  std::shared_ptr<SirenTorch> net;
  torch::optim::Adam adam;
  torch::Tensor x, t;
  explicit TorchStep(const Mlp& start)
      : net(std::make_shared<SirenTorch>(start)),
        adam(net->parameters(), torch::optim::AdamOptions(kRate).betas({kBeta1, kBeta2}).eps(kEpsilon)) {
    x = torch::from_blob(const_cast<float*>(batch().x.data()), {kBatch, 3}).clone();
    t = torch::from_blob(const_cast<float*>(batch().t.data()), {kBatch, 1}).clone();
  }
  double step() {
    adam.zero_grad();
    torch::Tensor loss = torch::mse_loss(net->forward(x), t);
    loss.backward();
    adam.step();
    return loss.item<double>();
  }
};

void inr_step_libtorch(benchmark::State& state) {
  set_torch_threads(bench::threads());
  static TorchStep s(Mlp(siren_config(), 1));
  s.step();  // warm
  for (auto _ : state) {
    state.SetIterationTime(bench::seconds([&] { s.step(); }));
    state.counters["batch"] = kBatch;
    state.counters["threads"] = bench::threads();
    state.counters["torch_threads"] = torch::get_num_threads();
  }
}

// OpenBLAS's peak through torch::mm on the full batch (128x128 by 128x65536).
void inr_bound_peak_openblas(benchmark::State& state) {
  set_torch_threads(bench::threads());
  const torch::Tensor w = torch::rand({128, 128}), a = torch::rand({128, kBatch});
  torch::Tensor out = torch::mm(w, a);
  constexpr int kRepeats = 10;
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      for (int r = 0; r < kRepeats; ++r) torch::mm_out(out, w, a);
    });
    state.SetIterationTime(s);
    state.counters["flops"] = 2.0 * 128 * 128 * kBatch * kRepeats;
  }
}

// Loss of both implementations at step 0 and after `kSteps` steps from the same
// weights and batch: the same numbers up to float32 rounding mean they compute the
// same thing (network, loss, gradients, Adam).
void inr_agreement(benchmark::State& state) {
  constexpr int kSteps = 3;
  set_torch_threads(bench::threads());
  static const std::vector<double> losses = [] {
    RepriseStep r;
    TorchStep t(r.net);
    std::vector<double> v;
    for (int s = 0; s <= kSteps; ++s) {
      v.push_back(r.step());
      v.push_back(t.step());
    }
    return v;
  }();
  for (auto _ : state) {
    state.SetIterationTime(0);
    for (int s = 0; s <= kSteps; ++s) {
      const double r = losses[2 * s], t = losses[2 * s + 1];
      const std::string at = "step" + std::to_string(s);
      state.counters[at + "_loss_reprise"] = r;
      state.counters[at + "_loss_libtorch"] = t;
      state.counters[at + "_rel_diff"] = std::abs(r - t) / std::abs(t);
    }
  }
}
#endif

}  // namespace

// In this order, so that reprise's step sits between its bound's parts and libtorch's
// step, all within seconds (tools/bench/run runs this binary once per repeat).
BENCHMARK(inr_bound_gemm)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(inr_bound_peak_eigen)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(inr_bound_sincos)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(inr_step_reprise)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(5);
#ifdef REPRISE_HAVE_TORCH
BENCHMARK(inr_step_libtorch)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(inr_bound_peak_openblas)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(inr_agreement)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
#endif

int main(int argc, char** argv) {
#ifdef REPRISE_HAVE_TORCH
  benchmark::AddCustomContext("libtorch", TORCH_VERSION);
  benchmark::AddCustomContext("libtorch_blas", blas_library());
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
