"""reprise from Python: run experiment specs, read their metrics and arrays.

    import reprise
    run = reprise.run("experiments/quickstart.yaml", overrides={"sweep.energy": [0.9, 0.5]}, jobs=2)
    run.metrics                                   # metrics.csv as a pandas DataFrame
    run.artifact("packed", energy=0.9)["data"]    # a node's array, as numpy (no copy)
    reprise.load(run.dir)                         # the same Run later, or for a CLI run

The engine is the C++ one the `reprise` command runs (the native module _reprise):
same specs, same cache, same run directories. reprise.run() releases the GIL while
the engine works; Ctrl-C (or "interrupt kernel" in Jupyter) stops it as Ctrl-C
stops `reprise run`: no new node starts, running nodes finish or abandon, the run
directory says INTERRUPTED, the cache stays valid, and KeyboardInterrupt is raised.
"""

import csv
import difflib
import json
import math
import re
from pathlib import Path

from . import _reprise

__version__ = _reprise.__version__
__all__ = ["run", "load", "plan", "components", "describe", "Run", "Artifact", "Error", "SpecError", "NodeError"]

# reprise.Error: every reprise failure; SpecError(Error): a bad spec or override,
# with .file, .line, .col and .message (str() is the CLI's "file:line:col: error: ...").
Error = _reprise.Error
SpecError = _reprise.SpecError


class NodeError(Error):
    """A node failed during reprise.run(). str() is the engine's message (node,
    component, sweep point and cause); .node, .component and .sweep_point (a dict)
    name the first failed node, .failures lists every one as (node, sweep_point,
    message), and .run is the Run with whatever did complete."""

    def __init__(self, message, node, component, sweep_point, failures, run):
        super().__init__(message)
        self.node = node
        self.component = component
        self.sweep_point = sweep_point
        self.failures = failures
        self.run = run


# ------------------------------------------------------------------ helpers

def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _override_text(value):
    """A Python value as the YAML text an override `key=value` takes."""
    if isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict)):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value.tolist() if hasattr(value, "tolist") else value, default=lambda v: v.item())
    raise TypeError(f"override value {value!r}: expected str, number, bool, list or dict")


def _override_list(overrides):
    """Overrides as the CLI takes them: ["key.path=value", ...] from a list or a dict."""
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return [f"{key}={_override_text(value)}" for key, value in overrides.items()]
    if isinstance(overrides, str):
        raise TypeError("overrides: a list of 'key.path=value' strings or a dict, not one string")
    return [str(o) for o in overrides]


_SPEC_ERROR = re.compile(r"^(.*):(\d+):(\d+): error: (.*)$", re.S)


def _spec_error(text):
    """A SpecError from the CLI's "file:line:col: error: message" text."""
    error = SpecError(text)
    match = _SPEC_ERROR.match(text)
    error.file, error.line, error.col, error.message = (
        (match[1], int(match[2]), int(match[3]), match[4]) if match else ("", 0, 0, text))
    return error


def _typed_cell(text):
    try:
        return float(text) if text != "" else math.nan
    except ValueError:
        return None


def _read_metrics(path):
    """metrics.csv as a pandas DataFrame, or without pandas a dict of numpy columns
    (float64 where every cell is a number, else str objects)."""
    try:
        import pandas
    except ImportError:
        pandas = None
    if pandas is not None:
        # round_trip: the exact doubles the file holds (pandas' default parser may be 1 ulp off)
        return pandas.read_csv(path, float_precision="round_trip")
    import numpy
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {}
    header, body = rows[0], rows[1:]
    columns = {}
    for i, name in enumerate(header):
        cells = [row[i] if i < len(row) else "" for row in body]
        numbers = [_typed_cell(c) for c in cells]
        columns[name] = (numpy.array(numbers, dtype=numpy.float64) if all(n is not None for n in numbers)
                         else numpy.array(cells, dtype=object))
    return columns


# ------------------------------------------------------------------ Artifact

class Artifact:
    """One node's artifact: .arrays (numpy, read-only views of the loaded data),
    .scalars (floats), .strings and .children (Artifacts), as the cache's HDF5
    file holds them. artifact[key] looks in that order, so where a name is both an
    array and a scalar (dataset/mvn's "samples": the array and its row count), the
    array wins and the scalar is in .scalars."""

    def __init__(self, parts):
        self.arrays = parts["arrays"]
        self.scalars = parts["scalars"]
        self.strings = parts["strings"]
        self.children = {k: Artifact(v) for k, v in parts["children"].items()}

    def _maps(self):
        return (self.arrays, self.children, self.scalars, self.strings)

    def __getitem__(self, key):
        for values in self._maps():
            if key in values:
                return values[key]
        names = self.keys()
        raise KeyError(f"no '{key}' in this artifact (has: {', '.join(names)}){_did_you_mean(key, names)}")

    def __contains__(self, key):
        return any(key in values for values in self._maps())

    def keys(self):
        return list(dict.fromkeys(k for values in self._maps() for k in values))

    def __repr__(self):
        shown = [f"{k}: {v.dtype}{list(v.shape)}" for k, v in self.arrays.items()]
        shown += [f"{k}: {v!r}" for k, v in {**self.scalars, **self.strings}.items() if k not in self.arrays]
        shown += [f"{k}: Artifact" for k in self.children]
        return "reprise.Artifact({" + ", ".join(shown) + "})"


# ---------------------------------------------------------------------- Run

