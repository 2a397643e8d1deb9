#!/usr/bin/env python3
"""Turns the raw outputs of one tools/bench/run (Google Benchmark JSON per area and
repeat, the framework script's JSON) into bench.json and bench.md.

Every figure is the median over the repeats of that run, and so is its peer. A figure and
its peer are timed back to back in each repeat, so the ratio is the median of the
per-repeat ratios (load on a shared machine changes between repeats more than within
one). Nothing here is a constant result: a figure whose benchmark did not run is left
out and listed under "skipped"."""

import argparse
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess

UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load_area(path):
    """{benchmark name: [iteration entries]} and the context of one Google Benchmark JSON."""
    if not os.path.exists(path):
        return {}, {}
    with open(path) as f:
        doc = json.load(f)
    runs = {}
    for b in doc.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue
        runs.setdefault(b["run_name"].split("/")[0], []).append(b)
    return runs, doc.get("context", {})


class Runs:
    def __init__(self):
        self.runs = {}
        self.context = {}

    def add(self, path):
        runs, context = load_area(path)
        for name, entries in runs.items():
            self.runs.setdefault(name, []).extend(entries)
        self.context.update(context)

    def has(self, name):
        return name in self.runs

    def seconds(self, name):
        """Seconds per iteration, one value per repetition."""
        return [b["real_time"] * UNIT_SECONDS[b["time_unit"]] for b in self.runs[name]]

    def counter(self, name, key):
        return [b[key] for b in self.runs[name]]

    def first(self, name, key):
        return self.runs[name][0][key]


def median(values):
    return statistics.median(values)


def figure(name, area, values, unit, peer, peer_values, peer_unit, ratio_definition, ratio, setup):
    v, p = median(values), median(peer_values)
    if len(values) == len(peer_values):  # repeat i of both comes from the same run of the binary
        ratios = [ratio(a, b) for a, b in zip(values, peer_values)]
        r, how = median(ratios), "median over repeats, each figure and peer timed back to back"
    else:
        ratios, r, how = None, ratio(v, p), "ratio of the medians"
    return {
        "name": name, "area": area, "value": v, "unit": unit,
        "peer": peer, "peer_value": p, "peer_unit": peer_unit,
        "ratio": r, "ratio_definition": ratio_definition, "ratio_of": how,
        "repeats": len(values), "values": values, "peer_values": peer_values, "ratios": ratios, "setup": setup,
    }


def per_rep(a, b, f):
    return [f(x, y) for x, y in zip(a, b)]


