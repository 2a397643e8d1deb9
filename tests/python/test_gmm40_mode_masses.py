"""experiments/notebooks/gmm40_mode_masses.py's pooled statistics against
multinomial draws, whose effective sample size is the number drawn and whose
per-mode offsets are noise alone."""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

SOURCE = Path(os.environ.get("REPRISE_SOURCE", Path(__file__).resolve().parents[2]))


def load_script():
    spec = importlib.util.spec_from_file_location("gmm40_mode_masses",
                                                  SOURCE / "experiments" / "notebooks" / "gmm40_mode_masses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_multinomial_draws_have_their_own_size_as_effective_samples():
    summary = load_script().summary
    rng = np.random.default_rng(5)
    exact = rng.dirichlet(np.full(40, 20.0))
    draws, seeds = 4000, 400
    fractions = rng.multinomial(draws, exact, size=seeds) / draws
    s = summary(fractions, exact, radius=np.arange(40.0))
    assert abs(s["effective samples"] / draws - 1) < 0.1
    # Offsets of each mode's mean ratio are noise: their share is about 1 / seeds.
    assert s["systematic share"] < 3 / seeds
    assert s["missed"] == 0 and s["mode-runs"] == 40 * seeds
    # A sampler that always halves mode 7 has it as its worst mode, below half on every seed.
    biased = fractions.copy()
    biased[:, 7] *= 0.4
    b = summary(biased, exact, radius=np.arange(40.0))
    assert b["worst mode"][0] == 7 and abs(b["worst mode"][1] - 0.4) < 0.05
    assert b["below half"] >= seeds - 5
    assert b["systematic share"] > 0.2
    assert b["effective samples"] < 0.6 * s["effective samples"]


def test_total_variation_of_one_seed_by_hand():
    summary = load_script().summary
    exact = np.array([0.5, 0.25, 0.25])
    fractions = np.array([[0.6, 0.4, 0.0]])
    s = summary(fractions, exact, radius=np.array([1.0, 2.0, 3.0]))
    assert s["median TV"] == pytest.approx(0.5 * (0.1 + 0.15 + 0.25))
    assert s["missed"] == 1 and s["below half"] == 1
    # Sum p (1 - p) = 0.25 + 2 * 0.1875 = 0.625 over the squared error 0.01 + 0.0225 + 0.0625.
    assert s["effective samples"] == pytest.approx(0.625 / 0.095)


TINY_RUN = """name: gmm40_tiny
seed: 1
sweep:
  layout: [0, 1]
  method: [smc, exact]
  seed: [1, 2]
nodes:
  target: {use: target/gmm, layout_seed: "${layout}", truth_samples: 400, seed: 1000}
  exact:  {use: target/gmm, layout_seed: "${layout}", truth_samples: 400, seed: "${seed}"}
  smc:    {use: sampler/smc, target: target, particles: 400, steps: 3, reference_std: 40, step_size: 1.0,
           seed: "${seed}"}
  modes:  {use: metric/mode-weights, target: target, sample: "${method}"}
"""


def test_main_reads_a_run_through_the_python_api(tmp_path, capsys):
    import reprise

    spec = tmp_path / "gmm40_tiny.yaml"
    spec.write_text(TINY_RUN)
    run = reprise.run(str(spec), jobs=1, out=str(tmp_path / "results"), cache=str(tmp_path / "cache"), verbose=0)
    script = load_script()
    script.main(str(run.dir))
    printed = capsys.readouterr().out
    assert "layouts [0, 1], methods ['smc', 'exact'], 2 seeds" in printed
    assert printed.count("40 modes") == 2
    # 400 exact draws: the effective sample size is of that order.
    fractions, exact = script.mode_masses(run, 0, "exact", [1, 2])
    assert fractions.shape == (2, 40) and abs(exact.sum() - 1) < 1e-12
    assert 100 < script.summary(fractions, exact, np.arange(40.0))["effective samples"] < 1600
