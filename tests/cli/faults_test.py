"""I/O faults and non-finite runs end cleanly (issue 13, items 3 and 4), through the command line.

usage: faults_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR

- a run whose state goes non-finite (forced with the test-only COURTYARD_TEST_NONFINITE=STEP) exits 70,
  names the metric, courtyard and step, and keeps its file marked status=failed up to that record;
- a read error part way through a scenario (/proc/self/mem: EIO) is exit 74, not an empty file;
- an unwritable output folder is exit 73 with the path;
- a full disk (RLIMIT_FSIZE, `ulimit -f`, with SIGXFSZ ignored: writes fail with EFBIG, as root too)
  is exit 74 with the path, no crash at exit (HDF5's clean-up), and no temporary file left; `sweep run`
  on a full disk records the runs as failed and still prints its summary;
- a stale .NAME.tmp-PID of a dead process is removed by the next run into its folder, one of a live
  process is not;
- `sweep status` and `sweep collect` refuse (as bad, with the reason) a complete result file of another
  run copied under a run's name.
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import os
import shutil
import subprocess
import sys

import h5py

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
PILOT = os.path.join(SRC, "scenarios", "jiangdong_minju_pilot.txtpb")
DEMO = os.path.join(SRC, "scenarios", "demo_district.txtpb")
FACTORIAL = os.path.join(SRC, "tests", "sweep", "data", "factorial.txtpb")
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  [{str(detail)[:800]}]"))


def run(*args, env=None, shell_prefix=None, timeout=300):
    argv = [BIN, *args]
    if shell_prefix:  # e.g. "trap '' XFSZ; ulimit -f 100; exec"
        argv = ["bash", "-c", shell_prefix + ' "$@"', "bash", *argv]
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=e, cwd=WORK)


def folder(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def temporaries(path):
    return [f for f in os.listdir(path) if ".tmp" in f]


def test_non_finite():
    d = folder("nonfinite")
    out = os.path.join(d, "nf.h5")
    r = run("run", PILOT, "-o", out, "--steps", "10", "--progress", "none", "-q",
            env={"COURTYARD_TEST_NONFINITE": "3"})
    check("a non-finite record exits 70", r.returncode == 70, (r.returncode, r.stderr))
    check("the message names the metric, the courtyard and the step",
          "run failed: metric " in r.stderr and "went non-finite (nan) in courtyard 0 (" in r.stderr
          and "at step 3" in r.stderr and out in r.stderr, r.stderr)
    ok = os.path.exists(out)
    check("the file is kept under its name", ok, os.listdir(d))
    if ok:
        with h5py.File(out, "r") as f:
            a = f.attrs
            check("the file is marked failed, with the reason and the steps done",
                  a["status"] == "failed" and a["complete"] == 0 and a["steps_done"] == 3
                  and "went non-finite" in a["failure"] and "at step 3" in a["failure"], dict(a))
            check("the file holds every record up to and including the failed one",
                  list(f["timeseries/step"][:]) == [0, 1, 2, 3], f["timeseries/step"][:])
    check("no temporary file is left (non-finite)", not temporaries(d), os.listdir(d))
    info = run("info", out)
    check("courtyard info shows the failed status and why", info.returncode == 0 and "failed" in info.stdout
          and "went non-finite" in info.stdout, info.stdout)


def test_read_error():
    # reading /proc/self/mem at offset 0 fails with EIO (the page is not mapped): a read error, not an end
    r = run("validate", "/proc/self/mem")
    check("a read error is exit 74 with the path and the reason",
          r.returncode == 74 and "cannot read scenario /proc/self/mem: Input/output error" in r.stderr,
          (r.returncode, r.stderr))


def test_unwritable_folder():
    # /sys refuses new files to everyone, root included (a chmod'ed folder would not stop root)
    r = run("run", PILOT, "-o", "/sys/courtyard-out.h5", "--steps", "4", "--progress", "none", "-q")
    check("an unwritable folder is exit 73 with the path",
          r.returncode == 73 and "/sys/courtyard-out.h5" in r.stderr, (r.returncode, r.stderr))


FULL_DISK = "trap '' XFSZ; ulimit -f {kb}; exec"


def test_disk_full():
    for kb in (40, 200, 600):
        d = folder(f"full{kb}")
        out = os.path.join(d, "full.h5")
        r = run("run", DEMO, "-o", out, "--steps", "52", "--progress", "none", "-q",
                shell_prefix=FULL_DISK.format(kb=kb))
        check(f"a full disk ({kb} KB) is exit 74 with the path, no crash",
              r.returncode == 74 and f"writing {out}:" in r.stderr and "File too large" in r.stderr,
              (r.returncode, r.stderr[-600:]))
        check(f"a full disk ({kb} KB) leaves no file and no temporary", os.listdir(d) == [], os.listdir(d))


def test_sweep_disk_full():
    d = folder("sweepfull")
    out = os.path.join(d, "sw")
    shutil.copy(os.path.join(SRC, "tests", "sweep", "data", "tiny.txtpb"), d)
    shutil.copy(FACTORIAL, d)
    # each run's file is some 60 KB: 20 KB stops every one, while the small files (manifest, records) fit
    r = run("sweep", "run", os.path.join(d, "factorial.txtpb"), "--out", out, "--threads", "2", "--quiet",
            shell_prefix=FULL_DISK.format(kb=20))
    check("sweep run on a full disk ends (exit 1: runs failed), no crash", r.returncode == 1, (r.returncode, r.stderr[-600:]))
    check("sweep run on a full disk still prints its summary",
          "12 runs in" in r.stdout and "12 failed" in r.stdout, r.stdout)
    runs = os.path.join(out, "runs")
    check("no run file or temporary is left in runs/", os.path.isdir(runs) and os.listdir(runs) == [],
          os.listdir(runs) if os.path.isdir(runs) else "no runs/")
    failed = os.listdir(os.path.join(out, "failed")) if os.path.isdir(os.path.join(out, "failed")) else []
    text = open(os.path.join(out, "failed", sorted(failed)[0]), encoding="utf-8").read() if failed else ""
    check("each failure record names the file and the reason",
          len(failed) == 12 and "File too large" in text and "run-00000.h5" in text, (failed, text[-400:]))


def test_stale_temporaries():
    d = folder("stale")
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = os.path.join(d, f".old.h5.tmp-{dead.pid}")
    live = os.path.join(d, f".other.h5.tmp-{os.getpid()}")  # this script is alive
    unrelated = os.path.join(d, ".notes.tmp-abc")
    for p in (stale, live, unrelated):
        with open(p, "w") as f:
            f.write("x")
    r = run("run", PILOT, "-o", os.path.join(d, "new.h5"), "--steps", "2", "--progress", "none", "-q")
    left = sorted(os.listdir(d))
    check("the next run into the folder succeeds", r.returncode == 0, r.stderr)
    check("a temporary of a dead process is removed", not os.path.exists(stale), left)
    check("a temporary of a live process and other files are kept",
          os.path.exists(live) and os.path.exists(unrelated) and "new.h5" in left, left)


def test_sweep_identity():
    d = folder("identity")
    shutil.copy(os.path.join(SRC, "tests", "sweep", "data", "tiny.txtpb"), d)
    shutil.copy(FACTORIAL, d)
    out = os.path.join(d, "sw")
    r = run("sweep", "run", os.path.join(d, "factorial.txtpb"), "--out", out, "--threads", "2", "--quiet")
    check("the sweep runs", r.returncode == 0, r.stderr)
    runs = os.path.join(out, "runs")
    with h5py.File(os.path.join(runs, "run-00003.h5"), "r") as f:
        manifest = open(os.path.join(out, "manifest.txt"), encoding="utf-8").read()
        identity = [l.split(" ", 1)[1] for l in manifest.splitlines() if l.startswith("identity ")][0]
        check("a run file carries the sweep's identity and its run id",
              f.attrs["sweep_design"] == identity and f.attrs["sweep_run"] == "run-00003", dict(f.attrs))
    s = run("sweep", "status", out)
    check("status: every run done", s.returncode == 0 and "done     12" in s.stdout, s.stdout)
    # a complete file of another run under run-00003's name, and one of a plain run under run-00005's
    shutil.copy(os.path.join(runs, "run-00007.h5"), os.path.join(runs, "run-00003.h5"))
    plain = run("run", os.path.join(d, "tiny.txtpb"), "-o", os.path.join(runs, "run-00005.h5"), "--force",
                "--progress", "none", "-q")
    check("a plain run writes its file", plain.returncode == 0, plain.stderr)
    s = run("sweep", "status", out)
    check("status refuses both as bad, exit 1",
          s.returncode == 1 and "done     10" in s.stdout and "bad      2" in s.stdout, s.stdout)
    check("status gives each one's reason",
          "run-00003: runs/run-00003.h5 is the result of run-00007, not of run-00003" in s.stdout
          and "run-00005: runs/run-00005.h5 is a complete result file without a sweep identity" in s.stdout, s.stdout)
    c = run("sweep", "collect", out)
    check("collect refuses them with the reason", c.returncode == 0 and "run-00003 refused:" in c.stderr
          and "run-00005 refused:" in c.stderr, (c.returncode, c.stderr))
    with open(os.path.join(out, "results.csv"), encoding="utf-8") as f:
        rows = f.read().splitlines()
    row3 = [l for l in rows if l.startswith("3,")]
    check("results.csv marks the run bad, without its summaries",
          len(row3) == 1 and ",bad," in row3[0] + ",", row3)
    again = run("sweep", "run", os.path.join(d, "factorial.txtpb"), "--out", out, "--threads", "2", "--quiet")
    s = run("sweep", "status", out)
    check("sweep run runs the bad ones again", again.returncode == 0 and "done     12" in s.stdout, (again.stdout, s.stdout))


def main():
    os.makedirs(WORK, exist_ok=True)
    test_non_finite()
    test_read_error()
    test_unwritable_folder()
    test_disk_full()
    test_sweep_disk_full()
    test_stale_temporaries()
    test_sweep_identity()
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
