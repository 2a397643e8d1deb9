#include "framework/cli/cli.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "framework/store/cache.hpp"
#include "framework/exec/deadline.hpp"
#include "framework/exec/executor.hpp"
#include "framework/plan/graph.hpp"
#include "framework/core/hash.hpp"
#include "framework/core/numbers.hpp"
#include "framework/core/parallel.hpp"
#include "framework/report/diff.hpp"
#include "framework/report/export.hpp"
#include "framework/report/merge.hpp"
#include "framework/exec/mpi_executor.hpp"
#include "framework/core/registry.hpp"
#include "framework/report/report.hpp"
#include "framework/report/results.hpp"
#include "framework/spec/sandbox.hpp"
#include "framework/exec/shard.hpp"
#include "framework/spec/spec.hpp"
#include "framework/cli/catalog.hpp"
#include "framework/cli/run_spec.hpp"

namespace reprise {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ------------------------------------------------------------------ signals

volatile sig_atomic_t g_signals = 0;

void on_signal(int) {
  g_signals = g_signals + 1;
  if (g_signals >= 2) {
    const char msg[] = "\nreprise: second interrupt, aborting now (cache entries stay consistent)\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(kInterrupted);
  }
  request_stop();
  const char msg[] = "\nreprise: stopping: no new nodes start, running ones finish or abandon; Ctrl-C again to abort\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;  // file I/O in running components must not see EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // Over a file-size limit (ulimit -f), write() then fails with EFBIG and the
  // cache and results code report which file could not be written, instead of
  // the process dying with a core dump.
  signal(SIGXFSZ, SIG_IGN);
}

// ----------------------------------------------------------- shared options

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

// The visible options plus the hidden one that collects positional arguments.
po::options_description with_positional(const po::options_description& visible, std::vector<std::string>& positional) {
  po::options_description hidden;
  hidden.add_options()("args", po::value(&positional));
  po::options_description all;
  all.add(visible).add(hidden);
  return all;
}

po::options_description common_options(RunArgs& a) {
  po::options_description d("options");
  d.add_options()("help,h", "show this help")
      ("out", po::value(&a.out)->default_value("results"), "results root: runs go to OUT/<name>/<run-id>/")
      ("cache", po::value(&a.cache_dir), "cache directory (default OUT/.cache)");
  return d;
}

RunArgs parse_run_args(const std::vector<std::string>& args, const std::string& command, bool* help) {
  RunArgs a;
  po::options_description d = common_options(a);
  std::vector<std::string> positional;
  d.add_options()("jobs,j", po::value(&a.jobs)->default_value(1), "nodes computed in parallel (under mpirun: by rank 0, 0 = it only hands nodes out)")
      ("force", po::value(&a.force)->composing(), "recompute NODE (all its sweep instances) and everything downstream; repeatable")
      ("dry-run,n", po::bool_switch(&a.dry_run), "only show the plan")
      ("shard", po::value(&a.shard_text), "i/N: run only the i-th (0-based) of N blocks of sweep points, e.g. for a Slurm job array; join them with `reprise report --merge`")
      ("keep-going,k", po::bool_switch(&a.keep_going),
       "after a node fails, still run every node that does not depend on it (default: start no new node)")
      ("sandbox", po::bool_switch(&a.sandbox),
       "read spec includes and file params only inside the spec's directory and --allow-path dirs")
      ("allow-path", po::value(&a.allow_paths)->composing(), "with --sandbox: also allow reading under DIR; repeatable")
      ("allow-exec", po::bool_switch(&a.allow_exec), "with --sandbox: allow exec/command nodes, which run programs")
      ("quiet,q", "print only the run directory and errors")
      ("verbose,v", "also print cache hits, identities and component logs");
  po::options_description all = with_positional(d, positional);
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm = parse(args, all, pos);
  *help = vm.count("help") != 0;
  if (*help) {
    std::cout << "usage: reprise " << command << " SPEC [key.path=value ...] [options]\n\n" << d << "\n";
    return a;
  }
  if (positional.empty()) throw UsageError("missing SPEC (a YAML file), e.g. reprise " + command + " experiments/quickstart.yaml");
  a.spec = positional.front();
  for (std::size_t i = 1; i < positional.size(); ++i) {
    if (positional[i].find('=') == std::string::npos)
      throw UsageError("unexpected argument '" + positional[i] + "': overrides look like key.path=value");
    a.overrides.push_back(positional[i]);
  }
  if (a.jobs < 1 && !(a.jobs == 0 && launched_by_mpi()))
    throw UsageError("-j must be at least 1 (under mpirun, 0 makes rank 0 only hand nodes out)");
  if (vm.count("shard")) {
    try {
      a.shard = parse_shard(a.shard_text);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (vm.count("quiet")) a.verbosity = 0;
  if (vm.count("verbose")) a.verbosity = 2;
  if (!a.allow_paths.empty() && !a.sandbox) throw UsageError("--allow-path only makes sense with --sandbox");
  if (a.allow_exec && !a.sandbox) throw UsageError("--allow-exec only makes sense with --sandbox (without it command nodes run)");
  if (a.cache_dir.empty()) a.cache_dir = (fs::path(a.out) / ".cache").string();
  if (command == "plan") a.dry_run = true;
  return a;
}

int cmd_run(const std::vector<std::string>& args, const std::string& command) {
  bool help = false;
  RunArgs a = parse_run_args(args, command, &help);
  if (help) return kOk;
  a.on_start = install_signal_handlers;
  std::vector<std::string> command_line = {"reprise", command};
  command_line.insert(command_line.end(), args.begin(), args.end());
  RunOutcome r = run_spec(a, command_line);
  if (!r.run_dir.empty()) std::cout << r.run_dir << std::endl;
  return r.code;
}

int cmd_graph(const std::vector<std::string>& args) {
  bool help = false;
  RunArgs a = parse_run_args(args, "graph", &help);
  if (help) return kOk;
  Spec spec = load_spec(a.spec, a.overrides, make_sandbox(a));
  std::cout << to_dot(make_plan(spec));
  return kOk;
}

// ------------------------------------------------------------ list/describe

// JSON for tools (jq, editors, the Python module); invalid UTF-8 is replaced, never thrown.
void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int cmd_list(const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0] == "--json") {
    print_json(catalog_json());
    return kOk;
  }
  if (!args.empty()) throw UsageError("usage: reprise list [--json]");
  std::string kind;
  for (const auto& name : Registry::instance().names()) {
    const ComponentInfo* c = Registry::instance().find(name);
    if (c->kind() != kind) {
      std::cout << (kind.empty() ? "" : "\n") << c->kind() << ":\n";
      kind = c->kind();
    }
    std::printf("  %-26s %s%s\n", name.c_str(), c->doc.c_str(),
                c->available() ? "" : " [unavailable in this build: see `reprise describe`]");
  }
  return kOk;
}

int cmd_describe(const std::vector<std::string>& given) {
  std::vector<std::string> args = given;
  bool json = std::erase(args, std::string("--json")) > 0;
  if (args.size() != 1) throw UsageError("usage: reprise describe NAME [--json] (see `reprise list`)");
  const ComponentInfo* c = Registry::instance().find(args[0]);
  if (!c) throw UsageError("unknown component '" + args[0] + "'" + did_you_mean(args[0], Registry::instance().names()) +
                           " (see `reprise list`)");
  if (json) {
    print_json(component_json(*c));
    return kOk;
  }
  std::cout << c->name << " (version " << c->version << ")\n  " << c->doc << "\n";
  if (!c->available()) std::cout << "\nunavailable in this build: " << c->unavailable << "\n";
  std::cout << "\nparameters:\n";
  if (c->params.empty()) std::cout << "  (none)\n";
  for (const auto& p : c->params) {
    std::string def = p.default_value ? "default " + canonical(*p.default_value) : "required";
    std::string cons = constraint_text(p);
    std::printf("  %-16s %-15s %-22s %s%s\n", p.name.c_str(), param_type_name(p.type), def.c_str(), p.doc.c_str(),
                cons.empty() ? "" : (" (" + cons + ")").c_str());
  }
  std::cout << "\ninputs:\n";
  if (c->inputs.empty()) std::cout << "  (none)\n";
  for (const auto& i : c->inputs) std::printf("  %-16s %-15s %s\n", i.name.c_str(), i.optional ? "optional" : "required", i.doc.c_str());
  std::cout << "\noutputs:\n";
  if (c->outputs.empty()) std::cout << "  (none)\n";
  for (const auto& o : c->outputs) std::printf("  %-16s %s\n", o.name.c_str(), o.doc.c_str());
  return kOk;
}

// -------------------------------------------------------------------- cache

int cmd_cache(const std::vector<std::string>& args) {
  RunArgs a;
  po::options_description d = common_options(a);
  std::size_t keep_runs = 0;
  std::vector<std::string> positional;
  d.add_options()("keep-runs", po::value(&keep_runs)->default_value(0),
                  "gc: keep entries used by the newest N runs of each spec (0: by any run)");
  po::options_description all = with_positional(d, positional);
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm = parse(args, all, pos);
  if (vm.count("help")) {
    std::cout << "usage: reprise cache ls|verify|gc [options]\n\n" << d << "\n";
    return kOk;
  }
  if (positional.size() != 1) throw UsageError("usage: reprise cache ls|verify|gc [--keep-runs N] [--out DIR]");
  if (a.cache_dir.empty()) a.cache_dir = (fs::path(a.out) / ".cache").string();
  Cache cache(a.cache_dir);
  const std::string& sub = positional[0];
  if (sub == "ls") {
    std::uintmax_t total = 0;
    auto entries = cache.list();
    for (const auto& e : entries) {
      std::printf("%s  %-22s %-20s %10ju  %s\n", hex16(e.identity).c_str(), e.component.c_str(), e.node.c_str(), e.bytes, e.created.c_str());
      total += e.bytes;
    }
    std::printf("%zu entries, %ju bytes in %s\n", entries.size(), total, a.cache_dir.c_str());
    return kOk;
  }
  if (sub == "verify") {
    std::size_t checked = 0;
    auto problems = cache.verify(&checked);
    for (const auto& p : problems) std::cerr << "corrupt: " << p << "\n";
    std::printf("%zu entries checked, %zu corrupt\n", checked, problems.size());
    return problems.empty() ? kOk : kFailed;
  }
  if (sub == "gc") {
    std::size_t removed = 0;
    auto freed = cache.gc(referenced_identities(a.out, keep_runs), &removed);
    std::printf("removed %zu entries, freed %ju bytes\n", removed, freed);
    return kOk;
  }
  throw UsageError("unknown cache command '" + sub + "' (ls, verify, gc)" + did_you_mean(sub, {"ls", "verify", "gc"}));
}

// ------------------------------------------------------------------- report

int merge_report(const std::vector<std::string>& dirs, const std::string& out) {
  MergeOutcome m;
  try {
    m = merge_shards(dirs, out);
  } catch (const MergeError& e) {
    throw UsageError(e.what());
  }
  std::cerr << "reprise: merged " << m.table.rows.size() << " of " << m.sweep_points
            << " sweep points into " << m.dir << "/metrics.csv\n";
  for (const auto& w : m.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& w : m.figures.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : m.figures.errors) std::cerr << e << "\n";
  std::cout << m.dir << std::endl;
  if (m.table.rows.size() < m.sweep_points) return kFailed;
  return m.figures.errors.empty() ? kOk : kBadInput;
}

std::vector<RunSummary> read_runs(const std::vector<std::string>& dirs) {
  std::vector<RunSummary> runs;
  for (const auto& d : dirs) {
    try {
      runs.push_back(read_run(d));
    } catch (const ReportError& e) {
      throw UsageError(e.what());
    }
  }
  return runs;
}

void print_claims(const std::vector<RunSummary>& runs) {
  for (const auto& r : runs)
    for (const auto& [c, o] : r.claims)
      std::cerr << "  " << r.name << ": " << verdict_name(o.verdict) << ": " << c.text << " (ours "
                << (o.ours ? short_number(*o.ours) : o.note) << ", published " << expect_text(c) << ")\n";
}

int cmd_report(const std::vector<std::string>& args) {
  std::vector<std::string> merge, positional;
  std::string out, title;
  po::options_description d("options");
  d.add_options()("help,h", "show this help")
      ("merge", po::value(&merge)->multitoken(), "run directories of `reprise run --shard i/N` (all N of them) to join")
      ("out", po::value(&out), "where report.md and report.html go (default: the run directory for one RUN, else .); "
                               "with --merge: directory for the merged run")
      ("title", po::value(&title), "heading of the report");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm = parse(args, with_positional(d, positional), pos);
  const char* usage = "usage: reprise report RUN... [--out DIR] [--title T]   (RUN: a run directory or results/<name>)\n"
                      "       reprise report --merge DIR... [--out DIR]";
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << d << "\n";
    return kOk;
  }
  if (vm.count("merge")) {
    if (!positional.empty()) throw UsageError("--merge takes the shard directories; unexpected '" + positional[0] + "'");
    return merge_report(merge, out);
  }
  if (positional.empty()) throw UsageError(std::string("missing RUN\n") + usage);
  std::vector<RunSummary> runs = read_runs(positional);
  if (out.empty()) out = runs.size() == 1 ? runs[0].dir : ".";
  if (title.empty()) title = runs.size() == 1 ? runs[0].name : "reprise report: " + std::to_string(runs.size()) + " runs";
  ReportFiles files = write_report(runs, out, title);
  print_claims(runs);
  std::cout << files.markdown << "\n" << files.html << std::endl;
  return kOk;
}

