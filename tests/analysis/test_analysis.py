#!/usr/bin/env python3
"""End-to-end tests of analysis/ (courtyard_h5.py, plot_run.py, courtyard_map.py, summary.py).

    test_analysis.py COURTYARD_BINARY SOURCE_DIR WORK_DIR

Runs the real `courtyard` program on tests/analysis/data/two_courtyards.txtpb (two courtyards of
42 and 36 flats, 30 weeks, household snapshots, interventions starting at steps 8 and 16) with ten
seeds and a few variants, then runs each script and checks what it wrote: PNG files that are valid
and show what they should, CSV tables whose every value equals the HDF5 data read with h5py.
Prints one line per failed check and a last line "N passed, M failed"; exits 1 when any failed.

Needs Debian's /usr/bin/python3 (python3-h5py, -numpy, -pandas, -matplotlib, -xarray, -h5netcdf).
"""

import io
import os
import shutil
import subprocess
import sys
import traceback

import h5py
import numpy as np
import pandas as pd

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EAST, WEST = "East Court", "West Court"
SEEDS = list(range(11, 21))  # ten seeds: the 10-90 % band
MONTHS = [0, 2, 4, 6, 12]    # month 12 (step 52) is after the 30-week run: left out with a warning
IN_RUN = [0, 2, 4, 6]
SMALL_METRICS = ["collection_rate", "disorder", "fund_balance", "owner_share"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}" + (f"\n      {detail}" if detail else ""))
        return bool(ok)


class Env:
    def __init__(self, binary, source, work):
        self.binary, self.source, self.work = binary, source, work
        self.analysis = os.path.join(source, "analysis")
        self.scenario = os.path.join(source, "tests", "analysis", "data", "two_courtyards.txtpb")
        self.python = sys.executable

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def courtyard(self, *args):
        return subprocess.run([self.binary, *args], capture_output=True, text=True)

    def script(self, name, *args):
        return subprocess.run([self.python, os.path.join(self.analysis, name), *args], capture_output=True,
                              text=True)


def png_info(path):
    """(ok, why, image) for a PNG: magic bytes, a non-trivial size, and read back by matplotlib."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.image as mpimg
    if not os.path.isfile(path):
        return False, "missing", None
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != PNG_MAGIC:
        return False, f"not a PNG (starts {data[:8]!r})", None
    if len(data) < 15000:
        return False, f"only {len(data)} bytes", None
    image = mpimg.imread(path)
    return True, "", image


def has_colour(image, hex_colour, min_pixels=20):
    """At least min_pixels pixels of exactly this colour (within 1/255)."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    close = np.all(np.abs(image[..., :3] - rgb) <= 1.01 / 255, axis=-1)
    return int(close.sum()) >= min_pixels


def check_png(c, path, min_w, min_h, colours=()):
    ok, why, image = png_info(path)
    if not c.check(ok, f"{os.path.basename(path)} is a valid PNG", why):
        return None
    h, w = image.shape[:2]
    c.check(image.ndim == 3 and image.shape[2] in (3, 4), f"{os.path.basename(path)}: RGB(A) image")
    c.check(w >= min_w and h >= min_h and w <= 4000 and h <= 4000,
            f"{os.path.basename(path)}: plausible size {w}x{h} (at least {min_w}x{min_h})")
    rgb = np.rint(image[..., :3] * 255).astype(np.uint32)
    distinct = len(np.unique((rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]))
    c.check(distinct > 8, f"{os.path.basename(path)}: not blank ({distinct} colours)")
    for colour in colours:
        c.check(has_colour(image, colour), f"{os.path.basename(path)}: shows colour {colour}")
    return image


# ------------------------------------------------------------------------------------------------
# set-up: the runs


