// Unit tests for framework/cache: layout, atomic stores, verification, quarantine,
// listing, garbage collection and concurrent writers.
#include "framework/store/cache.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "framework/core/hash.hpp"
#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
namespace fs = std::filesystem;

namespace {

using reprise::test::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Overwrites bytes in place (same inode, same size).
void overwrite(const std::string& path, std::size_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f.good());
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
}

// Independent expectation of the entry path: printf's hex, not hex16.
std::string expected_path(const std::string& dir, std::uint64_t id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(id));
  return dir + "/" + std::string(hex, 2) + "/" + hex + ".h5";
}

// Every regular file under dir, relative paths.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

std::size_t count_matching(const std::set<std::string>& names, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& s : names) n += s.find(needle) != std::string::npos;
  return n;
}

// Distinctive, easily located array payload.
constexpr std::int32_t kMarker = 0x5EC7A11D;

Artifact sample(double x = 1.5) {
  Artifact a;
  a.set_scalar("mse", x).set_scalar("rate", 0.25).set_string("codec", "dct");
  std::vector<std::int32_t> v(256);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = kMarker + static_cast<std::int32_t>(i);
  a.set_array("samples", Array::from<std::int32_t>({16, 16}, v));
  Artifact child;
  child.set_array("w", Array::from<double>({3}, {0.5, -1.0, 2.0}));
  a.set_child("extra", child);
  return a;
}

CacheEntryInfo info(const std::string& node = "compress", const std::string& component = "codec/dct") {
  return CacheEntryInfo{node, component, "1", 0.5};
}

