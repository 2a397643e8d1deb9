// Stage plan/ (2 of 6). In: a Spec and the Registry. Out: a Plan, the DAG of
// distinct concrete nodes with typed, validated Params, identities and seeds.
// Owns sweep expansion (sweep.hpp), ${...} interpolation (interpolate.hpp) and
// typing against component schemas (typing.hpp). Uses core/ and spec/.
//
// Graph: the plan of a run, a DAG of distinct concrete nodes.
//
// make_plan() expands the sweep, instantiates every spec node at every sweep point
// (interpolating ${axis} and ${nodes.x.param}, typing and range-checking params
// against the component schema) and computes each instance's identity:
//   hash(component name, version, canonical params, input identities, derived seed).
// Instances with equal identity are one node, so a node that does not depend on a
// swept value runs once for the whole sweep. Nodes come out in topological order
// (every node after its inputs). Users and components never see node internals;
// the executor, cache and results read PlannedNode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"
#include "framework/spec/spec.hpp"
#include "framework/plan/sweep.hpp"

namespace reprise {

struct PlannedNode {
  std::string name;  // spec node name
  const ComponentInfo* component = nullptr;
  Params params;
  std::vector<std::pair<std::string, std::size_t>> inputs;  // declared input -> index in Plan::nodes
  std::uint64_t seed = 0;
  std::uint64_t identity = 0;
  double timeout = 0;  // seconds, 0: none; the node field `timeout:` (not in the identity)
  std::string variant;              // the sweep values it depends on, e.g. "energy=0.9"
  std::vector<std::size_t> points;  // sweep points that use it
  // Other (spec node, variant) pairs with this identity: two spec nodes with the
  // same component, parameters, inputs and seed are one node, run once under the
  // first name; provenance lists the others so `reprise export` finds it by either.
  std::vector<std::pair<std::string, std::string>> aliases;
  Loc loc;

  std::string display() const { return variant.empty() ? name : name + "[" + variant + "]"; }
};

struct PlannedFigure {
  const ComponentInfo* component = nullptr;
  Params params;
  Loc loc;
};

struct Plan {
  Sweep sweep;
  std::vector<std::string> spec_nodes;                // names in file order
  std::vector<PlannedNode> nodes;                     // distinct, topologically ordered
  std::vector<std::vector<std::size_t>> point_nodes;  // [point][spec node] -> index in nodes
  std::vector<PlannedFigure> figures;

  // The instances of spec node `name` and everything downstream of them.
  // Throws SpecError (with did-you-mean) for an unknown name.
  std::vector<bool> downstream_of(const std::string& name) const;
};

// Builds the plan; throws SpecError for any problem in the spec (unknown component,
// parameter or node, bad value, cycle — named in full).
Plan make_plan(const Spec& spec);

// Graphviz DOT of the plan's distinct nodes.
std::string to_dot(const Plan& plan);

}  // namespace reprise
