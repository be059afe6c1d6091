#!/usr/bin/env python3
"""Checks that a courtyard result file reads as documented in docs/output-format.md.

    check_xarray.py FILE [--expect-courtyards N]

Opens the groups with xarray (engine h5netcdf) the way users will, and the rest with h5py:
named dimensions (never phony_dim_N), units and long_name on every variable, time decoded to dates
from the start_date root attribute, shapes that agree, the /events enum, the root attributes, and
one metric compared value for value between xarray and h5py. Prints one line per failed check and
a last line "N passed, M failed"; exits 1 when any check failed, 2 when the file cannot be read.

Needs Debian's /usr/bin/python3 (python3-xarray, python3-h5netcdf, python3-h5py).
"""

import argparse
import re
import sys
import warnings

import h5py
import numpy as np
import xarray as xr

TIME_DIM = "time"
COURTYARD_DIM = "courtyard"
STATUSES = {"running", "complete", "interrupted"}


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")
        return bool(ok)


def open_group(path, group, c):
    """xarray.open_dataset on one group, loaded; warnings that concern the file count as failures."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path, group=group, engine="h5netcdf")
        ds.load()
    ignored = (DeprecationWarning, PendingDeprecationWarning)  # about the libraries, not the file
    relevant = [w for w in caught if not issubclass(w.category, ignored)]
    for w in relevant:
        print(f"warning while reading group {group}: {w.category.__name__}: {w.message}")
    c.check(not relevant, f"group {group} opens without warnings")
    c.check(not any(str(d).startswith("phony_dim") for d in ds.dims),
            f"group {group} has named dimensions: {list(ds.dims)}")
    return ds


def check_described(ds, group, c):
    """Every variable (coordinates included) has units and long_name."""
    for name, var in ds.variables.items():
        attrs = dict(var.attrs)
        if name == TIME_DIM:
            attrs.update(var.encoding)  # xarray moves the time units into the encoding
        c.check(isinstance(attrs.get("units"), str), f"{group}/{name} has a str units attribute")
        c.check(isinstance(attrs.get("long_name"), str) and attrs.get("long_name"),
                f"{group}/{name} has a long_name")


def check_time(ds, group, start, c):
    """time is datetime64, counted in days from the start date, and 7 days per step."""
    time = ds[TIME_DIM]
    c.check(np.issubdtype(time.dtype, np.datetime64),
            f"{group}/time decodes to datetime64 (got {time.dtype})")
    c.check(time.encoding.get("units") == f"days since {start}",
            f"{group}/time units are 'days since {start}' (got {time.encoding.get('units')!r})")
    c.check(time.encoding.get("calendar") == "proleptic_gregorian",
            f"{group}/time calendar is proleptic_gregorian")
    values = time.values
    c.check(np.all(np.diff(values) > np.timedelta64(0, "D")), f"{group}/time increases")
    return values


def check_timeseries(path, root, ncourtyard, c):
    ds = open_group(path, "timeseries", c)
    c.check(TIME_DIM in ds.dims and COURTYARD_DIM in ds.dims,
            f"timeseries dims are time and courtyard: {list(ds.dims)}")
    ntime = ds.sizes.get(TIME_DIM, -1)
    c.check(ds.sizes.get(COURTYARD_DIM) == ncourtyard,
            f"timeseries has {ncourtyard} courtyards (got {ds.sizes.get(COURTYARD_DIM)})")
    c.check(np.array_equal(ds[COURTYARD_DIM].values, np.arange(ncourtyard)),
            "timeseries/courtyard ids are 0..n-1")
    check_described(ds, "timeseries", c)

    # time: dates from the start date, 7 days a step, the step variable beside it
    start = root.get("start_date")
    times = check_time(ds, "timeseries", start, c)
    metrics = [n for n, v in ds.data_vars.items() if n != "step"]
    c.check(len(metrics) > 0, "timeseries holds at least one metric")
    c.check("step" in ds.data_vars and ds["step"].dims == (TIME_DIM,), "timeseries/step lies along time")
    if "step" in ds.data_vars and ntime > 0:
        steps = ds["step"].values
        expected = np.datetime64(start, "ns") + steps.astype("int64") * np.timedelta64(7, "D")
        c.check(np.array_equal(times, expected), "timeseries/time is start_date + 7 days x step")
        if steps[0] == 0:
            c.check(times[0] == np.datetime64(start, "ns"), "the first record (step 0) is on start_date")
        c.check(steps[-1] <= root.get("steps_done", -1), "the last recorded step is not after steps_done")

    # every metric: (time, courtyard) float32 with the shape of the axes
    for name in metrics:
        var = ds[name]
        c.check(var.dims == (TIME_DIM, COURTYARD_DIM),
                f"timeseries/{name} dims are (time, courtyard): {var.dims}")
        c.check(var.shape == (ntime, ncourtyard),
                f"timeseries/{name} shape {var.shape} is ({ntime}, {ncourtyard})")
        c.check(var.dtype == np.float32, f"timeseries/{name} is float32 (got {var.dtype})")
    return ds, metrics, ntime


def check_against_h5py(path, ts, metrics, c):
    """One metric (the first) read by xarray and by h5py is the same, value for value."""
    if not metrics:
        return
    name = metrics[0]
    with h5py.File(path, "r") as f:
        raw = f[f"timeseries/{name}"]
        direct = raw[()]
        chunks, compression, shuffle = raw.chunks, raw.compression, raw.shuffle
        maxshape = raw.maxshape
    via_xarray = ts[name].values
    c.check(direct.dtype == via_xarray.dtype and direct.shape == via_xarray.shape,
            f"timeseries/{name}: same dtype and shape through xarray and h5py")
    c.check(np.array_equal(direct, via_xarray, equal_nan=True),
            f"timeseries/{name}: same values through xarray and h5py")
    c.check(maxshape[0] is None, f"timeseries/{name}: time is unlimited")
    c.check(chunks is not None and chunks[1] == direct.shape[1],
            f"timeseries/{name}: chunks span all courtyards ({chunks})")
    c.check(compression == "gzip" and shuffle, f"timeseries/{name}: shuffle + gzip")


def check_subdistrict(path, root, metrics, ntime, c):
    ds = open_group(path, "subdistrict", c)
    c.check(list(ds.dims) == [TIME_DIM], f"subdistrict dims are (time,): {list(ds.dims)}")
    c.check(ds.sizes.get(TIME_DIM) == ntime,
            f"subdistrict has {ntime} records (got {ds.sizes.get(TIME_DIM)})")
    check_described(ds, "subdistrict", c)
    check_time(ds, "subdistrict", root.get("start_date"), c)
    c.check(sorted(ds.data_vars) == sorted(metrics), "subdistrict holds the same metrics as timeseries")
    for name, var in ds.data_vars.items():
        c.check(var.dims == (TIME_DIM,) and var.dtype == np.float64,
                f"subdistrict/{name} is float64 along time")


def check_courtyards(path, ncourtyard, c):
    ds = open_group(path, "courtyards", c)
    c.check(ds.sizes.get(COURTYARD_DIM) == ncourtyard, f"courtyards has {ncourtyard} entries")
    check_described(ds, "courtyards", c)
    for name in ["name", "kind", "community", "management"]:
        ok = name in ds and ds[name].dims == (COURTYARD_DIM,)
        ok = ok and all(isinstance(v, str) for v in ds[name].values)
        c.check(ok, f"courtyards/{name}: one str per courtyard")
    for name in ["households", "stairwells", "floors", "build_year"]:
        c.check(name in ds and ds[name].dtype == np.int32 and ds[name].dims == (COURTYARD_DIM,),
                f"courtyards/{name}: int32 per courtyard")
    for name in ["fee_per_month", "initial_fund", "flat_area_m2"]:
        c.check(name in ds and ds[name].dtype == np.float64 and ds[name].dims == (COURTYARD_DIM,),
                f"courtyards/{name}: float64 per courtyard")
    if "management" in ds:
        c.check(set(ds["management"].values) <= {"none", "self", "company"},
                "courtyards/management is none, self or company")
    if "household_offset" in ds and "households" in ds:
        off = ds["household_offset"].values
        c.check(off.dtype == np.int64 and off.shape == (ncourtyard + 1,),
                "courtyards/household_offset: int64, ncourtyard+1")
        c.check(off[0] == 0 and np.array_equal(np.diff(off), ds["households"].values),
                "courtyards/household_offset starts at 0 and steps by each courtyard's households")
    else:
        c.check(False, "courtyards/household_offset and households exist")


def check_events(f, root, ncourtyard, c):
    c.check("events" in f, "/events exists")
    if "events" not in f:
        return
    ev = f["events"]
    c.check(ev.ndim == 1 and ev.maxshape == (None,), "/events is one-dimensional and extendable")
    fields = ["step", "courtyard", "type", "rule", "subject", "caller", "attendees", "yes", "no", "abstain",
              "outcome", "amount", "share", "staff_hours",
              "volunteer_hours", "payer", "wait_weeks"]
    c.check(ev.dtype.names is not None and list(ev.dtype.names) == fields,
            f"/events fields: {ev.dtype.names}")
    if ev.dtype.names is None or "type" not in ev.dtype.names:
        return
    enum = h5py.check_enum_dtype(ev.dtype["type"])
    c.check(enum is not None and len(enum) > 0, "/events type is an HDF5 enum")
    if not enum:
        return
    c.check(all(re.fullmatch(r"[a-z_]+", n) for n in enum),
            f"/events enum names are identifiers: {sorted(enum)}")
    c.check(len(set(enum.values())) == len(enum), "/events enum values are distinct")
    rows = ev[()]
    c.check(set(np.unique(rows["type"])) <= set(enum.values()), "/events types are all enum members")
    if len(rows):
        c.check(rows["courtyard"].min() >= 0 and rows["courtyard"].max() < ncourtyard,
                "/events courtyards in range")
        c.check(rows["step"].min() >= 0 and rows["step"].max() <= root.get("steps_done", -1),
                "/events steps within the run")
        order = np.lexsort((rows["courtyard"], rows["step"]))
        c.check(np.array_equal(order, np.arange(len(rows))), "/events in (step, courtyard) order")
    for field in fields:
        c.check(isinstance(ev.attrs.get(f"{field}_long_name"), str), f"/events attribute {field}_long_name")


def check_root_group(path, nevents, c):
    """The root group opens with xarray too: the events table lies on the dimension "event"."""
    ds = open_group(path, None, c)
    c.check(ds.sizes.get("event") == nevents,
            f"root group: dimension event has {nevents} entries (got {ds.sizes.get('event')})")
    c.check(ds.attrs.get("Conventions") == "CF-1.8", "root group: xarray sees the root attributes")


def check_root(f, c):
    root = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in f.attrs.items()}
    for name in ["title", "engine_version", "git_commit", "scenario_name", "scenario_sha256", "created_utc",
                 "command_line", "start_date", "status", "Conventions"]:
        c.check(isinstance(root.get(name), str), f"root attribute {name} is a str")
    for name in ["seed", "steps_planned", "steps_done", "record_every", "complete"]:
        c.check(isinstance(root.get(name), int), f"root attribute {name} is an integer")
    c.check(f.attrs["seed"].dtype == np.uint64 if "seed" in f.attrs else False,
            "root attribute seed is uint64")
    c.check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(root.get("start_date"))), "start_date is YYYY-MM-DD")
    c.check(re.fullmatch(r"[0-9a-f]{64}", str(root.get("scenario_sha256"))),
            "scenario_sha256 is 64 hex digits")
    c.check(root.get("Conventions") == "CF-1.8", "Conventions is CF-1.8")
    status, complete = root.get("status"), root.get("complete")
    c.check(status in STATUSES, f"status is one of {sorted(STATUSES)} (got {status!r})")
    c.check(complete in (0, 1) and (complete == 1) == (status == "complete"),
            "complete is 1 exactly when status is complete")
    if complete == 1:
        c.check(root.get("steps_done") == root.get("steps_planned"), "a complete run did all planned steps")
    c.check(0 <= root.get("steps_done", -1) <= root.get("steps_planned", -1),
            "0 <= steps_done <= steps_planned")
    text = f["parameters/scenario.txtpb"].asstr()[()] if "parameters/scenario.txtpb" in f else None
    c.check(isinstance(text, str), "/parameters/scenario.txtpb is a str")
    return root


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--expect-courtyards", type=int, default=None, metavar="N")
    args = parser.parse_args()

    c = Checks()
    try:
        with h5py.File(args.file, "r") as f:
            root = check_root(f, c)
            ncourtyard = f["timeseries/courtyard"].shape[0]
            if args.expect_courtyards is not None:
                c.check(ncourtyard == args.expect_courtyards,
                        f"{args.expect_courtyards} courtyards (got {ncourtyard})")
            check_events(f, root, ncourtyard, c)
            nevents = f["events"].shape[0] if "events" in f else -1
        check_root_group(args.file, nevents, c)
        ts, metrics, ntime = check_timeseries(args.file, root, ncourtyard, c)
        check_against_h5py(args.file, ts, metrics, c)
        check_subdistrict(args.file, root, metrics, ntime, c)
        check_courtyards(args.file, ncourtyard, c)
    except (OSError, KeyError, ValueError) as e:
        print(f"FAIL: cannot read {args.file}: {type(e).__name__}: {e}")
        c.failed += 1
        print(f"{c.passed} passed, {c.failed} failed")
        return 2
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
