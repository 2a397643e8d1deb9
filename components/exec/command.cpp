// exec/command: any program as a DAG node (a Python metric, an external compressor,
// a simulation code), so that it sits in a sweep next to the built-in components.
//
// Inputs: any number, under names the spec chooses (`truth: data, sample: packed`).
// Each is written to <workdir>/inputs/<name>.h5 in reprise's artifact layout
// (README, "Command nodes"): the group /artifact, whose datasets are the arrays,
// whose attributes are the scalars (numbers) and strings, and whose subgroups are
// child artifacts; h5py or HDF5 in any language reads it.
//
// The program: `command`, run by /bin/sh -c in its own process group, stdin from
// /dev/null, in the directory of `script` when one is given (else the current
// one), with these environment variables besides the caller's:
//   REPRISE_INPUT_<NAME>  path of input <name>'s file (NAME upper-cased, other
//                         characters than letters and digits as '_')
//   REPRISE_INPUTS        the input names, space-separated
//   REPRISE_OUTPUT        where it may write its output artifact (HDF5, same layout)
//   REPRISE_OUTPUT_JSON   where it may write scalars as a JSON object {"name": number or string}
//   REPRISE_SEED          the node's seed (decimal)
//   REPRISE_WORKDIR       a scratch directory, removed when the node ends
//   REPRISE_SCRIPT        the absolute path of `script`, when given
// and the `env` words (NAME=value, space-separated). Swept values reach it through
// ${...} in `command` or `env`, like any parameter.
//
// Output: the artifact it wrote plus the JSON's scalars (strings as strings): its
// scalars become metrics columns, its arrays feed downstream nodes. Exiting non-zero
// or by a signal, writing neither output, or an unreadable output fails the node with
// the last lines of the program's stderr. Cancellation (the node's `timeout:`, Ctrl-C)
// terminates the whole process group (SIGTERM, SIGKILL 2 s later); so does the node's
// end, so nothing it started outlives it.
//
// Identity: `command`, `env`, the inputs' identities and the content of `script`
// (a path parameter, hashed like every file parameter): editing the script reruns
// the node. The program and interpreter themselves are not hashed; name the file you
// edit as `script`.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "framework/core/artifact.hpp"
#include "framework/core/registry.hpp"

extern char** environ;

namespace reprise {
namespace {

namespace fs = std::filesystem;

// A scratch directory under $TMPDIR (or /tmp), removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "reprise-command-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch directory under " + fs::temp_directory_path().string());
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string env_name(const std::string& input) {
  std::string name = "REPRISE_INPUT_";
  for (unsigned char c : input) name += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return name;
}

// The caller's environment with `extra` (NAME=value) added; extra wins.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  auto overridden = [&](const std::string& entry) {
    std::string name = entry.substr(0, entry.find('='));
    for (const auto& e : extra)
      if (e.substr(0, e.find('=')) == name) return true;
    return false;
  };
  for (char** e = environ; *e; ++e)
    if (!overridden(*e)) env.emplace_back(*e);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<std::string> env_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    if (w.find('=') == std::string::npos || w.front() == '=')
      throw std::invalid_argument("env: '" + w + "' is not NAME=value (env takes space-separated NAME=value words)");
    words.push_back(w);
  }
  return words;
}

std::string tail_of(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "\n  | " + all[i];
  return out;
}

