"""End-to-end tests of the courtyard program (run by ctest as cli_end_to_end).

usage: cli_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

BIN, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
DEMO = os.path.join(SRC, "scenarios", "demo_district.txtpb")
SCALE = os.path.join(SRC, "benchmarks", "scale.txtpb")
results = []


def run(*args, timeout=300):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f"  [{detail}]"))


def fresh(name):
    path = os.path.join(WORK, name)
    if os.path.exists(path):
        os.remove(path)
    return path


def leftovers(folder):
    return [f for f in os.listdir(folder) if ".tmp" in f]


def test_help_and_version():
    r = run("--help")
    check("--help exits 0 and lists commands and exit codes", r.returncode == 0 and "validate" in r.stdout and "75" in r.stdout, r.stdout[:200])
    for cmd in ["run", "validate", "print", "info", "lab pgg", "lab litter", "lab schedule", "patterns"]:
        r = run(*cmd.split(), "--help")
        check(f"{cmd} --help shows usage and an example", r.returncode == 0 and "Usage" in r.stdout and "Example" in r.stdout, r.stdout[:200])
    r = run("--version")
    check("--version names engine, commit, oneTBB, HDF5, protobuf",
          r.returncode == 0 and all(k in r.stdout for k in ["courtyard", "git", "oneTBB", "HDF5", "protobuf"]), r.stdout)


def test_usage_errors():
    for args in [[], ["frobnicate"], ["run", "--no-such-option"], ["run", "--threads", "0"], ["run", "--progress", "loud"],
                 ["print", "--format", "xml"], ["run", "--set", "no-equals-sign"], ["run", "--output-slabs", "0"],
                 ["run", "--output-spare-records", "-1"]]:
        r = run(*args)
        check(f"usage error {args} exits 64", r.returncode == 64, f"rc={r.returncode} {r.stderr[:200]}")


def test_run_writes_and_refuses_overwrite():
    out = fresh("run.h5")
    r = run("run", DEMO, "--steps", "8", "-o", out, "--progress", "none")
    check("run exits 0 and prints the output path", r.returncode == 0 and out in r.stdout, r.stderr[:300])
    with h5py.File(out, "r") as f:
        check("run file is complete", int(f.attrs["complete"]) == 1 and f["timeseries/disorder"].shape[0] == 9,
              dict(f.attrs))
        check("run file records the effective scenario", "demo-district" in f["parameters/scenario.txtpb"][()].decode())
        first_created = f.attrs["created_utc"]
    before = os.path.getmtime(out)
    r = run("run", DEMO, "--steps", "8", "-o", out, "--progress", "none")
    check("existing output refused without --force (exit 73)", r.returncode == 73 and "--force" in r.stderr, r.stderr)
    check("refused run leaves the file untouched", os.path.getmtime(out) == before)
    time.sleep(1.1)
    r = run("run", DEMO, "--steps", "4", "-o", out, "--progress", "none", "--force")
    with h5py.File(out, "r") as f:
        check("--force overwrites", r.returncode == 0 and f["timeseries/disorder"].shape[0] == 5 and f.attrs["created_utc"] != first_created)
    check("no temporary files left", not leftovers(WORK), leftovers(WORK))


def test_writer_buffers_change_no_data():
    # --output-slabs / --output-spare-records bound the writer's memory; every dataset, its chunks and
    # filters stay the same (the file's bytes: tests/output/file_bytes_test.py)
    files = {}
    for name, extra in [("default", []), ("one", ["--output-slabs", "1", "--output-spare-records", "0"]),
                        ("two", ["--output-slabs", "2", "--output-spare-records", "3"])]:
        out = fresh(f"buffers-{name}.h5")
        r = run("run", DEMO, "--steps", "30", "-o", out, "--progress", "none", "--threads", "2",
                "--set", "run.output.block_records=4", *extra)  # 31 records: 7 blocks of 4 and 3 more
        check(f"run with writer buffers {name} exits 0", r.returncode == 0, r.stderr[:300])
        files[name] = out

    def contents(path):
        got = {}
        with h5py.File(path, "r") as f:
            def visit(key, obj):
                if isinstance(obj, h5py.Dataset):
                    got[key] = (obj[()].tobytes() if obj.dtype.kind != "O" else repr(obj[()]), obj.chunks,
                                obj.compression, obj.shuffle)
            f.visititems(visit)
        return got
    base = contents(files["default"])
    check("the writer-buffer run has time series", "timeseries/disorder" in base, sorted(base)[:5])
    for name in ("one", "two"):
        check(f"writer buffers {name}: the same datasets, values, chunks and filters", contents(files[name]) == base)


def test_missing_folder_and_bad_input():
    r = run("run", DEMO, "--steps", "2", "-o", os.path.join(WORK, "no", "such", "dir", "x.h5"))
    check("output in a missing folder exits 73", r.returncode == 73, f"rc={r.returncode} {r.stderr}")
    r = run("run", os.path.join(WORK, "does-not-exist.txtpb"), "-o", fresh("x.h5"))
    check("missing scenario exits 74 (cannot read)", r.returncode == 74, f"rc={r.returncode} {r.stderr}")
    bad = os.path.join(WORK, "bad.txtpb")
    with open(bad, "w") as f:
        f.write("run { steps: -3 }\ncourtyards { name: \"a\" households: -5 }\n")
    out = fresh("bad.h5")
    r = run("run", bad, "-o", out)
    check("invalid scenario exits 65 with FILE:LINE:COL and field", r.returncode == 65 and f"{bad}:1:" in r.stderr
          and "run.steps" in r.stderr and "courtyards[0].households" in r.stderr, r.stderr)
    check("invalid scenario writes nothing", not os.path.exists(out) and not leftovers(WORK))
    r = run("info", bad)
    check("info on a non-HDF5 file exits 74", r.returncode == 74, f"rc={r.returncode} {r.stderr}")


def test_sigterm_marks_incomplete():
    out = fresh("interrupted.h5")
    # long enough to be interrupted: 2,000 courtyards for 10 years
    p = subprocess.Popen([BIN, "run", SCALE, "-o", out, "--steps", "520", "--threads", "1", "--progress", "log",
                          "--set", "courtyard_kinds[0].count=1400", "--set", "courtyard_kinds[1].count=600"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # wait for the first progress line, then interrupt
    line = p.stderr.readline()
    p.send_signal(signal.SIGTERM)
    stdout, stderr = p.communicate(timeout=120)
    check("SIGTERM exits 75", p.returncode == 75, f"rc={p.returncode} first line {line!r} {stderr[-300:]}")
    check("interrupted run says so", "interrupted" in stderr)
    ok = os.path.exists(out)
    check("interrupted run leaves its file under the final name", ok)
    if ok:
        with h5py.File(out, "r") as f:
            steps_done = int(f.attrs["steps_done"])
            n = f["timeseries/collection_rate"].shape[0]
            check("file marked incomplete", int(f.attrs["complete"]) == 0 and f.attrs["status"] in ("interrupted", b"interrupted"),
                  dict(f.attrs))
            check("file holds the steps done, no more", 0 < steps_done < 520 and n == steps_done + 1, f"{steps_done} {n}")
    check("no temporary files left after interruption", not leftovers(WORK), leftovers(WORK))


def test_print_validate_info():
    r = run("validate", DEMO)
    check("validate accepts the demo scenario", r.returncode == 0 and "valid" in r.stdout, r.stderr)
    r = run("print", DEMO, "--set", "run.seed=99")
    check("print shows the effective scenario with overrides and defaults",
          r.returncode == 0 and "seed: 99" in r.stdout and "conditional_share" in r.stdout and "# proto-message: courtyard.v1.Scenario" in r.stdout,
          r.stdout[:300])
    printed = os.path.join(WORK, "printed.txtpb")
    with open(printed, "w") as f:
        f.write(r.stdout)
    r2 = run("print", printed)
    check("printed scenario reads back to itself", r2.returncode == 0 and r2.stdout == r.stdout)
    r = run("print", DEMO, "--format", "json")
    as_json = os.path.join(WORK, "printed.json")
    with open(as_json, "w") as f:
        f.write(r.stdout)
    r3 = run("print", as_json, "--set", "run.seed=99")
    check("JSON form reads back to the same scenario", r3.returncode == 0 and r3.stdout == r2.stdout, r3.stderr[:300])
    out = fresh("info.h5")
    run("run", DEMO, "--steps", "3", "-o", out, "--progress", "none")
    r = run("info", out)
    check("info describes a result file", r.returncode == 0 and "demo-district" in r.stdout and "collection_rate" in r.stdout, r.stdout[:300])


def test_seed_matters_and_is_recorded():
    a, b, c = fresh("s1.h5"), fresh("s1b.h5"), fresh("s2.h5")
    for path, seed in [(a, "1"), (b, "1"), (c, "2")]:
        run("run", DEMO, "--steps", "10", "--seed", seed, "-o", path, "--progress", "none")
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb, h5py.File(c, "r") as fc:
        same = (fa["timeseries/trust_mean"][()] == fb["timeseries/trust_mean"][()]).all()
        differ = not (fa["timeseries/trust_mean"][()] == fc["timeseries/trust_mean"][()]).all()
        check("same seed, same series; other seed, other series", same and differ)
        check("seed recorded in the file", int(fa.attrs["seed"]) == 1 and int(fc.attrs["seed"]) == 2)


def test_budget_deferrals_in_events():
    # the default scenario's roll-out cannot pay every courtyard's hardware: the courtyards it pays come
    # first in id order, the rest wait, and each wait is logged once in /events
    out = fresh("budget.h5")
    r = run("run", "--steps", "60", "-o", out, "--progress", "none")
    check("default scenario with its roll-out runs", r.returncode == 0, r.stderr[-300:])
    with h5py.File(out, "r") as f:
        ev = f["events"][()]
        names = {v: k for k, v in h5py.check_enum_dtype(f["events"].dtype["type"]).items()}
    kinds = [names[e["type"]] for e in ev]
    deferred = [e for e, k in zip(ev, kinds) if k == "intervention_deferred"]
    check("deferrals appear in /events", len(deferred) > 0, len(deferred))
    # at the first week with a deferral, every courtyard started by that intervention precedes every deferred one
    if deferred:
        first = deferred[0]
        same = [(e, k) for e, k in zip(ev, kinds) if e["step"] == first["step"] and e["subject"] == first["subject"]]
        started = [int(e["courtyard"]) for e, k in same if k == "intervention_start"]
        waiting = [int(e["courtyard"]) for e, k in same if k == "intervention_deferred"]
        check("the budget pays courtyards in ascending id order, then defers the rest",
              not started or max(started) < min(waiting), f"started {started[:5]}.. deferred {waiting[:5]}..")
        pairs = [(int(e["subject"]), int(e["courtyard"])) for e in deferred]
        check("each deferral is logged once", len(pairs) == len(set(pairs)))


def test_lab():
    csv = os.path.join(WORK, "pgg.csv")
    r = run("lab", "pgg", "--groups", "300", "--csv", csv)
    check("lab pgg prints rounds and writes CSV", r.returncode == 0 and "round" in r.stdout and os.path.getsize(csv) > 0, r.stderr)
    with open(csv) as f:
        rows = f.read().strip().splitlines()
    check("lab pgg CSV has a header and 20 rows (10 rounds x 2 conditions)", len(rows) == 21 and rows[0].startswith("round,"), len(rows))
    r = run("lab", "litter", "--subjects", "500")
    check("lab litter prints the four cells and the ratios", r.returncode == 0 and "disordered/orderly ratio" in r.stdout, r.stderr)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    for test in [test_help_and_version, test_usage_errors, test_run_writes_and_refuses_overwrite,
                 test_writer_buffers_change_no_data, test_missing_folder_and_bad_input, test_sigterm_marks_incomplete, test_print_validate_info,
                 test_seed_matters_and_is_recorded, test_budget_deferrals_in_events, test_lab]:
        try:
            test()
        except Exception as e:  # a crash in a test is a failure, not a pass
            check(test.__name__ + " ran to the end", False, repr(e))
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
