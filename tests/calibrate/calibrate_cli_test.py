#!/usr/bin/env python3
"""`courtyard calibrate` through the command line.

usage: calibrate_cli_test.py COURTYARD_EXE SOURCE_DIR WORK_DIR

- bad calibration files and bad targets files: exit 65, each problem as FILE:LINE:COL: field, no folder made;
- --check on a good file;
- a calibration stopped by SIGINT (exit 75) and run again ends with the bytes of one run straight through;
- calibration_plot.py draws pairs.png and predictive.png from the folder.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

EXE, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
DATA = os.path.join(SRC, "tests", "calibrate", "data")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def tree(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
shutil.copy(os.path.join(DATA, "synthetic.txtpb"), WORK)
HEAD = "# proto-file: proto/courtyard/v1/calibrate.proto\n# proto-message: courtyard.v1.Calibration\n"
GOOD_TARGETS = "metric,where,when,observed,tolerance\ntrust_mean,courtyard:A,week 8,0.5,0.02\ndisorder,subdistrict,week 8,0.3,0.02\n"
write("targets.csv", GOOD_TARGETS)
GOOD = (HEAD + 'scenario: "synthetic.txtpb"\ntargets: "targets.csv"\n'
        'parameters { path: "courtyards[0].initial_trust" name: "trust" uniform { min: 0.1 max: 0.9 } }\n'
        'parameters { path: "courtyards[0].initial_disorder" name: "disorder" uniform { min: 0 max: 0.8 } }\n'
        "population: 30\ngenerations: 4\nseed: 3\npredictive_samples: 10\n")

# (calibration text, targets text, expected FILE:LINE:COL: field pieces)
cases = [
    ("syntax", GOOD.replace("population: 30", "population: ="), None, ["syntax.txtpb:7:13:"]),
    ("unknown_field", GOOD + "populaton: 3\n", None, ["unknown_field.txtpb:11:1"]),
    ("bad_path", GOOD.replace("courtyards[0].initial_trust", "courtyards[0].trusts"), None,
     ["bad_path.txtpb:5:14: parameters[0].path", "does not name a field"]),
    ("integer_field", GOOD.replace("courtyards[0].initial_trust", "courtyards[0].households"), None,
     ["integer_field.txtpb:5:14: parameters[0].path", "floating-point"]),
    ("bounds", GOOD.replace("min: 0.1 max: 0.9", "min: 0.9 max: 0.1"), None,
     ["bounds.txtpb:5:83: parameters[0].uniform.max"]),
    ("out_of_range", GOOD.replace("min: 0 max: 0.8", "min: 0 max: 1.5"), None,
     ["out_of_range.txtpb:6:87: parameters[1].uniform.max", "must be in [0, 1], got 1.5"]),
    ("population", GOOD.replace("population: 30", "population: 1"), None, ["population.txtpb:7:1: population"]),
    ("no_targets_file", GOOD.replace('targets: "targets.csv"', 'targets: "nope.csv"'), None,
     ["no_targets_file.txtpb:4:1: targets", "nope.csv"]),
    ("targets_bad", GOOD.replace("targets.csv", "targets_bad.csv"),
     "metric,where,when,observed,tolerance\n# a comment\ntrust_means,courtyard:A,week 8,0.5,0.02\n"
     "trust_mean,courtyard:Nowhere,week 8,0.5,0.02\ntrust_mean, subdistrict,month 99,0.5,0.02\n"
     "disorder,subdistrict,week 8,high,0\ndisorder,subdistrict\n",
     ["targets_bad.csv:3:1: metric", "targets_bad.csv:4:12: where", "targets_bad.csv:5:25: when",
      "targets_bad.csv:6:29: observed", "targets_bad.csv:6:34: tolerance", "targets_bad.csv:7:10"]),
    ("targets_header", GOOD.replace("targets.csv", "targets_header.csv"), "metric,where,observed\n",
     ["targets_header.csv:1:1", "header"]),
]
for name, text, targets, needles in cases:
    if targets is not None:
        write(name + ".csv", targets)
    spec = write(name + ".txtpb", text)
    out = os.path.join(WORK, "out-" + name)
    p = subprocess.run([EXE, "calibrate", spec, "--out", out, "--quiet"], capture_output=True, text=True, timeout=120)
    check(p.returncode == 65, f"{name}: exit 65 (got {p.returncode})")
    for needle in needles:
        check(needle in p.stderr, f"{name}: stderr holds {needle!r}" + ("" if needle in p.stderr else f"; stderr: {p.stderr.strip()[:600]}"))
    check(not os.path.exists(out), f"{name}: no output folder")

good = write("good.txtpb", GOOD)
p = subprocess.run([EXE, "calibrate", good, "--check"], capture_output=True, text=True, timeout=60)
check(p.returncode == 0 and "valid: 2 parameters, 2 targets" in p.stdout, f"--check: {p.stdout.strip()} {p.stderr.strip()}")

# the shipped calibrations are valid
for name in ("pilot", "roof"):
    spec = os.path.join(SRC, "scenarios", "calibration", name + ".txtpb")
    p = subprocess.run([EXE, "calibrate", spec, "--check"], capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and "valid:" in p.stdout, f"scenarios/calibration/{name}.txtpb --check: {p.stdout.strip()} {p.stderr.strip()}")

# straight through, and stopped by SIGINT then resumed
straight = os.path.join(WORK, "straight")
p = subprocess.run([EXE, "calibrate", good, "--out", straight, "--threads", "2", "--quiet"], capture_output=True, text=True, timeout=240)
check(p.returncode == 0, f"straight run: exit 0 (got {p.returncode}; {p.stderr.strip()[-400:]})")
check("posterior (30 particles" in p.stdout and "posterior predictive" in p.stdout, "the summary is printed")
stopped = os.path.join(WORK, "stopped")
proc = subprocess.Popen([EXE, "calibrate", good, "--out", stopped, "--threads", "1", "--quiet"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
deadline = time.time() + 60
while time.time() < deadline and not os.path.exists(os.path.join(stopped, "gen-001")):
    time.sleep(0.01)
proc.send_signal(signal.SIGINT)
_, err = proc.communicate(timeout=120)
check(proc.returncode in (75, 0), f"stopped run: exit 75 (got {proc.returncode}; {err.strip()[-300:]})")
check(proc.returncode == 0 or not os.path.exists(os.path.join(stopped, "posterior.csv")), "a stopped run writes no posterior")
p = subprocess.run([EXE, "calibrate", good, "--out", stopped, "--threads", "2", "--quiet"], capture_output=True, text=True, timeout=240)
check(p.returncode == 0, f"resumed run: exit 0 (got {p.returncode})")
check(tree(stopped) == tree(straight), "stopped and resumed: the same files and bytes as straight through")

# another calibration into the same folder is refused
other = write("other.txtpb", GOOD.replace("seed: 3", "seed: 4"))
p = subprocess.run([EXE, "calibrate", other, "--out", straight, "--quiet"], capture_output=True, text=True, timeout=60)
check(p.returncode == 73 and "another calibration" in p.stderr, f"another calibration's folder: exit 73 (got {p.returncode})")

# the pictures
p = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "calibration_plot.py"), straight, "--truth", "trust=0.55",
                    "--generations"], capture_output=True, text=True, timeout=120)
check(p.returncode == 0, f"calibration_plot.py: exit 0 ({p.stderr.strip()[-400:]})")
for png in ("pairs.png", "predictive.png"):
    path = os.path.join(straight, png)
    check(os.path.exists(path) and os.path.getsize(path) > 10000, f"{png} drawn")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
