// inr/wire: the description of a WIRE network (Saragadam et al., CVPR 2023;
// wire_network.hpp) that codec/inr builds and trains (model.hpp): complex Gabor
// wavelet activations, so each unit is localised in space and in frequency.
// Listed with SIREN and FFNet as the INR models of the TPC paper (seed 001,
// Appendix B).
#include "components/inr/model.hpp"

namespace reprise {
namespace {

class WireModel : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a = inr::model_artifact("wire", p);
    a.set_scalar("omega", p.get_double("omega"));
    a.set_scalar("scale", p.get_double("scale"));
    a.set_string("coordinates", p.get_string("coordinates"));
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(WireModel, "inr/wire", "3",
                  "WIRE implicit neural representation: complex Gabor wavelet activations (model + training settings)",
                  inr::param_width(128), inr::param_depth(5), inr::param_epochs(), inr::param_batch(),
                  inr::param_learning_rate(1e-3), inr::param_schedule(), inr::param_coordinates(),
                  param_double("omega", 20, "Gabor frequency ω of σ(z) = exp(iωz − |sz|²)").at_least(0),
                  param_double("scale", 10, "Gabor width s of σ(z) = exp(iωz − |sz|²)").at_least(0),
                  inr::output_model(), inr::output_settings())

}  // namespace reprise
