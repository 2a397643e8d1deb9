// What the figure/* nodes that draw samples in two coordinates of a target
// (figure/samples, figure/mode-masses) read the same way: the `dims` parameter
// and an input's "samples" matrix, with errors that name the input and shapes.
#pragma once

#include <cstddef>
#include <string>

#include "framework/core/artifact.hpp"
#include "framework/core/params.hpp"

namespace reprise::figures {

// The two coordinates drawn: column `x` on the x axis, `y` on the y axis.
struct Plane {
  std::size_t x = 0, y = 1;
};

// Reads `dims` (two different coordinates of a d-dimensional target; the schema
// has checked they are >= 0). `drawing` names the figure for the d < 2 error:
// "a scatter plot" -> "...; a scatter plot needs two coordinates".
Plane read_plane(const Params& p, std::size_t d, const std::string& drawing);

// The {n, d} array "samples" of input `input`, n >= 1. A missing array's error
// lists the arrays the input has and which nodes write "samples".
const Array& read_samples(const Artifact& a, const std::string& input, std::size_t d);

}  // namespace reprise::figures
