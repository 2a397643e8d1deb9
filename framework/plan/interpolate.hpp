// Interpolation: the ${...} references of spec values, resolved per sweep point.
//
// In: a Spec and its Sweep. Out: spec values with every `${axis}`,
// `${nodes.NODE.PARAM}`, `${name}` and `${seed}` replaced, for one sweep point (or
// none, for figures), and the sweep axes a value depends on through chains of
// references. The planner calls this; the spec stage only loads and keeps text.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "framework/plan/sweep.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {

// The names inside every `${...}` of a value (recursing into lists).
std::vector<std::string> references(const SpecValue& v);

// Replaces each `${ref}` with lookup(ref, where-it-stands). A scalar that is exactly one
// reference becomes the referenced value itself (keeping its type, even a list);
// otherwise references are spliced into the text. `$${` stands for a literal `${`.
using Lookup = std::function<SpecValue(const std::string& ref, const SpecValue& at)>;
SpecValue interpolate(const SpecValue& v, const Lookup& lookup);


// Resolves ${...} references for one sweep point (or none, for figures).
class Resolver {
 public:
  Resolver(const Spec& spec, const Sweep& sweep) : spec_(spec), sweep_(sweep) {}

  // point == nullptr: no sweep values available (figures).
  SpecValue resolve(const SpecValue& v, const std::vector<const SpecValue*>* point);

  // Axes a value depends on, through ${nodes.x.p} chains too.
  void collect_axes(const SpecValue& v, std::set<std::size_t>& axes, int depth = 0);

 private:
  void count_lookup(const std::string& ref, const SpecValue& at);
  SpecValue lookup(const std::string& ref, const SpecValue& at);
  const SpecValue* node_field(const std::string& ref, const SpecValue& at);
  std::string default_text(const std::string& ref, const SpecValue& at);

  const Spec& spec_;
  const Sweep& sweep_;
  const std::vector<const SpecValue*>* point_ = nullptr;
  int depth_ = 0;
  std::size_t lookups_ = 0;
  static constexpr std::size_t kMaxLookups = 10'000;
};

}  // namespace reprise
