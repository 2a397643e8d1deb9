#include "framework/plan/graph.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/topological_sort.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "framework/core/hash.hpp"
#include "framework/plan/interpolate.hpp"
#include "framework/plan/typing.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {

using SpecGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// A spec node after its fields were sorted into params and inputs (once, not per point).
struct StaticNode {
  const NodeDecl* decl = nullptr;
  const ComponentInfo* component = nullptr;
  std::vector<std::pair<const ParamSpec*, const SpecValue*>> params;  // given in the spec
  std::vector<std::pair<const InputSpec*, const SpecValue*>> inputs;
  // Inputs named by the spec, for a component with open inputs (kOpenInputs);
  // shared_ptr so that `inputs` may point at them however StaticNode is copied.
  std::vector<std::shared_ptr<const InputSpec>> open_inputs;
  const SpecValue* seed = nullptr;
  const SpecValue* timeout = nullptr;
  std::vector<std::size_t> dep_axes;  // sweep axes the node depends on, sorted
};

std::vector<std::string> names_of(const std::vector<InputSpec>& is) {
  std::vector<std::string> out;
  for (const auto& i : is) out.push_back(i.name);
  return out;
}

std::string field_names(const ComponentInfo& c) {
  return "parameters: " + join_names(param_names(c.params)) + "; inputs: " + join_names(names_of(c.inputs));
}

// A field of a component with open inputs: an input when its value names a node.
bool open_input(StaticNode& s, const Spec& spec, const std::string& key, const SpecValue& value) {
  const InputSpec* open = s.component->find_input(kOpenInputs);
  if (!open || value.kind != SpecValue::Kind::Scalar || !spec.find_node(value.text)) return false;
  auto input = std::make_shared<InputSpec>(InputSpec{key, open->doc, false, {}});
  s.inputs.emplace_back(input.get(), &value);
  s.open_inputs.push_back(std::move(input));
  return true;
}

StaticNode classify(const NodeDecl& decl, const Spec& spec) {
  StaticNode s;
  s.decl = &decl;
  s.component = lookup_component(decl.use);
  if (s.component->kind() == "plot")
    throw SpecError(decl.use.loc, "'" + decl.use.text + "' is a plot; plots go under figures:, not nodes:");
  for (const auto& [key, value] : decl.fields) {
    if (key == "seed") { s.seed = &value; continue; }
    if (key == "timeout") { s.timeout = &value; continue; }
    if (const InputSpec* in = s.component->find_input(key)) { s.inputs.emplace_back(in, &value); continue; }
    if (const ParamSpec* p = s.component->find_param(key)) { s.params.emplace_back(p, &value); continue; }
    if (open_input(s, spec, key, value)) continue;
    if (s.component->find_input(kOpenInputs) && value.kind == SpecValue::Kind::Scalar &&
        did_you_mean(key, param_names(s.component->params)).empty())  // else a misspelt parameter, said below
      throw SpecError(value.loc, "'" + key + ": " + value.text + "' is neither a parameter of " + s.component->name +
                                     " (" + join_names(param_names(s.component->params)) + ") nor an input: '" + value.text +
                                     "' is not a node" + did_you_mean(value.text, spec.node_names()));
    auto candidates = param_names(s.component->params);
    for (const auto& i : s.component->inputs) candidates.push_back(i.name);
    candidates.insert(candidates.end(), {"seed", "timeout"});
    throw SpecError(value.key_loc.line ? value.key_loc : value.loc, s.component->name + " has no parameter or input '" + key + "'" + did_you_mean(key, candidates) +
                                   " (" + field_names(*s.component) + ")");
  }
  for (const auto& p : s.component->params) {
    bool given = std::any_of(s.params.begin(), s.params.end(), [&](auto& kv) { return kv.first == &p; });
    if (!given && !p.default_value)
      throw SpecError(decl.loc, "node '" + decl.name + "': " + s.component->name + " needs parameter '" + p.name + "' (" + p.doc + ")");
  }
  for (const auto& i : s.component->inputs) {
    bool given = std::any_of(s.inputs.begin(), s.inputs.end(), [&](auto& kv) { return kv.first == &i; });
    if (!given && !i.optional && i.name != kOpenInputs)
      throw SpecError(decl.loc, "node '" + decl.name + "': " + s.component->name + " needs input '" + i.name + "' (" + i.doc +
                                    "), e.g. " + i.name + ": <node name>");
  }
  return s;
}

