#include "framework/report/merge.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "framework/store/cache.hpp"
#include "framework/plan/graph.hpp"
#include "framework/core/hash.hpp"
#include "framework/store/durable_write.hpp"
#include "framework/report/results.hpp"
#include "framework/exec/shard.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MergeError("cannot read '" + path.string() + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}


struct ShardRun {
  std::string dir;
  ShardRecord record;
  Table table;
};

// Reads every shard and checks they are the N distinct shards of one plan.
std::vector<ShardRun> read_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw MergeError("--merge needs the shard run directories, e.g. --merge results/NAME/*");
  std::vector<ShardRun> runs;
  std::set<fs::path> distinct;
  for (const auto& d : dirs) {
    std::error_code ec;
    // `results/NAME/*` also matches the `latest` link: the same directory twice is one shard.
    if (!distinct.insert(fs::weakly_canonical(d, ec)).second) continue;
    ShardRun r;
    r.dir = d;
    try {
      r.record = read_shard_record(d);
      r.table = Table::from_csv(slurp(fs::path(d) / "metrics.csv"));
    } catch (const std::runtime_error& e) {
      throw MergeError(e.what());
    }
    if (r.table.rows.size() != r.record.rows.size())
      throw MergeError(d + ": metrics.csv has " + std::to_string(r.table.rows.size()) + " rows but shard.txt lists " +
                       std::to_string(r.record.rows.size()));
    runs.push_back(std::move(r));
  }
  const ShardRecord& first = runs[0].record;
  std::map<std::size_t, std::string> seen;
  for (const auto& r : runs) {
    const ShardRecord& s = r.record;
    if (s.shard.count != first.shard.count || s.sweep_points != first.sweep_points || s.fingerprint != first.fingerprint)
      throw MergeError(r.dir + " is not a shard of the same run as " + runs[0].dir +
                       " (different spec, overrides, code version or shard count)");
    if (auto [it, fresh] = seen.emplace(s.shard.index, r.dir); !fresh)
      throw MergeError("shard " + std::to_string(s.shard.index) + "/" + std::to_string(s.shard.count) + " given twice: " + it->second +
                       " and " + r.dir);
  }
  std::string missing;
  for (std::size_t i = 0; i < first.shard.count; ++i)
    if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(first.shard.count);
  if (!missing.empty()) throw MergeError("missing shard run directories for shard " + missing);
  return runs;
}

// The plan the shards ran, rebuilt from the first shard's spec.resolved.yaml: it
// gives the column order of an unsharded run and the figures to redraw. Empty
// (with a warning) when the spec no longer loads or plans differently.
struct Replanned {
  std::optional<Spec> spec;
  std::optional<Plan> plan;
};

Replanned replan(const ShardRun& first, std::vector<std::string>& warnings) {
  Replanned r;
  std::string resolved = (fs::path(first.dir) / "spec.resolved.yaml").string();
  try {
    r.spec = load_spec(resolved);
    r.plan = make_plan(*r.spec);
  } catch (const std::exception& e) {
    warnings.push_back("cannot replan " + resolved + " (" + e.what() + "): figures not redrawn");
    return {};
  }
  if (plan_fingerprint(*r.plan) != first.record.fingerprint) {
    warnings.push_back(resolved + " no longer plans to the shards' nodes (code or input files changed?): figures not redrawn");
    return {};
  }
  return r;
}

// Columns as metrics_table() orders them: sweep axes, then per spec node (in spec
// order) the sorted union of its scalar keys. Without a plan: first appearance.
std::vector<std::string> merged_columns(const std::vector<ShardRun>& runs, const Plan* plan) {
  std::vector<std::string> seen_order;
  std::set<std::string> all;
  for (const auto& r : runs)
    for (const auto& c : r.table.columns)
      if (all.insert(c).second) seen_order.push_back(c);
  if (!plan) return seen_order;
  std::vector<std::string> out = plan->sweep.axes();
  for (const auto& node : plan->spec_nodes)
    for (const auto& c : all)  // std::set: sorted, as metrics_table sorts each node's keys
      if (c.rfind(node + ".", 0) == 0) out.push_back(c);
  return out;
}

Table merged_table(const std::vector<ShardRun>& runs, const std::vector<std::string>& columns) {
  std::map<std::size_t, std::vector<std::string>> by_point;  // sorted by full-sweep index
  for (const auto& r : runs) {
    for (std::size_t i = 0; i < r.table.rows.size(); ++i) {
      std::vector<std::string> row(columns.size());
      for (std::size_t c = 0; c < columns.size(); ++c)
        if (auto at = r.table.find(columns[c])) row[c] = r.table.rows[i][*at];
      if (!by_point.emplace(r.record.rows[i], std::move(row)).second)
        throw MergeError("sweep point " + std::to_string(r.record.rows[i]) + " appears in two shards");
    }
  }
  Table t;
  t.columns = columns;
  for (auto& [point, row] : by_point) t.rows.push_back(std::move(row));
  return t;
}

