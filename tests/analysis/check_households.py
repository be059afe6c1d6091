#!/usr/bin/env python3
"""Checks the household snapshots (/households) of a courtyard result file against
docs/output-format.md, reading them with xarray (engine h5netcdf) as users will, and with h5py.

    check_households.py FILE [--expect-courtyards "NAME,NAME"] [--engine]

Checks: named dimensions time and household; the same records as /timeseries; household 0..n-1;
courtyard, slot, stairwell, floor per household consistent with /courtyards; tenure in 0..2 and paid
in 0..1 as int8 with CF flag attributes; vacant flats never paid; units and long_name everywhere;
chunked and compressed arrays. With --engine (a file written by the engine, not by the test writer),
also checks the snapshots against the engine's own metrics: the tenure counts give owner_share,
renter_share and vacancy_share exactly, paid agrees with collection_rate after every collection
without moves, and a household only turns to paid in the step of a monthly collection.
Prints one line per failed check and "N passed, M failed"; exits 1 when a check failed.

Needs Debian's /usr/bin/python3 (python3-xarray, python3-h5netcdf, python3-h5py).
"""

import argparse
import sys
import warnings

import h5py
import numpy as np
import xarray as xr


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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path, group=group, engine="h5netcdf")
        ds.load()
    relevant = [w for w in caught if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
    for w in relevant:
        print(f"warning while reading group {group}: {w.category.__name__}: {w.message}")
    c.check(not relevant, f"group {group} opens without warnings")
    return ds


def check_households(path, expect_courtyards, engine, c):
    hh = open_group(path, "households", c)
    ts = open_group(path, "timeseries", c)
    cy = open_group(path, "courtyards", c)

    # dimensions and coordinates
    c.check(set(hh.dims) == {"time", "household"}, f"households dims are time and household: {list(hh.dims)}")
    n = hh.sizes.get("household", 0)
    c.check(np.issubdtype(hh["time"].dtype, np.datetime64), "households/time decodes to datetime64")
    c.check(np.array_equal(hh["time"].values, ts["time"].values), "households/time equals timeseries/time")
    c.check(hh["time"].encoding.get("units") == ts["time"].encoding.get("units"),
            "households/time has the units of timeseries/time")
    c.check(np.array_equal(hh["step"].values, ts["step"].values), "households/step equals timeseries/step")
    c.check(hh["household"].dtype == np.int32 and np.array_equal(hh["household"].values, np.arange(n)),
            "households/household is int32 0..n-1")
    for name, var in hh.variables.items():
        attrs = dict(var.attrs)
        if name == "time":
            attrs.update(var.encoding)
        c.check(isinstance(attrs.get("units"), str), f"households/{name} has units")
        c.check(isinstance(attrs.get("long_name"), str) and attrs["long_name"], f"households/{name} has a long_name")

    # static columns
    expect_types = {"courtyard": np.int32, "slot": np.int32, "stairwell": np.int16, "floor": np.int16}
    for name, dtype in expect_types.items():
        c.check(name in hh and hh[name].dims == ("household",) and hh[name].dtype == dtype,
                f"households/{name} is {np.dtype(dtype).name} along household")
    courtyard = hh["courtyard"].values
    slot = hh["slot"].values
    ids = list(dict.fromkeys(courtyard.tolist()))
    c.check(ids == sorted(ids), f"snapshot courtyards in ascending order: {ids}")
    names = [str(cy["name"].values[i]) for i in ids]
    if expect_courtyards is not None:
        c.check(names == expect_courtyards, f"snapshot courtyards are {expect_courtyards} (got {names})")
    for i in ids:
        mine = courtyard == i
        count = int(cy["households"].values[i])
        c.check(np.array_equal(slot[mine], np.arange(count)),
                f"courtyard {i}: slots 0..{count - 1}, in order, each once")
        stair, floor = hh["stairwell"].values[mine], hh["floor"].values[mine]
        c.check(stair.min() >= 0 and stair.max() < cy["stairwells"].values[i],
                f"courtyard {i}: stairwells within 0..{cy['stairwells'].values[i] - 1}")
        c.check(floor.min() >= 1 and floor.max() <= cy["floors"].values[i],
                f"courtyard {i}: floors within 1..{cy['floors'].values[i]}")

    # time-varying columns
    tenure, paid = hh["tenure"], hh["paid"]
    for var in (tenure, paid):
        c.check(var.dims == ("time", "household") and var.dtype == np.int8,
                f"households/{var.name} is int8 (time, household)")
    c.check(set(np.unique(tenure.values)) <= {0, 1, 2}, "tenure values in {0, 1, 2}")
    c.check(set(np.unique(paid.values)) <= {0, 1}, "paid values in {0, 1}")
    c.check(not np.any((tenure.values == 2) & (paid.values == 1)), "vacant flats never paid")
    c.check(list(tenure.attrs.get("flag_values", [])) == [0, 1, 2]
            and tenure.attrs.get("flag_meanings") == "owner_occupier renter vacant", "tenure has CF flag attributes")
    c.check(list(paid.attrs.get("flag_values", [])) == [0, 1] and paid.attrs.get("flag_meanings") == "not_paid paid",
            "paid has CF flag attributes")
    if "civic" in hh:  # the CivicFlag bits (files written before it lack it)
        civic = hh["civic"]
        c.check(civic.dims == ("time", "household") and civic.dtype == np.int8, "households/civic is int8 (time, household)")
        c.check(civic.values.min() >= 0 and civic.values.max() <= 127, "civic values in 0..127")
        c.check(not np.any((tenure.values == 2) & (civic.values != 0)), "vacant flats have no civic flags")
        c.check(list(civic.attrs.get("flag_masks", [])) == [1, 2, 4, 8, 16, 32, 64]
                and civic.attrs.get("flag_meanings", "").split()[0] == "attended", "civic has CF flag_masks and flag_meanings")
    with h5py.File(path, "r") as f:
        for name in ("tenure", "paid") + (("civic",) if "civic" in f["households"] else ()):
            ds = f[f"households/{name}"]
            c.check(ds.chunks is not None and ds.compression == "gzip" and ds.maxshape[0] is None,
                    f"households/{name}: chunked, gzip, unlimited in time ({ds.chunks}, {ds.compression})")
            c.check(np.array_equal(ds[()], hh[name].values), f"households/{name}: same values via h5py and xarray")

    if engine:
        check_against_engine(hh, ts, ids, c)
    return n


def check_against_engine(hh, ts, ids, c):
    """The snapshots agree with the metrics the engine computed from the same state."""
    courtyard = hh["courtyard"].values
    tenure, paid = hh["tenure"].values, hh["paid"].values
    steps = hh["step"].values
    for i in ids:
        mine = courtyard == i
        flats = int(mine.sum())
        c.check(np.all(np.diff(hh["stairwell"].values[mine].astype(int)) >= 0),
                f"courtyard {i}: flats dealt to stairwells in blocks, in slot order")
        for value, metric in ((0, "owner_share"), (1, "renter_share"), (2, "vacancy_share")):
            if metric not in ts:
                continue
            counted = (tenure[:, mine] == value).sum(axis=1) / flats
            recorded = ts[metric].values[:, i]
            c.check(np.allclose(counted, recorded, rtol=0, atol=1e-6),
                    f"courtyard {i}: {metric} equals the share of flats with tenure {value} at every record")

        # after a collection step without moves, the paid households are collection_rate of the occupied
        needed = {"collection_rate", "move_outs", "move_ins"}
        consecutive = np.diff(steps) == 1
        if needed <= set(ts.data_vars) and consecutive.all():
            start = np.datetime64(str(hh["time"].values[0])[:10], "D")
            week_start = start + (7 * (steps - 1)).astype("timedelta64[D]")  # the week that led to each record
            day = (week_start - week_start.astype("datetime64[M]")).astype(int) + 1
            collected = (steps >= 1) & (day <= 7)
            quiet = (ts["move_outs"].values[:, i] == 0) & (ts["move_ins"].values[:, i] == 0)
            compared = 0
            for r in np.flatnonzero(collected & quiet):
                occupied = (tenure[r, mine] != 2).sum()
                share = paid[r, mine].sum() / occupied if occupied else 0.0
                c.check(abs(share - ts["collection_rate"].values[r, i]) < 1e-6,
                        f"courtyard {i}, step {steps[r]}: paid/occupied {share:.6f} equals collection_rate "
                        f"{ts['collection_rate'].values[r, i]:.6f}")
                compared += 1
            c.check(compared > 0, f"courtyard {i}: at least one collection without moves to compare")
            # a household turns to paid only in a collection step
            turned = (paid[1:, mine] == 1) & (paid[:-1, mine] == 0)
            late = np.flatnonzero(turned.any(axis=1) & ~collected[1:]) + 1
            c.check(late.size == 0, f"courtyard {i}: paid only turns on in collection steps (not at steps "
                                    f"{steps[late].tolist()})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--expect-courtyards", help="comma-separated names of the snapshot courtyards, in order")
    parser.add_argument("--engine", action="store_true", help="also check against the engine's metrics")
    args = parser.parse_args()
    expect = args.expect_courtyards.split(",") if args.expect_courtyards else None
    c = Checks()
    try:
        n = check_households(args.file, expect, args.engine, c)
    except (OSError, KeyError, ValueError) as e:
        print(f"FAIL: cannot read {args.file}: {type(e).__name__}: {e}")
        c.failed += 1
        n = 0
    print(f"{n} households; {c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
