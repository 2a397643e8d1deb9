#include "framework/spec/spec.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace reprise {
namespace fs = std::filesystem;

// ------------------------------------------------------------------ SpecValue

const SpecValue* SpecValue::get(const std::string& key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

SpecValue* SpecValue::get(const std::string& key) {
  for (auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

std::vector<std::string> SpecValue::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : entries) out.push_back(k);
  return out;
}

std::string SpecValue::describe() const {
  switch (kind) {
    case Kind::Null: return "nothing (null)";
    case Kind::Scalar: return "'" + text + "'";
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a mapping";
  }
  return "?";
}

const NodeDecl* Spec::find_node(const std::string& n) const {
  for (const auto& node : nodes)
    if (node.name == n) return &node;
  return nullptr;
}

std::vector<std::string> Spec::node_names() const {
  std::vector<std::string> out;
  for (const auto& n : nodes) out.push_back(n.name);
  return out;
}

std::vector<std::string> Spec::axis_names() const {
  std::vector<std::string> out;
  for (const auto& g : sweep)
    for (const auto& a : g.axes) out.push_back(a.name);
  return out;
}

// ------------------------------------------------------------ YAML -> values

namespace {

// Guards against alias bombs and pathological nesting: a spec is small. (The
// largest spec in experiments/ has a few hundred values.)
constexpr std::size_t kMaxValues = 100'000;
constexpr int kMaxDepth = 64;
constexpr std::uintmax_t kMaxSpecBytes = 16u << 20;
constexpr std::size_t kMaxInterpolatedText = 1u << 16;

Loc loc_of(const YAML::Mark& m, const std::string& file) {
  if (m.line < 0) return {file, 0, 0};
  return {file, m.line + 1, m.column + 1};
}

struct Converter {
  std::string file;
  std::size_t count = 0;

  SpecValue convert(const YAML::Node& n, int depth) {
    SpecValue v;
    v.loc = loc_of(n.Mark(), file);
    if (++count > kMaxValues) throw SpecError(v.loc, "spec expands to more than " + std::to_string(kMaxValues) + " values (a YAML alias bomb?)");
    if (depth > kMaxDepth) throw SpecError(v.loc, "spec is nested deeper than " + std::to_string(kMaxDepth) + " levels");
    switch (n.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        v.kind = SpecValue::Kind::Null;
        break;
      case YAML::NodeType::Scalar:
        v.kind = SpecValue::Kind::Scalar;
        v.text = n.Scalar();
        break;
      case YAML::NodeType::Sequence:
        v.kind = SpecValue::Kind::Sequence;
        for (const auto& item : n) v.items.push_back(convert(item, depth + 1));
        break;
      case YAML::NodeType::Map:
        v.kind = SpecValue::Kind::Map;
        for (const auto& kv : n) {
          Loc key_loc = loc_of(kv.first.Mark(), file);
          if (!kv.first.IsScalar()) throw SpecError(key_loc, "mapping keys must be plain names");
          std::string key = kv.first.Scalar();
          if (v.get(key)) throw SpecError(key_loc, "duplicate key '" + key + "'");
          SpecValue child = convert(kv.second, depth + 1);
          if (child.kind == SpecValue::Kind::Null) child.loc = key_loc;
          child.key_loc = key_loc;
          v.entries.emplace_back(key, std::move(child));
        }
        break;
    }
    return v;
  }
};

SpecValue parse_yaml_node(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw SpecError(loc_of(e.mark, origin), "invalid YAML: nested too deeply (more than " + std::to_string(kMaxDepth) +
                                                " levels are refused anyway)");
  } catch (const YAML::Exception& e) {
    throw SpecError(loc_of(e.mark, origin), "invalid YAML: " + e.msg);
  }
  Converter c{origin};
  return c.convert(root, 0);
}

std::string read_text(const std::string& path, const Loc& from) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw SpecError(from, "'" + path + "' is a directory, expected a YAML file");
  if (!fs::exists(path, ec)) throw SpecError(from, "cannot read spec file '" + path + "': not found");
  // Not a FIFO or a device such as /dev/zero, whose reading would never end.
  if (!fs::is_regular_file(path, ec)) throw SpecError(from, "'" + path + "' is not a regular file, expected a YAML file");
  if (fs::file_size(path, ec) > kMaxSpecBytes)
    throw SpecError(from, "'" + path + "' is larger than " + std::to_string(kMaxSpecBytes >> 20) + " MiB; a spec is a small text file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(from, "cannot read spec file '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.find('\0') != std::string::npos) throw SpecError({path, 1, 1}, "file is binary, expected YAML text");
  return text;
}

// Deep merge: maps merge key by key, anything else in `top` replaces `base`.
SpecValue merge(SpecValue base, const SpecValue& top) {
  if (base.kind != SpecValue::Kind::Map || top.kind != SpecValue::Kind::Map) return top;
  for (const auto& [k, v] : top.entries) {
    if (SpecValue* existing = base.get(k)) *existing = merge(*existing, v);
    else base.entries.emplace_back(k, v);
  }
  base.loc = top.loc;
  return base;
}

SpecValue load_with_includes(const std::string& path, const Loc& from, std::vector<std::string>& stack,
                             std::vector<std::string>& files, const Sandbox& sandbox) {
  std::error_code ec;
  std::string canonical_path = fs::weakly_canonical(fs::path(path), ec).string();
  if (ec) throw SpecError(from, "cannot read spec file '" + printable(path, 200) + "': " + ec.message());
  for (const auto& s : stack)
    if (s == canonical_path) throw SpecError(from, "include cycle: '" + path + "' includes itself");
  if (stack.size() > 16) throw SpecError(from, "includes nested more than 16 deep");
  stack.push_back(canonical_path);
  files.push_back(path);

  SpecValue doc = parse_yaml_node(read_text(path, from), path);
  if (doc.kind == SpecValue::Kind::Null) doc = SpecValue::make(SpecValue::Kind::Map, "", Loc{path, 1, 1});
  if (doc.kind != SpecValue::Kind::Map)
    throw SpecError(doc.loc, "a spec must be a mapping with keys name, seed, sweep, nodes, figures; got " + doc.describe());

  SpecValue merged = SpecValue::make(SpecValue::Kind::Map, "", doc.loc);
  if (const SpecValue* inc = doc.get("include")) {
    std::vector<SpecValue> list = inc->kind == SpecValue::Kind::Sequence ? inc->items : std::vector<SpecValue>{*inc};
    for (const auto& item : list) {
      if (item.kind != SpecValue::Kind::Scalar)
        throw SpecError(item.loc, "include: expected a file name or a list of file names, got " + item.describe());
      fs::path target = fs::path(item.text).is_absolute() ? fs::path(item.text) : fs::path(path).parent_path() / item.text;
      sandbox.check(target.string(), item.loc, "include '" + item.text + "'");
      merged = merge(merged, load_with_includes(target.string(), item.loc, stack, files, sandbox));
    }
    std::erase_if(doc.entries, [](const auto& kv) { return kv.first == "include"; });
  }
  stack.pop_back();
  return merge(merged, doc);
}

// ------------------------------------------------------------------ overrides

std::vector<std::string> split_dotted(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : key) {
    if (c == '.') { parts.push_back(cur); cur.clear(); }
    else cur += c;
  }
  parts.push_back(cur);
  return parts;
}

