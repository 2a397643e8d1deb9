// core/ — the vocabulary every stage and every component shares, depending on no
// stage: Artifact, Params and their schema, Component, Context and the Registry,
// errors with file:line:col, hashing, numbers, parallel_for.
//
// Component interface, parameter schema and the static registry.
//
// A component is one scientific step (a dataset generator, a codec, a metric, a
// plot...). It receives its input artifacts, its validated parameters and a
// Context, and returns a new Artifact. The contract a subclass keeps:
//   * run() is pure: the same inputs, params and ctx.seed() give the same artifact;
//     randomness comes only from a generator seeded with ctx.seed();
//   * it reads no files except through a declared `path` parameter (whose content
//     hash enters the cache key) and writes none at all;
//   * long loops call ctx.progress(done, total) and stop by throwing Cancelled
//     (ctx.check_cancelled()) when the user presses Ctrl-C;
//   * bump the version string whenever the output for the same inputs changes,
//     so stale cache entries are never reused.
//
// Each parameter is declared once (name, type, default, range or choices, doc);
// validation, `reprise describe`, defaults and the cache key all come from it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "framework/core/artifact.hpp"
#include "framework/core/params.hpp"

namespace reprise {

// The input name that declares open inputs: a component registering an input
// named "*" takes any number of inputs under names the spec chooses (every field
// that is not a parameter and names a node, e.g. exec/command's `truth: data`).
inline constexpr const char* kOpenInputs = "*";

struct InputSpec {
  std::string name;
  std::string doc;
  bool optional = false;
  // Words a spec may write instead of a node name (e.g. `init: random`); they leave
  // the input absent, and the word itself enters the node's identity.
  std::vector<std::string> keywords;

  InputSpec& or_keywords(std::vector<std::string> words) { keywords = std::move(words); return *this; }
  bool is_keyword(const std::string& word) const;
};

struct OutputSpec {
  std::string name;
  std::string doc;
  // A scalar output that may legitimately be +-inf (e.g. PSNR of identical data).
  // Without it the executor fails a node whose scalar is non-finite; NaN always fails.
  bool may_be_infinite = false;

  OutputSpec& infinite_allowed() { may_be_infinite = true; return *this; }
};

// Builders used inside REPRISE_COMPONENT(...).
InputSpec input(std::string name, std::string doc);
InputSpec optional_input(std::string name, std::string doc);
OutputSpec output(std::string name, std::string doc);

// Inputs by declared name; an optional input that was not given is absent.
class Inputs {
 public:
  void set(const std::string& name, std::shared_ptr<const Artifact> a) { inputs_[name] = std::move(a); }
  bool has(const std::string& name) const { return inputs_.count(name) != 0; }
  const Artifact& get(const std::string& name) const;  // throws naming the input
  std::vector<std::string> names() const;  // sorted; for components with open inputs (kOpenInputs)
 private:
  std::map<std::string, std::shared_ptr<const Artifact>> inputs_;
};

// Thrown by ctx.check_cancelled() once the user asked the run to stop.
struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

// What a running component may ask of the framework.
class Context {
 public:
  virtual ~Context() = default;
  virtual std::uint64_t seed() const = 0;                          // derived per node
  virtual void progress(std::uint64_t done, std::uint64_t total) = 0;  // cheap; call freely
  virtual bool cancelled() const = 0;
  virtual void log(const std::string& message) = 0;               // shown with -v
  void check_cancelled() const { if (cancelled()) throw Cancelled(); }
};

// A Context for tests and tools: fixed seed, never cancelled, ignores progress.
class SimpleContext : public Context {
 public:
  explicit SimpleContext(std::uint64_t seed = 1) : seed_(seed) {}
  std::uint64_t seed() const override { return seed_; }
  void progress(std::uint64_t, std::uint64_t) override {}
  bool cancelled() const override { return false; }
  void log(const std::string&) override {}
 private:
  std::uint64_t seed_;
};

class Component {
 public:
  virtual ~Component() = default;
  virtual Artifact run(const Inputs& in, const Params& p, Context& ctx) = 0;
};

struct ComponentInfo {
  std::string name;     // "kind/name", e.g. "codec/dct"
  std::string version;  // bump when output changes for the same inputs
  std::string doc;      // one line
  std::vector<ParamSpec> params;
  std::vector<InputSpec> inputs;
  std::vector<OutputSpec> outputs;
  std::function<std::unique_ptr<Component>()> make;
  // Non-empty for a component this build cannot run (an optional library such as
  // SZ3 was not found at configure time): why, and how to enable it. Such a
  // component keeps its schema, so `reprise list` and `describe` still show it,
  // but planning a spec that uses it fails at the `use:` line, and make() throws.
  std::string unavailable;

