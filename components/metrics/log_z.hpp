// metric/log-z: error of a sampler's estimate of log Z (its "log_z" scalar,
// e.g. the product of the mean incremental weights of sampler/ttflow or
// sampler/smc) against the target's exact log Z.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class LogZError : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
