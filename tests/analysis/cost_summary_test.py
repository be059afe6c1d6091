"""analysis/summary.py --baseline: what runs cost and bought against paired baselines (ctest: analysis_cost_summary).

Makes two runs of tests/analysis/data/two_courtyards.txtpb (seeds 1 and 2) with `courtyard run
--paired-baseline`, then checks summary.py against an independent computation from the files (h5py):
  - the per-pair CSV (-o): costs summed over records and courtyards, flats, collection (%) at the last
    record, gain, cost per household and per point;
  - the printed block: each line the mean over the seeds with [lowest to highest], to the digits printed;
  - baselines given in the other order are paired by their seed attribute; --pair-by order pairs them as
    given and warns that the seeds differ;
  - --courtyard NAME restricts everything to that courtyard's column;
  - a pair without gain (a run against itself) gives n/a, counted in "no gain in N of M seeds";
  - the same numbers as `courtyard run --paired-baseline` printed for the pair.
usage: cost_summary_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR
"""
import csv
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PY = sys.executable
SUMMARY = os.path.join(SRC, "analysis", "summary.py")
SCENARIO = os.path.join(SRC, "tests", "analysis", "data", "two_courtyards.txtpb")
COSTS = ["spent_subdistrict", "spent_community", "spent_courtyard", "staff_hours", "volunteer_hours"]
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"))


def close(a, b):
    if a is None or b is None:
        return a is b
    if np.isnan(a) or np.isnan(b):
        return np.isnan(a) and np.isnan(b)
    return abs(a - b) <= 1e-5 * max(1.0, abs(b))


def expected(run_path, base_path, courtyard=None):
    """The pair's quantities, from the files' /timeseries (float32 summed in float64)."""
    def one(path):
        with h5py.File(path, "r") as f:
            names = list(f["courtyards/name"].asstr()[()])
            cols = slice(None) if courtyard is None else [names.index(courtyard)]
            ts = f["timeseries"]
            v = {m: float(ts[m][()][:, cols].astype(np.float64).sum()) for m in COSTS}
            v["households"] = float(f["courtyards/households"][()][cols].sum())
            rate = ts["collection_rate"][()][-1, :].astype(np.float64)
            if courtyard is None:  # the subdistrict's: occupied-flat weighted, as stored
                v["collection"] = float(f["subdistrict/collection_rate"][-1])
            else:
                v["collection"] = float(rate[cols][0])
            v["seed"] = int(f.attrs["seed"])
        v["spent"] = v["spent_subdistrict"] + v["spent_community"] + v["spent_courtyard"]
        return v
    r, b = one(run_path), one(base_path)
    gain = 100.0 * (r["collection"] - b["collection"])
    out = {k: r[k] for k in COSTS + ["spent", "households", "seed"]}
    out.update(baseline_spent=b["spent"], baseline_staff_hours=b["staff_hours"],
               yuan_per_household=(r["spent"] - b["spent"]) / r["households"],
               staff_hours_per_household=(r["staff_hours"] - b["staff_hours"]) / r["households"],
               collection=100 * r["collection"], baseline_collection=100 * b["collection"], gain_points=gain,
               yuan_per_point=(r["spent"] - b["spent"]) / gain if gain >= 0.05 else np.nan,
               staff_hours_per_point=(r["staff_hours"] - b["staff_hours"]) / gain if gain >= 0.05 else np.nan)
    return out