// --------------------------------------------------------------------- diff

int cmd_diff(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  Tolerance tolerance;
  po::options_description d("options");
  d.add_options()("help,h", "show this help")
      ("rtol", po::value(&tolerance.rtol)->default_value(0), "numbers equal when |a - b| <= atol + rtol * |b|")
      ("atol", po::value(&tolerance.atol)->default_value(0), "absolute part of that tolerance (both 0: exact)");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm = parse(args, with_positional(d, positional), pos);
  if (vm.count("help")) {
    std::cout << "usage: reprise diff RUN_A RUN_B [--rtol R] [--atol A]   (a run directory or results/<name>)\n\n"
                 "Compares the two runs' metrics.csv row by row (rows matched by their sweep values).\n"
                 "Timing columns (keys ending in seconds or per_second) are listed, not compared.\n"
                 "Exit status: 0 same results, 1 results differ, 2 not two runs.\n\n" << d << "\n";
    return kOk;
  }
  if (positional.size() != 2) throw UsageError("usage: reprise diff RUN_A RUN_B [--rtol R] [--atol A]");
  if (tolerance.rtol < 0 || tolerance.atol < 0) throw UsageError("--rtol and --atol must be >= 0");
  try {
    RunDiff result = diff_runs(positional[0], positional[1], tolerance);
    std::cout << diff_text(result);
    return result.same_results() ? kOk : kFailed;
  } catch (const ReportError& e) {
    throw UsageError(e.what());
  }
}

