// metric/psnr: peak signal-to-noise ratio of a test volume against the truth, in
// dB: psnr = 10 log10(peak² / mse), mse as metric/mse computes it. `peak` is the
// signal's range: 0 (the default) takes the truth's max - min (1023 - 0 for a
// full-range 10-bit ADC volume); set it to fix the scale across data sets.
// Identical volumes give +inf (drawn as a missing point). A constant truth with
// peak 0 is an error: its range is 0, set peak explicitly.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "components/metrics/volume_compare.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class PsnrMetric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context&) override {
    const volume_compare::Pair v = volume_compare::read(in, p);
    double peak = p.get_double("peak");
    if (peak == 0) {
      const auto [lo, hi] = std::minmax_element(v.truth.begin(), v.truth.end());
      peak = *hi - *lo;
      if (peak == 0)
        throw std::invalid_argument("the truth is constant (" + std::to_string(*lo) +
                                    "), so its range is 0; set peak to the signal's scale");
    }
    double sum = 0;
    for (std::size_t i = 0; i < v.truth.size(); ++i) {
      const double d = v.truth[i] - v.test[i];
      sum += d * d;
    }
    const double mse = sum / static_cast<double>(v.truth.size());
    Artifact out;
    out.set_scalar("psnr", mse == 0 ? std::numeric_limits<double>::infinity() : 10 * std::log10(peak * peak / mse));
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(PsnrMetric, "metric/psnr", "1", "peak signal-to-noise ratio (dB) of a test volume against the truth",
                  volume_compare::input_truth(), volume_compare::input_test(), volume_compare::param_key(),
                  param_double("peak", 0.0, "signal range in the formula; 0: the truth's max - min").at_least(0),
                  output("psnr", "scalar: 10 log10(peak² / mse) in dB; +inf for identical volumes").infinite_allowed())

}  // namespace reprise
