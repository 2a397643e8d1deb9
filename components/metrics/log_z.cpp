// metric/log-z: error of a sampler's estimate of log Z against the target's
// exact log Z. `estimate` picks which of the sampler's estimates:
//   weights    its "log_z": the product of the mean incremental weights the
//              particles carry (sampler/ttflow's transport weights, sampler/smc's
//              annealing weights)
//   annealing  its "log_z_annealing": sampler/ttflow's product of the mean
//              stay-put increments on the same particles (see
//              components/samplers/ttflow.cpp). A sampler without a transport
//              (sampler/smc) has no separate one: its log_z is that estimate.
//
// Versions: 2 added `estimate`.
#include <cmath>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class LogZError : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const Artifact& sample = in.get("sample");
    const bool annealing = p.get_string("estimate") == "annealing";
    const char* key = annealing && sample.scalars().count("log_z_annealing") ? "log_z_annealing" : "log_z";
    const double exact = in.get("target").scalar("log_z"), estimate = sample.scalar(key);
    Artifact out;
    out.set_scalar("error", estimate - exact).set_scalar("abs_error", std::abs(estimate - exact));
    out.set_scalar("estimate", estimate).set_scalar("exact", exact);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(LogZError, "metric/log-z", "2", "error of a sampler's log Z estimate against the target's exact log Z",
                  param_string("estimate", "weights",
                               "which estimate: weights (the sampler's log_z, from the weights its particles carry) "
                               "or annealing (sampler/ttflow's log_z_annealing, from the stay-put increments on the "
                               "same particles; for a sampler without a transport, its log_z)")
                      .one_of({"weights", "annealing"}),
                  input("target", "a target/* node (scalar log_z, exact)"),
                  input("sample", "a sampler with scalar log_z (the estimate)"),
                  output("error", "scalar: estimate − exact"), output("abs_error", "scalar: |estimate − exact|"),
                  output("estimate", "scalar"), output("exact", "scalar"))

}  // namespace reprise
