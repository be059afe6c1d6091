#!/usr/bin/env python3
"""End-to-end tests of issue 10's sweep designs (ctest: sweep_design_end_to_end).

usage: sweep_design_e2e_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR

- linked axes and cases: a run equals `courtyard run` with the overrides design.csv shows;
- growing a sweep: more replicates and values run only the new runs, the old files stay byte for byte;
  shrinking or changing is refused (exit 73) saying what;
- Slurm: scripts/slurm/sweep.sbatch started as Slurm starts array tasks (SLURM_ARRAY_TASK_ID, _MIN,
  _MAX, _STEP, _COUNT) for --array=3,7 and --array=0-30:2 runs exactly those runs; a resubmission of
  failed ids through RUN_LIST; scripts/slurm/sweep-submit.sh splits a sweep into arrays of at most
  MaxArraySize tasks that together run every run once;
- Morris: analysis/morris_effects.py on a Morris design of the engine, with Y from a function whose
  elementary effects are known; and a Morris sweep run and analysed;
- the worked example of docs/sweeps.md, reduced to 3 replicates: sweep run, collect, case_effects.py.
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import collections
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd

BIN, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
DATA = os.path.join(SRC, "tests", "sweep", "data")
COMPARE = os.path.join(SRC, "tests", "sim", "compare_runs.py")
SBATCH = os.path.join(SRC, "scripts", "slurm", "sweep.sbatch")
SUBMIT = os.path.join(SRC, "scripts", "slurm", "sweep-submit.sh")
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  [{str(detail)[:900]}]"), flush=True)


def run(*args, timeout=300, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=env)


def folder(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def write_sweep(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text.replace('scenario: "', f'scenario: "{DATA}/'))
    return path


def done_runs(out):
    """run name -> how many log lines say it was done."""
    c = collections.Counter()
    for path in glob.glob(os.path.join(out, "logs", "*.log")):
        for line in open(path):
            parts = line.split()
            if len(parts) > 2 and parts[1] == "done":
                c[parts[2]] += 1
    return c


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


LINKED = '''scenario: "tiny.txtpb"
axes {
  name: "variant"
  cases { name: "as is" }
  cases { name: "crowded" set: ["courtyards[0].households=40", "courtyards[0].stairwells=3"] }
}
axes {
  name: "renter_share"
  values: [0.2, 0.5]
  links { path: "courtyards[1].tenure.owner" expr: "0.9 - renter_share" }
  links { path: "courtyards[1].tenure.renter" expr: "renter_share" }
  links { path: "courtyards[1].tenure.vacant" expr: "0.1" }
}
replicates: 2
seed: 5
'''


def test_linked_and_cases():
    sweep = write_sweep("linked.txtpb", LINKED)
    e = run("sweep", "expand", sweep)
    design = e.stdout.splitlines()
    check("a case list crossed with a linked axis: 8 runs, a column per axis and per linked field",
          e.returncode == 0 and len(design) == 9 and design[0] == "run,point,replicate,seed,variant,renter_share,"
          "courtyards[1].tenure.owner,courtyards[1].tenure.renter,courtyards[1].tenure.vacant" and
          design[7].endswith(",crowded,0.5,0.4,0.5,0.1"), e.stdout + e.stderr)
    out = folder("linked")
    r = run("sweep", "run", sweep, "--out", out, "--threads", "2", "--quiet")
    check("the sweep runs", r.returncode == 0, r.stdout + r.stderr)
    seed = design[7].split(",")[3]
    single = os.path.join(WORK, "linked-single.h5")
    c = subprocess.run([BIN, "run", os.path.join(DATA, "tiny.txtpb"), "-o", single, "--force", "--progress", "none",
                        "--set", "courtyards[0].households=40", "--set", "courtyards[0].stairwells=3",
                        "--set", "courtyards[1].tenure.owner=0.4", "--set", "courtyards[1].tenure.renter=0.5",
                        "--set", "courtyards[1].tenure.vacant=0.1", "--set", f"run.seed={seed}"],
                       capture_output=True, text=True)
    p = subprocess.run([sys.executable, COMPARE, os.path.join(out, "runs", "run-00006.h5"), single],
                       capture_output=True, text=True)
    check("a run of a case and a linked value equals `courtyard run` with its overrides",
          c.returncode == 0 and p.returncode == 0, c.stderr + p.stdout[-400:])


def test_grow():
    base = 'scenario: "tiny.txtpb"\naxes { path: "courtyards[0].fee_per_month" name: "fee" values: %s }\n' \
           'axes { path: "courtyards[1].initial_trust" name: "trust" values: [0.2, 0.6] }\nreplicates: %d\nseed: 9\n' \
           'keep { summaries { metric: "collection_rate" } }\n'
    small = write_sweep("grow-small.txtpb", base % ("[20, 40]", 2))
    out = folder("grow")
    r = run("sweep", "run", small, "--out", out, "--threads", "2", "--quiet")
    check("grow: the first sweep runs 8 runs", r.returncode == 0 and "8 done now" in r.stdout, r.stdout + r.stderr)
    files = sorted(glob.glob(os.path.join(out, "runs", "run-*.h5")))
    before = {f: (digest(f), os.stat(f).st_mtime_ns) for f in files}
    design_before = open(os.path.join(out, "design.csv")).read()
    big = write_sweep("grow-big.txtpb", base % ("[20, 40, 60]", 3))
    r = run("sweep", "run", big, "--out", out, "--threads", "2", "--quiet")
    check("grow: adding a value and a replicate runs only the 10 new runs", r.returncode == 0 and
          "10 done now" in r.stdout and "8 complete before" in r.stdout, r.stdout + r.stderr)
    after = {f: (digest(f), os.stat(f).st_mtime_ns) for f in before}
    check("grow: the existing run files are byte-identical and untouched", before == after)
    done = done_runs(out)
    check("grow: each run done exactly once (logs)", sorted(done) == [f"run-{i:05d}" for i in range(18)] and
          set(done.values()) == {1}, done)
    design_after = open(os.path.join(out, "design.csv")).read()
    check("grow: design.csv keeps its rows (ids, seeds) and appends the new ones",
          design_after.startswith(design_before) and len(design_after.splitlines()) == 19)
    # a grown run is the same scenario and seed as the canonical design's run of that point and replicate
    e = run("sweep", "expand", big)
    canon = {tuple(l.split(",")[2:]) for l in e.stdout.splitlines()[1:]}
    grown = {tuple(l.split(",")[2:]) for l in design_after.splitlines()[1:]}
    check("grow: the grown design holds the same (replicate, seed, values) rows as the design made at once",
          canon == grown, canon ^ grown)
    s = run("sweep", "status", out)
    c = run("sweep", "collect", out)
    res = pd.read_csv(os.path.join(out, "results.csv"))
    check("grow: status and collect see 18 done runs", s.returncode == 0 and "done     18" in s.stdout and
          c.returncode == 0 and len(res) == 18 and (res["status"] == "done").all(), s.stdout + c.stderr)
    again = run("sweep", "run", big, "--out", out, "--quiet")
    check("grow: running the grown sweep again runs nothing", again.returncode == 0 and "0 done now" in again.stdout,
          again.stdout)
    shrunk = write_sweep("grow-shrunk.txtpb", base % ("[20, 40, 60]", 2))
    r = run("sweep", "run", shrunk, "--out", out, "--quiet")
    check("grow: fewer replicates are refused (exit 73) saying what goes",
          r.returncode == 73 and "no longer has 6 of its 18 runs" in r.stderr, r.stderr)
    changed = write_sweep("grow-changed.txtpb", base % ("[20, 45, 60]", 3))
    r = run("sweep", "run", changed, "--out", out, "--quiet")
    check("grow: a changed value is refused (exit 73)", r.returncode == 73 and "may not change or go" in r.stderr, r.stderr)
    reseeded = write_sweep("grow-seed.txtpb", (base % ("[20, 40, 60]", 3)).replace("seed: 9", "seed: 10"))
    r = run("sweep", "run", reseeded, "--out", out, "--quiet")
    check("grow: another seed is another sweep (exit 73)", r.returncode == 73 and "seeds" in r.stderr, r.stderr)


ARRAY32 = '''scenario: "tiny.txtpb"
axes { path: "courtyards[0].fee_per_month" values: [10, 20, 30, 40] }
axes { path: "courtyards[1].initial_trust" values: [0.2, 0.4, 0.6, 0.8] }
replicates: 2
seed: 4
keep { mode: KEEP_SUMMARY summaries { metric: "collection_rate" } }
'''


def slurm_env(task_id, ids, extra=None):
    """The environment Slurm gives array task `task_id` of an array with task ids `ids`."""
    env = dict(os.environ, COURTYARD=BIN, SLURM_ARRAY_TASK_ID=str(task_id), SLURM_ARRAY_TASK_MIN=str(min(ids)),
               SLURM_ARRAY_TASK_MAX=str(max(ids)), SLURM_ARRAY_TASK_COUNT=str(len(ids)), SLURM_ARRAY_JOB_ID="1000",
               SLURM_JOB_ID=str(1001 + task_id), SLURM_CPUS_PER_TASK="1")
    steps = {b - a for a, b in zip(ids, ids[1:])}
    env["SLURM_ARRAY_TASK_STEP"] = str(steps.pop() if len(steps) == 1 else 1)
    env.update(extra or {})
    return env


def run_array(sweep, out, ids, per_task=1, extra=None):
    rcs = []
    for t in ids:
        p = subprocess.run(["bash", SBATCH, sweep, out, str(per_task)], capture_output=True, text=True, timeout=300,
                           env=slurm_env(t, ids, extra), cwd=WORK)
        rcs.append((t, p.returncode, p.stderr[-300:]))
    return rcs


def test_slurm_arrays():
    sweep = write_sweep("array32.txtpb", ARRAY32)
    for spec, ids in [("3,7", [3, 7]), ("0-30:2", list(range(0, 31, 2)))]:
        out = folder("array-" + spec.replace(",", "_").replace(":", "s"))
        rcs = run_array(sweep, out, ids)
        check(f"--array={spec}: every task exits 0", all(rc == 0 for _, rc, _ in rcs), rcs)
        done = done_runs(out)
        check(f"--array={spec}: exactly runs {spec} ran, once each",
              sorted(done) == [f"run-{i:05d}" for i in ids] and set(done.values()) == {1}, sorted(done))
    # blocks: 4 runs a task, --array=1,5 (a resubmission of two tasks)
    out = folder("array-blocks")
    rcs = run_array(sweep, out, [1, 5], per_task=4)
    done = done_runs(out)
    check("--array=1,5 with 4 runs a task runs runs 4-7 and 20-23",
          all(rc == 0 for _, rc, _ in rcs) and sorted(done) == [f"run-{i:05d}" for i in [4, 5, 6, 7, 20, 21, 22, 23]], done)
    # resubmitting only the failed or missing runs through a run list
    ids = run("sweep", "status", out, "--ids", "not-done")
    listed = ids.stdout.strip().split(",")
    list_file = os.path.join(WORK, "todo.txt")
    with open(list_file, "w") as f:
        f.write("\n".join(listed) + "\n")
    n = (len(listed) + 9) // 10
    rcs = run_array(sweep, out, list(range(n)), per_task=10, extra={"RUN_LIST": list_file})
    done = done_runs(out)
    check("resubmitting the 24 runs not done through RUN_LIST runs each of them once",
          ids.returncode == 1 and len(listed) == 24 and all(rc == 0 for _, rc, _ in rcs) and
          sorted(done) == [f"run-{i:05d}" for i in range(32)] and set(done.values()) == {1}, (listed, done))
    # an id past the end of the list runs nothing
    rcs = run_array(sweep, out, [40])
    check("an array id past the last run runs nothing and exits 0", rcs[0][1] == 0, rcs)

    # sweep-submit.sh: arrays of at most MaxArraySize tasks, then collect after all of them
    out = folder("array-submit")
    p = subprocess.run(["bash", SUBMIT, sweep, out, "--runs-per-task", "3", "--max-array-size", "4", "--dry-run"],
                       capture_output=True, text=True, env=dict(os.environ, COURTYARD=BIN), cwd=WORK)
    cmds = [l for l in p.stderr.splitlines() if l.startswith("sbatch ")]
    arrays = [(re.search(r"--array=(\S+)", c).group(1), int(re.search(r"TASK_OFFSET=(\d+)", c).group(1)))
              for c in cmds if "--array=" in c]
    check("sweep-submit.sh: 32 runs, 3 a task, MaxArraySize 4: arrays 0-3, 0-3, 0-2 with offsets 0, 4, 8; then collect",
          p.returncode == 0 and arrays == [("0-3", 0), ("0-3", 4), ("0-2", 8)] and
          "--dependency=afterany:JOB-0:JOB-4:JOB-8" in cmds[-1] and "sweep collect" in cmds[-1], p.stdout + p.stderr)
    for spec, offset in arrays:
        last = int(spec.split("-")[1])
        run_array(sweep, out, list(range(last + 1)), per_task=3, extra={"TASK_OFFSET": str(offset)})
    done = done_runs(out)
    check("sweep-submit.sh: its arrays together run every run exactly once",
          sorted(done) == [f"run-{i:05d}" for i in range(32)] and set(done.values()) == {1}, done)


def test_morris_known_effects():
    morris = write_sweep("morris.txtpb", '''scenario: "tiny.txtpb"
axes { path: "courtyards[0].initial_trust" name: "a" bounds { min: 0 max: 1 } }
axes { path: "courtyards[1].initial_trust" name: "b" bounds { min: 0.2 max: 0.8 } }
axes { path: "courtyards[0].fee_per_month" name: "c" bounds { min: 10 max: 40 } }
axes { path: "courtyards[1].fee_per_month" name: "d" bounds { min: 0 max: 60 } }
design { morris { trajectories: 30 levels: 4 } }
seed: 8
''')
    e = run("sweep", "expand", morris)
    rows = [l.split(",") for l in e.stdout.splitlines()[1:]]
    X = np.array([[float(v) for v in r[4:]] for r in rows])
    check("morris: (D + 1) r = 150 points on each axis's 4-level grid", e.returncode == 0 and X.shape == (150, 4) and
          set(np.round((X[:, 2] - 10) / 10, 12)) == {0, 1, 2, 3}, e.stderr)
    steps = np.diff(X.reshape(30, 5, 4), axis=1)
    check("morris: one axis moves per step, each once per trajectory, by 2/3 of its range",
          ((steps != 0).sum(axis=2) == 1).all() and ((steps != 0).sum(axis=1) == 1).all() and
          np.allclose(np.abs(steps).sum(axis=(0, 1)) / 30, np.array([1, 0.6, 30, 60]) * 2 / 3))
    # Y from a function with known effects (on each axis's unit scale: x = min + u (max - min))
    a, b, c, d = X.T
    Y = 3 * a + (b - 0.2) ** 2 * 10 + 0 * c - 2 * d / 60
    salib = os.path.join(folder("morris-known"), "salib")
    os.makedirs(salib)
    with open(os.path.join(salib, "params.txt"), "w") as f:
        f.write("a 0 1\nb 0.2 0.8\nc 10 40\nd 0 60\n")
    np.savetxt(os.path.join(salib, "X.txt"), X, fmt="%.17g")
    np.savetxt(os.path.join(salib, "Y_f.txt"), Y, fmt="%.17g")
    out_csv = os.path.join(WORK, "morris-known.csv")
    p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "morris_effects.py"), os.path.dirname(salib),
                        "--csv", out_csv], capture_output=True, text=True)
    res = pd.read_csv(out_csv).set_index("name") if p.returncode == 0 else None
    ok = res is not None
    if ok:
        # a: linear, effect 3 (range 1) everywhere; c: none; d: linear, -2 over its range
        ok = (np.isclose(res.loc["a", "mu"], 3) and np.isclose(res.loc["a", "mu_star"], 3) and abs(res.loc["a", "sigma"]) < 1e-12
              and res.loc["c", "mu_star"] == 0 and res.loc["c", "sigma"] == 0
              and np.isclose(res.loc["d", "mu"], -2) and np.isclose(res.loc["d", "mu_star"], 2) and abs(res.loc["d", "sigma"]) < 1e-12)
        # b: quadratic: EE = 10 * 0.6 * (2 (x - 0.2) + dx) / 1, varying with x: sigma > 0, and mu as computed directly
        ee = []
        for t in range(30):
            tr = X[t * 5:(t + 1) * 5]
            yt = Y[t * 5:(t + 1) * 5]
            for k in range(4):
                if tr[k + 1, 1] != tr[k, 1]:
                    ee.append((yt[k + 1] - yt[k]) / ((tr[k + 1, 1] - tr[k, 1]) / 0.6))
        ok = ok and np.isclose(res.loc["b", "mu"], np.mean(ee)) and np.isclose(res.loc["b", "sigma"], np.std(ee, ddof=1)) \
            and res.loc["b", "sigma"] > 0 and res.loc["b", "mu_star"] > 0
    check("morris_effects.py: mu, mu*, sigma of a function with known effects", ok,
          p.stdout + p.stderr + (res.to_string() if res is not None else ""))
    # the same design run on the model: collect writes SALib's files the script reads
    out = folder("morris-run")
    small = os.path.join(WORK, "morris-small.txtpb")
    with open(small, "w") as f:
        f.write(open(morris).read().replace("trajectories: 30", "trajectories: 4")
                        .replace("seed: 8", "seed: 8\nkeep { mode: KEEP_SUMMARY summaries { metric: \"collection_rate\" } }"))
    r = run("sweep", "run", small, "--out", out, "--threads", "2", "--quiet")
    c = run("sweep", "collect", out)
    p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "morris_effects.py"), out],
                       capture_output=True, text=True)
    check("a Morris sweep runs, collects and is analysed", r.returncode == 0 and c.returncode == 0 and p.returncode == 0 and
          "4 trajectories" in p.stdout and len(np.loadtxt(os.path.join(out, "salib", "X.txt"))) == 20,
          r.stderr + c.stderr + p.stdout + p.stderr)


def test_worked_example():
    text = open(os.path.join(SRC, "scenarios", "sweeps", "steps_by_renter_share.txtpb")).read()
    check("the worked example has 20 paired replicates", "replicates: 20" in text)
    path = os.path.join(WORK, "worked.txtpb")
    with open(path, "w") as f:  # the base scenario by absolute path
        f.write(text.replace("replicates: 20", "replicates: 3").replace(
            'scenario: "../', f'scenario: "{os.path.join(SRC, "scenarios")}/'))
    out = folder("worked")
    r = run("sweep", "run", path, "--out", out, "--threads", "2", "--quiet")
    c = run("sweep", "collect", out)
    check("worked example (3 replicates): sweep run and collect", r.returncode == 0 and c.returncode == 0 and
          "54 done now" in r.stdout, r.stdout + r.stderr + c.stderr)
    md = os.path.join(WORK, "worked.md")
    p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "case_effects.py"), out, "--summary", "collection_m24",
                        "--cases", "steps", "--reference", "full package", "--by", "renter_share", "--markdown", md],
                       capture_output=True, text=True)
    lines = p.stdout.splitlines()
    table = [l for l in lines if l.startswith("| ")]
    check("case_effects.py prints the table: a row per case, a column per renter share, full package first",
          p.returncode == 0 and len(table) == 7 and table[0] == "| steps | renter_share = 0.15 | renter_share = 0.35 | "
          "renter_share = 0.55 |" and table[1].startswith("| full package | **") and os.path.exists(md), p.stdout + p.stderr)
    res = pd.read_csv(os.path.join(out, "results.csv"), float_precision="round_trip")
    full = res[res["steps"] == "full package"].set_index(["renter_share", "replicate"])["collection_m24"]
    base = res[res["steps"] == "baseline (no package)"].set_index(["renter_share", "replicate"])["collection_m24"]
    effect = (base - full).groupby(level=0).mean()
    cell = [l for l in table if l.startswith("| baseline")][0].split("|")[2]
    check("the table's baseline effect is the paired mean difference of results.csv",
          f"({effect.loc[0.15]:+.3f} ±" in cell, (cell, effect))
    with h5py.File(os.path.join(out, "runs", "run-00000.summary.h5"), "r") as f:
        text_run = f["parameters/scenario.txtpb"][()].decode()
    check("the linked renter share sets owner 0.75, renter 0.15, vacant 0.1 in the runs",
          "owner: 0.75" in text_run and "renter: 0.15" in text_run and "vacant: 0.1" in text_run)


def main():
    os.makedirs(WORK, exist_ok=True)
    test_linked_and_cases()
    test_grow()
    test_slurm_arrays()
    test_morris_known_effects()
    test_worked_example()
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
