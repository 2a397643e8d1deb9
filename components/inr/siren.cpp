#include "components/inr/siren.hpp"

#include "components/inr/model.hpp"

namespace reprise {

Artifact SirenModel::run(const Inputs&, const Params& p, Context&) {
  Artifact a = inr::model_artifact("siren", p);
  a.set_scalar("omega0", p.get_double("omega0"));
  a.set_scalar("first_omega0", p.get_double("first_omega0"));
  return a;
}

std::unique_ptr<inr::Network> make_siren_network(const Artifact& model, int input_dim, std::uint64_t seed) {
  inr::MlpConfig c;
  c.input_dim = input_dim;
  c.width = static_cast<int>(model.scalar("width"));
  c.depth = static_cast<int>(model.scalar("depth"));
  c.activation = inr::Activation::Sine;
  c.first_omega = static_cast<float>(model.scalar("first_omega0"));
  c.hidden_omega = static_cast<float>(model.scalar("omega0"));
  return std::make_unique<inr::Mlp>(c, seed);
}

REPRISE_COMPONENT(SirenModel, "inr/siren", "1",
                  "SIREN implicit neural representation: sine activations, Sitzmann init (model + training settings)",
                  inr::param_width(128), inr::param_depth(5), inr::param_epochs(), inr::param_batch(),
                  inr::param_learning_rate(1e-4), inr::param_schedule(),
                  param_double("omega0", 30, "ω0 of the hidden layers' sin(ω0 (W x + b))").range(1e-3, 1e4),
                  param_double("first_omega0", 30, "ω0 of the first layer").range(1e-3, 1e4),
                  inr::output_model(), inr::output_settings())

}  // namespace reprise
