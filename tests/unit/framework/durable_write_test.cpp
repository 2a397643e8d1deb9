// Durable writes under injected faults: at every step, a failure leaves the old
// content (or nothing) under the final name and no temporary file behind.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "framework/core/artifact.hpp"
#include "framework/store/cache.hpp"
#include "framework/store/durable_write.hpp"

using namespace reprise;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "reprise-durable-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Fails `step` with `err` for every write while alive.
struct Fault {
  Fault(WriteStep step, int err) {
    set_write_fault_hook([step, err](WriteStep s, const std::string&) { return s == step ? err : 0; });
  }
  ~Fault() { set_write_fault_hook(nullptr); }
};

const WriteStep kBeforeRename[] = {WriteStep::Create, WriteStep::Write, WriteStep::FsyncFile, WriteStep::Rename};

}  // namespace

TEST_CASE("a failure at any step before the rename keeps the old file and leaves no temporary file") {
  for (WriteStep step : kBeforeRename)
    for (int err : {ENOSPC, EIO}) {
      CAPTURE(write_step_name(step));
      CAPTURE(err);
      TempDir dir;
      const fs::path file = dir.path / "metrics.csv";
      write_file_atomic(file.string(), "old\n");
      {
        Fault fault(step, err);
        try {
          write_file_atomic(file.string(), "new content\n");
          FAIL("no error");
        } catch (const std::runtime_error& e) {
          const std::string what = e.what();
          CHECK(what.find("cannot write '" + file.string() + "'") != std::string::npos);
          CHECK(what.find(std::string(write_step_name(step)) + " failed: " + std::strerror(err)) != std::string::npos);
        }
      }
      CHECK(slurp(file) == "old\n");
      CHECK(names_in(dir.path) == std::vector<std::string>{"metrics.csv"});
    }
}

TEST_CASE("a failure before the rename of a new file leaves nothing under its name") {
  for (WriteStep step : kBeforeRename) {
    CAPTURE(write_step_name(step));
    TempDir dir;
    Fault fault(step, ENOSPC);
    CHECK_THROWS_AS(write_file_atomic((dir.path / "new.txt").string(), "x"), std::runtime_error);
    CHECK(names_in(dir.path).empty());
  }
}

TEST_CASE("a failed directory fsync is reported, after the complete file is in place") {
  TempDir dir;
  const fs::path file = dir.path / "provenance.json";
  Fault fault(WriteStep::FsyncDir, EIO);
  CHECK_THROWS_WITH_AS(write_file_atomic(file.string(), "{}\n"),
                       doctest::Contains("fsync directory failed"), std::runtime_error);
  CHECK(slurp(file) == "{}\n");
  CHECK(names_in(dir.path) == std::vector<std::string>{"provenance.json"});
}

TEST_CASE("a writer function that throws counts as a failed write: no partial file, the name in the error") {
  TempDir dir;
  const fs::path file = dir.path / "entry.h5";
  std::string error;
  try {
    write_file_durably(file.string(), [](const std::string& temp) {
      std::ofstream(temp) << "half";
      throw std::runtime_error("HDF5 write failed");
    }, "cache entry");
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  CHECK(error == "cannot write cache entry '" + file.string() + "': write failed: HDF5 write failed");
  CHECK(names_in(dir.path).empty());
}

TEST_CASE("concurrent writers of one file never share a temporary file: the result is always one whole version") {
  TempDir dir;
  const fs::path file = dir.path / "shared.txt";
  auto writer = [&](char c) {
    for (int i = 0; i < 200; ++i) write_file_atomic(file.string(), std::string(4096, c));
  };
  std::thread a(writer, 'a'), b(writer, 'b');
  a.join();
  b.join();
  const std::string final_text = slurp(file);
  CHECK((final_text == std::string(4096, 'a') || final_text == std::string(4096, 'b')));
  CHECK(names_in(dir.path) == std::vector<std::string>{"shared.txt"});
}

TEST_CASE("a cache entry whose write fails at any step is not in the cache, and the error names it") {
  for (WriteStep step : kBeforeRename) {
    CAPTURE(write_step_name(step));
    TempDir dir;
    Cache cache((dir.path / "cache").string());
    Artifact a;
    a.set_array("x", Array::from<double>({3}, {1, 2, 3}));
    {
      Fault fault(step, ENOSPC);
      CHECK_THROWS_WITH_AS(cache.store(42, a, {"n", "test/x", "1", 0}), doctest::Contains("cannot write cache entry '"),
                           std::runtime_error);
    }
    CHECK_FALSE(cache.contains(42));
    for (const auto& name : names_in(dir.path / "cache")) CHECK(name.find(".tmp") == std::string::npos);
    cache.store(42, a, {"n", "test/x", "1", 0});  // with the fault gone, the same store works
    CHECK(cache.load(42).status == CacheRead::Status::Ok);
  }
}
