#include "framework/cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "framework/hash.hpp"

namespace reprise {
namespace fs = std::filesystem;

namespace {
constexpr const char* kIdentity = "reprise.identity";
constexpr const char* kChecksum = "reprise.checksum";
constexpr const char* kSummaryChecksum = "reprise.summary_checksum";

std::string now_iso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

bool is_entry_name(const std::string& name) { return name.size() == 19 && name.ends_with(".h5"); }

std::uint64_t parse_hex(const std::string& s) { return std::stoull(s, nullptr, 16); }
}  // namespace

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
  static std::atomic<unsigned> counter{0};
  std::string tmp = final_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  std::map<std::string, std::string> meta = {
      {kIdentity, hex16(identity)},
      {kChecksum, hex16(a.checksum())},
      {kSummaryChecksum, hex16(a.summary_checksum())},
      {"reprise.node", info.node},
      {"reprise.component", info.component},
      {"reprise.version", info.version},
      {"reprise.seconds", std::to_string(info.seconds)},
      {"reprise.created", now_iso()},
  };
  try {
    save_artifact_file(tmp, a, meta);
    fsync_path(tmp);
    fs::rename(tmp, final_path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);  // never leave a half entry behind, even on a full disk
    throw;
  }
  fsync_path(fs::path(final_path).parent_path().string());
}

CacheRead Cache::read(std::uint64_t identity, bool summary_only) {
  CacheRead r;
  std::string path = path_for(identity);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return r;
  try {
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
    quarantine(path);
  }
  return r;
}

CacheRead Cache::load(std::uint64_t identity) { return read(identity, false); }
CacheRead Cache::load_summary(std::uint64_t identity) { return read(identity, true); }

void Cache::quarantine(const std::string& path) {
  std::error_code ec;
  fs::path q = fs::path(dir_) / "quarantine";
  fs::create_directories(q, ec);
  auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
  fs::rename(path, q / (fs::path(path).filename().string() + "." + std::to_string(stamp)), ec);
  if (ec) fs::remove(path, ec);
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
      if ((entry && !keep.count(parse_hex(name.substr(0, 16)))) || stale_tmp) {
        freed += f.file_size(ec);
        fs::remove(f.path(), ec);
        ++count;
      }
    }
  }
  if (removed) *removed = count;
  return freed;
}

}  // namespace reprise
