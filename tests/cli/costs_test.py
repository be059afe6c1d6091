"""What runs cost and what they bought, as `courtyard demo` and `courtyard run` print it (ctest: cli_costs).

Checks, against the HDF5 files the commands wrote (read with h5py, computed here independently: the
cost metrics summed over records and courtyards, the collection rate at the last record):
  - `demo --seeds 2`: every line of the cost block (mean and [lowest to highest] over the seeds; the
    collection of the followed courtyard), to the digits printed;
  - `run --paired-baseline`: both files are written (OUT.h5 and OUT-baseline.h5, the same seed, the
    baseline without interventions), the printed gain and costs per point equal the files' difference;
    an existing baseline file is refused without --force; --quiet names both files;
  - no gain: `run --paired-baseline` on a scenario without interventions and the roof-insulation demo
    print "n/a: no gain in N of N seed(s)" instead of a cost per point;
  - a run whose output leaves out the cost metrics says they were not recorded.
usage: costs_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
results = []
COSTS = ["spent_subdistrict", "spent_community", "spent_courtyard", "staff_hours", "volunteer_hours"]


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"))


def block(text):
    """{label: value text} of the cost block's lines ("  label   value")."""
    start = text.find("What it cost")
    out = {}
    for line in text[start:].splitlines()[1:]:
        m = re.match(r"^  (\S.*?)\s{2,}(\S.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


NUM = r"([+-]?\d+(?:\.\d+)?)"


def parse(value):
    """'12.5     [10.0 to 15.0]' -> [(12.5, 1 decimal), (10.0, 1), (15.0, 1)]; '7' -> [(7, 0)]."""
    m = re.fullmatch(NUM + r"(?:\s+\[" + NUM + " to " + NUM + r"\])?", value.strip())
    assert m, value
    return [(float(g), len(g.split(".")[1]) if "." in g else 0) for g in m.groups() if g is not None]


def agrees(value, expected):
    """The printed mean (and range) equal the expected values to the digits printed."""
    got = parse(value)
    want = [np.mean(expected)] + ([min(expected), max(expected)] if len(expected) > 1 else [])
    if len(got) != len(want):
        return False
    return all(abs(g - w) <= 0.5 * 10.0 ** -d + 1e-6 * abs(w) for (g, d), w in zip(got, want))


def from_file(path, courtyard=None):
    """Costs summed over records and courtyards, flats, and the collection rate (%) at the last record."""
    with h5py.File(path, "r") as f:
        ts = f["timeseries"]
        c = {m: float(ts[m][()].astype(np.float64).sum()) for m in COSTS}
        c["yuan"] = c["spent_subdistrict"] + c["spent_community"] + c["spent_courtyard"]
        c["households"] = float(f["courtyards/households"][()].sum())
        if courtyard is None:
            c["collection"] = 100.0 * float(f["subdistrict/collection_rate"][-1])
        else:
            names = list(f["courtyards/name"].asstr()[()])
            c["collection"] = 100.0 * float(ts["collection_rate"][-1, names.index(courtyard)])
        c["seed"] = int(f.attrs["seed"])
        c["starts"] = int((f["events"]["type"] == 0).sum()) if f["events"].shape[0] else 0
        c["complete"] = int(f.attrs["complete"])
    return c


def expected_lines(runs, bases):
    """{label: [value per seed]} as the block defines them (the baseline spends nothing here)."""
    want = {
        "spent by the subdistrict (yuan)": [r["spent_subdistrict"] for r in runs],
        "spent by the community (yuan)": [r["spent_community"] for r in runs],
        "spent from the courtyard fund (yuan)": [r["spent_courtyard"] for r in runs],
        "spent in all (yuan)": [r["yuan"] for r in runs],
        "community staff time (hours)": [r["staff_hours"] for r in runs],
        "volunteer time (hours)": [r["volunteer_hours"] for r in runs],
        "households (flats)": [r["households"] for r in runs],
        "cost per household (yuan)": [(r["yuan"] - b["yuan"]) / r["households"] for r, b in zip(runs, bases)],
        "staff time per household (hours)": [(r["staff_hours"] - b["staff_hours"]) / r["households"]
                                             for r, b in zip(runs, bases)],
    }
    gains = [r["collection"] - b["collection"] for r, b in zip(runs, bases)]
    want["gain"] = gains
    want["collection"] = [r["collection"] for r in runs]
    want["baseline collection"] = [b["collection"] for b in bases]
    if all(g >= 0.05 for g in gains):
        want["cost per point gained (yuan)"] = [(r["yuan"] - b["yuan"]) / g for r, b, g in zip(runs, bases, gains)]
        want["staff time per point gained (hours)"] = [(r["staff_hours"] - b["staff_hours"]) / g
                                                       for r, b, g in zip(runs, bases, gains)]
    return want


def compare(name, printed, want, end):
    keyed = dict(want)
    keyed[f"fee collection at {end}, with the intervention (%)"] = keyed.pop("collection")
    keyed[f"fee collection at {end}, baseline (%)"] = keyed.pop("baseline collection")
    keyed[f"collection gained at {end} (percentage points)"] = keyed.pop("gain")
    for label, values in keyed.items():
        value = printed.get(label, printed.get("extra " + label))  # "extra": less what the baseline spent
        check(f"{name}: '{label}' equals the files' {np.mean(values):.4g}", value is not None and agrees(value, values), value)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)

    # the demo: two seeds of the pilot and its baseline
    out = os.path.join(WORK, "demo")
    r = subprocess.run([BIN, "demo", "--seeds", "2", "--no-plots", "-o", out], capture_output=True, text=True, timeout=600)
    check("demo exits 0", r.returncode == 0, r.stderr[-400:])
    printed = block(r.stdout)
    check("demo prints the cost block after the table", "What it cost and what it bought" in r.stdout and
          r.stdout.index("What it cost") > r.stdout.index("fee collection rate"), r.stdout[-1500:])
    check("demo says how the range is taken", "(mean over 2 seeds; in brackets the lowest and the highest seed)" in r.stdout)
    runs = [from_file(os.path.join(out, f"intervention-seed{k}.h5"), "Jiangdong Minju Zone 2") for k in (1, 2)]
    bases = [from_file(os.path.join(out, f"baseline-seed{k}.h5"), "Jiangdong Minju Zone 2") for k in (1, 2)]
    check("demo: the intervention spends money and staff time", all(x["yuan"] > 0 and x["staff_hours"] > 0 for x in runs))
    if all(b["yuan"] == 0 and b["staff_hours"] == 0 and b["volunteer_hours"] == 0 for b in bases):
        check("demo: the baseline spends nothing, and says so",
              "the baseline spent nothing (no yuan, no staff or volunteer hours)" in r.stdout)
    else:
        check("demo: the baseline's spending is shown",
              agrees(printed.get("the baseline spent in all (yuan)"), [b["yuan"] for b in bases]) and
              agrees(printed.get("the baseline's community staff time (hours)"), [b["staff_hours"] for b in bases]) and
              agrees(printed.get("the baseline's volunteer time (hours)"), [b["volunteer_hours"] for b in bases]),
              r.stdout[-1500:])
    compare("demo", printed, expected_lines(runs, bases), "month 24")

    # run --paired-baseline: the pilot scenario for a year
    pilot = os.path.join(WORK, "pilot.h5")
    cmd = [BIN, "run", os.path.join(SRC, "scenarios/jiangdong_minju_pilot.txtpb"), "-o", pilot, "--steps", "52",
           "--progress", "none", "--paired-baseline"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    base_path = os.path.join(WORK, "pilot-baseline.h5")
    check("run --paired-baseline exits 0 and writes OUT.h5 and OUT-baseline.h5",
          r.returncode == 0 and os.path.exists(pilot) and os.path.exists(base_path), r.stderr[-400:])
    check("run names the baseline file", f"baseline   {base_path}" in r.stdout, r.stdout[-1500:])
    a, b = from_file(pilot), from_file(base_path)
    check("the baseline has the run's seed, is complete, and no intervention started",
          a["seed"] == b["seed"] and b["complete"] == 1 and b["starts"] == 0 and a["starts"] > 0, (a, b))
    printed = block(r.stdout)
    want = expected_lines([a], [b])
    check("run: the gain is positive (a cost per point is printed)", "cost per point gained (yuan)" in want, want["gain"])
    compare("run --paired-baseline", printed, want, "week 52")

    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    check("an existing baseline file is refused without --force (exit 73)",
          r.returncode == 73 and "pilot-baseline.h5 exists" in r.stderr, (r.returncode, r.stderr))
    r = subprocess.run(cmd + ["--force", "--quiet"], capture_output=True, text=True, timeout=600)
    check("--force --quiet prints the two files' paths", r.returncode == 0 and r.stdout.split() == [pilot, base_path],
          r.stdout)

    # without --paired-baseline: the costs and per household, no gain lines
    r = subprocess.run([BIN, "run", os.path.join(SRC, "scenarios/jiangdong_minju_pilot.txtpb"), "-o", pilot, "--steps", "52",
                        "--progress", "none", "--force"], capture_output=True, text=True, timeout=600)
    printed = block(r.stdout)
    a = from_file(pilot)
    check("run alone prints its costs and per household, no gain",
          r.returncode == 0 and agrees(printed.get("spent in all (yuan)", "x"), [a["yuan"]]) and
          agrees(printed.get("cost per household (yuan)", "x"), [a["yuan"] / a["households"]]) and
          "collection gained" not in r.stdout, r.stdout[-1200:])

    # no gain: a scenario without interventions is its own baseline
    none = os.path.join(WORK, "none.h5")
    r = subprocess.run([BIN, "run", os.path.join(SRC, "scenarios/jiangdong_minju_baseline.txtpb"), "-o", none, "--steps", "26",
                        "--progress", "none", "--paired-baseline"], capture_output=True, text=True, timeout=600)
    printed = block(r.stdout)
    check("no interventions: the gain is +0.0 and the cost per point is n/a",
          r.returncode == 0 and printed.get("collection gained at week 26 (percentage points)") == "+0.0" and
          "n/a: no gain in 1 of 1 seed" == printed.get("cost per point gained (yuan)",
                                                        printed.get("extra cost per point gained (yuan)")) and
          "n/a: no gain in 1 of 1 seed" == printed.get("staff time per point gained (hours)",
                                                        printed.get("extra staff time per point gained (hours)")),
          r.stdout[-1200:])
    r = subprocess.run([BIN, "demo", "roof-insulation", "--seeds", "2", "--no-plots", "-o", os.path.join(WORK, "roof")],
                       capture_output=True, text=True, timeout=600)
    check("the roof demo (no difference in collection) prints n/a: no gain in 2 of 2 seeds",
          r.returncode == 0 and "n/a: no gain in 2 of 2 seeds" in  # "extra cost ..." when the baseline spends too
          (block(r.stdout).get("cost per point gained (yuan)"), block(r.stdout).get("extra cost per point gained (yuan)")),
          r.stdout[-1200:])

    # a scenario that records neither the costs nor the collection says so
    r = subprocess.run([BIN, "run", os.path.join(SRC, "scenarios/jiangdong_minju_pilot.txtpb"), "-o", os.path.join(WORK, "few.h5"),
                        "--steps", "8", "--progress", "none", "--paired-baseline", "--set", "run.output.metrics[0]=disorder"],
                       capture_output=True, text=True, timeout=600)
    check("without the cost metrics: 'not recorded', no numbers", r.returncode == 0 and "  not recorded:" in r.stdout and
          "cost per point" not in r.stdout, r.stdout[-600:])

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