def block(text):
    start = text.find("What it cost")
    out = {}
    for line in text[start:].splitlines()[1:]:
        m = re.match(r"^  (\S.*?)\s{2,}(\S.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


NUM = r"([+-]?\d+(?:\.\d+)?)"


def agrees(value, values):
    m = re.fullmatch(NUM + r"(?:\s+\[" + NUM + " to " + NUM + r"\])?", (value or "").strip())
    if not m:
        return False
    got = [(float(g), len(g.split(".")[1]) if "." in g else 0) for g in m.groups() if g is not None]
    want = [np.mean(values)] + ([min(values), max(values)] if len(values) > 1 else [])
    return len(got) == len(want) and all(abs(g - w) <= 0.5 * 10.0 ** -d + 1e-6 * abs(w) for (g, d), w in zip(got, want))


LINES = {"spent by the subdistrict (yuan)": "spent_subdistrict", "spent by the community (yuan)": "spent_community",
         "spent from the courtyard fund (yuan)": "spent_courtyard", "spent in all (yuan)": "spent",
         "community staff time (hours)": "staff_hours", "volunteer time (hours)": "volunteer_hours",
         "households (flats)": "households", "cost per household (yuan)": "yuan_per_household",
         "staff time per household (hours)": "staff_hours_per_household",
         "fee collection at week 30, with the intervention (%)": "collection",
         "fee collection at week 30, baseline (%)": "baseline_collection",
         "collection gained at week 30 (percentage points)": "gain_points",
         "cost per point gained (yuan)": "yuan_per_point", "staff time per point gained (hours)": "staff_hours_per_point"}


def summary(*args):
    return subprocess.run([PY, SUMMARY, *args], capture_output=True, text=True, timeout=300)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_table(name, rows, wants):
    ok, detail = len(rows) == len(wants), f"{len(rows)} rows"
    for row, want in zip(rows, wants):
        for k, v in want.items():
            got = float(row[k]) if row[k] != "" else np.nan
            if not close(got, float(v)):
                ok, detail = False, f"{k}: {got} vs {v}"
    check(name, ok, detail)


def check_block(name, text, wants):
    printed = block(text)
    for label, key in LINES.items():
        values = [w[key] for w in wants]
        if any(np.isnan(values)):
            continue
        value = printed.get(label, printed.get("extra " + label))  # "extra": less what the baseline spent
        check(f"{name}: '{label}'", agrees(value, values), (value, values))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    runs, bases, printed_run = [], [], {}
    for seed in (1, 2):
        out = os.path.join(WORK, f"run-s{seed}.h5")
        r = subprocess.run([BIN, "run", SCENARIO, "--seed", str(seed), "-o", out, "--paired-baseline", "--progress", "none"],
                           capture_output=True, text=True, timeout=300)
        check(f"courtyard run --paired-baseline, seed {seed}", r.returncode == 0, r.stderr[-300:])
        runs.append(out)
        bases.append(os.path.join(WORK, f"run-s{seed}-baseline.h5"))
        printed_run[seed] = r.stdout
    wants = [expected(a, b) for a, b in zip(runs, bases)]
    check("the pairs gain collection and cost money (the per-point path is exercised)",
          all(w["gain_points"] >= 0.05 and w["spent"] > 0 for w in wants), wants)

    # baselines in the other order: paired by seed
    csv_path = os.path.join(WORK, "costs.csv")
    r = summary(*runs, "--baseline", *reversed(bases), "-o", csv_path)
    check("summary.py --baseline exits 0", r.returncode == 0, r.stderr[-400:])
    rows = read_csv(csv_path)
    check("pairs by seed: each run with its own baseline",
          [(row["run"], row["baseline"]) for row in rows] == [("run-s1", "run-s1-baseline"), ("run-s2", "run-s2-baseline")],
          rows)
    check_table("the CSV equals the files", rows, wants)
    check("two seeds: mean and [lowest to highest]", "(mean over 2 seeds; in brackets the lowest and the highest seed)" in r.stdout)
    check_block("summary block", r.stdout, wants)

    # the same block as `courtyard run --paired-baseline` prints, pair by pair
    for seed, want in zip((1, 2), wants):
        rs = summary(runs[seed - 1], "--baseline", bases[seed - 1])
        same = all(block(rs.stdout).get(label) == block(printed_run[seed]).get(label) for label in LINES)
        check(f"seed {seed}: summary.py prints what courtyard run printed", rs.returncode == 0 and same,
              (block(rs.stdout), block(printed_run[seed])))

    # --pair-by order: as given, with a warning
    r = summary(*runs, "--baseline", *reversed(bases), "--pair-by", "order", "-o", csv_path)
    rows = read_csv(csv_path)
    check("--pair-by order pairs as given and warns about the seeds",
          r.returncode == 0 and rows[0]["baseline"] == "run-s2-baseline" and "not the same seed" in r.stderr, r.stderr)
    check_table("--pair-by order: the CSV equals the files", rows,
                [expected(runs[0], bases[1]), expected(runs[1], bases[0])])

    # one courtyard
    r = summary(*runs, "--baseline", *bases, "--courtyard", "East Court", "-o", csv_path)
    cwants = [expected(a, b, "East Court") for a, b in zip(runs, bases)]
    check_table("--courtyard East Court: the CSV equals its column", read_csv(csv_path), cwants)
    check_block("--courtyard East Court", r.stdout, cwants)

    # no gain: a run against itself, and one pair of two (the "baseline" spent money: costs are the extra)
    r = summary(runs[0], "--baseline", runs[0], "-o", csv_path)
    rows = read_csv(csv_path)
    check("a run against itself: gain 0, n/a: no gain in 1 of 1 seed",
          r.returncode == 0 and block(r.stdout).get("extra cost per point gained (yuan)") == "n/a: no gain in 1 of 1 seed"
          and float(rows[0]["gain_points"]) == 0 and rows[0]["yuan_per_point"] == "", r.stdout[-800:])
    r = summary(*runs, "--baseline", bases[0], runs[1], "--pair-by", "order")
    check("one pair of two without gain: n/a: no gain in 1 of 2 seeds",
          block(r.stdout).get("extra staff time per point gained (hours)") == "n/a: no gain in 1 of 2 seeds", r.stdout[-800:])

    # a "baseline" that spent money (another run): costs per household and per point are the extra
    r = summary(runs[1], "--baseline", runs[0], "--pair-by", "order")
    want = expected(runs[1], runs[0])
    check("a baseline that spent money is shown, and the costs are called extra",
          "the baseline spent in all (yuan)" in r.stdout and "extra cost per household (yuan)" in r.stdout, r.stdout[-800:])
    check_block("baseline that spent money", r.stdout, [want])

    # usage
    r = summary(*runs, "--baseline", bases[0], "--pair-by", "seed")
    check("--pair-by seed with unmatched seeds is an error (exit 1)", r.returncode == 1 and "cannot pair by seed" in r.stderr,
          r.stderr)
    r = summary(*runs, "--baseline", *bases, "--subdistrict")
    check("--baseline with --subdistrict is a usage error (exit 2)", r.returncode == 2, r.returncode)

    # as a library
    sys.path.insert(0, os.path.join(SRC, "analysis"))
    from summary import cost_effectiveness  # noqa: E402
    table = cost_effectiveness(runs, bases, on_warning=None)
    check("cost_effectiveness() gives the same table",
          all(close(float(table[k].iloc[i]), float(w[k])) for i, w in enumerate(wants) for k in w), table.T)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
