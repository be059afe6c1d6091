"""End-to-end test of `courtyard patterns`: the report's files, its consistency, and the exit codes.

Usage: patterns_test.py COURTYARD WORKDIR
"""
import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path

COLUMNS = ["name", "pattern", "setup", "statistic", "mean", "ci_low", "ci_high", "seeds", "range_low", "range_high",
           "source", "kind", "paired", "verdict", "note"]

failures = []


def check(cond, message):
    if not cond:
        failures.append(message)
        print("FAIL:", message)


def run(args):
    return subprocess.run([courtyard, "patterns", *args, "--threads", "2"], capture_output=True, text=True, timeout=280)


def num(s):
    return float(s) if s != "" else math.nan


courtyard, work = sys.argv[1], Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)

# the probe names, from --list
listed = run(["--list"])
check(listed.returncode == 0, f"--list exits {listed.returncode}")
names = [line.split()[0] for line in listed.stdout.splitlines() if line and not line.startswith(" ")]
check(len(names) >= 24, f"--list names {len(names)} probes")

# the full report with 3 seeds
out = work / "all"
r = run(["--seeds", "3", "-o", str(out)])
print(r.stdout)
print(r.stderr, file=sys.stderr)
check(r.returncode == 0, f"patterns --seeds 3 exits {r.returncode}")
with open(out / "patterns.csv", newline="") as f:
    reader = csv.DictReader(f)
    check(reader.fieldnames == COLUMNS, f"columns {reader.fieldnames}")
    rows = list(reader)
got = [row["name"] for row in rows]
for name in names:
    check(got.count(name) == 1, f"{name} appears {got.count(name)} times in the CSV")
check(len(got) == len(names), f"{len(got)} rows for {len(names)} probes")
for row in rows:
    name, verdict = row["name"], row["verdict"]
    check(verdict in ("pass", "fail", "error"), f"{name}: verdict {verdict}")
    check(row["seeds"] == "3", f"{name}: seeds {row['seeds']}")
    check(row["source"] != "", f"{name}: no source")
    check(row["kind"] in ("reproduced", "input", "partly input"), f"{name}: kind {row['kind']}")
    check(row["paired"] in ("yes", "no", "n/a"), f"{name}: paired {row['paired']}")
    if verdict == "error":
        check("error" in row["note"], f"{name}: an error without its message")
        continue
    mean, lo, hi = num(row["mean"]), num(row["ci_low"]), num(row["ci_high"])
    r_lo, r_hi = num(row["range_low"]), num(row["range_high"])
    check(lo <= mean <= hi, f"{name}: mean {mean} outside [{lo}, {hi}]")
    inside = r_lo <= mean <= r_hi
    strictly = r_lo < mean < r_hi
    ci_rule = "whole CI lies above" in row["note"]
    if verdict == "pass":
        check(inside and (not ci_rule or lo > r_lo), f"{name}: pass with mean {mean} [{lo}, {hi}] vs [{r_lo}, {r_hi}]")
    else:
        check(not strictly or (ci_rule and lo <= r_lo), f"{name}: fail with mean {mean} inside ({r_lo}, {r_hi})")
png = (out / "patterns.png").read_bytes()
check(png[:8] == b"\x89PNG\r\n\x1a\n", "patterns.png is not a PNG")
md = (out / "patterns.md").read_text()
check("3 seeds" in md and "| `pgg_decay` |" in md, "patterns.md lacks the seed count or a row")

# one probe
one = work / "one"
r = run(["--seeds", "3", "--only", "pgg_decay", "-o", str(one), "--no-plot"])
check(r.returncode == 0, f"--only pgg_decay exits {r.returncode}")
with open(one / "patterns.csv", newline="") as f:
    rows = list(csv.DictReader(f))
check([row["name"] for row in rows] == ["pgg_decay"], f"--only pgg_decay wrote {[row['name'] for row in rows]}")

# usage errors
r = run(["--only", "nope", "-o", str(work / "nope")])
check(r.returncode == 64, f"--only nope exits {r.returncode}")
check("pgg_decay" in r.stderr, "--only nope does not list the valid names")
r = run(["--seeds", "0", "-o", str(work / "zero")])
check(r.returncode == 64, f"--seeds 0 exits {r.returncode}")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("ok")
