#!/usr/bin/env python3
"""A tidy table of courtyard runs at chosen months, as CSV.

    summary.py RUN.h5 [RUN2.h5 ...] [--metrics m1,m2] [--months 0,6,12,24] [--subdistrict]
               [--courtyard NAME|ID ...] [-o out.csv]

One row per (run file, courtyard, month) with the columns
    run, scenario, seed, courtyard, name, month, step, date, <metric>, ...
or, with --subdistrict, one row per (run file, month) from /subdistrict with
    run, scenario, seed, month, step, date, <metric>, ...
run is the file's name without .h5; month m is the record nearest to step round(m * 52 / 12), and
step and date say which record that is. Months after the end of a run are left out with a warning.
Values are as stored: float32 for courtyards, float64 for the subdistrict; NaN is an empty field.
Runs of a sweep (DIR/runs/run-NNNNN.h5 beside DIR/design.csv) add, after seed, the columns
    label, point, replicate, <one per design.csv parameter column>
label naming the run by its parameter values ("fee_per_month=20, trust_b=0.4, rep 1"); numbers as
numbers. A parameter named like another column gets "_param" appended. Files outside a sweep leave
these columns empty; without any sweep run they are absent.

With --baseline BASE.h5 ... it tabulates instead what each run cost and what it bought against its
paired baseline (the same scenario without the intervention, on the same seed): yuan by payer, staff and
volunteer hours, cost per household, fee collection gained at the last record (percentage points) and
yuan and staff hours per point gained, one row per pair, then the mean over the pairs (seeds) with the
lowest and highest in brackets -- the block `courtyard run --paired-baseline` and `courtyard demo` print.
Runs and baselines are paired by their seed attribute (--pair-by seed) or in the order given
(--pair-by order); the default pairs by seed when that is unambiguous, else by order. -o writes the
per-pair table as CSV.

    summary.py pilot-seed*.h5 --baseline baseline-seed*.h5 [--courtyard NAME] [-o costs.csv]

As a library (add analysis/ to sys.path):
    from summary import summarise, cost_effectiveness
    df = summarise(["a.h5", "b.h5"], metrics=["collection_rate"], months=[0, 12])   # pandas DataFrame
    costs = cost_effectiveness(["a.h5"], ["a-baseline.h5"])                          # one row per pair

Run with Debian's /usr/bin/python3 (python3-pandas, python3-h5py, python3-numpy).
"""

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import courtyard_h5 as ch5  # noqa: E402

DEFAULT_MONTHS = (0, 6, 12, 24)
ID_COLUMNS = ["run", "scenario", "seed", "courtyard", "name", "month", "step", "date"]
SUBDISTRICT_ID_COLUMNS = ["run", "scenario", "seed", "month", "step", "date"]


def _stderr_warning(message):
    print(f"summary.py: warning: {message}", file=sys.stderr)


