"""Which GMM-40 modes a sampler misses or mis-weights, pooled over a run's seeds.

    PYTHONPATH=build/python python3 experiments/notebooks/gmm40_mode_masses.py results/ttflow_gmm40

Reads metric/mode-weights ("modes": each mode's sample fraction and exact mass)
for every layout x method x seed of a finished ttflow_gmm40 run, and the means
of target/gmm, and prints per layout and method:
  - the median total variation of the mode masses over the seeds;
  - the modes reached by no sample, and the mode-runs below half their mass;
  - the per-mode mean of fraction / exact over the seeds (a mode the sampler
    gets wrong on every seed would stand out here) and the share of the squared
    relative error (fraction / exact - 1)^2 that such systematic offsets explain
    (about 1 / seeds for noise alone);
  - the effective sample size of the mode masses: the number of exact samples
    whose multinomial error sum_m p_m (1 - p_m) / N equals the sampler's mean
    squared error sum_m E (f_m - p_m)^2 (10 000 for a sampler as good as
    10 000 exact draws; the `exact` method measures that floor);
  - how the per-mode error grows with the mode's distance from the origin,
    where the reference N(0, sigma0^2 I) puts fewer of its particles.
figure/mode-masses draws one run's modes; this pools all of them.
"""

import sys

import numpy as np

import reprise


def mode_masses(run, layout, method, seeds):
    """{seeds, modes} sample fractions and the {modes} exact masses."""
    rows, exact = [], None
    for seed in seeds:
        a = run.artifact("modes", layout=layout, method=method, seed=seed)
        rows.append(np.asarray(a["fractions"]))
        exact = np.asarray(a["exact"])
    return np.array(rows), exact


def summary(fractions, exact, radius):
    ratio = fractions / exact
    squared = (fractions - exact) ** 2
    per_mode_mean = ratio.mean(axis=0)
    per_mode_rms = np.sqrt(((ratio - 1) ** 2).mean(axis=0))
    systematic = ((per_mode_mean - 1) ** 2).mean() / ((ratio - 1) ** 2).mean()
    worst = int(np.argmax(np.abs(per_mode_mean - 1)))
    return {
        "median TV": float(np.median(0.5 * np.abs(fractions - exact).sum(axis=1))),
        "missed": int((fractions == 0).sum()),
        "below half": int((ratio < 0.5).sum()),
        "mode-runs": fractions.size,
        "mean ratio range": (float(per_mode_mean.min()), float(per_mode_mean.max())),
        "worst mode": (worst, float(per_mode_mean[worst]), float(radius[worst])),
        "systematic share": float(systematic),
        "rms ratio error": float(np.sqrt(((ratio - 1) ** 2).mean())),
        "effective samples": float((exact * (1 - exact)).sum() / squared.sum(axis=1).mean()),
        "corr(rms, radius)": float(np.corrcoef(per_mode_rms, radius)[0, 1]),
        "rms inner / outer quarter": (float(np.sqrt(((ratio[:, radius <= np.quantile(radius, 0.25)] - 1) ** 2).mean())),
                                      float(np.sqrt(((ratio[:, radius >= np.quantile(radius, 0.75)] - 1) ** 2).mean()))),
    }


def main(run_dir):
    run = reprise.load(run_dir)
    metrics = run.metrics
    layouts = sorted({int(v) for v in metrics["layout"]})
    methods = [m for m in ("flow", "smc", "exact") if m in set(metrics["method"])]
    seeds = sorted({int(v) for v in metrics["seed"]})
    print(f"{run.dir}: layouts {layouts}, methods {methods}, {len(seeds)} seeds")
    for layout in layouts:
        means = np.asarray(run.artifact("target", layout=layout)["means"])
        radius = np.linalg.norm(means, axis=1)
        print(f"\nlayout {layout}: {len(means)} modes, radius {radius.min():.1f}-{radius.max():.1f}")
        for method in methods:
            s = summary(*mode_masses(run, layout, method, seeds), radius)
            worst, worst_ratio, worst_radius = s["worst mode"]
            print(f"  {method:5s} median TV {s['median TV']:.4f}, effective samples {s['effective samples']:.0f}, "
                  f"rms fraction/exact - 1: {s['rms ratio error']:.3f} "
                  f"(inner / outer quarter of the modes {s['rms inner / outer quarter'][0]:.3f} / "
                  f"{s['rms inner / outer quarter'][1]:.3f}, corr with radius {s['corr(rms, radius)']:.2f})")
            print(f"        missed {s['missed']} and below half {s['below half']} of {s['mode-runs']} mode-runs; "
                  f"per-mode mean ratio {s['mean ratio range'][0]:.3f}-{s['mean ratio range'][1]:.3f} "
                  f"(furthest: mode {worst} at radius {worst_radius:.1f}, {worst_ratio:.3f}); "
                  f"systematic share of the squared error {s['systematic share']:.2f} "
                  f"(noise alone: 1 / seeds = {1 / len(seeds):.3f})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
