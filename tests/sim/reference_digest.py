"""Reference-run digests: any change of the model's results must be deliberate.

Runs a fixed list of reference runs (the pilot and its baseline, the roof meeting, the management models, the
demo district and the city of 10,400 courtyards) and compares a SHA-256 digest of each result file's datasets with
the digests pinned in reference_digests.txt beside this script.

What the digest covers: every dataset's name, dtype, shape and bytes (time series, subdistrict series, events,
courtyard table), sorted by name. It leaves out the /parameters group (the effective scenario text and the
intervention table), so that a new scenario field with a default does not look like a change of results, and all
attributes (creation time, command line, version).

A mismatch means the model's output changed. If the change is intended, rerun with --update (it rewrites
reference_digests.txt) and commit the new digests in the same commit as the change, saying why in the message.

The digests assume an x86-64 machine whose glibc picks the FMA variants of exp/log (every x86-64 CPU since 2013):
glibc's exp and log are not correctly rounded, so another libm can differ in a last bit.

usage: reference_digest.py COURTYARD SCENARIOS_DIR WORKDIR [--update] [--only NAME]
"""
import hashlib
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PINNED = os.path.join(HERE, "reference_digests.txt")

# name -> (scenario file relative to scenarios/, extra run options). Full length unless stated.
RUNS = {
    "pilot": ("jiangdong_minju_pilot.txtpb", []),
    "pilot_baseline": ("jiangdong_minju_baseline.txtpb", []),
    "roof_meeting": ("roof_insulation_meeting.txtpb", []),
    "management_models": ("management_models.txtpb", []),
    "demo_district": ("demo_district.txtpb", []),
    "city_10k": ("city_10k.txtpb", []),
}


def digest(path):
    sha = hashlib.sha256()
    with h5py.File(path, "r") as f:
        names = []
        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        for name in sorted(names):
            if name.startswith("parameters/"):
                continue
            ds = f[name]
            value = ds[()]
            arr = np.asarray(value)
            if arr.dtype == object:
                data = b"\0".join(v if isinstance(v, bytes) else str(v).encode() for v in arr.ravel())
            else:
                data = arr.tobytes()
            sha.update(f"{name}|{ds.dtype.str if ds.dtype.names is None else ds.dtype.descr}|{ds.shape}\n".encode())
            sha.update(data)
    return sha.hexdigest()


def read_pinned():
    pinned = {}
    if os.path.exists(PINNED):
        for line in open(PINNED, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                name, value = line.split()
                pinned[name] = value
    return pinned


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 64
    courtyard, scenarios, work = argv[1:4]
    update = "--update" in argv
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    os.makedirs(work, exist_ok=True)
    pinned = read_pinned()
    digests, failures = {}, []
    for name, (scenario, options) in RUNS.items():
        if only and name != only:
            continue
        out = os.path.join(work, name + ".h5")
        cmd = [courtyard, "run", os.path.join(scenarios, scenario), "-o", out, "--force",
               "--progress", "none", "--quiet", "--threads", "2"] + options
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        digests[name] = digest(out)
        expected = pinned.get(name)
        status = "ok" if digests[name] == expected else ("NEW" if expected is None else "CHANGED")
        print(f"{status:8} {name:18} {digests[name]}" + ("" if status == "ok" else f"  (pinned {expected})"))
        if status != "ok":
            failures.append(name)
    if update:
        pinned.update(digests)
        with open(PINNED, "w", encoding="utf-8") as f:
            f.write("# SHA-256 of each reference run's datasets (tests/sim/reference_digest.py says what is covered).\n")
            f.write("# Rewritten only with --update, in the same commit as a deliberate change of results.\n")
            for name in RUNS:
                if name in pinned:
                    f.write(f"{name} {pinned[name]}\n")
        print(f"wrote {PINNED}")
        return 0
    if failures:
        print(f"\n{len(failures)} reference run(s) changed: {', '.join(failures)}.\n"
              "If the change of results is intended, rerun this script with --update and commit the new digests\n"
              "together with the change and its reason; else find what moved (tests/sim/compare_runs.py).")
        return 1
    print(f"all {len(digests)} reference runs match their pinned digests")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