def make_runs(env, c):
    runs = {}
    for seed in SEEDS:
        out = env.path("runs", f"s{seed}.h5")
        r = env.courtyard("run", env.scenario, "-o", out, "--seed", str(seed), "--force", "--progress", "none",
                          "--quiet")
        c.check(r.returncode == 0 and os.path.isfile(out), f"courtyard run seed {seed}", r.stderr[-500:])
        runs[f"s{seed}"] = out
    variants = {
        # another scenario (another name): a separate line
        "nocleaning": ["--set", "name=no-cleaning", "--set", "interventions[0].intensity=0"],
        # the same name but another scenario: its own group, told apart by its file name
        "halfcleaning": ["--set", "interventions[0].intensity=0.5"],
    }
    for stem, extra in variants.items():
        out = env.path("runs", f"{stem}.h5")
        r = env.courtyard("run", env.scenario, "-o", out, "--force", "--progress", "none", "--quiet", *extra)
        c.check(r.returncode == 0, f"courtyard run {stem}", r.stderr[-500:])
        runs[stem] = out

    # scenarios without the snapshots of one or both courtyards
    with open(env.scenario, encoding="utf-8") as f:
        text = f.read()
    for stem, drop in (("nosnapshots", (EAST, WEST)), ("eastonly", (WEST,))):
        changed = text
        for name in drop:
            changed = changed.replace(f'household_snapshots: "{name}"', "")
        c.check(changed != text, f"scenario variant {stem} differs")
        scenario = env.path(f"{stem}.txtpb")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(changed)
        out = env.path("runs", f"{stem}.h5")
        r = env.courtyard("run", scenario, "-o", out, "--force", "--progress", "none", "--quiet")
        c.check(r.returncode == 0, f"courtyard run {stem}", r.stderr[-500:])
        runs[stem] = out
    return runs


# ------------------------------------------------------------------------------------------------
# courtyard_h5


def test_courtyard_h5(env, runs, c):
    import courtyard_h5 as ch5
    import xarray as xr

    c.check([ch5.month_to_step(m) for m in (0, 1, 2, 6, 12, 24)] == [0, 4, 9, 26, 52, 104],
            "month_to_step: round(m * 52 / 12)")
    c.check(ch5.parse_months("0, 6,12,24") == [0, 6, 12, 24], "parse_months")
    for bad in ("", "a", "-1", "1,,x"):
        try:
            ch5.parse_months(bad)
            c.check(False, f"parse_months rejects {bad!r}")
        except ValueError:
            c.check(True, "")

    with ch5.open_run(runs["s11"]) as run:
        ts = xr.open_dataset(runs["s11"], group="timeseries", engine="h5netcdf")
        c.check(np.array_equal(run.dates.astype("datetime64[ns]"), ts["time"].values),
                "dates decoded from 'days since' equal xarray's")
        c.check(run.courtyard_names == [EAST, WEST], f"courtyard names {run.courtyard_names}")
        c.check(run.resolve_courtyard(WEST) == 1 and run.resolve_courtyard("0") == 0, "resolve_courtyard")
        c.check(run.event_types().get("intervention_start") == 0 and run.event_types().get("facility_failure") == 3,
                "event type names from the file's enum")
        names = ["cleaning campaign", "residents' committee", "repair the roof"]
        c.check(run.intervention_names() == names, f"intervention names {run.intervention_names()}")
        from_text, package = ch5.scenario_intervention_names(run.scenario_text)
        c.check(from_text == names and package is None, f"intervention names from the scenario text {from_text}")
        starts = run.intervention_starts()
        c.check([(s.step, s.index, s.name, s.courtyards) for s in starts]
                == [(8, 0, names[0], (0, 1)), (16, 1, names[1], (1,)), (16, 2, names[2], (1,))],
                f"intervention starts {starts}")
        c.check([s.step for s in run.intervention_starts(0)] == [8], "intervention starts in East Court")
        record, target = run.record_for_month(2)
        c.check(target == 9 and run.steps[record] == 9, "month 2 is the record of step 9")
        c.check(run.month_is_within(6) and not run.month_is_within(12), "months within the run")

    # names from text: escapes, comments, adjacent strings, a package that expands
    text = ('interventions { name: "a\\\'b" targets { courtyards: "x" name: "not this" } }\n'
            '# interventions { name: "commented out" }\n'
            'interventions: { name: "\\344\\270\\255" " 2" }\n'
            'interventions { one_two_three_four { } name: "pkg" }\n'
            'interventions { cleaning { } }\n')
    names, package = ch5.scenario_intervention_names(text)
    c.check(names == ["a'b", "中 2", "pkg", None] and package == 2, f"scenario_intervention_names {names} {package}")

    try:
        ch5.open_run(env.scenario)
        c.check(False, "open_run rejects a text file")
    except ch5.ResultFileError as e:
        c.check("not an HDF5 file" in str(e), f"open_run's error names the problem: {e}")