def summarise(paths, metrics=None, months=DEFAULT_MONTHS, subdistrict=False, courtyards=None,
              on_warning=_stderr_warning):
    """The table for the result files `paths` (a path or a list of them) as a pandas DataFrame.

    metrics: names (default: every metric of the first file; each must be in every file).
    months: months of the run; each picks the record nearest to step round(m * 52 / 12).
    subdistrict: one row per (file, month) from /subdistrict instead of one per courtyard.
    courtyards: names or ids to keep (default: all).
    on_warning: called with a message for each month left out (after the end of a run) and each
    incomplete file; None to stay quiet.
    Raises courtyard_h5.ResultFileError for a file that is not a result file or lacks a metric.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    months = list(months)
    warn = on_warning or (lambda message: None)
    frames = []
    chosen = None
    for path in paths:
        with ch5.open_run(path) as run:
            if not run.complete:
                warn(f"{run.path} is not complete (status {run.status})")
            if chosen is None:
                chosen = list(metrics) if metrics else list(run.metrics)
            for m in chosen:
                run.metric(m)
            records = []
            for month in months:
                if not run.month_is_within(month):
                    warn(f"{run.path}: month {month} (step {ch5.month_to_step(month)}) is after the last record "
                         f"(step {run.steps[-1] if len(run.steps) else '-'}); left out")
                    continue
                records.append((month, run.record_for_month(month)[0]))
            if subdistrict:
                frames.append(_subdistrict_rows(run, chosen, records))
            else:
                ids = None if courtyards is None else [run.resolve_courtyard(c) for c in courtyards]
                frames.append(_courtyard_rows(run, chosen, records, ids))
    if not frames:
        raise ch5.ResultFileError("no result files given")
    frames, sweep_columns = _with_sweep_columns(paths, frames, chosen)
    table = pd.concat(frames, ignore_index=True)
    if sweep_columns:
        head = SUBDISTRICT_ID_COLUMNS[:3]
        table = table[head + sweep_columns + [c for c in table.columns if c not in head and c not in sweep_columns]]
        for c in sweep_columns[3:]:
            numbers = pd.to_numeric(table[c], errors="coerce")
            if numbers.notna().sum() == table[c].notna().sum():
                table[c] = numbers
        for c in ("point", "replicate"):
            table[c] = table[c].astype("Int64")
    # the concatenation keeps float32 only when every frame has it; say so explicitly
    for m in chosen or []:
        table[m] = table[m].astype(np.float64 if subdistrict else np.float32)
    return table


def _with_sweep_columns(paths, frames, metrics):
    """Each frame with its file's sweep columns (label, point, replicate, parameters), and the
    columns' names ([] when no file is a sweep's run)."""
    runs = [ch5.sweep_run_of(p) for p in paths]
    if all(r is None for r in runs):
        return frames, []
    labels = ch5.sweep_labels(runs)
    taken = set(ID_COLUMNS) | set(metrics or []) | {"label", "point", "replicate"}
    names = {}
    for r in runs:
        for c, _ in (r.params if r else ()):
            if c not in names:
                name = c
                while name in taken:
                    name += "_param"
                taken.add(name)
                names[c] = name
    out = []
    for frame, r, label in zip(frames, runs, labels):
        frame = frame.copy()
        frame["label"] = label
        frame["point"] = r.point if r else None
        frame["replicate"] = r.replicate if r else None
        values = dict(r.params) if r else {}
        for c, name in names.items():
            frame[name] = values.get(c)
        out.append(frame)
    return out, ["label", "point", "replicate"] + list(names.values())


def _ids(run, month, record):
    step = int(run.steps[record])
    return {"run": run.stem, "scenario": run.scenario_name, "seed": np.uint64(run.seed), "month": month,
            "step": step, "date": pd.Timestamp(ch5.iso(run.date_of_step(step)))}


def _courtyard_rows(run, metrics, records, ids):
    n = len(run.courtyard_ids)
    keep = np.arange(n) if ids is None else np.asarray(sorted(set(ids)), dtype=np.int64)
    names = np.asarray(run.courtyard_names, dtype=object)
    blocks = []
    ts = run.file["timeseries"]
    for month, record in records:
        block = {k: [v] * len(keep) for k, v in _ids(run, month, record).items()}
        block["courtyard"] = keep.astype(np.int64)
        block["name"] = names[keep]
        for m in metrics:
            block[m] = ts[m][record, :][keep]  # float32, as stored
        blocks.append(pd.DataFrame(block, columns=ID_COLUMNS + metrics))
    if not blocks:
        return pd.DataFrame({c: [] for c in ID_COLUMNS + metrics})
    frame = pd.concat(blocks, ignore_index=True)
    frame["seed"] = frame["seed"].astype(np.uint64)
    return frame


def _subdistrict_rows(run, metrics, records):
    sd = run.file["subdistrict"]
    rows = []
    for month, record in records:
        row = _ids(run, month, record)
        for m in metrics:
            row[m] = sd[m][record]  # float64, as stored
        rows.append(row)
    frame = pd.DataFrame(rows, columns=SUBDISTRICT_ID_COLUMNS + metrics)
    frame["seed"] = frame["seed"].astype(np.uint64)
    return frame


# --- cost-effectiveness against paired baselines ---------------------------------------------------

COST_METRICS = ["spent_subdistrict", "spent_community", "spent_courtyard", "staff_hours", "volunteer_hours"]
# a pair whose collection gained is below this many percentage points has no cost per point (as the CLI)
MIN_GAIN_POINTS = 0.05
COST_COLUMNS = ["run", "baseline", "seed", "end_step", "households", "spent_subdistrict", "spent_community",
                "spent_courtyard", "spent", "staff_hours", "volunteer_hours", "baseline_spent",
                "baseline_staff_hours", "baseline_volunteer_hours", "yuan_per_household",
                "staff_hours_per_household", "collection", "baseline_collection", "gain_points", "yuan_per_point",
                "staff_hours_per_point"]


def run_costs(path, courtyard=None, on_warning=_stderr_warning):
    """What one run cost, summed over its records (the cost metrics are sums since the previous record).

    Whole file (default): /subdistrict sums, the subdistrict's collection rate at the last record, and
    every courtyard's flats; courtyard (a name or id): that courtyard's /timeseries column.
    Returns a dict: name, seed, end_step, households, the five cost metrics, collection (share).
    """
    warn = on_warning or (lambda message: None)
    with ch5.open_run(path) as run:
        if not run.complete:
            warn(f"{run.path} is not complete (status {run.status})")
        for m in COST_METRICS + ["collection_rate"]:
            run.metric(m)
        if len(run.steps) == 0:
            raise ch5.ResultFileError(f"{run.path}: the file holds no records")
        households = run.courtyard_table_column("households").astype(np.float64)
        out = {"name": run.stem, "seed": run.seed, "end_step": int(run.steps[-1])}
        if courtyard is None:
            for m in COST_METRICS:
                out[m] = float(np.nansum(run.subdistrict_series(m)))
            out["collection"] = float(run.subdistrict_series("collection_rate")[-1])
            out["households"] = float(households.sum())
        else:
            c = run.resolve_courtyard(courtyard)
            for m in COST_METRICS:
                out[m] = float(np.nansum(run.courtyard_series(m, c).astype(np.float64)))
            out["collection"] = float(run.courtyard_series("collection_rate", c)[-1])
            out["households"] = float(households[c])
        return out


def pair_runs(runs, baselines, pair_by="auto"):
    """[(run, baseline)] of the two lists of cost dicts: by seed, by order, or (auto) by seed when every
    seed appears once on each side and the two sides have the same seeds, else by order."""
    seeds = [r["seed"] for r in runs]
    base_seeds = [b["seed"] for b in baselines]
    by_seed_ok = len(set(seeds)) == len(seeds) and len(set(base_seeds)) == len(base_seeds) and set(seeds) == set(base_seeds)
    if pair_by == "auto":
        pair_by = "seed" if by_seed_ok else "order"
    if pair_by == "seed":
        if not by_seed_ok:
            raise ch5.ResultFileError(f"cannot pair by seed: runs have seeds {seeds}, baselines {base_seeds} "
                                      "(each seed once on each side)")
        by = {b["seed"]: b for b in baselines}
        return [(r, by[r["seed"]]) for r in runs]
    if pair_by != "order":
        raise ValueError(f"pair_by must be auto, seed or order, not {pair_by!r}")
    if len(runs) != len(baselines):
        raise ch5.ResultFileError(f"cannot pair by order: {len(runs)} runs but {len(baselines)} baselines")
    return list(zip(runs, baselines))


def cost_effectiveness(runs, baselines, pair_by="auto", courtyard=None, on_warning=_stderr_warning):
    """One row per (run, baseline) pair: what the run cost and what it bought against its baseline.

    Costs per household and per point are the run's less its baseline's (usually nothing); gain_points
    is 100 x (collection - baseline collection) at the last record; yuan_per_point and
    staff_hours_per_point are NaN for a pair whose gain is below MIN_GAIN_POINTS.
    """
    if isinstance(runs, (str, os.PathLike)):
        runs = [runs]
    if isinstance(baselines, (str, os.PathLike)):
        baselines = [baselines]
    if not runs or not baselines:
        raise ch5.ResultFileError("no result files given")
    warn = on_warning or (lambda message: None)
    a = [run_costs(p, courtyard, on_warning) for p in runs]
    b = [run_costs(p, courtyard, on_warning) for p in baselines]
    rows = []
    for r, base in pair_runs(a, b, pair_by):
        if r["seed"] != base["seed"]:
            warn(f"{r['name']} (seed {r['seed']}) is paired with {base['name']} (seed {base['seed']}): not the same seed")
        if r["end_step"] != base["end_step"]:
            warn(f"{r['name']} ends at week {r['end_step']}, its baseline {base['name']} at week {base['end_step']}")
        spent = r["spent_subdistrict"] + r["spent_community"] + r["spent_courtyard"]
        base_spent = base["spent_subdistrict"] + base["spent_community"] + base["spent_courtyard"]
        extra_yuan, extra_staff = spent - base_spent, r["staff_hours"] - base["staff_hours"]
        hh = r["households"] if r["households"] > 0 else np.nan
        gain = 100.0 * (r["collection"] - base["collection"])
        has_gain = bool(gain >= MIN_GAIN_POINTS)
        rows.append({
            "run": r["name"], "baseline": base["name"], "seed": np.uint64(r["seed"]), "end_step": r["end_step"],
            "households": r["households"],
            "spent_subdistrict": r["spent_subdistrict"], "spent_community": r["spent_community"],
            "spent_courtyard": r["spent_courtyard"], "spent": spent,
            "staff_hours": r["staff_hours"], "volunteer_hours": r["volunteer_hours"],
            "baseline_spent": base_spent, "baseline_staff_hours": base["staff_hours"],
            "baseline_volunteer_hours": base["volunteer_hours"],
            "yuan_per_household": extra_yuan / hh, "staff_hours_per_household": extra_staff / hh,
            "collection": 100.0 * r["collection"], "baseline_collection": 100.0 * base["collection"],
            "gain_points": gain,
            "yuan_per_point": extra_yuan / gain if has_gain else np.nan,
            "staff_hours_per_point": extra_staff / gain if has_gain else np.nan,
        })
    table = pd.DataFrame(rows, columns=COST_COLUMNS)
    table["seed"] = table["seed"].astype(np.uint64)
    return table


def _fmt(v, decimals, sign=False):
    v = 0.0 if v == 0 else v  # no "-0"
    return f"{v:+.{decimals}f}" if sign else f"{v:.{decimals}f}"


def _mean_range(values, decimals, sign=False):
    values = np.asarray(values, dtype=np.float64)
    out = _fmt(values.mean(), decimals, sign)
    if len(values) > 1:
        out += " " * max(10 - len(out), 1) + f"[{_fmt(values.min(), decimals, sign)} to {_fmt(values.max(), decimals, sign)}]"
    return out


def _decimals_for(values, small):
    return 0 if abs(float(np.mean(values))) >= 100 else small


def format_costs(table, title=None):
    """The block of `courtyard demo` / `courtyard run --paired-baseline` for a cost_effectiveness table:
    each quantity as the mean over the pairs with [lowest to highest] (no range for one pair)."""
    n = len(table)
    lines = []

    def line(label, value):
        lines.append(f"  {label:<56} {value}")

    end = "week " + str(int(table["end_step"].iloc[0])) if n and table["end_step"].nunique() == 1 else "the end"
    lines.append(title or "What it cost and what it bought (each run against its baseline, the whole run):")
    if n > 1:
        lines.append(f"  (mean over {n} seeds; in brackets the lowest and the highest seed)")
    line("spent by the subdistrict (yuan)", _mean_range(table["spent_subdistrict"], 0))
    line("spent by the community (yuan)", _mean_range(table["spent_community"], 0))
    line("spent from the courtyard fund (yuan)", _mean_range(table["spent_courtyard"], 0))
    line("spent in all (yuan)", _mean_range(table["spent"], 0))
    line("community staff time (hours)", _mean_range(table["staff_hours"], 1))
    line("volunteer time (hours)", _mean_range(table["volunteer_hours"], 1))
    line("households (flats)", _mean_range(table["households"], 0))
    base_spent = bool((table[["baseline_spent", "baseline_staff_hours", "baseline_volunteer_hours"]] != 0).any().any())
    if not base_spent:
        lines.append("  the baseline spent nothing (no yuan, no staff or volunteer hours)")
    else:
        line("the baseline spent in all (yuan)", _mean_range(table["baseline_spent"], 0))
        line("the baseline's community staff time (hours)", _mean_range(table["baseline_staff_hours"], 1))
        line("the baseline's volunteer time (hours)", _mean_range(table["baseline_volunteer_hours"], 1))
    extra = "extra " if base_spent else ""
    line(extra + "cost per household (yuan)", _mean_range(table["yuan_per_household"], 1))
    line(extra + "staff time per household (hours)", _mean_range(table["staff_hours_per_household"], 2))
    line(f"fee collection at {end}, with the intervention (%)", _mean_range(table["collection"], 1))
    line(f"fee collection at {end}, baseline (%)", _mean_range(table["baseline_collection"], 1))
    line(f"collection gained at {end} (percentage points)", _mean_range(table["gain_points"], 1, sign=True))
    no_gain = int(table["yuan_per_point"].isna().sum())
    if no_gain:
        why = f"n/a: no gain in {no_gain} of {n} seed{'' if n == 1 else 's'}"
        line(extra + "cost per point gained (yuan)", why)
        line(extra + "staff time per point gained (hours)", why)
        lines.append(f"  (a seed has no gain when the intervention's collection at {end} is not at least "
                     f"{MIN_GAIN_POINTS:.2f} points above the\n   baseline's: no cost per point can be given)")
    else:
        ypp, spp = table["yuan_per_point"], table["staff_hours_per_point"]
        line(extra + "cost per point gained (yuan)", _mean_range(ypp, _decimals_for(ypp, 1)))
        line(extra + "staff time per point gained (hours)", _mean_range(spp, _decimals_for(spp, 2)))
    return "\n".join(lines) + "\n"


def format_pairs(table):
    """One line per pair: seed, files, yuan, staff hours, gain and cost per point."""
    head = f"{'seed':>10}  {'run':<24} {'baseline':<24} {'yuan':>10} {'staff h':>9} {'gain pts':>9} {'yuan/pt':>10} {'staff h/pt':>10}"
    rows = [head]
    for _, r in table.iterrows():
        ypp = "n/a" if np.isnan(r["yuan_per_point"]) else f"{r['yuan_per_point']:.1f}"
        spp = "n/a" if np.isnan(r["staff_hours_per_point"]) else f"{r['staff_hours_per_point']:.2f}"
        rows.append(f"{int(r['seed']):>10}  {str(r['run'])[:24]:<24} {str(r['baseline'])[:24]:<24} {r['spent']:>10.0f} "
                    f"{r['staff_hours']:>9.1f} {r['gain_points']:>+9.1f} {ypp:>10} {spp:>10}")
    return "\n".join(rows) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Tabulate courtyard runs at chosen months: one CSV row per (run, courtyard, month).",
        epilog="Example: summary.py a.h5 b.h5 --metrics collection_rate,disorder --months 0,12,24 -o table.csv")
    parser.add_argument("runs", nargs="+", metavar="RUN.h5", help="result files")
    parser.add_argument("--metrics", help="comma-separated metric names (default: every metric)")
    parser.add_argument("--months", default="0,6,12,24", help="comma-separated months (default 0,6,12,24)")
    parser.add_argument("--subdistrict", action="store_true",
                        help="one row per (run, month) from /subdistrict instead of one per courtyard")
    parser.add_argument("--courtyard", action="append", metavar="NAME|ID",
                        help="only this courtyard (repeatable; default: all)")
    parser.add_argument("-o", "--output", metavar="out.csv", help="write the CSV here (default: stdout)")
    parser.add_argument("--baseline", nargs="+", metavar="BASE.h5",
                        help="paired baselines: print what each run cost and bought against its baseline instead "
                             "(-o writes the per-pair CSV)")
    parser.add_argument("--pair-by", choices=["auto", "seed", "order"], default="auto",
                        help="pair runs and baselines by their seed attribute or in the order given "
                             "(default auto: by seed when unambiguous, else by order)")
    args = parser.parse_args(argv)
    if args.baseline:
        return _main_costs(parser, args)
    try:
        months = ch5.parse_months(args.months)
    except ValueError as e:
        parser.error(f"--months: {e}")
    if args.subdistrict and args.courtyard:
        parser.error("--courtyard and --subdistrict exclude each other")
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    try:
        table = summarise(args.runs, metrics=metrics, months=months, subdistrict=args.subdistrict,
                          courtyards=args.courtyard)
        if args.output:
            table.to_csv(args.output, index=False, date_format="%Y-%m-%d")
        else:
            table.to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
    except (ch5.ResultFileError, OSError) as e:
        print(f"summary.py: error: {e}", file=sys.stderr)
        return 1
    if args.output:
        print(f"{args.output}: {len(table)} rows", file=sys.stderr)
    return 0


def _main_costs(parser, args):
    if args.subdistrict or args.metrics:
        parser.error("--baseline takes neither --subdistrict nor --metrics")
    if args.courtyard and len(args.courtyard) > 1:
        parser.error("--baseline takes at most one --courtyard")
    try:
        table = cost_effectiveness(args.runs, args.baseline, pair_by=args.pair_by,
                                   courtyard=args.courtyard[0] if args.courtyard else None)
        where = f"courtyard {args.courtyard[0]}" if args.courtyard else "all courtyards"
        sys.stdout.write(format_pairs(table) + "\n")
        sys.stdout.write(format_costs(table, f"What it cost and what it bought (each run against its baseline, "
                                             f"{where}, the whole run):"))
        if args.output:
            table.to_csv(args.output, index=False)
            print(f"{args.output}: {len(table)} rows", file=sys.stderr)
    except (ch5.ResultFileError, OSError) as e:
        print(f"summary.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
