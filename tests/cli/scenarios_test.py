"""Every scenario in scenarios/ validates and runs (ctest: cli_scenarios).

Large scenarios run a few weeks only: their interventions are brought forward into those weeks (with
--set) so the intervention code runs too. National-scale scenarios (over 2 M households) also run with fewer
courtyards of each kind (about a million households); their full size is run in benchmarks/RESULTS.md. Each run must finish complete with every courtyard recorded.
usage: scenarios_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import h5py

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
MAX_HOUSEHOLD_STEPS = 6_000_000  # keeps the suite quick on 2 cores
MAX_HOUSEHOLDS = 2_000_000  # national scale: generated kinds are thinned to about a million households
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    files = sorted(glob.glob(os.path.join(SRC, "scenarios", "*.txtpb")))
    check("scenarios found", len(files) >= 6, files)
    for path in files:
        name = os.path.basename(path)
        r = subprocess.run([BIN, "validate", path], capture_output=True, text=True)
        check(f"{name} validates", r.returncode == 0, r.stderr[-400:])
        r = subprocess.run([BIN, "print", path, "--format", "json"], capture_output=True, text=True)
        spec = json.loads(r.stdout)
        households = sum(int(c.get("households", 86)) for c in spec.get("courtyards", []))
        for kind in spec.get("courtyard_kinds", []):
            d = kind.get("households", {})
            mean = d.get("fixed") or (d["uniform"]["min"] + d["uniform"]["max"]) / 2 if d else 86
            households += int(kind.get("count", 1)) * mean
        steps = int(spec["run"]["steps"])
        thin = []
        if households > MAX_HOUSEHOLDS:  # fewer courtyards of each kind, same kinds and rules
            factor = -(-int(households) // 1_000_000)
            for i, kind in enumerate(spec.get("courtyard_kinds", [])):
                thin += ["--set", f"courtyard_kinds[{i}].count={max(1, int(kind.get('count', 1)) // factor)}"]
            households /= factor
        short = max(4, min(steps, int(MAX_HOUSEHOLD_STEPS // max(households, 1))))
        args = [BIN, "run", path, "-o", os.path.join(WORK, name + ".h5"), "--progress", "none", "--quiet"] + thin
        if short < steps:
            args += ["--steps", str(short)]
            for i, iv in enumerate(spec.get("interventions", [])):
                start = int(iv.get("start_step", 0))
                if start >= short:
                    args += ["--set", f"interventions[{i}].start_step={min(i, short - 1)}"]
                if "end_step" in iv and int(iv["end_step"]) >= short:
                    args += ["--set", f"interventions[{i}].end_step={short - 1}"]
        r = subprocess.run(args, capture_output=True, text=True, timeout=600)
        ok = r.returncode == 0
        check(f"{name} runs ({short} of {steps} weeks)", ok, r.stderr[-400:])
        if ok:
            with h5py.File(os.path.join(WORK, name + ".h5"), "r") as f:
                n = f["courtyards/name"].shape[0]
                check(f"{name}: complete, {n} courtyards recorded",
                      int(f.attrs["complete"]) == 1 and f["timeseries/collection_rate"].shape[1] == n and n >= 1)
            os.remove(os.path.join(WORK, name + ".h5"))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
