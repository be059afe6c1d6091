#!/usr/bin/env python3
"""Time series of a courtyard run (one PNG per metric and an overview grid).

    plot_run.py RUN.h5 [--compare OTHER.h5 ...] [--metrics m1,m2,...] [--courtyard NAME|ID] -o DIR

Draws each metric over time (dates on x; y labelled with the metric's long name and units) for the
subdistrict (/subdistrict, the default) or for one courtyard (--courtyard, by name or id), and marks
the dates on which interventions started (from /events, labelled with the interventions' names).

Several files: files of the same scenario that differ only in the seed (same scenario_name and the
same effective scenario apart from its seed) form a group, drawn as the mean over the files and a
band (min-max for fewer than 10 files, 10-90 % from 10 on); groups of different scenarios are
separate lines labelled with the scenario name (and the file name where two groups share a name).
Runs of a sweep (DIR/runs/run-NNNNN.h5 beside DIR/design.csv) are labelled by their parameter values
instead: "fee_per_month=20, trust_b=0.4" for the replicates of a point, with ", rep R" for a single
run (the columns that differ among the plotted runs; all of them for one run).

Writes DIR/<metric>.png for every metric and DIR/overview.png with all of them.
Run with Debian's /usr/bin/python3 (python3-matplotlib, python3-h5py, python3-numpy).
"""

import argparse
import math
import os
import sys
import textwrap
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import courtyard_h5 as ch5  # noqa: E402

PERCENTILE_BAND_FROM = 10  # files in a group from which the band is 10-90 % rather than min-max


class Group:
    """Runs of one scenario that differ only in their seed."""

    def __init__(self, runs):
        self.runs = runs
        self.label = runs[0].scenario_name

    @property
    def n(self):
        return len(self.runs)

    def legend(self):
        if self.n == 1:
            return f"{self.label} (seed {self.runs[0].seed})"
        return f"{self.label}: mean of {self.n} seeds"

    def band_legend(self):
        kind = "10–90 %" if self.n >= PERCENTILE_BAND_FROM else "min–max"
        return f"{self.label}: {kind} over {self.n} seeds"


def group_runs(runs):
    """Groups by (scenario_name, scenario without its seed), in the order the files were given.
    Runs of a sweep folder (runs/run-NNNNN.h5) are labelled by their parameter values from the
    folder's design.csv ("fee=20, trust_b=0.4", and ", rep R" for a group of one run), naming the
    columns that differ among the plotted groups; two groups with one label are told apart by their
    first file's name."""
    groups, keys = [], []
    for run in runs:
        key = (run.scenario_name, run.scenario_without_seed())
        if key in keys:
            groups[keys.index(key)].runs.append(run)
        else:
            keys.append(key)
            groups.append(Group([run]))
    swept = [g for g in groups if all(r.sweep is not None for r in g.runs)]
    for g, label in zip(swept, ch5.sweep_labels([g.runs[0].sweep for g in swept], replicate=False)):
        g.label = label + (f", rep {g.runs[0].sweep.replicate}" if g.n == 1 else "")
    names = [g.label for g in groups]
    for g in groups:
        if names.count(g.label) > 1:
            g.label = f"{g.label} [{g.runs[0].stem}]"
    return groups


def courtyard_of(run, key):
    """The courtyard id that `key` (a name, or an id) means in this run; None for the subdistrict."""
    return None if key is None else run.resolve_courtyard(key)


def run_series(run, metric, courtyard_key):
    cy = courtyard_of(run, courtyard_key)
    return run.subdistrict_series(metric) if cy is None else run.courtyard_series(metric, cy)


