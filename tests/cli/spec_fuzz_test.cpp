// Spec fuzzing: every spec in experiments/, mutated many ways, must make
// `reprise plan` exit 0 (the mutation happened to be valid) or 2 with a
// `file:line:col: error:` message: never crash, hang, or fail otherwise.
//
// Deterministic (fixed seed) and bounded (case_count() cases, each under a kill
// timeout) so it runs in ctest as `spec_fuzz`. A failing case prints its
// mutation and the mutated text so it can be replayed by hand.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <regex>

#include "tests/cli/cli_support.hpp"

using namespace reprise::test;
namespace fs = std::filesystem;

namespace {

// ctest's bounded run; REPRISE_SPEC_FUZZ_CASES=N runs a campaign of N cases
// (README's robustness table: 12 000).
constexpr int kDefaultCases = 600;
int case_count() {
  const char* n = std::getenv("REPRISE_SPEC_FUZZ_CASES");
  return n && std::atoi(n) > 0 ? std::atoi(n) : kDefaultCases;
}
constexpr int kTimeoutSeconds = 20;  // a case that takes this long is a hang
constexpr std::uint64_t kSeed = 20261123;

using Rng = std::mt19937_64;

std::size_t pick(Rng& rng, std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }

// A place in a YAML tree that can be replaced or removed.
struct Slot {
  YAML::Node parent;  // map or sequence
  YAML::Node key;     // map key (Null for sequences)
  std::size_t index = 0;
};

void collect(const YAML::Node& n, std::vector<Slot>& out) {
  if (n.IsMap())
    for (auto it = n.begin(); it != n.end(); ++it) {
      out.push_back({n, it->first, 0});
      collect(it->second, out);
    }
  else if (n.IsSequence())
    for (std::size_t i = 0; i < n.size(); ++i) {
      out.push_back({n, YAML::Node(), i});
      collect(n[i], out);
    }
}

void replace(Slot& s, const YAML::Node& value) {
  if (s.parent.IsMap()) s.parent[s.key] = value;
  else s.parent[s.index] = value;
}

// Placeholders emitted as scalars, then swapped for raw YAML text the emitter
// cannot produce (it would recurse, or expand aliases).
const char* kDeep = "ZZDEEPZZ";
const char* kBomb = "ZZBOMBZZ";

std::string deep_text(std::size_t depth, bool maps) {
  std::string open = maps ? "{a: " : "[", close = maps ? "}" : "]";
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += open;
  s += "1";
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

// "Billion laughs": 9 levels of 9 aliases each, 9^9 leaves once expanded.
std::string bomb_text() {
  std::string s = "[&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]";
  for (int level = 1; level < 9; ++level) {
    s += ", &l" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i) s += (i ? ", *l" : "*l") + std::to_string(level - 1);
    s += "]";
  }
  return s + "]";
}

std::string substitute(std::string text, const std::string& placeholder, const std::string& raw) {
  for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + raw.size()))
    text.replace(pos, placeholder.size(), raw);
  return text;
}

const std::vector<std::string> kWrongValues = {"{a: 1, b: [2]}", "[1, [2, 3]]", "just text", "~", "true", "''",
                                               "${nope}", "${nodes.x.y}", "${", "$${energy}", "[]", "{}"};
const std::vector<std::string> kHugeNumbers = {"1e400", "-1e400", "99999999999999999999999", "-9223372036854775809",
                                               "9223372036854775807", "1e18", "-1", "0", ".nan", ".inf", "-.inf",
                                               "0x7fffffffffffffff", "4.9e-324", "1e-400"};

struct Mutant {
  std::string kind;
  std::string text;
  std::map<std::string, std::string> extra_files;  // name (beside the spec) -> text
};

std::string mangle(std::string s, Rng& rng) {
  if (s.empty()) return "x";
  switch (pick(rng, 4)) {
    case 0: s[pick(rng, s.size())] = static_cast<char>('a' + pick(rng, 26)); break;
    case 1: s += "_zz"; break;
    case 2: std::swap(s[0], s[pick(rng, s.size())]); break;
    default: s = "unknown/" + s; break;
  }
  return s;
}

