"""What the trainer's report shows, read from a demo folder's HDF5 files (h5py): the arms' series with
their seed bands, every combination of the four steps, the month-by-month story with the courtyard's
flats, and the roof-insulation meeting. Every number on the page comes from here.

The month rule is the demo's (engine/cli/demo_story.h): month m is the record nearest week
round(52m/12); week w is month round(12w/52).
"""
import glob
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import courtyard_h5 as ch5  # noqa: E402
import i18n  # noqa: E402

COSTS = ["spent_subdistrict", "spent_community", "spent_courtyard"]
SERIES = ["collection_rate", "disorder", "trust_mean", "condition_index", "move_outs"]
EXPLORER = ["collection_rate", "disorder", "trust_mean", "move_outs", "cost"]
# /households/civic bits (engine/model/state.h CivicFlag)
ATTENDED, LEVY_PAID, LEVY_ASKED, PERSUADED = 1, 2, 4, 8
LAST_ASKED, LAST_PAID, LAST_PERSUADED = 16, 32, 64


def month_of_week(week):
    return int(np.floor(week * 12 / 52 + 0.5))


def week_of_month(month):
    return int(np.floor(month * 52 / 12 + 0.5))


def seed_files(folder, prefix):
    """The files PREFIX-seedK.h5 of a folder, by K."""
    found = {}
    for p in glob.glob(os.path.join(glob.escape(folder), glob.escape(prefix) + "-seed*.h5")):
        m = re.fullmatch(re.escape(prefix) + r"-seed(\d+)\.h5", os.path.basename(p))
        if m:
            found[int(m.group(1))] = p
    return [found[k] for k in sorted(found)]


class RunData:
    """One run's numbers for the followed courtyard."""

    def __init__(self, path, courtyard_name):
        with ch5.open_run(path) as run:
            c = run.resolve_courtyard(courtyard_name)
            self.path = path
            self.seed = run.seed
            self.steps = run.steps.copy()
            self.series = {}
            for m in SERIES:
                v = np.asarray(run.courtyard_series(m, c), dtype=float)
                if m == "move_outs":  # per record -> cumulative since the start
                    v = np.cumsum(np.concatenate([[0.0], v[1:]]))
                self.series[m] = v
            self.cost = float(sum(np.sum(run.file["subdistrict"][k][()], dtype=float) for k in COSTS))
            self.attrs = run.attrs
            self.scenario_name = run.scenario_name
            self.events = run.events()
            self.event_types = {v: k for k, v in run.event_types().items()}
            self.intervention_names = run.intervention_names()
            self.courtyard = c
            hh = run.households()
            self.households = None
            if hh is not None:
                idx = np.flatnonzero(hh.courtyard == c)
                self.households = dict(floor=hh.floor[idx].astype(int), stairwell=hh.stairwell[idx].astype(int),
                                       slot=hh.slot[idx].astype(int), step=hh.step.astype(int),
                                       tenure=np.asarray(hh.tenure[()])[:, idx].astype(int),
                                       paid=np.asarray(hh.paid[()])[:, idx].astype(int),
                                       civic=None if hh.civic is None else np.asarray(hh.civic[()])[:, idx].astype(int))
            self.labels = run.labels()
            self.start_date = run.start_date
            self.dates = run.dates

    def record_of_week(self, week):
        return int(np.argmin(np.abs(self.steps - int(week))))

    def value(self, metric, week):
        """The metric at the record nearest `week` (collection in %)."""
        if metric == "cost":
            return self.cost
        v = float(self.series[metric][self.record_of_week(week)])
        return 100.0 * v if metric == "collection_rate" else v


def stats(values):
    a = np.asarray(values, dtype=float)
    return float(np.mean(a)), float(np.min(a)), float(np.max(a))


def number_text(metric, x):
    """How the page writes a value of a metric (the browser test formats the HDF5 values the same way)."""
    if metric == "collection_rate":
        return f"{x:.1f}"
    if metric in ("disorder", "trust_mean", "condition_index"):
        return f"{x:.2f}"
    if metric == "move_outs":
        return f"{x:.1f}"
    return f"{x:,.0f}"


def cell_text(metric, values):
    mean, lo, hi = stats(values)
    return f"{number_text(metric, mean)} ({number_text(metric, lo)}–{number_text(metric, hi)})"


def monthly_band(runs, metric, months):
    """[[mean, min, max] per month] over the runs (collection in %)."""
    out = []
    for m in months:
        vals = [r.value(metric, week_of_month(m)) for r in runs]
        out.append([round(x, 4) for x in stats(vals)])
    return out


def combo_key(kept):
    """'1011': organisation, hardware, covenant, services kept (1) or not (0)."""
    return "".join("1" if s in kept else "0" for s in i18n.STEPS)


# ---------- the story of one run ----------

