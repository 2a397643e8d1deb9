// End-to-end runs: sweep expansion, dedupe, caching, --force, corruption, interrupts.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {

int metric_rows(const std::string& csv) { return count_occurrences(csv, "\n") - 1; }

// Instances of spec node `name` with `status` in a provenance.json.
int nodes_with(const std::string& provenance, const std::string& name, const std::string& status) {
  int n = 0;
  const nlohmann::json parsed = nlohmann::json::parse(provenance);  // outlives the loop (C++20 range-for)
  for (const auto& node : parsed.at("nodes"))
    n += node.at("name") == name && node.at("status") == status;
  return n;
}
}  // namespace

TEST_CASE("a sweep runs every point, shares upstream nodes, and a rerun hits the cache byte for byte") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult first = run_reprise(dir, "run tiny.yaml");
  REQUIRE_MESSAGE(first.code == 0, first.err);
  std::string run1 = dir.file(run_dir_of(first));
  CHECK(run_dir_of(first).rfind("results/tiny/", 0) == 0);
  std::string csv1 = read_file(run1 + "/metrics.csv");
  CHECK(metric_rows(csv1) == 2);
  CHECK(csv1.rfind("energy,data.", 0) == 0);
  CHECK(csv1.find("err.max_abs") != std::string::npos);
  std::string prov1 = read_file(run1 + "/provenance.json");
  CHECK(nodes_with(prov1, "data", "ran") == 1);  // upstream of the sweep: once
  CHECK(nodes_with(prov1, "packed", "ran") == 2);
  CHECK(nodes_with(prov1, "err", "ran") == 2);
  CHECK(fs::exists(run1 + "/spec.resolved.yaml"));
  CHECK(fs::exists(run1 + "/report.md"));

  CliResult second = run_reprise(dir, "run tiny.yaml");
  REQUIRE(second.code == 0);
  std::string run2 = dir.file(run_dir_of(second));
  CHECK(run2 != run1);
  std::string prov2 = read_file(run2 + "/provenance.json");
  CHECK(count_occurrences(prov2, "\"status\": \"ran\"") == 0);
  CHECK(count_occurrences(prov2, "\"status\": \"cached\"") == 5);
  CHECK(read_file(run2 + "/metrics.csv") == csv1);
  CHECK(read_file(run1 + "/metrics.csv") == csv1);  // the earlier run is untouched
}

TEST_CASE("sweep expansion: product axes multiply, zip axes go in lock step") {
  ScratchDir dir;
  dir.write("grid.yaml", R"(name: grid
sweep:
  energy: [0.9, 0.7, 0.5]
  zip:
    dim: [4, 8]
    condition: [2, 20]
nodes:
  data:   {use: dataset/mvn, dim: "${dim}", samples: 100, condition: "${condition}"}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)");
  CliResult r = run_reprise(dir, "run grid.yaml -j2");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string run = dir.file(run_dir_of(r));
  std::string csv = read_file(run + "/metrics.csv");
  CHECK(metric_rows(csv) == 6);
  CHECK(csv.rfind("energy,dim,condition,", 0) == 0);
  CHECK(csv.find("\n0.9,4,2,") != std::string::npos);
  CHECK(csv.find("\n0.5,8,20,") != std::string::npos);
  CHECK(csv.find(",4,20,") == std::string::npos);  // zip: never mixed
  std::string prov = read_file(run + "/provenance.json");
  CHECK(nodes_with(prov, "data", "ran") == 2);  // one per zip value
  CHECK(nodes_with(prov, "packed", "ran") == 6);

  CliResult plan = run_reprise(dir, "plan grid.yaml");
  CHECK(plan.code == 0);
  CHECK(plan.out.find("6 sweep points, 14 distinct nodes: 14 cached, 0 to run") != std::string::npos);
}

TEST_CASE("--force recomputes the named node and everything downstream, nothing upstream") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  REQUIRE(run_reprise(dir, "run tiny.yaml").code == 0);
  CliResult r = run_reprise(dir, "run tiny.yaml --force packed");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string prov = read_file(dir.file(run_dir_of(r)) + "/provenance.json");
  CHECK(nodes_with(prov, "data", "cached") == 1);
  CHECK(nodes_with(prov, "packed", "ran") == 2);
  CHECK(nodes_with(prov, "err", "ran") == 2);

  CliResult dry = run_reprise(dir, "run tiny.yaml --force data --dry-run");
  CHECK(dry.code == 0);
  CHECK(dry.out.find("0 cached, 5 to run") != std::string::npos);

  CliResult typo = run_reprise(dir, "run tiny.yaml --force pakced");
  CHECK(typo.code == 2);
  CHECK(typo.err.find("did you mean 'packed'") != std::string::npos);
}

TEST_CASE("a corrupted cache entry is detected, quarantined and recomputed") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult first = run_reprise(dir, "run tiny.yaml");
  REQUIRE(first.code == 0);
  std::string csv = read_file(dir.file(run_dir_of(first)) + "/metrics.csv");
  // Corrupt every entry: garbage over the middle of each file.
  int corrupted = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.file("results/.cache"))) {
    if (e.path().extension() != ".h5") continue;
    auto size = fs::file_size(e.path());
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    std::string junk(64, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    ++corrupted;
  }
  CHECK(corrupted == 5);
  CliResult second = run_reprise(dir, "run tiny.yaml");
  REQUIRE_MESSAGE(second.code == 0, second.err);
  CHECK(second.err.find("corrupt") != std::string::npos);
  CHECK(fs::exists(dir.file("results/.cache/quarantine")));
  CHECK(read_file(dir.file(run_dir_of(second)) + "/metrics.csv") == csv);
  CliResult verify = run_reprise(dir, "cache verify");
  CHECK(verify.code == 0);
  CHECK(verify.out.find("5 entries checked, 0 corrupt") != std::string::npos);
}

