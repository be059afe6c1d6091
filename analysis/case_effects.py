#!/usr/bin/env python3
"""Cases against a reference case, paired by seed, for each level of another axis: the table of the
worked example in docs/sweeps.md ("which step matters most, and how does that change with the renter
share?").

    case_effects.py DIR --summary NAME --cases AXIS --reference CASE [--by AXIS] [--level 0.95]
                    [--markdown OUT.md] [--csv OUT.csv]

DIR is a collected sweep folder (`courtyard sweep collect DIR`); the script reads DIR/results.csv, where
each axis has a column (a case axis holds the case's name, a linked axis its value). With common random
numbers (the sweep's default) replicate k of every point has the same seed, so each case is compared with
the reference on the same seeds: for every level of --by (or once, without it) and every case,

    mean     the mean of the summary over the case's done runs
    effect   mean over seeds of (case - reference), the paired difference
    ci       its half width: t quantile (level, n - 1 degrees of freedom) x sd / sqrt(n)

A seed counts only where both runs are done; the cell says how many seeds it has when some are missing.
Rows are ordered by the largest effect (in absolute value) over the levels, so the case whose step
matters most comes first. The table goes to standard output (and --markdown, --csv).

This groups by the columns that results.csv holds per axis; results.csv's columns per linked field (one
per field a linked axis sets) are not needed here and are ignored.
"""

import argparse
import math
import sys

import numpy as np
import pandas as pd


def t_quantile(p, df):
    """Student's t quantile (scipy when there, else the normal's)."""
    try:
        from scipy.stats import t
        return float(t.ppf(p, df))
    except ImportError:  # pragma: no cover
        from statistics import NormalDist
        return NormalDist().inv_cdf(p)


def case_effects(results, summary, cases, reference, by=None, level=0.95):
    """A DataFrame with one row per (by level, case): mean, effect, ci, seeds."""
    df = results[results["status"] == "done"] if "status" in results else results
    if reference not in set(results[cases]):
        raise SystemExit(f"case_effects.py: no case {reference!r} in column {cases!r} "
                         f"(cases: {', '.join(map(str, pd.unique(results[cases])))})")
    groups = [(None, df)] if by is None else list(df.groupby(by, sort=True))
    out = []
    for level_value, g in groups:
        ref = g[g[cases] == reference].set_index("replicate")[summary]
        for case in pd.unique(results[cases]):
            c = g[g[cases] == case].set_index("replicate")[summary]
            paired = (c - ref).dropna()
            n = len(paired)
            effect = paired.mean() if n else math.nan
            ci = t_quantile(0.5 + level / 2, n - 1) * paired.std(ddof=1) / math.sqrt(n) if n > 1 else math.nan
            out.append({"by": level_value, "case": case, "mean": c.mean() if len(c) else math.nan,
                        "effect": effect, "ci": ci, "seeds": n})
    return pd.DataFrame(out)


def table(res, cases, reference, by, summary, level, total_seeds):
    """The markdown table: cases as rows, --by levels as columns."""
    levels = list(pd.unique(res["by"]))
    order = (res[res["case"] != reference].groupby("case")["effect"].apply(lambda e: np.nanmax(np.abs(e)))
             .sort_values(ascending=False).index.tolist())
    head = [cases] + [f"{by} = {v}" if by else summary for v in levels]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * len(levels) + "|"]
    for case in [reference] + order:
        cells = []
        for v in levels:
            r = res[(res["case"] == case) & ((res["by"] == v) if by else True)].iloc[0]
            if case == reference:
                cells.append(f"**{r['mean']:.3f}**")
            else:
                cell = f"{r['mean']:.3f} ({r['effect']:+.3f} ± {r['ci']:.3f})"
                if r["seeds"] < total_seeds:
                    cell += f" [{int(r['seeds'])} seeds]"
                cells.append(cell)
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--summary", required=True)
    ap.add_argument("--cases", required=True, help="the case axis's column")
    ap.add_argument("--reference", required=True, help="the case the others are compared with")
    ap.add_argument("--by", help="an axis whose levels make the table's columns")
    ap.add_argument("--level", type=float, default=0.95)
    ap.add_argument("--markdown")
    ap.add_argument("--csv")
    a = ap.parse_args(argv)
    results = pd.read_csv(f"{a.dir}/results.csv", float_precision="round_trip")
    for col in [a.summary, a.cases] + ([a.by] if a.by else []):
        if col not in results:
            raise SystemExit(f"case_effects.py: results.csv has no column {col!r}")
    res = case_effects(results, a.summary, a.cases, a.reference, a.by, a.level)
    seeds = results["replicate"].nunique()
    text = (f"{a.summary}: mean over {seeds} seeds; in brackets the paired difference from "
            f"\"{a.reference}\" ± its {int(a.level * 100)}% interval\n\n" + table(res, a.cases, a.reference, a.by, a.summary,
                                                                                a.level, seeds))
    print(text, end="")
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if a.csv:
        res.rename(columns={"by": a.by or "by"}).to_csv(a.csv, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