// Finds a cycle with a DFS and names it: "a -> b -> c -> a".
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<std::size_t>* parent;
  std::vector<std::size_t>* cycle;
  void tree_edge(SpecGraph::edge_descriptor e, const SpecGraph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(SpecGraph::edge_descriptor e, const SpecGraph& g) const {
    if (!cycle->empty()) return;
    std::size_t from = boost::source(e, g), to = boost::target(e, g);
    std::vector<std::size_t> path{from};
    for (std::size_t v = from; v != to;) path.push_back(v = (*parent)[v]);
    cycle->assign(path.rbegin(), path.rend());
  }
};

std::vector<std::size_t> spec_order(const Spec& spec, const std::vector<std::set<std::size_t>>& edges) {
  SpecGraph g(spec.nodes.size());
  // Edge input -> user, so a topological order runs inputs first.
  for (std::size_t user = 0; user < edges.size(); ++user)
    for (std::size_t in : edges[user]) boost::add_edge(in, user, g);
  std::vector<std::size_t> parent(spec.nodes.size()), cycle;
  CycleFinder finder;
  finder.parent = &parent;
  finder.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(finder));
  if (!cycle.empty()) {
    std::string path;
    for (std::size_t v : cycle) path += spec.nodes[v].name + " -> ";
    path += spec.nodes[cycle.front()].name;
    throw SpecError(spec.nodes[cycle.front()].loc, "the nodes form a cycle: " + path);
  }
  std::vector<std::size_t> reversed;
  boost::topological_sort(g, std::back_inserter(reversed));
  return {reversed.rbegin(), reversed.rend()};
}

std::string input_target(const SpecValue& v, const Spec& spec, const InputSpec& input, const std::string& where) {
  if (v.kind != SpecValue::Kind::Scalar)
    throw SpecError(v.loc, "input '" + input.name + "' expects the name of a node, got " + v.describe() + where);
  if (!spec.find_node(v.text)) {
    auto candidates = spec.node_names();
    candidates.insert(candidates.end(), input.keywords.begin(), input.keywords.end());
    std::string also = input.keywords.empty() ? "" : " (or one of: " + join_names(input.keywords) + ")";
    throw SpecError(v.loc, "input '" + input.name + "' refers to unknown node '" + v.text + "'" + did_you_mean(v.text, candidates) +
                               also + where);
  }
  return v.text;
}

std::size_t node_index(const Spec& spec, const std::string& name) {
  for (std::size_t i = 0; i < spec.nodes.size(); ++i)
    if (spec.nodes[i].name == name) return i;
  return static_cast<std::size_t>(-1);
}

// A node's `timeout:` in seconds: a positive number (fractions allowed).
double parse_timeout(const SpecValue& v, const std::string& where) {
  double t = 0;
  const char* end = v.text.data() + v.text.size();
  auto [ptr, ec] = std::from_chars(v.text.data(), end, t);
  if (v.kind != SpecValue::Kind::Scalar || ec != std::errc() || ptr != end || !(t > 0) || !std::isfinite(t))
    throw SpecError(v.loc, "timeout: expected a positive number of seconds, got " + v.describe() + where);
  return t;
}

std::uint64_t parse_seed_value(const SpecValue& v, const std::string& where) {
  std::uint64_t seed = 0;
  auto [ptr, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), seed);
  if (v.kind != SpecValue::Kind::Scalar || ec != std::errc() || ptr != v.text.data() + v.text.size())
    throw SpecError(v.loc, "seed: expected a non-negative integer, got " + v.describe() + where);
  return seed;
}

class Planner {
 public:
  Planner(const Spec& spec, Plan& plan) : spec_(spec), plan_(plan), resolver_(spec, plan.sweep) {}