// Turns "0.5,0.9" into a list value; "[0.5, 0.9]" is parsed as YAML.
SpecValue sweep_values(const std::string& text, const Loc& loc, const std::string& origin) {
  if (!text.empty() && text.front() == '[') return parse_yaml_node(text, origin);
  SpecValue list = SpecValue::make(SpecValue::Kind::Sequence, "", loc);
  std::string cur;
  auto flush = [&] {
    SpecValue item = parse_yaml_node(cur, origin);
    item.loc = loc;
    list.items.push_back(item);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',') flush();
    else cur += c;
  }
  flush();
  return list;
}

SpecValue* find_axis(SpecValue& sweep, const std::string& name) {
  if (SpecValue* v = sweep.get(name); v && name != "zip") return v;
  SpecValue* zip = sweep.get("zip");
  if (!zip) return nullptr;
  std::vector<SpecValue*> groups;
  if (zip->kind == SpecValue::Kind::Map) groups.push_back(zip);
  for (auto& g : zip->items) groups.push_back(&g);
  for (SpecValue* g : groups)
    if (SpecValue* v = g->get(name)) return v;
  return nullptr;
}

std::vector<std::string> all_axis_names(const SpecValue& sweep) {
  std::vector<std::string> names;
  for (const auto& [k, v] : sweep.entries) {
    if (k != "zip") { names.push_back(k); continue; }
    std::vector<const SpecValue*> groups;
    if (v.kind == SpecValue::Kind::Map) groups.push_back(&v);
    for (const auto& g : v.items) groups.push_back(&g);
    for (const auto* g : groups)
      for (const auto& [ak, av] : g->entries) names.push_back(ak);
  }
  return names;
}

