// Failing nodes end to end (through reprise_faults and its test/step component):
// fail-fast vs --keep-going, non-finite scalars, `timeout:` for polling and
// non-polling components.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
// Three independent chains a[v] -> b[v]; a fails at v=2.
const char* kChains = R"(name: chains
sweep:
  zip:
    v: [1, 2, 3]
    f: [false, true, false]
nodes:
  a: {use: test/step, value: "${v}", fail: "${f}"}
  b: {use: test/step, in: a, value: 10}
)";

int rows(const std::string& csv) { return count_occurrences(csv, "\n") - 1; }

double seconds_of(const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST_CASE("without --keep-going the run starts no node after the first failure") {
  ScratchDir dir;
  dir.write("chains.yaml", kChains);
  CliResult r = run_faults(dir, "run chains.yaml -j1");
  CHECK(r.code == 1);
  CHECK(r.err.find("error: node 'a' (test/step) at sweep point v=2 f=true failed: injected failure (value 2)") !=
        std::string::npos);
  CHECK(r.err.find("no new nodes started after the first failure") != std::string::npos);
  std::string run = dir.file(run_dir_of(r));
  std::string prov = read_file(run + "/provenance.json");
  // -j1 runs a[1], then a[2] fails: a[3], b[1], b[3] never start, b[2] is skipped.
  CHECK(count_occurrences(prov, "\"status\": \"ran\"") == 1);
  CHECK(count_occurrences(prov, "\"status\": \"failed\"") == 2);  // the node and the run
  CHECK(count_occurrences(prov, "\"status\": \"skipped\"") == 1);
  CHECK(count_occurrences(prov, "\"status\": \"not run\"") == 3);
  CHECK(rows(read_file(run + "/metrics.csv")) == 0);
}

TEST_CASE("--keep-going runs every independent node and still exits 1 with a summary") {
  ScratchDir dir;
  dir.write("chains.yaml", kChains);
  CliResult r = run_faults(dir, "run chains.yaml -j2 --keep-going");
  CHECK(r.code == 1);
  CHECK(r.err.find("FAILED: 1 node failed, 1 skipped downstream; every other node ran") != std::string::npos);
  CHECK(r.err.find("at sweep point v=2 f=true failed: injected failure") != std::string::npos);
  std::string run = dir.file(run_dir_of(r));
  std::string csv = read_file(run + "/metrics.csv");
  CHECK(rows(csv) == 2);
  CHECK(csv.find("\n1,false,1,11\n") != std::string::npos);
  CHECK(csv.find("\n3,false,3,13\n") != std::string::npos);
  // The failure was not cached: a rerun hits the cache for the rest and fails again.
  CliResult again = run_faults(dir, "run chains.yaml -k");
  CHECK(again.code == 1);
  CHECK(count_occurrences(read_file(dir.file(run_dir_of(again)) + "/provenance.json"), "\"status\": \"cached\"") == 4);
}

TEST_CASE("a NaN or inf scalar fails the node, names it, and is never cached") {
  ScratchDir dir;
  dir.write("nan.yaml", R"(sweep:
  e: [finite, nan, inf]
nodes:
  a: {use: test/step, value: 2, emit: "${e}"}
)");
  CliResult r = run_faults(dir, "run nan.yaml -k");
  CHECK(r.code == 1);
  CHECK(r.err.find("node 'a' (test/step) at sweep point e=nan failed: returned a non-finite value for scalar output "
                   "'value' (nan)") != std::string::npos);
  CHECK(r.err.find("at sweep point e=inf failed: returned a non-finite value for scalar output 'value' (inf)") !=
        std::string::npos);
  CliResult plan = run_faults(dir, "plan nan.yaml");
  CHECK(plan.out.find("1 cached, 2 to run") != std::string::npos);
}

TEST_CASE("timeout: a polling component stops at the deadline and fails its node") {
  ScratchDir dir;
  dir.write("slow.yaml", R"(nodes:
  quick: {use: test/step, value: 1}
  slow:  {use: test/step, sleep: 60, timeout: 0.3}
)");
  CliResult r;
  double secs = seconds_of([&] { r = run_faults(dir, "run slow.yaml -j2 -k"); });
  CHECK(r.code == 1);
  CHECK(r.err.find("node 'slow' (test/step) failed: exceeded its timeout of 0.3 s (stopped at the deadline)") !=
        std::string::npos);
  CHECK(secs < 10);
  CHECK(read_file(dir.file(run_dir_of(r)) + "/provenance.json").find("\"name\": \"quick\"") != std::string::npos);
}

TEST_CASE("timeout: a component that never polls is abandoned and the run still ends") {
  ScratchDir dir;
  dir.write("stuck.yaml", R"(sweep:
  v: [1, 2]
nodes:
  stuck: {use: test/step, sleep: 120, poll: false, timeout: 0.3}
  fine:  {use: test/step, value: "${v}"}
)");
  CliResult r;
  double secs = seconds_of([&] { r = run_faults(dir, "run stuck.yaml -j2 --keep-going"); });
  CHECK(r.code == 1);
  CHECK(r.err.find("node 'stuck' (test/step) failed: exceeded its timeout of 0.3 s and did not stop within 1 s after "
                   "it (it does not poll ctx.cancelled())") != std::string::npos);
  CHECK(secs < 20);  // not the component's 120 s
  std::string prov = read_file(dir.file(run_dir_of(r)) + "/provenance.json");
  CHECK(count_occurrences(prov, "\"status\": \"ran\"") == 2);  // both `fine` instances
}

TEST_CASE("timeout: is checked at plan time and does not enter the node identity") {
  ScratchDir dir;
  dir.write("t.yaml", "nodes:\n  a: {use: test/step, timeout: 30}\n");
  REQUIRE(run_faults(dir, "run t.yaml").code == 0);
  dir.write("t.yaml", "nodes:\n  a: {use: test/step}\n");
  CHECK(run_faults(dir, "plan t.yaml").out.find("1 cached, 0 to run") != std::string::npos);
  dir.write("bad.yaml", "nodes:\n  a: {use: test/step, timeout: -1}\n");
  CliResult bad = run_faults(dir, "plan bad.yaml");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("bad.yaml:2:32: error: timeout: expected a positive number of seconds, got '-1'") != std::string::npos);
  dir.write("typo.yaml", "nodes:\n  a: {use: test/step, timout: 3}\n");
  CHECK(run_faults(dir, "plan typo.yaml").err.find("did you mean 'timeout'?") != std::string::npos);
}