  std::string kind() const { return name.substr(0, name.find('/')); }
  bool available() const { return unavailable.empty(); }
  const ParamSpec* find_param(const std::string& n) const;
  const InputSpec* find_input(const std::string& n) const;
  const OutputSpec* find_output(const std::string& n) const;
  // This component's Params from `given` (see make_params in params.hpp).
  Params make_params(std::map<std::string, ParamValue> given = {}) const {
    return reprise::make_params(name, params, std::move(given));
  }
};

class Registry {
 public:
  static Registry& instance();
  void add(ComponentInfo info);  // a duplicate name is a programming error: aborts
  const ComponentInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
 private:
  std::map<std::string, ComponentInfo> components_;
};

namespace detail {
inline void add_schema(ComponentInfo&) {}
template <class... Rest> void add_schema(ComponentInfo& c, ParamSpec p, Rest&&... rest);
template <class... Rest> void add_schema(ComponentInfo& c, InputSpec i, Rest&&... rest);
template <class... Rest> void add_schema(ComponentInfo& c, OutputSpec o, Rest&&... rest);
template <class... Rest> void add_schema(ComponentInfo& c, ParamSpec p, Rest&&... rest) {
  c.params.push_back(std::move(p)); add_schema(c, std::forward<Rest>(rest)...);
}
template <class... Rest> void add_schema(ComponentInfo& c, InputSpec i, Rest&&... rest) {
  c.inputs.push_back(std::move(i)); add_schema(c, std::forward<Rest>(rest)...);
}
template <class... Rest> void add_schema(ComponentInfo& c, OutputSpec o, Rest&&... rest) {
  c.outputs.push_back(std::move(o)); add_schema(c, std::forward<Rest>(rest)...);
}
template <class T, class... Items>
bool register_component(const char* name, const char* version, const char* doc, Items&&... items) {
  ComponentInfo c;
  c.name = name; c.version = version; c.doc = doc;
  add_schema(c, std::forward<Items>(items)...);
  c.make = [] { return std::unique_ptr<Component>(new T()); };
  Registry::instance().add(std::move(c));
  return true;
}
// Registers the schema of a component that this build cannot run; see
// ComponentInfo::unavailable. make() throws std::runtime_error with the reason.
std::function<std::unique_ptr<Component>()> unavailable_maker(std::string name, std::string reason);
template <class... Items>
bool register_unavailable(const char* name, const char* version, const char* doc, const char* reason,
                          Items&&... items) {
  ComponentInfo c;
  c.name = name; c.version = version; c.doc = doc; c.unavailable = reason;
  add_schema(c, std::forward<Items>(items)...);
  c.make = unavailable_maker(c.name, c.unavailable);
  Registry::instance().add(std::move(c));
  return true;
}
}  // namespace detail

// Registers component class CLASS under NAME at static-initialisation time.
#define REPRISE_COMPONENT(CLASS, NAME, VERSION, DOC, ...)                                        \
  namespace {                                                                                    \
  [[maybe_unused]] const bool reprise_registered_##CLASS =                                       \
      ::reprise::detail::register_component<CLASS>(NAME, VERSION, DOC __VA_OPT__(, ) __VA_ARGS__); \
  }

// Registers NAME as a component this build cannot run, with REASON (why, and how
// to enable it) and the same schema it has when available, so `reprise list` and
// `reprise describe` show it and planning a spec that uses it fails early and
// clearly. Used for components behind optional libraries:
//   #ifdef REPRISE_HAVE_SZ3
//   REPRISE_COMPONENT(Sz3Codec, "codec/sz3", "1", DOC, SCHEMA...)
//   #else
//   REPRISE_UNAVAILABLE_COMPONENT(Sz3Codec, "codec/sz3", "1", DOC, "built without SZ3: ...", SCHEMA...)
//   #endif
// ID only names the registration variable; no class is needed.
#define REPRISE_UNAVAILABLE_COMPONENT(ID, NAME, VERSION, DOC, REASON, ...)                                  \
  namespace {                                                                                              \
  [[maybe_unused]] const bool reprise_registered_##ID =                                                    \
      ::reprise::detail::register_unavailable(NAME, VERSION, DOC, REASON __VA_OPT__(, ) __VA_ARGS__);      \
  }

}  // namespace reprise