const std::vector<std::string> kTopLevelKeys = {"name", "seed", "sweep", "nodes", "figures", "include", "paper"};

void apply_override(SpecValue& root, const std::string& arg) {
  std::string origin = "<override '" + arg + "'>";
  auto eq = arg.find('=');
  Loc at{origin, 1, 1};
  if (eq == std::string::npos || eq == 0)
    throw SpecError(at, "expected an override of the form key.path=value (e.g. nodes.data.p=32 or sweep.energy=0.5,0.9)");
  std::vector<std::string> path = split_dotted(arg.substr(0, eq));
  std::string text = arg.substr(eq + 1);
  Loc value_loc{origin, 1, static_cast<int>(eq) + 2};
  for (const auto& p : path)
    if (p.empty()) throw SpecError(at, "empty name in override key '" + arg.substr(0, eq) + "'");

  if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), path[0]) == kTopLevelKeys.end())
    throw SpecError(at, "unknown top-level key '" + path[0] + "' (expected one of " + join_names(kTopLevelKeys) + ")" +
                            did_you_mean(path[0], kTopLevelKeys));

  if (path[0] == "sweep" && path.size() == 2) {
    SpecValue* sweep = root.get("sweep");
    SpecValue* axis = sweep ? find_axis(*sweep, path[1]) : nullptr;
    if (!axis) {
      std::vector<std::string> names = sweep ? all_axis_names(*sweep) : std::vector<std::string>{};
      throw SpecError(at, "unknown sweep axis '" + path[1] + "' (axes: " + join_names(names) + ")" +
                              did_you_mean(path[1], names));
    }
    *axis = sweep_values(text, value_loc, origin);
    return;
  }
  if (path[0] == "nodes" && path.size() >= 2) {
    SpecValue* nodes = root.get("nodes");
    if (!nodes || !nodes->get(path[1])) {
      std::vector<std::string> names = nodes ? nodes->keys() : std::vector<std::string>{};
      throw SpecError(at, "unknown node '" + path[1] + "' (nodes: " + join_names(names) + ")" + did_you_mean(path[1], names));
    }
  }
  SpecValue value = parse_yaml_node(text, origin);
  value.loc = value_loc;
  SpecValue* cur = &root;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (cur->kind == SpecValue::Kind::Null) { cur->kind = SpecValue::Kind::Map; }
    if (cur->kind != SpecValue::Kind::Map)
      throw SpecError(at, "cannot set '" + path[i] + "': its parent is " + cur->describe() + ", not a mapping");
    SpecValue* next = cur->get(path[i]);
    if (!next) {
      cur->entries.emplace_back(path[i], SpecValue::make(SpecValue::Kind::Null, "", value_loc));
      next = &cur->entries.back().second;
    }
    cur = next;
  }
  *cur = value;
}

// ------------------------------------------------------------- shape checks