// One structural mutation of the parsed spec; false when it does not apply.
bool mutate_tree(YAML::Node& root, const std::string& kind, Rng& rng) {
  std::vector<Slot> slots;
  collect(root, slots);
  if (slots.empty()) return false;
  Slot s = slots[pick(rng, slots.size())];
  YAML::Node current = s.parent.IsMap() ? s.parent[s.key] : s.parent[s.index];
  if (kind == "delete-key") {
    if (s.parent.IsMap()) s.parent.remove(s.key);
    else s.parent.remove(s.index);
  } else if (kind == "wrong-type") {
    replace(s, YAML::Load(kWrongValues[pick(rng, kWrongValues.size())]));
  } else if (kind == "huge-number") {
    replace(s, YAML::Node(kHugeNumbers[pick(rng, kHugeNumbers.size())]));
  } else if (kind == "deep-nesting") {
    replace(s, YAML::Node(kDeep));
  } else if (kind == "alias-bomb") {
    replace(s, YAML::Node(kBomb));
  } else if (kind == "unknown-name") {
    // Rename a key (node, param, top-level) or mangle a scalar (component, input, reference).
    if (s.parent.IsMap() && pick(rng, 2) == 0) {
      YAML::Node value = current;
      std::string key = s.key.as<std::string>();
      s.parent.remove(s.key);
      s.parent[mangle(key, rng)] = value;
    } else if (current.IsScalar()) {
      replace(s, YAML::Node(mangle(current.as<std::string>(), rng)));
    } else {
      return false;
    }
  } else if (kind == "huge-sweep") {
    YAML::Node sweep;
    for (int a = 0; a < 9; ++a)
      for (int v = 0; v < 10; ++v) sweep["axis" + std::to_string(a)].push_back(v);
    root["sweep"] = sweep;
  } else if (kind == "reference-bomb") {
    // zz0.seed = "${nodes.zz1.seed}${nodes.zz1.seed}", zz1.seed = ... : 2^24 lookups if expanded.
    if (!root["nodes"].IsMap() || root["nodes"].size() == 0 || !root["nodes"].begin()->second.IsMap()) return false;
    YAML::Node use = root["nodes"].begin()->second["use"];
    for (int i = 0; i < 24; ++i) {
      std::string next = "${nodes.zz" + std::to_string(i + 1) + ".seed}";
      root["nodes"]["zz" + std::to_string(i)]["use"] = use;
      root["nodes"]["zz" + std::to_string(i)]["seed"] = next + next;
    }
    root["nodes"]["zz24"]["use"] = use;
    root["nodes"]["zz24"]["seed"] = 1;
  } else if (kind == "input-cycle") {
    // A node given itself, or a node downstream of it, as an input: data: data.
    if (!root["nodes"].IsMap()) return false;
    std::vector<std::string> names;
    for (auto node = root["nodes"].begin(); node != root["nodes"].end(); ++node) names.push_back(node->first.as<std::string>());
    std::vector<std::pair<YAML::Node, std::string>> refs;  // (node's map, key whose value names a node)
    for (auto node = root["nodes"].begin(); node != root["nodes"].end(); ++node) {
      if (!node->second.IsMap()) continue;
      for (auto kv = node->second.begin(); kv != node->second.end(); ++kv)
        if (kv->second.IsScalar() && std::count(names.begin(), names.end(), kv->second.Scalar()))
          refs.emplace_back(node->second, kv->first.as<std::string>());
    }
    if (refs.empty()) return false;
    // Point one reference at a node that itself takes an input (its own node when
    // both picks agree: a self-cycle; otherwise often a longer cycle).
    auto [node_map, key] = refs[pick(rng, refs.size())];
    const YAML::Node other = refs[pick(rng, refs.size())].first;
    std::string target;
    for (auto node = root["nodes"].begin(); node != root["nodes"].end(); ++node)
      if (node->second.is(other)) target = node->first.as<std::string>();
    node_map[key] = target;
  } else if (kind == "self-reference") {
    if (!root["nodes"].IsMap() || root["nodes"].size() == 0) return false;
    auto node = root["nodes"].begin();
    std::string name = node->first.as<std::string>();
    if (!node->second.IsMap()) return false;
    node->second["seed"] = "${nodes." + name + ".seed}";
  } else {
    return false;
  }
  return true;
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  std::string text = out.c_str();
  text = substitute(text, kDeep, deep_text(5000, false));
  return substitute(text, kBomb, bomb_text()) + "\n";
}

const std::vector<std::string> kKinds = {"delete-key", "wrong-type", "huge-number", "deep-nesting", "alias-bomb",
                                         "unknown-name", "huge-sweep", "input-cycle", "self-reference", "reference-bomb", "include-cycle",
                                         "include-missing", "binary-junk", "truncate", "deep-text", "duplicate-line"};

Mutant mutate(const std::string& original, const std::string& name, const std::string& kind, Rng& rng) {
  Mutant m{kind, original, {}};
  if (kind == "binary-junk") {
    std::string junk;
    for (std::size_t i = 0, n = 1 + pick(rng, 16); i < n; ++i) junk += static_cast<char>(pick(rng, 256));
    m.text.insert(pick(rng, original.size() + 1), junk);
  } else if (kind == "truncate") {
    m.text.resize(pick(rng, original.size()));
  } else if (kind == "deep-text") {
    m.text += "deep: " + deep_text(100000, pick(rng, 2) == 0) + "\n";  // far past yaml-cpp's own limit
  } else if (kind == "duplicate-line") {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl; (nl = original.find('\n', start)) != std::string::npos; start = nl + 1)
      lines.push_back(original.substr(start, nl - start + 1));
    if (lines.empty()) return m;
    std::size_t i = pick(rng, lines.size());
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(pick(rng, lines.size())), lines[i]);
    m.text.clear();
    for (const auto& l : lines) m.text += l;
  } else if (kind == "include-cycle") {
    std::string other = name + ".other.yaml";
    m.text = "include: [" + other + "]\n" + original;
    m.extra_files[other] = "include: [" + name + "]\nseed: 5\n";
  } else if (kind == "include-missing") {
    m.text = "include: [" + std::string(pick(rng, 2) ? "/nonexistent/x.yaml" : "no_such_file.yaml") + "]\n" + original;
  } else {
    YAML::Node root;
    try {
      root = YAML::Load(original);
    } catch (const YAML::Exception&) {
      return m;
    }
    if (mutate_tree(root, kind, rng)) m.text = emit(root);
  }
  return m;
}

