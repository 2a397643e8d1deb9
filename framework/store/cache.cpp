#include "framework/store/cache.hpp"
#include "framework/store/durable_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <filesystem>
#include <thread>

#include "framework/store/cache_lock.hpp"
#include "framework/core/hash.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {
constexpr const char* kIdentity = "reprise.identity";
constexpr const char* kChecksum = "reprise.checksum";
constexpr const char* kSummaryChecksum = "reprise.summary_checksum";

// The first kUserBlock bytes of an entry (which HDF5 skips) hold
// "reprise-cache 1 <xxh64 of every byte after the block>\n": any change to the
// file, even inside arrays a cache hit does not read, shows up as a mismatch.
constexpr std::size_t kUserBlock = 512;
constexpr const char* kMagic = "reprise-cache 1 ";

std::uint64_t digest_after_userblock(int fd) {
  Hasher h;
  std::vector<char> buf(1 << 20);
  off_t offset = static_cast<off_t>(kUserBlock);
  while (true) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) throw std::runtime_error("cannot read cache entry");
    if (n == 0) break;
    h.bytes(buf.data(), static_cast<std::size_t>(n));
    offset += n;
  }
  return h.digest();
}

void seal(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) throw std::runtime_error("cannot reopen '" + path + "'");
  std::string header = std::string(kMagic) + hex16(digest_after_userblock(fd)) + "\n";
  bool ok = ::pwrite(fd, header.data(), header.size(), 0) == static_cast<ssize_t>(header.size());  // fsynced by the durable write
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write '" + path + "' (disk full?)");
}

// Throws with the reason when the file's digest does not match its header.
void check_seal(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open");
  std::string header(kUserBlock, '\0');
  ssize_t n = ::pread(fd, header.data(), header.size(), 0);
  std::uint64_t actual = n == static_cast<ssize_t>(kUserBlock) ? digest_after_userblock(fd) : 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(kUserBlock) || header.rfind(kMagic, 0) != 0) throw std::runtime_error("not a reprise cache entry (bad header)");
  if (header.substr(std::strlen(kMagic), 16) != hex16(actual)) throw std::runtime_error("file digest mismatch (changed after it was written)");
}

// A verified entry's (inode, size, mtime) is remembered in "<entry>.ok", so cache
// hits skip re-hashing files that nothing touched since (as DVC's state db does).
std::string stat_signature(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_ino) + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

std::string read_small(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// Best effort: without the stamp the next hit only re-hashes the entry.
void remember_verified(const std::string& path) {
  try {
    write_file_atomic(path + ".ok", stat_signature(path) + "\n");
  } catch (const std::exception&) {
  }
}

bool is_entry_name(const std::string& name) {
  return name.size() == 19 && name.ends_with(".h5") &&
         name.find_first_not_of("0123456789abcdef") == 16;  // 16 lowercase hex digits, then ".h5"
}

std::uint64_t parse_hex(const std::string& s) { return std::stoull(s, nullptr, 16); }
}  // namespace

std::string now_iso_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm utc;
  gmtime_r(&t, &utc);  // workers store entries concurrently: no shared static buffer
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

Cache::Cache(std::string dir) : dir_(std::move(dir)) {}

std::string Cache::path_for(std::uint64_t identity) const {
  std::string hex = hex16(identity);
  return dir_ + "/" + hex.substr(0, 2) + "/" + hex + ".h5";
}

bool Cache::contains(std::uint64_t identity) const {
  std::error_code ec;
  return fs::is_regular_file(path_for(identity), ec);
}

void Cache::store(std::uint64_t identity, const Artifact& a, const CacheEntryInfo& info) {
  std::string final_path = path_for(identity);
  fs::create_directories(fs::path(final_path).parent_path());
  std::map<std::string, std::string> meta = {
      {kIdentity, hex16(identity)},
      {kChecksum, hex16(a.checksum())},
      {kSummaryChecksum, hex16(a.summary_checksum())},
      {"reprise.node", info.node},
      {"reprise.component", info.component},
      {"reprise.version", info.version},
      {"reprise.seconds", std::to_string(info.seconds)},
      {"reprise.created", now_iso_utc()},
  };
  write_file_durably(final_path, [&](const std::string& tmp) {
    save_artifact_file(tmp, a, meta, kUserBlock);
    seal(tmp);
  }, "cache entry");
  remember_verified(final_path);
}