# ------------------------------------------------------------------------------------------------
# plot_run.py


def test_plot_run(env, runs, c):
    import courtyard_h5 as ch5
    import plot_run

    with ch5.open_run(runs["s11"]) as run:
        all_metrics = list(run.metrics)

    # the subdistrict, two seeds of one scenario and two other scenarios: every metric, then the grid
    out = env.path("plots", "subdistrict")
    r = env.script("plot_run.py", runs["s11"], "--compare", runs["s12"], runs["nocleaning"], runs["halfcleaning"],
                   "-o", out)
    c.check(r.returncode == 0, "plot_run.py (subdistrict, 4 files) exits 0", r.stderr[-800:])
    expected = [os.path.join(out, f"{m}.png") for m in all_metrics] + [os.path.join(out, "overview.png")]
    c.check(r.stdout.split() == expected, "plot_run.py lists the files it wrote")
    for path in expected[:-1]:
        check_png(c, path, 1000, 450, colours=ch5.OKABE_ITO[:3])
    check_png(c, expected[-1], 1400, 1200, colours=ch5.OKABE_ITO[:3])

    # one courtyard, ten seeds (a 10-90 % band), chosen metrics
    out = env.path("plots", "west")
    files = [runs[f"s{s}"] for s in SEEDS]
    r = env.script("plot_run.py", files[0], "--compare", *files[1:], "--metrics", "collection_rate,disorder",
                   "--courtyard", WEST, "-o", out)
    c.check(r.returncode == 0, "plot_run.py (West Court, 10 seeds) exits 0", r.stderr[-800:])
    c.check(sorted(os.listdir(out)) == ["collection_rate.png", "disorder.png", "overview.png"],
            f"plot_run.py --metrics writes those metrics and the overview: {sorted(os.listdir(out))}")
    for name in ("collection_rate.png", "disorder.png", "overview.png"):
        check_png(c, os.path.join(out, name), 800, 400, colours=ch5.OKABE_ITO[:1])

    # what is drawn: groups, means, bands, intervention marks
    opened = [ch5.open_run(runs[k]) for k in ("s11", "s12", "nocleaning", "halfcleaning")]
    try:
        groups = plot_run.group_runs(opened)
        c.check([g.label for g in groups] == ["two-courtyards [s11]", "no-cleaning", "two-courtyards [halfcleaning]"]
                and [g.n for g in groups] == [2, 1, 1], f"groups {[(g.label, g.n) for g in groups]}")
        c.check(groups[0].band_legend() == "two-courtyards [s11]: min–max over 2 seeds", groups[0].band_legend())
        for key in (None, WEST):
            for metric in ("disorder", "collection_rate"):
                steps, dates, mean, low, high, values = plot_run.group_series(groups[0], metric, key)
                direct = []
                for path in (runs["s11"], runs["s12"]):
                    with h5py.File(path, "r") as f:
                        direct.append(f[f"subdistrict/{metric}"][()] if key is None
                                      else f[f"timeseries/{metric}"][:, 1])
                direct = np.vstack(direct)
                where = "subdistrict" if key is None else WEST
                c.check(np.array_equal(values, direct) and values.dtype == direct.dtype,
                        f"group_series({metric}, {where}): the files' values as stored")
                c.check(np.allclose(mean, direct.mean(axis=0), rtol=0, atol=1e-12)
                        and np.array_equal(low, direct.min(axis=0)) and np.array_equal(high, direct.max(axis=0)),
                        f"group_series({metric}, {where}): mean, min and max over the seeds")
                c.check(np.array_equal(steps, np.arange(31)) and str(dates[8]) == "2015-03-02",
                        f"group_series({metric}, {where}): steps 0..30 and their dates")
        marks = plot_run.intervention_marks(groups, None)
        c.check(marks == [(8, ["cleaning campaign"]), (16, ["repair the roof", "residents' committee"])],
                f"intervention marks (subdistrict) {marks}")
        marks = plot_run.intervention_marks(groups, EAST)
        c.check(marks == [(8, ["cleaning campaign"])], f"intervention marks (East Court) {marks}")
    finally:
        for run in opened:
            run.close()

    opened = [ch5.open_run(p) for p in files]
    try:
        groups = plot_run.group_runs(opened)
        c.check(len(groups) == 1 and groups[0].n == 10 and groups[0].label == "two-courtyards",
                "ten seeds make one group")
        _, _, mean, low, high, values = plot_run.group_series(groups[0], "disorder", WEST)
        c.check(values.shape == (10, 31), f"ten series of 31 records {values.shape}")
        c.check(np.array_equal(low, np.percentile(values, 10, axis=0))
                and np.array_equal(high, np.percentile(values, 90, axis=0)), "the band is 10-90 % from ten files")
        c.check("10–90 %" in groups[0].band_legend(), groups[0].band_legend())
    finally:
        for run in opened:
            run.close()

    # errors: clear messages, exit 1
    r = env.script("plot_run.py", runs["s11"], "--metrics", "collection_rate,happiness", "-o", env.path("plots", "x"))
    c.check(r.returncode == 1 and "no metric 'happiness'" in r.stderr, "unknown metric: exit 1 and a message",
            r.stderr)
    r = env.script("plot_run.py", runs["s11"], "--courtyard", "Nowhere", "-o", env.path("plots", "x"))
    c.check(r.returncode == 1 and "no courtyard named 'Nowhere'" in r.stderr, "unknown courtyard: exit 1", r.stderr)
    r = env.script("plot_run.py", runs["s11"])
    c.check(r.returncode == 2 and "-o" in r.stderr, "missing -o: usage error", r.stderr)


