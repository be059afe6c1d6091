#!/usr/bin/env python3
"""Sobol' sensitivity indices from a collected Saltelli sweep, with bootstrap intervals.

    sobol_indices.py DIR [--summary NAME] [--bootstrap 1000] [--seed 12345] [--level 0.95]
                     [--csv OUT.csv] [--markdown OUT.md] [--title TEXT]

DIR is the output folder of `courtyard sweep run` after `courtyard sweep collect DIR` (docs/sweeps.md);
the script reads DIR/results.csv (one row per run: run, point, replicate, seed, <axes>, status,
<summaries>) and, when present, DIR/sweep.h5's root attributes (sweep name, engine commit).

Replicates. The model is stochastic: the value of a design point is the mean of its summary over its
done replicates (seeds), as in SALib's Y files (DIR/salib/Y_<summary>.txt). A base row whose points
are not all done (no done replicate) is left out, and the script says so. Noise in Y adds to every
total index and to the denominator of all indices. Two diagnostics say how much the seeds matter:
the sd over seeds within a point (next to the sd of the point means over the design), and the total
indices computed from each replicate alone (columns ST_seed_min, ST_seed_max: the smallest and
largest over the replicates). With common random numbers (the sweep's default) replicate r has the
same seed at every point, so the seeds blur the differences between points less than the within-point
sd suggests, and a parameter the model does not use gets indices of exactly 0.

Layout. A Saltelli design (`design { saltelli { ... } }`) has N base rows j = 0..N-1 with D axes; its
points are in SALib's order, for each j: A_j, AB_j^(1) .. AB_j^(D) (A_j with column i taken from B_j),
with second order BA_j^(1) .. BA_j^(D), then B_j. So N (D + 2) points, or N (2D + 2). The script
infers which from the number of points and checks it against the design values themselves (every
AB_j^(i) must equal A_j except in column i, where it equals B_j); a file that is not laid out this way
is refused.

Estimators (Saltelli et al. 2010, Computer Physics Communications 181:259, table 2), with
f_A, f_B, f_ABi the model values over the N base rows, V the variance and m the mean of the 2N values
f_A, f_B:
    first order  S_i  = mean((f_B - m) (f_ABi - f_A)) / V           (Saltelli 2010, b; f_B centred)
    total        ST_i = mean((f_A - f_ABi)^2) / (2 V)               (Jansen 1999, f)
Intervals: the N base rows are resampled with replacement (`--bootstrap` draws, numpy's default_rng
with a fixed `--seed`, so the numbers are the same on every run), the indices recomputed on each
resample, V included, and the central `--level` percentile interval reported. The BA_j blocks of a
second-order design are not used (no second-order indices).

Output: a table on standard output; `--csv` (one row per axis: name, path, S1, S1_low, S1_high, ST,
ST_low, ST_high, ST_seed_min, ST_seed_max) and `--markdown` (the same as a markdown table with a header line saying what was
analysed). Run with Debian's /usr/bin/python3 (numpy, pandas; h5py optional).

As a library (add analysis/ to sys.path):
    from sobol_indices import sobol_indices
    res = sobol_indices(fA, fB, fAB, bootstrap=1000, seed=12345)   # fAB: (N, D)
"""

import argparse
import math
import os
import sys

import numpy as np
import pandas as pd

FIXED = ["run", "point", "replicate", "seed"]


def estimate(fA, fB, fAB):
    """First-order (Saltelli 2010) and total (Jansen) indices: arrays of D values each."""
    AB = np.concatenate([fA, fB])
    V = np.var(AB)
    if not V > 0:
        nan = np.full(fAB.shape[1], np.nan)
        return nan, nan.copy()
    # f_B centred: the estimator's expectation is unchanged (E[f_ABi - f_A] = 0), but without it the
    # mean times the sample mean of f_ABi - f_A swamps the estimate when the mean is large against
    # the spread (collection rates near 0.9 with sd 0.04); SALib standardises Y for the same reason.
    S1 = np.mean((fB - AB.mean())[:, None] * (fAB - fA[:, None]), axis=0) / V
    ST = 0.5 * np.mean((fA[:, None] - fAB) ** 2, axis=0) / V
    return S1, ST


def sobol_indices(fA, fB, fAB, bootstrap=1000, seed=12345, level=0.95):
    """Indices and percentile bootstrap intervals over the N base rows.

    fA, fB: (N,); fAB: (N, D). Returns a dict of arrays S1, ST, S1_low, S1_high, ST_low, ST_high and
    V (the variance of the 2N values of A and B)."""
    fA = np.asarray(fA, dtype=float)
    fB = np.asarray(fB, dtype=float)
    fAB = np.asarray(fAB, dtype=float)
    n, d = fAB.shape
    if fA.shape != (n,) or fB.shape != (n,):
        raise ValueError("fA and fB must have one value per row of fAB")
    S1, ST = estimate(fA, fB, fAB)
    out = {"S1": S1, "ST": ST, "V": float(np.var(np.concatenate([fA, fB])))}
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        s1b = np.empty((bootstrap, d))
        stb = np.empty((bootstrap, d))
        for k in range(bootstrap):
            idx = rng.integers(0, n, n)
            s1b[k], stb[k] = estimate(fA[idx], fB[idx], fAB[idx])
        lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
        out["S1_low"], out["S1_high"] = np.nanpercentile(s1b, [lo, hi], axis=0)
        out["ST_low"], out["ST_high"] = np.nanpercentile(stb, [lo, hi], axis=0)
    return out


