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

As a library (add analysis/ to sys.path):
    from summary import summarise
    df = summarise(["a.h5", "b.h5"], metrics=["collection_rate"], months=[0, 12])   # pandas DataFrame

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
    table = pd.concat(frames, ignore_index=True)
    # the concatenation keeps float32 only when every frame has it; say so explicitly
    for m in chosen or []:
        table[m] = table[m].astype(np.float64 if subdistrict else np.float32)
    return table


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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