struct Outcome {
  int code = -1;  // exit status; -1: killed by a signal (or the timeout)
  std::string err;
  double seconds = 0;
};

Outcome plan(const ScratchDir& dir, const std::string& spec_dir, const std::string& spec) {
  std::string cmd = "cd '" + spec_dir + "' && timeout -s KILL " + std::to_string(kTimeoutSeconds) + " '" + REPRISE_BIN +
                    "' plan '" + spec + "' --out '" + dir.file("results") + "' >/dev/null 2>'" + dir.file("err.txt") +
                    "' </dev/null";
  auto t0 = std::chrono::steady_clock::now();
  int status = std::system(cmd.c_str());
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // `timeout` exits 137 when it had to kill; a crash in reprise shows as 128+signal from the shell.
  o.code = WIFEXITED(status) && WEXITSTATUS(status) < 128 ? WEXITSTATUS(status) : -1;
  o.err = read_file(dir.file("err.txt"));
  return o;
}

std::vector<fs::path> experiment_specs(const fs::path& root) {
  std::vector<fs::path> specs;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().extension() == ".yaml") specs.push_back(fs::relative(e.path(), root));
  std::sort(specs.begin(), specs.end());
  return specs;
}

}  // namespace

TEST_CASE("spec fuzz: mutated experiment specs make `reprise plan` exit 0 or 2 with file:line:col, never crash or hang") {
  ScratchDir dir;
  fs::path source = fs::path(REPRISE_SOURCE) / "experiments";
  fs::path work = dir.file("experiments");
  fs::copy(source, work, fs::copy_options::recursive);  // includes and data files resolve as in the repo
  std::vector<fs::path> specs = experiment_specs(work);
  REQUIRE(specs.size() >= 2);
  const std::regex located(R"((^|\n)[^\n:]+:[0-9]+:[0-9]+: error: )");
  Rng rng(kSeed);
  std::map<std::string, int> outcomes;
  std::map<std::string, std::map<int, int>> by_kind;  // kind -> exit code -> cases
  double slowest = 0;
  const int cases = case_count();
  for (int k = 0; k < cases; ++k) {
    const fs::path& spec = specs[static_cast<std::size_t>(k) % specs.size()];
    const std::string& kind = kKinds[(static_cast<std::size_t>(k) / specs.size()) % kKinds.size()];
    fs::path spec_dir = work / spec.parent_path();
    std::string name = "fuzz_" + std::to_string(k) + ".yaml";
    Mutant m = mutate(read_file((work / spec).string()), name, kind, rng);
    dir.write(fs::relative(spec_dir / name, dir.path()).string(), m.text);
    for (const auto& [file, text] : m.extra_files) dir.write(fs::relative(spec_dir / file, dir.path()).string(), text);
    Outcome o = plan(dir, spec_dir.string(), name);
    slowest = std::max(slowest, o.seconds);
    ++by_kind[kind][o.code];
    bool ok = o.code == 0 || (o.code == 2 && std::regex_search(o.err, located));
    ++outcomes[o.code == 0 ? "exit 0" : o.code == 2 ? (ok ? "exit 2" : "exit 2 without file:line:col")
                                                     : o.code < 0 ? "killed (crash or hang)" : "exit " + std::to_string(o.code)];
    CHECK_MESSAGE(ok, "case " << k << " (" << kind << " of " << spec.string() << ") exit " << o.code << " after "
                              << o.seconds << " s\nstderr: " << o.err.substr(0, 600)
                              << "\nmutated spec (first 600 bytes):\n" << m.text.substr(0, 600));
    fs::remove(spec_dir / name);
    for (const auto& [file, text] : m.extra_files) fs::remove(spec_dir / file);
  }
  std::string summary = "spec fuzz: " + std::to_string(cases) + " cases over " + std::to_string(specs.size()) + " specs x " +
                        std::to_string(kKinds.size()) + " mutation kinds:";
  for (const auto& [what, n] : outcomes) summary += " " + std::to_string(n) + " " + what + ";";
  char slow[64];
  std::snprintf(slow, sizeof slow, " slowest case %.2f s", slowest);
  MESSAGE(summary << slow);
  std::fprintf(stderr, "%s%s\n", summary.c_str(), slow);
  for (const auto& [kind, codes] : by_kind) {
    std::fprintf(stderr, "  %-16s", kind.c_str());
    for (const auto& [code, n] : codes) std::fprintf(stderr, " exit %d: %d", code, n);
    std::fprintf(stderr, "\n");
  }
}
