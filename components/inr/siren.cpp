// inr/siren: the description of a SIREN (Sitzmann et al., NeurIPS 2020) that
// codec/inr builds and trains (model.hpp): an MLP with sine activations
// sin(ω0 (W x + b)) and the initialisation that keeps activations distributed
// alike through depth. The best INR of the TPC paper (seed 001, Fig. 3A).
#include "components/inr/model.hpp"

namespace reprise {
namespace {

class SirenModel : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a = inr::model_artifact("siren", p);
    a.set_scalar("omega0", p.get_double("omega0"));
    a.set_scalar("first_omega0", p.get_double("first_omega0"));
    a.set_string("coordinates", p.get_string("coordinates"));
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(SirenModel, "inr/siren", "2",
                  "SIREN implicit neural representation: sine activations, Sitzmann init (model + training settings)",
                  inr::param_width(128), inr::param_depth(5), inr::param_epochs(), inr::param_batch(),
                  inr::param_learning_rate(1e-4), inr::param_schedule(), inr::param_coordinates(),
                  param_double("omega0", 30, "ω0 of the hidden layers' sin(ω0 (W x + b))").range(1e-3, 1e4),
                  param_double("first_omega0", 30, "ω0 of the first layer").range(1e-3, 1e4),
                  inr::output_model(), inr::output_settings())

}  // namespace reprise
