#!/usr/bin/env python3
"""Pictures of a finished calibration (`courtyard calibrate SPEC --out DIR`).

usage: calibration_plot.py DIR [--truth NAME=VALUE ...] [--generations]

Writes
  DIR/pairs.png       the posterior's pair plot: each parameter's weighted histogram on the diagonal
                      (x range = its prior), each pair's particles below it (area ~ weight); with
                      --generations the earlier generations' particles are drawn faintly behind
  DIR/predictive.png  the posterior predictive of each target: the runs' values at posterior draws,
                      the observed value (line) and its tolerance (band)
--truth NAME=VALUE marks a known value (a synthetic test) on the pair plot.
Reads posterior.csv, posterior_summary.csv, predictive.csv, predictive_summary.csv and gen-*/population.csv.
"""
import argparse
import glob
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def pair_plot(d, truth, generations):
    post = pd.read_csv(os.path.join(d, "posterior.csv"))
    summary = pd.read_csv(os.path.join(d, "posterior_summary.csv"))
    names = list(summary["parameter"])
    lims = {r.parameter: (r.prior_min, r.prior_max) for r in summary.itertuples()}
    earlier = []
    if generations:
        for path in sorted(glob.glob(os.path.join(d, "gen-*", "population.csv")))[:-1]:
            earlier.append(pd.read_csv(path))
    n = len(names)
    fig, axes = plt.subplots(n, n, figsize=(2.6 * n + 1, 2.6 * n + 1), squeeze=False)
    w = post["weight"].to_numpy()
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i][j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(post[xj], bins=20, range=lims[xj], weights=w, color="tab:blue", alpha=0.8)
                ax.set_yticks([])
                row = summary[summary["parameter"] == xj].iloc[0]
                ax.axvspan(row.q05, row.q95, color="tab:blue", alpha=0.12)
                ax.set_title(f"{xj}\nmean {row['mean']:.3g}, 90% [{row.q05:.3g}, {row.q95:.3g}]", fontsize=8)
            else:
                for k, g in enumerate(earlier):
                    ax.scatter(g[xj], g[yi], s=4, color="grey", alpha=0.15 + 0.3 * k / max(1, len(earlier)))
                ax.scatter(post[xj], post[yi], s=200 * w / w.max(), color="tab:blue", alpha=0.6)
                ax.set_ylim(lims[yi])
                if yi in truth:
                    ax.axhline(truth[yi], color="tab:red", lw=1)
            ax.set_xlim(lims[xj])
            if xj in truth:
                ax.axvline(truth[xj], color="tab:red", lw=1)
            if i == n - 1:
                ax.set_xlabel(xj, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle(f"posterior ({len(post)} particles, weighted); x range: the prior", fontsize=10)
    fig.tight_layout()
    out = os.path.join(d, "pairs.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def predictive_plot(d):
    path = os.path.join(d, "predictive.csv")
    if not os.path.exists(path):
        return None
    pred = pd.read_csv(path)
    summary = pd.read_csv(os.path.join(d, "predictive_summary.csv"))
    n = len(summary)
    fig, axes = plt.subplots(1, n, figsize=(3.6 * n, 3.2), squeeze=False)
    for k, row in enumerate(summary.itertuples()):
        ax = axes[0][k]
        values = pred[row.target].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        lo = min(values.min() if len(values) else row.observed, row.observed - row.tolerance)
        hi = max(values.max() if len(values) else row.observed, row.observed + row.tolerance)
        ax.hist(values, bins=20, range=(lo, hi if hi > lo else lo + 1e-9), color="tab:green", alpha=0.8)
        ax.axvspan(row.observed - row.tolerance, row.observed + row.tolerance, color="tab:red", alpha=0.15)
        ax.axvline(row.observed, color="tab:red", lw=1.5)
        ax.set_title(f"{row.metric}\n{row.where}, {row.when}: {100 * row.within_tolerance:.0f}% within", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("posterior predictive (runs at posterior draws, new seeds); red: observed ± tolerance", fontsize=9)
    fig.tight_layout()
    out = os.path.join(d, "predictive.png")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--truth", action="append", default=[], help="NAME=VALUE: a known value to mark")
    ap.add_argument("--generations", action="store_true", help="draw the earlier generations faintly")
    a = ap.parse_args(argv)
    truth = {}
    for t in a.truth:
        name, _, value = t.partition("=")
        truth[name] = float(value)
    if not os.path.exists(os.path.join(a.dir, "posterior.csv")):
        print(f"calibration_plot.py: {a.dir} holds no posterior.csv (is the calibration finished?)", file=sys.stderr)
        return 1
    for out in (pair_plot(a.dir, truth, a.generations), predictive_plot(a.dir)):
        if out:
            print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