def narrative(run, seeds_runs=None):
    """Bilingual lines [{week, month, text: {zh, en}}] of the followed courtyard's told events."""
    names = run.intervention_names
    types = run.event_types
    ev = [e for e in run.events if int(e["courtyard"]) == run.courtyard]
    starts_at = {}
    for e in ev:
        if types.get(int(e["type"])) == "intervention_start":
            starts_at.setdefault(int(e["step"]), []).append(int(e["subject"]))
    lines = []
    for e in ev:
        kind = types.get(int(e["type"]))
        week = int(e["step"])
        text = None
        if kind == "intervention_start":
            what = i18n.intervention(names[int(e["subject"])])
            yuan = int(round(float(e["amount"])))
            pair = i18n.NARR["start_cost"] if yuan > 0 else i18n.NARR["start"]
            text = {L: pair[i].format(what=what[L], yuan=f"{yuan:,}") for i, L in enumerate(i18n.LANGS)}
        elif kind == "intervention_deferred":
            what = i18n.intervention(names[int(e["subject"])])
            text = {L: i18n.NARR["deferred"][i].format(what=what[L], yuan=f"{float(e['amount']):,.0f}")
                    for i, L in enumerate(i18n.LANGS)}
        elif kind == "meeting":
            on = meeting_subject(names, starts_at.get(week, []))
            present = int(e["attendees"])
            share = float(e["share"])
            households = int(round(present / share)) if share > 0 else present
            text = {L: i18n.NARR["meeting"][i].format(
                on=on[L], present=present, households=households,
                result=i18n.NARR["adopted" if int(e["outcome"]) else "rejected"][i],
                yes=int(e["yes"]), no=int(e["no"]), abstain=int(e["abstain"])) for i, L in enumerate(i18n.LANGS)}
        elif kind == "levy":
            pair = i18n.NARR["levy_ok" if int(e["outcome"]) else "levy_fail"]
            text = {L: pair[i].format(yes=int(e["yes"]), n=int(e["attendees"]), pct=f"{100 * float(e['share']):.0f}")
                    for i, L in enumerate(i18n.LANGS)}
        if text:
            line = {"week": week, "month": month_of_week(week), "kind": kind, "text": text}
            if kind in ("intervention_start", "intervention_deferred"):
                p = i18n.part(names[int(e["subject"])])
                if p:
                    line["part"] = p
            lines.append(line)
    return lines


def meeting_subject(names, started):
    """A meeting is about what started with it that week (the covenant, the community meeting, ...)."""
    meetings = [s for s in started if "meeting" in names[s] or names[s].endswith("(covenant)")]
    for s in meetings[-1:]:  # the three-level meeting rather than the council's standing meetings
        what = i18n.intervention(names[s])
        return {L: i18n.NARR["meeting_on"][i].format(what=what[L]) for i, L in enumerate(i18n.LANGS)}
    return i18n.both(i18n.NARR["meeting_generic"])


def summary_over_seeds(runs):
    """Bilingual lines: each told event (k-th of its kind and subject) over the seeds."""
    keyed, order = {}, []
    for r in runs:
        count = {}
        for line, e in zip(narrative(r), [e for e in r.events if int(e["courtyard"]) == r.courtyard
                                          and r.event_types.get(int(e["type"])) in
                                          ("intervention_start", "intervention_deferred", "meeting", "levy")]):
            k0 = (line["kind"], int(e["subject"]))
            key = k0 + (count.get(k0, 0),)
            count[k0] = count.get(k0, 0) + 1
            if key not in keyed:
                keyed[key] = []
                order.append(key)
            keyed[key].append((line, e))
    order.sort(key=lambda k: min(l["week"] for l, _ in keyed[k]))
    out = []
    n = len(runs)
    for key in order:
        items = keyed[key]
        months = [l["month"] for l, _ in items]
        a, b = min(months), max(months)
        mt = i18n.fmt(i18n.NARR["months_one"], a=a) if a == b else i18n.fmt(i18n.NARR["months_range"], a=a, b=b)
        kind = key[0]
        first = items[0][0]
        if kind in ("intervention_start", "intervention_deferred"):
            what = i18n.intervention(runs[0].intervention_names[key[1]])
            text = {L: i18n.NARR["summary_start"][i].format(what=what[L], k=len(items), n=n, months=mt[L])
                    for i, L in enumerate(i18n.LANGS)}
        elif kind == "meeting":
            ok = sum(int(e["outcome"]) for _, e in items)
            on = first["text"]  # the subject is named in the first seed's line
            subj = re.search(r"（(.*?)）", on["zh"]), re.search(r"\((on .*?)\)", on["en"])
            text = {"zh": i18n.NARR["summary_meeting"][0].format(on=subj[0].group(1) if subj[0] else "", k=len(items), n=n, months=mt["zh"], ok=ok),
                    "en": i18n.NARR["summary_meeting"][1].format(on=subj[1].group(1) if subj[1] else "", k=len(items), n=n, months=mt["en"], ok=ok)}
        else:
            ok = sum(int(e["outcome"]) for _, e in items)
            shares = [100 * float(e["share"]) for _, e in items]
            text = {L: i18n.NARR["summary_levy"][i].format(k=len(items), n=n, months=mt[L], ok=ok,
                                                           lo=f"{min(shares):.0f}", hi=f"{max(shares):.0f}")
                    for i, L in enumerate(i18n.LANGS)}
        out.append(text)
    return out


