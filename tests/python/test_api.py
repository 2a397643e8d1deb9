"""The Python module against the build tree (ctest `python`): every function of the
API, checked against the CLI writing the same run, against numpy recomputing a
metric from the arrays, and against a real SIGINT."""

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import reprise

SOURCE = Path(os.environ.get("REPRISE_SOURCE", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("REPRISE_BIN", str(SOURCE / "build" / "reprise"))
QUICKSTART = SOURCE / "experiments" / "quickstart.yaml"
SMALL = {"nodes.data.samples": 3000, "sweep.energy": [0.99, 0.9, 0.7]}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("results")


@pytest.fixture(scope="module")
def quick(out):
    return reprise.run(QUICKSTART, overrides=SMALL, jobs=2, out=out, verbose=0)


def csv_rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_spec(folder, name, text):
    path = Path(folder) / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------- run / Run

def test_run_returns_the_run_directory_and_its_metrics(quick):
    assert quick.status == "complete"
    assert quick.dir.is_dir() and (quick.dir / "metrics.csv").is_file()
    rows = csv_rows(quick.dir / "metrics.csv")
    metrics = quick.metrics
    assert list(metrics.columns) == rows[0]
    assert len(metrics) == len(rows) - 1 == 3
    for i, row in enumerate(rows[1:]):
        for column, cell in zip(rows[0], row):
            assert float(metrics[column].iloc[i]) == float(cell)  # exactly the file's value
    assert sorted(metrics["energy"]) == [0.7, 0.9, 0.99]


def test_provenance_is_the_run_record_and_names_the_equivalent_command(quick):
    prov = quick.provenance
    assert prov["status"] == "complete" and prov["spec"]["name"] == "quickstart"
    assert prov["command"][:3] == ["reprise", "run", str(QUICKSTART)]
    assert Path(prov["cache"]).is_dir()
    assert {n["name"] for n in prov["nodes"]} == {"data", "packed", "err"}


def test_figures_are_the_drawn_files(quick):
    figures = quick.figures
    assert figures and all(f.is_file() and f.suffix in (".svg", ".png") for f in figures)
    assert any(f.stem == "moments_vs_ratio" for f in figures)


def test_the_cli_rerun_of_the_same_spec_hits_the_cache_and_writes_the_same_metrics(quick, out):
    args = [f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in SMALL.items()]
    cli = subprocess.run([BIN, "run", str(QUICKSTART), *args, "--out", str(out), "-q"],
                         capture_output=True, text=True, check=True)
    cli_dir = Path(cli.stdout.strip())
    assert cli_dir != quick.dir
    again = reprise.load(cli_dir)
    assert again.provenance["counts"]["cached"] == len(again.provenance["nodes"])
    timing = [c for c in quick.metrics.columns if c.endswith("seconds")]
    assert again.metrics.drop(columns=timing).equals(quick.metrics.drop(columns=timing))


def test_overrides_as_a_list_are_the_cli_strings(out):
    run = reprise.run(str(QUICKSTART), overrides=["nodes.data.samples=3000", "sweep.energy=0.5"], out=out, verbose=0)
    assert list(run.metrics["energy"]) == [0.5]


# ------------------------------------------------------------------ artifacts

def test_artifact_arrays_reproduce_the_metric_computed_from_them(quick):
    truth = quick.artifact("data")["samples"]
    row = quick.metrics[quick.metrics["energy"] == 0.9].iloc[0]
    decoded = quick.artifact("packed", energy=0.9)["samples"]
    assert truth.shape == decoded.shape == (3000, 64)
    upper = np.triu_indices(64)
    first = np.abs(truth.mean(0) - decoded.mean(0))
    second = np.abs((truth.T @ truth / len(truth))[upper] - (decoded.T @ decoded / len(decoded))[upper])
    assert max(first.max(), second.max()) == pytest.approx(row["err.max_abs"], rel=1e-9)
    assert np.concatenate([first, second]).mean() == pytest.approx(row["err.mean_abs"], rel=1e-9)


def test_artifact_keeps_an_array_and_a_scalar_of_the_same_name(quick):
    data = quick.artifact("data")
    assert data["samples"].shape == (3000, 64) and data.scalars["samples"] == 3000.0
    assert "samples" in data and "covariance" in data.keys() and "nothing" not in data
    with pytest.raises(KeyError, match="no 'sample' in this artifact.*did you mean 'samples'"):
        data["sample"]


def test_artifact_scalars_and_strings_are_python_values(quick):
    packed = quick.artifact("packed", energy=0.7)
    assert isinstance(packed["ratio"], float)
    assert packed["ratio"] == pytest.approx(float(quick.metrics[quick.metrics["energy"] == 0.7]["packed.ratio"].iloc[0]))
    assert packed["counts"].dtype == np.int32


def test_artifact_arrays_are_read_only_views_not_copies(quick):
    samples = quick.artifact("data")["samples"]
    assert not samples.flags.writeable
    assert not samples.flags.owndata and samples.base is not None
    with pytest.raises(ValueError):
        samples[0, 0] = 1.0


def test_artifact_errors_name_the_choices(quick):
    with pytest.raises(reprise.Error, match=r"(?s)3 instances.*energy=0\.99.*energy=0\.9.*energy=0\.7"):
        quick.artifact("packed")
    with pytest.raises(reprise.Error, match=r"energy=0\.42 is not a point.*0\.99, 0\.9, 0\.7"):
        quick.artifact("packed", energy=0.42)
    with pytest.raises(reprise.Error, match="no node 'pakced'.*did you mean 'packed'"):
        quick.artifact("pakced", energy=0.9)
    with pytest.raises(reprise.Error, match="unknown sweep axis 'energie'.*did you mean 'energy'"):
        quick.artifact("packed", energie=0.9)


def test_a_missing_cache_entry_says_where_it_looked(quick, tmp_path):
    run = reprise.load(quick.dir, cache=tmp_path)
    with pytest.raises(KeyError, match=r"no cache entry [0-9a-f]{16} in " + str(tmp_path)):
        run.artifact("data")


# ----------------------------------------------------------------------- load

def test_load_gives_the_same_run(quick):
    again = reprise.load(str(quick.dir))
    assert again.dir == quick.dir and again.status == "complete"
    assert again.metrics.equals(quick.metrics)
    np.testing.assert_array_equal(again.artifact("data")["samples"], quick.artifact("data")["samples"])


def test_load_of_a_spec_results_folder_is_its_newest_run(quick, out):
    newest = reprise.load(out / "quickstart")
    assert newest.dir == (out / "quickstart" / "latest").resolve()


def test_load_of_a_non_run_is_an_error(tmp_path):
    with pytest.raises(reprise.Error, match="not a run directory"):
        reprise.load(tmp_path)


def test_load_of_merged_shards_reads_every_shard(tmp_path):
    args = [str(QUICKSTART), "nodes.data.samples=2000", "sweep.energy=0.9,0.5", "--out", str(tmp_path), "-q"]
    shards = [subprocess.run([BIN, "run", *args, "--shard", f"{i}/2"], capture_output=True, text=True, check=True)
              .stdout.strip() for i in range(2)]
    merged = subprocess.run([BIN, "report", "--merge", *shards, "--out", str(tmp_path / "merged")],
                            capture_output=True, text=True, check=True).stdout.strip()
    run = reprise.load(merged)
    assert run.provenance["merged"] and sorted(run.metrics["energy"]) == [0.5, 0.9]
    assert run.artifact("packed", energy=0.5)["samples"].shape == (2000, 64)


def test_metrics_without_pandas_are_numpy_columns(quick, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    columns = reprise.load(quick.dir).metrics
    assert isinstance(columns, dict) and list(columns) == list(quick.metrics.columns)
    for name, values in columns.items():
        assert isinstance(values, np.ndarray)
        np.testing.assert_array_equal(values, quick.metrics[name].to_numpy())


# --------------------------------------------------------------------- errors

def test_a_bad_override_is_a_spec_error_with_its_location_and_writes_nothing(tmp_path):
    with pytest.raises(reprise.SpecError) as caught:
        reprise.run(QUICKSTART, overrides={"nodes.data.dimm": 3}, out=tmp_path)
    e = caught.value
    assert "error:" in str(e) and "did you mean 'dim'" in str(e)
    assert e.file and e.line >= 1 and e.col >= 1 and e.message in str(e)
    assert isinstance(e, reprise.Error)
    assert not any(tmp_path.iterdir())


def test_a_spec_error_in_the_file_points_at_the_line(tmp_path):
    spec = write_spec(tmp_path, "bad.yaml", "name: bad\nnodes:\n  data: {use: dataset/mvnn, dim: 4}\n")
    with pytest.raises(reprise.SpecError, match="did you mean 'dataset/mvn'") as caught:
        reprise.run(spec, out=tmp_path / "out")
    assert caught.value.file.endswith("bad.yaml") and caught.value.line == 3


def test_a_failing_node_is_a_node_error_naming_node_and_sweep_point(tmp_path):
    spec = write_spec(tmp_path, "fails.yaml", """
name: fails
sweep: {dim: [8, 16]}
nodes:
  truth:  {use: dataset/mvn, dim: 8, samples: 200}
  sample: {use: dataset/mvn, dim: "${dim}", samples: 200}
  err:    {use: metric/moments-error, truth: truth, sample: sample}
""")
    with pytest.raises(reprise.NodeError) as caught:
        reprise.run(spec, out=tmp_path / "out", keep_going=True, verbose=0)
    e = caught.value
    assert e.node == "err" and e.component == "metric/moments-error" and e.sweep_point == {"dim": "16"}
    assert "node 'err'" in str(e) and "dim=16" in str(e)
    assert [f[0] for f in e.failures] == ["err"]
    assert e.run.status == "failed" and list(e.run.metrics["dim"]) == [8]


def test_bad_arguments_are_value_and_type_errors(tmp_path):
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        reprise.run(QUICKSTART, jobs=0, out=tmp_path)
    with pytest.raises(TypeError, match="not one string"):
        reprise.run(QUICKSTART, overrides="seed=2", out=tmp_path)


# -------------------------------------------------------- plan and the registry

def test_plan_mirrors_the_cli_and_sees_the_cache(quick, out):
    nodes = reprise.plan(QUICKSTART, overrides=SMALL, out=out)
    assert sorted(n["node"] for n in nodes) == ["data", "err", "err", "err", "packed", "packed", "packed"]
    assert nodes[0]["node"] == "data"  # topological order: inputs first
    assert all(n["cached"] for n in nodes)
    cli = subprocess.run([BIN, "plan", str(QUICKSTART), "nodes.data.samples=3000", "sweep.energy=0.99,0.9,0.7",
                          "--out", str(out)], capture_output=True, text=True, check=True).stdout
    assert all(n["identity"] in cli for n in nodes)
    fresh = reprise.plan(QUICKSTART, overrides=SMALL, out=out / "elsewhere")
    assert not any(n["cached"] for n in fresh)


def test_components_and_describe_mirror_list_and_describe():
    listed = {c["name"]: c for c in reprise.components()}
    cli = subprocess.run([BIN, "list"], capture_output=True, text=True, check=True).stdout
    assert len(listed) > 20 and all(name in cli for name in listed)
    assert listed["codec/dct"]["kind"] == "codec" and listed["codec/dct"]["available"]
    dct = reprise.describe("codec/dct")
    energy = next(p for p in dct["params"] if p["name"] == "energy")
    cli_line = next(line for line in subprocess.run([BIN, "describe", "codec/dct"], capture_output=True, text=True,
                                                    check=True).stdout.splitlines() if line.split()[:1] == ["energy"])
    assert energy["type"] in cli_line and energy["constraint"] and energy["constraint"] in cli_line
    assert energy["doc"] in cli_line
    assert [i["name"] for i in dct["inputs"]] == ["data"]
    cli_json = subprocess.run([BIN, "describe", "codec/dct", "--json"], capture_output=True, text=True, check=True).stdout
    assert json.loads(cli_json) == dct
    assert json.loads(subprocess.run([BIN, "list", "--json"], capture_output=True, text=True, check=True).stdout) \
        == reprise.components()
    with pytest.raises(ValueError, match="did you mean 'codec/dct'"):
        reprise.describe("codec/dtc")


# ------------------------------------------------------ GIL and interruption

SLOW = """
name: slow
sweep: {c: [%s]}
nodes:
  data: {use: dataset/mvn, dim: 96, samples: 60000, condition: "${c}"}
"""


def test_the_gil_is_released_while_the_engine_runs(tmp_path):
    spec = write_spec(tmp_path, "slow.yaml", SLOW % ", ".join(str(2 + i) for i in range(6)))
    finished = threading.Event()
    worker = threading.Thread(target=lambda: (reprise.run(spec, out=tmp_path / "out", verbose=0), finished.set()))
    started = time.monotonic()
    worker.start()
    ticks = 0
    while worker.is_alive():
        ticks += 1  # pure Python: runs only while the engine does not hold the GIL
        time.sleep(0.001)
    worker.join()
    elapsed = time.monotonic() - started
    assert finished.is_set() and elapsed > 0.2
    # Held GIL: the loop cannot run at all until run() returns (a handful of ticks).
    # Released: one tick per ~1 ms sleep; 5 % of that leaves room for a loaded machine.
    assert ticks > 0.05 * elapsed / 0.001, (ticks, elapsed)


CHILD = """
import sys, reprise
try:
    reprise.run(sys.argv[1], out=sys.argv[2], verbose=0)
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_keyboard_interrupt_stops_the_run_and_leaves_a_resumable_cache(tmp_path):
    spec = write_spec(tmp_path, "slow.yaml", SLOW % ", ".join(str(2 + i) for i in range(12)))
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(spec), str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((out / ".cache").glob("*/*.h5")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the first node is cached: the engine is running
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert stdout.strip() == "interrupted", stderr
    assert "stopping" in stderr
    run = reprise.load(out / "slow")
    assert run.status == "incomplete"
    done = run.provenance["counts"]["ran"]
    assert 0 < done < 12
    verify = subprocess.run([BIN, "cache", "verify", "--out", str(out)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    resumed = reprise.run(spec, out=out, verbose=0)
    assert resumed.status == "complete" and resumed.provenance["counts"]["cached"] >= done


# -------------------------------------------------------------------- install

def test_cmake_install_gives_an_importable_module_and_the_binary(tmp_path):
    build = Path(os.environ.get("REPRISE_BUILD", SOURCE / "build"))
    subprocess.run(["cmake", "--install", str(build), "--prefix", str(tmp_path)], capture_output=True, check=True)
    packages = list(tmp_path.glob("lib/python3*/dist-packages/reprise"))
    assert len(packages) == 1 and list(packages[0].glob("_reprise*.so"))
    env = dict(os.environ, PYTHONPATH=str(packages[0].parent))
    probe = subprocess.run([sys.executable, "-c", "import reprise; print(reprise.__file__); print(len(reprise.components()))"],
                           capture_output=True, text=True, env=env, check=True).stdout.split()
    assert Path(probe[0]).parent == packages[0] and int(probe[1]) > 20
    version = subprocess.run([str(tmp_path / "bin" / "reprise"), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("reprise ")
    completion = tmp_path / "share" / "bash-completion" / "completions" / "reprise"
    assert "complete -F _reprise reprise" in completion.read_text()