def codecs(r, threads):
    out, skipped = [], []
    if r.has("dct_codec") and r.has("dct_fftw"):
        mb = r.first("dct_codec", "bytes") / 1e6
        out.append(figure(
            "dct_codec_throughput", "codecs",
            [mb / s for s in r.seconds("dct_codec")], "MB/s",
            "FFTW forward + inverse DCT-II of the same rows (bound)",
            [r.first("dct_fftw", "bytes") / 1e6 / s for s in r.seconds("dct_fftw")], "MB/s",
            "codec / FFTW", lambda v, p: v / p,
            f"codec/dct encode + decode, energy {r.first('dct_codec', 'energy'):g}, of dataset/mvn "
            f"{r.first('dct_codec', 'rows'):.0f} x {r.first('dct_codec', 'cols'):.0f} float64 ({mb:.1f} MB); "
            f"single-threaded, like FFTW here; mean of 3 runs after an untimed one (the bound's planning is not timed either); achieved ratio {median(r.counter('dct_codec', 'ratio')):.2f}. "
            "Peer: one FFTW_MEASURE plan of REDFT10 and one of REDFT01 over all rows, fftw_execute only"))
    if not (r.has("tpc_zfp") and r.has("tpc_copy")):
        return out, skipped
    mb = r.first("tpc_zfp", "bytes") / 1e6
    copy = [r.first("tpc_copy", "bytes") / 1e6 / s for s in r.seconds("tpc_copy")]
    shape = " x ".join(f"{v:.0f}" for k, v in sorted(r.runs["tpc_zfp"][0].items()) if k.startswith("shape"))
    tpc = f"dataset/tpc occupancy 0.1 ({shape}, {mb:.2f} MB as float32)"
    zfp_c, zfp_d = r.counter("tpc_zfp", "compress_s"), r.counter("tpc_zfp", "decompress_s")
    zfp_ratio = median(r.counter("tpc_zfp", "ratio"))
    for what, secs in (("compress", zfp_c), ("decompress", zfp_d)):
        out.append(figure(
            f"tpc_zfp_{what}", "codecs", [mb / s for s in secs], "MB/s",
            "memcpy of the volume (memory bound)",
            copy, "MB/s", "zfp / memcpy", lambda v, p: v / p,
            f"codec/zfp fixed rate {r.first('tpc_zfp', 'rate'):g} bits/value (ratio {zfp_ratio:.1f} vs 16-bit), "
            f"{tpc}; serial, as codec/zfp runs. "
            "Peer: memcpy of the float32 volume, one read and one write of every value (3 MB: from cache)"))
    if r.has("tpc_sz3"):
        sz3_ratio = median(r.counter("tpc_sz3", "ratio"))
        for what, ref in (("compress", zfp_c), ("decompress", zfp_d)):
            out.append(figure(
                f"tpc_sz3_{what}", "codecs", [mb / s for s in r.counter("tpc_sz3", f"{what}_s")], "MB/s",
                f"codec/zfp {what} in the same run", [mb / s for s in ref], "MB/s", "sz3 / zfp",
                lambda v, p: v / p,
                f"codec/sz3 abs bound {r.first('tpc_sz3', 'bound'):g} ADC (ratio {sz3_ratio:.1f}), {tpc}; serial"))
    else:
        skipped.append("tpc_sz3: codec/sz3 not built (SZ3 not found; set REPRISE_SZ3_PREFIX)")
    if r.has("tpc_inr"):
        epochs = int(r.first("tpc_inr", "epochs"))
        inr_ratio = median(r.counter("tpc_inr", "ratio"))
        for what, label, ref in (("compress", "encode", zfp_c), ("decompress", "decode", zfp_d)):
            out.append(figure(
                f"tpc_inr_{label}", "codecs", r.counter("tpc_inr", f"{what}_s"), "s",
                f"codec/zfp {what} time in the same run", ref, "s", "inr / zfp", lambda v, p: v / p,
                f"codec/inr with inr/siren 3->{r.first('tpc_inr', 'depth'):.0f}x{r.first('tpc_inr', 'width'):.0f}->1, "
                f"{epochs} epochs of batch {r.first('tpc_inr', 'batch'):.0f} over every voxel, lr 1e-4, "
                f"{threads} threads (ratio {inr_ratio:.1f}); {label} = "
                + ("training" if label == "encode" else "evaluating the network at every voxel")))
    if r.has("tpc_inr_stream"):
        params = r.first("tpc_inr_stream", "parameters")
        stream = r.first("tpc_inr_stream", "stream_bytes")
        for what, ref in (("encode", zfp_c), ("decode", zfp_d)):
            out.append(figure(
                f"tpc_inr_stream_{what}", "codecs", [mb / s for s in r.counter("tpc_inr_stream", f"{what}_s")], "MB/s",
                f"codec/zfp {'compress' if what == 'encode' else 'decompress'} in the same run",
                [mb / s for s in ref], "MB/s", "inr stream / zfp", lambda v, p: v / p,
                f"codec/inr's stored form without training or evaluation: {params:.0f} SIREN parameters "
                + ("quantised to 8 bits per output unit and zstd-coded (level 19)" if what == "encode"
                   else "parsed from the stream and rebuilt into a network")
                + f"; stream {stream:.0f} bytes; MB/s of the {tpc}"))
    return out, skipped


def learners(r, threads):
    if not (r.has("grise") and r.has("one_pass")):
        return [], []
    return [figure(
        "grise_p16_m1e6", "learners", r.seconds("grise"), "s",
        "one pass over the samples, same threads",
        r.seconds("one_pass"), "s", "grise / one pass", lambda v, p: v / p,
        f"learner/grise (defaults, FISTA tol 1e-8) on dataset/ising p = {r.first('grise', 'p'):.0f}, "
        f"M = {r.first('grise', 'samples'):.0f} (int8), {threads} threads, "
        f"histogram of the samples included; max FISTA iterations {median(r.counter('grise', 'max_iterations')):.0f}. "
        "Peer: every row's int8 spins packed into a key and the keys summed")], []


