#!/usr/bin/env python3
"""Morris elementary effects (mu, mu*, sigma) from a collected Morris sweep.

    morris_effects.py DIR [--summary NAME] [--bootstrap 1000] [--seed 12345] [--level 0.95]
                      [--csv OUT.csv] [--markdown OUT.md]

DIR is the output folder of `courtyard sweep run` of a sweep with `design { morris { trajectories: r
levels: p } }`, after `courtyard sweep collect DIR` (docs/sweeps.md, "Morris"). The script reads SALib's
files there: DIR/salib/params.txt (name, min, max per axis), X.txt (one row per design point, the values
applied) and Y_<summary>.txt (one value per point: the mean over its done replicates). It needs no SALib.

Layout (SALib's sample.morris and analyze.morris): r trajectories of D + 1 consecutive rows each, D axes;
from one row to the next exactly one axis moves, by +delta or -delta of its range (delta = p / (2 (p-1))
on the unit grid). The script checks this on X itself (a file not laid out this way is refused) and
computes each step's elementary effect on the unit scale, as SALib does:

    EE = (y_after - y_before) / du,   du = (x_after - x_before) / (max - min)   (+-delta)

then per axis, over its r effects: mu (mean), mu_star (mean of |EE|), sigma (sd, ddof 1) and
mu_star_conf, the half width of a normal interval for mu_star from `--bootstrap` resamples of the effects
(numpy's default_rng with a fixed `--seed`; SALib's analyze.morris computes it the same way). A trajectory
with a point that has no done run (Y = nan) is left out, and the script says so.

Output: a table on standard output; `--csv` (one row per axis: name, mu, mu_star, sigma, mu_star_conf,
effects) and `--markdown`. As a library (add analysis/ to sys.path):

    from morris_effects import elementary_effects, morris_indices
    ee = elementary_effects(X, Y, lo, hi)        # (D, r) effects
    res = morris_indices(ee)                     # dict of arrays mu, mu_star, sigma, mu_star_conf
"""

import argparse
import math
import os
import sys

import numpy as np


def read_params(path):
    names, lo, hi = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                names.append(parts[0])
                lo.append(float(parts[1]))
                hi.append(float(parts[2]))
    return names, np.array(lo), np.array(hi)