  void run() {
    for (const auto& d : spec_.nodes) statics_.push_back(classify(d, spec_));
    order_ = spec_order(spec_, input_edges());
    compute_dep_axes();
    memo_.resize(spec_.nodes.size());
    plan_.point_nodes.assign(plan_.sweep.size(), std::vector<std::size_t>(spec_.nodes.size()));
    for (std::size_t p = 0; p < plan_.sweep.size(); ++p) instantiate_point(p);
  }

 private:
  std::string where(std::size_t p) const {
    return plan_.sweep.axes().empty() ? "" : " (at sweep point " + plan_.sweep.label(p) + ")";
  }

  // Edges from every node an input may name, over all sweep points.
  std::vector<std::set<std::size_t>> input_edges() {
    std::vector<std::set<std::size_t>> edges(spec_.nodes.size());
    for (std::size_t n = 0; n < statics_.size(); ++n)
      for (const auto& [in, value] : statics_[n].inputs) {
        if (value->kind == SpecValue::Kind::Null) {
          if (!in->optional) throw SpecError(value->loc, "input '" + in->name + "' is required; give a node name");
          continue;
        }
        bool interpolated = !references(*value).empty();
        std::size_t points = interpolated ? plan_.sweep.size() : 1;
        std::set<std::string> seen;
        for (std::size_t p = 0; p < points; ++p) {
          auto pt = plan_.sweep.point(p);
          SpecValue v = resolver_.resolve(*value, &pt);
          if (v.kind == SpecValue::Kind::Null && in->optional) continue;
          if (v.kind == SpecValue::Kind::Scalar && in->is_keyword(v.text)) continue;
          if (!seen.insert(v.text).second) continue;
          edges[n].insert(node_index(spec_, input_target(v, spec_, *in, interpolated ? where(p) : "")));
        }
      }
    edges_ = edges;
    return edges;
  }

  void compute_dep_axes() {
    for (std::size_t n : order_) {
      std::set<std::size_t> axes;
      const StaticNode& s = statics_[n];
      for (const auto& [p, v] : s.params) resolver_.collect_axes(*v, axes);
      for (const auto& [i, v] : s.inputs) resolver_.collect_axes(*v, axes);
      if (s.seed) resolver_.collect_axes(*s.seed, axes);
      for (std::size_t in : edges_[n]) axes.insert(statics_[in].dep_axes.begin(), statics_[in].dep_axes.end());
      statics_[n].dep_axes.assign(axes.begin(), axes.end());
    }
  }

  void instantiate_point(std::size_t p) {
    auto indices = plan_.sweep.value_indices(p);
    std::vector<const SpecValue*> point;  // decoded lazily: most nodes hit the memo
    for (std::size_t n : order_) {
      std::vector<std::size_t> key;
      for (std::size_t a : statics_[n].dep_axes) key.push_back(indices[a]);
      auto& memo = memo_[n];
      auto it = memo.find(key);
      std::size_t index;
      if (it != memo.end()) {
        index = it->second;
      } else {
        if (point.empty()) point = plan_.sweep.point(p);
        index = add_instance(n, p, point);
        memo.emplace(std::move(key), index);
      }
      plan_.point_nodes[p][n] = index;
      auto& pts = plan_.nodes[index].points;
      if (pts.empty() || pts.back() != p) pts.push_back(p);
    }
  }

