// metric/psnr: peak signal-to-noise ratio of a test volume against the truth, in
// dB: psnr = 10 log10(peak² / mse), mse as metric/mse computes it. `peak` is the
// signal's range: 0 (the default) takes the truth's max - min (1023 - 0 for a
// full-range 10-bit ADC volume); set it to fix the scale across data sets.
// Identical volumes give +inf (drawn as a missing point). A constant truth with
// peak 0 is an error: its range is 0, set peak explicitly.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class PsnrMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
