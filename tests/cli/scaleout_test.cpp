// End-to-end scale-out without MPI: --shard i/N and `report --merge`, two runs
// sharing one cache at the same time, lock files left by killed runs, and
// `cache verify` quarantining bad entries.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <chrono>
#include <regex>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
const char* kSweepSpec = R"(name: shardy
seed: 5
sweep:
  energy: [0.95, 0.9, 0.8, 0.7, 0.5]
nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 300, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
figures:
  - {use: plot/line, x: energy, y: err.max_abs, file: err_vs_energy}
)";

std::string last_line(const std::string& s) { return run_dir_of(CliResult{0, s, ""}); }

// Runs three shards of kSweepSpec under OUT; returns their run directories.
std::vector<std::string> run_shards(const ScratchDir& dir, const std::string& out, const std::string& extra = "") {
  std::vector<std::string> dirs;
  for (int i = 0; i < 3; ++i) {
    CliResult r = run_reprise(dir, "run s.yaml -q --out " + out + " --shard " + std::to_string(i) + "/3 " + extra);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    dirs.push_back(run_dir_of(r));
  }
  return dirs;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

int count_in_provenance(const std::string& run_dir, const std::string& status) {
  return count_occurrences(read_file(run_dir + "/provenance.json"), "\"status\": \"" + status + "\"");
}

std::vector<fs::path> cache_entries(const std::string& cache) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(cache))
    if (e.path().extension() == ".h5" && e.path().parent_path().filename() != "quarantine") out.push_back(e.path());
  return out;
}
}  // namespace

TEST_CASE("--shard i/N runs a slice; report --merge rebuilds the unsharded metrics.csv and figures") {
  ScratchDir dir;
  dir.write("s.yaml", kSweepSpec);
  CliResult full = run_reprise(dir, "run s.yaml -q --out full");
  REQUIRE_MESSAGE(full.code == 0, full.err);
  std::string full_dir = dir.file(run_dir_of(full));
  std::string full_csv = read_file(full_dir + "/metrics.csv");
  REQUIRE(count_occurrences(full_csv, "\n") == 6);

  std::vector<std::string> shards = run_shards(dir, "sharded");
  // Blocks of 1, 2 and 2 of the 5 points.
  CHECK(count_occurrences(read_file(dir.file(shards[0]) + "/metrics.csv"), "\n") == 2);
  CHECK(count_occurrences(read_file(dir.file(shards[1]) + "/metrics.csv"), "\n") == 3);
  CHECK(read_file(dir.file(shards[2]) + "/shard.txt").find("rows 3 4\n") != std::string::npos);
  // Each shard computes only its own points' nodes (data + 1 or 2 packed/err pairs)...
  CHECK(count_in_provenance(dir.file(shards[0]), "ran") == 3);
  // ...and later shards reuse `data` from the shared cache.
  CHECK(count_in_provenance(dir.file(shards[1]), "cached") == 1);

  // Given in any order, and `latest` (a link to one of them) is not a second copy.
  CliResult merged = run_reprise(dir, "report --merge " + shards[2] + " " + shards[0] + " " + shards[1] + " sharded/shardy/latest --out merged");
  REQUIRE_MESSAGE(merged.code == 0, merged.err);
  CHECK(last_line(merged.out) == "merged");
  CHECK(read_file(dir.file("merged/metrics.csv")) == full_csv);
  CHECK(read_file(dir.file("merged/figures/err_vs_energy.dat")) == read_file(full_dir + "/figures/err_vs_energy.dat"));
  CHECK(fs::exists(dir.file("merged/figures/err_vs_energy.gp")));
  CHECK(read_file(dir.file("merged/provenance.json")).find("\"status\": \"complete\"") != std::string::npos);
  CHECK(count_occurrences(read_file(dir.file("merged/cache-refs.txt")), "\n") == 11);  // 1 data + 5 packed + 5 err

  // Without --out: a new run directory beside the shards.
  CliResult beside = run_reprise(dir, "report --merge " + join(shards));
  REQUIRE_MESSAGE(beside.code == 0, beside.err);
  std::string beside_dir = last_line(beside.out);
  CHECK(fs::path(beside_dir).parent_path() == fs::absolute(dir.file("sharded/shardy")));
  CHECK(read_file(beside_dir + "/metrics.csv") == full_csv);
}

