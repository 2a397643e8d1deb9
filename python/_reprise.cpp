// _reprise: the native half of `import reprise` (pybind11). python/reprise/__init__.py
// builds the public API (Run, load, errors as Python classes) on these functions:
//   run(...)        one spec run in-process, the same run_spec() as `reprise run`
//   plan(...)       the plan as a list of dicts (what `reprise plan` prints)
//   components_json(), describe_json(name)  the registry as `reprise list --json`
//                   and `reprise describe NAME --json` print it
//   node_instances(run_dir, cache)       every node instance of a run
//   locate(run_dir, node, sweep, cache)  which cache entry a node instance is
//   read_artifact(cache_dir, identity)  a cached artifact as numpy arrays
//
// The GIL is released while the engine runs; run() waits on a worker thread and
// checks Python's signals every 50 ms, so Ctrl-C in a terminal or "interrupt
// kernel" in Jupyter asks the executor to stop exactly as Ctrl-C does in the CLI
// (no new node starts, running ones finish or abandon, the cache stays valid),
// and the KeyboardInterrupt is raised once the run directory is written.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "framework/cli/catalog.hpp"
#include "framework/cli/run_spec.hpp"
#include "framework/core/errors.hpp"
#include "framework/core/hash.hpp"
#include "framework/core/registry.hpp"
#include "framework/exec/executor.hpp"
#include "framework/plan/graph.hpp"
#include "framework/report/export.hpp"
#include "framework/spec/spec.hpp"
#include "framework/store/cache.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;
using namespace reprise;

namespace {

// -------------------------------------------------------------- exceptions

// reprise.Error (RuntimeError), and reprise.SpecError(Error) carrying file, line,
// col and the bare message besides the CLI's "file:line:col: error: message" text.
// Raw pointers on purpose: the module owns the classes, and a py::object global
// would be destroyed after the interpreter has gone.
PyObject* g_error_type = nullptr;
PyObject* g_spec_error_type = nullptr;

// SpecError -> reprise.SpecError; any other engine error -> reprise.Error; pybind11's
// own exceptions (ValueError, KeyError, a Python error passing through) as they are.
void translate_errors(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const SpecError& e) {
    py::object error = py::reinterpret_borrow<py::object>(g_spec_error_type)(e.what());
    error.attr("file") = e.loc().file;
    error.attr("line") = e.loc().line;
    error.attr("col") = e.loc().col;
    error.attr("message") = e.message();
    PyErr_SetObject(g_spec_error_type, error.ptr());
  } catch (const py::builtin_exception&) {
    throw;
  } catch (const py::error_already_set&) {
    throw;
  } catch (const std::exception& e) {
    PyErr_SetString(g_error_type, e.what());
  }
}

// ---------------------------------------------------------------------- run

std::string default_cache(const std::string& out, const std::string& cache) {
  return cache.empty() ? (fs::path(out) / ".cache").string() : cache;
}

// What provenance.json records as the command that reruns this run: the CLI
// equivalent of the call, so a run started in a notebook can be rerun in a shell.
std::vector<std::string> equivalent_command(const RunArgs& a) {
  std::vector<std::string> cl = {"reprise", "run", a.spec};
  cl.insert(cl.end(), a.overrides.begin(), a.overrides.end());
  for (const std::string& f : a.force) cl.insert(cl.end(), {"--force", f});
  cl.insert(cl.end(), {"-j", std::to_string(a.jobs), "--out", a.out, "--cache", a.cache_dir});
  if (a.keep_going) cl.push_back("--keep-going");
  return cl;
}