TEST_CASE("Ctrl-C stops the run, marks it incomplete, and the next run resumes from the cache") {
  ScratchDir dir;
  std::string energies;
  for (int i = 0; i < 300; ++i) energies += (i ? ", " : "") + std::to_string(0.2 + 0.0025 * i);
  dir.write("long.yaml", "name: long\nsweep:\n  energy: [" + energies + R"(]
nodes:
  data:   {use: dataset/mvn, dim: 64, samples: 4000, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)");
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    REQUIRE(chdir(dir.path().c_str()) == 0);
    freopen("/dev/null", "w", stdout);
    freopen(dir.file("interrupted.err").c_str(), "w", stderr);
    execl(REPRISE_BIN, "reprise", "run", "long.yaml", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until some nodes have finished, then interrupt.
  for (int i = 0; i < 300 && count_occurrences(read_file(dir.file("interrupted.err")), "] ran") < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  std::string latest = dir.file("results/long/latest");
  std::string prov = read_file(latest + "/provenance.json");
  CHECK(prov.find("\"status\": \"incomplete\"") != std::string::npos);
  int done_before = count_occurrences(prov, "\"status\": \"ran\"");
  CHECK(done_before > 0);
  CHECK(done_before < 601);
  // No temp or half entries left behind.
  for (const auto& e : fs::recursive_directory_iterator(dir.file("results/.cache")))
    CHECK(e.path().string().find(".tmp.") == std::string::npos);

  CliResult resumed = run_reprise(dir, "run long.yaml -j2");
  REQUIRE_MESSAGE(resumed.code == 0, resumed.err);
  std::string prov2 = read_file(dir.file(run_dir_of(resumed)) + "/provenance.json");
  CHECK(count_occurrences(prov2, "\"status\": \"cached\"") >= done_before);
  CHECK(count_occurrences(prov2, "\"status\": \"ran\"") == 601 - count_occurrences(prov2, "\"status\": \"cached\""));
  CHECK(metric_rows(read_file(dir.file(run_dir_of(resumed)) + "/metrics.csv")) == 300);
}

TEST_CASE("figures are drawn with gnuplot, and their script and data stay beside them") {
  ScratchDir dir;
  dir.write("fig.yaml", std::string(kTinySpec) + R"(figures:
  - {use: plot/line, x: energy, y: err.max_abs, logy: true, file: err_vs_energy}
)");
  CliResult r = run_reprise(dir, "run fig.yaml");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string figs = dir.file(run_dir_of(r)) + "/figures/";
  CHECK(fs::exists(figs + "err_vs_energy.gp"));
  CHECK(fs::exists(figs + "err_vs_energy.dat"));
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
    CHECK(read_file(figs + "err_vs_energy.svg").find("<svg") != std::string::npos);
    CHECK(read_file(figs + "err_vs_energy.png").substr(1, 3) == "PNG");
  }
}

TEST_CASE("without gnuplot the script and data are kept and the run warns") {
  ScratchDir dir;
  dir.write("fig.yaml", std::string(kTinySpec) + R"(figures:
  - {use: plot/line, x: energy, y: err.max_abs, file: err_vs_energy}
)");
  CliResult r = run_reprise(dir, "run fig.yaml");  // warm the cache with gnuplot present
  REQUIRE(r.code == 0);
  std::string cmd = "cd '" + dir.path() + "' && env PATH=/nonexistent '" + REPRISE_BIN + "' run fig.yaml >out.txt 2>err.txt";
  CHECK(std::system(cmd.c_str()) == 0);
  std::string err = read_file(dir.file("err.txt"));
  CHECK(err.find("warning: gnuplot not found: kept figures/err_vs_energy.gp and .dat") != std::string::npos);
  std::string run = dir.file(run_dir_of(CliResult{0, read_file(dir.file("out.txt")), err}));
  CHECK(fs::exists(run + "/figures/err_vs_energy.gp"));
  CHECK(fs::exists(run + "/figures/err_vs_energy.dat"));
  CHECK_FALSE(fs::exists(run + "/figures/err_vs_energy.svg"));
}

TEST_CASE("provenance.json is valid UTF-8 JSON whatever the paths hold, and records the commit the binary was built from") {
  ScratchDir dir;
  const std::string odd = "caf\xe9-\xff";  // Latin-1 bytes: not UTF-8
  dir.write(odd + "/tiny.yaml", kTinySpec);
  // No git on PATH: the commit must come from the build, not from asking git now.
  CliResult r = run_shell(dir, "env PATH=/nonexistent '" + std::string(REPRISE_BIN) + "' run '" + odd + "/tiny.yaml' -q");
  REQUIRE(r.code == 0);
  nlohmann::json prov = nlohmann::json::parse(read_file(dir.file(run_dir_of(r)) + "/provenance.json"));  // throws on bad UTF-8
  CHECK(prov.at("spec").at("file").get<std::string>().find("caf\xef\xbf\xbd-\xef\xbf\xbd") != std::string::npos);  // U+FFFD
  const std::string commit = prov.at("reprise").at("git_commit");
  CliResult head = run_shell(dir, "git -C '" + std::string(REPRISE_SOURCE) + "' rev-parse HEAD 2>/dev/null");
  if (head.code == 0) {
    CHECK(commit + "\n" == head.out);
    CHECK(prov.at("reprise").at("git_dirty").is_boolean());
  } else {
    CHECK(commit == "unknown");
  }
  CHECK(prov.at("host").at("cpus").get<int>() >= 1);
}
