#!/usr/bin/env python3
"""Analysis-ready sweep output (ctest: sweep_results).

usage: sweep_results_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR

A small factorial sweep over a base with one explicit courtyard and two courtyard kinds, run with full
files and with summaries only, then collected:
- sweep.h5 opens with xarray (engine h5netcdf) without warnings: dimensions run, time, kind (no
  phony_dim), the design's parameters, point, replicate, seed and status as coordinates along run, time
  decoded to dates; a (run, time) series equals the run's own file; the /summary group likewise;
- every (run, kind, time) series equals the per-courtyard computation done here with numpy from the run
  file (sums; means weighted by flats or by occupied flats; NaN courtyards left out), and with one kind
  only it equals the subdistrict series up to float32 rounding; per-kind summaries equal their series,
  results_by_kind.csv equals sweep.h5, and summary-only runs give exactly the same per-kind summaries;
- results.csv has design.csv's parameter columns (read by pandas, no join needed);
- a run that is missing at collection reads NaN and status "missing";
- `courtyard info` describes a summary file and a sweep file (exit 0, key lines);
- analysis/plot_run.py and analysis/summary.py label runs by their parameter values and carry them.
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import os
import shutil
import subprocess
import sys
import warnings

import h5py
import numpy as np
import pandas as pd
import xarray as xr

BIN, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
DATA = os.path.join(SRC, "tests", "sweep", "data")
SWEEP = os.path.join(DATA, "kinds_sweep.txtpb")
ANALYSIS = os.path.join(SRC, "analysis")
sys.path.insert(0, ANALYSIS)
results = []

SUMS = ["violations", "fund_balance", "meetings", "staff_hours"]
FLATS = ["condition_index", "disorder", "vacancy_share", "levy_paid_share", "managed"]
RESIDENTS = ["collection_rate", "trust_mean", "attendance_rate"]


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  [{str(detail)[:800]}]"), flush=True)


def run(*args, timeout=300):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def fresh(name):
    path = os.path.join(WORK, name)
    shutil.rmtree(path, ignore_errors=True)
    return path


def open_quietly(path, **kw):
    """xarray.open_dataset, loaded; the warnings that concern the file (not the libraries) returned."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path, engine="h5netcdf", **kw)
        ds.load()
    return ds, [str(w.message) for w in caught if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]


