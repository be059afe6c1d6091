#!/usr/bin/env python3
"""The pattern-oriented validation report as one picture (written by `courtyard patterns`).

    plot_patterns.py patterns.csv patterns-values.csv -o patterns.png

One panel per probe: the per-seed values (dots), the mean with its 95% confidence interval (bar), and the
range the literature supports (shaded; an open end is drawn to the panel's edge). The title gives the
probe's name and verdict (green pass, red fail, grey error); the source is written under the panel.
Run with Debian's /usr/bin/python3 (python3-matplotlib, python3-numpy).
"""

import argparse
import csv
import math
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "error": "#757575"}


def number(s):
    try:
        return float(s)
    except ValueError:
        return math.nan


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", help="patterns.csv")
    ap.add_argument("values", help="patterns-values.csv (name,seed,value)")
    ap.add_argument("-o", "--output", required=True, help="the PNG to write")
    args = ap.parse_args()

    with open(args.report, newline="") as f:
        rows = list(csv.DictReader(f))
    values = {}
    with open(args.values, newline="") as f:
        for r in csv.DictReader(f):
            values.setdefault(r["name"], []).append(number(r["value"]))

    n = max(1, len(rows))
    cols = min(4, n)
    nrows = math.ceil(n / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.3 * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, row in zip(axes.flat, rows):
        name, verdict = row["name"], row["verdict"]
        mean, lo, hi = number(row["mean"]), number(row["ci_low"]), number(row["ci_high"])
        r_lo, r_hi = number(row["range_low"]), number(row["range_high"])
        vals = [v for v in values.get(name, []) if math.isfinite(v)]
        ax.set_title(f"{name}: {verdict}", fontsize=9, color=COLOURS.get(verdict, "black"))
        ax.set_xticks([])
        ax.tick_params(labelsize=7)
        # the y range: the values, the interval and the finite ends of the literature range
        ys = vals + [y for y in (mean, lo, hi, r_lo, r_hi) if math.isfinite(y)]
        if not ys:
            ax.text(0.5, 0.5, "no value", ha="center", va="center", transform=ax.transAxes, fontsize=8)
            continue
        y0, y1 = min(ys), max(ys)
        pad = 0.1 * (y1 - y0) if y1 > y0 else max(0.05, 0.1 * abs(y0))
        y0, y1 = y0 - pad, y1 + pad
        ax.set_ylim(y0, y1)
        ax.set_xlim(-1, 1)
        ax.axhspan(r_lo if math.isfinite(r_lo) else y0, r_hi if math.isfinite(r_hi) else y1, color="#90caf9", alpha=0.35,
                   label="literature range")
        if vals:
            k = len(vals)
            xs = [-0.5 + (i + 0.5) / k * 0.5 for i in range(k)]
            ax.scatter(xs, vals, s=8, color="#424242", alpha=0.7, label="per seed")
        if math.isfinite(mean):
            err_lo = mean - lo if math.isfinite(lo) else 0
            err_hi = hi - mean if math.isfinite(hi) else 0
            ax.errorbar([0.4], [mean], yerr=[[err_lo], [err_hi]], fmt="o", color=COLOURS.get(verdict, "black"),
                        capsize=4, label="mean, 95% CI")
        ax.set_xlabel("\n".join(textwrap.wrap(row["source"], 48)[:2]), fontsize=6)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower right", fontsize=8)
    fig.suptitle("Pattern-oriented validation: model statistic against the literature range", fontsize=11)
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    fig.savefig(args.output, dpi=90)


if __name__ == "__main__":
    main()
