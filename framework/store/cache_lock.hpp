// CacheLock: one process at a time computes a given cache entry.
//
// Two runs sharing a cache (two `reprise run`s, Slurm array shards, MPI runs) may
// need the same node at the same moment. The first takes `<entry>.lock` and
// computes; the others wait, then find the entry in the cache. Writes stay atomic
// without the lock (temp file + rename), so the lock only saves duplicate work and
// never guards correctness.
//
// The lock is an flock(2) on the lock file, not the file's existence: the kernel
// (or the NFS lock manager) drops it when the holder dies, even by kill -9, so a
// lock file left behind is stale by construction and the next process simply
// takes it over. No pid-liveness or age heuristics that could misjudge a slow node
// or a reused pid. The file holds "host pid" of the holder, for messages only.
// On a filesystem without lock support the lock degrades to no lock (both compute,
// the rename keeps the entry whole) instead of failing the run.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace reprise {

class CacheLock {
 public:
  // Blocks until this process holds `path` (creating it and its directory), or
  // until `cancelled()` returns true. `on_wait(holder)` is called once when another
  // process holds it ("host pid"). Throws std::runtime_error when the lock file
  // cannot be created.
  static CacheLock acquire(const std::string& path, const std::function<bool()>& cancelled = {},
                           const std::function<void(const std::string&)>& on_wait = {},
                           std::chrono::milliseconds poll = std::chrono::milliseconds(50));

  // Removes `path` if no process holds it (a lock file left by a killed process).
  // Returns true when it was removed.
  static bool remove_if_stale(const std::string& path);

  CacheLock() = default;
  CacheLock(CacheLock&& other) noexcept;
  CacheLock& operator=(CacheLock&& other) noexcept;
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;
  ~CacheLock();

  bool held() const { return fd_ >= 0; }
  // Another process held the lock when we asked: its result may now be cached.
  bool waited() const { return waited_; }
  // acquire() gave up because cancelled() became true; nothing is held.
  bool cancelled() const { return cancelled_; }
  // Releases now (also done by the destructor): removes the file, then unlocks.
  void release();

 private:
  std::string path_;
  int fd_ = -1;
  bool waited_ = false;
  bool cancelled_ = false;
};

}  // namespace reprise
