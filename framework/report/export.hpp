// Export: one node's artifact out of a finished run, for `reprise export` (a user
// reads it with h5py, MATLAB, HDF5 in any language).
//
// The node is named as in the spec plus the sweep values it depends on; the run's
// provenance.json says which cache entry that instance is (for a merged run, its
// shards' provenance does), and the cache holds the artifact.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace reprise {

struct NodeLocation {
  std::string name, variant;  // "packed", "energy=0.9"
  std::string identity;       // 16 hex digits
  std::string cache_dir;
};

// One distinct node instance of a run, as its provenance.json records it.
struct NodeInstance {
  NodeLocation where;
  std::string component;
  std::map<std::string, std::string> point;  // the sweep values it depends on, as written ("0.9")
  std::string status, error;                 // "ran", "cached", "failed", ...; the failure's message
  double seconds = 0;
};

// Every distinct node instance of the run at `run_path` (a run directory or
// results/<name>); a merged run's are its shards' (each with its shard's cache).
// `cache_dir` overrides where the run recorded its cache. Throws ReportError.
std::vector<NodeInstance> node_instances(const std::string& run_path, const std::string& cache_dir = "");

// The instance of node `node` at the sweep values `sweep` (axis, value) in the run
// at `run_path` (a run directory or results/<name>). `cache_dir` overrides where
// the run recorded its cache. Throws ReportError naming the choices when the node,
// an axis or a value is unknown, the point is ambiguous, or the node did not complete.
NodeLocation locate_node(const std::string& run_path, const std::string& node,
                         const std::vector<std::pair<std::string, std::string>>& sweep, const std::string& cache_dir = "");

// Copies that instance's artifact to `out` (HDF5, the cache's layout without its
// bookkeeping), written to a temporary name and renamed. Throws ReportError when
// the cache no longer has it or it is corrupt (then quarantined, as in a run).
void export_node(const NodeLocation& where, const std::string& out);

}  // namespace reprise
