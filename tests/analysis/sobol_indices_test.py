#!/usr/bin/env python3
"""Tests of analysis/sobol_indices.py on the Ishigami function, whose Sobol' indices are known.

    sobol_indices_test.py SOURCE_DIR WORK_DIR

Ishigami (a = 7, b = 0.1, x uniform on [-pi, pi]^3): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, with
V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0,
V13 = b^2 pi^8 (1/18 - 1/50): S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244).

The synthetic sweeps are written as `courtyard sweep collect` writes DIR/results.csv (run, point,
replicate, seed, <axes>, status, <summary>), points in SALib's Saltelli order (A_j, AB_j^(1..D),
[BA_j^(1..D),] B_j per base row), two replicates per point whose mean is f (f + e and f - e), with a
failed replicate here and there and one base row with no done run. N = 4096 base rows from a
scrambled Sobol' sample (scipy): the estimators' error is then about 0.01; tolerance 0.03. The 95%
bootstrap intervals (1000 draws) must cover the analytic values.
"""

import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from scipy.stats import qmc

A_, B_ = 7.0, 0.1
V = A_**2 / 8 + B_ * math.pi**4 / 5 + B_**2 * math.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B_ * math.pi**4 / 5) ** 2
V2 = A_**2 / 8
V13 = B_**2 * math.pi**8 * (1 / 18 - 1 / 50)
S1_TRUE = np.array([V1 / V, V2 / V, 0.0])
ST_TRUE = np.array([(V1 + V13) / V, V2 / V, V13 / V])
N = 4096
TOL = 0.03

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def ishigami(x):
    return np.sin(x[:, 0]) + A_ * np.sin(x[:, 1]) ** 2 + B_ * x[:, 2] ** 4 * np.sin(x[:, 0])


def write_sweep(folder, second_order, drop_row=None, seed=3, n=None):
    """A collected Saltelli sweep of Ishigami in `folder`; returns the number of runs."""
    d = 3
    base = qmc.Sobol(2 * d, scramble=True, seed=seed).random(n or N) * 2 * math.pi - math.pi
    A, B = base[:, :d], base[:, d:]
    blocks = [A]
    for i in range(d):
        ab = A.copy()
        ab[:, i] = B[:, i]
        blocks.append(ab)
    if second_order:
        for i in range(d):
            ba = B.copy()
            ba[:, i] = A[:, i]
            blocks.append(ba)
    blocks.append(B)
    X = np.stack(blocks, axis=1).reshape(-1, d)  # per base row: A, AB_1..AB_D, [BA_1..BA_D,] B
    f = ishigami(X)
    width = len(blocks)
    rng = np.random.default_rng(11)
    e = rng.normal(0, 0.5, len(f))
    rows = []
    for p in range(len(f)):
        fail_one = p % 97 == 5  # one replicate failed: the mean is over the other (set to f below)
        for r in range(2):
            status, y = "done", f[p] + (e[p] if r == 0 else -e[p])
            if fail_one:
                status, y = ("failed", np.nan) if r == 1 else ("done", f[p])
            if drop_row is not None and p // width == drop_row:
                status, y = "missing", np.nan
            rows.append((2 * p + r, p, r, 1000 + r, *X[p], status, y))
    df = pd.DataFrame(rows, columns=["run", "point", "replicate", "seed", "x1", "x2", "x3",
                                     "status", "ishigami"])
    os.makedirs(folder, exist_ok=True)
    df.to_csv(os.path.join(folder, "results.csv"), index=False, float_format="%.17g", na_rep="")
    return len(df)


def main():
    src, work = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(src, "analysis"))
    import sobol_indices as si

    os.makedirs(work, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=work)  # removed when every check passed, kept to look at otherwise

    # 1. First order and total, with the layout of a first-order design, through the command line.
    d1 = os.path.join(tmp, "first")
    write_sweep(d1, second_order=False, drop_row=17)
    csv, md = os.path.join(tmp, "first.csv"), os.path.join(tmp, "first.md")
    proc = subprocess.run([sys.executable, os.path.join(src, "analysis", "sobol_indices.py"), d1,
                           "--csv", csv, "--markdown", md], capture_output=True, text=True)
    print(proc.stdout, proc.stderr)
    check(proc.returncode == 0, "sobol_indices.py exits 0")
    t = pd.read_csv(csv).set_index("parameter").loc[["x1", "x2", "x3"]]
    for k in range(3):
        name = f"x{k + 1}"
        r = t.loc[name]
        check(abs(r.S1 - S1_TRUE[k]) < TOL, f"S1 {name} = {r.S1:.4f}, analytic {S1_TRUE[k]:.4f}")
        check(abs(r.ST - ST_TRUE[k]) < TOL, f"ST {name} = {r.ST:.4f}, analytic {ST_TRUE[k]:.4f}")
        check(r.S1_low <= S1_TRUE[k] <= r.S1_high,
              f"S1 {name} interval [{r.S1_low:.4f}, {r.S1_high:.4f}] covers {S1_TRUE[k]:.4f}")
        check(r.ST_low <= ST_TRUE[k] <= r.ST_high,
              f"ST {name} interval [{r.ST_low:.4f}, {r.ST_high:.4f}] covers {ST_TRUE[k]:.4f}")
        check(r.S1_high - r.S1_low < 0.15 and r.ST_high - r.ST_low < 0.15,
              f"{name} intervals narrower than 0.15")
    text = open(md).read()
    check(f"N = {N - 1} base rows (of {N}; 1 left out" in text, "the base row with no done run is left out")
    check("| `x1` |" in text and "2 replicates" in text, "markdown table names the parameters and replicates")

    # 2. The same numbers in the library, and the bootstrap is reproducible (fixed seed).
    table, info = si.analyse(d1, bootstrap=200, seed=5)
    table2, _ = si.analyse(d1, bootstrap=200, seed=5)
    check(table[["S1_low", "ST_high"]].equals(table2[["S1_low", "ST_high"]]),
          "same bootstrap seed, same intervals")
    check(np.allclose(table.S1.to_numpy(), t.S1.to_numpy(), atol=1e-5), "library and command line agree")
    check(not info["second_order"] and info["d"] == 3, "first-order layout recognised")

    # 3. A second-order layout (BA blocks) gives the same estimates from its A, AB and B blocks.
    d2 = os.path.join(tmp, "second")
    write_sweep(d2, second_order=True, n=2048)
    table3, info3 = si.analyse(d2, bootstrap=0)
    check(info3["second_order"] and info3["n"] == 2048, "second-order layout recognised")
    check(np.all(np.abs(table3.S1.to_numpy() - S1_TRUE) < TOL)
          and np.all(np.abs(table3.ST.to_numpy() - ST_TRUE) < TOL), "second-order layout: indices")

    # 4. A design not in Saltelli's order is refused.
    d3 = os.path.join(tmp, "shuffled")
    write_sweep(d3, second_order=False, n=64)
    df = pd.read_csv(os.path.join(d3, "results.csv"))
    df[["x1", "x2", "x3"]] = df[["x1", "x2", "x3"]].to_numpy()[::-1]
    df.to_csv(os.path.join(d3, "results.csv"), index=False, float_format="%.17g")
    try:
        si.analyse(d3, bootstrap=0)
        check(False, "a shuffled design is refused")
    except SystemExit as e:
        check("not a Saltelli design" in str(e), "a shuffled design is refused")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    shutil.rmtree(tmp)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