// ------------------------------------------------------------------- export

int cmd_export(const std::vector<std::string>& args) {
  std::vector<std::string> positional, sweep_args;
  std::string out, cache;
  po::options_description d("options");
  d.add_options()("help,h", "show this help")
      ("sweep", po::value(&sweep_args)->composing(), "AXIS=VALUE: the sweep point (only the axes the node depends on); repeatable")
      ("output,o", po::value(&out), "the HDF5 file to write (default NODE[-AXIS=VALUE...].h5 here)")
      ("cache", po::value(&cache), "the cache the run used, when it moved (default: the one provenance.json names)");
  po::positional_options_description pos;
  pos.add("args", -1);
  po::variables_map vm = parse(args, with_positional(d, positional), pos);
  const char* usage = "usage: reprise export RUN NODE [--sweep AXIS=VALUE ...] [-o FILE.h5]   (RUN: a run directory or results/<name>)";
  if (vm.count("help")) {
    std::cout << usage << "\n\nWrites one node's artifact (arrays as datasets, scalars and strings as attributes of the\n"
                 "group /artifact) to an HDF5 file: h5py.File(FILE)['artifact'].\n\n" << d << "\n";
    return kOk;
  }
  if (positional.size() != 2) throw UsageError(usage);
  std::vector<std::pair<std::string, std::string>> sweep;
  std::string suffix;
  for (const auto& s : sweep_args) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--sweep takes AXIS=VALUE, got '" + s + "'");
    sweep.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    suffix += "-" + s;
  }
  try {
    NodeLocation where = locate_node(positional[0], positional[1], sweep, cache);
    if (out.empty()) out = positional[1] + suffix + ".h5";
    export_node(where, out);
    std::cerr << "reprise: exported " << where.name << (where.variant.empty() ? "" : " [" + where.variant + "]") << " ("
              << where.identity << ")\n";
    std::cout << out << std::endl;
  } catch (const ReportError& e) {
    throw UsageError(e.what());
  }
  return kOk;
}