def read_sweep(folder, summary=None):
    """The sweep's results as (axes, paths, X, Y, info): X the design values per point (points, D),
    Y the mean of the summary over the done replicates per point (NaN where none is done)."""
    path = os.path.join(folder, "results.csv")
    if not os.path.exists(path):
        raise SystemExit(f"{path}: not found; run `courtyard sweep collect {folder}` first")
    df = pd.read_csv(path, float_precision="round_trip")
    cols = list(df.columns)
    if cols[:4] != FIXED or "status" not in cols:
        raise SystemExit(f"{path}: not a collected sweep (columns {cols[:6]}...)")
    s = cols.index("status")
    axes = cols[4:s]
    summaries = cols[s + 1:]
    if summary is None:
        if len(summaries) != 1:
            raise SystemExit(f"{path}: several summaries {summaries}; choose one with --summary")
        summary = summaries[0]
    elif summary not in summaries:
        raise SystemExit(f"{path}: no summary {summary!r} (has {summaries})")
    npoints = int(df["point"].max()) + 1
    design = df.groupby("point")[axes].first().reindex(range(npoints))
    done = df[df["status"] == "done"]
    g = done.groupby("point")[summary]
    Y = g.mean().reindex(range(npoints)).to_numpy(dtype=float)
    var = g.var(ddof=1).reindex(range(npoints)).to_numpy(dtype=float)
    nrep = g.count().reindex(range(npoints)).fillna(0).to_numpy(dtype=int)
    nr = int(df["replicate"].max()) + 1
    Yr = np.full((npoints, nr), np.nan)  # each replicate's value, NaN where not done
    Yr[done["point"].to_numpy(dtype=int), done["replicate"].to_numpy(dtype=int)] = done[summary].to_numpy(dtype=float)
    info = {
        "summary": summary,
        "runs": len(df),
        "runs_done": len(done),
        "replicates": int(df["replicate"].max()) + 1,
        "within_var": var,
        "nrep": nrep,
        "Yr": Yr,
        "name": os.path.basename(os.path.normpath(folder)),
        "commit": "",
        "crn": None,
        "paths": {a: a for a in axes},
    }
    h5 = os.path.join(folder, "sweep.h5")
    if os.path.exists(h5):
        try:
            import h5py
            with h5py.File(h5, "r") as f:
                info["name"] = str(f.attrs.get("sweep_name", info["name"]))
                info["commit"] = str(f.attrs.get("git_commit", ""))
                if "common_random_numbers" in f.attrs:
                    info["crn"] = bool(f.attrs["common_random_numbers"])
                # each axis's scenario field: the root variable whose `column` is the axis
                # (sweep.h5 format 2), or /design/<axis> (the earlier layout)
                columns = {}
                for name, obj in f.items():
                    if isinstance(obj, h5py.Dataset) and "column" in obj.attrs and "path" in obj.attrs:
                        c = obj.attrs["column"]
                        columns[c.decode() if isinstance(c, bytes) else str(c)] = obj
                for a in axes:
                    obj = columns.get(a) or (f[f"design/{a}"] if f"design/{a}" in f else None)
                    if obj is not None and "path" in obj.attrs:
                        p = obj.attrs["path"]
                        info["paths"][a] = p.decode() if isinstance(p, bytes) else str(p)
        except Exception as e:  # the attributes are only for the header
            print(f"note: {h5}: {e}", file=sys.stderr)
    return axes, design.to_numpy(dtype=float), Y, info


def saltelli_blocks(X, d):
    """Splits the points into base rows: returns (iA, iB, iAB (N, D), second_order). Checks the
    layout against the design values X (points, D)."""
    p = X.shape[0]
    for second_order, width in ((False, d + 2), (True, 2 * d + 2)):
        if p % width:
            continue
        n = p // width
        base = np.arange(n) * width
        iA, iB = base, base + width - 1
        iAB = base[:, None] + 1 + np.arange(d)[None, :]
        ok = True
        for i in range(d):
            expect = X[iA].copy()
            expect[:, i] = X[iB, i]
            if not np.array_equal(X[iAB[:, i]], expect):
                ok = False
                break
        if ok:
            return iA, iB, iAB, second_order
    raise SystemExit(f"{p} points with {d} axes are not a Saltelli design in SALib's order "
                     "(A, AB_1..AB_D, [BA_1..BA_D,] B per base row)")