// A fresh run directory beside the shards: <results>/<name>/<run-id>/.
std::string default_out_dir(const std::string& shard_dir) {
  fs::path spec_dir = fs::absolute(shard_dir).lexically_normal();
  if (!spec_dir.has_filename()) spec_dir = spec_dir.parent_path();
  spec_dir = spec_dir.parent_path();
  return create_run_dir(spec_dir.parent_path().string(), spec_dir.filename().string());
}

std::string union_of_refs(const std::vector<ShardRun>& runs) {
  std::set<std::string> refs;
  for (const auto& r : runs) {
    std::ifstream in(fs::path(r.dir) / "cache-refs.txt");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) refs.insert(line);
  }
  std::string out;
  for (const auto& l : refs) out += l + "\n";
  return out;
}

// Figure-node files (figures made inside the DAG) come from the shards that made them.
void copy_node_figures(const std::vector<ShardRun>& runs, const fs::path& out, MergeOutcome& m) {
  for (const auto& r : runs) {
    fs::path figs = fs::path(r.dir) / "figures";
    std::error_code ec;
    if (!fs::is_directory(figs, ec)) continue;
    for (const auto& f : fs::directory_iterator(figs, ec)) {
      fs::path target = out / "figures" / f.path().filename();
      if (!f.is_regular_file() || fs::exists(target)) continue;  // redrawn table figures win
      fs::create_directories(target.parent_path());
      fs::copy_file(f.path(), target, ec);
      if (ec) m.warnings.push_back("cannot copy " + f.path().string() + ": " + ec.message());
    }
  }
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string merge_provenance(const std::vector<ShardRun>& runs, const MergeOutcome& m) {
  std::ostringstream j;
  j << "{\n  \"merged\": true,\n  \"created\": \"" << now_iso_utc() << "\",\n  \"plan\": \"" << hex16(runs[0].record.fingerprint)
    << "\",\n  \"shards\": " << runs[0].record.shard.count << ",\n  \"sweep_points\": " << m.sweep_points
    << ",\n  \"metric_rows\": " << m.table.rows.size() << ",\n  \"status\": \""
    << (m.table.rows.size() == m.sweep_points ? "complete" : "failed") << "\",\n  \"merged_from\": [";
  std::vector<const ShardRun*> ordered;
  for (const auto& r : runs) ordered.push_back(&r);
  std::sort(ordered.begin(), ordered.end(), [](auto a, auto b) { return a->record.shard.index < b->record.shard.index; });
  for (std::size_t i = 0; i < ordered.size(); ++i)
    j << (i ? ", " : "") << "\"" << json_escape(fs::absolute(ordered[i]->dir).lexically_normal().string()) << "\"";
  j << "]\n}\n";
  return j.str();
}

std::string merge_report(const MergeOutcome& m, std::size_t shards) {
  std::ostringstream md;
  md << "# merged run\n\n- " << shards << " shards, " << m.sweep_points << " sweep points, " << m.table.rows.size()
     << " metric rows (see provenance.json for the shard directories)\n";
  for (const auto& w : m.warnings) md << "- warning: " << w << "\n";
  for (const auto& f : m.figures.files)
    if (f.ends_with(".svg")) md << "\n![" << f << "](" << f << ")\n";
  return md.str();
}

}  // namespace

MergeOutcome merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out_dir) {
  std::vector<ShardRun> runs = read_shards(shard_dirs);
  MergeOutcome m;
  m.sweep_points = runs[0].record.sweep_points;
  Replanned re = replan(runs[0], m.warnings);
  m.table = merged_table(runs, merged_columns(runs, re.plan ? &*re.plan : nullptr));
  if (m.table.rows.size() < m.sweep_points)
    m.warnings.push_back(std::to_string(m.sweep_points - m.table.rows.size()) +
                         " sweep points have no row: a node failed or was interrupted in their shard");
  m.dir = out_dir.empty() ? default_out_dir(runs[0].dir) : out_dir;
  fs::path out(m.dir);
  fs::create_directories(out);
  write_file_atomic(out / "metrics.csv", m.table.to_csv());
  write_file_atomic(out / "spec.resolved.yaml", slurp(fs::path(runs[0].dir) / "spec.resolved.yaml"));
  write_file_atomic(out / "cache-refs.txt", union_of_refs(runs));
  if (re.plan) m.figures = draw_table_figures(m.dir, *re.spec, *re.plan, m.table);
  copy_node_figures(runs, out, m);
  write_file_atomic(out / "provenance.json", merge_provenance(runs, m));
  write_file_atomic(out / "report.md", merge_report(m, runs.size()));
  return m;
}

}  // namespace reprise