  std::size_t add_instance(std::size_t n, std::size_t p, const std::vector<const SpecValue*>& point) {
    const StaticNode& s = statics_[n];
    PlannedNode node;
    node.name = s.decl->name;
    node.component = s.component;
    node.loc = s.decl->loc;
    std::string at = where(p);

    std::map<std::string, ParamValue> given;
    std::map<std::string, std::uint64_t> file_hashes;  // path params: their content enters the identity
    for (const auto& [spec, text] : s.params) {
      ParamValue value = to_param_value(*spec, resolver_.resolve(*text, &point), at);
      if (spec->type == ParamType::Path && !std::get<std::string>(value).empty())
        value = resolve_path(std::get<std::string>(value), *spec, *text, file_hashes[spec->name]);
      given.emplace(spec->name, std::move(value));
    }
    node.params = s.component->make_params(std::move(given));

    Hasher h;
    h.field("reprise-node-v1").field(s.component->name).field(s.component->version);
    for (const auto& spec : s.component->params) {
      if (auto f = file_hashes.find(spec.name); f != file_hashes.end()) h.u64(f->second);
      if (!spec.in_identity) continue;
      const std::string value = canonical(node.params.values().at(spec.name));
      if (spec.identity_skips_default && spec.default_value && value == canonical(*spec.default_value)) continue;
      h.field(spec.name).field(value);
    }

    std::vector<std::pair<std::string, std::size_t>> inputs;
    std::vector<std::pair<std::string, std::string>> keywords;
    for (const auto& [in, value] : s.inputs) {
      SpecValue v = resolver_.resolve(*value, &point);
      if (v.kind == SpecValue::Kind::Null) continue;
      if (v.kind == SpecValue::Kind::Scalar && in->is_keyword(v.text)) {
        keywords.emplace_back(in->name, v.text);
        continue;
      }
      std::size_t target = node_index(spec_, input_target(v, spec_, *in, at));
      inputs.emplace_back(in->name, plan_.point_nodes[p][target]);
    }
    std::sort(inputs.begin(), inputs.end());
    for (const auto& [name, idx] : inputs) h.field(name).u64(plan_.nodes[idx].identity);
    std::sort(keywords.begin(), keywords.end());
    for (const auto& [name, word] : keywords) h.field(name).field("keyword:" + word);
    node.inputs = std::move(inputs);

    std::uint64_t base_seed = s.seed ? parse_seed_value(resolver_.resolve(*s.seed, &point), at) : spec_.seed;
    std::uint64_t pre_identity = h.digest();
    node.seed = Hasher(base_seed).u64(pre_identity).digest();
    node.identity = Hasher().u64(pre_identity).u64(node.seed).digest();
    // Not hashed: a time limit cannot change a result, only whether there is one.
    if (s.timeout) node.timeout = parse_timeout(resolver_.resolve(*s.timeout, &point), at);

    for (std::size_t a : s.dep_axes)
      node.variant += (node.variant.empty() ? "" : " ") + plan_.sweep.axes()[a] + "=" + flow_text(*point[a]);

    auto [it, inserted] = by_identity_.emplace(node.identity, plan_.nodes.size());
    if (inserted) {
      plan_.nodes.push_back(std::move(node));
    } else if (PlannedNode& first = plan_.nodes[it->second]; first.name != node.name) {
      const std::pair<std::string, std::string> alias{node.name, node.variant};
      if (std::find(first.aliases.begin(), first.aliases.end(), alias) == first.aliases.end())
        first.aliases.push_back(alias);
    }
    return it->second;
  }

  // Path params resolve relative to the spec file that names them (the main spec
  // for command-line overrides); the sandbox is checked centrally here, and the
  // file's content enters the identity.
  std::string resolve_path(const std::string& text, const ParamSpec& param, const SpecValue& at, std::uint64_t& content_hash) {
    bool from_spec_file = std::find(spec_.files.begin(), spec_.files.end(), at.loc.file) != spec_.files.end();
    fs::path base = fs::path(from_spec_file ? at.loc.file : spec_.file).parent_path();
    fs::path p = fs::path(text).is_absolute() ? fs::path(text) : base / text;
    std::string path = p.lexically_normal().string();
    spec_.sandbox.check(path, at.loc, "parameter '" + param.name + "' ('" + text + "')");
    auto cached = file_hashes_.find(path);
    if (cached == file_hashes_.end()) {
      std::error_code ec;
      if (!fs::exists(p, ec)) throw SpecError(at.loc, "file '" + text + "' not found (looked at " + path + ")");
      if (!fs::is_regular_file(p, ec))
        throw SpecError(at.loc, "parameter '" + param.name + "': '" + path + "' is not a regular file");
      cached = file_hashes_.emplace(path, hash_file(path)).first;
    }
    content_hash = cached->second;
    return path;
  }

  struct KeyHash {
    std::size_t operator()(const std::vector<std::size_t>& k) const {
      std::size_t h = 1469598103934665603ull;
      for (auto x : k) h = (h ^ x) * 1099511628211ull;
      return h;
    }
  };

