// metric/steps-to-tolerance: how many MCMC steps a sampler needed to bring its QoI
// error under a tolerance, read off the curve it recorded (record_steps,
// record_<key>). The paper's headline comparison (Vu & Lokhov, arXiv 2511.13675,
// seed 000): from decompressed samples the error falls below 0.05 in 10–50 steps,
// from random starts only after hundreds, and `qoi_scaling.yaml` fits how that
// count grows with the dimension.
//
// The answer is the first recorded step count whose value is below `tol`, so it
// is exact only up to the recording grid: a sampler recording at 0, 1, 2, 5, 10,
// ... reports 5 for a chain that first got there after 3 steps. When the curve
// never gets there, `reached` is 0 and `steps` is left out (an empty cell in
// metrics.csv rather than a made-up number); `steps_capped` then holds the last
// recorded step, a lower bound, so that a figure can draw the censored points at
// the end of the recorded range.
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class StepsToTolerance : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const Artifact& curve = in.get("curve");
    const std::string& key = p.get_string("key");
    const double tol = p.get_double("tol");
    const std::vector<double> steps = curve.array("record_steps").to_double();
    const std::vector<double> values = curve.array("record_" + key).to_double();
    if (values.size() != steps.size())
      throw std::runtime_error("curve.record_" + key + " has " + std::to_string(values.size()) + " values for " +
                               std::to_string(steps.size()) + " recorded steps");
    if (steps.empty())
      throw std::invalid_argument("curve recorded no steps; give the sampler a `truth` input and a `record` list");
    std::vector<double> seconds;
    if (curve.has_array("record_seconds")) seconds = curve.array("record_seconds").to_double();
    Artifact out;
    out.set_scalar("reached", 0.0);
    out.set_scalar("final", values.back());
    out.set_scalar("last_step", steps.back());
    out.set_scalar("steps_capped", steps.back());
    for (std::size_t k = 0; k < steps.size(); ++k) {
      if (values[k] < tol) {
        out.set_scalar("reached", 1.0);
        out.set_scalar("steps", steps[k]);
        out.set_scalar("steps_capped", steps[k]);
        if (seconds.size() == steps.size()) out.set_scalar("seconds", seconds[k]);
        break;
      }
    }
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(StepsToTolerance, "metric/steps-to-tolerance", "2",
                  "first recorded step count at which a sampler's QoI error curve (record_<key>) is below a tolerance",
                  param_double("tol", 0.05, "tolerance: the first recorded value strictly below it counts").at_least(0.0),
                  param_string("key", "max_abs", "curve to read: array record_<key> (e.g. max_abs, mean_abs)"),
                  input("curve", "sampler output with 'record_steps', 'record_<key>' and optionally 'record_seconds'"),
                  output("reached", "scalar: 1 when some recorded value is below tol, else 0"),
                  output("steps", "scalar (when reached): the first recorded step count below tol"),
                  output("seconds", "scalar (when reached and the sampler records it): wall time up to that step"),
                  output("steps_capped",
                         "scalar: `steps` when reached, else the last recorded step count (a lower bound)"),
                  output("final", "scalar: the curve's last recorded value"),
                  output("last_step", "scalar: the last recorded step count"))

}  // namespace reprise