CacheRead Cache::read(std::uint64_t identity, bool summary_only) {
  CacheRead r;
  std::string path = path_for(identity);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return r;
  try {
    bool trusted = summary_only && read_small(path + ".ok") == stat_signature(path);
    if (!trusted) {
      check_seal(path);
      remember_verified(path);
    }
    std::map<std::string, std::string> meta;
    if (summary_only) meta = load_artifact_meta(path, &r.artifact);
    else r.artifact = load_artifact_file(path, &meta);
    if (meta[kIdentity] != hex16(identity)) throw std::runtime_error("stored identity '" + meta[kIdentity] + "' does not match its name");
    std::uint64_t sum = summary_only ? r.artifact.summary_checksum() : r.artifact.checksum();
    const char* key = summary_only ? kSummaryChecksum : kChecksum;
    if (meta[key] != hex16(sum)) throw std::runtime_error("checksum mismatch (content changed after it was written)");
    r.status = CacheRead::Status::Ok;
  } catch (const std::exception& e) {
    r = CacheRead{};
    r.status = CacheRead::Status::Corrupt;
    r.problem = e.what();
    quarantine(path, st.st_ino);
  }
  return r;
}

CacheRead Cache::load(std::uint64_t identity) { return read(identity, false); }
CacheRead Cache::load_summary(std::uint64_t identity) { return read(identity, true); }

void Cache::quarantine(const std::string& path, std::uintmax_t inode) {
  // Only the file that was read: a concurrent run may already have quarantined it
  // and stored a good entry under the same name.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || st.st_ino != inode) return;
  std::error_code ec;
  fs::path q = fs::path(dir_) / "quarantine";
  fs::create_directories(q, ec);
  auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
  fs::rename(path, q / (fs::path(path).filename().string() + "." + std::to_string(stamp)), ec);
  if (ec) fs::remove(path, ec);
  fs::remove(path + ".ok", ec);
}

std::vector<CacheListing> Cache::list() const {
  std::vector<CacheListing> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;
  for (const auto& shard : fs::directory_iterator(dir_, ec)) {
    if (!shard.is_directory() || shard.path().filename().string().size() != 2) continue;
    for (const auto& f : fs::directory_iterator(shard.path(), ec)) {
      std::string name = f.path().filename().string();
      if (!is_entry_name(name)) continue;
      CacheListing l;
      l.identity = parse_hex(name.substr(0, 16));
      l.path = f.path().string();
      l.bytes = f.file_size(ec);
      try {
        auto meta = load_artifact_meta(l.path, nullptr);
        l.node = meta["reprise.node"];
        l.component = meta["reprise.component"];
        l.created = meta["reprise.created"];
      } catch (const std::exception&) {
        l.component = "(unreadable)";
      }
      out.push_back(std::move(l));
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.created < b.created || (a.created == b.created && a.path < b.path); });
  return out;
}

std::vector<std::string> Cache::verify(std::size_t* checked) {
  std::vector<std::string> problems;
  auto entries = list();
  for (const auto& e : entries) {
    if (e.path != path_for(e.identity)) {  // a lookup would never find it: a stray copy, not an entry
      struct stat st;
      if (::stat(e.path.c_str(), &st) == 0) quarantine(e.path, st.st_ino);
      problems.push_back(e.path + ": stored under the wrong directory (moved to " + dir_ + "/quarantine/)");
      continue;
    }
    CacheRead r = load(e.identity);
    if (r.status == CacheRead::Status::Corrupt)
      problems.push_back(e.path + ": " + r.problem + " (moved to " + dir_ + "/quarantine/)");
  }
  if (checked) *checked = entries.size();
  return problems;
}

std::uintmax_t Cache::gc(const std::set<std::uint64_t>& keep, std::size_t* removed) {
  std::uintmax_t freed = 0;
  std::size_t count = 0;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return 0;
  auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& shard : fs::directory_iterator(dir_, ec)) {
    if (!shard.is_directory() || shard.path().filename().string().size() != 2) continue;
    for (const auto& f : fs::directory_iterator(shard.path(), ec)) {
      std::string name = f.path().filename().string();
      bool entry = is_entry_name(name);
      // A temp file younger than an hour may belong to a run in progress.
      bool stale_tmp = name.find(".tmp.") != std::string::npos && f.last_write_time(ec) < stale_before;
      // A lock file nobody holds was left by a killed run (cache_lock.hpp).
      if (name.ends_with(".lock")) {
        CacheLock::remove_if_stale(f.path().string());
        continue;
      }
      if ((entry && !keep.count(parse_hex(name.substr(0, 16)))) || stale_tmp) {
        freed += f.file_size(ec);
        fs::remove(f.path(), ec);
        fs::remove(f.path().string() + ".ok", ec);
        ++count;
      }
    }
  }
  if (removed) *removed = count;
  return freed;
}

}  // namespace reprise