// Offset of the array payload in the file (first element's little-endian bytes).
std::size_t marker_offset(const std::string& path) {
  std::string bytes = read_bytes(path);
  std::string needle(4, '\0');
  for (int i = 0; i < 4; ++i) needle[static_cast<std::size_t>(i)] = static_cast<char>((kMarker >> (8 * i)) & 0xff);
  std::size_t at = bytes.find(needle);
  REQUIRE(at != std::string::npos);
  return at;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// What is in <dir>/quarantine/.
std::vector<std::string> quarantined(const TempDir& dir) {
  std::vector<std::string> out;
  fs::path q = dir.path / "quarantine";
  if (!fs::is_directory(q)) return out;
  for (const auto& e : fs::directory_iterator(q)) out.push_back(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("store then load returns an equal artifact") {
  TempDir dir;
  Cache cache(dir.str());
  CHECK(cache.dir() == dir.str());
  const std::uint64_t id = 0x0123456789abcdefULL;
  CHECK_FALSE(cache.contains(id));
  Artifact a = sample();
  cache.store(id, a, info());
  CHECK(cache.contains(id));
  CacheRead r = cache.load(id);
  REQUIRE(r.status == CacheRead::Status::Ok);
  CHECK(r.problem.empty());
  CHECK(r.artifact == a);
  CHECK(r.artifact.child("extra").array("w").view<double>()[1] == -1.0);
  // Loading again (now with a remembered verification) gives the same.
  CacheRead again = cache.load(id);
  REQUIRE(again.status == CacheRead::Status::Ok);
  CHECK(again.artifact == a);
}

TEST_CASE("entries live at <dir>/<2 hex>/<16 hex>.h5") {
  TempDir dir;
  Cache cache(dir.str());
  for (std::uint64_t id : std::vector<std::uint64_t>{0, 0xab, 0xfedcba9876543210ULL, ~std::uint64_t{0}}) {
    CAPTURE(id);
    CHECK(cache.path_for(id) == expected_path(dir.str(), id));
  }
  CHECK(cache.path_for(0xfedcba9876543210ULL) == dir.str() + "/fe/fedcba9876543210.h5");
  CHECK(cache.path_for(0x00000000000000abULL) == dir.str() + "/00/00000000000000ab.h5");

  const std::uint64_t id = 0xc0ffee0000000001ULL;
  cache.store(id, sample(), info());
  CHECK(fs::is_regular_file(dir.str() + "/c0/c0ffee0000000001.h5"));
}

TEST_CASE("store leaves no temporary files and seals the entry") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x1111222233334444ULL;
  cache.store(id, sample(), info());
  cache.store(id, sample(2.0), info());  // overwrite the same identity
  cache.store(0x1122000000000000ULL, sample(), info());  // same shard
  auto files = files_under(dir.path);
  CHECK(count_matching(files, ".tmp") == 0);
  CHECK(files.count("11/1111222233334444.h5") == 1);
  CHECK(files.count("11/1122000000000000.h5") == 1);
  // Whatever else is kept (bookkeeping beside entries), there are exactly two entries.
  CHECK(count_matching(files, ".h5") - count_matching(files, ".h5.") == 2);
  CHECK(cache.load(id).artifact.scalar("mse") == 2.0);

  // The file is a valid HDF5 file behind a 512-byte header holding the digest of the rest.
  std::string bytes = read_bytes(cache.path_for(id));
  REQUIRE(bytes.size() > 512 + 8);
  CHECK(bytes.compare(512, 8, std::string("\x89HDF\r\n\x1a\n", 8)) == 0);
  CHECK(bytes.rfind("reprise-cache 1 ", 0) == 0);
  CHECK(bytes.substr(16, 17) == hex16(hash_string(std::string_view(bytes).substr(512))) + "\n");
}

TEST_CASE("load of a missing entry reports Missing") {
  TempDir dir;
  Cache cache(dir.str());
  CacheRead r = cache.load(42);
  CHECK(r.status == CacheRead::Status::Missing);
  CHECK(r.problem.empty());
  CHECK(r.artifact == Artifact{});
  CHECK(cache.load_summary(42).status == CacheRead::Status::Missing);
  // A cache directory that does not exist yet is simply empty.
  Cache nowhere((dir.path / "not" / "there").string());
  CHECK(nowhere.load(1).status == CacheRead::Status::Missing);
  CHECK_FALSE(nowhere.contains(1));
  CHECK(nowhere.list().empty());
  CHECK(nowhere.gc({}) == 0);
}

TEST_CASE("a truncated entry is reported corrupt and quarantined") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x2222000000000002ULL;
  cache.store(id, sample(), info());
  std::string path = cache.path_for(id);
  std::uintmax_t size = fs::file_size(path);

  bool summary = false;
  SUBCASE("full load") { summary = false; }
  SUBCASE("summary load") { summary = true; }
  CAPTURE(summary);
  std::uintmax_t cut = 0;
  SUBCASE("cut in the middle") { cut = size / 2; }
  SUBCASE("cut off the last byte") { cut = size - 1; }
  SUBCASE("cut to a few bytes") { cut = 10; }
  SUBCASE("cut to nothing") { cut = 0; }
  CAPTURE(cut);
  fs::resize_file(path, cut);

  CacheRead r = summary ? cache.load_summary(id) : cache.load(id);
  CHECK(r.status == CacheRead::Status::Corrupt);
  CHECK_FALSE(r.problem.empty());
  CHECK(r.artifact == Artifact{});
  CHECK_FALSE(cache.contains(id));
  CHECK_FALSE(fs::exists(path));
  auto q = quarantined(dir);
  REQUIRE(q.size() == 1);
  CHECK(q[0].rfind("2222000000000002.h5", 0) == 0);
  CHECK(fs::file_size(dir.path / "quarantine" / q[0]) == cut);
  // Nothing of the entry is left beside where it was.
  CHECK(count_matching(files_under(dir.path / "22"), "2222000000000002") == 0);
  // After quarantine the entry reads as missing, and a new store works.
  CHECK(cache.load(id).status == CacheRead::Status::Missing);
  cache.store(id, sample(), info());
  CHECK(cache.load(id).status == CacheRead::Status::Ok);
}

TEST_CASE("bytes overwritten inside an array are detected") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x3333000000000003ULL;
  cache.store(id, sample(), info());
  std::string path = cache.path_for(id);
  std::size_t at = marker_offset(path) + 4 * 100 + 1;  // inside element 100
  std::uintmax_t size = fs::file_size(path);
  auto mtime = fs::last_write_time(path);

  SUBCASE("plain overwrite") {
    overwrite(path, at, "\x7f");
  }
  SUBCASE("silent bit rot: size and mtime unchanged") {
    overwrite(path, at, "\x7f");
    fs::last_write_time(path, mtime);
  }
  CHECK(fs::file_size(path) == size);
  CacheRead r = cache.load(id);
  CHECK(r.status == CacheRead::Status::Corrupt);
  CHECK_FALSE(r.problem.empty());
  CHECK_FALSE(cache.contains(id));
  REQUIRE(quarantined(dir).size() == 1);
  // The quarantined file is the corrupted entry, moved intact.
  std::string moved = read_bytes((dir.path / "quarantine" / quarantined(dir)[0]).string());
  CHECK(moved.size() == size);
  CHECK(moved[at] == '\x7f');
}

TEST_CASE("a damaged header is reported corrupt") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x3434000000000034ULL;
  cache.store(id, sample(), info());
  std::string path = cache.path_for(id);
  SUBCASE("magic") { overwrite(path, 0, "XXXX"); }
  SUBCASE("digest") {
    std::string bytes = read_bytes(path);
    char c = bytes[20] == '0' ? '1' : '0';
    overwrite(path, 20, std::string(1, c));
  }
  CacheRead r = cache.load(id);
  CHECK(r.status == CacheRead::Status::Corrupt);
  CHECK_FALSE(r.problem.empty());
  CHECK_FALSE(cache.contains(id));
}

