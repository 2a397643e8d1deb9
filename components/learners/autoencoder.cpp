// learner/autoencoder: the baselines of the QoI-compression paper (seed 000):
// an autoencoder (autoencoder_network.hpp) compresses each sample to `latent`
// numbers, and its regularised variant adds a penalty on the drift of the QoIs
// (first and second moments) of the reconstructed batch from those of the
// original batch. The paper's method (codec/dct + MCMC correction) is compared
// with both at equal compression ratio; the latent size can be taken from a
// codec node (`match`) to get that ratio.
//
// Trained with Adam on standardised variables. The stored form is the codes
// (float32), so ratio = original bytes / code bytes; the decoder's weights and
// the standardisation are shared by all samples and not counted, as in the paper.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/learners/autoencoder_network.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

struct Standardised {
  inr::Matrix x;                 // d x M, float
  Eigen::VectorXd mean, scale;   // per variable
};

Standardised standardise(const Array& samples) {
  const std::size_t m = samples.shape()[0], d = samples.shape()[1];
  const std::vector<double> v = samples.to_double();
  Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> rows(
      v.data(), static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(d));
  Standardised s;
  s.mean = rows.colwise().mean().transpose();
  s.scale = ((rows.rowwise() - s.mean.transpose()).array().square().colwise().mean()).sqrt().transpose();
  for (Eigen::Index j = 0; j < s.scale.size(); ++j)
    if (!(s.scale(j) > 0)) s.scale(j) = 1;  // a constant variable
  s.x = ((rows.rowwise() - s.mean.transpose()).array().rowwise() / s.scale.transpose().array()).matrix().transpose().cast<float>();
  return s;
}

int latent_size(const Inputs& in, const Params& p, std::size_t dim, double original_bytes, std::size_t samples) {
  if (!in.has("match")) {
    if (p.get_int("latent") < 1)
      throw std::invalid_argument("give 'latent' or a 'match' input (a codec node with a ratio)");
    return static_cast<int>(std::min<std::int64_t>(p.get_int("latent"), static_cast<std::int64_t>(dim)));
  }
  const double ratio = in.get("match").scalar("ratio");
  const double codes = original_bytes / (ratio * 4.0 * static_cast<double>(samples));  // float32 codes per sample
  return static_cast<int>(std::clamp<double>(std::round(codes), 1, static_cast<double>(dim)));
}