def flats(run, weeks):
    """The followed courtyard's flats: layout, and tenure and fee paid at each of `weeks`."""
    hh = run.households
    if hh is None:
        return None
    frames = []
    for w in weeks:
        rec = int(np.argmin(np.abs(hh["step"] - w)))
        frames.append({"week": int(hh["step"][rec]), "tenure": hh["tenure"][rec].tolist(), "paid": hh["paid"][rec].tolist()})
    # x position: slot order within (stairwell, floor)
    pos, count = [], {}
    for s, f in zip(hh["stairwell"].tolist(), hh["floor"].tolist()):
        pos.append(count.get((s, f), 0))
        count[(s, f)] = pos[-1] + 1
    return {"stairwell": hh["stairwell"].tolist(), "floor": hh["floor"].tolist(), "pos": pos,
            "width": max(count.values()) if count else 1, "frames": frames}


def record_after(run, step):
    """The household record holding the state after the step an event names (events carry the step being
    done, 0-based; the record after it has step + 1 steps done)."""
    steps = run.households["step"]
    later = np.flatnonzero(steps >= step + 1)
    return int(later[0]) if later.size else len(steps) - 1


def roof_floors(run):
    """Who was asked, refused, came, was persuaded and paid, flat by flat and floor by floor, from the
    household snapshots' civic flags (/households/civic); None when the file has none.

    The first levy is the door-to-door one: asked and refused (asked, not paid) from its record's
    last-levy bits. The meeting: attended from the last record's bit. The last levy event (the one the
    meeting started, when it did): persuaded and paid from its record's last-levy bits; when the meeting
    started no levy, the persuaded bit still set at the end and nobody paid after it."""
    hh = run.households
    if hh is None or hh["civic"] is None:
        return None
    types = run.event_types
    ev = [e for e in run.events if int(e["courtyard"]) == run.courtyard]
    levies = sorted((e for e in ev if types.get(int(e["type"])) == "levy"), key=lambda e: int(e["step"]))
    meetings = sorted((e for e in ev if types.get(int(e["type"])) == "meeting"), key=lambda e: int(e["step"]))
    civic = hh["civic"]
    n = civic.shape[1]
    last = civic[-1]
    zero = np.zeros(n, dtype=int)
    door = levies[0] if levies else None
    after = [e for e in levies if meetings and int(e["step"]) >= int(meetings[0]["step"])]
    if door is not None:
        c = civic[record_after(run, int(door["step"]))]
        asked, door_paid = (c & LAST_ASKED) > 0, (c & LAST_PAID) > 0
    else:
        asked, door_paid = zero > 0, zero > 0
    attended = (last & ATTENDED) > 0 if meetings else zero > 0
    if after:
        c = civic[record_after(run, int(after[-1]["step"]))]
        persuaded, paid = (c & LAST_PERSUADED) > 0, (c & LAST_PAID) > 0
        levy_ok = bool(int(after[-1]["outcome"]))
    else:
        persuaded, paid = (last & PERSUADED) > 0, zero > 0
        levy_ok = False
    refused = asked & ~door_paid
    occupied = hh["tenure"][-1] != 2
    # each flat: 0 vacant or not asked, 1 paid at the door, 2 refused at the door and paid after the
    # meeting, 3 refused and never paid
    status = np.where(~asked, 0, np.where(door_paid, 1, np.where(paid, 2, 3)))
    floors = []
    for f in sorted(set(hh["floor"].tolist()), reverse=True):
        on = hh["floor"] == f
        floors.append({"floor": int(f), "flats": int(on.sum()), "occupied": int((on & occupied).sum()),
                       "asked": int((on & asked).sum()), "refused": int((on & refused).sum()),
                       "attended": int((on & attended).sum()), "persuaded": int((on & persuaded).sum()),
                       "paid": int((on & paid).sum())})
    return {"seed": run.seed, "door_week": int(door["step"]) if door is not None else None,
            "meeting_week": int(meetings[0]["step"]) if meetings else None,
            "levy_week": int(after[-1]["step"]) if after else None, "levy_ok": levy_ok,
            "floors": floors, "status": status.tolist(), "persuaded": persuaded.astype(int).tolist()}


def repairs_by_month(run, months):
    types = run.event_types
    ev = [e for e in run.events if int(e["courtyard"]) == run.courtyard and types.get(int(e["type"])) == "repair"]
    out = [0] * len(months)
    for e in ev:
        m = month_of_week(int(e["step"]))
        if 0 <= m < len(out):
            out[m] += 1
    return out
