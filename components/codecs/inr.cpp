// codec/inr: compression by fitting an implicit neural representation (seed
// 001). The network's weights are the compressed form: no latent code, nothing
// else per volume. Encoding trains the model an inr/* node describes on the
// coordinates a sampler/* node draws; decoding evaluates it at every voxel of a
// grid, which may be finer than the training volume (super-resolution: train on
// dataset/downsample's output, decode on the full grid given as `grid`).
//
// Compression ratio = original bytes / weight bytes, the original counted at
// `original_bits` per voxel (16: the 10-bit ADC as stored). Weights are stored
// as float32, or as float16 (rounded to nearest; the decoded volume is that of
// the rounded weights). FFNet's Fourier matrix is redrawn from the stored seed
// and is not counted.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "components/codecs/volume_codec.hpp"
#include "components/datasets/volume.hpp"
#include "components/inr/model.hpp"
#include "components/inr/trainer.hpp"
#include "components/samplers/coordinate_sampler.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// The volume's values as float and the scale that maps them into [-1, 1].
struct Targets {
  std::vector<float> values;
  float scale = 1;
};

// The values divided by their largest magnitude (volume_codec::read has checked
// they are finite).
Targets normalised_targets(const std::vector<double>& v) {
  Targets t;
  double largest = 0;
  for (double x : v) largest = std::max(largest, std::abs(x));
  t.scale = largest > 0 ? static_cast<float>(largest) : 1.0f;
  t.values.resize(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) t.values[i] = static_cast<float>(v[i] / t.scale);
  return t;
}

// Rounds the parameters to the stored precision in place and returns the stored array.
Array stored_weights(std::span<float> params, bool half) {
  if (!half) return Array::from<float>({params.size()}, std::vector<float>(params.begin(), params.end()));
  std::vector<std::uint16_t> bits(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    bits[i] = inr::to_half(params[i]);
    params[i] = inr::from_half(bits[i]);
  }
  return Array::from<std::uint16_t>({params.size()}, bits);
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
  const inr::TrainingOptions options = inr::training_options(model);
  const unsigned threads = worker_count(p.get_int("threads"), std::size_t{1} << 20);
  const int dim = static_cast<int>(frame.shape.size());

  const auto encode_start = std::chrono::steady_clock::now();
  const Targets targets =
      normalised_targets(volume_codec::read(data, "data", std::numeric_limits<std::size_t>::max()).values);
  std::unique_ptr<inr::Network> net = inr::build_network(model, dim, ctx.seed());
  auto sampler = coords::make_sampler(in.has("sampler") ? &in.get("sampler") : nullptr, targets.values);
  const inr::GridCoordinates training_grid(frame);
  const inr::FitReport fit =
      inr::fit(*net, training_grid, targets.values, *sampler, options, threads, ctx.seed() ^ 0x5a3c96e1f0d2b487ULL, ctx);
  const bool half = p.get_string("weights") == "float16";
  Array weights = stored_weights(net->parameters(), half);
  const double compress_seconds = seconds_since(encode_start);

  const auto decode_start = std::chrono::steady_clock::now();
  const inr::GridCoordinates decode_grid(decode_frame);
  std::vector<float> decoded = inr::decode(*net, decode_grid, targets.scale, threads, ctx);
  const double decompress_seconds = seconds_since(decode_start);

  const double bytes = static_cast<double>(weights.size() * dtype_size(weights.dtype()));
  Artifact out;
  out.set_array("volume", Array::from<float>(decode_frame.shape, decoded));
  volume::set_frame(out, decode_frame);
  out.set_array("weights", std::move(weights));
  out.set_array("loss", Array::from<double>({fit.epoch_loss.size()}, fit.epoch_loss));
  out.set_string("architecture", net->describe());
  out.set_string("seed", std::to_string(ctx.seed()));  // rebuilds FFNet's B and nothing else
  out.set_scalar("value_scale", targets.scale);
  out.set_scalar("parameters", static_cast<double>(net->parameters().size()));
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

REPRISE_COMPONENT(InrCodec, "codec/inr", "1",
                  "INR codec: fit an inr/* model to a volume; the weights are the compressed form; decode on any grid",
                  param_string("weights", "float32", "precision the weights are stored in").one_of({"float32", "float16"}),
                  param_int("original_bits", 16, "bits per voxel of the original, for the ratio (10-bit ADC stored as 16)")
                      .range(1, 64),
                  param_int("threads", 0, "training threads (0: all cores); results do not depend on it")
                      .at_least(0)
                      .output_neutral(),
                  input("data", "the volume to compress (array 'volume', any rank)"),
                  input("model", "an inr/siren, inr/ffnet or inr/wire node"),
                  optional_input("sampler", "a sampler/full|random|importance|entropy node (default: full)"),
                  optional_input("grid", "a volume whose grid to decode on (default: data's); e.g. the full-"
                                         "resolution volume when data is downsampled"),
                  output("volume", "float32: the decoded values on the decode grid, with its frame"),
                  output("weights", "float32 or uint16 (float16 bits): the compressed form"),
                  output("loss", "float64 {epochs}: mean squared error per epoch (values / value_scale)"),
                  output("architecture, seed, value_scale, parameters", "what a decoder needs besides the weights"),
                  output("bytes, original_bytes, ratio, bits_per_value", "sizes: weights vs original at original_bits"),
                  output("final_loss, steps, train_seconds, samples_per_second", "training summary"),
                  output("compress_seconds, decompress_seconds", "wall time of encode (fit) and decode, measured in the node"))

}  // namespace reprise
