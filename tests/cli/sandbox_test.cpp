// --sandbox / --allow-path: includes and path params may only read inside the
// spec's directory and the allowed ones; both resolve relative to the file that
// names them.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {
const char* kSamples = "# ring of 4 spins\n1,-1,1,-1\n-1,-1,1,1\n1,1,1,-1\n";

// dir/spec/ holds the specs; dir/outside/ a data file and an include.
void layout(const ScratchDir& dir) {
  fs::create_directories(dir.file("spec/sub"));
  fs::create_directories(dir.file("outside"));
  dir.write("outside/spins.csv", kSamples);
  dir.write("outside/common.yaml", "seed: 4\n");
  dir.write("spec/spins.csv", kSamples);
  dir.write("spec/reads_outside.yaml", "nodes:\n  d: {use: dataset/samples-file, path: ../outside/spins.csv}\n");
  dir.write("spec/includes_outside.yaml", "include: ../outside/common.yaml\nnodes:\n  d: {use: dataset/samples-file, path: spins.csv}\n");
  dir.write("spec/inside.yaml", "include: sub/part.yaml\n");
  // A path param in an included file resolves next to that file.
  dir.write("spec/sub/part.yaml", "nodes:\n  d: {use: dataset/samples-file, path: ../spins.csv}\n");
}
}  // namespace

TEST_CASE("--sandbox refuses a path param outside the spec's directory, naming the path and the flag") {
  ScratchDir dir;
  layout(dir);
  CHECK(run_reprise(dir, "plan spec/reads_outside.yaml").code == 0);  // no sandbox: anything readable
  CliResult r = run_reprise(dir, "plan spec/reads_outside.yaml --sandbox");
  CHECK(r.code == 2);
  std::string outside = fs::canonical(dir.file("outside")).string();
  CHECK(r.err.find("spec/reads_outside.yaml:2:40: error: parameter 'path' ('../outside/spins.csv') resolves to '") != std::string::npos);
  CHECK(r.err.find("resolves to '" + outside + "/spins.csv', outside the sandbox") != std::string::npos);
  CHECK(r.err.find("to allow it, add --allow-path " + outside) != std::string::npos);
  CHECK(run_reprise(dir, "plan spec/reads_outside.yaml --sandbox --allow-path outside").code == 0);
  CHECK(run_reprise(dir, "run spec/reads_outside.yaml --sandbox --allow-path '" + outside + "'").code == 0);
}

TEST_CASE("--sandbox refuses includes outside, absolute paths and symlinks that leave the directory") {
  ScratchDir dir;
  layout(dir);
  CliResult inc = run_reprise(dir, "plan spec/includes_outside.yaml --sandbox");
  CHECK(inc.code == 2);
  CHECK(inc.err.find("spec/includes_outside.yaml:1:10: error: include '../outside/common.yaml' resolves to '") != std::string::npos);
  CHECK(inc.err.find("outside the sandbox") != std::string::npos);
  CHECK(run_reprise(dir, "plan spec/includes_outside.yaml --sandbox --allow-path outside").code == 0);

  dir.write("spec/absolute.yaml", "nodes:\n  d: {use: dataset/samples-file, path: /etc/hostname, format: csv}\n");
  CliResult abs = run_reprise(dir, "plan spec/absolute.yaml --sandbox");
  CHECK(abs.code == 2);
  CHECK(abs.err.find("('/etc/hostname') resolves to '/etc/hostname', outside the sandbox") != std::string::npos);

  fs::create_symlink(fs::canonical(dir.file("outside/spins.csv")), dir.file("spec/link.csv"));
  dir.write("spec/via_link.yaml", "nodes:\n  d: {use: dataset/samples-file, path: link.csv}\n");
  CHECK(run_reprise(dir, "plan spec/via_link.yaml").code == 0);
  CliResult link = run_reprise(dir, "plan spec/via_link.yaml --sandbox");
  CHECK(link.code == 2);
  CHECK(link.err.find("('link.csv') resolves to '" + fs::canonical(dir.file("outside")).string() + "/spins.csv'") !=
        std::string::npos);
}

TEST_CASE("--sandbox allows everything under the spec's directory; path params resolve next to their file") {
  ScratchDir dir;
  layout(dir);
  CliResult r = run_reprise(dir, "run spec/inside.yaml --sandbox");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(read_file(dir.file(run_dir_of(r)) + "/spec.resolved.yaml").find("spins.csv") != std::string::npos);
  CliResult stray = run_reprise(dir, "plan spec/inside.yaml --allow-path outside");
  CHECK(stray.code == 2);
  CHECK(stray.err.find("--allow-path only makes sense with --sandbox") != std::string::npos);
}