TEST_CASE("bad --shard values are refused with exit 2 before anything runs") {
  ScratchDir dir;
  dir.write("s.yaml", kSweepSpec);
  for (const char* bad : {"0/0", "3/2", "2/2", "junk", "1/", "-1/3"}) {
    CAPTURE(bad);
    CliResult r = run_reprise(dir, std::string("run s.yaml --shard ") + bad);
    CHECK(r.code == 2);
    CHECK(r.err.find("bad --shard") != std::string::npos);
    CHECK(r.err.find("0 <= i < N") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir.file("results")));
}

TEST_CASE("report --merge refuses missing, duplicate and foreign shards with exit 2") {
  ScratchDir dir;
  dir.write("s.yaml", kSweepSpec);
  std::vector<std::string> shards = run_shards(dir, "a");
  CliResult missing = run_reprise(dir, "report --merge " + shards[0] + " " + shards[2]);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("missing shard run directories for shard 1/3") != std::string::npos);

  std::vector<std::string> other = run_shards(dir, "b", "sweep.energy=0.9,0.1");
  CliResult foreign = run_reprise(dir, "report --merge " + shards[0] + " " + shards[1] + " " + other[2]);
  CHECK(foreign.code == 2);
  CHECK(foreign.err.find("is not a shard of the same run") != std::string::npos);

  CliResult again = run_reprise(dir, "run s.yaml -q --out a --shard 0/3");
  REQUIRE(again.code == 0);
  CliResult twice = run_reprise(dir, "report --merge " + join(shards) + " " + run_dir_of(again));
  CHECK(twice.code == 2);
  CHECK(twice.err.find("shard 0/3 given twice") != std::string::npos);

  CliResult plain = run_reprise(dir, "run s.yaml -q --out c");
  REQUIRE(plain.code == 0);
  CliResult unsharded = run_reprise(dir, "report --merge " + run_dir_of(plain));
  CHECK(unsharded.code == 2);
  CHECK(unsharded.err.find("no shard.txt") != std::string::npos);

  CliResult none = run_reprise(dir, "report");
  CHECK(none.code == 2);
  CHECK(none.err.find("--merge") != std::string::npos);
}

