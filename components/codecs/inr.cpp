// codec/inr: compression by fitting an implicit neural representation (seed
// 001). The network's weights are the compressed form: no latent code, nothing
// else per volume. Encoding trains the model an inr/* node describes on the
// coordinates a sampler/* node draws; decoding evaluates it at every voxel of a
// grid, which may be finer than the training volume (super-resolution: train on
// dataset/downsample's output, decode on the full grid given as `grid`).
//
// The compressed form is a byte stream (components/inr/weight_coding.hpp): a
// header naming the architecture, seed, value scale and grid, then the weights
// row by row at `bits` (float32, float16, or 2..8-bit quantised with a scale
// per row), entropy-coded with zstd. The decoded volume is decoded from that
// stream alone, by the same code codec/inr-decode runs, so what the metrics
// see is what a reader of the bytes gets. Compression ratio = original bytes /
// stream bytes, the original counted at `original_bits` per voxel (16: the
// 10-bit ADC as stored). FFNet's Fourier matrix is redrawn from the seed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "components/codecs/volume_codec.hpp"
#include "components/datasets/volume.hpp"
#include "components/inr/model.hpp"
#include "components/inr/rate_control.hpp"
#include "components/inr/trainer.hpp"
#include "components/inr/weight_coding.hpp"
#include "components/samplers/coordinate_sampler.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Training targets: the values through the codec's value map.
std::vector<float> training_targets(const std::vector<double>& values, const inr::ValueMap& map) {
  std::vector<float> t(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) t[i] = map.target(values[i]);
  return t;
}

// Weights' mean stored width in bits.
double mean_row_bits(const inr::Network& net, const inr::RowBits& bits) {
  double weighted = 0, weights = 0;
  std::size_t r = 0;
  for (const inr::DenseSlot& s : net.dense_slots())
    for (int row = 0; row < s.out; ++row, ++r) {
      weighted += static_cast<double>(bits[r]) * s.in;
      weights += s.in;
    }
  return weights > 0 ? weighted / weights : 0;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class InrCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact InrCodec::run(const Inputs& in, const Params& p, Context& ctx) {
  const Artifact& data = in.get("data");
  const Array& volume = volume::volume_of(data, "data");
  const volume::GridFrame frame = volume::frame_of(data, "data");
  const volume::GridFrame decode_frame = in.has("grid") ? volume::frame_of(in.get("grid"), "grid") : frame;
  if (decode_frame.shape.size() != frame.shape.size())
    throw std::runtime_error("'grid' has rank " + std::to_string(decode_frame.shape.size()) + " but 'data' has rank " +
                             std::to_string(frame.shape.size()));
  if (volume.size() > std::size_t{0xffffffff}) throw std::runtime_error("volumes over 2^32 voxels are not supported");

  const Artifact& model = in.get("model");
  inr::TrainingOptions options = inr::training_options(model);
  const unsigned threads = worker_count(p.get_int("threads"), std::size_t{1} << 20);
  const int dim = static_cast<int>(frame.shape.size());

  const auto encode_start = std::chrono::steady_clock::now();
  const std::vector<double> values = volume_codec::read(data, "data", std::numeric_limits<std::size_t>::max()).values;
  const inr::ValueMap value_map = inr::ValueMap::fitted(values, p.get_string("transform"), p.get_double("zero_below"),
                                                        p.get_double("zero_margin"));
  const std::vector<float> targets = training_targets(values, value_map);
  const int bits_param = static_cast<int>(p.get_int("bits"));
  const double target_ratio = p.get_double("target_ratio");
  const double budget = static_cast<double>(volume.size()) * static_cast<double>(p.get_int("original_bits")) / 8 /
                        std::max(target_ratio, 1e-300);
  inr::StreamHeader header{inr::model_settings(model), dim, ctx.seed(), value_map, decode_frame};
  if (target_ratio > 0) header.model.set_scalar("width", inr::width_for_budget(header, budget, bits_param));
  const Artifact& settings = header.model;
  std::unique_ptr<inr::Network> net = inr::build_network(settings, dim, ctx.seed(), decode_frame.shape);
  auto sampler = coords::make_sampler(in.has("sampler") ? &in.get("sampler") : nullptr, targets);
  const inr::GridCoordinates training_grid(frame);
  const inr::FitReport fit =
      inr::fit(*net, training_grid, targets, *sampler, options, threads, ctx.seed() ^ 0x5a3c96e1f0d2b487ULL, ctx);
  auto plan_rows = [&] {
    if (target_ratio > 0) return inr::fill_budget(header, *net, bits_param, budget);
    const inr::RowBits uniform = inr::uniform_bits(*net, bits_param);
    return inr::RatePlan{uniform, inr::encode_stream(header, *net, uniform)};
  };
  inr::RatePlan plan = plan_rows();
  const int qat_epochs = static_cast<int>(p.get_int("qat_epochs"));
  if (qat_epochs > 0 && bits_param < 32) {
    // Fine-tune under the chosen row widths, then plan again: the weights moved.
    options.epochs = qat_epochs;
    options.learning_rate *= p.get_double("qat_lr");
    options.project = [bits = plan.bits](inr::Network& n) { inr::quantise(n, bits); };
    inr::fit(*net, training_grid, targets, *sampler, options, threads, ctx.seed() ^ 0x9e3779b97f4a7c15ULL, ctx);
    plan = plan_rows();
  }
  const std::vector<std::uint8_t>& stream = plan.stream;
  const double compress_seconds = seconds_since(encode_start);

  const auto decode_start = std::chrono::steady_clock::now();
  const inr::DecodedStream stored = inr::decode_stream(stream);
  std::vector<float> decoded = inr::decode_volume(stored, threads, ctx);
  const double decompress_seconds = seconds_since(decode_start);

  const double bytes = static_cast<double>(stream.size());
  const std::span<const float> weights = stored.net->parameters();
  Artifact out;
  out.set_array("volume", Array::from<float>(decode_frame.shape, decoded));
  volume::set_frame(out, decode_frame);
  out.set_array("stream", Array::from<std::uint8_t>({stream.size()}, stream));
  out.set_array("weights", Array::from<float>({weights.size()}, std::vector<float>(weights.begin(), weights.end())));
  out.set_array("loss", Array::from<double>({fit.epoch_loss.size()}, fit.epoch_loss));
  out.set_string("architecture", net->describe());
  out.set_string("seed", std::to_string(ctx.seed()));  // rebuilds FFNet's B and nothing else
  out.set_scalar("value_scale", value_map.scale);
  out.set_scalar("parameters", static_cast<double>(net->parameters().size()));
  out.set_scalar("width", settings.scalar("width"));
  out.set_scalar("mean_bits", mean_row_bits(*net, plan.bits));
  volume_codec::set_sizes(out, bytes, volume.size(), static_cast<double>(p.get_int("original_bits")));
  out.set_scalar("final_loss", fit.epoch_loss.empty() ? 0.0 : fit.epoch_loss.back());
  out.set_scalar("steps", static_cast<double>(fit.steps));
  out.set_scalar("train_seconds", fit.seconds);
  out.set_scalar("samples_per_second", fit.seconds > 0 ? static_cast<double>(fit.samples) / fit.seconds : 0.0);
  out.set_scalar("compress_seconds", compress_seconds);
  out.set_scalar("decompress_seconds", decompress_seconds);
  return out;
}

}  // namespace