// A child process in its own process group; the group is killed when this ends.
class Child {
 public:
  Child(const std::string& command, const fs::path& cwd, const std::vector<std::string>& env, const fs::path& out,
        const fs::path& err) {
    posix_spawn_file_actions_t files;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&files);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&files, cwd.c_str());
    // Its own group, so that cancelling reaches everything it starts; default
    // signal dispositions, whatever the caller ignores (e.g. SIGXFSZ).
    sigset_t defaults;
    sigfillset(&defaults);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    int rc = posix_spawn(&pid_, "/bin/sh", &files, &attr, const_cast<char* const*>(argv), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error(std::string("cannot start /bin/sh: ") + std::strerror(rc));
  }
  ~Child() {
    ::kill(-pid_, SIGKILL);  // whatever the program left running in its group
    if (!reaped_) ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits for the program, polling `cancelled` every 20 ms; on cancellation
  // terminates the group and throws Cancelled. Returns the wait status.
  int wait(const Context& ctx) {
    while (true) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        reaped_ = true;
        return status;
      }
      if (done < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
      if (ctx.cancelled()) {
        terminate_group();
        throw Cancelled();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  void terminate_group() {
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // 2 s to exit cleanly
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        reaped_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid_, SIGKILL);
    if (!reaped_) {
      ::waitpid(pid_, nullptr, 0);
      reaped_ = true;
    }
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
};

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "ended with wait status " + std::to_string(status);
}

// The JSON object's scalars into `out`: numbers and booleans as scalars, strings as strings.
void add_json_scalars(const fs::path& file, Artifact& out) {
  nlohmann::json j;
  try {
    std::ifstream in(file);
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("its JSON output " + file.string() + " is unreadable: " + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("its JSON output " + file.string() + " is not an object {\"name\": value}");
  for (const auto& [key, value] : j.items()) {
    if (value.is_number() || value.is_boolean()) out.set_scalar(key, value.get<double>());
    else if (value.is_string()) out.set_string(key, value.get<std::string>());
    else throw std::runtime_error("its JSON output " + file.string() + ": '" + key + "' is " + value.type_name() +
                                  "; only numbers and strings become scalars (write arrays to $REPRISE_OUTPUT)");
  }
}

class Command : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    ScratchDirectory work;
    fs::create_directories(work.path() / "inputs");
    std::vector<std::string> extra = env_words(p.get_string("env"));
    std::string names;
    for (const auto& name : in.names()) {
      fs::path file = work.path() / "inputs" / (name + ".h5");
      save_artifact_file(file.string(), in.get(name));
      extra.push_back(env_name(name) + "=" + file.string());
      names += (names.empty() ? "" : " ") + name;
    }
    const fs::path output = work.path() / "output.h5", output_json = work.path() / "output.json";
    const std::string script = p.get_string("script");
    extra.insert(extra.end(), {"REPRISE_INPUTS=" + names, "REPRISE_OUTPUT=" + output.string(),
                               "REPRISE_OUTPUT_JSON=" + output_json.string(), "REPRISE_SEED=" + std::to_string(ctx.seed()),
                               "REPRISE_WORKDIR=" + work.path().string()});
    if (!script.empty()) extra.push_back("REPRISE_SCRIPT=" + fs::absolute(script).string());
    const fs::path cwd = script.empty() ? fs::current_path() : fs::absolute(script).parent_path();

    const fs::path out_log = work.path() / "stdout.txt", err_log = work.path() / "stderr.txt";
    int status = 0;
    {
      Child child(p.get_string("command"), cwd, environment_with(extra), out_log, err_log);
      status = child.wait(ctx);
    }
    if (std::string said = tail_of(out_log, 20); !said.empty()) ctx.log("stdout:" + said);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      throw std::runtime_error("command " + exit_text(status) + stderr_tail(err_log));
    return read_outputs(output, output_json, err_log);
  }

 private:
  static std::string stderr_tail(const fs::path& err_log) {
    std::string tail = tail_of(err_log, 12);
    return tail.empty() ? " (its stderr was empty)" : "; its stderr ends:" + tail;
  }

  static Artifact read_outputs(const fs::path& output, const fs::path& output_json, const fs::path& err_log) {
    const bool h5 = fs::exists(output), json = fs::exists(output_json);
    if (!h5 && !json)
      throw std::runtime_error("command exited 0 but wrote neither $REPRISE_OUTPUT (HDF5) nor $REPRISE_OUTPUT_JSON" +
                               stderr_tail(err_log));
    Artifact out;
    if (h5) {
      try {
        out = load_artifact_file(output.string());
      } catch (const std::exception& e) {
        throw std::runtime_error("its output $REPRISE_OUTPUT is not a readable reprise artifact (HDF5 group /artifact): " +
                                 std::string(e.what()));
      }
    }
    if (json) add_json_scalars(output_json, out);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(Command, "exec/command", "1",
                  "any program as a node: inputs as HDF5 files, its HDF5 and/or JSON output as the node's artifact",
                  param_string("command", "", "shell command line (/bin/sh -c); ${...} takes swept values").required(),
                  param_optional_path("script", "the script or program file it runs: its content enters the identity, "
                                                "it runs in that file's directory, $REPRISE_SCRIPT names it"),
                  param_string("env", "", "extra environment, space-separated NAME=value words"),
                  input(kOpenInputs, "any number of upstream nodes, each under the name the spec gives it "
                                     "(e.g. truth: data); the program finds each at $REPRISE_INPUT_<NAME>"),
                  output("(any)", "the scalars, strings and arrays the program writes to $REPRISE_OUTPUT / _JSON"))

}  // namespace reprise
