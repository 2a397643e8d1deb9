// Components behind optional libraries (codec/sz3, codec/mgard): always listed
// and described; when the build lacks the library, `describe` says how to get it
// and a spec that uses one is rejected at plan time (exit 2, file:line:col),
// before anything runs.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {

// The line of `reprise list` that names `name`.
std::string list_line(const std::string& list, const std::string& name) {
  const auto at = list.find("  " + name + " ");
  if (at == std::string::npos) return "";
  return list.substr(at, list.find('\n', at) - at);
}

}  // namespace

TEST_CASE("reprise list shows codec/zfp and the optional codecs, marking those this build cannot run") {
  ScratchDir dir;
  CliResult r = run_reprise(dir, "list");
  REQUIRE(r.code == 0);
  CHECK(list_line(r.out, "codec/zfp").find("ZFP") != std::string::npos);
  CHECK(list_line(r.out, "codec/zfp").find("unavailable") == std::string::npos);
  for (const char* name : {"codec/sz3", "codec/mgard"}) {
    CAPTURE(name);
    const std::string line = list_line(r.out, name);
    REQUIRE_FALSE(line.empty());
    CliResult d = run_reprise(dir, std::string("describe ") + name);
    REQUIRE(d.code == 0);
    const bool unavailable = d.out.find("unavailable in this build:") != std::string::npos;
    CHECK((line.find("[unavailable in this build") != std::string::npos) == unavailable);
    CHECK(d.out.find("parameters:") != std::string::npos);  // the schema either way
    CHECK(d.out.find("  data ") != std::string::npos);
    if (unavailable) {
      CHECK(d.out.find("built without") != std::string::npos);
      CHECK(d.out.find("-DCMAKE_PREFIX_PATH=") != std::string::npos);
    }
  }
}

TEST_CASE("a spec using an optional codec this build lacks is rejected at plan time; with it, it plans") {
  for (const char* name : {"codec/sz3", "codec/mgard"}) {
    CAPTURE(name);
    ScratchDir dir;
    const bool unavailable =
        run_reprise(dir, std::string("describe ") + name).out.find("unavailable in this build:") != std::string::npos;
    dir.write("opt.yaml", std::string("nodes:\n  data: {use: dataset/mvn, dim: 4}\n  packed: {use: ") + name +
                              ", data: data}\n");
    for (const char* command : {"plan", "run"}) {
      CAPTURE(command);
      CliResult r = run_reprise(dir, std::string(command) + " opt.yaml");
      if (unavailable) {
        CHECK(r.code == 2);
        CHECK(r.err.find("opt.yaml:3:17: error: component '" + std::string(name) +
                         "' is not available in this build: built without") != std::string::npos);
        CHECK(r.err.find("-DCMAKE_PREFIX_PATH=") != std::string::npos);
        CHECK_FALSE(fs::exists(dir.file("results/opt")));
      } else if (std::string(command) == "plan") {
        CHECK(r.code == 0);
      }
    }
  }
}