std::string scalar_of(const SpecValue& v, const std::string& what) {
  if (v.kind != SpecValue::Kind::Scalar) throw SpecError(v.loc, what + ": expected a single value, got " + v.describe());
  return v.text;
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::vector<Axis> read_axes(const SpecValue& group) {
  std::vector<Axis> axes;
  for (const auto& [name, values] : group.entries) {
    if (!valid_name(name)) throw SpecError(values.loc, "sweep axis name '" + name + "' must be letters, digits, '_' or '-'");
    if (values.kind != SpecValue::Kind::Sequence || values.items.empty())
      throw SpecError(values.loc, "sweep axis '" + name + "': expected a non-empty list of values, e.g. [0.9, 0.5]");
    for (const auto& item : values.items)
      if (item.kind == SpecValue::Kind::Map) throw SpecError(item.loc, "sweep axis '" + name + "': values must be scalars or lists");
    axes.push_back({name, values.loc, values.items});
  }
  return axes;
}

std::vector<SweepGroup> read_sweep(const SpecValue& sweep) {
  std::vector<SweepGroup> groups;
  if (sweep.kind == SpecValue::Kind::Null) return groups;
  if (sweep.kind != SpecValue::Kind::Map)
    throw SpecError(sweep.loc, "sweep: expected a mapping of axis names to value lists (and optional zip:)");
  for (const auto& [k, v] : sweep.entries) {
    if (k != "zip") {
      SpecValue single = SpecValue::make(SpecValue::Kind::Map, "", v.loc);
      single.entries.emplace_back(k, v);
      groups.push_back({false, read_axes(single)});
      continue;
    }
    std::vector<const SpecValue*> zips;
    if (v.kind == SpecValue::Kind::Map) zips.push_back(&v);
    else if (v.kind == SpecValue::Kind::Sequence)
      for (const auto& g : v.items) zips.push_back(&g);
    else throw SpecError(v.loc, "zip: expected a mapping of lock-step axes (or a list of such mappings)");
    for (const auto* z : zips) {
      if (z->kind != SpecValue::Kind::Map) throw SpecError(z->loc, "zip group: expected a mapping of axis names to lists");
      SweepGroup g{true, read_axes(*z)};
      for (const auto& a : g.axes)
        if (a.values.size() != g.axes.front().values.size())
          throw SpecError(a.loc, "zip axes must have equal lengths: '" + a.name + "' has " + std::to_string(a.values.size()) +
                                     " values, '" + g.axes.front().name + "' has " +
                                     std::to_string(g.axes.front().values.size()));
      if (!g.axes.empty()) groups.push_back(std::move(g));
    }
  }
  std::vector<std::string> seen;
  for (const auto& g : groups)
    for (const auto& a : g.axes) {
      if (std::find(seen.begin(), seen.end(), a.name) != seen.end()) throw SpecError(a.loc, "sweep axis '" + a.name + "' is defined twice");
      seen.push_back(a.name);
    }
  return groups;
}

std::vector<std::pair<std::string, SpecValue>> read_fields(const SpecValue& decl, const std::string& what, SpecValue& use) {
  if (decl.kind != SpecValue::Kind::Map)
    throw SpecError(decl.loc, what + ": expected a mapping like {use: codec/dct, data: data, energy: 0.9}, got " + decl.describe());
  const SpecValue* u = decl.get("use");
  if (!u) throw SpecError(decl.loc, what + ": missing 'use:' (the component to run, e.g. use: codec/dct)");
  scalar_of(*u, what + ": use");
  use = *u;
  std::vector<std::pair<std::string, SpecValue>> fields;
  for (const auto& [k, v] : decl.entries) {
    if (k == "use") continue;
    if (v.kind == SpecValue::Kind::Map) throw SpecError(v.loc, what + ": field '" + k + "' must be a value or a list, not a mapping");
    fields.emplace_back(k, v);
  }
  return fields;
}

std::uint64_t parse_seed(const SpecValue& v) {
  std::string s = scalar_of(v, "seed");
  std::uint64_t seed = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), seed);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw SpecError(v.loc, "seed: expected a non-negative integer, got '" + s + "'");
  return seed;
}

