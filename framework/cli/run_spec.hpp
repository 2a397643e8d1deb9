// Running one spec end to end: load it, plan it, execute the plan against the
// cache and write the run directory (results/<name>/<run-id>/). The one
// implementation behind `reprise run`, `reprise plan`, `reprise reproduce` and the
// Python module's reprise.run(), so that every front end writes the same run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "framework/exec/shard.hpp"
#include "framework/spec/sandbox.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {

// Exit statuses (cli.hpp says what each means).
constexpr int kOk = 0, kFailed = 1, kBadInput = 2, kInterrupted = 130;

struct RunArgs {
  std::string spec;
  std::vector<std::string> overrides;
  int jobs = 1;
  std::string out = "results";
  std::string cache_dir;  // default <out>/.cache
  std::vector<std::string> force;
  bool dry_run = false;
  bool keep_going = false;
  bool sandbox = false;
  std::vector<std::string> allow_paths;
  bool allow_exec = false;  // with sandbox: let exec/* nodes run programs
  int verbosity = 1;
  std::string shard_text;      // --shard i/N as given
  std::optional<Shard> shard;  // parsed
  // Called once the spec has loaded and planned, before anything is written: the
  // CLI installs its Ctrl-C handlers here (Python keeps its own).
  std::function<void()> on_start;
};

struct RunOutcome {
  int code = kOk;
  std::string run_dir;  // empty for a dry run or an MPI worker
  // What went wrong, as printed: failed nodes' errors, bad figure specs, a run
  // directory that could not be written.
  std::vector<std::string> problems;
};

// --sandbox: the spec's directory plus every --allow-path (no restriction without it).
Sandbox make_sandbox(const RunArgs& a);

// Under --sandbox without --allow-exec, a SpecError at the first node whose
// component runs a program (kind "exec"): a spec from elsewhere must not run code
// on this machine just by being run.
void check_exec_allowed(const RunArgs& a, const Spec& spec);

// One run (or, with dry_run, the printed plan). `command_line` is what
// provenance.json records as the command that reruns it. Throws SpecError for a
// bad spec or override; node failures come back in the outcome's code.
RunOutcome run_spec(const RunArgs& a, const std::vector<std::string>& command_line);

}  // namespace reprise
