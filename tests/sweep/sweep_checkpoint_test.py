"""Sweeps resume runs mid-way from their checkpoints: `sweep run --checkpoint-every N` stopped by SIGTERM or
killed by SIGKILL while runs are under way (a few seeds of kill times), then run again, continues the
partial runs from their checkpoints (the log says from which week) and ends with run files holding the
datasets of an uninterrupted sweep's (tests/sim/compare_runs.py); a summary-only sweep, the same results.csv.
A checkpoint of another run found
under a run's name is refused (logged) and the run starts over, to the same datasets; a complete run's
leftover checkpoint is removed (logged) and the run is not redone. `sweep status` shows each missing run's
checkpoint with its week (the week the rerun resumes from), and an unreadable one as starting over.

usage: sweep_checkpoint_test.py COURTYARD SOURCE_DIR WORK_DIR [PYTHON]
"""
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

COURTYARD, SOURCE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PYTHON = sys.argv[4] if len(sys.argv) > 4 else sys.executable
SLOW = os.path.join(SOURCE, "tests", "sweep", "data", "checkpoint_sweep.txtpb")  # 4 runs
SUMMARY = os.path.join(SOURCE, "tests", "sweep", "data", "checkpoint_summary_sweep.txtpb")  # the same, summaries only
COMPARE = os.path.join(SOURCE, "tests", "sim", "compare_runs.py")
EVERY = "13"
RUNS = 4
sys.path.insert(0, os.path.dirname(COMPARE))
import compare_runs  # noqa: E402

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def sweep(out, *extra, spec=SLOW):
    return subprocess.run([COURTYARD, "sweep", "run", spec, "--out", out, "--quiet", *extra], capture_output=True, text=True)


def log_text(out):
    return "".join(open(p).read() for p in sorted(glob.glob(os.path.join(out, "logs", "*.log"))))


