// metric/l1: mean absolute error (1/n) Σ |truth_i - test_i|, the number the
// paper prints under its super-resolution panels (seed 001, Appendix D), and the
// largest absolute difference max_abs. Accumulated in double over array `key`.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class L1Metric : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