TEST_CASE("two runs of one spec on one cache at the same time both succeed, computing each node once") {
  ScratchDir dir;
  std::string energies;
  for (int i = 0; i < 12; ++i) energies += (i ? ", " : "") + std::to_string(0.95 - 0.07 * i);
  dir.write("c.yaml", "name: conc\nseed: 2\nsweep:\n  energy: [" + energies + R"(]
nodes:
  data:   {use: dataset/mvn, dim: 48, samples: 3000, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)");
  std::string cmd = "cd '" + dir.path() + "' && { ('" + REPRISE_BIN + "' run c.yaml -j 2 >a.out 2>a.err; echo $? >a.rc) & ('" +
                    REPRISE_BIN + "' run c.yaml -j 2 >b.out 2>b.err; echo $? >b.rc) & wait; }";
  REQUIRE(std::system(cmd.c_str()) == 0);
  INFO(read_file(dir.file("a.err")), read_file(dir.file("b.err")));
  REQUIRE(read_file(dir.file("a.rc")) == "0\n");
  REQUIRE(read_file(dir.file("b.rc")) == "0\n");
  std::string a = dir.file(last_line(read_file(dir.file("a.out"))));
  std::string b = dir.file(last_line(read_file(dir.file("b.out"))));
  REQUIRE(a != b);
  CHECK(read_file(a + "/metrics.csv") == read_file(b + "/metrics.csv"));
  CHECK(count_occurrences(read_file(a + "/metrics.csv"), "\n") == 13);
  // 25 distinct nodes; each computed by exactly one of the two runs, the other
  // waited for its lock or found it cached.
  CHECK(count_in_provenance(a, "ran") + count_in_provenance(b, "ran") == 25);
  CHECK(count_in_provenance(a, "cached") + count_in_provenance(b, "cached") == 25);
  CliResult verify = run_reprise(dir, "cache verify");
  CHECK(verify.code == 0);
  CHECK(verify.out.find("25 entries checked, 0 corrupt") != std::string::npos);
  for (const auto& e : fs::recursive_directory_iterator(dir.file("results/.cache"))) {
    CHECK(e.path().extension() != ".lock");  // every lock released
    CHECK(e.path().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("lock files left by a killed run do not block the next run, and gc removes them") {
  ScratchDir dir;
  dir.write("s.yaml", kSweepSpec);
  CliResult plan = run_reprise(dir, "plan s.yaml");
  REQUIRE(plan.code == 0);
  // Leftover locks for every node, as a run killed with -9 leaves them.
  std::regex id_re("\\b([0-9a-f]{16})\\n");
  int locks = 0;
  for (std::sregex_iterator it(plan.out.begin(), plan.out.end(), id_re), end; it != end; ++it) {
    std::string id = (*it)[1];
    fs::create_directories(dir.file("results/.cache/" + id.substr(0, 2)));
    dir.write("results/.cache/" + id.substr(0, 2) + "/" + id + ".h5.lock", "deadhost 4242\n");
    ++locks;
  }
  REQUIRE(locks == 11);
  auto t0 = std::chrono::steady_clock::now();
  CliResult run = run_reprise(dir, "run s.yaml -q");
  REQUIRE_MESSAGE(run.code == 0, run.err);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
  CHECK(run.err.find("waiting") == std::string::npos);
  // A stray lock of a node no run holds is cleaned by gc.
  dir.write("results/.cache/00/00000000000000aa.h5.lock", "deadhost 4242\n");
  CliResult gc = run_reprise(dir, "cache gc");
  CHECK(gc.code == 0);
  CHECK_FALSE(fs::exists(dir.file("results/.cache/00/00000000000000aa.h5.lock")));
}

TEST_CASE("cache verify reports and quarantines corrupted and misplaced entries, exiting 1") {
  ScratchDir dir;
  dir.write("s.yaml", kSweepSpec);
  CliResult run = run_reprise(dir, "run s.yaml -q");
  REQUIRE(run.code == 0);
  auto entries = cache_entries(dir.file("results/.cache"));
  REQUIRE(entries.size() == 11);
  // Flip bytes in the middle of one entry (HDF5 still opens it)...
  fs::path bad = entries[3];
  {
    std::fstream f(bad, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(bad) / 2));
    f.write("\x13\x37\x13\x37", 4);
  }
  // ...and copy a good one into a directory where no lookup would find it.
  fs::path stray = fs::path(dir.file("results/.cache")) / (entries[0].parent_path().filename() == "00" ? "01" : "00") /
                   entries[0].filename();
  fs::create_directories(stray.parent_path());
  fs::copy_file(entries[0], stray);

  CliResult verify = run_reprise(dir, "cache verify");
  CHECK(verify.code == 1);
  auto relative = [&](const fs::path& p) { return fs::relative(p, dir.path()).string(); };
  CHECK(verify.err.find("corrupt: " + relative(bad) + ": file digest mismatch") != std::string::npos);
  CHECK(verify.err.find(relative(stray) + ": stored under the wrong directory") != std::string::npos);
  CHECK(verify.out.find("12 entries checked, 2 corrupt") != std::string::npos);
  CHECK_FALSE(fs::exists(bad));
  CHECK_FALSE(fs::exists(stray));
  CHECK(fs::exists(entries[0]));
  int quarantined = 0;
  for (const auto& q : fs::directory_iterator(dir.file("results/.cache/quarantine"))) quarantined += q.is_regular_file();
  CHECK(quarantined == 2);

  CliResult again = run_reprise(dir, "cache verify");
  CHECK(again.code == 0);
  CHECK(again.out.find("10 entries checked, 0 corrupt") != std::string::npos);
  // The next run recomputes only the quarantined node.
  CliResult rerun = run_reprise(dir, "run s.yaml -q");
  REQUIRE(rerun.code == 0);
  CHECK(count_in_provenance(dir.file(run_dir_of(rerun)), "ran") == 1);
}
