// Stage store/ (3 of 6). In: artifacts and their identities. Out: files on disk
// that are whole or absent: the content-addressed cache (cache.hpp), its
// cross-process locks (cache_lock.hpp) and durable whole-file writes
// (durable_write.hpp). Uses core/ only.
//
// Cache: the content-addressed store of node artifacts.
//
// An entry lives at <dir>/<first 2 hex>/<identity>.h5: an HDF5 file whose root
// attributes record the identity, checksums and where it came from, and whose
// "/artifact" group is the artifact. Writes go to a temporary file in the same
// directory, are fsynced and then renamed, so a crash, Ctrl-C or a concurrent
// writer never leaves a half entry under the final name. Reads verify the stored
// identity and checksum; a bad entry is moved to <dir>/quarantine/ and reported as
// corrupt so the caller recomputes it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise {

struct CacheEntryInfo {
  std::string node;       // spec node name that produced it (informational)
  std::string component;  // "codec/dct"
  std::string version;
  double seconds = 0;  // compute time
};

struct CacheRead {
  enum class Status { Missing, Ok, Corrupt } status = Status::Missing;
  Artifact artifact;
  std::string problem;  // why it was corrupt
};

struct CacheListing {
  std::uint64_t identity = 0;
  std::string path;
  std::string node, component, created;
  std::uintmax_t bytes = 0;
};

// Current UTC time as ISO-8601 ("2026-11-23T08:06:24Z"); thread-safe. Stamps cache
// entries and run provenance alike.
std::string now_iso_utc();

class Cache {
 public:
  explicit Cache(std::string dir);
  const std::string& dir() const { return dir_; }
  std::string path_for(std::uint64_t identity) const;
  bool contains(std::uint64_t identity) const;

  void store(std::uint64_t identity, const Artifact& a, const CacheEntryInfo& info);
  // Full read, every array checked against the checksum.
  CacheRead load(std::uint64_t identity);
  // Top-level scalars and strings only (what metrics need); checked against the summary checksum.
  CacheRead load_summary(std::uint64_t identity);

  std::vector<CacheListing> list() const;
  // Full verification of every entry; bad ones are quarantined. Returns messages for bad entries.
  std::vector<std::string> verify(std::size_t* checked = nullptr);
  // Removes entries whose identity is not in `keep`, and stale temporary files. Returns bytes freed.
  std::uintmax_t gc(const std::set<std::uint64_t>& keep, std::size_t* removed = nullptr);

 private:
  CacheRead read(std::uint64_t identity, bool summary_only);
  void quarantine(const std::string& path, std::uintmax_t inode);
  std::string dir_;
};

}  // namespace reprise
