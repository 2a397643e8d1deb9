// Stage spec/ (1 of 6). In: a YAML file, its includes, `key.path=value` overrides
// and a sandbox. Out: a Spec (values still as written, each with file:line:col)
// and its optional paper: block. Uses core/ only.
//
// Spec: the experiment as the user wrote it, after includes and command-line
// overrides, before sweep expansion.
//
// load_spec() reads a YAML file with yaml-cpp, merges its `include:` files under it
// (the including file wins, maps merge key by key), applies overrides such as
// `nodes.data.p=32` or `sweep.energy=0.5,0.9`, and checks the shape of the result.
// Every value keeps the file:line:col it came from, so later stages (component
// lookup, parameter typing, interpolation) can point at the exact spot.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/errors.hpp"
#include "framework/spec/paper.hpp"
#include "framework/spec/sandbox.hpp"

namespace reprise {

// One YAML value with its origin. Maps keep their key order.
struct SpecValue {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string text;  // Scalar
  std::vector<SpecValue> items;  // Sequence
  std::vector<std::pair<std::string, SpecValue>> entries;  // Map
  Loc loc;
  Loc key_loc;  // where its key stands, for values inside a mapping

  static SpecValue make(Kind kind, std::string text, Loc loc) {
    SpecValue v;
    v.kind = kind;
    v.text = std::move(text);
    v.loc = std::move(loc);
    return v;
  }

  const SpecValue* get(const std::string& key) const;  // Map lookup or nullptr
  SpecValue* get(const std::string& key);
  std::vector<std::string> keys() const;
  std::string describe() const;  // "a scalar", "a list", ...
};

struct NodeDecl {
  std::string name;
  Loc loc;
  SpecValue use;                                          // component name
  std::vector<std::pair<std::string, SpecValue>> fields;  // params, inputs, `seed`
};

struct Axis {
  std::string name;
  Loc loc;
  std::vector<SpecValue> values;
};

struct SweepGroup {
  bool zip = false;  // lock-step axes; otherwise a single product axis
  std::vector<Axis> axes;
};

struct FigureDecl {
  Loc loc;
  SpecValue use;
  std::vector<std::pair<std::string, SpecValue>> fields;
};

struct Spec {
  std::string file;  // the main spec file as given
  std::string name;
  std::uint64_t seed = 0;
  std::vector<SweepGroup> sweep;
  std::vector<NodeDecl> nodes;  // in file order
  std::vector<FigureDecl> figures;
  std::optional<PaperBlock> paper;  // what the spec reproduces; no node depends on it
  std::vector<std::string> files;  // every file read, main first
  SpecValue tree;                  // merged tree after overrides (for spec.resolved.yaml)
  Sandbox sandbox;                 // what includes and path params may read

  const NodeDecl* find_node(const std::string& name) const;
  std::vector<std::string> node_names() const;
  std::vector<std::string> axis_names() const;
};

// Reads, merges and checks a spec. Throws SpecError on any problem, including an
// include outside `sandbox` (kept in the Spec, for path params at planning time).
Spec load_spec(const std::string& path, const std::vector<std::string>& overrides = {}, const Sandbox& sandbox = {});

// Parses YAML text (used for overrides and tests); `origin` names it in errors.
SpecValue parse_yaml(const std::string& text, const std::string& origin);

// Single-line text of a value: the scalar itself, or flow YAML for lists ("[1, 2]").
std::string flow_text(const SpecValue& v);

// Emits a SpecValue as YAML text.
std::string to_yaml(const SpecValue& v);

}  // namespace reprise
