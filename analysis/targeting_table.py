#!/usr/bin/env python3
"""Compares runs of one scenario under different targeting rules of the subdistrict's budget.

    analysis/targeting_table.py RUN.h5 [RUN.h5 ...]

Each file is one run (same scenario and seed, a different subdistrict.targeting). For each run the
table gives the rule (from the file's effective scenario), the subdistrict's payments (`targeted`
rows in /events), the courtyards it paid for and those it paid repairs for (hardware), and the mean
condition index and collection rate of the repaired ones when they were chosen (read from
/timeseries at the record before the choice), the yuan spent by the subdistrict and the community, and the subdistrict-wide collection,
condition index and move-outs at the end. Markdown, to paste into docs.

Needs Debian's /usr/bin/python3 with python3-h5py and python3-numpy.
"""

import re
import sys

import h5py
import numpy as np


def rule_of(f):
    text = f["parameters/scenario.txtpb"][()]
    text = text.decode() if isinstance(text, bytes) else str(text)
    m = re.search(r"targeting:\s*TARGETING_(\w+)", text)
    return m.group(1).lower() if m else "first_come"


def record_of_step(f, step):
    """The last record before the step's changes (records hold the state after steps k, 2k, ...)."""
    every = int(f.attrs["record_every"])
    return min(step // every, f["timeseries/collection_rate"].shape[0] - 1)


def row(path):
    with h5py.File(path, "r") as f:
        ev = f["events"][()]
        types = h5py.check_enum_dtype(f["events"].dtype["type"])
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["parameters/intervention_name"][()]]
        chosen = ev[ev["type"] == types["targeted"]]
        # the costly choice: repairs (hardware works or upgrades); the rest are cheap set-up costs
        repairs = np.array([("hardware" in names[int(e["subject"])]) for e in chosen], dtype=bool)
        all_chosen = chosen
        chosen = chosen[repairs] if repairs.any() else chosen
        ts = f["timeseries"]
        cond = ts["condition_index"][()]
        coll = ts["collection_rate"][()]
        at_choice_cond = [cond[record_of_step(f, int(e["step"])), int(e["courtyard"])] for e in chosen]
        at_choice_coll = [coll[record_of_step(f, int(e["step"])), int(e["courtyard"])] for e in chosen]
        sub = f["subdistrict"]
        out = {
            "rule": rule_of(f),
            "choices": len(all_chosen),
            "courtyards": len(set(int(c) for c in all_chosen["courtyard"])),
            "repaired": len(set(int(c) for c in chosen["courtyard"])),
            "cond_at_choice": float(np.mean(at_choice_cond)) if len(chosen) else float("nan"),
            "coll_at_choice": float(np.mean(at_choice_coll)) if len(chosen) else float("nan"),
            "spent_subdistrict": float(np.nansum(sub["spent_subdistrict"][()])),
            "spent_community": float(np.nansum(sub["spent_community"][()])),
            "collection_end": float(sub["collection_rate"][-1]),
            "condition_end": float(sub["condition_index"][-1]),
            "move_outs": float(np.nansum(sub["move_outs"][1:])),
        }
    return out


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 64
    rows = [row(p) for p in argv[1:]]
    print("| rule | subdistrict payments | courtyards paid for | courtyards repaired | condition when chosen for repairs "
          "| collection when chosen for repairs | subdistrict yuan | community yuan | collection at end "
          "| condition at end | move-outs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['rule']} | {r['choices']:,} | {r['courtyards']:,} | {r['repaired']:,} | {r['cond_at_choice']:.3f} | "
              f"{r['coll_at_choice']:.3f} | {r['spent_subdistrict'] / 1e6:.2f} M | {r['spent_community'] / 1e6:.2f} M | "
              f"{r['collection_end']:.4f} | {r['condition_end']:.4f} | {r['move_outs']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
