// Crashes and resource exhaustion: SIGKILL mid-run, SIGTERM, a file-size limit.
// (tools/faults/kill_trials, run by ctest as `kill_trials`, adds randomised
// kill/rerun trials with byte-for-byte metrics comparisons.)
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {

// Starts `bin run SPEC` in `dir` in the background; stderr goes to dir/run.err.
pid_t start_run(const ScratchDir& dir, const std::string& bin, const std::string& spec) {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.path().c_str()) != 0) _exit(127);
    if (!freopen("/dev/null", "w", stdout) || !freopen(dir.file("run.err").c_str(), "w", stderr)) _exit(127);
    execl(bin.c_str(), "reprise", "run", spec.c_str(), "-j2", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

std::vector<std::string> files_named(const std::string& root, const std::string& part) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(root, ec))
    if (e.path().filename().string().find(part) != std::string::npos) out.push_back(e.path().string());
  return out;
}
}  // namespace

TEST_CASE("SIGKILL mid-run: finished nodes stay cached, the run dir says it never finished, a rerun completes") {
  ScratchDir dir;
  dir.write("k.yaml", R"(name: k
nodes:
  quick: {use: test/step, value: 2}
  slow:  {use: test/step, in: quick, sleep: 60}
)");
  pid_t pid = start_run(dir, REPRISE_FAULTS_BIN, "k.yaml");
  REQUIRE(pid > 0);
  for (int i = 0; i < 500 && count_occurrences(read_file(dir.file("run.err")), "ran    quick") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(dir.file("results/k"))) runs.push_back(e.path());
  REQUIRE(runs.size() == 1);  // no `latest` link: the run never ended
  CHECK(read_file(runs[0].string() + "/provenance.json").find("\"status\": \"running\"") != std::string::npos);
  CHECK(fs::exists(runs[0] / "spec.resolved.yaml"));
  CHECK(files_named(dir.path(), ".tmp").empty());

  CliResult plan = run_faults(dir, "plan k.yaml");
  CHECK(plan.out.find("1 cached, 1 to run") != std::string::npos);
}

TEST_CASE("SIGTERM stops like Ctrl-C: exit 130, partial results, a rerun gives the uninterrupted metrics") {
  ScratchDir dir;
  dir.write("t.yaml", R"(name: t
sweep:
  v: [1, 2, 3, 4]
nodes:
  a: {use: test/step, value: "${v}", sleep: 0.3}
)");
  pid_t pid = start_run(dir, REPRISE_FAULTS_BIN, "t.yaml");
  for (int i = 0; i < 500 && count_occurrences(read_file(dir.file("run.err")), "] ran") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(read_file(dir.file("results/t/latest/provenance.json")).find("\"status\": \"incomplete\"") != std::string::npos);
  CliResult resumed = run_faults(dir, "run t.yaml -j2");
  REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
  ScratchDir clean;
  clean.write("t.yaml", read_file(dir.file("t.yaml")));
  CliResult fresh = run_faults(clean, "run t.yaml");
  REQUIRE(fresh.code == 0);
  CHECK(read_file(dir.file(run_dir_of(resumed)) + "/metrics.csv") == read_file(clean.file(run_dir_of(fresh)) + "/metrics.csv"));
}

TEST_CASE("a file-size limit (disk full) fails with the file named, exit 1, and no half cache entry") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  // 8 KiB per file: the run directory's small files fit, the 32 KB dataset entry does not.
  std::string cmd = "cd '" + dir.path() + "' && ulimit -f 8 && '" + REPRISE_BIN + "' run tiny.yaml >out.txt 2>err.txt";
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));  // not killed by SIGXFSZ
  CHECK(WEXITSTATUS(status) == 1);
  std::string err = read_file(dir.file("err.txt"));
  CHECK(err.find("node 'data' (dataset/mvn) failed: cannot write cache entry '") != std::string::npos);
  CHECK(err.find(".tmp.") != std::string::npos);  // the temp file it was writing, then removed
  CHECK(err.find(": File too large") != std::string::npos);
  CHECK(files_named(dir.file("results"), ".tmp").empty());
  CHECK(files_named(dir.file("results/.cache"), ".h5").empty());
  // With room again, the same command completes.
  CliResult r = run_reprise(dir, "run tiny.yaml");
  CHECK(r.code == 0);
}

TEST_CASE("a truncated HDF5 input fails its node with one clear message and no HDF5 library noise") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult first = run_reprise(dir, "run tiny.yaml -q");
  REQUIRE(first.code == 0);
  // The largest cache entry (the dataset), cut after 3000 bytes: HDF5 recognises
  // its superblock, then cannot open it (the path that left HDF5 noise at exit).
  CliResult cut = run_shell(dir, "{ f=$(ls -S results/.cache/*/*.h5 | head -n 1); head -c 3000 \"$f\" > trunc.h5; }");
  REQUIRE(cut.code == 0);
  dir.write("h.yaml", "name: h\nnodes:\n  data: {use: dataset/hdf5-array, path: trunc.h5, dataset: artifact/samples}\n");
  CliResult r = run_reprise(dir, "run h.yaml -q");
  CHECK(r.code == 1);
  CHECK_MESSAGE(r.err.find("cannot open '") != std::string::npos, r.err);
  CHECK(r.err.find("trunc.h5' as HDF5 (truncated or corrupt?)") != std::string::npos);
  CHECK(r.err.find("HDF5:") == std::string::npos);  // e.g. "HDF5: infinite loop closing library"
  CHECK(r.err.find("infinite loop") == std::string::npos);
}
