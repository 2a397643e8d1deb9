// Helpers for end-to-end tests: run the built `reprise` binary in a scratch
// directory and read what it wrote.
#pragma once

#include <string>
#include <vector>

namespace reprise::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// A fresh directory under /tmp, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& text) const;  // creates parent dirs
 private:
  std::string path_;
};

std::string read_file(const std::string& path);
int count_occurrences(const std::string& text, const std::string& needle);

// Runs shell text COMMAND with `dir` as working directory, stdin empty, capturing
// its exit status, stdout and stderr.
CliResult run_shell(const ScratchDir& dir, const std::string& command);

// Runs `reprise ARGS` with `dir` as working directory; ARGS is shell text.
CliResult run_reprise(const ScratchDir& dir, const std::string& args);

// The same with `reprise_faults`: the CLI plus test-only components (test/step).
CliResult run_faults(const ScratchDir& dir, const std::string& args);

// The run directory printed as the last line of stdout.
std::string run_dir_of(const CliResult& r);

// A small two-point sweep (dataset/mvn -> codec/dct -> metric/moments-error) that
// runs in well under a second: the spec the run and crash tests share.
extern const char* const kTinySpec;

}  // namespace reprise::test
