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
// metrics.csv rather than a made-up number).
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class StepsToTolerance : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
