// dataset/samples-file: spin samples from a user's file (e.g. quantum-annealer
// read-outs), so the discrete QoI pipeline of seed 000 runs on real data.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

// Reads a {M, p} matrix of spins from a CSV (one sample per row) or a 2-D HDF5
// dataset of any integer or float type, accepts ±1 or 0/1 values (0/1 mapped to
// −1/+1), and returns it as int8 ±1 samples. Every malformed input (ragged rows, a
// value that is no spin, a missing or non-2-D dataset) is an error naming where.
class SamplesFile : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
