"""experiments/notebooks/gmm40_mode_masses.py's pooled statistics against
multinomial draws, whose effective sample size is the number drawn and whose
per-mode offsets are noise alone."""

import importlib.util
import os
from pathlib import Path

import numpy as np

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
    assert s["median TV"] == 0.5 * (0.1 + 0.15 + 0.25)
    assert s["missed"] == 1 and s["below half"] == 1
    # Sum p (1 - p) = 0.25 + 2 * 0.1875 = 0.625 over the squared error 0.01 + 0.0225 + 0.0625.
    assert abs(s["effective samples"] - 0.625 / 0.095) < 1e-9