class Run:
    """One run directory (results/<spec>/<run-id>/): what reprise.run() returns and
    reprise.load() reads back, for runs made here, by the CLI, or merged from shards."""

    def __init__(self, run_dir, cache=None):
        path = Path(run_dir)
        if not (path / "provenance.json").is_file() and (path / "latest" / "provenance.json").is_file():
            path = path / "latest"  # results/<name>: its newest run
        if not (path / "provenance.json").is_file():
            raise Error(f"'{run_dir}' is not a run directory (no provenance.json) nor a spec's results directory (no latest/)")
        self.dir = path.resolve()
        try:
            self.provenance = json.loads((self.dir / "provenance.json").read_text())
        except (OSError, ValueError) as e:
            raise Error(f"{self.dir / 'provenance.json'}: unreadable: {e}") from None
        self._cache = Path(cache) if cache else None
        self._metrics = None

    @property
    def status(self):
        """"complete", "failed", "incomplete" (interrupted) or "running" (never finished)."""
        return self.provenance.get("status", "unknown")

    @property
    def metrics(self):
        """metrics.csv: one row per sweep point, a column per sweep axis then one per
        scalar "node.key"; a pandas DataFrame when pandas is importable."""
        if self._metrics is None:
            path = self.dir / "metrics.csv"
            if not path.is_file():
                raise Error(f"{path}: missing (the run was interrupted before writing it: status {self.status})")
            self._metrics = _read_metrics(path)
        return self._metrics

    @property
    def figures(self):
        """The run's figures (SVG and PNG files), sorted by name."""
        folder = self.dir / "figures"
        return sorted(p for p in folder.glob("*") if p.suffix in (".svg", ".png")) if folder.is_dir() else []

    def nodes(self):
        """Every distinct node instance of the run: name, component, sweep_point (the
        sweep values it depends on), identity, status, seconds, error, and the cache
        it is in; for a merged run, its shards' instances."""
        return _reprise.node_instances(str(self.dir), str(self._cache) if self._cache else "")

    def artifact(self, node, **sweep_values):
        """The Artifact node `node` produced at the sweep point `sweep_values` (only
        the axes it depends on are needed): numpy arrays (read-only views of the
        cached data, not copies), floats, strings and child Artifacts. The lookup is
        `reprise export`'s: an unknown node, axis or value, an ambiguous point or a
        node that did not complete raise reprise.Error naming the choices."""
        sweep = [(axis, _override_text(value)) for axis, value in sweep_values.items()]
        where = _reprise.locate(str(self.dir), node, sweep, str(self._cache) if self._cache else "")
        return Artifact(_reprise.read_artifact(where["cache_dir"], where["identity"]))

    def __repr__(self):
        return f"reprise.Run('{self.dir}', status={self.status!r})"


# ---------------------------------------------------------------------- API

def run(spec, overrides=None, jobs=1, out="results", cache=None, keep_going=False, force=(), verbose=1):
    """Runs a spec in this process, as `reprise run` does, and returns its Run.

    overrides: ["nodes.data.dim=32", "sweep.energy=0.5,0.9"] or {"nodes.data.dim": 32,
    "sweep.energy": [0.5, 0.9]}; jobs: nodes computed in parallel; out: the results
    root (runs go to out/<name>/<run-id>/); cache: default out/.cache; keep_going: after
    a failure still run every node that does not depend on it; force: node names to
    recompute; verbose: 0 quiet, 1 progress and summary on stderr, 2 also cache hits.

    Raises SpecError for a bad spec or override (nothing is written), NodeError when
    a node fails (.run holds what completed), KeyboardInterrupt when interrupted."""
    cache = str(cache) if cache else ""
    result = _reprise.run(str(spec), _override_list(overrides), int(jobs), str(out), cache, bool(keep_going),
                          [str(f) for f in force], int(verbose))
    problems = result["problems"]
    if not result["run_dir"]:
        raise Error("; ".join(problems) or "the run wrote no run directory")
    done = Run(result["run_dir"], cache or None)
    if result["code"] == 1:
        failed = [n for n in done.nodes() if n["status"] == "failed"]
        if not failed:
            raise Error("; ".join(problems))
        first = failed[0]
        raise NodeError(first["error"] or problems[0], first["name"], first["component"], first["sweep_point"],
                        [(n["name"], n["sweep_point"], n["error"]) for n in failed], done)
    if result["code"] == 2:
        error = _spec_error(problems[0])
        error.run = done
        raise error
    return done


def load(run_dir, cache=None):
    """The Run of a finished run directory (or results/<name> for its newest run),
    written by reprise.run(), the CLI, or `reprise report --merge` of shards.
    cache: where its artifacts are, when not where the run recorded."""
    return Run(run_dir, cache)


def plan(spec, overrides=None, out="results", cache=None):
    """What `reprise plan` shows, as a list of dicts: node, variant, component,
    identity, cached (in `cache`, default out/.cache), points (sweep points using it)."""
    return _reprise.plan(str(spec), _override_list(overrides), str(out), str(cache) if cache else "")


def components():
    """Every registered component, as `reprise list --json` prints them: a list of
    dicts with name, kind, version, doc, available and unavailable (why not)."""
    return json.loads(_reprise.components_json())


def describe(name):
    """One component, as `reprise describe NAME --json` prints it: the summary plus
    params (name, type, default, required, min, max, choices, constraint,
    in_identity, doc), inputs (name, optional, keywords, doc) and outputs."""
    return json.loads(_reprise.describe_json(name))
