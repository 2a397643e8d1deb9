// End-to-end MPI runs: `mpirun -n 2 reprise run` against one process. Skipped,
// with a message, where mpirun is not installed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
bool mpirun_available() { return std::system("command -v mpirun >/dev/null 2>&1") == 0; }

#ifdef REPRISE_HAVE_MPI
constexpr bool kBuiltWithMpi = true;
#else
constexpr bool kBuiltWithMpi = false;  // REPRISE_MPI=OFF or Boost.MPI not found
#endif
bool mpi_runs_possible() { return kBuiltWithMpi && mpirun_available(); }

// `mpirun -n RANKS reprise ARGS` in `dir`. CI runs as root, which Open MPI refuses
// unless told twice; --oversubscribe allows more ranks than cores.
CliResult run_mpi(const ScratchDir& dir, int ranks, const std::string& args) {
  return run_shell(dir, "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -n " +
                            std::to_string(ranks) + " --oversubscribe --allow-run-as-root '" + REPRISE_BIN + "' " + args);
}

// Nodes rank `rank` computed, from the "nodes computed per MPI rank: 0: a, 1: b" line.
int computed_on(const std::string& err, int rank) {
  std::smatch m;
  std::regex re("nodes computed per MPI rank:.*\\b" + std::to_string(rank) + ": (\\d+)");
  return std::regex_search(err, m, re) ? std::stoi(m[1]) : -1;
}

std::string sweep_spec(int points) {
  std::string energies;
  for (int i = 0; i < points; ++i) energies += (i ? ", " : "") + std::to_string(0.95 - 0.06 * i);
  return "name: mpi\nseed: 4\nsweep:\n  energy: [" + energies + R"(]
nodes:
  data:   {use: dataset/mvn, dim: 32, samples: 2000, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)";
}

// Two sweep points; at dim=5 the metric refuses to compare 4 with 5 variables.
const char* kFailSpec = R"(name: mpifail
sweep:
  dim: [4, 5]
nodes:
  a:   {use: dataset/mvn, dim: 4, samples: 50}
  b:   {use: dataset/mvn, dim: "${dim}", samples: 50}
  err: {use: metric/moments-error, truth: a, sample: b}
)";
}  // namespace

TEST_SUITE("mpi") {
TEST_CASE("a build without MPI, started under mpirun, says how to enable MPI" *
          doctest::skip(kBuiltWithMpi || !mpirun_available())) {
  ScratchDir dir;
  dir.write("s.yaml", sweep_spec(2));
  CliResult r = run_mpi(dir, 2, "run s.yaml -q");
  CHECK(r.code != 0);
  CHECK(r.err.find("built without MPI") != std::string::npos);
  CHECK(r.err.find("-DREPRISE_MPI=ON") != std::string::npos);
}

// Without mpirun (Debian: openmpi-bin) these are reported as skipped, not passed.
TEST_CASE("mpirun -n 2 computes on both ranks and writes the metrics.csv of a single process" *
          doctest::skip(!mpi_runs_possible())) {
  ScratchDir dir;
  dir.write("s.yaml", sweep_spec(12));
  CliResult single = run_reprise(dir, "run s.yaml -q --out single");
  REQUIRE_MESSAGE(single.code == 0, single.err);
  CliResult mpi = run_mpi(dir, 2, "run s.yaml --out mpi");
  REQUIRE_MESSAGE(mpi.code == 0, mpi.err);
  std::string run = dir.file(run_dir_of(mpi));
  CHECK(read_file(run + "/metrics.csv") == read_file(dir.file(run_dir_of(single)) + "/metrics.csv"));
  CHECK(count_occurrences(read_file(run + "/provenance.json"), "\"status\": \"ran\"") == 25);
  CHECK(computed_on(mpi.err, 0) + computed_on(mpi.err, 1) == 25);
  CHECK(computed_on(mpi.err, 1) > 0);
  CHECK(count_occurrences(mpi.out, "\n") == 1);  // only rank 0 prints the run directory
  // A rerun under MPI finds everything in the cache the workers wrote.
  CliResult again = run_mpi(dir, 2, "run s.yaml -q --out mpi");
  REQUIRE_MESSAGE(again.code == 0, again.err);
  CHECK(count_occurrences(read_file(dir.file(run_dir_of(again)) + "/provenance.json"), "\"status\": \"cached\"") == 25);
  CliResult verify = run_reprise(dir, "cache verify --out mpi");
  CHECK(verify.code == 0);
}

TEST_CASE("a component that throws on an MPI worker fails its node with its message" *
          doctest::skip(!mpi_runs_possible())) {
  ScratchDir dir;
  dir.write("f.yaml", kFailSpec);
  CliResult single = run_reprise(dir, "run f.yaml -q --out single");
  REQUIRE(single.code == 1);
  // -j 0: rank 0 only hands nodes out, so every node runs on rank 1.
  CliResult mpi = run_mpi(dir, 2, "run f.yaml -j 0 --out mpi");
  CHECK(mpi.code == 1);
  CHECK(computed_on(mpi.err, 0) == 0);
  CHECK(computed_on(mpi.err, 1) == 4);  // a (= b at dim 4), b at dim 5, err twice
  CHECK(mpi.err.find("error: node 'err' (metric/moments-error) at sweep point dim=5 failed: ") != std::string::npos);
  std::string run = dir.file(run_dir_of(mpi));
  CHECK(read_file(run + "/report.md").find("**failed**: node 'err'") != std::string::npos);
  CHECK(read_file(run + "/metrics.csv") == read_file(dir.file(run_dir_of(single)) + "/metrics.csv"));
  CHECK(count_occurrences(read_file(run + "/metrics.csv"), "\n") == 2);  // the good point only
}

TEST_CASE("without mpirun, -j 0 is refused") {
  ScratchDir dir;
  dir.write("f.yaml", kFailSpec);
  CliResult r = run_reprise(dir, "run f.yaml -j 0");
  CHECK(r.code == 2);
  CHECK(r.err.find("-j must be at least 1") != std::string::npos);
}
}
