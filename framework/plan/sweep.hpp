// Sweep: the points of a spec's parameter sweep.
//
// Groups combine as a cartesian product, the first group varying slowest (like nested
// loops written in file order); the axes inside one `zip:` group advance in lock step.
// Points are decoded from their index on demand, so a huge sweep costs no memory
// until it is planned. subset() keeps only some points (a shard of the sweep): its
// point i is point global_index(i) of the full sweep.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "framework/spec/spec.hpp"

namespace reprise {

class Sweep {
 public:
  Sweep() = default;
  explicit Sweep(const std::vector<SweepGroup>& groups);  // throws SpecError past 10^7 points

  std::size_t size() const { return size_; }
  const std::vector<std::string>& axes() const { return axes_; }
  std::size_t axis_index(const std::string& name) const;  // npos when absent
  const std::vector<SpecValue>& axis_values(std::size_t axis) const { return *values_[axis]; }

  // Index of each axis's value at point `i`.
  std::vector<std::size_t> value_indices(std::size_t i) const;
  // The value of every axis at point `i`, in axes() order.
  std::vector<const SpecValue*> point(std::size_t i) const;
  // "energy=0.9 steps=10"; "" when there is no sweep.
  std::string label(std::size_t i) const;

  // The same axes restricted to `points` (indices into this sweep, in the order given).
  Sweep subset(const std::vector<std::size_t>& points) const;
  // Index in the full (unrestricted) sweep of point `i`.
  std::size_t global_index(std::size_t i) const { return is_subset_ ? subset_[i] : i; }

 private:
  std::vector<std::string> axes_;
  std::vector<const std::vector<SpecValue>*> values_;
  std::vector<std::size_t> axis_group_;   // group of each axis
  std::vector<std::size_t> group_sizes_;  // values per group
  std::size_t size_ = 1;
  std::vector<std::size_t> subset_;  // full-sweep index of each point, when is_subset_
  bool is_subset_ = false;
};

}  // namespace reprise
