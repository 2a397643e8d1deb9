// Parameters: declared once in a component's schema, checked once at entry.
//
// A ParamSpec is the single declaration of one parameter: name, type, default,
// bounds (inclusive or exclusive) or choices, and a one-line doc. `reprise
// describe`, the planner's typing, the cache key and validation all read it.
//
// make_params() is the one door from (schema, given values) to Params: it rejects
// unknown names (with a did-you-mean), fills every default, widens integers given
// for doubles, and checks types, bounds and choices. The planner, the unit tests
// and the benchmarks all build Params through it, so a component's run() may
// assume its Params satisfy its schema and never re-checks what the schema says.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace reprise {

enum class ParamType { Bool, Int, Double, String, Path, IntList, DoubleList };
const char* param_type_name(ParamType t);

using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                std::vector<double>>;

// Canonical text of a value: the form hashed into node identities and shown to users.
std::string canonical(const ParamValue& v);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Double;
  std::optional<ParamValue> default_value;  // none: the parameter is required
  // Bounds for numbers (and each item of a list); open bounds exclude the value itself.
  std::optional<double> min, max;
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;  // allowed strings, empty: any
  std::string doc;
  // False for settings that cannot change the output (e.g. a thread count): they
  // stay out of the node identity, so changing them reuses the cache.
  bool in_identity = true;
  // For a parameter added to a component whose results are already cached: at
  // its default it stays out of the node identity (and so out of the node's
  // seed), so adding it neither re-keys nor re-seeds the nodes that leave it
  // alone; any other value enters the identity as usual.
  bool identity_skips_default = false;

  ParamSpec& range(double lo, double hi) { return at_least(lo).at_most(hi); }  // [lo, hi]
  ParamSpec& at_least(double lo) { min = lo; min_open = false; return *this; }  // >= lo
  ParamSpec& at_most(double hi) { max = hi; max_open = false; return *this; }   // <= hi
  ParamSpec& greater_than(double lo) { min = lo; min_open = true; return *this; }  // > lo
  ParamSpec& less_than(double hi) { max = hi; max_open = true; return *this; }     // < hi
  ParamSpec& one_of(std::vector<std::string> c) { choices = std::move(c); return *this; }
  ParamSpec& required() { default_value.reset(); return *this; }
  ParamSpec& output_neutral() { in_identity = false; return *this; }
  ParamSpec& added_later() { identity_skips_default = true; return *this; }
};

ParamSpec param_bool(std::string name, bool def, std::string doc);
ParamSpec param_int(std::string name, std::int64_t def, std::string doc);
ParamSpec param_double(std::string name, double def, std::string doc);
ParamSpec param_string(std::string name, std::string def, std::string doc);
ParamSpec param_path(std::string name, std::string doc);           // required; content hashed into the key
ParamSpec param_optional_path(std::string name, std::string doc);  // "" when not given
ParamSpec param_ints(std::string name, std::vector<std::int64_t> def, std::string doc);
ParamSpec param_doubles(std::string name, std::vector<double> def, std::string doc);

// What the bounds or choices allow, as `describe` and errors say it: "in (0, 1]",
// ">= 1", "< 5", "one of none, sign"; "" when anything of the type goes.
std::string constraint_text(const ParamSpec& spec);

// Why `value` breaks `spec`'s type, bounds or choices, as a full sentence naming
// the parameter and ending in "got SHOWN" (the value as the user wrote it); ""
// when it is fine. Ints pass for doubles (make_params widens them).
std::string param_violation(const ParamSpec& spec, const ParamValue& value, const std::string& shown);

// The schema's parameter names, in declaration order (for did-you-mean and messages).
std::vector<std::string> param_names(const std::vector<ParamSpec>& schema);

// Bad parameters handed to make_params: what is wrong, prefixed with the owner.
struct ParamError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Validated parameter values of one node, with every default filled in.
class Params {
 public:
  Params() = default;
  bool get_bool(const std::string& n) const { return get<bool>(n); }
  std::int64_t get_int(const std::string& n) const { return get<std::int64_t>(n); }
  double get_double(const std::string& n) const { return get<double>(n); }
  const std::string& get_string(const std::string& n) const { return get<std::string>(n); }
  const std::vector<std::int64_t>& get_ints(const std::string& n) const { return get<std::vector<std::int64_t>>(n); }
  const std::vector<double>& get_doubles(const std::string& n) const { return get<std::vector<double>>(n); }
  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  friend Params make_params(const std::string&, const std::vector<ParamSpec>&, std::map<std::string, ParamValue>);
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}
  template <class T>
  const T& get(const std::string& n) const {
    auto it = values_.find(n);
    if (it == values_.end()) throw std::logic_error("component asked for undeclared parameter '" + n + "'");
    return std::get<T>(it->second);
  }
  std::map<std::string, ParamValue> values_;
};

// The one way to make Params: `given` checked against `schema` and completed with
// its defaults. Throws ParamError ("OWNER: ...") for an unknown name, a missing
// required parameter, or a value param_violation() refuses.
Params make_params(const std::string& owner, const std::vector<ParamSpec>& schema,
                   std::map<std::string, ParamValue> given);

}  // namespace reprise
