// metric/qoi-error: the QoIs of the discrete path of the QoI-compression paper
// (seed 000), the magnetisations <x_i> and correlations <x_i x_j> (i < j) of spin
// samples, compared between a sample set and the truth's samples, and against
// the model's exact moments when the truth carries them (dataset/ising, p <= 20).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class QoiError : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
