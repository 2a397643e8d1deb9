#include "framework/report/export.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>

#include "framework/core/errors.hpp"
#include "framework/report/report.hpp"
#include "framework/store/cache.hpp"
#include "framework/store/durable_write.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {

// "energy=0.9 rank=4" -> {energy: 0.9, rank: 4}; a value may hold spaces only quoted.
std::map<std::string, std::string> parse_variant(const std::string& variant) {
  std::map<std::string, std::string> point;
  std::istringstream in(variant);
  for (std::string item; in >> item;) {
    auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string value = item.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    point[item.substr(0, eq)] = value;
  }
  return point;
}

nlohmann::json read_provenance(const fs::path& dir) {
  std::ifstream in(dir / "provenance.json");
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw ReportError((dir / "provenance.json").string() + ": unreadable: " + e.what());
  }
}

void collect_instances(const fs::path& dir, const std::string& cache_override, std::vector<NodeInstance>& out,
                       std::set<std::string>& seen) {
  nlohmann::json prov = read_provenance(dir);
  if (prov.value("merged", false)) {
    for (const auto& shard : prov.value("merged_from", nlohmann::json::array()))
      collect_instances(run_directory(shard.get<std::string>()), cache_override, out, seen);
    return;
  }
  std::string cache = !cache_override.empty() ? cache_override
                      : prov.contains("cache")  ? prov["cache"].get<std::string>()
                                                : (dir.parent_path().parent_path() / ".cache").string();
  for (const auto& n : prov.value("nodes", nlohmann::json::array())) {
    NodeInstance i;
    i.where = {n.value("name", ""), n.value("variant", ""), n.value("identity", ""), cache};
    i.component = n.value("component", "");
    i.status = n.value("status", "");
    i.error = n.value("error", "");
    i.seconds = n.value("seconds", 0.0);
    // The node under its own name and under every spec node that turned out identical.
    std::vector<std::pair<std::string, std::string>> names{{i.where.name, i.where.variant}};
    for (const auto& alias : n.value("aliases", nlohmann::json::array()))
      names.emplace_back(alias.value("name", ""), alias.value("variant", ""));
    for (const auto& [name, variant] : names) {
      // Shards share their upstream nodes: each (name, variant, identity) once.
      if (!seen.insert(name + '\n' + variant + '\n' + i.where.identity).second) continue;
      NodeInstance named = i;
      named.where.name = name;
      named.where.variant = variant;
      named.point = parse_variant(variant);
      out.push_back(std::move(named));
    }
  }
}

bool same_value(const std::string& written, const std::string& wanted) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  double a = std::strtod(written.c_str(), &end_a), b = std::strtod(wanted.c_str(), &end_b);
  if (!written.empty() && !wanted.empty() && *end_a == '\0' && *end_b == '\0') return a == b;
  return written == wanted;
}

std::string point_text(const std::map<std::string, std::string>& point) {
  std::string text;
  for (const auto& [k, v] : point) text += (text.empty() ? "" : " ") + k + "=" + v;
  return text.empty() ? "(no sweep values)" : text;
}

void check_sweep_values(const std::vector<NodeInstance>& all, const std::vector<std::pair<std::string, std::string>>& sweep) {
  std::map<std::string, std::vector<std::string>> seen;
  for (const auto& i : all)
    for (const auto& [axis, value] : i.point)
      if (std::find(seen[axis].begin(), seen[axis].end(), value) == seen[axis].end()) seen[axis].push_back(value);
  std::vector<std::string> axes;
  for (const auto& [axis, values] : seen) axes.push_back(axis);
  for (const auto& [axis, wanted] : sweep) {
    auto it = seen.find(axis);
    if (it == seen.end())
      throw ReportError("unknown sweep axis '" + axis + "' (axes: " + (axes.empty() ? "none" : join_names(axes)) + ")" +
                        did_you_mean(axis, axes));
    if (std::none_of(it->second.begin(), it->second.end(), [&](const auto& v) { return same_value(v, wanted); }))
      throw ReportError(axis + "=" + wanted + " is not a point of this run's sweep (" + axis + ": " + join_names(it->second) + ")");
  }
}

}  // namespace

std::vector<NodeInstance> node_instances(const std::string& run_path, const std::string& cache_dir) {
  std::vector<NodeInstance> all;
  std::set<std::string> seen;
  collect_instances(run_directory(run_path), cache_dir, all, seen);
  return all;
}

NodeLocation locate_node(const std::string& run_path, const std::string& node,
                         const std::vector<std::pair<std::string, std::string>>& sweep, const std::string& cache_dir) {
  const std::vector<NodeInstance> all = node_instances(run_path, cache_dir);
  std::vector<std::string> names;
  for (const auto& i : all)
    if (std::find(names.begin(), names.end(), i.where.name) == names.end()) names.push_back(i.where.name);
  if (std::find(names.begin(), names.end(), node) == names.end())
    throw ReportError("no node '" + node + "' in this run (nodes: " + join_names(names) + ")" + did_you_mean(node, names));
  check_sweep_values(all, sweep);
  std::vector<const NodeInstance*> matches;
  for (const auto& i : all) {
    bool fits = i.where.name == node;
    for (const auto& [axis, wanted] : sweep)
      if (auto it = i.point.find(axis); fits && it != i.point.end()) fits = same_value(it->second, wanted);
    // Instances with one identity are one artifact, whichever name or point led to it.
    const bool known = std::any_of(matches.begin(), matches.end(),
                                   [&](const NodeInstance* m) { return m->where.identity == i.where.identity; });
    if (fits && !known) matches.push_back(&i);
  }
  if (matches.empty()) {
    std::string choices;
    for (const auto& i : all)
      if (i.where.name == node) choices += "\n  " + point_text(i.point);
    throw ReportError("node '" + node + "' has no instance at these sweep values; its instances:" + choices);
  }
  if (matches.size() > 1) {
    std::string choices;
    for (const NodeInstance* m : matches) choices += "\n  " + point_text(m->point);
    throw ReportError("node '" + node + "' has " + std::to_string(matches.size()) +
                      " instances at this point; name the sweep values, one of:" + choices);
  }
  const NodeInstance& found = *matches.front();
  if (found.status != "ran" && found.status != "cached")
    throw ReportError("node '" + node + "' at " + point_text(found.point) + " did not complete in this run (status " +
                      found.status + (found.error.empty() ? "" : ": " + found.error) + ")");
  return found.where;
}

void export_node(const NodeLocation& where, const std::string& out) {
  std::uint64_t identity = std::stoull(where.identity, nullptr, 16);
  Cache cache(where.cache_dir);
  CacheRead read = cache.load(identity);
  if (read.status == CacheRead::Status::Missing)
    throw ReportError("no cache entry " + where.identity + " for node '" + where.name + "' in " + where.cache_dir +
                      " (removed by `reprise cache gc`, or computed with another --cache; rerun the spec, or pass --cache)");
  if (read.status == CacheRead::Status::Corrupt)
    throw ReportError("the cache entry of node '" + where.name + "' is corrupt (" + read.problem +
                      "); it was quarantined: rerun the spec to recompute it");
  write_file_durably(out, [&](const std::string& temp) {
    save_artifact_file(temp, read.artifact, {{"reprise_node", where.name}, {"reprise_variant", where.variant},
                                             {"reprise_identity", where.identity}});
  }, "export");
}

}  // namespace reprise