TEST_CASE("load_summary detects a changed file") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x3535000000000035ULL;
  cache.store(id, sample(), info());
  std::string path = cache.path_for(id);
  // Replace the file by a copy with one array byte changed (new inode, new mtime).
  std::string bytes = read_bytes(path);
  bytes[marker_offset(path) + 9] ^= 0x10;
  {
    std::ofstream out(path + ".edit", std::ios::binary);
    out << bytes;
  }
  fs::rename(path + ".edit", path);
  CacheRead r = cache.load_summary(id);
  CHECK(r.status == CacheRead::Status::Corrupt);
  CHECK_FALSE(cache.contains(id));
}

TEST_CASE("an entry under the wrong identity is detected") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t a = 0x4444000000000004ULL, b = 0x5555000000000005ULL;
  cache.store(a, sample(), info());
  fs::create_directories(fs::path(cache.path_for(b)).parent_path());
  fs::rename(cache.path_for(a), cache.path_for(b));
  CHECK(cache.contains(b));
  for (bool summary : {false, true}) {
    CAPTURE(summary);
    if (summary) {  // put it back under the wrong name once more
      cache.store(a, sample(), info());
      fs::rename(cache.path_for(a), cache.path_for(b));
    }
    CacheRead r = summary ? cache.load_summary(b) : cache.load(b);
    CHECK(r.status == CacheRead::Status::Corrupt);
    CHECK(contains(r.problem, "identity"));
    CHECK(contains(r.problem, hex16(a)));
    CHECK_FALSE(cache.contains(b));
  }
  CHECK(quarantined(dir).size() == 2);
}

TEST_CASE("load_summary returns top-level scalars and strings without arrays") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0x6666000000000006ULL;
  Artifact a = sample(0.125);
  cache.store(id, a, info());
  for (int pass = 0; pass < 2; ++pass) {  // first and remembered read
    CAPTURE(pass);
    CacheRead r = cache.load_summary(id);
    REQUIRE(r.status == CacheRead::Status::Ok);
    CHECK(r.artifact.scalars() == std::map<std::string, double>{{"mse", 0.125}, {"rate", 0.25}});
    CHECK(r.artifact.strings() == std::map<std::string, std::string>{{"codec", "dct"}});
    CHECK(r.artifact.arrays().empty());
    CHECK(r.artifact.children().empty());
  }
  // The full entry is still there and complete.
  CHECK(cache.load(id).artifact == a);
}

TEST_CASE("list shows every entry with its metadata") {
  TempDir dir;
  Cache cache(dir.str());
  cache.store(0x7000000000000001ULL, sample(), info("gen", "dataset/mvn"));
  cache.store(0x7100000000000002ULL, sample(), info("compress", "codec/dct"));
  cache.store(0x7000000000000003ULL, sample(), info("score", "metric/moments-error"));
  cache.load(0x7000000000000001ULL);
  auto entries = cache.list();
  REQUIRE(entries.size() == 3);
  std::map<std::uint64_t, CacheListing> by_id;
  for (const auto& e : entries) by_id[e.identity] = e;
  REQUIRE(by_id.size() == 3);
  const auto& g = by_id.at(0x7000000000000001ULL);
  CHECK(g.node == "gen");
  CHECK(g.component == "dataset/mvn");
  CHECK(g.path == expected_path(dir.str(), 0x7000000000000001ULL));
  CHECK(g.bytes == fs::file_size(g.path));
  CHECK(g.bytes > 512);
  CHECK(by_id.at(0x7100000000000002ULL).node == "compress");
  CHECK(by_id.at(0x7100000000000002ULL).component == "codec/dct");
  CHECK(by_id.at(0x7000000000000003ULL).component == "metric/moments-error");
  for (const auto& e : entries) {
    CAPTURE(e.created);
    REQUIRE(e.created.size() == 20);  // 2026-01-31T12:34:56Z
    CHECK(e.created[4] == '-');
    CHECK(e.created[7] == '-');
    CHECK(e.created[10] == 'T');
    CHECK(e.created[13] == ':');
    CHECK(e.created[16] == ':');
    CHECK(e.created[19] == 'Z');
  }
}

