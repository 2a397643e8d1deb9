// exec/command end to end: a program as a node (success, failure, missing and
// unreadable output, timeout, cache hits and reruns on a script edit, sandbox).
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;

namespace {

// Debian's interpreter first: python3-h5py and python3-numpy are installed for it.
std::string python_with_h5py() {
  for (const char* python : {"/usr/bin/python3", "python3"})
    if (std::system((std::string(python) + " -c 'import h5py, numpy' >/dev/null 2>&1").c_str()) == 0) return python;
  return "";
}

// A spec whose node `cmd` runs `sh SCRIPT` on input `data`, swept over level.
std::string command_spec(const std::string& script, const std::string& extra = "") {
  return "name: cmd\nseed: 2\nsweep:\n  level: [1, 2]\nnodes:\n"
         "  data: {use: dataset/mvn, dim: 4, samples: 50}\n"
         "  cmd:  {use: exec/command, command: \"sh " + script + "\", script: " + script +
         ", env: \"LEVEL=${level}\", data: data" + extra + "}\n";
}

const char* const kDoubling =
    "test -f \"$REPRISE_INPUT_DATA\" || exit 9\n"
    "echo \"{\\\"double\\\": $((LEVEL * 2)), \\\"inputs\\\": \\\"$REPRISE_INPUTS\\\"}\" > \"$REPRISE_OUTPUT_JSON\"\n";

// Running: exists and is not a zombie (a killed orphan stays a zombie where PID 1
// does not reap, e.g. in a container).
bool running(int pid) {
  if (::kill(pid, 0) != 0) return false;
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

// Runs the command spec of `script` (written with `text`) in `dir`.
CliResult run_script(const ScratchDir& dir, const std::string& script, const std::string& text) {
  dir.write(script, text);
  dir.write(script + ".yaml", command_spec(script));
  return run_reprise(dir, "run " + script + ".yaml -q");
}

int count_status(const ScratchDir& dir, const CliResult& r, const std::string& status) {
  return count_occurrences(read_file(dir.file(run_dir_of(r)) + "/provenance.json"), "\"status\": \"" + status + "\"");
}

}  // namespace

TEST_CASE("a command node's scalars become metrics; a rerun hits the cache; editing its script reruns only its nodes") {
  ScratchDir dir;
  dir.write("double.sh", kDoubling);
  dir.write("s.yaml", command_spec("double.sh"));
  CliResult first = run_reprise(dir, "run s.yaml -q");
  REQUIRE_MESSAGE(first.code == 0, first.err);
  std::string csv = read_file(dir.file(run_dir_of(first)) + "/metrics.csv");
  CHECK(csv.find("cmd.double") != std::string::npos);
  CHECK(csv.find(",2\n") != std::string::npos);  // level 1
  CHECK(csv.find(",4\n") != std::string::npos);  // level 2

  CliResult again = run_reprise(dir, "run s.yaml -q");
  REQUIRE(again.code == 0);
  CHECK(count_status(dir, again, "ran") == 0);
  CHECK(read_file(dir.file(run_dir_of(again)) + "/metrics.csv") == csv);

  dir.write("double.sh", std::string(kDoubling) + "# edited\n");
  CliResult edited = run_reprise(dir, "run s.yaml -q");
  REQUIRE(edited.code == 0);
  CHECK(count_status(dir, edited, "ran") == 2);     // both cmd instances
  CHECK(count_status(dir, edited, "cached") == 1);  // data
}

TEST_CASE("a command node's arrays feed built-in nodes (Python, h5py)" * doctest::skip(python_with_h5py().empty())) {
  ScratchDir dir;
  dir.write("passthrough.py", "import os, h5py\n"
                       "with h5py.File(os.environ['REPRISE_INPUT_DATA']) as f: x = f['artifact/samples'][()]\n"
                       "with h5py.File(os.environ['REPRISE_OUTPUT'], 'w') as f:\n"
                       "    g = f.create_group('artifact'); g['samples'] = x; g.attrs['rows'] = x.shape[0]\n"
                       "    g.attrs['note'] = 'copied'\n");
  dir.write("s.yaml", "name: py\nnodes:\n"
                      "  data: {use: dataset/mvn, dim: 6, samples: 300}\n"
                      "  copy: {use: exec/command, command: " + python_with_h5py() + " passthrough.py, script: passthrough.py, data: data}\n"
                      "  err:  {use: metric/moments-error, truth: data, sample: copy}\n");
  CliResult r = run_reprise(dir, "run s.yaml -q");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::string csv = read_file(dir.file(run_dir_of(r)) + "/metrics.csv");
  CHECK(csv.find("copy.rows") != std::string::npos);
  CHECK(csv.find(",300,") != std::string::npos);
  CHECK(csv.find("err.max_abs") != std::string::npos);
  // An exact copy: every moment error is 0.
  CHECK(csv.substr(csv.find('\n') + 1).find(",0,0,0,0,0,0") != std::string::npos);
}

TEST_CASE("a failing program fails its node with the node named and the end of its stderr") {
  ScratchDir dir;
  CliResult r = run_script(dir, "fail.sh", "echo 'first line' >&2\necho 'calibration file missing: /x/y' >&2\nexit 3\n");
  CHECK(r.code == 1);
  CHECK(r.err.find("node 'cmd'") != std::string::npos);
  CHECK(r.err.find("exited with status 3") != std::string::npos);
  CHECK(r.err.find("calibration file missing: /x/y") != std::string::npos);
}

TEST_CASE("a program that writes no output, or an unreadable one, fails its node saying which") {
  ScratchDir dir;
  CliResult none = run_script(dir, "silent.sh", "true\n");
  CHECK(none.code == 1);
  CHECK(none.err.find("wrote neither $REPRISE_OUTPUT") != std::string::npos);

  CliResult garbage = run_script(dir, "garbage.sh", "echo 'not hdf5' > \"$REPRISE_OUTPUT\"\n");
  CHECK(garbage.code == 1);
  CHECK(garbage.err.find("not a readable reprise artifact") != std::string::npos);

  CliResult json = run_script(dir, "badjson.sh", "echo '{\"x\": [1, 2]}' > \"$REPRISE_OUTPUT_JSON\"\n");
  CHECK(json.code == 1);
  CHECK(json.err.find("'x' is array") != std::string::npos);
}

TEST_CASE("timeout: kills the program's whole process group") {
  ScratchDir dir;
  const std::string pidfile = dir.file("child.pid");
  dir.write("hang.sh", "sleep 60 &\necho $! > '" + pidfile + "'\nwait\n");
  dir.write("s.yaml", command_spec("hang.sh", ", timeout: 1"));
  auto t0 = std::chrono::steady_clock::now();
  CliResult r = run_reprise(dir, "run s.yaml -q");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(r.code == 1);
  CHECK(r.err.find("timeout") != std::string::npos);
  CHECK(seconds < 20);
  const int child = std::stoi(read_file(pidfile));
  CHECK_FALSE(running(child));  // the background sleep is gone too
}

TEST_CASE("--sandbox refuses command nodes unless --allow-exec") {
  ScratchDir dir;
  dir.write("double.sh", kDoubling);
  dir.write("s.yaml", command_spec("double.sh"));
  CliResult refused = run_reprise(dir, "run s.yaml -q --sandbox");
  CHECK(refused.code == 2);
  CHECK(refused.err.find("s.yaml:7:") != std::string::npos);
  CHECK(refused.err.find("--allow-exec") != std::string::npos);
  CHECK_FALSE(std::ifstream(dir.file("results/cmd/latest/metrics.csv")).good());
  CliResult allowed = run_reprise(dir, "run s.yaml -q --sandbox --allow-exec");
  CHECK_MESSAGE(allowed.code == 0, allowed.err);
}

TEST_CASE("a command node's field that is neither a parameter nor a node is an error with a did-you-mean") {
  ScratchDir dir;
  dir.write("double.sh", kDoubling);
  dir.write("s.yaml", command_spec("double.sh", ", truth: dtaa"));
  CliResult r = run_reprise(dir, "run s.yaml -q");
  CHECK(r.code == 2);
  CHECK(r.err.find("'truth: dtaa' is neither a parameter of exec/command") != std::string::npos);
  CHECK(r.err.find("did you mean 'data'") != std::string::npos);
  dir.write("t.yaml", command_spec("double.sh", ", comand: x"));
  CliResult typo = run_reprise(dir, "run t.yaml -q");
  CHECK(typo.code == 2);
  CHECK(typo.err.find("did you mean 'command'") != std::string::npos);
}

TEST_CASE("experiments/exec: xz as a lossless codec and a Python metric agree with the built-in metric" *
          doctest::skip(python_with_h5py() != "/usr/bin/python3" || std::system("command -v xz >/dev/null") != 0)) {
  ScratchDir dir;
  CliResult r = run_reprise(dir, "run '" + std::string(REPRISE_SOURCE) +
                                     "/experiments/exec/external_codecs.yaml' nodes.data.c=48 nodes.data.z=64 -q -j2");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  std::istringstream csv(read_file(dir.file(run_dir_of(r)) + "/metrics.csv"));
  std::string header, line;
  std::getline(csv, header);
  std::vector<std::string> names;
  std::istringstream h(header);
  for (std::string cell; std::getline(h, cell, ',');) names.push_back(cell);
  int rows = 0;
  while (std::getline(csv, line)) {
    std::map<std::string, std::string> row;
    std::istringstream cells(line);
    std::string cell;
    for (std::size_t i = 0; i < names.size() && std::getline(cells, cell, ','); ++i) row[names[i]] = cell;
    ++rows;
    CHECK(std::stod(row["mse_xz.mse"]) == 0);  // lossless
    CHECK(std::stod(row["stats_xz.zeros_kept"]) == 1);
    CHECK(std::stod(row["xz.ratio"]) > 1);
    const double rmse = std::stod(row["stats_zfp.rmse"]);  // Python, numpy
    CHECK(rmse * rmse == doctest::Approx(std::stod(row["mse_zfp.mse"])).epsilon(1e-9));  // C++, metric/mse
  }
  CHECK(rows == 3);
}
