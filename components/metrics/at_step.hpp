// metric/at-step: one point of a curve that a sampler recorded along its run.
//
// An MCMC node (sampler/gibbs, ...) runs once to its largest step count and records
// its QoI error at a list of step counts (arrays record_steps, record_<key>).
// Sweeping `step` over this cheap node turns that curve into one metrics row per
// step without rerunning the chain for each step count.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class AtStep : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
