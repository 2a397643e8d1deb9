#include "components/inr/ffnet.hpp"

#include "components/inr/model.hpp"

namespace reprise {

Artifact FfnetModel::run(const Inputs&, const Params& p, Context&) {
  Artifact a = inr::model_artifact("ffnet", p);
  a.set_scalar("features", static_cast<double>(p.get_int("features")));
  a.set_scalar("sigma", p.get_double("sigma"));
  return a;
}

std::unique_ptr<inr::Network> make_ffnet_network(const Artifact& model, int input_dim, std::uint64_t seed) {
  inr::MlpConfig c;
  c.input_dim = input_dim;
  c.width = static_cast<int>(model.scalar("width"));
  c.depth = static_cast<int>(model.scalar("depth"));
  c.activation = inr::Activation::Relu;
  c.fourier_features = static_cast<int>(model.scalar("features"));
  c.fourier_sigma = static_cast<float>(model.scalar("sigma"));
  return std::make_unique<inr::Mlp>(c, seed);
}

REPRISE_COMPONENT(FfnetModel, "inr/ffnet", "1",
                  "Fourier feature network: Gaussian random Fourier features + ReLU MLP (model + training settings)",
                  inr::param_width(128), inr::param_depth(5), inr::param_epochs(), inr::param_batch(),
                  inr::param_learning_rate(1e-3), inr::param_schedule(),
                  param_int("features", 128, "rows m of B: the network sees 2m features").range(1, 65536),
                  param_double("sigma", 10, "standard deviation of B's entries (frequency scale)").range(1e-6, 1e6),
                  inr::output_model(), inr::output_settings())

}  // namespace reprise