# ------------------------------------------------------------------------------------------------
# courtyard_map.py


def test_courtyard_map(env, runs, c):
    import courtyard_h5 as ch5
    import courtyard_map

    out = env.path("maps", "east.png")
    r = env.script("courtyard_map.py", runs["s11"], "--courtyard", EAST, "--months", ",".join(map(str, MONTHS)),
                   "-o", out)
    c.check(r.returncode == 0 and r.stdout.strip() == out, "courtyard_map.py exits 0 and names its file",
            r.stderr[-800:])
    c.check("month 12 (step 52) is after the last record (step 30); left out" in r.stderr,
            "a month after the run is left out with a warning", r.stderr)
    colours = [style[1] for style in courtyard_map.TENURE_STYLE.values()]
    with h5py.File(runs["s11"], "r") as f:
        steps = f["households/step"][()]
        tenure = f["households/tenure"][()][:, f["households/courtyard"][()] == 0]
        drawn = [int(np.argmin(np.abs(steps - ch5.month_to_step(m)))) for m in IN_RUN]
        shown = set(np.unique(tenure[drawn]).tolist())
    c.check(shown == {0, 1, 2}, f"East Court has owners, renters and vacant flats at the months drawn: {shown}")
    check_png(c, out, 700, 500, colours=colours)

    # by id, the other courtyard, default months (only 0 and 6 lie within the run)
    out = env.path("maps", "west.png")
    r = env.script("courtyard_map.py", runs["s12"], "--courtyard", "1", "-o", out)
    c.check(r.returncode == 0, "courtyard_map.py by id exits 0", r.stderr[-800:])
    check_png(c, out, 500, 300, colours=colours[:2])

    # the layout: every flat in its own cell, rows = floors, blocks = stairwells
    with ch5.open_run(runs["s11"]) as run:
        index, hh = courtyard_map.courtyard_households(run, 0)
        c.check(np.array_equal(index, np.arange(42)), "East Court's flats are households 0..41")
        layout = courtyard_map.Layout(hh.stairwell[index], hh.floor[index], 6, 3)
        cells = set(zip(layout.x.tolist(), layout.y.tolist()))
        c.check(len(cells) == 42, f"42 flats in 42 distinct cells (got {len(cells)})")
        c.check(np.array_equal(layout.y, hh.floor[index]), "a flat's row is its floor")
        blocks = [set(layout.x[hh.stairwell[index] == s].tolist()) for s in range(3)]
        c.check(all(max(a) < min(b) for a, b in zip(blocks, blocks[1:])), "stairwells are side-by-side blocks")

    # errors: no snapshots at all, or not of this courtyard
    r = env.script("courtyard_map.py", runs["nosnapshots"], "--courtyard", EAST, "-o", env.path("maps", "x.png"))
    c.check(r.returncode == 1 and "has no household snapshots" in r.stderr
            and 'household_snapshots: "East Court"' in r.stderr, "a file without snapshots: exit 1, what to do",
            r.stderr)
    r = env.script("courtyard_map.py", runs["eastonly"], "--courtyard", WEST, "-o", env.path("maps", "x.png"))
    c.check(r.returncode == 1 and "no household snapshot of courtyard 'West Court'" in r.stderr
            and "'East Court'" in r.stderr, "a courtyard without snapshot: exit 1, lists what was recorded", r.stderr)
    c.check(not os.path.exists(env.path("maps", "x.png")), "no PNG written on error")
    r = env.script("courtyard_map.py", runs["s11"], "--courtyard", EAST, "--months", "40", "-o",
                   env.path("maps", "x.png"))
    c.check(r.returncode == 1 and "none of the months" in r.stderr, "only months after the run: exit 1", r.stderr)