def elementary_effects(X, Y, lo, hi):
    """Effects (D, r') of the r' trajectories whose points all have a value; raises ValueError if X is not
    laid out as r trajectories of D + 1 rows with one axis moving per step."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, d = X.shape
    if n % (d + 1) != 0 or len(Y) != n:
        raise ValueError(f"{n} points with {len(Y)} values are not trajectories of {d + 1} points ({d} axes)")
    span = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    effects = [[] for _ in range(d)]
    for t in range(n // (d + 1)):
        rows = slice(t * (d + 1), (t + 1) * (d + 1))
        x, y = X[rows], Y[rows]
        if np.isnan(y).any():
            continue
        moved = set()
        for k in range(d):
            diff = np.nonzero(x[k + 1] != x[k])[0]
            if len(diff) != 1 or diff[0] in moved:
                raise ValueError(f"trajectory {t}, step {k}: {len(diff)} axes move (one must, each once): not a Morris design")
            i = diff[0]
            moved.add(i)
            du = (x[k + 1, i] - x[k, i]) / span[i]
            effects[i].append((y[k + 1] - y[k]) / du)
    return np.array(effects)


def morris_indices(ee, bootstrap=1000, seed=12345, level=0.95):
    """mu, mu_star, sigma and mu_star_conf (bootstrap half width) of effects (D, r)."""
    from statistics import NormalDist
    ee = np.asarray(ee, dtype=float)
    r = ee.shape[1]
    mu = ee.mean(axis=1)
    mu_star = np.abs(ee).mean(axis=1)
    sigma = ee.std(axis=1, ddof=1) if r > 1 else np.full(len(ee), np.nan)
    rng = np.random.default_rng(seed)
    conf = np.full(len(ee), np.nan)
    if r > 1 and bootstrap > 0:
        idx = rng.integers(0, r, size=(bootstrap, r))
        boot = np.abs(ee)[:, idx].mean(axis=2)  # (D, bootstrap)
        conf = NormalDist().inv_cdf(0.5 + level / 2) * boot.std(axis=1, ddof=1)
    return {"mu": mu, "mu_star": mu_star, "sigma": sigma, "mu_star_conf": conf}


def analyse(folder, summary=None, bootstrap=1000, seed=12345, level=0.95):
    salib = os.path.join(folder, "salib")
    if not os.path.exists(os.path.join(salib, "X.txt")):
        raise SystemExit(f"morris_effects.py: {salib}/X.txt not found: run `courtyard sweep collect {folder}` first")
    names, lo, hi = read_params(os.path.join(salib, "params.txt"))
    ys = sorted(f[2:-4] for f in os.listdir(salib) if f.startswith("Y_") and f.endswith(".txt"))
    if summary is None:
        if len(ys) != 1:
            raise SystemExit(f"morris_effects.py: give --summary, one of {', '.join(ys)}")
        summary = ys[0]
    if summary not in ys:
        raise SystemExit(f"morris_effects.py: no summary {summary!r} (have {', '.join(ys)})")
    X = np.loadtxt(os.path.join(salib, "X.txt"), ndmin=2)
    Y = np.loadtxt(os.path.join(salib, f"Y_{summary}.txt"), ndmin=1)
    d = len(names)
    try:
        ee = elementary_effects(X, Y, lo, hi)
    except ValueError as e:
        raise SystemExit(f"morris_effects.py: {folder}: {e}")
    trajectories = len(X) // (d + 1)
    if ee.shape[1] < trajectories:
        print(f"note: {trajectories - ee.shape[1]} of {trajectories} trajectories left out (a point without a done run)",
              file=sys.stderr)
    if ee.shape[1] == 0:
        raise SystemExit("morris_effects.py: no complete trajectory")
    res = morris_indices(ee, bootstrap, seed, level)
    return summary, names, ee, res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--summary")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--csv")
    ap.add_argument("--markdown")
    a = ap.parse_args(argv)
    summary, names, ee, res = analyse(a.dir, a.summary, a.bootstrap, a.seed, a.level)
    rows = sorted(range(len(names)), key=lambda i: -res["mu_star"][i])
    fmt = lambda v: "nan" if not math.isfinite(v) else f"{v:.4g}"
    print(f"Morris elementary effects of {summary} ({ee.shape[1]} trajectories), by mu*:")
    print(f"{'axis':32s} {'mu':>10s} {'mu*':>10s} {'sigma':>10s} {'mu*_conf':>10s}")
    for i in rows:
        print(f"{names[i]:32s} {fmt(res['mu'][i]):>10s} {fmt(res['mu_star'][i]):>10s} {fmt(res['sigma'][i]):>10s} "
              f"{fmt(res['mu_star_conf'][i]):>10s}")
    if a.csv:
        with open(a.csv, "w", encoding="utf-8") as f:
            f.write("name,mu,mu_star,sigma,mu_star_conf,effects\n")
            for i in range(len(names)):
                f.write(f"{names[i]},{res['mu'][i]!r},{res['mu_star'][i]!r},{res['sigma'][i]!r},"
                        f"{res['mu_star_conf'][i]!r},{ee.shape[1]}\n")
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(f"Morris elementary effects of `{summary}` ({ee.shape[1]} trajectories; effects per unit of each "
                    f"axis's range)\n\n| axis | mu | mu* | sigma | mu* ±{int(a.level * 100)}% |\n|---|---:|---:|---:|---:|\n")
            for i in rows:
                f.write(f"| {names[i]} | {fmt(res['mu'][i])} | {fmt(res['mu_star'][i])} | {fmt(res['sigma'][i])} | "
                        f"{fmt(res['mu_star_conf'][i])} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
