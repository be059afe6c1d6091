#!/usr/bin/env python3
"""End-to-end tests of `courtyard sweep` (ctest: sweep_end_to_end).

usage: sweep_e2e_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR [local|mpi] [MPI_BUILT: ON|OFF]

Expand, run, status and collect on a small factorial sweep; each run equals `courtyard run` with the
same overrides; results.csv (read by pandas), sweep.h5 and SALib's files equal the per-run files;
summary-only runs give the same summaries; failed runs are recorded and retried; a folder holding
another sweep is refused; SIGTERM, SIGUSR1 and SIGKILL in the middle of a sweep, then resuming: every
run complete, none run twice; Slurm task shares (0- and 1-based, started at once) cover the design
exactly once; designs against SciPy's Sobol' sequence and SALib's Saltelli construction. With `mpi`:
`mpirun -n 3` over the small sweep writes the same files as the local run (SKIP only without mpirun).
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import collections
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings

import h5py
import numpy as np
import pandas as pd

BIN, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
MODE = sys.argv[4] if len(sys.argv) > 4 else "local"
MPI_BUILT = (sys.argv[5] if len(sys.argv) > 5 else "ON").upper() in ("ON", "1", "TRUE", "YES")
DATA = os.path.join(SRC, "tests", "sweep", "data")
COMPARE = os.path.join(SRC, "tests", "sim", "compare_runs.py")
FACTORIAL = os.path.join(DATA, "factorial.txtpb")
SLOW = os.path.join(DATA, "slow_sweep.txtpb")
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  [{str(detail)[:800]}]"), flush=True)


def run(*args, timeout=300, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def folder(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def write_sweep(name, text):
    """A sweep file in WORK whose base scenario is given by absolute path."""
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text.replace('scenario: "', f'scenario: "{DATA}/'))
    return path


def same_files(a, b):
    p = subprocess.run([sys.executable, COMPARE, a, b], capture_output=True, text=True)
    return p.returncode == 0, p.stdout[-400:]


def log_lines(out):
    lines = []
    for path in glob.glob(os.path.join(out, "logs", "*.log")):
        with open(path) as f:
            lines += [line.split(" ", 1)[1].strip() for line in f]
    return lines


def counts(lines, what):
    """run name -> how many log lines say `what` about it."""
    c = collections.Counter()
    for line in lines:
        parts = line.split()
        if parts[0] == what:
            c[parts[1].rstrip(":")] += 1
    return c


def run_summaries(path, summaries):
    """The summaries of a full run file, computed here: (name, metric, kind, a, b)."""
    out = {}
    with h5py.File(path, "r") as f:
        steps = f["timeseries/step"][:]
        for name, metric, kind, a, b in summaries:
            v = f["subdistrict/" + metric][:]
            if kind == "end":
                out[name] = v[-1]
            elif kind == "step":
                out[name] = v[list(steps).index(a)]
            else:
                total, n = 0.0, 0  # summed in record order, as the engine does
                for s, x in zip(steps, v):
                    if a <= s <= (b if b >= 0 else steps[-1]):
                        total += x
                        n += 1
                out[name] = total / n
    return out


FACTORIAL_SUMMARIES = [("collection_rate", "collection_rate", "end", 0, 0), ("trust_mean_at_6", "trust_mean", "step", 6, 0),
                       ("disorder_mean_4_10", "disorder", "window", 4, 10)]


def test_expand():
    a, b = run("sweep", "expand", FACTORIAL), run("sweep", "expand", FACTORIAL)
    rows = a.stdout.strip().splitlines()
    check("expand exits 0 and prints a header and one row per run", a.returncode == 0 and len(rows) == 13 and
          rows[0] == "run,point,replicate,seed,courtyards[0].fee_per_month,trust_b", a.stdout[:300] + a.stderr)
    check("expand is deterministic (same bytes)", a.stdout == b.stdout)
    out = os.path.join(WORK, "design.csv")
    c = run("sweep", "expand", FACTORIAL, "-o", out)
    check("expand -o writes the same design", c.returncode == 0 and open(out).read() == a.stdout, c.stderr)
    d = pd.read_csv(out)
    check("common random numbers: replicate r has one seed at every point",
          all(d.groupby("replicate")["seed"].nunique() == 1) and d["seed"].nunique() == 2, d)


def test_local_run_status_collect():
    out = folder("local")
    r = run("sweep", "run", FACTORIAL, "--out", out, "--threads", "2")
    check("sweep run exits 0", r.returncode == 0, r.stdout + r.stderr)
    runs = sorted(glob.glob(os.path.join(out, "runs", "run-*.h5")))
    check("one complete file per run", len(runs) == 12 and all(h5py.File(p, "r").attrs["complete"] == 1 for p in runs), runs)
    check("the folder keeps the design, the sweep file and the effective base scenario",
          all(os.path.exists(os.path.join(out, f)) for f in ["manifest.txt", "design.csv", "sweep.txtpb", "scenario.txtpb"]))
    s = run("sweep", "status", out)
    check("status: 12 done, 0 failed, 0 missing, exit 0",
          s.returncode == 0 and "done     12" in s.stdout and "failed   0" in s.stdout and "missing  0" in s.stdout, s.stdout)

    # a run is exactly `courtyard run BASE --set AXIS=VALUE ... --set run.seed=SEED`
    design = pd.read_csv(os.path.join(out, "design.csv"))
    row = design.iloc[9]
    single = os.path.join(WORK, "single.h5")
    c = run("run", os.path.join(DATA, "tiny.txtpb"), "-o", single, "--force", "--progress", "none",
            "--set", f"courtyards[0].fee_per_month={row['courtyards[0].fee_per_month']}",
            "--set", f"courtyards[1].initial_trust={row['trust_b']}", "--set", f"run.seed={int(row['seed'])}")
    ok, detail = same_files(os.path.join(out, "runs", "run-00009.h5"), single)
    check("a sweep run's file equals `courtyard run` with the same overrides", c.returncode == 0 and ok, c.stderr + detail)

    # collect: results.csv equals the values in the run files
    col = run("sweep", "collect", out)
    check("collect exits 0 and names what it wrote", col.returncode == 0 and "results.csv" in col.stdout and
          "sweep.h5" in col.stdout, col.stdout + col.stderr)
    # round_trip: pandas' default float parser is not exact in the 17th digit (docs/sweeps.md)
    res = pd.read_csv(os.path.join(out, "results.csv"), float_precision="round_trip")
    check("results.csv: one row per run with parameters, seed, status and summaries",
          len(res) == 12 and list(res.columns) == ["run", "point", "replicate", "seed", "courtyards[0].fee_per_month",
                                                   "trust_b", "status", "collection_rate", "trust_mean_at_6",
                                                   "disorder_mean_4_10"] and (res["status"] == "done").all(), res.columns)
    mismatches = []
    for _, r in res.iterrows():
        want = run_summaries(os.path.join(out, "runs", f"run-{int(r['run']):05d}.h5"), FACTORIAL_SUMMARIES)
        for name, value in want.items():
            if r[name] != value:
                mismatches.append((int(r["run"]), name, r[name], value))
        if r["seed"] != design.iloc[int(r["run"])]["seed"]:
            mismatches.append((int(r["run"]), "seed"))
    check("results.csv values equal the per-run HDF5 files exactly", not mismatches, mismatches[:5])

    # sweep.h5: links and virtual datasets, read from another folder
    with h5py.File(os.path.join(out, "sweep.h5"), "r") as f:
        linked = f["runs/run-00004"].attrs["seed"] == res.loc[4, "seed"]
        vds = f["collection_rate"][:]
        with h5py.File(os.path.join(out, "runs", "run-00004.h5"), "r") as g:
            row_ok = np.array_equal(vds[4], g["subdistrict/collection_rate"][:])
        check("sweep.h5 links every run's file and stacks its series (run, time)",
              linked and row_ok and vds.shape == (12, 13) and np.array_equal(f["summary/collection_rate"][:],
                                                                             res["collection_rate"].to_numpy()))
    salib = os.path.join(out, "salib")
    x = np.loadtxt(os.path.join(salib, "X.txt"))
    y = np.loadtxt(os.path.join(salib, "Y_collection_rate.txt"))
    params = open(os.path.join(salib, "params.txt")).read().split()
    check("SALib files: params, one X row and Y value per point (mean over replicates)",
          x.shape == (6, 2) and y.shape == (6,) and params == ["courtyards[0].fee_per_month", "20", "40", "trust_b", "0.2", "0.6"]
          and np.allclose(y, res.groupby("point")["collection_rate"].mean().to_numpy(), rtol=0, atol=1e-15), params)

    # resuming a complete sweep does nothing
    before = {p: os.stat(p).st_mtime_ns for p in runs}
    again = run("sweep", "run", FACTORIAL, "--out", out)
    check("running a complete sweep again runs nothing", again.returncode == 0 and "0 done now" in again.stdout and
          all(os.stat(p).st_mtime_ns == t for p, t in before.items()), again.stdout)
    other = write_sweep("other.txtpb", open(FACTORIAL).read().replace("seed: 11", "seed: 12"))
    refused = run("sweep", "run", other, "--out", out)
    check("a different sweep into the same folder is refused (exit 73)",
          refused.returncode == 73 and "different sweep" in refused.stderr, refused.stderr)
    return out


def test_summary_mode(full_out):
    text = open(FACTORIAL).read().replace("keep {", "keep {\n  mode: KEEP_SUMMARY")
    sweep = write_sweep("summary.txtpb", text)
    out = folder("summary")
    r = run("sweep", "run", sweep, "--out", out, "--threads", "2")
    files = sorted(glob.glob(os.path.join(out, "runs", "*")))
    check("summary mode writes one small summary file per run",
          r.returncode == 0 and len(files) == 12 and all(f.endswith(".summary.h5") for f in files), files[:3])
    c = run("sweep", "collect", out)
    a = pd.read_csv(os.path.join(out, "results.csv"), float_precision="round_trip")
    b = pd.read_csv(os.path.join(full_out, "results.csv"), float_precision="round_trip")
    names = [s[0] for s in FACTORIAL_SUMMARIES]
    check("summary-only runs give exactly the summaries of full runs", c.returncode == 0 and a[names].equals(b[names]),
          (a[names] - b[names]).abs().max())


def test_failures():
    # every point's scenario is valid (checked when the sweep is loaded), but a run of 4 steps does not
    # record step 10, which its summary asks for: those runs fail when they run
    sweep = write_sweep("fails.txtpb", 'scenario: "tiny.txtpb"\n'
                        'axes { path: "courtyards[0].households" values: [30, 24] }\n'
                        'axes { path: "run.steps" values: [12, 4] }\n'
                        'keep { summaries { metric: "collection_rate" step: 10 } }\n')
    out = folder("fails")
    r = run("sweep", "run", sweep, "--out", out)
    check("a sweep with failed runs exits 1 and says so", r.returncode == 1 and "2 failed" in r.stdout, r.stdout + r.stderr)
    record = os.path.join(out, "failed", "run-00003.txt")
    check("the failure is recorded with its overrides and message", os.path.exists(record) and
          "run.steps=4" in open(record).read() and "not recorded" in open(record).read())
    s = run("sweep", "status", out)
    check("status reports the failed runs (exit 1)", s.returncode == 1 and "failed   2 run-00001 run-00003" in s.stdout, s.stdout)
    check("status shows each failure's reason", "  run-00001: summary collection_rate_at_10: step 10 is not recorded" in s.stdout,
          s.stdout)
    ls = run("sweep", "status", out, "--list")
    check("status --list: the reason and the commands that rerun each failed run",
          f"    rerun: courtyard sweep run {sweep} --out {out} --runs 3" in ls.stdout and
          "--set run.steps=4 --set run.seed=" in ls.stdout and "    alone: courtyard run " in ls.stdout, ls.stdout)
    ids = run("sweep", "status", out, "--ids", "failed")
    check("status --ids failed lists the failed run numbers", ids.returncode == 1 and ids.stdout.strip() == "1,3", ids.stdout)
    again = run("sweep", "run", sweep, "--out", out, "--runs", "3")
    check("--runs 3 retries only that run", again.returncode == 1 and "1 failed" in again.stdout and
          "1 listed runs" in again.stdout, again.stdout)
    again = run("sweep", "run", sweep, "--out", out)
    check("running again retries only the failed runs", again.returncode == 1 and "2 failed" in again.stdout and
          "2 complete before" in again.stdout, again.stdout)
    run("sweep", "collect", out)
    res = pd.read_csv(os.path.join(out, "results.csv"), float_precision="round_trip")
    check("collect marks the failed runs and leaves their summaries empty",
          res.loc[3, "status"] == "failed" and np.isnan(res.loc[3, "collection_rate_at_10"]) and
          (res.loc[[0, 2], "status"] == "done").all())


def wait_for_done(out, n, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if sum(counts(log_lines(out), "done").values()) >= n:
            return True
        time.sleep(0.02)
    return False


def wait_for_temp(out, timeout=60):
    """True once a run's temporary file (.run-NNNNN.h5.tmp-PID or similar) is in runs/: a run is in flight."""
    end = time.time() + timeout
    while time.time() < end:
        if any(".tmp" in name for name in os.listdir(os.path.join(out, "runs"))):
            return True
        time.sleep(0.005)
    return False


