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
#include "components/inr/trainer.hpp"
#include "components/inr/weight_coding.hpp"
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
  const inr::RowBits bits = inr::uniform_bits(*net, static_cast<int>(p.get_int("bits")));
  const inr::StreamHeader header{inr::model_settings(model), dim, ctx.seed(), targets.scale, decode_frame};
  const std::vector<std::uint8_t> stream = inr::encode_stream(header, *net, bits);
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

REPRISE_COMPONENT(InrCodec, "codec/inr", "2",
                  "INR codec: fit an inr/* model to a volume; the weights are the compressed form; decode on any grid",
                  param_int("bits", 32,
                            "bits per stored weight: 32 (float32), 16 (float16), or 2..8 (symmetric uniform "
                            "quantisation with one float32 scale per output unit; biases float16)")
                      .range(2, 32),
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
                  output("stream", "uint8: the compressed form, all a decoder needs (codec/inr-decode)"),
                  output("weights", "float32: the parameters as decoded from the stream (not counted)"),
                  output("loss", "float64 {epochs}: mean squared error per epoch (values / value_scale)"),
                  output("architecture, seed, value_scale, parameters", "what the stream's header records"),
                  output("bytes, original_bytes, ratio, bits_per_value", "sizes: stream vs original at original_bits"),
                  output("final_loss, steps, train_seconds, samples_per_second", "training summary"),
                  output("compress_seconds, decompress_seconds", "wall time of encode (fit) and decode, measured in the node"))

}  // namespace reprise
