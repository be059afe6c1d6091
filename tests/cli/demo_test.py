"""The trainer's demo end to end (ctest: cli_demo).

Runs `courtyard demo` (2 seeds) and checks: it exits 0; the narrative's meeting lines are exactly the
meeting rows of /events in the intervention's seed-1 file (week, attendees, yes, no, abstain, outcome);
one month rule (month = round(12 x week / 52), the rule of docs/governance.md's package table) in the
narrative and the table; the summary over the seeds; --narrate-seed; the table has every row and the four
months; the pictures and slides are files of the asked format; a folder that is not empty is refused
unless --force, which removes the earlier demo's files only; --without X runs three arms and names the
reduced one in its file names, scenario name and provenance; the roof-insulation demo names its arms,
tells the refused levy and the meeting, and prints no warning.
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


MEETING = re.compile(r"week (\d+), \d{4}-\d\d-\d\d\): a courtyard meeting on (.+), called by (.+): (\d+) of (\d+) households present, "
                     r"(adopted|rejected) (\d+) to (\d+) \((\d+) abstained\)")
LEVY = re.compile(r"week (\d+), \d{4}-\d\d-\d\d\): the levy for (.+) (goes ahead|fails): (\d+) of (\d+) households paid")
WHEN = re.compile(r"^  month (\d+) \(week (\d+), (\d{4}-\d\d-\d\d)\): (.*)$", re.M)


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
    # one month rule: month = round(12 week / 52) everywhere (the table's week 52 is month 12)
    whens = WHEN.findall(text)
    check("narrative months follow round(12 x week / 52)", whens and all(int(m) == int(w * 12 / 52 + 0.5) for m, w in
                                                                        ((int(a), int(b)) for a, b, _, _ in whens)), whens[:3])
    cov = [m for m, w, _, what in whens if what.startswith("1-2-3-4: residents' covenant")]
    services = [(m, w, d) for m, w, d, what in whens if "(services)" in what]
    check("the covenant is month 9 and the services month 12 (week 52), as in docs/governance.md",
          cov == ["9"] and services == [("12", "52", "2016-02-29")], (cov, services))
    check("the narrative names its seed and summarises over the seeds",
          "What happened (the full package, seed 1):" in text and "Over the 2 seeds:" in text and
          re.search(r"meeting on residents' covenant: in 2 of 2 seeds, month 9, adopted in \d", text), text[:300])
    for png in ["courtyard-map.png", "plots/collection_rate.png", "plots/overview.png", "slides/collection_rate.png",
                "slides/cost.png"]:
        path = os.path.join(out, png)
        ok = os.path.exists(path) and os.path.getsize(path) > 10000
        if ok:
            with open(path, "rb") as f:
                ok = f.read(8) == b"\x89PNG\r\n\x1a\n"
        check(f"picture {png} is a PNG", ok)

    check("the demo prints no warning", r.stderr == "", r.stderr[-500:])

    # an output folder that is not empty: refused, then replaced with --force (other files kept)
    with open(os.path.join(out, "notes.txt"), "w") as f:
        f.write("the trainer's own notes\n")
    r = subprocess.run([BIN, "demo", "--seeds", "1", "--no-plots", "-o", out], capture_output=True, text=True, timeout=600)
    check("a folder that is not empty is refused (exit 73) and --force is named", r.returncode == 73 and "--force" in r.stderr,
          (r.returncode, r.stderr))
    r = subprocess.run([BIN, "demo", "--seeds", "1", "--no-plots", "--force", "-o", out], capture_output=True, text=True, timeout=600)
    left = sorted(os.listdir(out))
    check("--force removes the earlier demo's files (seed 2, pictures) and keeps the others",
          r.returncode == 0 and left == ["baseline-seed1.h5", "intervention-seed1.h5", "notes.txt"], (r.returncode, left))

    # --narrate-seed: the narrative of seed 2, against its file
    r = subprocess.run([BIN, "demo", "--seeds", "2", "--narrate-seed", "2", "--no-plots", "--force", "-o", out],
                       capture_output=True, text=True, timeout=600)
    lines = [m.groups() for m in map(MEETING.search, r.stdout.splitlines()) if m]
    meetings = events_of(os.path.join(out, "intervention-seed2.h5"), "meeting")
    check("--narrate-seed 2 tells seed 2's meetings", "What happened (the full package, seed 2):" in r.stdout and
          [(int(l[0]), int(l[3]), int(l[6])) for l in lines] == [(int(e["step"]), int(e["attendees"]), int(e["yes"])) for e in meetings],
          r.stdout[:500])
    r = subprocess.run([BIN, "demo", "--seeds", "2", "--narrate-seed", "3", "-o", os.path.join(WORK, "bad3")], capture_output=True, text=True)
    check("--narrate-seed beyond --seeds exits 64", r.returncode == 64, r.returncode)

    # --format and --lang: the slides in Chinese as SVG
    r = subprocess.run([BIN, "demo", "--seeds", "1", "--lang", "zh", "--format", "svg", "-o", os.path.join(WORK, "svg")],
                       capture_output=True, text=True, timeout=600)
    svg = os.path.join(WORK, "svg", "slides", "collection_rate.svg")
    ok = r.returncode == 0 and os.path.exists(svg)
    if ok:
        with open(svg) as f:
            ok = "<svg" in f.read(2000)
    check("--format svg --lang zh writes the slides as SVG", ok, r.stderr[-300:])

    nocov = os.path.join(WORK, "nocov")
    r = subprocess.run([BIN, "demo", "--seeds", "1", "--without", "covenant", "-o", nocov, "--no-plots"],
                       capture_output=True, text=True, timeout=600)
    check("--without covenant runs and leaves the covenant out of the told arm", r.returncode == 0 and "covenant" not in
          "\n".join(l for l in r.stdout.splitlines() if l.startswith("  month") and "meeting" not in l), r.stderr[-300:])
    check("--without covenant: three arms, the reduced one named in the table",
          "arms: the full package, the package without covenant, and the baseline" in r.stdout and
          re.search(r"\| full package +without covenant +baseline", r.stdout) is not None, r.stdout[:600])
    files = sorted(os.listdir(nocov))
    check("--without covenant: the files name their arm", files == ["baseline-seed1.h5", "intervention-seed1.h5",
                                                                   "without-covenant-seed1.h5"], files)
    with h5py.File(os.path.join(nocov, "without-covenant-seed1.h5"), "r") as f:
        name, command = f.attrs["scenario_name"], f.attrs["command_line"]
        name = name.decode() if isinstance(name, bytes) else str(name)
        command = command.decode() if isinstance(command, bytes) else str(command)
    check("--without covenant: scenario name and provenance say what was removed",
          name == "jiangdong-minju-pilot without covenant" and "--without covenant" in command, (name, command))
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
        with h5py.File(os.path.join(out_dir, f"without-{comp}-seed1.h5"), "r") as f:
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["parameters/intervention_name"][()]]
        check(f"--without {comp}: runs, says it is left out, and the run has no such component",
              r.returncode == 0 and left is not None and comp in left.group(1).split()
              and not any(n.endswith("(" + comp + ")") for n in names), r.stderr[-300:])

    out = os.path.join(WORK, "roof")
    r = subprocess.run([BIN, "demo", "roof-insulation", "--seeds", "2", "-o", out], capture_output=True, text=True, timeout=600)
    levies = [m.groups() for m in map(LEVY.search, r.stdout.splitlines()) if m]
    check("roof demo: the door-to-door levy fails, then the levy after the meeting goes ahead",
          r.returncode == 0 and len(levies) == 2 and levies[0][2] == "fails" and levies[1][2] == "goes ahead", r.stdout[-800:])
    check("roof demo: the arms are named for what they are",
          "arms: the meeting with persuasion, and the meeting without persuasion" in r.stdout and
          re.search(r"\| persuasion +no persuasion", r.stdout) is not None and
          os.path.exists(os.path.join(out, "meeting-without-persuasion-seed2.h5")), r.stdout[:600])
    check("roof demo: no warning a trainer cannot act on (its map stays within the run's 12 weeks)", r.stderr == "", r.stderr)

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
