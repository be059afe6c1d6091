#!/usr/bin/env python3
"""The trainer's slides: the report's key panels as files for a slide deck, in one language.

    slides.py DEMO_DIR --case jiangdong|roof-insulation [--lang zh|en] [--format png|pdf|svg]
              [--without X ...] -o DIR

Writes DIR/<panel>.<format>: collection, disorder, trust, condition, move-outs (the arms' means over
the seeds with the lowest-highest band) and cost (by arm), 16:9 at 1280x720 pixels (png) with large
type, titles and units in the report's words (i18n.py). Run with Debian's /usr/bin/python3
(python3-matplotlib, python3-h5py, python3-numpy; fonts-noto-cjk for Chinese).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import courtyard_h5 as ch5  # noqa: E402
import data as D  # noqa: E402
import i18n  # noqa: E402
from build_report import JIANGDONG, PILOT_MONTHS, ROOF, ROOF_WEEKS, scenario_labels  # noqa: E402

COLORS = {"full": "#0072B2", "without": "#CC79A7", "baseline": "#D55E00"}
PANELS = ["collection_rate", "disorder", "trust_mean", "condition_index", "move_outs"]


def arms_of(folder, case, without):
    if case == "jiangdong":
        arms = [("full", i18n.ARMS["full"], D.seed_files(folder, "intervention"))]
        if without:
            names = [i18n.STEP_SHORT.get(w) or i18n.COMPONENTS[w] for w in without]
            arms.append(("without", ("去掉" + "、".join(n[0] for n in names), "without " + ", ".join(n[1] for n in names)),
                         D.seed_files(folder, "without-" + "+".join(without))))
        arms.append(("baseline", i18n.ARMS["baseline"], D.seed_files(folder, "baseline")))
        return arms, JIANGDONG, [D.week_of_month(m) for m in range(PILOT_MONTHS + 1)], list(range(PILOT_MONTHS + 1))
    arms = [("full", i18n.ARMS["persuasion"], D.seed_files(folder, "meeting-with-persuasion")),
            ("baseline", i18n.ARMS["no_persuasion"], D.seed_files(folder, "meeting-without-persuasion"))]
    weeks = list(range(ROOF_WEEKS + 1))
    return arms, ROOF, weeks, weeks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--case", choices=["jiangdong", "roof-insulation"], default="jiangdong")
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--format", choices=["png", "pdf", "svg"], default="png")
    ap.add_argument("--without", action="append", default=[])
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    k = 0 if a.lang == "zh" else 1
    scenario_labels(a.folder, a.case)  # the scenarios' own names first, as on the page
    arms, courtyard, weeks, ticks = arms_of(a.folder, a.case, a.without)
    runs = {key: [D.RunData(p, courtyard) for p in files] for key, _, files in arms}
    plt = ch5.pyplot()
    plt.rcParams.update({"font.size": 20, "axes.titlesize": 26, "axes.labelsize": 20, "legend.fontsize": 18,
                         "xtick.labelsize": 18, "ytick.labelsize": 18, "svg.fonttype": "path", "pdf.fonttype": 42})
    os.makedirs(a.output, exist_ok=True)
    where = i18n.name(courtyard)["zh" if k == 0 else "en"]
    xlabel = i18n.UI["month_axis"][k] if a.case == "jiangdong" else i18n.UI["week_axis"][k]
    for metric in PANELS:
        zh, en, uzh, uen = i18n.METRICS[metric]
        fig, ax = plt.subplots(figsize=(12.8, 7.2), dpi=100)
        for key, label, _ in arms:
            vals = [[r.value(metric, w) for r in runs[key]] for w in weeks]
            mean = [sum(v) / len(v) for v in vals]
            ax.fill_between(ticks, [min(v) for v in vals], [max(v) for v in vals], color=COLORS[key], alpha=0.18, lw=0)
            ax.plot(ticks, mean, color=COLORS[key], lw=3.5, label=label[k])
        ax.set_title(f"{(zh, en)[k]} · {where}")
        ax.set_xlim(ticks[0], ticks[-1])
        ax.set_xticks(ticks[::6] if a.case == "jiangdong" else ticks[::2])
        ax.set_xlabel(xlabel)
        ax.set_ylabel((uzh, uen)[k])
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, loc="best")
        fig.text(0.99, 0.01, i18n.UI["key_intro"][k], ha="right", va="bottom", fontsize=14, color="0.35")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        fig.savefig(os.path.join(a.output, f"{metric}.{a.format}"))
        plt.close(fig)
    zh, en, uzh, uen = i18n.METRICS["cost"]
    fig, ax = plt.subplots(figsize=(12.8, 7.2), dpi=100)
    labels = [label[k] for _, label, _ in arms]
    costs = [sum(r.cost for r in runs[key]) / len(runs[key]) for key, _, _ in arms]
    bars = ax.bar(labels, costs, color=[COLORS[key] for key, _, _ in arms])
    ax.bar_label(bars, labels=[f"{c:,.0f}" for c in costs], fontsize=20)
    ax.set_title(f"{(zh, en)[k]} ({(uzh, uen)[k]}) · {where}")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    fig.savefig(os.path.join(a.output, f"cost.{a.format}"))
    plt.close(fig)


if __name__ == "__main__":
    main()
