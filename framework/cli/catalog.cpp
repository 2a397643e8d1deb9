#include "framework/cli/catalog.hpp"

#include <variant>

namespace reprise {

namespace {

nlohmann::json value_json(const ParamValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

nlohmann::json param_json(const ParamSpec& p) {
  nlohmann::json j = {{"name", p.name},
                      {"type", param_type_name(p.type)},
                      {"default", p.default_value ? value_json(*p.default_value) : nlohmann::json(nullptr)},
                      {"required", !p.default_value.has_value()},
                      {"min", p.min ? nlohmann::json(*p.min) : nlohmann::json(nullptr)},
                      {"max", p.max ? nlohmann::json(*p.max) : nlohmann::json(nullptr)},
                      {"min_open", p.min_open},
                      {"max_open", p.max_open},
                      {"choices", p.choices},
                      {"constraint", constraint_text(p)},
                      {"in_identity", p.in_identity},
                      {"doc", p.doc}};
  return j;
}

}  // namespace

nlohmann::json component_summary_json(const ComponentInfo& c) {
  return {{"name", c.name}, {"kind", c.kind()},           {"version", c.version},
          {"doc", c.doc},   {"available", c.available()}, {"unavailable", c.unavailable}};
}

nlohmann::json component_json(const ComponentInfo& c) {
  nlohmann::json j = component_summary_json(c);
  j["params"] = nlohmann::json::array();
  for (const auto& p : c.params) j["params"].push_back(param_json(p));
  j["inputs"] = nlohmann::json::array();
  for (const auto& i : c.inputs)
    j["inputs"].push_back({{"name", i.name}, {"optional", i.optional}, {"keywords", i.keywords}, {"doc", i.doc}});
  j["outputs"] = nlohmann::json::array();
  for (const auto& o : c.outputs) j["outputs"].push_back({{"name", o.name}, {"may_be_infinite", o.may_be_infinite}, {"doc", o.doc}});
  return j;
}

nlohmann::json catalog_json() {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& name : Registry::instance().names()) all.push_back(component_summary_json(*Registry::instance().find(name)));
  return all;
}

}  // namespace reprise
