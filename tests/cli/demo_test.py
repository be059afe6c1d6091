"""The trainer's demo end to end (ctest: cli_demo).

Runs `courtyard demo` (2 seeds) and checks: it exits 0; the narrative's meeting lines are exactly the
meeting rows of /events in the intervention's seed-1 file (week, attendees, yes, no, abstain, outcome);
the table has every row and the four months; the pictures are PNG files; the roof-insulation demo tells
the refused levy and the meeting.
usage: demo_test.py COURTYARD_BINARY WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

import h5py

BIN, WORK = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"))


MEETING = re.compile(r"week (\d+)\): a courtyard meeting on (.+), called by (.+): (\d+) of (\d+) households present, "
                     r"(adopted|rejected) (\d+) to (\d+) \((\d+) abstained\)")
LEVY = re.compile(r"week (\d+)\): the levy for (.+) (goes ahead|fails): (\d+) of (\d+) households paid")


def events_of(path, kind):
    with h5py.File(path, "r") as f:
        ev = f["events"][()]
        names = {v: k for k, v in h5py.check_enum_dtype(f["events"].dtype["type"]).items()}
    return [e for e in ev if names[e["type"]] == kind]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    out = os.path.join(WORK, "jiangdong")
    r = subprocess.run([BIN, "demo", "--seeds", "2", "-o", out], capture_output=True, text=True, timeout=600)
    check("demo exits 0", r.returncode == 0, r.stderr[-500:])
    text = r.stdout
    lines = [m.groups() for m in map(MEETING.search, text.splitlines()) if m]
    meetings = events_of(os.path.join(out, "intervention-seed1.h5"), "meeting")
    check("narrative tells every meeting of /events", len(lines) == len(meetings) and len(meetings) >= 2,
          f"{len(lines)} lines, {len(meetings)} events")
    for line, e in zip(lines, meetings):
        week, _, _, present, _, outcome, yes, no, abstain = line
        got = (int(week), int(present), int(yes), int(no), int(abstain), outcome == "adopted")
        want = (int(e["step"]), int(e["attendees"]), int(e["yes"]), int(e["no"]), int(e["abstain"]), bool(e["outcome"]))
        check(f"meeting line of week {week} matches /events", got == want, f"{got} vs {want}")
    for label in ["fee collection rate", "facility condition", "disorder", "trust", "renter share",
                  "move-outs (cumulative)", "  of which owners", "  of which renters", "star rating", "fund (yuan)"]:
        check(f"table row '{label}'", re.search(r"^" + re.escape(label) + r"\s+\|", text, re.M) is not None)
    check("table at months 0, 6, 12, 24", all(f"month {m}" in text for m in (0, 6, 12, 24)))
    for png in ["courtyard-map.png", "plots/collection_rate.png", "plots/overview.png"]:
        path = os.path.join(out, png)
        ok = os.path.exists(path) and os.path.getsize(path) > 10000
        if ok:
            with open(path, "rb") as f:
                ok = f.read(8) == b"\x89PNG\r\n\x1a\n"
        check(f"picture {png} is a PNG", ok)

    r = subprocess.run([BIN, "demo", "--seeds", "1", "--without", "covenant", "-o", os.path.join(WORK, "nocov"), "--no-plots"],
                       capture_output=True, text=True, timeout=600)
    check("--without covenant runs and leaves the covenant out", r.returncode == 0 and "covenant" not in
          "\n".join(l for l in r.stdout.splitlines() if "month" in l and "meeting" not in l), r.stderr[-300:])
    r = subprocess.run([BIN, "demo", "--without", "charm", "-o", os.path.join(WORK, "bad")], capture_output=True, text=True)
    check("--without an unknown step exits 64", r.returncode == 64, r.returncode)

    # --without takes every component of the package: the run leaves it (and what needs it) out
    components = ["platform", "assets_survey", "demands_survey", "home_visits", "party_members_known",
                  "three_level_meetings", "party_branch", "council", "council_meetings", "committee",
                  "accounts_at_gate", "cleaning_campaign", "hardware_works", "covenant", "awards", "activities",
                  "services"]
    help_text = subprocess.run([BIN, "demo", "--help"], capture_output=True, text=True).stdout
    check("demo --help lists every component", all(c in help_text for c in components))
    for comp in components:
        out_dir = os.path.join(WORK, "without-" + comp)
        r = subprocess.run([BIN, "demo", "--seeds", "1", "--without", comp, "-o", out_dir, "--no-plots"],
                           capture_output=True, text=True, timeout=600)
        left = re.search(r"\(left out:([^)]*)\)", r.stdout)
        with h5py.File(os.path.join(out_dir, "intervention-seed1.h5"), "r") as f:
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["parameters/intervention_name"][()]]
        check(f"--without {comp}: runs, says it is left out, and the run has no such component",
              r.returncode == 0 and left is not None and comp in left.group(1).split()
              and not any(n.endswith("(" + comp + ")") for n in names), r.stderr[-300:])

    out = os.path.join(WORK, "roof")
    r = subprocess.run([BIN, "demo", "roof-insulation", "--seeds", "2", "-o", out, "--no-plots"], capture_output=True, text=True, timeout=600)
    levies = [m.groups() for m in map(LEVY.search, r.stdout.splitlines()) if m]
    check("roof demo: the door-to-door levy fails, then the levy after the meeting goes ahead",
          r.returncode == 0 and len(levies) == 2 and levies[0][2] == "fails" and levies[1][2] == "goes ahead", r.stdout[-800:])

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