class AutoencoderLearner : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    const Array& samples = in.get("data").array("samples");
    if (samples.rank() != 2 || samples.shape()[0] < 2 || samples.shape()[1] < 1)
      throw std::runtime_error("data.samples must be a {samples >= 2, variables} matrix, got " +
                               shape_text(samples.shape()));
    const std::size_t m = samples.shape()[0], d = samples.shape()[1];
    const double original_bytes = static_cast<double>(m * d * dtype_size(samples.dtype()));
    const auto start = std::chrono::steady_clock::now();

    ae::AutoencoderConfig c;
    c.dim = static_cast<int>(d);
    c.latent = latent_size(in, p, d, original_bytes, m);
    c.width = static_cast<int>(p.get_int("width"));
    c.depth = static_cast<int>(p.get_int("depth"));
    c.qoi_weight = p.get_bool("regularized") ? p.get_double("qoi_weight") : 0.0;
    ae::Autoencoder net(c, ctx.seed());
    const Standardised data = standardise(samples);

    inr::Adam enc_adam(net.encoder().parameters().size()), dec_adam(net.decoder().parameters().size());
    // Eigen vectors, not std::vector: Mlp::backward adds the bias gradients with
    // Eigen's rowwise().sum() straight into these buffers, and Eigen sums the
    // entries before the first aligned address in another order than the rest.
    // In malloc'd memory that split, and so the trained network, changed from run
    // to run; Eigen's own alignment fixes it (as for BatchRunner's partial sums).
    Eigen::VectorXf enc_grad(net.encoder().parameters().size()), dec_grad(net.decoder().parameters().size());
    const std::span<float> enc_g(enc_grad.data(), static_cast<std::size_t>(enc_grad.size()));
    const std::span<float> dec_g(dec_grad.data(), static_cast<std::size_t>(dec_grad.size()));
    std::vector<std::uint32_t> order(m);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937_64 rng(ctx.seed() ^ 0x2545f4914f6cdd1dULL);
    const std::size_t batch = static_cast<std::size_t>(p.get_int("batch"));
    const std::int64_t epochs = p.get_int("epochs");
    const float rate = static_cast<float>(p.get_double("lr"));
    inr::Matrix x;
    double last_epoch_loss = 0;
    for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      double sum = 0;
      std::size_t batches = 0;
      for (std::size_t first = 0; first < m; first += batch) {
        ctx.check_cancelled();
        const std::size_t n = std::min(batch, m - first);
        x.resize(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(n));
        for (std::size_t j = 0; j < n; ++j) x.col(static_cast<Eigen::Index>(j)) = data.x.col(order[first + j]);
        enc_grad.setZero();
        dec_grad.setZero();
        const double loss = net.loss_and_gradient(x, enc_g, dec_g);
        if (!std::isfinite(loss))
          throw std::runtime_error("training diverged in epoch " + std::to_string(epoch + 1) +
                                   " at learning rate " + std::to_string(rate) + ": lower 'lr'");
        enc_adam.step(net.encoder().parameters(), enc_g, rate);
        dec_adam.step(net.decoder().parameters(), dec_g, rate);
        sum += loss;
        ++batches;
      }
      last_epoch_loss = sum / static_cast<double>(std::max<std::size_t>(batches, 1));
      ctx.progress(static_cast<std::uint64_t>(epoch + 1), static_cast<std::uint64_t>(epochs));
    }

    // Encode and decode every sample; undo the standardisation.
    const inr::Matrix codes = net.encode(data.x);
    const inr::Matrix decoded = net.decode(codes);
    std::vector<double> out(m * d);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < d; ++j)
        out[i * d + j] = data.mean(static_cast<Eigen::Index>(j)) +
                         data.scale(static_cast<Eigen::Index>(j)) * decoded(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i));
    std::vector<float> code_rows(m * static_cast<std::size_t>(c.latent));
    for (std::size_t i = 0; i < m; ++i)
      for (int k = 0; k < c.latent; ++k) code_rows[i * c.latent + k] = codes(k, static_cast<Eigen::Index>(i));

    const double bytes = static_cast<double>(code_rows.size() * sizeof(float));
    Artifact a;
    a.set_array("samples", Array::from<double>({m, d}, out));
    a.set_array("codes", Array::from<float>({m, static_cast<std::size_t>(c.latent)}, code_rows));
    a.set_scalar("latent", c.latent);
    a.set_scalar("bytes", bytes);
    a.set_scalar("original_bytes", original_bytes);
    a.set_scalar("ratio", original_bytes / bytes);
    a.set_scalar("final_loss", last_epoch_loss);
    a.set_scalar("train_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(AutoencoderLearner, "learner/autoencoder", "2",
                  "autoencoder baseline (optionally QoI-regularised): each sample compressed to `latent` float32 codes",
                  param_int("latent", 0, "code size per sample; 0: from the 'match' input's ratio").at_least(0),
                  param_int("width", 128, "units per hidden layer").range(1, 8192),
                  param_int("depth", 1, "hidden ReLU layers in the encoder and in the decoder").range(1, 16),
                  param_int("epochs", 20, "passes over the samples").range(1, 100000),
                  param_int("batch", 256, "samples per Adam step (also the batch the QoI penalty sees)").range(2, 1 << 20),
                  param_double("lr", 1e-3, "Adam learning rate").range(1e-12, 10),
                  param_bool("regularized", false, "add the QoI-drift penalty (the paper's regularised autoencoder)"),
                  param_double("qoi_weight", 1.0, "λ of the penalty on batch first/second-moment drift").at_least(0),
                  input("data", "artifact with 'samples' {M, d}"),
                  optional_input("match", "a codec node (e.g. codec/dct) whose scalar 'ratio' sets the latent size"),
                  output("samples", "float64 {M, d}: the decoded samples"),
                  output("codes", "float32 {M, latent}: the compressed form"),
                  output("latent, bytes, original_bytes, ratio", "code size and compression ratio"),
                  output("final_loss, train_seconds", "last epoch's mean batch loss; wall time"))

}  // namespace reprise
