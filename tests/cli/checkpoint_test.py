"""Checkpoint and resume end to end: runs stopped by SIGTERM or killed by SIGKILL at random moments (a few
seeds of kill times), on 1 and 2 threads, continued with `courtyard run --resume OUT.h5` until complete,
must hold the datasets of an uninterrupted run (tests/sim/compare_runs.py: every dataset byte for byte,
root attributes but created_utc, command_line and history). Also: the interrupted file is consistent with
its checkpoint, a run with --checkpoint-every writes what a run without it writes, the files go when the
run completes, and a checkpoint of another scenario or build, or none, is refused with its exit code.

usage: checkpoint_test.py COURTYARD SOURCE_DIR WORK_DIR [PYTHON]
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py

COURTYARD, SOURCE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PYTHON = sys.argv[4] if len(sys.argv) > 4 else sys.executable
SCENARIO = os.path.join(SOURCE, "scenarios", "demo_district.txtpb")
COMPARE = os.path.join(SOURCE, "tests", "sim", "compare_runs.py")
# long enough to be interrupted at many points, short enough for the suite: 241 courtyards, 3 years
ARGS = [SCENARIO, "--steps", "156", "--set", "run.output.record_every=2", "--progress", "log"]
EVERY = "8"

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(name)


def run(args, **kw):
    return subprocess.run([COURTYARD, *args], capture_output=True, text=True, **kw)


sys.path.insert(0, os.path.dirname(COMPARE))
import compare_runs  # noqa: E402


def same(a, b):
    return compare_runs.main([a, b]) == 0, "see the DIFF lines above"


def leftovers(folder, stem):
    return sorted(n for n in os.listdir(folder) if n.startswith(stem) and n != stem) + \
        sorted(n for n in os.listdir(folder) if n.startswith("." + stem))


def interrupt(out, threads, sig, delay):
    """Starts a checkpointed run and sends `sig` `delay` seconds after its first checkpoint."""
    p = subprocess.Popen([COURTYARD, "run", *ARGS, "-o", out, "--threads", str(threads), "--checkpoint-every", EVERY,
                          "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while p.poll() is None and not os.path.exists(out + ".ckpt") and time.time() - t0 < 60:
        time.sleep(0.005)
    time.sleep(delay)
    if p.poll() is None:
        p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=120)
    return p.returncode, stderr


def wait_for_handler(p, sig=signal.SIGTERM, limit=60):
    """Waits until process `p` catches `sig` (its handler installed: the bit in SigCgt of /proc/PID/status). A signal
    sent before that ends the process by the default action (rc -15), which tests nothing here; the program gets
    to main in about 0.1 s on a busy machine, in a sanitizer build (make tsan) in 0.2 to 0.4 s."""
    t0 = time.time()
    while p.poll() is None and time.time() - t0 < limit:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                caught = next((int(line.split()[1], 16) for line in f if line.startswith("SigCgt:")), None)
        except OSError:
            return
        if caught is None or caught >> (int(sig) - 1) & 1:
            return
        time.sleep(0.002)


def resume_until_done(out, threads, rng, name):
    """Resumes until the run completes; the first resume is itself interrupted (SIGTERM) half the time."""
    rounds = 0
    while True:
        rounds += 1
        if rounds > 6:
            check(f"{name}: completes within 6 resumes", False)
            return
        if rounds == 1 and rng.random() < 0.5:
            p = subprocess.Popen([COURTYARD, "run", "--resume", out, "--threads", str(threads), "--progress", "none"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            wait_for_handler(p)
            time.sleep(rng.uniform(0.05, 0.4))
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=120)
            check(f"{name}: an interrupted resume exits 75 or 0", p.returncode in (0, 75), f"rc={p.returncode} {err[-300:]}")
            if p.returncode == 0:
                return
            continue
        r = run(["run", "--resume", out, "--threads", str(threads), "--progress", "none"], timeout=300)
        check(f"{name}: resume exits 0", r.returncode == 0, f"rc={r.returncode} {r.stderr[-400:]}")
        check(f"{name}: resume says where it continued", "resumed    at week" in r.stdout, r.stdout[:300])
        return


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)

    # the reference: uninterrupted, without checkpoints; with checkpoints it must write the same
    ref = os.path.join(WORK, "ref.h5")
    t0 = time.time()
    r = run(["run", *ARGS, "-o", ref, "--threads", "2", "--quiet"])
    wall = time.time() - t0
    check("reference run", r.returncode == 0, r.stderr[-400:])
    with_ckpt = os.path.join(WORK, "with-checkpoints.h5")
    r = run(["run", *ARGS, "-o", with_ckpt, "--threads", "1", "--checkpoint-every", EVERY, "--quiet"])
    check("checkpointed run", r.returncode == 0, r.stderr[-400:])
    ok, detail = same(ref, with_ckpt)
    check("a run with --checkpoint-every writes the datasets of one without", ok, detail)
    check("checkpoint and journal removed when the run completes", leftovers(WORK, "with-checkpoints.h5") == [],
          leftovers(WORK, "with-checkpoints.h5"))
    print(f"reference run: {wall:.2f} s")

    # SIGTERM: exit 75, the partial file consistent with the checkpoint
    part = os.path.join(WORK, "partial.h5")
    rc, err = interrupt(part, 2, signal.SIGTERM, wall * 0.3)
    check("SIGTERM exits 75", rc == 75, f"rc={rc} {err[-300:]}")
    check("the interruption names the resume command", f"courtyard run --resume {part}" in err, err[-400:])
    if rc == 75:
        with h5py.File(part + ".ckpt", "r") as c, h5py.File(part, "r") as f:
            week = int(c.attrs["step"])
            check("partial file marked incomplete", int(f.attrs["complete"]) == 0)
            check("partial file stops at the checkpoint's week", int(f.attrs["steps_done"]) == week,
                  f"{int(f.attrs['steps_done'])} vs {week}")
            steps = f["timeseries/step"][()]
            check("partial file's records end at the checkpoint's week", len(steps) > 0 and int(steps[-1]) == week,
                  f"{steps[-3:]} vs {week}")
            events = f["events"]["step"][()] if len(f["events"]) else []
            check("partial file's events end by the checkpoint's week", all(int(s) <= week for s in events))

    # refusals: no checkpoint (66), another scenario (65), another build (65), a fresh run over a checkpoint (73)
    r = run(["run", "--resume", os.path.join(WORK, "nothing.h5")])
    check("--resume without a checkpoint exits 66", r.returncode == 66 and "no checkpoint" in r.stderr,
          f"rc={r.returncode} {r.stderr[-300:]}")
    if rc == 75:
        r = run(["run", *ARGS, "--seed", "12345", "--resume", part])
        check("--resume with another scenario exits 65", r.returncode == 65 and "a checkpoint of scenario" in r.stderr,
              f"rc={r.returncode} {r.stderr[-300:]}")
        r = run(["run", *ARGS, "-o", part])
        check("a fresh run over a checkpoint exits 73 and names --resume",
              r.returncode == 73 and "--resume" in r.stderr, f"rc={r.returncode} {r.stderr[-300:]}")
        forged = os.path.join(WORK, "forged.h5")
        shutil.copy(part, forged)
        shutil.copy(part + ".ckpt", forged + ".ckpt")
        shutil.copy(part + ".journal", forged + ".journal")
        with h5py.File(forged + ".ckpt", "r+") as c:
            c.attrs["git_commit"] = "0000000"
        r = run(["run", "--resume", forged])
        check("a checkpoint of another build exits 65, naming the field",
              r.returncode == 65 and "git_commit" in r.stderr and "run again from the start" in r.stderr,
              f"rc={r.returncode} {r.stderr[-300:]}")
        # the interrupted run itself, resumed to the end
        resume_until_done(part, 1, random.Random(0), "SIGTERM run")
        ok, detail = same(ref, part)
        check("SIGTERM, resumed: the datasets of the uninterrupted run", ok, detail)
        check("no checkpoint, journal or temporary left", leftovers(WORK, "partial.h5") == [], leftovers(WORK, "partial.h5"))

    # random kill times: SIGTERM and SIGKILL, 1 and 2 threads, a few seeds
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            threads = 1 + (seed + int(sig == signal.SIGKILL)) % 2
            name = f"seed {seed} {signal.Signals(sig).name} {threads} thread{'s' if threads > 1 else ''}"
            out = os.path.join(WORK, f"kill-{seed}-{int(sig)}.h5")
            rc, err = interrupt(out, threads, sig, rng.uniform(0, wall * 0.7))
            expected = (75, 0) if sig == signal.SIGTERM else (-9, 0)
            check(f"{name}: exit {expected[0]}", rc in expected, f"rc={rc} {err[-300:]}")
            if rc != 0:
                resume_until_done(out, 3 - threads, rng, name)  # resumed on the other thread count
            ok, detail = same(ref, out)
            check(f"{name}: the datasets of the uninterrupted run", ok, detail)
            # a killed run's temporary result file is left to the stale-file cleanup; no checkpoint remains
            left = [n for n in leftovers(WORK, os.path.basename(out)) if ".tmp-" not in n]
            check(f"{name}: no checkpoint or journal left", left == [], left)

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