// Runs run_spec() on a worker thread with the GIL released. While it runs, this
// thread takes the GIL back every 50 ms to run Python's signal handlers; an
// exception from one (KeyboardInterrupt) becomes request_stop() and is re-raised
// after the run has ended cleanly.
py::dict run(const std::string& spec, const std::vector<std::string>& overrides, int jobs, const std::string& out,
             const std::string& cache, bool keep_going, const std::vector<std::string>& force, int verbosity) {
  if (jobs < 1) throw py::value_error("jobs must be at least 1, got " + std::to_string(jobs));
  RunArgs a;
  a.spec = spec;
  a.overrides = overrides;
  a.jobs = jobs;
  a.out = out;
  a.cache_dir = default_cache(out, cache);
  a.keep_going = keep_going;
  a.force = force;
  a.verbosity = verbosity;
  std::vector<std::string> command_line = equivalent_command(a);
  clear_stop_request();

  std::optional<py::error_already_set> interrupt;
  RunOutcome outcome;
  {
    py::gil_scoped_release no_gil;
    std::future<RunOutcome> running = std::async(std::launch::async, [&] { return run_spec(a, command_line); });
    while (running.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire gil;
      if (!interrupt && PyErr_CheckSignals() != 0) {
        interrupt.emplace();  // takes the pending Python exception
        request_stop();
        PySys_WriteStderr("\nreprise: stopping: no new nodes start, running ones finish or abandon\n");
      }
    }
    outcome = running.get();  // rethrows SpecError and friends (translated on the way out)
  }
  if (interrupt) {
    if (!outcome.run_dir.empty())
      PySys_WriteStderr("reprise: %s is INTERRUPTED: run the same call again to resume from the cache\n", outcome.run_dir.c_str());
    throw *interrupt;
  }
  py::dict result;
  result["code"] = outcome.code;
  result["run_dir"] = outcome.run_dir;
  result["problems"] = outcome.problems;
  return result;
}

// --------------------------------------------------------------------- plan

py::list plan(const std::string& spec, const std::vector<std::string>& overrides, const std::string& out,
              const std::string& cache_dir) {
  Spec loaded = load_spec(spec, overrides);
  Plan planned = make_plan(loaded);
  Cache cache(default_cache(out, cache_dir));
  py::list nodes;
  for (const PlannedNode& n : planned.nodes) {
    py::dict d;
    d["node"] = n.name;
    d["variant"] = n.variant;
    d["component"] = n.component->name;
    d["identity"] = hex16(n.identity);
    d["cached"] = cache.contains(n.identity);
    d["points"] = n.points.size();
    nodes.append(d);
  }
  return nodes;
}

// ------------------------------------------------------------ the registry
// As the JSON of `reprise list --json` / `describe --json` (catalog.hpp): one writer.

std::string components_json() { return catalog_json().dump(); }

std::string describe_json(const std::string& name) {
  const ComponentInfo* c = Registry::instance().find(name);
  if (!c)
    throw py::value_error("unknown component '" + name + "'" + did_you_mean(name, Registry::instance().names()) +
                          " (see reprise.components())");
  return component_json(*c).dump();
}

// ---------------------------------------------------------------- artifacts

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::f32: return py::dtype::of<float>();
    case DType::f64: return py::dtype::of<double>();
    case DType::i8: return py::dtype::of<std::int8_t>();
    case DType::i32: return py::dtype::of<std::int32_t>();
    case DType::i64: return py::dtype::of<std::int64_t>();
    case DType::u16: return py::dtype::of<std::uint16_t>();
    case DType::u8: return py::dtype::of<std::uint8_t>();
  }
  throw std::logic_error("unknown dtype");
}

// A read-only numpy view of the artifact's own buffer, no copy: the capsule holds
// a reference to the Array's shared payload for as long as numpy needs it.
py::array numpy_view(const Array& a) {
  auto* kept = new Array(a);  // shares the payload; cheap
  py::capsule owner(kept, [](void* p) { delete static_cast<Array*>(p); });
  std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
  py::array view(numpy_dtype(a.dtype()), shape, static_cast<const void*>(kept->bytes().data()), owner);
  view.attr("flags").attr("writeable") = false;
  return view;
}

// {"arrays": {...}, "scalars": {...}, "strings": {...}, "children": {...}}: four
// maps, as in the artifact (and in HDF5, where arrays are datasets and scalars
// attributes), because one name may be both (dataset/mvn's "samples").
py::dict to_python(const Artifact& a) {
  py::dict arrays, scalars, strings, children;
  for (const auto& [k, v] : a.arrays()) arrays[py::str(k)] = numpy_view(v);
  for (const auto& [k, v] : a.scalars()) scalars[py::str(k)] = v;
  for (const auto& [k, v] : a.strings()) strings[py::str(k)] = v;
  for (const auto& [k, v] : a.children()) children[py::str(k)] = to_python(v);
  py::dict d;
  d["arrays"] = arrays;
  d["scalars"] = scalars;
  d["strings"] = strings;
  d["children"] = children;
  return d;
}

