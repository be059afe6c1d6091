#!/usr/bin/env python3
"""A package's components as sweep axes: left out (`package.without[0]` levels), moved (`start_month`)
and strengthened (`intensity`), each run checked against its own result file.

    package_axes_test.py COURTYARD SOURCE_DIR WORK_DIR
"""

import os
import shutil
import subprocess
import sys

import h5py

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    failures += not ok


def component_starts(path):
    """{component: first start step} of courtyard 0, from /events and /parameters/intervention_name."""
    with h5py.File(path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["parameters/intervention_name"][()]]
        ev = f["events"][()]
        start = h5py.check_enum_dtype(f["events"].dtype["type"])["intervention_start"]
        staff = f["timeseries/staff_hours"][()].sum()
    out = {}
    for e in ev[ev["type"] == start]:
        comp = names[int(e["subject"])].rsplit("(", 1)[-1].rstrip(")")  # "<package>: <label> (<component>)"
        out.setdefault(comp, int(e["step"]))
    return out, float(staff)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    pilot = os.path.join(SRC, "scenarios", "jiangdong_minju_pilot.txtpb")
    spec = os.path.join(WORK, "package.txtpb")
    with open(spec, "w") as f:
        f.write(f'scenario: "{pilot}"\n'
                'axes { path: "interventions[0].package.without[0]" name: "without" levels: ["covenant", "home_visits"] }\n'
                'axes { path: "interventions[0].package.services.start_month" name: "services_month" values: [6, 12] }\n'
                'axes { path: "interventions[0].package.home_visits.intensity" name: "visits" values: [1, 2] }\n'
                'design { factorial {} }\nseed: 3\n')
    out = os.path.join(WORK, "out")
    r = subprocess.run([BIN, "sweep", "run", spec, "--out", out, "--threads", "2"], capture_output=True, text=True)
    check("the sweep over package components runs", r.returncode == 0, r.stderr[-400:])
    r = subprocess.run([BIN, "sweep", "expand", spec], capture_output=True, text=True)
    rows = [line.split() for line in r.stdout.splitlines() if line and line[0].isdigit()]
    check("8 runs", len(rows) == 8, r.stdout[-400:])
    runs = sorted(p for p in os.listdir(os.path.join(out, "runs")) if p.endswith(".h5")) \
        if os.path.isdir(os.path.join(out, "runs")) else []
    check("8 run files", len(runs) == 8, runs)
    staff_by = {}
    for name in runs:
        starts, staff = component_starts(os.path.join(out, "runs", name))
        with h5py.File(os.path.join(out, "runs", name), "r") as f:
            text = f["parameters/scenario.txtpb"][()]
            text = text.decode() if isinstance(text, bytes) else str(text)
        without = "covenant" if 'without: "covenant"' in text else "home_visits"
        month = 6 if "start_month: 6" in text.split("services {", 1)[-1].split("}", 1)[0] else 12
        check(f"{name}: {without} left out", without not in starts and (without != "covenant" or "awards" not in starts),
              sorted(starts))
        check(f"{name}: services start at month {month}", starts.get("services") == round(month * 4.33), starts.get("services"))
        visits = 2 if "intensity: 2" in text.split("home_visits {", 1)[-1].split("}", 1)[0] else 1
        staff_by[(without, month, visits)] = staff
    # twice the visits take more of the workers' hours (0.75 h a visit, 15% of flats a week, three months)
    for month in (6, 12):
        check(f"visits at intensity 2 take more staff hours (services at month {month})",
              staff_by[("covenant", month, 2)] > staff_by[("covenant", month, 1)] + 50,
              (staff_by[("covenant", month, 1)], staff_by[("covenant", month, 2)]))
        check(f"without home visits the intensity changes nothing (services at month {month})",
              staff_by[("home_visits", month, 2)] == staff_by[("home_visits", month, 1)])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