def per_kind_here(f, metric):
    """{kind: series} from a run file's courtyard values, computed independently of the engine."""
    kind = [k.decode() if isinstance(k, bytes) else k for k in f["courtyards/kind"][:]]
    kind = [k or "(explicit)" for k in kind]
    flats = f["courtyards/households"][:].astype(np.float64)
    v = f["timeseries/" + metric][:].astype(np.float64)  # (time, courtyard)
    if metric in SUMS:
        w = np.ones_like(v)
    elif metric in FLATS:
        w = np.broadcast_to(flats, v.shape)
    else:
        vacant = np.round(f["timeseries/vacancy_share"][:].astype(np.float64) * flats)
        w = flats - vacant
    out = {}
    for k in dict.fromkeys(kind):
        cols = [c for c in range(len(kind)) if kind[c] == k]
        vk, wk = v[:, cols], w[:, cols]
        ok = ~np.isnan(vk)
        num = np.where(ok, vk * wk, 0).sum(axis=1)
        den = np.where(ok, wk, 0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[k] = np.where(ok.any(axis=1), num if metric in SUMS else num / den, np.nan)
    return out


def test_full(out):
    r = run("sweep", "run", SWEEP, "--out", out, "--threads", "2", "--quiet")
    check("the kinds sweep runs (8 runs)", r.returncode == 0, r.stdout + r.stderr)
    c = run("sweep", "collect", out)
    check("collect names results.csv, results_by_kind.csv and sweep.h5",
          c.returncode == 0 and all(n in c.stdout for n in ["results.csv", "results_by_kind.csv", "sweep.h5"]),
          c.stdout + c.stderr)
    path = os.path.join(out, "sweep.h5")
    design = pd.read_csv(os.path.join(out, "design.csv"), float_precision="round_trip")
    params = list(design.columns[4:])

    # xarray: the root group
    ds, warned = open_quietly(path)
    check("sweep.h5 opens with xarray (h5netcdf) without warnings", not warned, warned)
    check("dimensions run, time, kind (named, no phony_dim)", set(ds.dims) == {"run", "time", "kind"} and
          ds.dims["run"] == 8 and ds.dims["kind"] == 3, dict(ds.dims))
    coords = set(ds.coords)
    check("the design's parameters, point, replicate, seed and status are coordinates along run",
          {"run", "point", "replicate", "seed", "status", *params} <= coords and
          all(ds[p].dims == ("run",) for p in params + ["point", "replicate", "seed", "status"]), sorted(coords))
    check("time is decoded to dates; step is a coordinate along time",
          np.issubdtype(ds["time"].dtype, np.datetime64) and str(ds["time"].values[0])[:10] == "2015-01-05" and
          "step" in coords and list(ds["step"].values) == list(range(17)), ds["time"].values[:2])
    check("kind holds the explicit group and both kinds", list(ds["kind"].values) == ["(explicit)", "old", "new"],
          ds["kind"].values)
    check("parameter values along run equal design.csv (numbers as numbers, levels as text)",
          np.array_equal(ds["new_count"].values, design["new_count"].to_numpy()) and
          list(ds["old_management"].values) == list(design["old_management"]) and
          np.array_equal(ds["seed"].values, design["seed"].to_numpy()))
    with h5py.File(os.path.join(out, "runs", "run-00005.h5"), "r") as f:
        own = f["subdistrict/collection_rate"][:]
    check("a (run, time) series equals the run's own file",
          ds["collection_rate"].dims == ("run", "time") and np.array_equal(ds["collection_rate"].sel(run=5).values, own))
    check("per-kind series are (run, kind, time); the move-out rates have none",
          ds["collection_rate_by_kind"].dims == ("run", "kind", "time") and "move_out_rate_owner" in ds and
          "move_out_rate_owner_by_kind" not in ds)
    sel = ds["collection_rate"].where(ds["old_management"] == "MANAGEMENT_SELF", drop=True)
    check("selecting runs by a parameter coordinate", sel.sizes["run"] == 4, sel.sizes)

    # per-kind series against the per-courtyard computation
    bad = []
    for r in range(8):
        with h5py.File(os.path.join(out, "runs", f"run-{r:05d}.h5"), "r") as f:
            for m in SUMS + FLATS + RESIDENTS:
                want = per_kind_here(f, m)
                for k, series in want.items():
                    got = ds[m + "_by_kind"].sel(run=r, kind=k).values
                    if not np.allclose(got, series, rtol=1e-12, atol=1e-12, equal_nan=True):
                        bad.append((r, m, k, got[:3], series[:3]))
    check("every per-kind series equals the per-courtyard computation (sums, flats, occupied flats, NaN left out)",
          not bad, bad[:3])
    nan_att = ds["attendance_rate_by_kind"].sel(kind="new").isnull().all().item() and \
        ds["attendance_rate_by_kind"].sel(kind="old").notnull().any().item()
    check("a kind whose courtyards never met has NaN attendance; one that met has values", nan_att)

    # the summary group and the CSV files
    sm, warned = open_quietly(path, group="summary")
    res = pd.read_csv(os.path.join(out, "results.csv"), float_precision="round_trip")
    check("/summary opens without warnings, with the same coordinates along run",
          not warned and {"point", "replicate", "seed", "status", *params} <= set(sm.coords) and sm.dims["run"] == 8, warned)
    check("/summary/<summary> (run) equals results.csv",
          np.array_equal(sm["collection_rate"].values, res["collection_rate"].to_numpy()) and
          np.array_equal(sm["disorder"].values, res["disorder"].to_numpy(), equal_nan=True))
    end = ds["collection_rate_by_kind"].isel(time=-1).values
    check("per-kind summaries (run, kind) equal their series (the value at the end)",
          sm["collection_rate_by_kind"].dims == ("run", "kind") and
          np.array_equal(sm["collection_rate_by_kind"].values, end, equal_nan=True))
    check("results.csv: design.csv's columns, then status and the summaries, read without a join",
          list(res.columns[:4 + len(params)]) == list(design.columns) and res.columns[4 + len(params)] == "status" and
          res[params].equals(design[params]) and res["new_count"].dtype.kind in "if", list(res.columns[:8]))
    bk = pd.read_csv(os.path.join(out, "results_by_kind.csv"), float_precision="round_trip")
    piv = bk.pivot(index="run", columns="kind", values="collection_rate")[list(ds["kind"].values)]
    check("results_by_kind.csv: one row per (run, kind) with the parameters; equals sweep.h5",
          len(bk) == 24 and list(bk.columns[:4 + len(params)]) == list(design.columns) and
          np.array_equal(piv.to_numpy(), sm["collection_rate_by_kind"].values, equal_nan=True), bk.columns)

    # courtyard info on the sweep file
    i = run("info", path)
    lines = i.stdout
    check("courtyard info sweep.h5: exit 0 and the design, runs, parameters, kinds, records, series, summaries",
          i.returncode == 0 and all(k in lines for k in ["collected sweep", "8: 8 done, 0 failed, 0 missing",
                                                         "new_count", "old_management", "3: (explicit), old, new",
                                                         "17, 2015-01-05", "(run, kind, time)", "summaries"]),
          lines + i.stderr)
    return ds, sm


def test_one_kind_equals_subdistrict():
    """The factorial sweep of tiny.txtpb has explicit courtyards only: one group, the subdistrict's."""
    out = fresh("tiny")
    r = run("sweep", "run", os.path.join(DATA, "factorial.txtpb"), "--out", out, "--quiet")
    c = run("sweep", "collect", out)
    ds, warned = open_quietly(os.path.join(out, "sweep.h5"))
    ok = r.returncode == 0 and c.returncode == 0 and list(ds["kind"].values) == ["(explicit)"]
    diffs = []
    for m in ["collection_rate", "trust_mean", "disorder"]:
        a, b = ds[m + "_by_kind"].isel(kind=0).values, ds[m].values
        if not np.allclose(a, b, rtol=1e-6, atol=1e-7):
            diffs.append((m, np.nanmax(np.abs(a - b))))
    check("with one kind, the per-kind series equal the subdistrict's (up to float32 rounding)", ok and not diffs,
          diffs or (r.stderr, c.stderr))


def test_summary_mode(full_ds, full_sm):
    text = open(SWEEP).read().replace('scenario: "kinds.txtpb"', f'scenario: "{DATA}/kinds.txtpb"')
    text += "keep { mode: KEEP_SUMMARY }\n"
    sweep = os.path.join(WORK, "kinds_summary.txtpb")
    with open(sweep, "w") as f:
        f.write(text)
    out = fresh("summary")
    r = run("sweep", "run", sweep, "--out", out, "--quiet")
    c = run("sweep", "collect", out)
    check("the summary-only sweep runs and collects", r.returncode == 0 and c.returncode == 0, r.stderr + c.stderr)
    sm, warned = open_quietly(os.path.join(out, "sweep.h5"), group="summary")
    same = all(np.array_equal(sm[v].values, full_sm[v].values, equal_nan=True)
               for v in full_sm.data_vars)
    check("summary-only runs give exactly the full runs' summaries, per kind too", not warned and same,
          [v for v in full_sm.data_vars if not np.array_equal(sm[v].values, full_sm[v].values, equal_nan=True)])
    root, warned = open_quietly(os.path.join(out, "sweep.h5"))
    check("a summary-only sweep.h5 opens too (no time dimension, coordinates along run)",
          not warned and "time" not in root.dims and "new_count" in root.coords, dict(root.dims))
    summary_file = os.path.join(out, "runs", "run-00003.summary.h5")
    i = run("info", summary_file)
    check("courtyard info run-NNNNN.summary.h5: exit 0, the run, its summaries and kinds",
          i.returncode == 0 and all(k in i.stdout for k in ["summary file", "run         3 (point 1, replicate 1)",
                                                            "collection_rate", "3: (explicit), old, new"]),
          i.stdout + i.stderr)
    with h5py.File(summary_file, "r") as f:
        kinds = [k.decode() if isinstance(k, bytes) else k for k in f["by_kind/kind"][:]]
        per = dict(zip(kinds, f["by_kind/collection_rate"][:]))
    check("the summary file's per-kind values are those collected",
          all(per[k] == full_sm["collection_rate_by_kind"].sel(run=3, kind=k).item() for k in kinds), per)


def test_missing_run(full_out):
    out = fresh("missing")
    shutil.copytree(full_out, out)
    os.remove(os.path.join(out, "runs", "run-00002.h5"))
    c = run("sweep", "collect", out)
    ds, warned = open_quietly(os.path.join(out, "sweep.h5"))
    check("a run missing at collection: status missing, NaN series, others intact",
          c.returncode == 0 and ds["status"].sel(run=2).item() == "missing" and
          bool(ds["collection_rate"].sel(run=2).isnull().all()) and
          bool(ds["collection_rate_by_kind"].sel(run=2).isnull().all()) and
          bool(ds["collection_rate"].sel(run=3).notnull().all()), c.stderr)


def test_analysis_labels(full_out):
    import courtyard_h5 as ch5
    import plot_run
    import summary
    design = pd.read_csv(os.path.join(full_out, "design.csv"))
    files = [os.path.join(full_out, "runs", f"run-{r:05d}.h5") for r in (0, 1, 6)]
    runs = [ch5.open_run(p) for p in files]
    try:
        labels = [g.label for g in plot_run.group_runs(runs)]
    finally:
        for r in runs:
            r.close()
    # runs 0 and 1 are the two replicates of point 0 (one group); run 6 is point 3
    want = [f"new_count=1, old_management=MANAGEMENT_NONE",
            f"new_count=2, old_management=MANAGEMENT_SELF, rep 0"]
    check("plot_run labels sweep runs by their parameter values (a point's replicates as one group)",
          labels == want, labels)
    plots = os.path.join(WORK, "plots")
    p = subprocess.run([sys.executable, os.path.join(ANALYSIS, "plot_run.py"), files[0], "--compare", files[2],
                        "--metrics", "collection_rate", "-o", plots], capture_output=True, text=True, timeout=300)
    check("plot_run.py draws sweep runs", p.returncode == 0 and os.path.exists(os.path.join(plots, "collection_rate.png")),
          p.stderr[-500:])
    table = summary.summarise(files, metrics=["collection_rate"], months=[0, 3], subdistrict=True, on_warning=None)
    check("summary.py carries label, point, replicate and the parameter columns after seed",
          list(table.columns[:8]) == ["run", "scenario", "seed", "label", "point", "replicate", "new_count",
                                      "old_management"] and
          list(table["new_count"]) == [1, 1, 1, 1, 2, 2] and table["new_count"].dtype.kind == "i" and
          list(table["old_management"].iloc[::2]) == list(design["old_management"].iloc[[0, 1, 6]]) and
          table["label"].iloc[4] == "new_count=2, old_management=MANAGEMENT_SELF, rep 0", table.head(6).to_string())
    out_csv = os.path.join(WORK, "table.csv")
    p = subprocess.run([sys.executable, os.path.join(ANALYSIS, "summary.py"), *files, "--metrics", "collection_rate",
                        "--months", "0", "-o", out_csv], capture_output=True, text=True, timeout=300)
    csv = pd.read_csv(out_csv) if p.returncode == 0 else None
    check("summary.py's CSV has the parameter columns per courtyard row",
          csv is not None and "old_management" in csv.columns and len(csv) == sum(
              4 + n for n in design["new_count"].iloc[[0, 1, 6]]) and csv["replicate"].tolist()[:1] == [0], p.stderr[-300:])
    plain = summary.summarise([os.path.join(WORK, "plain.h5")], metrics=["collection_rate"], months=[0],
                              subdistrict=True, on_warning=None)
    check("files outside a sweep get no sweep columns", "label" not in plain.columns, list(plain.columns))


def main():
    os.makedirs(WORK, exist_ok=True)
    full_out = fresh("full")
    ds, sm = test_full(full_out)
    test_one_kind_equals_subdistrict()
    test_summary_mode(ds, sm)
    test_missing_run(full_out)
    r = run("run", os.path.join(DATA, "tiny.txtpb"), "-o", os.path.join(WORK, "plain.h5"), "--force", "--progress", "none")
    check("a plain run for comparison", r.returncode == 0, r.stderr)
    test_analysis_labels(full_out)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
