#include "framework/exec/shard.hpp"
#include "framework/store/durable_write.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "framework/core/hash.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {

bool parse_size(const std::string& s, std::size_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

bool node_ok(const NodeResult& r) { return r.status == NodeStatus::Cached || r.status == NodeStatus::Ran; }

std::string join_numbers(const std::vector<std::size_t>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + std::to_string(v[i]);
  return s;
}

std::vector<std::size_t> parse_numbers(std::istringstream& in, const std::string& file) {
  std::vector<std::size_t> out;
  std::string word;
  while (in >> word) {
    std::size_t v = 0;
    if (!parse_size(word, v)) throw std::runtime_error(file + ": bad sweep point index '" + word + "'");
    out.push_back(v);
  }
  return out;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::string form = "expected --shard i/N with 0 <= i < N (e.g. 0/4 .. 3/4, as $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)";
  auto slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !parse_size(text.substr(0, slash), s.index) || !parse_size(text.substr(slash + 1), s.count))
    throw std::invalid_argument("bad --shard '" + text + "': " + form);
  if (s.count == 0 || s.index >= s.count) throw std::invalid_argument("bad --shard '" + text + "': " + form);
  return s;
}

std::pair<std::size_t, std::size_t> shard_range(Shard s, std::size_t points) {
  // Block sizes differ by at most one point.
  return {s.index * points / s.count, (s.index + 1) * points / s.count};
}

std::uint64_t plan_fingerprint(const Plan& plan) {
  Hasher h;
  h.u64(plan.sweep.size());
  for (const auto& n : plan.nodes) h.u64(n.identity);
  return h.digest();
}

Plan shard_plan(const Plan& full, Shard s) {
  auto [first, last] = shard_range(s, full.sweep.size());
  std::vector<std::size_t> points;
  for (std::size_t p = first; p < last; ++p) points.push_back(p);
  // Nodes used at the kept points; a node's inputs are nodes of the same point, so
  // this set is closed under inputs.
  std::vector<bool> used(full.nodes.size(), false);
  for (std::size_t p : points)
    for (std::size_t idx : full.point_nodes[p]) used[idx] = true;
  std::vector<std::size_t> renumber(full.nodes.size(), 0);
  Plan out;
  out.spec_nodes = full.spec_nodes;
  // No table figures per shard: a slice of a curve misleads, and an empty shard
  // (N > points) has no columns to plot. `report --merge` draws them whole.
  out.sweep = full.sweep.subset(points);
  std::vector<std::size_t> local_point(full.sweep.size(), 0);
  for (std::size_t i = 0; i < points.size(); ++i) local_point[points[i]] = i;
  for (std::size_t i = 0; i < full.nodes.size(); ++i) {
    if (!used[i]) continue;
    renumber[i] = out.nodes.size();
    PlannedNode n = full.nodes[i];
    for (auto& [name, src] : n.inputs) src = renumber[src];  // inputs come earlier: already renumbered
    std::vector<std::size_t> kept;
    for (std::size_t p : n.points)
      if (p >= first && p < last) kept.push_back(local_point[p]);
    n.points = std::move(kept);
    out.nodes.push_back(std::move(n));
  }
  for (std::size_t p : points) {
    std::vector<std::size_t> row;
    for (std::size_t idx : full.point_nodes[p]) row.push_back(renumber[idx]);
    out.point_nodes.push_back(std::move(row));
  }
  return out;
}

ShardRecord make_shard_record(Shard s, const Plan& full, const Plan& plan, const ExecReport& report) {
  ShardRecord r;
  r.shard = s;
  r.sweep_points = full.sweep.size();
  r.fingerprint = plan_fingerprint(full);
  // The same rule as metrics_table(): a point has a row when all its nodes completed.
  for (std::size_t p = 0; p < plan.sweep.size(); ++p) {
    bool complete = true;
    for (std::size_t idx : plan.point_nodes[p]) complete = complete && node_ok(report.nodes[idx]);
    if (complete) r.rows.push_back(plan.sweep.global_index(p));
  }
  return r;
}

void write_shard_record(const std::string& run_dir, const ShardRecord& r) {
  std::ostringstream out;
  out << "# reprise shard record, read by `reprise report --merge`\n"
      << "shard " << r.shard.index << "/" << r.shard.count << "\n"
      << "sweep_points " << r.sweep_points << "\n"
      << "plan " << hex16(r.fingerprint) << "\n"
      << "rows " << join_numbers(r.rows) << "\n";
  write_file_atomic((fs::path(run_dir) / "shard.txt").string(), out.str());
}

ShardRecord read_shard_record(const std::string& run_dir) {
  std::string file = (fs::path(run_dir) / "shard.txt").string();
  std::ifstream in(file);
  if (!in) throw std::runtime_error("'" + run_dir + "' is not a shard run directory (no shard.txt; was it run with --shard i/N?)");
  ShardRecord r;
  bool have_shard = false, have_points = false, have_plan = false, have_rows = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key, value;
    words >> key;
    if (key == "rows") {
      r.rows = parse_numbers(words, file);
      have_rows = true;
      continue;
    }
    words >> value;
    try {
      if (key == "shard") r.shard = parse_shard(value), have_shard = true;
      else if (key == "sweep_points") have_points = parse_size(value, r.sweep_points);
      else if (key == "plan") r.fingerprint = std::stoull(value, nullptr, 16), have_plan = true;
    } catch (const std::exception& e) {
      throw std::runtime_error(file + ": bad '" + key + "' line: " + e.what());
    }
  }
  if (!have_shard || !have_points || !have_plan || !have_rows)
    throw std::runtime_error(file + ": incomplete shard record (needs shard, sweep_points, plan and rows lines)");
  return r;
}

}  // namespace reprise
