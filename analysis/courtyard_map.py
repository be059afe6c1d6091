#!/usr/bin/env python3
"""A courtyard's flats at chosen months: tenure and who paid the fee.

    courtyard_map.py RUN.h5 --courtyard NAME [--months 0,6,12,24] -o FILE.png

One small panel per month. In a panel each stairwell (unit) is a block of flats side by side, floors
are rows with the top floor at the top, and each flat is a cell coloured by its tenure
(owner-occupier, renter, vacant); a dot marks a household that paid the property fee at the last
monthly collection. Month m is the record nearest to step round(m * 52 / 12); months after the end
of the run are left out with a warning.

Needs the run's household snapshots (/households; scenario run.output.household_snapshots naming
the courtyard). Run with Debian's /usr/bin/python3 (python3-matplotlib, python3-h5py, python3-numpy).
"""

import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import courtyard_h5 as ch5  # noqa: E402

# tenure value -> (legend label, fill colour): Okabe-Ito blue and orange, and a light grey that
# reads as "empty" in colour, in grey scale and for the common colour-vision deficiencies
TENURE_STYLE = {
    0: (ch5.TENURE_NAMES[0], "#0072B2"),
    1: (ch5.TENURE_NAMES[1], "#E69F00"),
    2: (ch5.TENURE_NAMES[2], "#DDDDDD"),
}
PAID_DOT = dict(marker="o", markersize=5.5, markerfacecolor="white", markeredgecolor="black", markeredgewidth=1.0)


def courtyard_households(run, courtyard):
    """(indices into /households of the courtyard's flats, Households); ResultFileError when the
    run recorded no snapshot of that courtyard."""
    hh = run.households()
    name = run.courtyard_names[courtyard]
    if hh is None:
        raise ch5.ResultFileError(
            f"{run.path} has no household snapshots (no /households group): run the scenario with "
            f"run.output.household_snapshots: \"{name}\" to draw this courtyard")
    index = np.flatnonzero(hh.courtyard == courtyard)
    if index.size == 0:
        recorded = ", ".join(f"{run.courtyard_names[c]!r}" for c in hh.courtyard_ids())
        raise ch5.ResultFileError(
            f"{run.path} has no household snapshot of courtyard {name!r} (id {courtyard}); it recorded: "
            f"{recorded}. Add run.output.household_snapshots: \"{name}\" to the scenario")
    return index, hh


class Layout:
    """Where each flat is drawn: x within its stairwell's block, y = floor."""

    def __init__(self, stairwell, floor, floors, stairwells):
        self.floors = max(int(floors), int(floor.max()) if floor.size else 1)
        self.stairwells = max(int(stairwells), int(stairwell.max()) + 1 if stairwell.size else 1)
        # flats per (stairwell, floor), in slot order; the widest floor sets a block's width
        position = np.zeros(stairwell.size, dtype=int)
        count = {}
        for i, (s, f) in enumerate(zip(stairwell.tolist(), floor.tolist())):
            position[i] = count.get((s, f), 0)
            count[(s, f)] = position[i] + 1
        self.width = [max([n for (s, _), n in count.items() if s == w] or [1]) for w in range(self.stairwells)]
        self.gap = 0.8
        left = np.cumsum([0] + [w + self.gap for w in self.width])
        self.block_left = left[:-1]
        self.x = self.block_left[stairwell] + position
        self.y = floor.astype(int)
        self.total_width = left[-1] - self.gap


