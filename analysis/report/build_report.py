#!/usr/bin/env python3
"""The trainer's report: one self-contained, bilingual report.html from a demo folder.

    build_report.py DEMO_DIR --case jiangdong|roof-insulation [--lang zh|en] [--without X ...]
                    [--narrate-seed S] -o DEMO_DIR/report.html

`courtyard demo --report` runs this after its runs. The page needs no network: Apache ECharts
(third_party/echarts, Apache-2.0), the styles, the script and every number are written into the file;
fonts are the system's (Noto Sans CJK on Debian, PingFang or Microsoft YaHei elsewhere). The numbers
come from the folder's HDF5 files (data.py); the page only looks them up.
Run with Debian's /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import argparse
import html
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D  # noqa: E402
import i18n  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
ECHARTS = os.path.join(ROOT, "third_party", "echarts", "echarts.min.js")
JIANGDONG = "Jiangdong Minju Zone 2"
ROOF = "龙舟路60号院新五栋"
PILOT_MONTHS = 24
ROOF_WEEKS = 12


def band_arms(arms, metrics, months):
    return [{"id": a["id"], "label": a["label"],
             "bands": {m: D.monthly_band(a["runs"], m, months) for m in metrics},
             "cost": list(D.stats([r.cost for r in a["runs"]]))} for a in arms]


def explorer(folder, courtyard, full_runs, base_runs, end_week):
    combos = {}
    steps = i18n.STEPS
    for mask in range(16):
        kept = [s for i, s in enumerate(steps) if mask & (1 << i)]
        key = D.combo_key(kept)
        if len(kept) == 4:
            runs = full_runs
        else:
            removed = "+".join(s for s in steps if s not in kept)
            files = D.seed_files(os.path.join(folder, "whatif"), "without-" + removed)
            if not files:
                return None
            runs = [D.RunData(p, courtyard) for p in files]
        combos[key] = summarise(runs, end_week)
        combos[key]["collection"] = D.monthly_band(runs, "collection_rate", range(PILOT_MONTHS + 1))
    base = summarise(base_runs, end_week)
    base["collection"] = D.monthly_band(base_runs, "collection_rate", range(PILOT_MONTHS + 1))
    return {"steps": [{"id": s, "label": i18n.both(i18n.STEP_NAMES[s]), "short": i18n.both(i18n.STEP_SHORT[s])} for s in steps],
            "metrics": [{"id": m, "label": i18n.both(i18n.METRICS[m][:2]), "unit": i18n.both(i18n.METRICS[m][2:])}
                        for m in D.EXPLORER],
            "combos": combos, "baseline": base, "end_month": D.month_of_week(end_week)}


def summarise(runs, week):
    out = {}
    for m in D.EXPLORER:
        vals = [r.value(m, week) for r in runs]
        mean, lo, hi = D.stats(vals)
        out[m] = {"mean": mean, "lo": lo, "hi": hi, "text": D.cell_text(m, vals)}
    return out


def roof_story(with_runs, without_runs, narrate_seed=1):
    """The roof meeting: each arm's levies and meeting over the seeds, who refused and paid floor by
    floor (the narrated seed's flats, and the mean over the seeds), and the building."""
    def by_floor(runs):
        tables = [D.roof_floors(r) for r in runs]
        if any(t is None for t in tables):
            return None
        told = tables[min(narrate_seed, len(tables)) - 1]
        keys = ["asked", "refused", "attended", "persuaded", "paid"]
        mean = [{k: round(sum(t["floors"][i][k] for t in tables) / len(tables), 1) for k in keys}
                for i in range(len(told["floors"]))]
        return dict(told, mean=mean)

    def arm(runs, label):
        seeds = []
        for r in runs:
            types = r.event_types
            ev = [e for e in r.events if int(e["courtyard"]) == r.courtyard]
            levies = [e for e in ev if types.get(int(e["type"])) == "levy"]
            meetings = [e for e in ev if types.get(int(e["type"])) == "meeting"]
            seeds.append({"levies": [{"week": int(e["step"]), "paid": int(e["yes"]), "of": int(e["attendees"]),
                                      "ok": int(e["outcome"])} for e in levies],
                          "meetings": [{"week": int(e["step"]), "present": int(e["attendees"]), "yes": int(e["yes"]),
                                        "no": int(e["no"]), "abstain": int(e["abstain"]), "ok": int(e["outcome"])}
                                       for e in meetings]})
        return {"label": label, "seeds": seeds, "narrative": D.narrative(runs[0]), "floors": by_floor(runs)}
    weeks = list(range(ROOF_WEEKS + 1))
    building = D.flats(with_runs[0], weeks)
    return {"arms": [arm(with_runs, i18n.both(i18n.ARMS["persuasion"])),
                     arm(without_runs, i18n.both(i18n.ARMS["no_persuasion"]))],
            "building": building, "weeks": weeks, "courtyard": i18n.name(ROOF)}


def scenario_labels(folder, case):
    """The names the scenarios of the folder's runs give (Scenario.labels, /parameters/label_*), put in
    front of i18n's tables; the first file of each arm is read (the arms share one scenario's names)."""
    groups = (["intervention", "baseline", "roof/meeting-with-persuasion"] if case == "jiangdong"
              else ["meeting-with-persuasion", "meeting-without-persuasion"])
    labels = {}
    for g in groups:
        files = D.seed_files(os.path.join(folder, os.path.dirname(g)), os.path.basename(g))
        if files:
            with D.ch5.open_run(files[0]) as run:
                for k, v in run.labels().items():
                    labels.setdefault(k, v)
    i18n.apply_labels(labels)
    return labels


def load(folder, case, without, narrate_seed):
    labels = scenario_labels(folder, case)
    out = {"labels": {k: {"zh": zh, "en": en} for k, (zh, en) in labels.items()},"case": case, "ui": {k: i18n.both(v) for k, v in i18n.UI.items()},
           "metrics": {k: {"label": i18n.both(v[:2]), "unit": i18n.both(v[2:])} for k, v in i18n.METRICS.items()},
           "tenure": {str(k): i18n.both(v) for k, v in i18n.TENURE.items()}}
    if case == "jiangdong":
        full = [D.RunData(p, JIANGDONG) for p in D.seed_files(folder, "intervention")]
        base = [D.RunData(p, JIANGDONG) for p in D.seed_files(folder, "baseline")]
        if not full or not base:
            raise SystemExit(f"build_report: {folder} has no intervention-seed*.h5 and baseline-seed*.h5")
        arms = [{"id": "full", "label": i18n.both(i18n.ARMS["full"]), "runs": full}]
        told = full
        if without:
            wt = "+".join(without)
            reduced = [D.RunData(p, JIANGDONG) for p in D.seed_files(folder, "without-" + wt)]
            names = [i18n.STEP_SHORT[w] if w in i18n.STEP_SHORT else i18n.COMPONENTS[w] for w in without]
            label = {"zh": "去掉" + "、".join(n[0] for n in names), "en": "without " + ", ".join(n[1] for n in names)}
            arms.append({"id": "without", "label": label, "runs": reduced})
            out["without"] = label
            told = reduced
        arms.append({"id": "baseline", "label": i18n.both(i18n.ARMS["baseline"]), "runs": base})
        months = list(range(PILOT_MONTHS + 1))
        out["courtyard"] = i18n.name(JIANGDONG)
        out["subtitle"] = i18n.fmt(i18n.UI["subtitle_jiangdong"], courtyard="{courtyard}")
        out["axis"] = "month"
        out["ticks"] = months
        out["arms"] = band_arms(arms, D.SERIES, months)
        run = told[narrate_seed - 1]
        weeks = [D.week_of_month(m) for m in months]
        out["story"] = {"seed": run.seed, "narrative": D.narrative(run), "summary": D.summary_over_seeds(told),
                        "flats": D.flats(run, weeks), "repairs": D.repairs_by_month(run, months),
                        "values": {m: [round(run.value(m, w), 4) for w in weeks] for m in D.SERIES}}
        end_week = int(full[0].steps[-1])
        out["explorer"] = explorer(folder, JIANGDONG, full, base, end_week)
        roof_dir = os.path.join(folder, "roof")
        w, wo = D.seed_files(roof_dir, "meeting-with-persuasion"), D.seed_files(roof_dir, "meeting-without-persuasion")
        if w and wo:
            out["roof"] = roof_story([D.RunData(p, ROOF) for p in w], [D.RunData(p, ROOF) for p in wo], narrate_seed)
        out["meta"] = dict(full[0].attrs)
    else:
        w, wo = D.seed_files(folder, "meeting-with-persuasion"), D.seed_files(folder, "meeting-without-persuasion")
        if not w or not wo:
            raise SystemExit(f"build_report: {folder} has no meeting-with/without-persuasion-seed*.h5")
        wr, wor = [D.RunData(p, ROOF) for p in w], [D.RunData(p, ROOF) for p in wo]
        weeks = list(range(ROOF_WEEKS + 1))
        out["courtyard"] = i18n.name(ROOF)
        out["subtitle"] = i18n.fmt(i18n.UI["subtitle_roof"], courtyard="{courtyard}")
        out["axis"] = "week"
        out["ticks"] = weeks
        # the roof's series by week: reuse the month bands with weeks
        arms = [{"id": "full", "label": i18n.both(i18n.ARMS["persuasion"]), "runs": wr},
                {"id": "baseline", "label": i18n.both(i18n.ARMS["no_persuasion"]), "runs": wor}]
        out["arms"] = [{"id": a["id"], "label": a["label"],
                        "bands": {m: [[round(x, 4) for x in D.stats([r.value(m, wk) for r in a["runs"]])] for wk in weeks]
                                  for m in D.SERIES},
                        "cost": list(D.stats([r.cost for r in a["runs"]]))} for a in arms]
        run = wr[narrate_seed - 1]
        out["story"] = {"seed": run.seed, "narrative": D.narrative(run), "summary": D.summary_over_seeds(wr),
                        "flats": D.flats(run, weeks), "repairs": [0] * len(weeks),
                        "values": {m: [round(run.value(m, wk), 4) for wk in weeks] for m in D.SERIES}}
        out["roof"] = roof_story(wr, wor, narrate_seed)
        out["meta"] = dict(wr[0].attrs)
    out["seeds"] = len(arms[0]["runs"])
    meta = out["meta"]
    out["meta"] = {"version": str(meta.get("engine_version", "?")), "commit": str(meta.get("git_commit", "?"))[:12],
                   "command": str(meta.get("command_line", "courtyard demo"))}
    return out


def page(payload, lang):
    with open(ECHARTS, encoding="utf-8") as f:
        echarts = f.read()
    with open(os.path.join(HERE, "report.css"), encoding="utf-8") as f:
        css = f.read()
    with open(os.path.join(HERE, "report.js"), encoding="utf-8") as f:
        js = f.read()
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    title = payload["ui"]["title"][lang]
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{css}
</style>
</head>
<body>
<div id="app"></div>
<!-- Apache ECharts 6.1.0, Apache License 2.0 (third_party/echarts/LICENSE, NOTICE):
     Copyright 2017-2026 The Apache Software Foundation. This product includes software developed at
     The Apache Software Foundation (https://www.apache.org/). -->
<script>
{echarts}
</script>
<script id="report-data" type="application/json">{blob}</script>
<script>
window.REPORT_LANG = "{lang}";
{js}
</script>
</body>
</html>
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--case", choices=["jiangdong", "roof-insulation"], default="jiangdong")
    ap.add_argument("--lang", choices=["zh", "en"])
    ap.add_argument("--without", action="append", default=[])
    ap.add_argument("--narrate-seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    payload = load(a.folder, a.case, a.without, a.narrate_seed)
    # the model's full description travels with the page: the "what this model assumes" box opens it
    with open(os.path.join(ROOT, "docs", "ODD.md"), encoding="utf-8") as f:
        payload["odd"] = f.read()
    lang = a.lang or ("zh" if any(ord(ch) > 127 for ch in (ROOF if a.case != "jiangdong" else JIANGDONG)) else "en")
    text = page(payload, lang)
    tmp = a.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, a.output)
    print(a.output)


if __name__ == "__main__":
    main()
