// What the inr/* components share. An inr/* node is a model description, not a
// fit: its artifact names the architecture and the training settings (string
// "model", scalars "width", "depth", "epochs", "batch", "lr", string "schedule",
// plus the model's own scalars), and codec/inr builds the network from it and
// trains it on a volume. Describing the model as a node lets a spec sweep
// architectures and reuse one description across codecs and samplers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "components/inr/mlp.hpp"
#include "framework/core/registry.hpp"

namespace reprise::inr {

// Parameters every inr/* component declares, each declared once here.
ParamSpec param_width(std::int64_t def);
ParamSpec param_depth(std::int64_t def);
ParamSpec param_epochs();
ParamSpec param_batch();
ParamSpec param_learning_rate(double def);
ParamSpec param_schedule();
// inr/siren's and inr/wire's input geometry (inr/ffnet's is its sigma_unit).
ParamSpec param_coordinates();
OutputSpec output_model();
OutputSpec output_settings();

// The common part of an inr/* artifact, from the parameters above.
Artifact model_artifact(const std::string& model, const Params& p);

// An inr/* artifact's strings and scalars only: the description a stored
// stream carries (components/inr/weight_coding.hpp).
Artifact model_settings(const Artifact& model);

struct TrainingOptions {
  int epochs = 100;
  int batch = 8192;
  double learning_rate = 1e-4;
  bool cosine = false;  // cosine decay from learning_rate to learning_rate / 100
  double warmup_fraction = 0;  // steps rising linearly from learning_rate / 100 first (with cosine)
  // Quantisation-aware training: when set, every gradient is taken at
  // project(θ) and applied to θ itself (the straight-through estimator), so
  // the float weights learn to sit well under the projection.
  std::function<void(Network&)> project;
  double rate_at(std::int64_t step, std::int64_t total_steps) const;
};
TrainingOptions training_options(const Artifact& model);

// The network an inr/* artifact describes, initialised from `seed`; throws
// std::runtime_error naming the model when the artifact is not an inr/* one.
// `samples_per_axis` is the decode grid's shape: FFNet with sigma_unit sample
// scales its frequencies by it, SIREN and WIRE with coordinates isotropic their
// inputs (otherwise it is ignored).
std::unique_ptr<Network> build_network(const Artifact& model, int input_dim, std::uint64_t seed,
                                       std::span<const std::size_t> samples_per_axis = {});

}  // namespace reprise::inr