def group_series(group, metric, courtyard_key):
    """(steps, dates, mean, low, high, values) of a group over the steps every run recorded;
    values is (nrun, nstep). For one run, low = high = mean = its series."""
    steps = group.runs[0].steps
    for run in group.runs[1:]:
        steps = np.intersect1d(steps, run.steps)
    rows = []
    for run in group.runs:
        index = np.searchsorted(run.steps, steps)
        rows.append(np.asarray(run_series(run, metric, courtyard_key))[index])
    values = np.vstack(rows) if rows else np.zeros((0, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN, as they should
        mean = np.nanmean(values, axis=0)
        if group.n >= PERCENTILE_BAND_FROM:
            low, high = np.nanpercentile(values, [10, 90], axis=0)
        else:
            low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    dates = group.runs[0].start_date + (7 * steps).astype("timedelta64[D]")
    return steps, dates, mean, low, high, values


def intervention_marks(groups, courtyard_key):
    """[(step, [label, ...])]: the steps at which interventions started in the plotted runs, each
    with the interventions' names (and the group's label when not every group has it)."""
    seen = {}  # (step, name) -> set of group labels
    for g in groups:
        for run in g.runs:
            for start in run.intervention_starts(courtyard_of(run, courtyard_key)):
                seen.setdefault((start.step, start.name), set()).add(g.label)
    by_step = {}
    for (step, name), labels in sorted(seen.items()):
        text = name
        if len(groups) > 1 and len(labels) < len(groups):
            text += f" ({', '.join(sorted(labels))})"
        by_step.setdefault(step, []).append(text)
    return sorted(by_step.items())


def where_label(run, courtyard_key):
    if courtyard_key is None:
        return f"{run.subdistrict_name} (all {len(run.courtyard_ids)} courtyards)"
    cy = run.resolve_courtyard(courtyard_key)
    return f"{run.courtyard_names[cy]} (courtyard {cy})"


def format_date_axis(ax):
    import matplotlib.dates as mdates
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def mark_legend(run0, marks):
    """One legend entry per intervention mark: '(k) starts YYYY-MM-DD, week s: names'."""
    return [f"({k + 1}) starts {ch5.iso(run0.date_of_step(step))}, week {step}: "
            + "\n      ".join(textwrap.wrap("; ".join(names), 44))
            for k, (step, names) in enumerate(marks)]


def date_limits(groups):
    """The x range: from the earliest to the latest record of all files, with a small margin."""
    first = min(run.dates[0] for g in groups for run in g.runs if len(run.dates))
    last = max(run.dates[-1] for g in groups for run in g.runs if len(run.dates))
    margin = max(np.timedelta64(3, "D"), (last - first) // 40)
    return ch5.to_datetime(first - margin), ch5.to_datetime(last + margin)


def draw_metric(ax, groups, metric, courtyard_key, marks, compact=False):
    """One metric on one axes: a line (and band) per group, and a dashed line at each intervention
    start numbered above the axes; returns whether any value was finite."""
    import matplotlib.transforms as mtransforms
    info = groups[0].runs[0].metric(metric)
    any_value = False
    for k, g in enumerate(groups):
        colour = ch5.OKABE_ITO[k % len(ch5.OKABE_ITO)]
        _, dates, mean, low, high, _ = group_series(g, metric, courtyard_key)
        x = [ch5.to_datetime(d) for d in dates]
        if g.n > 1:
            ax.fill_between(x, low, high, color=colour, alpha=0.22, linewidth=0, label=g.band_legend())
        ax.plot(x, mean, color=colour, linewidth=1.6 if compact else 2.0, label=g.legend())
        any_value = any_value or bool(np.isfinite(mean).any())

    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    for k, (step, _) in enumerate(marks):
        date = ch5.to_datetime(groups[0].runs[0].date_of_step(step))
        ax.axvline(date, color="0.35", linestyle="--", linewidth=1.0, zorder=1)
        ax.text(date, 1.01, str(k + 1), transform=trans, ha="center", va="bottom", fontsize=7.5 if compact else 9,
                color="0.1", bbox=dict(boxstyle="circle,pad=0.15", facecolor="white", edgecolor="0.35",
                                       linewidth=0.8))

    if not any_value:
        ax.text(0.5, 0.5, "no values recorded\n(NaN at every record)", transform=ax.transAxes, ha="center",
                va="center", fontsize=9, color="0.3",
                bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="none"))
        ax.set_yticks([])
    ax.set_xlim(*date_limits(groups))
    format_date_axis(ax)
    ax.grid(True, color="0.9", linewidth=0.8)
    ax.set_ylabel(info.axis_label(width=30 if compact else 40), fontsize=8 if compact else 10)
    return any_value


def legend_handles(ax, run0, marks):
    """The axes' lines and bands, then one dashed entry per intervention mark."""
    from matplotlib.lines import Line2D
    handles, labels = ax.get_legend_handles_labels()
    for text in mark_legend(run0, marks):
        handles.append(Line2D([], [], color="0.35", linestyle="--", linewidth=1.0))
        labels.append(text)
    return handles, labels


def plot_metric(plt, groups, metric, courtyard_key, marks, path):
    run0 = groups[0].runs[0]
    fig, ax = plt.subplots(figsize=(12, 5.6), dpi=110)
    draw_metric(ax, groups, metric, courtyard_key, marks)
    ax.set_title(f"{metric}: {where_label(run0, courtyard_key)}", fontsize=12, pad=18)
    ax.set_xlabel(f"date (week starting; step 0 = {ch5.iso(run0.start_date)})")
    handles, labels = legend_handles(ax, run0, marks)
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_overview(plt, groups, metrics, courtyard_key, marks, path):
    run0 = groups[0].runs[0]
    ncols = min(4, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    handles, labels = None, None
    nlegend = len(groups) * 2 + len(marks)  # lines of the legend below the grid, at most
    legend_inches = 0.25 + 0.19 * math.ceil(nlegend / 2) + 0.1 * sum(len(t.split("\n")) - 1 for t in
                                                                       mark_legend(run0, marks))
    height = 3.1 * nrows + 0.5 + legend_inches
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, height), dpi=100, squeeze=False)
    for ax, metric in zip(axes.flat, metrics):
        draw_metric(ax, groups, metric, courtyard_key, marks, compact=True)
        ax.set_title(metric, fontsize=10, pad=12)
        ax.tick_params(labelsize=8)
        if handles is None:
            handles, labels = legend_handles(ax, run0, marks)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(f"{where_label(run0, courtyard_key)}: {len(metrics)} metrics", fontsize=13)
    fig.legend(handles, labels, loc="lower center", ncol=2 if len(labels) > 1 else 1, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, legend_inches / height, 1, 1 - 0.3 / height))
    fig.savefig(path)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot a courtyard run's metrics over time (one PNG per metric, and overview.png).",
        epilog="Example: plot_run.py pilot.h5 --compare pilot-seed2.h5 --metrics collection_rate,disorder -o plots/")
    parser.add_argument("run", help="result file (RUN.h5)")
    parser.add_argument("--compare", nargs="+", default=[], metavar="OTHER.h5",
                        help="more result files: other seeds of the scenario (band) or other scenarios (lines)")
    parser.add_argument("--metrics", help="comma-separated metric names (default: every metric in the file)")
    parser.add_argument("--courtyard", metavar="NAME|ID", help="one courtyard instead of the subdistrict")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the PNG files")
    args = parser.parse_args(argv)

    runs = []
    try:
        for path in [args.run] + args.compare:
            run = ch5.open_run(path)
            runs.append(run)
            ch5.warn_if_incomplete(run)
        metrics = list(runs[0].metrics)
        if args.metrics:
            metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
        for run in runs:
            for m in metrics:
                run.metric(m)  # every file must have every metric
            if args.courtyard is not None:
                run.resolve_courtyard(args.courtyard)
        if not metrics:
            raise ch5.ResultFileError("no metrics to plot")
        groups = group_runs(runs)
        marks = intervention_marks(groups, args.courtyard)

        plt = ch5.pyplot()
        ch5.note_missing_glyphs([g.label for g in groups] + [n for _, names in marks for n in names]
                                + [where_label(runs[0], args.courtyard)], "plot_run.py")
        os.makedirs(args.output, exist_ok=True)
        written = []
        for metric in metrics:
            path = os.path.join(args.output, f"{metric}.png")
            plot_metric(plt, groups, metric, args.courtyard, marks, path)
            written.append(path)
        path = os.path.join(args.output, "overview.png")
        plot_overview(plt, groups, metrics, args.courtyard, marks, path)
        written.append(path)
    except (ch5.ResultFileError, OSError) as e:
        print(f"plot_run.py: error: {e}", file=sys.stderr)
        return 1
    finally:
        for run in runs:
            run.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