def samplers(r, threads):
    out = []
    for name, figure_name, model in (
            ("gibbs", "gibbs_spin_updates", "random 3-regular spin glass"),
            ("gibbs_ferro", "gibbs_ferro_spin_updates",
             "4 x 4 ferromagnetic lattice, J = 0.6, fields in [0, 0.1] (qoi_ising's two-basin model)")):
        if not (r.has(name) and r.has(name + "_scalar")):
            continue
        u = r.first(name, "updates")
        out.append(figure(
            figure_name, "samplers", [u / s / 1e6 for s in r.seconds(name)], "M updates/s",
            "scalar heat-bath loop, same graph and threads",
            [r.first(name + "_scalar", "updates") / s / 1e6 for s in r.seconds(name + "_scalar")], "M updates/s",
            "reprise / scalar loop", lambda v, p: v / p,
            f"sampler/gibbs systematic scan, dataset/ising p = {r.first(name, 'p'):.0f}, {model}, "
            f"{r.first(name, 'chains'):.0f} random-start chains x {r.first(name, 'sweeps'):.0f} sweeps, "
            f"{threads} threads. Peer: hand-written heat bath, one chain at a time, int8 spins, CSR "
            "neighbours, one mt19937_64 uniform and one exp per update"))
    for name, label in (("langevin", "sampler/langevin"), ("mala", "sampler/mala")):
        if not (r.has(name) and r.has(name + "_grad")):
            continue
        steps = r.first(name, "steps")
        extra = f"; acceptance {median(r.counter(name, 'acceptance')):.2f}" if name == "mala" else ""
        out.append(figure(
            f"{name}_steps_n500", "samplers", [steps / s for s in r.seconds(name)], "steps/s",
            ("energy + gradient" if name == "mala" else "gradient") + " evaluations alone (bound)",
            [r.first(name + "_grad", "steps") / s for s in r.seconds(name + "_grad")], "steps/s",
            "sampler / evaluations", lambda v, p: v / p,
            f"{label}, N = {r.first(name, 'dim'):.0f} (dataset/mvn condition 10 -> learner/score-matching degree 2), "
            f"{r.first(name, 'chains'):.0f} chains (one step moves all), h = {r.first(name, 'h'):g}, {steps:.0f} steps, node's own loop time, {threads} threads{extra}. "
            "Peer: EnergyModel::gradient" + (" and ::energy" if name == "mala" else "")
            + " on the same 256-chain blocks and threads (GEMMs with the N x N precision), no noise"
            + (" or accept/reject" if name == "mala" else "")))
    if r.has("mala_pc") and r.has("mala"):
        steps = r.first("mala_pc", "steps")
        out.append(figure(
            "mala_preconditioned_steps_n500", "samplers", [steps / s for s in r.seconds("mala_pc")], "steps/s",
            "sampler/mala without the preconditioner (h = 0.05), same run",
            [r.first("mala", "steps") / s for s in r.seconds("mala")], "steps/s",
            "preconditioned / plain", lambda v, p: v / p,
            f"sampler/mala precondition: model, N = {r.first('mala_pc', 'dim'):.0f}, {r.first('mala_pc', 'chains'):.0f} "
            f"chains, h = {r.first('mala_pc', 'h'):.3f} (1.36 N^(-1/3)), {steps:.0f} steps, {threads} threads; "
            f"acceptance {median(r.counter('mala_pc', 'acceptance')):.2f}. The preconditioner adds three GEMMs with "
            "N x N matrices per step (A grad E(x), A^(1/2) xi, and A^(1/2) (grad E(x) + grad E(y)) for the reverse "
            "move's density) to the plain step's model evaluations"))
    out += ttflow_step(r)
    return out, []