  const Spec& spec_;
  Plan& plan_;
  Resolver resolver_;
  std::vector<StaticNode> statics_;
  std::vector<std::size_t> order_;
  std::vector<std::set<std::size_t>> edges_;
  std::vector<std::unordered_map<std::vector<std::size_t>, std::size_t, KeyHash>> memo_;
  std::unordered_map<std::uint64_t, std::size_t> by_identity_;
  std::map<std::string, std::uint64_t> file_hashes_;
};

PlannedFigure plan_figure(const FigureDecl& f, const Spec& spec, const Sweep& sweep) {
  PlannedFigure fig;
  fig.loc = f.loc;
  fig.component = lookup_component(f.use);
  if (fig.component->kind() != "plot")
    throw SpecError(f.use.loc, "figures need a plot component (plot/line, plot/scatter), got '" + f.use.text + "'");
  Resolver resolver(spec, sweep);
  std::map<std::string, ParamValue> given;
  for (const auto& [key, value] : f.fields) {
    const ParamSpec* p = fig.component->find_param(key);
    if (!p)
      throw SpecError(value.key_loc.line ? value.key_loc : value.loc, fig.component->name + " has no parameter '" + key + "'" +
                                     did_you_mean(key, param_names(fig.component->params)) + " (parameters: " +
                                     join_names(param_names(fig.component->params)) + ")");
    given.emplace(key, to_param_value(*p, resolver.resolve(value, nullptr)));
  }
  for (const auto& p : fig.component->params)
    if (!given.count(p.name) && !p.default_value)
      throw SpecError(f.loc, "figure: " + fig.component->name + " needs parameter '" + p.name + "' (" + p.doc + ")");
  fig.params = fig.component->make_params(std::move(given));
  return fig;
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<bool> Plan::downstream_of(const std::string& name) const {
  if (std::find(spec_nodes.begin(), spec_nodes.end(), name) == spec_nodes.end())
    throw SpecError(Loc{"--force", 0, 0}, "unknown node '" + name + "'" + did_you_mean(name, spec_nodes) +
                                              " (nodes: " + join_names(spec_nodes) + ")");
  std::vector<bool> marked(nodes.size(), false);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    marked[i] = nodes[i].name == name;
    for (const auto& [in, idx] : nodes[i].inputs) marked[i] = marked[i] || marked[idx];
  }
  return marked;
}

Plan make_plan(const Spec& spec) {
  Plan plan;
  plan.sweep = Sweep(spec.sweep);
  plan.spec_nodes = spec.node_names();
  Planner(spec, plan).run();
  for (const auto& f : spec.figures) plan.figures.push_back(plan_figure(f, spec, plan.sweep));
  return plan;
}

std::string to_dot(const Plan& plan) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph g(plan.nodes.size());
  for (std::size_t i = 0; i < plan.nodes.size(); ++i)
    for (const auto& [in, idx] : plan.nodes[i].inputs) boost::add_edge(idx, i, g);
  std::ostringstream out;
  auto label = [&](std::ostream& os, std::size_t v) {
    const PlannedNode& n = plan.nodes[v];
    std::string text = n.name + "\\n" + n.component->name;
    if (!n.variant.empty()) text += "\\n" + n.variant;
    os << "[label=\"" << dot_escape(n.name) << "\\n" << dot_escape(n.component->name)
       << (n.variant.empty() ? "" : "\\n" + dot_escape(n.variant)) << "\", shape=box]";
  };
  auto edge_label = [&](std::ostream& os, Graph::edge_descriptor e) {
    std::size_t user = boost::target(e, g), source = boost::source(e, g);
    for (const auto& [in, idx] : plan.nodes[user].inputs)
      if (idx == source) { os << "[label=\"" << dot_escape(in) << "\"]"; return; }
  };
  auto graph_props = [](std::ostream& os) { os << "rankdir=LR;\n"; };
  boost::write_graphviz(out, g, label, edge_label, graph_props);
  return out.str();
}

}  // namespace reprise
