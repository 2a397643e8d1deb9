// First and second moments of sample matrices, and the QoI errors between them.
// Shared by metric/moments-error (continuous data, E[x_i x_j] for i <= j) and
// metric/qoi-error (spins, whose diagonal E[x_i^2] = 1 carries no information).
#pragma once

#include <Eigen/Dense>

#include <string>

#include "framework/core/artifact.hpp"

namespace reprise {

struct Moments {
  Eigen::VectorXd first;   // E[x_i]
  Eigen::MatrixXd second;  // E[x_i x_j], upper triangle filled
};

// Moments of a {samples, variables} matrix of any numeric dtype.
Moments moments_of(const Array& samples);

// Running max and mean of absolute differences.
struct ErrorStats {
  double max_abs = 0, sum_abs = 0;
  std::size_t count = 0;
  void add(double diff);
  double mean_abs() const { return count ? sum_abs / static_cast<double>(count) : 0.0; }
};

struct MomentErrors {
  ErrorStats first, second, all;
};

// |a - b| over E[x_i] and E[x_i x_j] for i < j, or i <= j with `include_diagonal`.
MomentErrors compare_moments(const Moments& a, const Moments& b, bool include_diagonal);

// The samples array of input `name`, checked to be a non-empty matrix.
const Array& sample_matrix(const Artifact& a, const std::string& name);

// Throws unless both matrices have the same number of columns.
void check_same_variables(const Array& a, const Array& b);

}  // namespace reprise