def fitted_exponent(xs, ys):
    """Slope of log y against log x (least squares)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def ttflow_step(r):
    """One TT-flow time step (ALS fit + RK4 transport) at d = 8, 16, 32 x rank 2, 4, 8 against
    its cost model: each point's time is predicted from its model flops at the median flop rate
    of the other eight points. The d = 32, rank 4 point is the figure; the setup lists every
    point's ratio and the exponents of time in d (rank 4) and in rank (d = 16), measured and by
    the model."""
    points = {}
    for b in r.runs.get("ttflow_step", []):  # run names ttflow_step/D/RANK
        key = (int(b["d"]), int(b["rank"]))
        points.setdefault(key, {"seconds": [], "flops": b["model_flops"], "basis": b["basis"],
                                "particles": b["particles"], "sweeps": b["sweeps"], "substeps": b["substeps"]})
        points[key]["seconds"].append(b["real_time"] * UNIT_SECONDS[b["time_unit"]])
    if (32, 4) not in points:
        return []
    med = {k: median(v["seconds"]) for k, v in points.items()}
    rates = {k: points[k]["flops"] / med[k] for k in points}
    rate = median(list(rates.values()))
    # Each point is predicted at the median flop rate of the *other* points, so a
    # ratio is a prediction, not 1 by construction when a point is the median.
    predicted = {k: points[k]["flops"] / median([q for j, q in rates.items() if j != k]) for k in points}
    ds = sorted(d for d, rk in points if rk == 4)
    ranks = sorted(rk for d, rk in points if d == 16)
    exp_d = fitted_exponent(ds, [med[(d, 4)] for d in ds])
    exp_d_model = fitted_exponent(ds, [points[(d, 4)]["flops"] for d in ds])
    exp_r = fitted_exponent(ranks, [med[(16, rk)] for rk in ranks])
    exp_r_model = fitted_exponent(ranks, [points[(16, rk)]["flops"] for rk in ranks])
    each = ", ".join(f"d={d} r={rk}: {med[(d, rk)] * 1e3:.1f} ms ({med[(d, rk)] / predicted[(d, rk)]:.2f}x model)"
                     for d, rk in sorted(points))
    key = (32, 4)
    p = points[key]
    return [figure(
        "ttflow_step_d32_r4", "samplers", p["seconds"], "s",
        "its cost model: ALS normal equations + solves + transport evaluations, at the median flop rate of the other 8 points",
        [predicted[key]] * len(p["seconds"]), "s", "measured / model", lambda v, q: v / q,
        f"one sampler/ttflow time step (ALS fit, {p['sweeps']:.0f} sweeps, + RK4 transport, {p['substeps']:.0f} "
        f"substeps) on the many-well "
        f"target, N = {p['particles']:.0f} particles, Fourier basis of {p['basis']:.0f} functions per dimension, one "
        f"thread; effective rate {rate / 1e9:.2f} GFLOP/s. Time grows as d^{exp_d:.2f} (model d^{exp_d_model:.2f}) at "
        f"rank 4 and as r^{exp_r:.2f} (model r^{exp_r_model:.2f}) at d = 16. Every point: {each}")]


def inr(r, threads):
    out, skipped, extra = [], [], {}
    if not r.has("inr_step_reprise"):
        return out, skipped, extra
    reprise = r.seconds("inr_step_reprise")
    flops = r.first("inr_bound_gemm", "flops")
    peaks = {"Eigen 128x128x1024 per thread": [r.first("inr_bound_peak_eigen", "flops") / s for s in r.seconds("inr_bound_peak_eigen")]}
    if r.has("inr_bound_peak_openblas"):
        peaks["OpenBLAS 128x128x65536 via libtorch"] = [r.first("inr_bound_peak_openblas", "flops") / s
                                           for s in r.seconds("inr_bound_peak_openblas")]
    peaks["Eigen on the step's GEMMs"] = [flops / s for s in r.seconds("inr_bound_gemm")]
    peak_name, peak = max(((k, median(v)) for k, v in peaks.items()), key=lambda kv: kv[1])
    sincos = r.seconds("inr_bound_sincos")
    # Per repeat: the step's GEMMs at that repeat's fastest measured rate, plus its sin/cos.
    bound = [flops / max(rates) + s for s, rates in zip(sincos, zip(*peaks.values()))]
    step_gemm = median(r.seconds("inr_bound_gemm"))
    evaluations = r.first("inr_bound_sincos", "evaluations")
    bound_setup = (f"{flops / 1e9:.1f} GFLOP of the step's GEMMs at the measured peak "
                   f"({peak_name}, {peak / 1e9:.0f} GFLOP/s on {threads} threads; "
                   + "; ".join(f"{k} {median(v) / 1e9:.0f}" for k, v in peaks.items())
                   + f" GFLOP/s) + {evaluations / 1e6:.0f} M sin/cos at Eigen's vectorised rate "
                   f"({evaluations / median(sincos) / 1e6:.0f} M/s); the step's own GEMM sequence at micro-batch "
                   f"1024 takes {step_gemm:.3f} s with Eigen")
    c = r.runs["inr_step_reprise"][0]
    setup = (f"SIREN 3->{c['depth']:.0f}x{c['width']:.0f}->1 (omega0 {c['omega']:g}, {c['parameters']:.0f} "
             f"parameters), batch {c['batch']:.0f}, float32, forward + backward + Adam (lr {c['lr']:.0e}), "
             f"{threads} threads")
    if r.has("inr_step_libtorch"):
        torch = r.seconds("inr_step_libtorch")
        blas = r.context.get("libtorch_blas", "?")
        f = figure("inr_step_vs_libtorch", "inr", reprise, "s/step",
                   f"libtorch {r.context.get('libtorch', '?')} CPU, same threads", torch, "s/step",
                   "libtorch / reprise (speed-up)", lambda v, p: p / v,
                   setup + f". Peer: libtorch over {blas}, same network, initial weights (copied from reprise's), "
                   "batch, MSE loss and Adam hyper-parameters; torch::set_num_threads and OpenBLAS threads = "
                   f"{threads}")
        out.append(f)
        extra["inr_step_vs_libtorch"] = f["ratio"]
    else:
        skipped.append("inr_step_vs_libtorch: libtorch not found (tools/install-deps --bench)")
    f = figure("inr_step_vs_bound", "inr", reprise, "s/step", "machine bound: GEMMs at peak + sin/cos", bound,
               "s/step", "reprise / bound", lambda v, p: v / p, setup + ". Peer: " + bound_setup)
    out.append(f)
    extra["inr_step_vs_bound"] = f["ratio"]
    if r.has("inr_agreement"):
        check = {}
        for key in sorted(r.runs["inr_agreement"][0]):
            if re.match(r"step\d+_", key):
                check[key] = r.first("inr_agreement", key)
        extra["inr_loss_check"] = check
    return out, skipped, extra


def framework(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        m = json.load(f)
    n, per_node = m["hit_nodes"], lambda run: 1000 * (run - m["startup_s"]) / m["hit_nodes"]
    single = lambda v, p: v / p
    rep = m["repeats"]
    def fig(name, v, unit, peer, pv, ratio_def, setup):
        return {"name": name, "area": "framework", "value": v, "unit": unit, "peer": peer, "peer_value": pv,
                "peer_unit": unit, "ratio": single(v, pv), "ratio_definition": ratio_def,
                "ratio_of": "ratio of the medians", "repeats": rep, "values": None, "peer_values": None,
                "ratios": None, "setup": setup + " (medians from tools/bench/framework)"}
    return [
        fig("plan_10k_points", m["plan_s"], "s", "`reprise list`: process start and registry, no spec",
            m["startup_s"], "plan / start-up", "`reprise plan` of a 10 000-point sweep x 5 nodes"),
        fig("cache_hit_overhead_per_node", per_node(m["hits_run_s"]), "ms",
            "the same nodes computed (cold run of the same spec), per node", per_node(m["hits_cold_run_s"]),
            "hit / computed", f"rerun of a {n}-node sweep (dataset/mvn, codec/dct, metric), all hits, -j1, "
            "minus process start, per node"),
        fig("rerun_warm_vs_cold", m["quickstart_warm_s"], "s", "cold run of the same spec", m["quickstart_cold_s"],
            "warm / cold", "experiments/quickstart.yaml -j2 rerun (all cache hits)"),
    ]


def sh(*cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine(args, context):
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    flags = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                flags = " ".join(x for x in ("avx2", "fma", "avx512f") if x in have)
                break
    commit = sh("git", "-C", args.root, "rev-parse", "HEAD")
    dirty = bool(sh("git", "-C", args.root, "status", "--porcelain", "--untracked-files=no"))
    compiler = ""
    cache = os.path.join(args.root, "build-bench", "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_CXX_COMPILER:"):
                    compiler = sh(line.split("=", 1)[1].strip(), "--version").splitlines()[0]
    return {
        "nproc": int(sh("nproc") or 0), "cpu_model": cpu, "cpu_flags": flags, "threads": args.threads,
        "mhz_per_cpu": context.get("mhz_per_cpu"), "kernel": platform.release(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": commit + ("-dirty" if dirty else ""),
        "load_average_before": args.load_before, "load_average_after": args.load_after,
        "uptime": sh("uptime"),
        "compiler": compiler, "build": "Release (-O2 -g), -march=native, build-bench/",
        "google_benchmark": sh("dpkg-query", "-W", "-f=${Version}", "libbenchmark-dev"),
        "libtorch": context.get("libtorch"), "libtorch_blas": context.get("libtorch_blas"),
    }


def number(v):
    if v is None:
        return "-"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 0.01:
        return f"{v:.3g}"
    return f"{v:.2e}"


def rounded(x, digits=4):
    """x with every float rounded to `digits` significant digits, for a readable file."""
    if isinstance(x, float):
        return float(f"{x:.{digits}g}")
    if isinstance(x, dict):
        return {k: rounded(v, digits) for k, v in x.items()}
    if isinstance(x, list):
        return [rounded(v, digits) for v in x]
    return x


def markdown(doc):
    commit = doc["machine"]["git_commit"]
    commit = commit[:12] + ("-dirty" if commit.endswith("-dirty") else "")
    lines = [f"# reprise benchmarks ({doc['machine']['date']}, commit {commit})", "",
             f"{doc['machine']['cpu_model']}, {doc['machine']['nproc']} cores, {doc['machine']['threads']} threads; "
             f"load average before/after: {doc['machine']['load_average_before']} / "
             f"{doc['machine']['load_average_after']}; medians of {doc['repeats']} repeats; a ratio is "
             "the median of the per-repeat ratios (figure and peer timed back to back). "
             "Written by `tools/bench/run`; every number is measured in that run.", "",
             "| figure | value | peer (measured in the same run) | peer value | ratio |",
             "|---|---|---|---|---|"]
    for f in doc["figures"]:
        lines.append(f"| {f['name']} | {number(f['value'])} {f['unit']} | {f['peer']} | "
                     f"{number(f['peer_value'])} {f['peer_unit']} | **{number(f['ratio'])}** ({f['ratio_definition']}) |")
    lines += ["", "Setups:", ""]
    lines += [f"- **{f['name']}**: {f['setup']}" for f in doc["figures"]]
    if "inr_loss_check" in doc:
        c = doc["inr_loss_check"]
        steps = sorted({int(k[4:k.index("_")]) for k in c})
        lines += ["", "INR check, same weights and batch (MSE loss reprise / libtorch, relative difference):", ""]
        lines += [f"- step {s}: {c[f'step{s}_loss_reprise']:.7g} / {c[f'step{s}_loss_libtorch']:.7g}, "
                  f"{c[f'step{s}_rel_diff']:.1e}" for s in steps]
    if doc["skipped"]:
        lines += ["", "Skipped:", ""] + [f"- {s}" for s in doc["skipped"]]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--repeats", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--load-before", default="")
    ap.add_argument("--load-after", default="")
    ap.add_argument("--areas", default="")
    args = ap.parse_args()

    runs = Runs()
    for area in ("codecs", "learners", "samplers", "inr"):
        for i in range(args.repeats):
            runs.add(os.path.join(args.work, f"{area}.{i}.json"))
    figures, skipped, extra = [], [], {}
    for build in (codecs, learners, samplers):
        f, s = build(runs, args.threads)
        figures += f
        skipped += s
    f, s, extra = inr(runs, args.threads)
    figures += f
    skipped += s
    figures += framework(os.path.join(args.work, "framework.json"))

    doc = {"generated_by": "tools/bench/run", "areas": args.areas.split(","), "repeats": args.repeats,
           "machine": machine(args, runs.context)}
    doc.update(extra)
    doc["figures"] = figures
    doc["skipped"] = skipped
    with open(os.path.join(args.out, "bench.json"), "w") as f:
        readable = rounded(doc)
        if "inr_loss_check" in doc:  # the losses agree to ~1e-7: keep the digits that show it
            readable["inr_loss_check"] = rounded(doc["inr_loss_check"], 9)
        json.dump(readable, f, indent=1)
        f.write("\n")
    md = markdown(doc)
    with open(os.path.join(args.out, "bench.md"), "w") as f:
        f.write(md)
    print(md, end="")


if __name__ == "__main__":
    main()
