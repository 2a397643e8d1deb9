#include "components/metrics/log_z.hpp"

#include <cmath>

namespace reprise {

Artifact LogZError::run(const Inputs& in, const Params&, Context&) {
  const double exact = in.get("target").scalar("log_z"), estimate = in.get("sample").scalar("log_z");
  Artifact out;
  out.set_scalar("error", estimate - exact).set_scalar("abs_error", std::abs(estimate - exact));
  out.set_scalar("estimate", estimate).set_scalar("exact", exact);
  return out;
}

REPRISE_COMPONENT(LogZError, "metric/log-z", "1", "error of a sampler's log Z estimate against the target's exact log Z",
                  input("target", "a target/* node (scalar log_z, exact)"),
                  input("sample", "a sampler with scalar log_z (the estimate)"),
                  output("error", "scalar: estimate − exact"), output("abs_error", "scalar: |estimate − exact|"),
                  output("estimate", "scalar"), output("exact", "scalar"))

}  // namespace reprise