# ------------------------------------------------------------------------------------------------
# summary.py


def expected_rows(paths, months, courtyards=(0, 1)):
    """The table as it should be, read directly with h5py (float32 kept)."""
    rows = []
    for path in paths:
        with h5py.File(path, "r") as f:
            steps = f["timeseries/step"][()]
            start = np.datetime64(f.attrs["start_date"], "D")
            names = f["courtyards/name"].asstr()[()]
            for month in months:
                target = int(np.floor(month * 52 / 12 + 0.5))
                r = int(np.argmin(np.abs(steps - target)))
                for cy in courtyards:
                    rows.append(dict(run=os.path.splitext(os.path.basename(path))[0],
                                     scenario=f.attrs["scenario_name"], seed=int(f.attrs["seed"]), courtyard=cy,
                                     name=names[cy], month=month, step=int(steps[r]),
                                     date=str(start + np.timedelta64(7 * int(steps[r]), "D")), record=r, path=path))
    return rows


def check_table_values(c, table, rows, metrics, what, group="timeseries", dtype=np.float32):
    c.check(len(table) == len(rows), f"{what}: {len(rows)} rows (got {len(table)})")
    bad = []
    for i, (row, want) in enumerate(zip(table.itertuples(index=False), rows)):
        got = row._asdict()
        for key in ("run", "scenario", "seed", "month", "step", "date") + (() if group == "subdistrict" else
                                                                           ("courtyard", "name")):
            value = got[key]
            if key == "date":
                value = str(pd.Timestamp(value).date())
            if value != want[key]:
                bad.append(f"row {i} {key}: {value!r} != {want[key]!r}")
        with h5py.File(want["path"], "r") as f:
            for m in metrics:
                stored = (f[f"subdistrict/{m}"][want["record"]] if group == "subdistrict"
                          else f[f"timeseries/{m}"][want["record"], want["courtyard"]])
                value = dtype(got[m])
                if not (value == stored or (np.isnan(value) and np.isnan(stored))):
                    bad.append(f"row {i} {m}: {value!r} != stored {stored!r}")
    c.check(not bad, f"{what}: every value equals the file's (as {np.dtype(dtype).name})", "; ".join(bad[:5]))


