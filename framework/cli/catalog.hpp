// The registry as JSON, for tools: `reprise list --json`, `reprise describe NAME
// --json`, and the Python module's reprise.components() and reprise.describe().
// One writer, so that every tool reads the same fields.
#pragma once

#include <nlohmann/json.hpp>

#include "framework/core/registry.hpp"

namespace reprise {

// {name, kind, version, doc, available, unavailable}
nlohmann::json component_summary_json(const ComponentInfo& c);

// The summary plus params [{name, type, default (typed; null when required),
// required, min, max, min_open, max_open, choices, constraint, in_identity, doc}],
// inputs [{name, optional, keywords, doc}] and outputs [{name, may_be_infinite, doc}].
nlohmann::json component_json(const ComponentInfo& c);

// Every registered component's summary, sorted by name.
nlohmann::json catalog_json();

}  // namespace reprise