def test_interrupt_and_resume():
    for how in ["SIGTERM", "SIGUSR1", "SIGKILL"]:
        out = folder("interrupted-" + how)
        p = subprocess.Popen([BIN, "sweep", "run", SLOW, "--out", out, "--threads", "1", "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = wait_for_done(out, 1)
        if how == "SIGKILL":  # kill while the second run's temporary file exists (status must note it)
            started = started and wait_for_temp(out)
        else:
            time.sleep(0.15)  # into the second run
        p.send_signal(getattr(signal, how))
        stdout, stderr = p.communicate(timeout=120)
        expected_rc = -9 if how == "SIGKILL" else 75
        check(f"{how} after the first run: exit {expected_rc}", started and p.returncode == expected_rc,
              f"rc={p.returncode} {stderr[-300:]}")
        finals = sorted(glob.glob(os.path.join(out, "runs", "run-*.h5")))
        complete = [f for f in finals if h5py.File(f, "r").attrs["complete"] == 1]
        check(f"{how}: no incomplete file under a final name, some runs left",
              finals == complete and 1 <= len(complete) < 8, f"{len(finals)} files, {len(complete)} complete")
        lines = log_lines(out)
        if how == "SIGUSR1":
            check("SIGUSR1: the running run finished (nothing abandoned)", "interrupted" not in " ".join(lines) and
                  len(complete) == sum(counts(lines, "start").values()), lines)
        before = {f: (h5py.File(f, "r").attrs["created_utc"], os.stat(f).st_mtime_ns) for f in complete}
        if how == "SIGKILL":
            st = run("sweep", "status", out)
            check("status after SIGKILL: done, missing, and the killed run's temporary file noted",
                  st.returncode == 1 and f"done     {len(complete)}" in st.stdout and "temporary file" in st.stdout, st.stdout)
        time.sleep(1.1)  # created_utc has one-second resolution
        r = run("sweep", "run", SLOW, "--out", out, "--threads", "1", "--quiet")
        finals = sorted(glob.glob(os.path.join(out, "runs", "run-*.h5")))
        check(f"{how}: the second run finishes every run", r.returncode == 0 and len(finals) == 8 and
              all(h5py.File(f, "r").attrs["complete"] == 1 for f in finals), r.stdout + r.stderr)
        after = {f: (h5py.File(f, "r").attrs["created_utc"], os.stat(f).st_mtime_ns) for f in before}
        check(f"{how}: runs finished before the signal were not run again", before == after)
        done = counts(log_lines(out), "done")
        check(f"{how}: the logs show each run done exactly once", sorted(done) == [f"run-{i:05d}" for i in range(8)] and
              set(done.values()) == {1}, done)


def test_slurm_shares(local_out):
    for first in [0, 1]:
        out = folder(f"slurm-{first}")
        tasks = 3
        procs = [subprocess.Popen([BIN, "sweep", "run", FACTORIAL, "--out", out, "--task", str(first + t), "--tasks", str(tasks),
                                   "--first-task", str(first), "--threads", "1", "--quiet"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t in range(tasks)]
        outs = [p.communicate(timeout=300) for p in procs]
        check(f"{tasks} tasks (first {first}) started at once all exit 0", all(p.returncode == 0 for p in procs),
              [o[1][-300:] for o in outs])
        done = counts(log_lines(out), "done")
        check(f"task shares (first {first}) cover the design exactly once",
              sorted(done) == [f"run-{i:05d}" for i in range(12)] and set(done.values()) == {1}, done)
        tasks_of = collections.defaultdict(set)
        for path in glob.glob(os.path.join(out, "logs", "*.log")):
            for line in open(path):
                if " done " in line:
                    tasks_of[os.path.basename(path)].add(int(line.split()[2][4:]))
        check(f"each task (first {first}) ran runs index % tasks == its share",
              sorted(sorted({r % tasks for r in runs}) for runs in tasks_of.values()) == [[0], [1], [2]], dict(tasks_of))
    diffs = [n for n in range(12) if not same_files(os.path.join(local_out, "runs", f"run-{n:05d}.h5"),
                                                    os.path.join(WORK, "slurm-0", "runs", f"run-{n:05d}.h5"))[0]]
    check("task shares write the same files as the local run", not diffs, diffs)
    bad = run("sweep", "run", FACTORIAL, "--out", folder("slurm-bad"), "--task", "3", "--tasks", "3")
    check("a task outside [first, first + tasks) is a usage error (exit 64)", bad.returncode == 64, bad.stderr)


def test_mpi(local_out):
    mpirun = shutil.which("mpirun")
    if not mpirun:
        print("SKIP mpirun not found: the MPI comparison did not run")
        return
    check("courtyard was built with MPI (mpirun is here)", MPI_BUILT)
    if not MPI_BUILT:
        return
    out = folder("mpi")
    p = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "-n", "3", BIN, "sweep", "run", FACTORIAL,
                        "--out", out, "--threads", "1"], capture_output=True, text=True, timeout=300)
    check("mpirun -n 3 sweep run exits 0 and uses 2 worker ranks", p.returncode == 0 and "2 worker ranks" in p.stdout,
          p.stdout[-500:] + p.stderr[-500:])
    ranks = {line.split(" on rank ")[1].split()[0] for line in p.stderr.splitlines() if " on rank " in line}
    check("both worker ranks ran runs", ranks == {"1", "2"}, ranks)
    diffs = []
    for n in range(12):
        ok, detail = same_files(os.path.join(local_out, "runs", f"run-{n:05d}.h5"), os.path.join(out, "runs", f"run-{n:05d}.h5"))
        if not ok:
            diffs.append((n, detail))
    check("every MPI run file equals the local run's, dataset by dataset", not diffs, diffs[:2])
    done = counts(log_lines(out), "done")
    check("MPI: each run done exactly once", sorted(done) == [f"run-{i:05d}" for i in range(12)] and set(done.values()) == {1},
          done)


def design_values(sweep_text, name):
    sweep = write_sweep(name, sweep_text)
    r = run("sweep", "expand", sweep)
    if r.returncode != 0:
        return None, r.stderr
    rows = [line.split(",") for line in r.stdout.strip().splitlines()[1:]]
    return np.array([[float(v) for v in row[4:]] for row in rows]), ""


def test_designs_against_scipy_and_salib():
    from scipy.stats import qmc
    warnings.simplefilter("ignore")  # SciPy warns about sizes that are not powers of two
    axes = ('axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } }\n'
            'axes { path: "courtyards[1].initial_trust" bounds { min: 0.2 max: 0.6 } }\n'
            'axes { path: "courtyards[0].fee_per_month" bounds { min: 10 max: 50 } }\n')
    lo, hi = np.array([0, 0.2, 10]), np.array([1, 0.6, 50])
    x, err = design_values('scenario: "tiny.txtpb"\n' + axes + "design { sobol { points: 32 scramble: false } }\n", "sobol.txtpb")
    want = qmc.Sobol(3, scramble=False).random(32) * (hi - lo) + lo
    check("an unscrambled Sobol' design equals SciPy's Sobol' sequence (Joe-Kuo directions)",
          x is not None and np.array_equal(x, want), err or np.abs(x - want).max())
    # SALib's saltelli.sample, as SALib builds it: a 2D-dimensional Sobol' sample skipping max(N, 16) points,
    # then for each base row A, AB_1..AB_D, BA_1..BA_D, B
    n, d, skip = 8, 3, 16
    base = qmc.Sobol(2 * d, scramble=False).random(n + skip)[skip:]
    rows = []
    for j in range(n):
        a, b = base[j, :d], base[j, d:]
        rows.append(a.copy())
        for k in range(d):
            r = a.copy()
            r[k] = b[k]
            rows.append(r)
        for k in range(d):
            r = b.copy()
            r[k] = a[k]
            rows.append(r)
        rows.append(b.copy())
    want = np.array(rows) * (hi - lo) + lo
    x, err = design_values('scenario: "tiny.txtpb"\n' + axes +
                           "design { saltelli { base_points: 8 scramble: false skip: 16 } }\n", "saltelli.txtpb")
    check("an unscrambled Saltelli design equals SALib's saltelli.sample rows (N(2D+2), same order)",
          x is not None and x.shape == (n * (2 * d + 2), d) and np.array_equal(x, want), err or (x.shape, np.abs(x - want).max()))
    x, err = design_values('scenario: "tiny.txtpb"\n' + axes + "design { saltelli { base_points: 8 } }\n", "saltelli_s.txtpb")
    check("a scrambled Saltelli design has N(2D+2) rows, B rows repeat in BA rows",
          x is not None and x.shape == (64, 3) and all(np.array_equal(x[8 * j + 7][[1, 2]], x[8 * j + 4][[1, 2]]) for j in range(8)),
          err)


def main():
    os.makedirs(WORK, exist_ok=True)
    if MODE == "mpi":
        out = folder("local")
        r = run("sweep", "run", FACTORIAL, "--out", out, "--threads", "2", "--quiet")
        check("the local reference run exits 0", r.returncode == 0, r.stderr)
        test_mpi(out)
    else:
        test_expand()
        local_out = test_local_run_status_collect()
        test_summary_mode(local_out)
        test_failures()
        test_interrupt_and_resume()
        test_slurm_shares(local_out)
        test_designs_against_scipy_and_salib()
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
