#!/usr/bin/python3
"""Side by side, on one core: courtyard's weekly step (Google Benchmark) against the Mesa port, repeated.

    PYTHONPATH=/path/to/mesa-2.4-source /usr/bin/python3 benchmarks/mesa/compare.py \
        [--rounds 3] [--bench build/benchmarks/courtyard_bench] [--bench-courtyards 100,1000] \
        [--mesa-courtyards 100] [--mesa-weeks 52] [--direct] [--philox] [--scale-run build/engine/cli/courtyard]

Each round runs, one after another: `courtyard_bench --benchmark_filter='BM_Step_OneThread|BM_ToyHouseholdStep'`
for each size in --bench-courtyards (COURTYARD_BENCH_COURTYARDS), the Mesa port (run_mesa_bench.py; with --direct
without Mesa's scheduler, with --philox drawing from keyed Philox streams too), and, with
--scale-run, `courtyard run benchmarks/scale.txtpb --threads 1` (1 M flats, 52 weeks, output on). It prints
each round with the load average, then the medians and the ratios. Rates are household-steps per CPU-second
(Google Benchmark's items_per_second is per CPU-second) and per wall-second. Run from the repository root.
Not part of `make test`; exits 0 with "Mesa not importable; skipped" without Mesa.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from mesa_import import import_mesa  # noqa: E402


def load():
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def run_bench(binary, courtyards):
    env = dict(os.environ, COURTYARD_BENCH_COURTYARDS=str(courtyards), COURTYARD_SOURCE_DIR=os.getcwd())
    out = subprocess.run([binary, "--benchmark_filter=BM_Step_OneThread|BM_ToyHouseholdStep",
                          "--benchmark_format=json"], env=env, check=True, capture_output=True, text=True).stdout
    rows = {}
    for b in json.loads(out)["benchmarks"]:
        # items per CPU-second (Google Benchmark's own); items per wall-second from real_time (ms)
        per_iter = b["items_per_second"] * b["cpu_time"] / 1e3
        rows[b["name"]] = {"cpu": b["items_per_second"], "wall": per_iter / (b["real_time"] / 1e3),
                           "iterations": b["iterations"], "flats": round(per_iter)}
    return rows


def run_mesa(courtyards, weeks, schedule, rng):
    out = subprocess.run([sys.executable, os.path.join(HERE, "run_mesa_bench.py"), "--courtyards", str(courtyards),
                          "--weeks", str(weeks), "--schedule", schedule, "--rng", rng, "--json"],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return {"cpu": r["household_steps_per_cpu_s"], "wall": r["household_steps_per_s"], "flats": r["flats"],
            "weeks": r["weeks"], "version": r["mesa_version"], "import": r["mesa_import"]}


def run_scale(binary):
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["/usr/bin/time", "-f", "cpu %U %S", binary, "run", "benchmarks/scale.txtpb", "-o",
               os.path.join(tmp, "scale.h5"), "--force", "--threads", "1", "--progress", "none"]
        p = subprocess.run(cmd, check=True, capture_output=True, text=True)
    time_line = re.search(r"^time\s+([0-9.]+) s, ([0-9.e+]+) household-steps/s", p.stdout, re.M)
    flats = re.search(r"^population\s.*?([0-9]+) households", p.stdout, re.M)
    weeks = re.search(r"^run\s+([0-9]+) of", p.stdout, re.M)
    cpu = re.search(r"cpu ([0-9.]+) ([0-9.]+)", p.stderr)
    if not (time_line and flats and weeks and cpu):
        raise RuntimeError("cannot read courtyard run's output:\n" + p.stdout + p.stderr)
    steps = int(flats.group(1)) * int(weeks.group(1))
    # per CPU-second of the whole process (building the model, metrics and output included)
    cpu_s = float(cpu.group(1)) + float(cpu.group(2))
    return {"wall": float(time_line.group(2)), "cpu": steps / cpu_s, "line": time_line.group(0)}


def fmt(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.1f} k"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bench", default="build/benchmarks/courtyard_bench")
    ap.add_argument("--bench-courtyards", default="100,1000")
    ap.add_argument("--mesa-courtyards", type=int, default=100)
    ap.add_argument("--mesa-weeks", type=int, default=52)
    ap.add_argument("--direct", action="store_true", help="also time the port without Mesa's scheduler")
    ap.add_argument("--philox", action="store_true", help="also time the port drawing from keyed Philox streams")
    ap.add_argument("--scale-run", metavar="COURTYARD_BIN", help="also time `courtyard run benchmarks/scale.txtpb`")
    args = ap.parse_args()
    try:
        version, how = import_mesa()
    except ImportError as e:
        print(f"Mesa not importable; skipped ({e})")
        return 0
    print(f"Mesa {version} ({how}); {os.cpu_count()} CPUs; load at start {load()}")
    sizes = [int(x) for x in args.bench_courtyards.split(",") if x]
    results = []  # (round, label, {"cpu", "wall", ...})
    for r in range(1, args.rounds + 1):
        print(f"round {r}: load {load()}", flush=True)
        for n in sizes:
            for name, row in run_bench(args.bench, n).items():
                label = f"{name} ({n} courtyards, {row['flats']} flats)"
                results.append((r, label, row))
                print(f"  {label}: {fmt(row['cpu'])} per CPU-s, {fmt(row['wall'])} per wall-s, "
                      f"{row['iterations']} iterations", flush=True)
        variants = [("staged", "mesa")] + ([("direct", "mesa")] if args.direct else []) + (
            [("staged", "philox")] if args.philox else [])
        for schedule, rng in variants:
            row = run_mesa(args.mesa_courtyards, args.mesa_weeks, schedule, rng)
            label = f"Mesa port, {schedule}, rng {rng} ({args.mesa_courtyards} courtyards, {row['flats']} flats)"
            results.append((r, label, row))
            print(f"  {label}: {fmt(row['cpu'])} per CPU-s, {fmt(row['wall'])} per wall-s, "
                  f"{row['weeks']} weeks", flush=True)
        if args.scale_run:
            row = run_scale(args.scale_run)
            label = "courtyard run benchmarks/scale.txtpb --threads 1"
            results.append((r, label, row))
            print(f"  {label}: {fmt(row['cpu'])} per CPU-s, {fmt(row['wall'])} per wall-s ({row['line'].strip()})",
                  flush=True)
        print(f"  load after round {r}: {load()}", flush=True)

    labels = list(dict.fromkeys(label for _, label, _ in results))
    med = {label: {k: statistics.median(row[k] for _, lb, row in results if lb == label) for k in ("cpu", "wall")}
           for label in labels}
    mesa_labels = [label for label in labels if label.startswith("Mesa port")]
    print(f"\nmedians of {args.rounds} rounds, household-steps/s:")
    print("| run | per CPU-second | per wall-second |")
    print("|---|---|---|")
    for label in labels:
        print(f"| {label} | {fmt(med[label]['cpu'])} | {fmt(med[label]['wall'])} |")
    print("\nratios of the medians, per CPU-second (per wall-second):")
    print("| engine | " + " | ".join(f"/ {label.split(' (')[0]}" for label in mesa_labels) + " |")
    print("|---|" + "---|" * len(mesa_labels))
    for label in labels:
        if label in mesa_labels:
            continue
        cells = [f"{med[label]['cpu'] / med[m]['cpu']:.0f}x ({med[label]['wall'] / med[m]['wall']:.0f}x)"
                 for m in mesa_labels]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"load at end {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