Spec build_spec(const std::string& path, SpecValue tree, std::vector<std::string> files) {
  Spec spec;
  spec.file = path;
  spec.files = std::move(files);
  for (const auto& [k, v] : tree.entries)
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), k) == kTopLevelKeys.end())
      throw SpecError(v.key_loc, "unknown top-level key '" + k + "' (expected one of " + join_names(kTopLevelKeys) + ")" +
                                 did_you_mean(k, kTopLevelKeys));
  spec.name = fs::path(path).stem().string();
  if (const SpecValue* n = tree.get("name")) {
    spec.name = scalar_of(*n, "name");
    if (!valid_name(spec.name)) throw SpecError(n->loc, "name: use letters, digits, '_' and '-' only (it names a directory)");
  }
  if (const SpecValue* s = tree.get("seed")) spec.seed = parse_seed(*s);
  if (const SpecValue* s = tree.get("sweep")) spec.sweep = read_sweep(*s);

  const SpecValue* nodes = tree.get("nodes");
  if (!nodes || nodes->kind != SpecValue::Kind::Map || nodes->entries.empty())
    throw SpecError(nodes ? nodes->loc : tree.loc, "nodes: expected a mapping of node names to {use: component, ...}");
  for (const auto& [name, decl] : nodes->entries) {
    if (!valid_name(name)) throw SpecError(decl.loc, "node name '" + name + "' must be letters, digits, '_' or '-'");
    NodeDecl node;
    node.name = name;
    node.loc = decl.loc;
    node.fields = read_fields(decl, "node '" + name + "'", node.use);
    spec.nodes.push_back(std::move(node));
  }
  if (const SpecValue* figs = tree.get("figures"); figs && figs->kind != SpecValue::Kind::Null) {
    if (figs->kind != SpecValue::Kind::Sequence) throw SpecError(figs->loc, "figures: expected a list of {use: plot/line, ...}");
    for (const auto& f : figs->items) {
      FigureDecl fig;
      fig.loc = f.loc;
      fig.fields = read_fields(f, "figure", fig.use);
      spec.figures.push_back(std::move(fig));
    }
  }
  spec.paper = read_paper(tree);
  spec.tree = std::move(tree);
  return spec;
}

void emit(YAML::Emitter& out, const SpecValue& v) {
  switch (v.kind) {
    case SpecValue::Kind::Null: out << YAML::Null; break;
    case SpecValue::Kind::Scalar: out << v.text; break;
    case SpecValue::Kind::Sequence:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& i : v.items) emit(out, i);
      out << YAML::EndSeq;
      break;
    case SpecValue::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& [k, c] : v.entries) {
        out << YAML::Key << k << YAML::Value;
        emit(out, c);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string flow_text(const SpecValue& v) {
  switch (v.kind) {
    case SpecValue::Kind::Null: return "null";
    case SpecValue::Kind::Scalar: return v.text;
    case SpecValue::Kind::Sequence: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + flow_text(v.items[i]);
      return s + "]";
    }
    case SpecValue::Kind::Map: {
      std::string s = "{";
      for (std::size_t i = 0; i < v.entries.size(); ++i)
        s += (i ? ", " : "") + v.entries[i].first + ": " + flow_text(v.entries[i].second);
      return s + "}";
    }
  }
  return "";
}

SpecValue parse_yaml(const std::string& text, const std::string& origin) { return parse_yaml_node(text, origin); }

std::string to_yaml(const SpecValue& v) {
  YAML::Emitter out;
  emit(out, v);
  return std::string(out.c_str()) + "\n";
}

Spec load_spec(const std::string& path, const std::vector<std::string>& overrides, const Sandbox& sandbox) {
  std::vector<std::string> stack, files;
  SpecValue tree = load_with_includes(path, Loc{path, 0, 0}, stack, files, sandbox);
  for (const auto& o : overrides) apply_override(tree, o);
  Spec spec = build_spec(path, std::move(tree), std::move(files));
  spec.sandbox = sandbox;
  return spec;
}

}  // namespace reprise