def compare_all(ref, out, name):
    files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ref, "runs", "run-*.h5")))
    diffs = [f for f in files if compare_runs.main([os.path.join(ref, "runs", f), os.path.join(out, "runs", f)]) != 0]
    check(f"{name}: all {len(files)} run files hold the uninterrupted sweep's datasets", len(files) == RUNS and not diffs,
          diffs or files)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    ref = os.path.join(WORK, "ref")
    r = sweep(ref, "--threads", "2")
    check("reference sweep", r.returncode == 0, r.stderr[-300:])

    ref_summary = os.path.join(WORK, "ref-summary")
    r = sweep(ref_summary, "--threads", "2", spec=SUMMARY)
    subprocess.run([COURTYARD, "sweep", "collect", ref_summary], capture_output=True)
    check("reference summary-only sweep", r.returncode == 0, r.stderr[-300:])

    cases = [(1, signal.SIGTERM, SLOW), (1, signal.SIGKILL, SLOW), (2, signal.SIGKILL, SLOW), (2, signal.SIGTERM, SUMMARY)]
    for seed, sig, spec in cases:
        rng = random.Random(seed)
        name = f"seed {seed} {signal.Signals(sig).name}" + (" summary-only" if spec == SUMMARY else "")
        out = os.path.join(WORK, f"s{seed}-{int(sig)}-{os.path.basename(spec)[:-6]}")
        threads = str(1 + seed % 2)
        p = subprocess.Popen([COURTYARD, "sweep", "run", spec, "--out", out, "--quiet", "--threads", threads,
                              "--checkpoint-every", EVERY], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.time()
        # a checkpoint of the second run or later, then a random moment
        while p.poll() is None and time.time() - t0 < 60 and not any(
                "run-00000." not in f for f in glob.glob(os.path.join(out, "runs", "*.ckpt"))):
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.15))
        if p.poll() is None:
            p.send_signal(sig)
        _, err = p.communicate(timeout=120)
        expected = 75 if sig == signal.SIGTERM else -9
        check(f"{name}: exit {expected}", p.returncode in (expected, 0), f"rc={p.returncode} {err[-300:]}")
        ckpts = glob.glob(os.path.join(out, "runs", "*.ckpt"))
        # the signal may land between two runs (the random delay outlived a run): then no run is under way and
        # there is nothing to checkpoint; the log shows every started run done
        log0 = log_text(out)
        between = not ckpts and len(re.findall(r"start run-", log0)) == len(re.findall(r"done run-", log0))
        if p.returncode != 0 and not between:
            check(f"{name}: a partial run left its checkpoint", len(ckpts) >= 1, ckpts)
        if ckpts:
            # sweep status shows each missing run's checkpoint and its week
            st = subprocess.run([COURTYARD, "sweep", "status", out, "--list"], capture_output=True, text=True)
            shown = dict(re.findall(r"(run-\d+): checkpoint at week (\d+) of \d+; sweep run resumes it", st.stdout))
            names = sorted(re.search(r"(run-\d+)\.", os.path.basename(c)).group(1) for c in ckpts)
            check(f"{name}: sweep status shows the checkpointed runs and their weeks",
                  st.returncode == 1 and sorted(shown) == names, st.stdout)
        r = sweep(out, "--threads", str(3 - int(threads)), "--checkpoint-every", EVERY, spec=spec)
        check(f"{name}: the sweep run again completes", r.returncode == 0, r.stderr[-300:])
        if ckpts:
            weeks = dict(re.findall(r"resume (run-\d+) from week (\d+)", log_text(out)))
            check(f"{name}: the weeks sweep status showed are those the runs resumed from",
                  all(weeks.get(run) == week for run, week in shown.items()), (shown, weeks))
        resumed = re.findall(r"resume (run-\d+) from week (\d+)", log_text(out))
        if p.returncode != 0 and not between:
            # SIGTERM saves a checkpoint at the week the run reached, which is week 0 when the signal lands
            # just as a run starts (reproduced: SIGTERM at the log's "start run-00001"); SIGKILL leaves only
            # the periodic checkpoints, every EVERY weeks, so under it a resume must be from a later week
            check(f"{name}: the partial run continued from its checkpoint" +
                  ("" if sig == signal.SIGTERM else ", not week 0"),
                  len(resumed) >= 1 and all(int(w) > 0 or sig == signal.SIGTERM for _, w in resumed), resumed)
        if spec == SLOW:
            compare_all(ref, out, name)
        else:
            subprocess.run([COURTYARD, "sweep", "collect", out], capture_output=True)
            a, b = (open(os.path.join(d, "results.csv")).read() for d in (ref_summary, out))
            check(f"{name}: results.csv equals the uninterrupted sweep's", a == b and a.count("\n") == RUNS + 1,
                  a + "\n" + b)
        left = glob.glob(os.path.join(out, "runs", "*.ckpt")) + glob.glob(os.path.join(out, "runs", "*.journal"))
        check(f"{name}: no checkpoint or journal left", left == [], left)

    # a checkpoint of another run under a run's name: refused, the run starts over
    out = os.path.join(WORK, "foreign")
    p = subprocess.Popen([COURTYARD, "sweep", "run", SLOW, "--out", out, "--quiet", "--threads", "1",
                          "--checkpoint-every", EVERY], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < 60 and not glob.glob(os.path.join(out, "runs", "*.ckpt")):
        time.sleep(0.005)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=120)
    ckpts = sorted(glob.glob(os.path.join(out, "runs", "*.ckpt")))
    if ckpts:
        src = ckpts[0]
        m = re.search(r"run-(\d+)\.h5\.ckpt$", src)
        other = os.path.join(out, "runs", f"run-{(int(m.group(1)) + 1) % RUNS:05d}.h5")
        shutil.copy(src, other + ".ckpt")
        shutil.copy(src[:-5] + ".journal", other + ".journal")
        r = sweep(out, "--threads", "2", "--checkpoint-every", EVERY)
        check("foreign checkpoint: the sweep completes", r.returncode == 0, r.stderr[-300:])
        check("foreign checkpoint: refused in the log, the run started over",
              f"checkpoint of {os.path.basename(other)[:-3]} refused, starting over: a checkpoint of another scenario"
              in log_text(out), log_text(out)[-600:])
        compare_all(ref, out, "foreign checkpoint")
    else:
        check("foreign checkpoint: a checkpoint to copy", False, "none written before SIGTERM")

    # a complete run's leftover checkpoint and journal (a kill between the run's final rename and their
    # removal): removed when the sweep runs again, with a line in the log, and the run is not redone
    out = os.path.join(WORK, "leftover")
    shutil.copytree(ref, out)
    done = os.path.join(out, "runs", "run-00002.h5")
    for suffix in (".ckpt", ".journal"):
        with open(done + suffix, "wb") as f:
            f.write(b"left by a killed process")
    before = open(done, "rb").read()
    st = subprocess.run([COURTYARD, "sweep", "status", out], capture_output=True, text=True)
    check("leftover checkpoint: sweep status counts the run done and shows no checkpoint for it",
          st.returncode == 0 and "done     4" in st.stdout and "run-00002:" not in st.stdout, st.stdout)
    starts = len(re.findall(r"start run-", log_text(out)))
    r = sweep(out, "--threads", "1", "--checkpoint-every", EVERY)
    check("leftover checkpoint: the sweep completes", r.returncode == 0, r.stderr[-300:])
    left = glob.glob(os.path.join(out, "runs", "*.ckpt")) + glob.glob(os.path.join(out, "runs", "*.journal"))
    check("leftover checkpoint: removed", left == [], left)
    check("leftover checkpoint: the log says so", "checkpoint of run-00002 removed: the run is complete" in log_text(out),
          log_text(out)[-400:])
    check("leftover checkpoint: no run redone, the file untouched",
          len(re.findall(r"start run-", log_text(out))) == starts and open(done, "rb").read() == before)


    # an unreadable checkpoint of a missing run: sweep status says so; the sweep starts the run over
    out = os.path.join(WORK, "unreadable")
    shutil.copytree(ref, out)
    os.remove(os.path.join(out, "runs", "run-00003.h5"))
    with open(os.path.join(out, "runs", "run-00003.h5.ckpt"), "wb") as f:
        f.write(b"cut short")
    st = subprocess.run([COURTYARD, "sweep", "status", out], capture_output=True, text=True)
    check("unreadable checkpoint: sweep status says the run starts over",
          st.returncode == 1 and "run-00003: an unreadable checkpoint; sweep run starts it over" in st.stdout, st.stdout)
    r = sweep(out, "--threads", "1", "--checkpoint-every", EVERY)
    check("unreadable checkpoint: the sweep completes, the run started over",
          r.returncode == 0 and "checkpoint of run-00003 refused, starting over" in log_text(out), r.stderr[-300:])
    compare_all(ref, out, "unreadable checkpoint")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
