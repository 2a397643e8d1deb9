// metric/coupling-error: how well a learned Ising model (learner/grise) recovers
// the true couplings and fields of the dataset that generated its samples.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class CouplingError : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
