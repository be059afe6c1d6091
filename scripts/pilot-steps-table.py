#!/usr/bin/env python3
"""What each step of the 1-2-3-4 pilot adds: a Markdown table of 24-month outcomes.

Runs the Jiangdong Minju pilot (scenarios/jiangdong_minju_pilot.txtpb) with the full package, with each of
the four steps left out in turn, and the baseline (scenarios/jiangdong_minju_baseline.txtpb), for seeds
1..N, and prints the mean and standard deviation over the seeds of each outcome at the last record (week
104), plus the total number of households that moved out over the run. Used for the table in
docs/governance.md, section "What each step adds".

    /usr/bin/python3 scripts/pilot-steps-table.py [--seeds 20] [--binary build/engine/cli/courtyard] [--paired]

With --paired, a second table gives each variant's difference from the full package, seed by seed (the runs
of one seed share their random numbers), as the mean difference (full package minus variant) and the number
of seeds in which the full package is higher / lower.

Needs Python 3 with h5py and numpy. Run files go to a temporary folder that is removed at the end.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PILOT = "scenarios/jiangdong_minju_pilot.txtpb"
BASELINE = "scenarios/jiangdong_minju_baseline.txtpb"

# (row label, scenario, --set overrides)
VARIANTS = [
    ("full package", PILOT, []),
    ("without organisation", PILOT, ["interventions[0].package.without[0]=organisation"]),
    ("without hardware", PILOT, ["interventions[0].package.without[0]=hardware"]),
    ("without covenant", PILOT, ["interventions[0].package.without[0]=covenant"]),
    ("without services", PILOT, ["interventions[0].package.without[0]=services"]),
    ("baseline (no intervention)", BASELINE, []),
]

# (metric, decimals): the value at the last record of /timeseries/<metric>[:, 0]
LAST = [
    ("collection_rate", 2),
    ("fund_balance", 0),
    ("disorder", 2),
    ("condition_index", 2),
    ("trust_mean", 2),
    ("satisfaction_mean", 2),
    ("renter_share", 2),
    ("star_rating", 2),
    ("five_haves", 2),
]
# the sum of /timeseries/move_outs[1:, 0]: every household that left over the run (record 0 is the
# initial state, whose counter is 0)
TOTAL = ("move_outs", 1)


def run_once(binary, scenario, seed, overrides, out_path, retries, wait_s):
    cmd = [binary, "run", scenario, "--seed", str(seed)]
    for o in overrides:
        cmd += ["--set", o]
    cmd += ["-o", out_path, "--progress", "none", "--quiet"]
    for attempt in range(retries + 1):
        if not os.path.exists(binary):
            err = f"{binary} does not exist"
        else:
            proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
            if proc.returncode == 0:
                return
            err = f"exit {proc.returncode}: {proc.stderr.strip()}"
            if proc.returncode in (64, 65):  # usage error, invalid scenario: retrying will not help
                break
        if attempt < retries:
            print(f"pilot-steps-table: {' '.join(cmd)} failed ({err}); retrying in {wait_s:.0f} s",
                  file=sys.stderr)
            time.sleep(wait_s)
    raise RuntimeError(f"{' '.join(cmd)} failed: {err}")


def outcomes(path):
    with h5py.File(path, "r") as f:
        ts = f["timeseries"]
        row = [float(ts[m][-1, 0]) for m, _ in LAST]
        row.append(float(np.sum(ts[TOTAL[0]][1:, 0])))
    return row


def fmt(values, decimals):
    v = np.asarray(values, dtype=float)
    sd = v.std(ddof=1) if len(v) > 1 else 0.0
    return f"{v.mean():.{decimals}f} ± {sd:.{decimals}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=20, help="seeds 1..N (default 20)")
    ap.add_argument("--binary", default=os.path.join(REPO, "build/engine/cli/courtyard"),
                    help="the courtyard CLI (default: build/engine/cli/courtyard of this repository)")
    ap.add_argument("--retries", type=int, default=2,
                    help="retries of a failed run, e.g. while the binary is being rebuilt (default 2)")
    ap.add_argument("--retry-wait", type=float, default=60, help="seconds between retries (default 60)")
    ap.add_argument("--paired", action="store_true",
                    help="also print the differences from the full package, paired by seed")
    args = ap.parse_args()
    if args.seeds < 1:
        ap.error("--seeds must be >= 1")
    binary = os.path.abspath(args.binary)

    tmp = tempfile.mkdtemp(prefix="pilot-steps-")
    try:
        results = []
        for i, (label, scenario, overrides) in enumerate(VARIANTS):
            rows = []
            for seed in range(1, args.seeds + 1):
                out = os.path.join(tmp, f"v{i}-s{seed}.h5")
                run_once(binary, scenario, seed, overrides, out, args.retries, args.retry_wait)
                rows.append(outcomes(out))
                os.remove(out)
            results.append((label, np.array(rows)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    names = [m for m, _ in LAST] + [TOTAL[0] + " (total)"]
    decimals = [d for _, d in LAST] + [TOTAL[1]]
    print("| variant | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, rows in results:
        cells = [fmt(rows[:, j], decimals[j]) for j in range(len(names))]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    print(f"Mean ± standard deviation (n − 1) over seeds 1–{args.seeds}; values at the last record (week 104 "
          "for the scenarios as written), move_outs summed over all weeks after the initial record.")

    if args.paired:
        full = results[0][1]
        print()
        print("| full package minus | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for label, rows in results[1:]:
            d = full - rows
            cells = [f"{d[:, j].mean():+.{decimals[j]}f} ({int((d[:, j] > 0).sum())}/{int((d[:, j] < 0).sum())})"
                     for j in range(len(names))]
            print(f"| {label} | " + " | ".join(cells) + " |")
        print()
        print("Mean difference (full package minus variant) over the seeds, paired by seed; in brackets the number "
              "of seeds in which the full package is higher / lower.")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        print(f"pilot-steps-table: {e}", file=sys.stderr)
        sys.exit(1)
