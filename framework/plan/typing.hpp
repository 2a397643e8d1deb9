// Typing: spec text to typed values, checked against a component's schema.
//
// In: a fully interpolated SpecValue and the ParamSpec it is for (or the `use:`
// text of a node). Out: a ParamValue of the declared type that satisfies the
// declared bounds and choices (param_violation in core/params.hpp), or the
// ComponentInfo a `use:` names; any problem is a SpecError at the value's
// file:line:col.
#pragma once

#include <string>

#include "framework/core/registry.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {

// The registered, available component `use` names; SpecError with a did-you-mean otherwise.
const ComponentInfo* lookup_component(const SpecValue& use);

// Converts a (fully interpolated) spec value to the parameter's declared type,
// checking range and choices. `where` is appended to messages (e.g. the sweep point).
ParamValue to_param_value(const ParamSpec& spec, const SpecValue& v, const std::string& where = "");

}  // namespace reprise
