// inr/ffnet: the description of a Fourier feature network (Tancik et al.,
// NeurIPS 2020) that codec/inr builds and trains (model.hpp): coordinates mapped
// to γ(x) = [sin 2πBx, cos 2πBx] with B ~ N(0, σ²), then a ReLU MLP. The random
// features lift the MLP's spectral bias; σ sets the frequencies reached.
#include "components/inr/model.hpp"

namespace reprise {
namespace {

class FfnetModel : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a = inr::model_artifact("ffnet", p);
    a.set_scalar("features", static_cast<double>(p.get_int("features")));
    a.set_scalar("sigma", p.get_double("sigma"));
    a.set_string("sigma_unit", p.get_string("sigma_unit"));
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(FfnetModel, "inr/ffnet", "1",
                  "Fourier feature network: Gaussian random Fourier features + ReLU MLP (model + training settings)",
                  inr::param_width(128), inr::param_depth(5), inr::param_epochs(), inr::param_batch(),
                  inr::param_learning_rate(1e-3), inr::param_schedule(),
                  param_int("features", 128, "rows m of B: the network sees 2m features").range(1, 65536),
                  param_double("sigma", 10, "standard deviation of B's entries (frequency scale), in cycles per sigma_unit")
                      .range(1e-6, 1e6),
                  param_string("sigma_unit", "coordinate",
                               "coordinate: B ~ N(0, sigma^2) on every axis, each axis spanning [-1, 1] (Tancik et "
                               "al.); sample: sigma cycles per grid step of the decode grid on every axis, so an "
                               "axis of 16 samples and one of 249 reach the same frequency per voxel")
                      .one_of({"coordinate", "sample"}),
                  inr::output_model(), inr::output_settings())

}  // namespace reprise
