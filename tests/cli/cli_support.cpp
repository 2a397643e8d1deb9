#include "tests/cli/cli_support.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace reprise::test {

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/reprise-cli-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void ScratchDir::write(const std::string& name, const std::string& text) const {
  std::filesystem::create_directories(std::filesystem::path(file(name)).parent_path());
  std::ofstream(file(name), std::ios::binary) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int count_occurrences(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

CliResult run_shell(const ScratchDir& dir, const std::string& command) {
  std::string cmd = "cd '" + dir.path() + "' && " + command + " >'" + dir.file(".stdout") + "' 2>'" + dir.file(".stderr") +
                    "' </dev/null";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(dir.file(".stdout"));
  r.err = read_file(dir.file(".stderr"));
  return r;
}

namespace {
CliResult run_binary(const std::string& bin, const ScratchDir& dir, const std::string& args) {
  return run_shell(dir, "'" + bin + "' " + args);
}
}  // namespace

CliResult run_reprise(const ScratchDir& dir, const std::string& args) { return run_binary(REPRISE_BIN, dir, args); }
CliResult run_faults(const ScratchDir& dir, const std::string& args) { return run_binary(REPRISE_FAULTS_BIN, dir, args); }

std::string run_dir_of(const CliResult& r) {
  std::string s = r.out;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

const char* const kTinySpec = R"(name: tiny
seed: 3
sweep:
  energy: [0.9, 0.5]
nodes:
  data:   {use: dataset/mvn, dim: 8, samples: 500, condition: 10}
  packed: {use: codec/dct, data: data, energy: "${energy}"}
  err:    {use: metric/moments-error, truth: data, sample: packed}
)";

}  // namespace reprise::test