// ---------------------------------------------------------------- reproduce

std::vector<std::string> paper_specs(const std::string& dir, const std::vector<std::string>& only) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw UsageError("no spec directory '" + dir + "' (run from the repository root, or pass --dir experiments/paper)");
  std::vector<std::string> specs;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file() || !name.ends_with(".yaml")) continue;
    bool wanted = only.empty() || std::any_of(only.begin(), only.end(), [&](const auto& o) { return name.find(o) != std::string::npos; });
    if (wanted) specs.push_back(e.path().string());
  }
  std::sort(specs.begin(), specs.end());
  if (specs.empty()) throw UsageError("no spec in '" + dir + "'" + (only.empty() ? "" : " matches --only"));
  return specs;
}

// The components of a spec this build cannot run (optional libraries), with why;
// empty when it can run them all.
std::string unavailable_components(const Spec& spec) {
  std::string why;
  for (const auto& node : spec.nodes)
    if (const ComponentInfo* c = Registry::instance().find(node.use.text); c && !c->available())
      why += (why.empty() ? "" : "; ") + c->name + " is unavailable in this build (" + c->unavailable + ")";
  return why;
}

int cmd_reproduce(const std::vector<std::string>& args) {
  bool quick = false;
  std::string dir = "experiments/paper", out, cache;
  std::vector<std::string> only;
  int jobs = static_cast<int>(usable_cpus());
  po::options_description d("options");
  d.add_options()("help,h", "show this help")
      ("quick", po::bool_switch(&quick), "the same pipelines at reduced sizes (each spec's paper: quick: overrides): minutes, not hours")
      ("dir", po::value(&dir)->default_value(dir), "directory of the paper specs")
      ("only", po::value(&only)->composing(), "run only specs whose file name contains this text; repeatable")
      ("jobs,j", po::value(&jobs)->default_value(jobs), "nodes computed in parallel")
      ("out", po::value(&out), "results root (default results, or results/quick with --quick)")
      ("cache", po::value(&cache), "cache directory (default results/.cache, shared with `reprise run`)")
      ("quiet,q", "print only the summary");
  po::variables_map vm = parse(args, d, {});
  if (vm.count("help")) {
    std::cout << "usage: reprise reproduce [--quick] [--only TEXT] [options]\n\n"
                 "Runs every spec of experiments/paper/ and writes one report (report.md, report.html)\n"
                 "comparing each spec's paper: claims with the numbers the runs produced.\n\n"
              << d << "\n";
    return kOk;
  }
  if (jobs < 1) throw UsageError("-j must be at least 1");
  const bool out_given = !out.empty();
  if (!out_given) out = quick ? "results/quick" : "results";
  if (cache.empty()) cache = out_given ? (fs::path(out) / ".cache").string() : "results/.cache";
  std::vector<std::string> specs = paper_specs(dir, only);

  std::vector<std::string> run_dirs, problems, skipped;
  int code = kOk;
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    RunArgs a;
    a.spec = specs[i];
    a.jobs = jobs;
    a.out = out;
    a.cache_dir = cache;
    a.keep_going = true;  // one failing node should not cost the other figures
    a.verbosity = vm.count("quiet") ? 0 : 1;
    a.on_start = install_signal_handlers;
    try {
      Spec plain = load_spec(a.spec);
      if (std::string why = unavailable_components(plain); !why.empty()) {
        std::cerr << "reprise reproduce: [" << i + 1 << "/" << specs.size() << "] " << a.spec << ": skipped: " << why << "\n";
        skipped.push_back(a.spec + ": " + why);
        continue;
      }
      if (quick && plain.paper) a.overrides = plain.paper->quick;
      std::cerr << "reprise reproduce: [" << i + 1 << "/" << specs.size() << "] " << a.spec << (quick ? " (quick)" : "") << "\n";
      std::vector<std::string> command_line = {"reprise", "run", a.spec};
      command_line.insert(command_line.end(), a.overrides.begin(), a.overrides.end());
      for (const std::string& opt : std::vector<std::string>{"-j", std::to_string(jobs), "--keep-going", "--out", out, "--cache", cache})
        command_line.push_back(opt);
      RunOutcome r = run_spec(a, command_line);
      if (!r.run_dir.empty()) run_dirs.push_back(r.run_dir);
      if (r.code == kInterrupted) {
        code = kInterrupted;
        break;
      }
      if (r.code != kOk) {
        problems.push_back(a.spec + ": exit " + std::to_string(r.code));
        code = std::max(code, r.code == kBadInput ? kBadInput : kFailed);
      }
    } catch (const SpecError& e) {
      std::cerr << e.what() << "\n";
      problems.push_back(a.spec + ": " + e.what());
      code = kBadInput;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<RunSummary> runs = read_runs(run_dirs);
  std::string title = std::string("reprise: the papers reproduced") + (quick ? " (quick mode)" : "");
  std::vector<std::string> notes;
  for (const auto& p : skipped) notes.push_back("skipped " + p);
  for (const auto& p : problems) notes.push_back("failed " + p);
  if (code == kInterrupted)
    notes.push_back("interrupted after " + std::to_string(run_dirs.size()) + " of " + std::to_string(specs.size()) +
                    " specs: the same command resumes from the cache");
  ReportFiles files = write_report(runs, out, title, notes);
  std::cerr << "\nreprise reproduce: " << runs.size() << " of " << specs.size() << " specs ran in " << short_number(seconds) << " s\n";
  print_claims(runs);
  for (const auto& p : skipped) std::cerr << "  skipped: " << p << "\n";
  for (const auto& p : problems) std::cerr << "  problem: " << p << "\n";
  std::cout << files.markdown << "\n" << files.html << std::endl;
  return code;
}

// ----------------------------------------------------------------- complete

// `reprise complete WHAT [SPEC]`: the words the shell completion offers
// (tools/completion/reprise.bash), one per line. Quiet on any error: a completion
// must never print a message into the user's command line.
int cmd_complete(const std::vector<std::string>& args);

// ---------------------------------------------------------------- commands

// Every command once: usage, dispatch and the did-you-mean for a misspelt command
// all read this table.
struct Command {
  const char* name;
  const char* synopsis;  // arguments, after the name
  const char* help;      // one line; a '\n' continues it under the first
  int (*handler)(const std::vector<std::string>& args);
};

const Command kCommands[] = {
    {"run", "SPEC [key.path=value ...]",
     "run an experiment spec (overrides use the spec's dotted names,\nsweep.AXIS=a,b,c replaces a sweep axis)",
     [](const std::vector<std::string>& a) { return cmd_run(a, "run"); }},
    {"plan", "SPEC [overrides]", "show what would run and what is cached (same as run --dry-run)",
     [](const std::vector<std::string>& a) { return cmd_run(a, "plan"); }},
    {"graph", "SPEC [overrides]", "print the plan as Graphviz DOT", cmd_graph},
    {"list", "[--json]", "list components, grouped by kind (--json: for tools)", cmd_list},
    {"describe", "NAME [--json]", "parameters, inputs and outputs of a component", cmd_describe},
    {"cache", "ls|verify|gc", "inspect, check or clean the artifact cache", cmd_cache},
    {"report", "RUN... [--out D]",
     "report.md + self-contained report.html over runs: figures, ours vs\npublished (the specs' paper: claims), "
     "provenance, cache hits;\n--merge DIR... joins the run directories of --shard i/N runs into one",
     cmd_report},
    {"reproduce", "[--quick]", "run every spec of experiments/paper/ and report on them all", cmd_reproduce},
    {"diff", "RUN_A RUN_B", "compare two runs' metrics (timing columns listed, not compared); exit 1 if they differ",
     cmd_diff},
    {"export", "RUN NODE [--sweep k=v] -o F", "write one node's artifact of a run to an HDF5 file (for h5py, MATLAB, ...)",
     cmd_export},
    {"complete", "WHAT [SPEC]", "", cmd_complete},  // for the shell completion; not in --help
};

int cmd_complete(const std::vector<std::string>& args) {
  std::vector<std::string> words;
  const std::string what = args.empty() ? "" : args[0];
  try {
    if (what == "commands") {
      for (const Command& c : kCommands)
        if (*c.help) words.push_back(c.name);
    } else if (what == "components") {
      words = Registry::instance().names();
    } else if ((what == "nodes" || what == "axes") && args.size() == 2) {
      Spec spec = load_spec(args[1]);
      words = what == "nodes" ? spec.node_names() : spec.axis_names();
    }
  } catch (const std::exception&) {
    return kFailed;
  }
  for (const auto& w : words) std::cout << w << "\n";
  return kOk;
}

std::string usage_text() {
  std::string out = "usage: reprise <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) {
    if (!*c.help) continue;  // hidden
    std::string head = std::string(c.name) + (*c.synopsis ? " " : "") + c.synopsis;
    head.resize(std::max<std::size_t>(head.size() + 1, 32), ' ');
    std::string help = c.help;
    for (std::size_t at = help.find('\n'); at != std::string::npos; at = help.find('\n', at + 1))
      help.insert(at + 1, std::string(34, ' '));
    out += "  " + head + help + "\n";
  }
  return out + "\nrun `reprise <command> --help` for the options of a command.\n";
}

int dispatch(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << usage_text();
    return args.empty() ? kBadInput : kOk;
  }
  if (args[0] == "--version") {
    std::cout << "reprise " << REPRISE_VERSION << "\n";
    return kOk;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  std::vector<std::string> names;
  for (const Command& c : kCommands) {
    if (command == c.name) return c.handler(rest);
    names.push_back(c.name);
  }
  throw UsageError("unknown command '" + command + "'" + did_you_mean(command, names) + "\n" + usage_text());
}

// A node abandoned after its timeout may still be running on a detached thread:
// returning from main would run static destructors under it, so end here.
int finish(int code) {
  if (abandoned_threads() == 0) return code;
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::_exit(code);
}

int run_command(const std::vector<std::string>& args) {
  try {
    return dispatch(args);
  } catch (const SpecError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const UsageError& e) {
    std::cerr << "reprise: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "reprise: error: " << e.what() << "\n";
    return kFailed;
  }
}

}  // namespace

int cli_main(const std::vector<std::string>& args) { return finish(run_command(args)); }

}  // namespace reprise
