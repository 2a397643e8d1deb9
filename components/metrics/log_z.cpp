// metric/log-z: error of a sampler's estimate of log Z (its "log_z" scalar,
// e.g. the product of the mean incremental weights of sampler/ttflow or
// sampler/smc) against the target's exact log Z.
#include <cmath>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class LogZError : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    const double exact = in.get("target").scalar("log_z"), estimate = in.get("sample").scalar("log_z");
    Artifact out;
    out.set_scalar("error", estimate - exact).set_scalar("abs_error", std::abs(estimate - exact));
    out.set_scalar("estimate", estimate).set_scalar("exact", exact);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(LogZError, "metric/log-z", "1", "error of a sampler's log Z estimate against the target's exact log Z",
                  input("target", "a target/* node (scalar log_z, exact)"),
                  input("sample", "a sampler with scalar log_z (the estimate)"),
                  output("error", "scalar: estimate − exact"), output("abs_error", "scalar: |estimate − exact|"),
                  output("estimate", "scalar"), output("exact", "scalar"))

}  // namespace reprise