REPRISE_COMPONENT(InrCodec, "codec/inr", "3",
                  "INR codec: fit an inr/* model to a volume; the weights are the compressed form; decode on any grid",
                  param_int("bits", 32,
                            "bits per stored weight: 32 (float32), 16 (float16), or 2..8 (symmetric uniform "
                            "quantisation with one float32 scale per output unit; biases float16)")
                      .range(2, 32),
                  param_string("transform", "linear",
                               "value map of the training targets: linear (v / max|v|) or log (log1p(v - "
                               "zero_below) / log1p(max - zero_below), zeros at 0; for zero-suppressed data)")
                      .one_of({"linear", "log"}),
                  param_double("zero_below", 0,
                               "the data's zero-suppression threshold T (values are 0 or >= T); 0: none. Decoded "
                               "values below T + zero_margin become 0")
                      .at_least(0),
                  param_double("zero_margin", 0, "see zero_below: how far above T a decoded value must be to be kept")
                      .at_least(0),
                  param_int("original_bits", 16, "bits per voxel of the original, for the ratio (10-bit ADC stored as 16)")
                      .range(1, 64),
                  param_double("target_ratio", 0,
                               "0: off. Otherwise the ratio to reach, never below: the width is the widest whose "
                               "stream at `bits` fits original_bytes / target_ratio, and after training rows are "
                               "widened in layer order until the coded stream fills that budget (within 5 %). float32 "
                               "rows cannot widen, so with bits 32 the width is one more and its rows are float16, "
                               "the first ones widened back to float32 until the budget is full")
                      .at_least(0),
                  param_int("qat_epochs", 0,
                            "quantisation-aware fine-tune after training: epochs at the chosen row widths, "
                            "gradients at the quantised weights (straight-through); 0: none")
                      .range(0, 1000000),
                  param_double("qat_lr", 0.1, "learning rate of the fine-tune, as a fraction of the model's lr")
                      .range(1e-6, 10),
                  param_int("threads", 0, "training threads (0: all cores); results do not depend on it")
                      .at_least(0)
                      .output_neutral(),
                  input("data", "the volume to compress (array 'volume', any rank)"),
                  input("model", "an inr/siren, inr/ffnet or inr/wire node"),
                  optional_input("sampler", "a sampler/full|random|importance|entropy node (default: full)"),
                  optional_input("grid", "a volume whose grid to decode on (default: data's); e.g. the full-"
                                         "resolution volume when data is downsampled"),
                  output("volume", "float32: the decoded values on the decode grid, with its frame"),
                  output("stream", "uint8: the compressed form, all a decoder needs (codec/inr-decode)"),
                  output("weights", "float32: the parameters as decoded from the stream (not counted)"),
                  output("loss", "float64 {epochs}: mean squared error per epoch, in training-target units (see transform)"),
                  output("architecture, seed, value_scale, parameters", "what the stream's header records"),
                  output("bytes, original_bytes, ratio, bits_per_value", "sizes: stream vs original at original_bits"),
                  output("final_loss, steps, train_seconds, samples_per_second", "training summary"),
                  output("width, mean_bits", "the width trained (chosen by target_ratio when set) and the mean "
                                             "bits per stored weight"),
                  output("compress_seconds, decompress_seconds", "wall time of encode (fit) and decode, measured in the node"))

}  // namespace reprise
