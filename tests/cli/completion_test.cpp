// tools/completion/reprise.bash against the built binary: what TAB offers.
#include <doctest/doctest.h>

#include <string>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;

namespace {

// COMPREPLY, one per line, for the command line `words` with the cursor on its last word.
std::string complete(const ScratchDir& dir, const std::string& words) {
  const std::string script = std::string(REPRISE_SOURCE) + "/tools/completion/reprise.bash";
  CliResult r = run_shell(dir, "bash -c 'source \"" + script + "\"; COMP_WORDS=(\"" + REPRISE_BIN + "\" " + words +
                                   "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _reprise; printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
  REQUIRE(r.code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("bash completion offers commands, components, and the spec's own nodes and axes") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CHECK(complete(dir, "ru") == "run\n");
  CHECK(complete(dir, "des") == "describe\n");
  CHECK(complete(dir, "comp") == "\n");  // the hidden `complete` command is not offered
  CHECK(complete(dir, "describe codec/d") == "codec/dct\n");
  CHECK(complete(dir, "run tiny.yaml --force pa") == "packed\n");
  CHECK(complete(dir, "run tiny.yaml nodes.da") == "nodes.data.\n");
  CHECK(complete(dir, "run tiny.yaml sweep.") == "sweep.energy=\n");
  CHECK(complete(dir, "run tiny.yaml --ke") == "--keep-going\n");
  // A broken spec completes to nothing, silently.
  dir.write("broken.yaml", "nodes: [");
  CHECK(complete(dir, "run broken.yaml --force \"\"") == "\n");
  CHECK(complete(dir, "run tiny.yaml --force \"\"") == "data\npacked\nerr\n");
}