def analyse(folder, summary=None, bootstrap=1000, seed=12345, level=0.95):
    axes, X, Y, info = read_sweep(folder, summary)
    d = len(axes)
    iA, iB, iAB, second_order = saltelli_blocks(X, d)
    rows = np.concatenate([iA[:, None], iB[:, None], iAB], axis=1)
    keep = ~np.isnan(Y[rows]).any(axis=1)
    info.update(n_total=len(iA), n=int(keep.sum()), d=d, second_order=second_order,
                dropped=int((~keep).sum()))
    if info["n"] < 2:
        raise SystemExit(f"{folder}: fewer than two complete base rows")
    iA, iB, iAB = iA[keep], iB[keep], iAB[keep]
    res = sobol_indices(Y[iA], Y[iB], Y[iAB], bootstrap=bootstrap, seed=seed, level=level)
    used = np.unique(rows[keep])
    Yu = Y[used]
    nrep = info["nrep"][used]
    wv = info["within_var"][used]
    info["mean"] = float(np.mean(Yu))
    info["sd"] = float(np.std(Yu))
    ok = nrep >= 2
    info["seed_sd"] = float(np.sqrt(np.mean(wv[ok]))) if ok.any() else float("nan")
    # the indices from each replicate alone (point estimates, the base rows complete in it)
    st_seed = []
    for r in range(info["Yr"].shape[1]):
        y = info["Yr"][:, r]
        full = ~np.isnan(y[rows]).any(axis=1)
        if full.sum() >= 2:
            st_seed.append(estimate(y[rows[full, 0]], y[rows[full, 1]], y[rows[full, 2:]])[1])
    st_seed = np.array(st_seed) if st_seed else np.full((1, d), np.nan)
    table = pd.DataFrame({
        "parameter": axes,
        "path": [info["paths"][a] for a in axes],
        "S1": res["S1"], "S1_low": res.get("S1_low"), "S1_high": res.get("S1_high"),
        "ST": res["ST"], "ST_low": res.get("ST_low"), "ST_high": res.get("ST_high"),
        "ST_seed_min": st_seed.min(axis=0), "ST_seed_max": st_seed.max(axis=0),
    })
    return table, info


def header(info, bootstrap, level, seed, title=None):
    t = title or f"Sobol' indices of `{info['summary']}` in sweep `{info['name']}`"
    lines = [
        f"**{t}**",
        "",
        f"Saltelli design, N = {info['n']} base rows (of {info['n_total']}; "
        f"{info['dropped']} left out for runs not done), D = {info['d']} parameters"
        f"{', second order (BA blocks not used)' if info['second_order'] else ''}; "
        f"{info['runs_done']} of {info['runs']} runs done, {info['replicates']} replicates (seeds) per "
        f"point, averaged per point"
        + {True: " (common random numbers: replicate r has the same seed at every point). ",
           False: " (every run its own seed). ", None: ". "}[info["crn"]] +
        f"Y: mean {info['mean']:.4f}, sd {info['sd']:.4f} over the design's points, sd over seeds within "
        f"a point {info['seed_sd']:.4f}. "
        f"S1: Saltelli 2010; ST: Jansen; {int(level * 100)}% percentile bootstrap intervals over the "
        f"base rows ({bootstrap} draws, seed {seed})."
        + (f" Engine commit {info['commit']}." if info['commit'] else ""),
    ]
    return lines


def fmt(x):
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def markdown(table, info, bootstrap, level, seed, title=None):
    lines = header(info, bootstrap, level, seed, title) + [""]
    lines.append("| parameter | S1 | S1 95% CI | ST | ST 95% CI | ST, one seed alone |")
    lines.append("|---|---:|---|---:|---|---|")
    for r in table.sort_values("ST", ascending=False).itertuples():
        lines.append(f"| `{r.path}` | {fmt(r.S1)} | [{fmt(r.S1_low)}, {fmt(r.S1_high)}] | "
                     f"{fmt(r.ST)} | [{fmt(r.ST_low)}, {fmt(r.ST_high)}] | {fmt(r.ST_seed_min)} to {fmt(r.ST_seed_max)} |")
    lines.append(f"| sum | {fmt(float(table.S1.sum()))} | | {fmt(float(table.ST.sum()))} | | |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", help="a collected Saltelli sweep's output folder")
    ap.add_argument("--summary", help="the summary column (default: the only one)")
    ap.add_argument("--bootstrap", type=int, default=1000, help="bootstrap draws (default 1000)")
    ap.add_argument("--seed", type=int, default=12345, help="bootstrap seed (default 12345)")
    ap.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
    ap.add_argument("--csv", help="write the indices as CSV here")
    ap.add_argument("--markdown", help="write a markdown table here")
    ap.add_argument("--title", help="the markdown table's title")
    a = ap.parse_args(argv)
    table, info = analyse(a.folder, a.summary, a.bootstrap, a.seed, a.level)
    md = markdown(table, info, a.bootstrap, a.level, a.seed, a.title)
    # east_asian_width: axis names in Chinese take two columns a character, and the columns stay aligned
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.unicode.east_asian_width", True):
        print("\n".join(header(info, a.bootstrap, a.level, a.seed, a.title)))
        print(table.drop(columns="path").sort_values("ST", ascending=False)
              .to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if a.csv:
        table.to_csv(a.csv, index=False, float_format="%.6g")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
