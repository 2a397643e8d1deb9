#include "framework/plan/sweep.hpp"

#include <stdexcept>

namespace reprise {

Sweep::Sweep(const std::vector<SweepGroup>& groups) {
  constexpr std::size_t kMaxPoints = 10'000'000;
  for (const auto& g : groups) {
    std::size_t n = g.axes.front().values.size();
    if (size_ > kMaxPoints / n)
      throw SpecError(g.axes.front().loc, "sweep has more than " + std::to_string(kMaxPoints) + " points");
    size_ *= n;
    for (const auto& a : g.axes) {
      axes_.push_back(a.name);
      values_.push_back(&a.values);
      axis_group_.push_back(group_sizes_.size());
    }
    group_sizes_.push_back(n);
  }
}

std::size_t Sweep::axis_index(const std::string& name) const {
  for (std::size_t i = 0; i < axes_.size(); ++i)
    if (axes_[i] == name) return i;
  return static_cast<std::size_t>(-1);
}

std::vector<std::size_t> Sweep::value_indices(std::size_t i) const {
  i = global_index(i);
  std::vector<std::size_t> group_index(group_sizes_.size());
  for (std::size_t g = group_sizes_.size(); g-- > 0;) {
    group_index[g] = i % group_sizes_[g];
    i /= group_sizes_[g];
  }
  std::vector<std::size_t> out(axes_.size());
  for (std::size_t a = 0; a < axes_.size(); ++a) out[a] = group_index[axis_group_[a]];
  return out;
}

std::vector<const SpecValue*> Sweep::point(std::size_t i) const {
  auto idx = value_indices(i);
  std::vector<const SpecValue*> out(axes_.size());
  for (std::size_t a = 0; a < axes_.size(); ++a) out[a] = &(*values_[a])[idx[a]];
  return out;
}

std::string Sweep::label(std::size_t i) const {
  std::string s;
  auto values = point(i);
  for (std::size_t a = 0; a < axes_.size(); ++a)
    s += (a ? " " : "") + axes_[a] + "=" + flow_text(*values[a]);
  return s;
}

Sweep Sweep::subset(const std::vector<std::size_t>& points) const {
  Sweep s = *this;
  s.subset_.clear();
  for (std::size_t p : points) {
    if (p >= size_) throw std::out_of_range("sweep point " + std::to_string(p) + " out of " + std::to_string(size_));
    s.subset_.push_back(global_index(p));
  }
  s.is_subset_ = true;
  s.size_ = points.size();
  return s;
}

}  // namespace reprise