def test_summary(env, runs, c):
    import summary

    paths = [runs["s11"], runs["s12"], runs["nocleaning"]]
    months = ",".join(map(str, MONTHS))
    out = env.path("tables", "courtyards.csv")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    r = env.script("summary.py", *paths, "--metrics", ",".join(SMALL_METRICS), "--months", months, "-o", out)
    c.check(r.returncode == 0, "summary.py -o exits 0", r.stderr[-800:])
    c.check(r.stderr.count("is after the last record") == 3, "month 12 is left out of each file with a warning",
            r.stderr)
    table = pd.read_csv(out, float_precision="round_trip")
    c.check(list(table.columns) == summary.ID_COLUMNS + SMALL_METRICS, f"CSV columns {list(table.columns)}")
    rows = expected_rows(paths, IN_RUN)
    check_table_values(c, table, rows, SMALL_METRICS, "courtyard CSV")

    # stdout gives the same CSV; the library gives the same table with float32 metrics
    r = env.script("summary.py", *paths, "--metrics", ",".join(SMALL_METRICS), "--months", months)
    with open(out, encoding="utf-8") as f:
        c.check(r.returncode == 0 and r.stdout == f.read(), "summary.py to stdout prints the same CSV")
    frame = summary.summarise(paths, metrics=SMALL_METRICS, months=MONTHS, on_warning=None)
    c.check(all(frame[m].dtype == np.float32 for m in SMALL_METRICS), "summarise: metrics as float32")
    c.check(frame["date"].dtype.kind == "M" and frame["seed"].dtype == np.uint64, "summarise: dates and seeds typed")
    check_table_values(c, frame, rows, SMALL_METRICS, "summarise()")

    # every metric by default, one courtyard
    r = env.script("summary.py", runs["s13"], "--months", "0,6", "--courtyard", WEST)
    table = pd.read_csv(io.StringIO(r.stdout), float_precision="round_trip")
    with h5py.File(runs["s13"], "r") as f:
        metrics = [k for k, v in f["timeseries"].items() if v.ndim == 2]
    c.check(r.returncode == 0 and list(table.columns) == summary.ID_COLUMNS + metrics,
            f"all metrics by default, in the file's order ({len(table.columns) - 8} metrics)", r.stderr[-500:])
    check_table_values(c, table, expected_rows([runs["s13"]], [0, 6], courtyards=(1,)), metrics, "one courtyard")

    # the subdistrict
    r = env.script("summary.py", *paths, "--subdistrict", "--months", "0,2,4,6")
    table = pd.read_csv(io.StringIO(r.stdout), float_precision="round_trip")
    c.check(r.returncode == 0 and list(table.columns) == summary.SUBDISTRICT_ID_COLUMNS + metrics,
            f"subdistrict CSV columns {list(table.columns)[:8]}", r.stderr[-500:])
    rows = [row for row in expected_rows(paths, IN_RUN, courtyards=(0,))]
    check_table_values(c, table, rows, metrics, "subdistrict CSV", group="subdistrict", dtype=np.float64)

    # errors
    r = env.script("summary.py", runs["s11"], "--metrics", "happiness")
    c.check(r.returncode == 1 and "no metric 'happiness'" in r.stderr, "unknown metric: exit 1", r.stderr)
    r = env.script("summary.py", runs["s11"], "--months", "soon")
    c.check(r.returncode == 2 and "--months" in r.stderr, "bad months: usage error", r.stderr)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    env = Env(*sys.argv[1:4])
    shutil.rmtree(env.work, ignore_errors=True)
    os.makedirs(env.path("runs"))
    os.environ.setdefault("MPLCONFIGDIR", env.path("mplconfig"))
    sys.path.insert(0, env.analysis)
    c = Checks()
    runs = make_runs(env, c)
    if c.failed:
        print(f"{c.passed} passed, {c.failed} failed")
        return 1
    for test in (test_courtyard_h5, test_plot_run, test_courtyard_map, test_summary):
        try:
            test(env, runs, c)
        except Exception:  # a crash is one failure, reported with its trace; the other tests still run
            c.check(False, f"{test.__name__} raised", traceback.format_exc())
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