def draw_panel(ax, layout, tenure, paid, title):
    from matplotlib.patches import Rectangle
    for x, y, t, p in zip(layout.x, layout.y, tenure.tolist(), paid.tolist()):
        ax.add_patch(Rectangle((x + 0.06, y - 0.44), 0.88, 0.88, facecolor=TENURE_STYLE[t][1],
                               edgecolor="0.25", linewidth=0.6))
        if p:
            ax.plot([x + 0.5], [y], linestyle="none", **PAID_DOT)
    ax.set_xlim(-0.3, layout.total_width + 0.3)
    ax.set_ylim(0.4, layout.floors + 0.6)
    ax.set_yticks(range(1, layout.floors + 1))
    ax.set_xticks([left + w / 2 for left, w in zip(layout.block_left, layout.width)])
    ax.set_xticklabels([f"unit {s + 1}" for s in range(layout.stairwells)], fontsize=8)
    ax.tick_params(axis="both", length=0, labelsize=8)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=9.5)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Draw a courtyard's flats (stairwells x floors) at chosen months: tenure and fee payment.",
        epilog="Example: courtyard_map.py pilot.h5 --courtyard 'Jiangdong Minju Zone 2' --months 0,6,12,24 "
               "-o zone2.png")
    parser.add_argument("run", help="result file with household snapshots (RUN.h5)")
    parser.add_argument("--courtyard", required=True, metavar="NAME", help="courtyard name (or id)")
    parser.add_argument("--months", default="0,6,12,24", help="comma-separated months (default 0,6,12,24)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png", help="the PNG to write")
    args = parser.parse_args(argv)
    try:
        months = ch5.parse_months(args.months)
    except ValueError as e:
        parser.error(f"--months: {e}")

    try:
        with ch5.open_run(args.run) as run:
            ch5.warn_if_incomplete(run)
            courtyard = run.resolve_courtyard(args.courtyard)
            index, hh = courtyard_households(run, courtyard)
            name = run.courtyard_names[courtyard]
            floors = run.courtyard_table_column("floors")[courtyard]
            stairwells = run.courtyard_table_column("stairwells")[courtyard]
            layout = Layout(hh.stairwell[index], hh.floor[index], floors, stairwells)

            # the records to draw: nearest to each month, months after the end left out
            panels = []
            for m in months:
                if not run.month_is_within(m):
                    print(f"courtyard_map.py: warning: month {m} (step {ch5.month_to_step(m)}) is after the last "
                          f"record (step {hh.step[-1] if hh.step.size else '-'}); left out", file=sys.stderr)
                    continue
                target = ch5.month_to_step(m)
                r = int(np.argmin(np.abs(hh.step - target)))
                panels.append((m, r))
            if not panels:
                raise ch5.ResultFileError(f"none of the months {args.months} lies within the run "
                                          f"(last record: step {hh.step[-1] if hh.step.size else '-'})")

            # panels laid out by hand, so that every flat is a square cell of the same size
            plt = ch5.pyplot()
            ch5.note_missing_glyphs([name, run.scenario_name], "courtyard_map.py")
            cell = 0.30  # inches per flat
            axes_w, axes_h = cell * (layout.total_width + 0.6), cell * (layout.floors + 0.2)
            left_m, right_m, title_m, units_m = 0.55, 0.25, 0.6, 0.4  # inches around a panel's axes
            pw = max(3.6, left_m + axes_w + right_m)
            ph = title_m + axes_h + units_m
            widest = max(1, min(4, int(16 // pw)))  # panels in a row: at most 4, about 16 inches wide
            nrows = math.ceil(len(panels) / widest)
            ncols = math.ceil(len(panels) / nrows)  # rows as even as they can be
            top, bottom = 0.7, 0.55  # inches for the figure's title and the legend
            width, height = pw * ncols, top + ph * nrows + bottom
            fig = plt.figure(figsize=(width, height), dpi=110)
            for k, (m, r) in enumerate(panels):
                row, col = divmod(k, ncols)
                x0 = col * pw + left_m + (pw - left_m - right_m - axes_w) / 2
                y0 = height - top - row * ph - title_m - axes_h
                ax = fig.add_axes((x0 / width, y0 / height, axes_w / width, axes_h / height))
                tenure = hh.tenure[r, index]
                paid = hh.paid[r, index]
                step = int(hh.step[r])
                occupied = int(np.count_nonzero(tenure != 2))
                npaid = int(np.count_nonzero(paid[tenure != 2]))
                month_text = f"month {m}" if ch5.month_to_step(m) == step else f"month {m} (nearest record)"
                title = (f"{month_text}: {ch5.iso(run.date_of_step(step))}, week {step}\n"
                         f"{npaid} of {occupied} occupied flats paid")
                draw_panel(ax, layout, tenure, paid, title)
                ax.set_ylabel("floor", fontsize=8)

            from matplotlib.lines import Line2D
            from matplotlib.patches import Patch
            handles = [Patch(facecolor=colour, edgecolor="0.25", label=label)
                       for label, colour in TENURE_STYLE.values()]
            handles.append(Line2D([], [], linestyle="none", label="paid the fee at the last monthly collection",
                                  **PAID_DOT))
            fig.legend(handles=handles, loc="lower center", ncol=len(handles) if width > 7 else 2, fontsize=9,
                       frameon=False)
            fig.suptitle(f"{name}: households by tenure and fee payment\n"
                         f"{run.scenario_name}, seed {run.seed}; {len(index)} flats, {layout.stairwells} "
                         f"stairwells, {layout.floors} floors", fontsize=11.5, y=1 - 0.08 / height, va="top")
            out_dir = os.path.dirname(os.path.abspath(args.output))
            os.makedirs(out_dir, exist_ok=True)
            fig.savefig(args.output)
            plt.close(fig)
    except (ch5.ResultFileError, OSError) as e:
        print(f"courtyard_map.py: error: {e}", file=sys.stderr)
        return 1
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