// Every node instance of the run (merged runs: their shards'), as node_instances()
// reads them for `reprise export`: the one reading of provenance.json's node records.
py::list node_instances_of(const std::string& run_dir, const std::string& cache_dir) {
  std::vector<NodeInstance> all;
  {
    py::gil_scoped_release no_gil;
    all = node_instances(run_dir, cache_dir);
  }
  py::list out;
  for (const NodeInstance& i : all) {
    py::dict d;
    d["name"] = i.where.name;
    d["component"] = i.component;
    d["sweep_point"] = i.point;
    d["identity"] = i.where.identity;
    d["status"] = i.status;
    d["seconds"] = i.seconds;
    d["error"] = i.error.empty() ? py::object(py::none()) : py::object(py::str(i.error));
    d["cache"] = i.where.cache_dir;
    out.append(d);
  }
  return out;
}

// Which cache entry node `node` at the sweep values `sweep` of the run at `run_dir`
// is: locate_node(), the same lookup as `reprise export` (errors name the choices).
py::dict locate(const std::string& run_dir, const std::string& node, const std::vector<std::pair<std::string, std::string>>& sweep,
                const std::string& cache_dir) {
  NodeLocation where;
  {
    py::gil_scoped_release no_gil;
    where = locate_node(run_dir, node, sweep, cache_dir);
  }
  py::dict d;
  d["name"] = where.name;
  d["variant"] = where.variant;
  d["identity"] = where.identity;
  d["cache_dir"] = where.cache_dir;
  return d;
}

// The artifact with this identity (16 hex digits) from the cache, checked against
// its checksum. A corrupt entry is quarantined, as in a run, and reported.
py::dict read_artifact(const std::string& cache_dir, const std::string& identity_hex) {
  std::uint64_t identity = 0;
  try {
    std::size_t used = 0;
    identity = std::stoull(identity_hex, &used, 16);
    if (used != identity_hex.size()) throw std::invalid_argument(identity_hex);
  } catch (const std::exception&) {
    throw py::value_error("not an identity (16 hex digits): '" + identity_hex + "'");
  }
  CacheRead read;
  {
    py::gil_scoped_release no_gil;
    Cache cache(cache_dir);
    read = cache.load(identity);
  }
  if (read.status == CacheRead::Status::Missing)
    throw py::key_error("no cache entry " + identity_hex + " in " + cache_dir +
                        " (removed by `reprise cache gc`, or computed with another --cache / on another machine)");
  if (read.status == CacheRead::Status::Corrupt)
    throw std::runtime_error("cache entry " + identity_hex + " in " + cache_dir + " is corrupt (" + read.problem +
                             "); it was quarantined: rerun the spec to recompute it");
  return to_python(read.artifact);
}

}  // namespace

PYBIND11_MODULE(_reprise, m) {
  m.doc() = "native half of the reprise Python module; use `import reprise`";
  m.attr("__version__") = REPRISE_VERSION;
  g_error_type = PyErr_NewException("reprise.Error", PyExc_RuntimeError, nullptr);
  g_spec_error_type = PyErr_NewException("reprise.SpecError", g_error_type, nullptr);
  m.attr("Error") = py::reinterpret_borrow<py::object>(g_error_type);
  m.attr("SpecError") = py::reinterpret_borrow<py::object>(g_spec_error_type);
  py::register_exception_translator(translate_errors);

  m.def("run", &run, py::arg("spec"), py::arg("overrides"), py::arg("jobs"), py::arg("out"), py::arg("cache"),
        py::arg("keep_going"), py::arg("force"), py::arg("verbosity"));
  m.def("plan", &plan, py::arg("spec"), py::arg("overrides"), py::arg("out"), py::arg("cache"));
  m.def("components_json", &components_json);
  m.def("describe_json", &describe_json, py::arg("name"));
  m.def("node_instances", &node_instances_of, py::arg("run_dir"), py::arg("cache_dir"));
  m.def("locate", &locate, py::arg("run_dir"), py::arg("node"), py::arg("sweep"), py::arg("cache_dir"));
  m.def("read_artifact", &read_artifact, py::arg("cache_dir"), py::arg("identity"));
}
