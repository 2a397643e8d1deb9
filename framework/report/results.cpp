#include "framework/report/results.hpp"

#include "framework/core/build_info.hpp"
#include "framework/core/parallel.hpp"
#include "framework/report/report.hpp"
#include "framework/store/durable_write.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/version.hpp>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include "framework/core/hash.hpp"

#ifndef REPRISE_SOURCE_DIR
#define REPRISE_SOURCE_DIR "."
#endif
#ifndef REPRISE_LIBRARY_VERSIONS
#define REPRISE_LIBRARY_VERSIONS ""
#endif

namespace reprise {
namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string system_name() {
  struct utsname u;
  if (::uname(&u) != 0) return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}

using Json = nlohmann::ordered_json;  // keys in the order written, for people reading the file

Json library_versions() {
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  Json libs = {{"hdf5", std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel)},
               {"boost", BOOST_LIB_VERSION},
               {"xxhash", std::to_string(XXH_versionNumber())}};
  // Versions CMake found at configure time, "name=version,..."
  std::stringstream items(REPRISE_LIBRARY_VERSIONS);
  std::string item;
  while (std::getline(items, item, ',')) {
    auto eq = item.find('=');
    if (eq != std::string::npos) libs[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return libs;
}

bool node_ok(const NodeResult& r) { return r.status == NodeStatus::Cached || r.status == NodeStatus::Ran; }

std::string run_status(const RunRecord& run) {
  const ExecReport& rep = *run.report;
  if (run.running) return "running";
  if (rep.interrupted) return "incomplete";
  return rep.count(NodeStatus::Failed) + rep.count(NodeStatus::Skipped) + rep.count(NodeStatus::Pending) ? "failed" : "complete";
}

Json node_records(const Plan& plan, const ExecReport& rep) {
  Json nodes = Json::array();
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlannedNode& n = plan.nodes[i];
    const NodeResult& r = rep.nodes[i];
    Json node = {{"name", n.name},          {"variant", n.variant},
                 {"component", n.component->name}, {"version", n.component->version},
                 {"identity", hex16(n.identity)},  {"seed", hex16(n.seed)},
                 {"status", status_name(r.status)}, {"seconds", r.seconds},
                 {"points", n.points.size()}};
    if (!r.error.empty()) node["error"] = r.error;
    if (!n.aliases.empty()) {
      Json aliases = Json::array();
      for (const auto& [name, variant] : n.aliases) aliases.push_back({{"name", name}, {"variant", variant}});
      node["aliases"] = std::move(aliases);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// Written with nlohmann-json: valid JSON and valid UTF-8 whatever paths, host names
// or error messages contain (invalid bytes become U+FFFD).
std::string provenance_json(const RunRecord& run, const std::string& run_dir, const Table& table) {
  const Plan& plan = *run.plan;
  const ExecReport& rep = *run.report;
  Json j;
  j["reprise"] = {{"git_commit", build_git_commit()}, {"git_dirty", build_git_dirty()}, {"source", REPRISE_SOURCE_DIR}};
  j["compiler"] = std::string("g++ ") + __VERSION__;
  j["libraries"] = library_versions();
  j["host"] = {{"name", host_name()}, {"system", system_name()}, {"cpus", usable_cpus()}};
  j["spec"] = {{"name", run.spec->name}, {"file", run.spec->file}, {"seed", run.spec->seed}, {"files", run.spec->files}};
  j["command"] = run.command_line;
  j["run_dir"] = run_dir;
  if (!run.cache_dir.empty()) j["cache"] = fs::absolute(run.cache_dir).lexically_normal().string();
  j["status"] = run_status(run);
  j["started"] = run.started;
  j["finished"] = run.finished;
  j["seconds"] = run.seconds;
  j["jobs"] = run.jobs;
  j["sweep_points"] = plan.sweep.size();
  j["metric_rows"] = table.rows.size();
  Json counts = Json::object();
  for (NodeStatus s : {NodeStatus::Ran, NodeStatus::Cached, NodeStatus::Failed, NodeStatus::Skipped, NodeStatus::Cancelled,
                       NodeStatus::Pending})
    counts[status_name(s)] = rep.count(s);
  j["counts"] = counts;
  j["nodes"] = node_records(plan, rep);
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// The merged spec with every parameter's default written out, followed by the
// sweep points as comments: rerunnable as it stands.
std::string resolved_yaml(const Spec& spec, const Plan& plan) {
  SpecValue tree = spec.tree;
  if (SpecValue* nodes = tree.get("nodes")) {
    for (auto& [name, decl] : nodes->entries) {
      const SpecValue* use = decl.get("use");
      const ComponentInfo* c = use ? Registry::instance().find(use->text) : nullptr;
      if (!c) continue;
      for (const auto& p : c->params)
        if (!decl.get(p.name) && p.default_value)
          decl.entries.emplace_back(p.name, SpecValue::make(SpecValue::Kind::Scalar, canonical(*p.default_value), Loc{}));
    }
  }
  std::string out = "# Resolved by reprise from " + spec.file + " (includes merged, overrides applied, defaults filled).\n";
  out += to_yaml(tree);
  out += "# sweep points (" + std::to_string(plan.sweep.size()) + "):\n";
  for (std::size_t p = 0; p < plan.sweep.size() && !plan.sweep.axes().empty(); ++p)
    out += "#   " + std::to_string(p) + ": " + plan.sweep.label(p) + "\n";
  return out;
}

bool gnuplot_available() {
  static const bool found = std::system("command -v gnuplot >/dev/null 2>&1") == 0;
  return found;
}

// Writes figures/<name>.gp and .dat and, when gnuplot is installed, runs it there;
// records the files made (the .gp, and `outputs` once gnuplot succeeded) in `out`.
void render_figure(const fs::path& figures, const std::string& name, const std::string& script,
                   const std::string& data, const std::vector<std::string>& outputs, FigureOutcome& out) {
  write_file_atomic(figures / (name + ".gp"), script);
  write_file_atomic(figures / (name + ".dat"), data);
  out.files.push_back("figures/" + name + ".gp");
  if (!gnuplot_available()) {
    out.warnings.push_back("gnuplot not found: kept figures/" + name + ".gp and .dat; run `gnuplot " + name + ".gp` there to draw");
    return;
  }
  std::string cmd = "cd '" + figures.string() + "' && gnuplot '" + name + ".gp' 2>'" + name + ".log'";
  if (std::system(cmd.c_str()) != 0) {
    out.warnings.push_back("gnuplot failed on figures/" + name + ".gp (see figures/" + name + ".log)");
    return;
  }
  fs::remove(figures / (name + ".log"));
  for (const auto& ext : outputs) out.files.push_back("figures/" + name + ext);
}

void draw_figures(const fs::path& dir, const RunRecord& run, const Table& table, FigureOutcome& out) {
  if (run.plan->figures.empty()) return;
  fs::create_directories(dir / "figures");
  auto packed = std::make_shared<const Artifact>(table.to_artifact());
  for (const auto& fig : run.plan->figures) {
    Artifact drawn;
    try {
      Inputs in;
      in.set("table", packed);
      SimpleContext ctx(run.spec->seed);
      drawn = fig.component->make()->run(in, fig.params, ctx);
    } catch (const std::exception& e) {
      out.errors.push_back(fig.loc.str() + ": error: " + e.what());
      continue;
    }
    render_figure(dir / "figures", drawn.string("file"), drawn.string("script"), drawn.string("data"),
                  {".svg", ".png"}, out);
  }
}

// "factors=[2, 2, 1],model=siren" -> "factors_2_2_1_model_siren": a variant as a
// plain file-name part (letters, digits, '_', '.', '-').
std::string file_part(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (plain) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// Figures made inside the DAG: every completed node whose component kind is
// "figure" (e.g. figure/slices) returned strings "file", "script" and "data" in
// its summary. Each distinct node gets figures/<file>.{gp,dat,png}, or, when the
// spec node has several instances (it depends on a sweep axis),
// figures/<file>-<its sweep values>.* (-<n> if that name is taken or too long).
// The script finds its files through the gnuplot variable `base`, set here in its
// first line.
void draw_node_figures(const fs::path& dir, const RunRecord& run, FigureOutcome& out) {
  const Plan& plan = *run.plan;
  std::map<std::string, std::size_t> instances;
  for (const auto& n : plan.nodes)
    if (n.component->kind() == "figure") ++instances[n.name];
  std::set<std::string> taken;
  std::map<std::string, std::size_t> next_index;
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlannedNode& n = plan.nodes[i];
    const NodeResult& r = run.report->nodes[i];
    if (n.component->kind() != "figure" || !node_ok(r)) continue;
    const auto& strings = r.summary.strings();
    auto file = strings.find("file"), script = strings.find("script"), data = strings.find("data");
    if (file == strings.end() || script == strings.end() || data == strings.end()) {
      out.errors.push_back(n.loc.str() + ": error: " + n.component->name + " node '" + n.display() +
                           "' returned no file/script/data strings");
      continue;
    }
    std::string name = file->second;
    if (instances[n.name] > 1) {
      std::string part = file_part(n.variant);
      std::string candidate = name + "-" + part;
      if (part.empty() || candidate.size() > 200 || taken.count(candidate))
        candidate = name + "-" + std::to_string(++next_index[name]);
      name = candidate;
    }
    while (taken.count(name)) name = file->second + "-" + std::to_string(++next_index[file->second]);
    taken.insert(name);
    fs::create_directories(dir / "figures");
    std::string gnuplot_base = "base = \"" + name + "\"  # set by reprise: this figure's file names\n";
    render_figure(dir / "figures", name, gnuplot_base + script->second, data->second, {".png"}, out);
  }
}

}  // namespace

std::string create_run_dir(const std::string& results_root, const std::string& name) {
  fs::path base = fs::path(results_root) / name;
  fs::create_directories(base);
  std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  for (int k = 1; k < 10000; ++k) {
    fs::path dir = base / (k == 1 ? std::string(stamp) : std::string(stamp) + "-" + std::to_string(k));
    if (::mkdir(dir.c_str(), 0755) == 0) return dir.string();  // mkdir is the atomic claim
    if (errno != EEXIST) throw std::runtime_error("cannot create run directory '" + dir.string() + "': " + std::strerror(errno));
  }
  throw std::runtime_error("cannot find a free run directory under '" + base.string() + "'");
}

Table metrics_table(const Plan& plan, const ExecReport& report) {
  Table t;
  t.columns = plan.sweep.axes();
  // Columns per spec node: the union of its instances' scalar keys, sorted.
  std::vector<std::vector<std::string>> keys(plan.spec_nodes.size());
  for (std::size_t s = 0; s < plan.spec_nodes.size(); ++s) {
    std::set<std::string> names;
    for (std::size_t p = 0; p < plan.sweep.size(); ++p)
      for (const auto& [k, v] : report.nodes[plan.point_nodes[p][s]].summary.scalars()) names.insert(k);
    keys[s].assign(names.begin(), names.end());
    for (const auto& k : keys[s]) t.columns.push_back(plan.spec_nodes[s] + "." + k);
  }
  for (std::size_t p = 0; p < plan.sweep.size(); ++p) {
    bool complete = true;
    for (std::size_t idx : plan.point_nodes[p]) complete = complete && node_ok(report.nodes[idx]);
    if (!complete) continue;
    std::vector<std::string> row;
    for (const SpecValue* v : plan.sweep.point(p)) row.push_back(flow_text(*v));
    for (std::size_t s = 0; s < plan.spec_nodes.size(); ++s) {
      const auto& scalars = report.nodes[plan.point_nodes[p][s]].summary.scalars();
      for (const auto& k : keys[s]) {
        auto it = scalars.find(k);
        row.push_back(it == scalars.end() ? "" : canonical(ParamValue(it->second)));
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void write_run_start(const std::string& run_dir, const RunRecord& run) {
  ExecReport nothing_yet;
  nothing_yet.nodes.resize(run.plan->nodes.size());
  RunRecord start = run;
  start.report = &nothing_yet;
  start.running = true;
  fs::path dir(run_dir);
  write_file_atomic(dir / "spec.resolved.yaml", resolved_yaml(*run.spec, *run.plan));
  write_file_atomic(dir / "provenance.json", provenance_json(start, run_dir, Table{}));
}

FigureOutcome write_run(const std::string& run_dir, const RunRecord& run, const Table& table) {
  fs::path dir(run_dir);
  write_file_atomic(dir / "spec.resolved.yaml", resolved_yaml(*run.spec, *run.plan));
  write_file_atomic(dir / "metrics.csv", table.to_csv());
  std::string refs;
  for (std::size_t i = 0; i < run.plan->nodes.size(); ++i)
    if (node_ok(run.report->nodes[i])) refs += hex16(run.plan->nodes[i].identity) + "\n";
  write_file_atomic(dir / "cache-refs.txt", refs);
  FigureOutcome figs;
  draw_figures(dir, run, table, figs);
  draw_node_figures(dir, run, figs);
  write_file_atomic(dir / "provenance.json", provenance_json(run, run_dir, table));
  // report.md and report.html, read back from what was just written (one code path
  // with `reprise report RUN...`).
  write_report({read_run(run_dir)}, run_dir, run.spec->name);
  // results/<name>/latest -> this run, swapped atomically.
  std::error_code ec;
  fs::path link = dir.parent_path() / "latest", tmp = dir.parent_path() / (".latest." + std::to_string(::getpid()));
  fs::remove(tmp, ec);
  fs::create_directory_symlink(dir.filename(), tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
  return figs;
}

FigureOutcome draw_table_figures(const std::string& run_dir, const Spec& spec, const Plan& plan, const Table& table) {
  RunRecord run;
  run.spec = &spec;
  run.plan = &plan;
  FigureOutcome figs;
  draw_figures(fs::path(run_dir), run, table, figs);
  return figs;
}

std::set<std::uint64_t> referenced_identities(const std::string& results_root, std::size_t keep_runs) {
  std::set<std::uint64_t> keep;
  std::error_code ec;
  if (!fs::is_directory(results_root, ec)) return keep;
  for (const auto& spec_dir : fs::directory_iterator(results_root, ec)) {
    if (!spec_dir.is_directory() || spec_dir.path().filename().string().starts_with(".")) continue;
    std::vector<fs::path> runs;
    for (const auto& run : fs::directory_iterator(spec_dir.path(), ec))
      if (run.is_directory() && !run.is_symlink() && fs::exists(run.path() / "cache-refs.txt")) runs.push_back(run.path());
    std::sort(runs.rbegin(), runs.rend());  // run ids sort by time: newest first
    if (keep_runs > 0 && runs.size() > keep_runs) runs.resize(keep_runs);
    for (const auto& run : runs) {
      std::ifstream in(run / "cache-refs.txt");
      std::string line;
      while (std::getline(in, line))
        if (line.size() == 16) keep.insert(std::stoull(line, nullptr, 16));
    }
  }
  return keep;
}

}  // namespace reprise
