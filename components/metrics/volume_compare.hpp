// What the volume metrics (metric/mse, metric/psnr, metric/l1, metric/ratio) and
// figure/slices share: their common declarations and reading the two arrays they
// compare.
//
// Each compares the array `key` (default "volume") of input `truth` with the same
// array of input `test` (a decompressed or super-resolved volume), element by
// element, accumulating in double. The shapes must be equal; a mismatch names
// both shapes (a super-resolution test must be decoded on the truth's grid).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise::volume_compare {

// Declarations every comparing metric lists in its schema.
InputSpec input_truth();
InputSpec input_test();
ParamSpec param_key();

// Array `key` of input `input`; throws std::runtime_error naming the input and
// the arrays present when it is missing, or when it is empty.
const Array& array_of(const Inputs& in, const std::string& input, const std::string& key);

// The two arrays as float64, element for element.
struct Pair {
  std::vector<std::size_t> shape;
  std::vector<double> truth, test;
};

// Reads `key` of truth and test; throws std::runtime_error naming both shapes
// when they differ.
Pair read(const Inputs& in, const Params& p);

}  // namespace reprise::volume_compare
