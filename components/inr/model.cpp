#include "components/inr/model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "components/inr/wire_network.hpp"

namespace reprise::inr {

ParamSpec param_width(std::int64_t def) {
  return param_int("width", def, "units per hidden layer (WIRE: of the equally sized real network)").range(1, 4096);
}
ParamSpec param_depth(std::int64_t def) { return param_int("depth", def, "hidden layers").range(1, 64); }
ParamSpec param_epochs() {
  return param_int("epochs", 100, "passes over the training coordinates the sampler draws (redrawn every epoch)")
      .range(1, 1000000);
}
ParamSpec param_batch() { return param_int("batch", 8192, "coordinates per Adam step").range(1, 1 << 24); }
ParamSpec param_learning_rate(double def) {
  return param_double("lr", def, "Adam learning rate").range(1e-12, 10);
}
ParamSpec param_schedule() {
  return param_string("schedule", "constant",
                      "learning-rate schedule: constant; cosine (decay to lr/100 over the run); warmup-cosine (a "
                      "linear rise from lr/100 over the first 5 % of the steps, then the cosine decay: keeps wide "
                      "sine networks at lr 1e-3 from collapsing to the mean in their first steps)")
      .one_of({"constant", "cosine", "warmup-cosine"});
}
ParamSpec param_coordinates() {
  return param_string("coordinates", "per-axis",
                      "how voxels map to the network's inputs: per-axis (every axis spans [-1, 1], SIREN's and the "
                      "paper's convention) or isotropic (one grid step is equally long on every axis, the longest "
                      "axis spanning [-1, 1]; the first layer's frequencies then mean the same cycles per voxel "
                      "along a 16-sample axis as along a 249-sample one)")
      .one_of({"per-axis", "isotropic"});
}
OutputSpec output_model() { return output("model", "string: siren, ffnet or wire"); }
OutputSpec output_settings() {
  return output("width, depth, epochs, batch, lr, schedule", "the architecture and training settings, as given");
}

Artifact model_artifact(const std::string& model, const Params& p) {
  Artifact a;
  a.set_string("model", model);
  for (const char* key : {"width", "depth", "epochs", "batch"}) a.set_scalar(key, static_cast<double>(p.get_int(key)));
  a.set_scalar("lr", p.get_double("lr"));
  a.set_string("schedule", p.get_string("schedule"));
  return a;
}

Artifact model_settings(const Artifact& model) {
  Artifact a;
  for (const auto& [k, v] : model.strings()) a.set_string(k, v);
  for (const auto& [k, v] : model.scalars()) a.set_scalar(k, v);
  return a;
}

double TrainingOptions::rate_at(std::int64_t step, std::int64_t total_steps) const {
  if (!cosine || total_steps <= 1) return learning_rate;
  const double floor = learning_rate / 100;
  const auto warmup = static_cast<std::int64_t>(warmup_fraction * static_cast<double>(total_steps));
  if (step < warmup) return floor + (learning_rate - floor) * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double progress =
      static_cast<double>(step - warmup) / static_cast<double>(std::max<std::int64_t>(1, total_steps - 1 - warmup));
  return floor + 0.5 * (learning_rate - floor) * (1 + std::cos(std::numbers::pi * progress));
}

namespace {

void require_model(const Artifact& model) {
  if (model.strings().count("model") == 0)
    throw std::runtime_error("input 'model' is not an inr/* node (inr/siren, inr/ffnet or inr/wire): it has no "
                             "string 'model'");
}

// The shape every MLP model shares: inputs, hidden width and depth.
MlpConfig mlp_shape(const Artifact& model, int input_dim) {
  MlpConfig c;
  c.input_dim = input_dim;
  c.width = static_cast<int>(model.scalar("width"));
  c.depth = static_cast<int>(model.scalar("depth"));
  return c;
}

// Grid steps per coordinate unit along each axis of the decode grid: an axis
// of n samples spans [-1, 1] in n - 1 steps of 2 / (n - 1). `option` names the
// model setting that needs the grid, for the error when its shape is missing.
std::vector<double> steps_per_unit(const Artifact& model, int input_dim, std::span<const std::size_t> samples_per_axis,
                                   const std::string& option) {
  if (samples_per_axis.size() != static_cast<std::size_t>(input_dim))
    throw std::runtime_error("inr/" + model.string("model") + " with " + option + " needs the grid's shape (" +
                             std::to_string(input_dim) + " axes)");
  std::vector<double> steps;
  for (const std::size_t n : samples_per_axis) steps.push_back(static_cast<double>(std::max<std::size_t>(n, 2) - 1) / 2);
  return steps;
}

// Per-axis input factors of `coordinates: isotropic`: dividing each axis's
// steps per unit by the longest axis's makes every step as long as the longest
// axis's, which keeps [-1, 1]. Empty (inputs as they are) for `per-axis` and for
// models written before the parameter existed.
std::vector<float> isotropic_scale(const Artifact& model, int input_dim, std::span<const std::size_t> samples_per_axis) {
  if (model.strings().count("coordinates") == 0 || model.string("coordinates") != "isotropic") return {};
  const std::vector<double> steps = steps_per_unit(model, input_dim, samples_per_axis, "coordinates: isotropic");
  const double longest = *std::max_element(steps.begin(), steps.end());
  std::vector<float> scale;
  for (const double k : steps) scale.push_back(static_cast<float>(k / longest));
  return scale;
}

std::unique_ptr<Network> siren_network(const Artifact& model, int input_dim, std::uint64_t seed,
                                       std::span<const std::size_t> samples_per_axis) {
  MlpConfig c = mlp_shape(model, input_dim);
  c.activation = Activation::Sine;
  c.first_omega = static_cast<float>(model.scalar("first_omega0"));
  c.hidden_omega = static_cast<float>(model.scalar("omega0"));
  c.input_scale = isotropic_scale(model, input_dim, samples_per_axis);
  return std::make_unique<Mlp>(c, seed);
}

// B is drawn from `seed` with the weights, so a decoder needs only the seed
// (and the grid, when sigma is per grid step).
std::unique_ptr<Network> ffnet_network(const Artifact& model, int input_dim, std::uint64_t seed,
                                       std::span<const std::size_t> samples_per_axis) {
  MlpConfig c = mlp_shape(model, input_dim);
  c.activation = Activation::Relu;
  c.fourier_features = static_cast<int>(model.scalar("features"));
  c.fourier_sigma = static_cast<float>(model.scalar("sigma"));
  // σ cycles per grid step are σ · (steps per unit) cycles per unit. Streams
  // written before sigma_unit existed have no such string: per coordinate unit.
  if (model.strings().count("sigma_unit") != 0 && model.string("sigma_unit") == "sample")
    for (const double k : steps_per_unit(model, input_dim, samples_per_axis, "sigma_unit: sample"))
      c.fourier_axis_sigma.push_back(static_cast<float>(static_cast<double>(c.fourier_sigma) * k));
  return std::make_unique<Mlp>(c, seed);
}

// `width` is the width of an equally sized real network; WIRE uses ⌊width/√2⌋
// complex units, as its authors do, so both hold about the same number of floats.
std::unique_ptr<Network> wire_network(const Artifact& model, int input_dim, std::uint64_t seed,
                                      std::span<const std::size_t> samples_per_axis) {
  WireConfig c;
  c.input_dim = input_dim;
  c.width = std::max(1, static_cast<int>(std::floor(model.scalar("width") / std::sqrt(2.0))));
  c.depth = static_cast<int>(model.scalar("depth"));
  c.omega = static_cast<float>(model.scalar("omega"));
  c.scale = static_cast<float>(model.scalar("scale"));
  c.input_scale = isotropic_scale(model, input_dim, samples_per_axis);
  return std::make_unique<WireNet>(c, seed);
}

}  // namespace

TrainingOptions training_options(const Artifact& model) {
  require_model(model);
  TrainingOptions o;
  o.epochs = static_cast<int>(model.scalar("epochs"));
  o.batch = static_cast<int>(model.scalar("batch"));
  o.learning_rate = model.scalar("lr");
  o.cosine = model.string("schedule") != "constant";
  o.warmup_fraction = model.string("schedule") == "warmup-cosine" ? 0.05 : 0.0;
  return o;
}

std::unique_ptr<Network> build_network(const Artifact& model, int input_dim, std::uint64_t seed,
                                       std::span<const std::size_t> samples_per_axis) {
  require_model(model);
  const std::string& name = model.string("model");
  if (name == "siren") return siren_network(model, input_dim, seed, samples_per_axis);
  if (name == "ffnet") return ffnet_network(model, input_dim, seed, samples_per_axis);
  if (name == "wire") return wire_network(model, input_dim, seed, samples_per_axis);
  throw std::runtime_error("unknown INR model '" + name + "' (expected siren, ffnet or wire)");
}

}  // namespace reprise::inr
