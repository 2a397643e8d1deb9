#include "framework/exec/progress.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;

namespace {
// Runs `body` with stderr sent to a file (not a terminal) and returns what it printed.
template <class F>
std::string captured_stderr(F body) {
  reprise::test::TempDir dir;
  std::string path = dir.file("err.txt");
  std::fflush(stderr);
  int saved = ::dup(STDERR_FILENO);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  body();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("off a terminal, progress prints one plain line per finished node and no escape codes") {
  std::string out = captured_stderr([] {
    Progress p(1, 3);
    auto a = p.begin("data", "dataset/mvn");
    p.update(a, 5, 10);
    p.end(a, "ran    data (dataset/mvn) 0.1s");
    p.finished("cached packed (codec/dct)");  // cache hits only show with -v
    auto b = p.begin("err", "metric/moments-error");
    p.end(b, "FAILED err: boom");
    p.log("debug detail", 2);
    p.stop();
  });
  CHECK(out == "[1/3] ran    data (dataset/mvn) 0.1s\n[3/3] FAILED err: boom\n");
}

TEST_CASE("verbosity 2 adds starts, cache hits and debug lines; verbosity 0 prints nothing") {
  std::string verbose = captured_stderr([] {
    Progress p(2, 1);
    auto a = p.begin("data", "dataset/mvn");
    p.log("detail", 2);
    p.end(a, "ran data");
  });
  CHECK(verbose == "start data (dataset/mvn)\ndetail\n[1/1] ran data\n");
  std::string quiet = captured_stderr([] {
    Progress p(0, 1);
    auto a = p.begin("data", "dataset/mvn");
    p.end(a, "ran data");
    p.log("anything");
  });
  CHECK(quiet.empty());
}
