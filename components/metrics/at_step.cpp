// metric/at-step: one point of a curve that a sampler recorded along its run.
//
// An MCMC node (sampler/gibbs, ...) runs once to its largest step count and records
// its QoI error at a list of step counts (arrays record_steps, record_<key>).
// Sweeping `step` over this cheap node turns that curve into one metrics row per
// step without rerunning the chain for each step count.
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

std::string recorded_steps(const std::vector<double>& steps) {
  std::string s;
  for (double x : steps) s += (s.empty() ? "" : ", ") + canonical(x);
  return s.empty() ? "none" : s;
}

class AtStep : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const Artifact& curve = in.get("curve");
    const std::vector<double> steps = curve.array("record_steps").to_double();
    const auto step = static_cast<double>(p.get_int("step"));
    std::size_t at = steps.size();
    for (std::size_t i = 0; i < steps.size(); ++i)
      if (steps[i] == step) at = i;
    if (at == steps.size())
      throw std::invalid_argument("step " + canonical(step) + " was not recorded (recorded: " + recorded_steps(steps) +
                                  "); add it to the sampler's `record` list");
    Artifact out;
    for (const auto& key : p.get_string("keys") | std::views::split(',')) {
      std::string name(key.begin(), key.end());
      const std::vector<double> values = curve.array("record_" + name).to_double();
      if (values.size() != steps.size())
        throw std::runtime_error("record_" + name + " has " + std::to_string(values.size()) + " values for " +
                                 std::to_string(steps.size()) + " recorded steps");
      out.set_scalar(name, values[at]);
    }
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(AtStep, "metric/at-step", "1",
                  "value of a sampler's recorded curves (record_<key>) at one recorded step count",
                  param_int("step", 0, "the step count to read; must be one the sampler recorded").at_least(0),
                  param_string("keys", "max_abs,mean_abs", "comma-separated curve names: reads arrays record_<key>"),
                  input("curve", "artifact with 'record_steps' and one 'record_<key>' array per key"),
                  output("<key>", "scalar per key: record_<key> at `step`"))

}  // namespace reprise