TEST_CASE("verify finds a corrupted entry among good ones") {
  TempDir dir;
  Cache cache(dir.str());
  const std::vector<std::uint64_t> ids = {0x8000000000000001ULL, 0x8100000000000002ULL, 0x8200000000000003ULL,
                                          0x8300000000000004ULL};
  for (auto id : ids) cache.store(id, sample(static_cast<double>(id & 0xff)), info());
  const std::uint64_t bad = ids[2];
  std::string bad_path = cache.path_for(bad);
  overwrite(bad_path, marker_offset(bad_path) + 17, "\x01\x02");

  std::size_t checked = 0;
  auto problems = cache.verify(&checked);
  CHECK(checked == 4);
  REQUIRE(problems.size() == 1);
  CHECK(contains(problems[0], bad_path));
  CHECK(contains(problems[0], "quarantine"));
  CHECK_FALSE(cache.contains(bad));
  CHECK(quarantined(dir).size() == 1);
  for (auto id : ids) {
    if (id == bad) continue;
    CAPTURE(id);
    CacheRead r = cache.load(id);
    REQUIRE(r.status == CacheRead::Status::Ok);
    CHECK(r.artifact.scalar("mse") == static_cast<double>(id & 0xff));
  }
  // A second pass is clean.
  CHECK(cache.verify(&checked).empty());
  CHECK(checked == 3);
}

TEST_CASE("gc removes entries not kept, and keeps the others") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t a = 0x9000000000000001ULL, b = 0x9000000000000002ULL, c = 0x9100000000000003ULL;
  for (std::uint64_t id : {a, b, c}) cache.store(id, sample(), info());
  std::uintmax_t b_size = fs::file_size(cache.path_for(b));
  cache.load_summary(a);

  std::size_t removed = 99;
  std::uintmax_t freed = cache.gc({a, c, 0x1234ULL}, &removed);
  CHECK(removed == 1);
  CHECK(freed >= b_size);
  CHECK(cache.contains(a));
  CHECK_FALSE(cache.contains(b));
  CHECK(cache.contains(c));
  CHECK(cache.load(a).status == CacheRead::Status::Ok);
  CHECK(cache.load(c).status == CacheRead::Status::Ok);
  CHECK(cache.load(b).status == CacheRead::Status::Missing);
  // Nothing of b is left behind.
  CHECK(count_matching(files_under(dir.path), "9000000000000002") == 0);

  // Keeping everything removes nothing; keeping nothing empties the cache.
  CHECK(cache.gc({a, c}, &removed) == 0);
  CHECK(removed == 0);
  cache.gc({}, &removed);
  CHECK(removed == 2);
  CHECK(cache.list().empty());
  CHECK(count_matching(files_under(dir.path), "9") == 0);
}

TEST_CASE("gc removes stale temporary files but not fresh ones") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0xa000000000000001ULL;
  cache.store(id, sample(), info());
  std::string stale = cache.path_for(id) + ".tmp.999999.0";
  std::string fresh = cache.path_for(id) + ".tmp.999999.1";
  std::ofstream(stale) << "half an entry";
  std::ofstream(fresh) << "being written";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));
  std::size_t removed = 0;
  std::uintmax_t freed = cache.gc({id}, &removed);
  CHECK(removed == 1);
  CHECK(freed == std::string("half an entry").size());
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(fresh));
  CHECK(cache.contains(id));
  // Temporary files are never listed as entries.
  REQUIRE(cache.list().size() == 1);
  CHECK(cache.list()[0].identity == id);
}

TEST_CASE("concurrent stores of the same identity leave one valid entry") {
  TempDir dir;
  Cache cache(dir.str());
  const std::uint64_t id = 0xb000000000000001ULL;
  const Artifact a = sample(3.0);
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int k = 0; k < 3; ++k) cache.store(id, a, info("node" + std::to_string(t)));
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(t)] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& e : errors) CHECK(e.empty());

  auto files = files_under(dir.path);
  CHECK(count_matching(files, ".tmp") == 0);
  CHECK(count_matching(files, "b000000000000001.h5") >= 1);
  CHECK(count_matching(files, ".h5") - count_matching(files, ".h5.") == 1);
  auto entries = cache.list();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].identity == id);
  CacheRead full = cache.load(id);
  REQUIRE(full.status == CacheRead::Status::Ok);
  CHECK(full.artifact == a);
  CacheRead summary = cache.load_summary(id);
  REQUIRE(summary.status == CacheRead::Status::Ok);
  CHECK(summary.artifact.scalar("mse") == 3.0);
  std::size_t checked = 0;
  CHECK(cache.verify(&checked).empty());
  CHECK(checked == 1);
}

TEST_CASE("stray files in the cache directory are ignored by list, verify and gc") {
  TempDir dir;
  Cache cache(dir.str());
  Artifact a;
  a.set_scalar("x", 1);
  cache.store(0xab00000000000001ULL, a, {});
  dir.write("ab/notes-for-me-123.h5", "not an entry");
  dir.write("ab/0123456789abcdeX.h5", "not an entry either");
  CHECK(cache.list().size() == 1);
  std::size_t checked = 0;
  CHECK(cache.verify(&checked).empty());
  CHECK(checked == 1);
  std::size_t removed = 0;
  cache.gc({0xab00000000000001ULL}, &removed);
  CHECK(removed == 0);
  CHECK(fs::exists(dir.file("ab/notes-for-me-123.h5")));
}
