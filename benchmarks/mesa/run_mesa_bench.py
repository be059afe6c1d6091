#!/usr/bin/python3
"""Time N weeks of the Mesa port of courtyard's household rules on one core; print household-steps/s.

    PYTHONPATH=/path/to/mesa-2.4-source /usr/bin/python3 benchmarks/mesa/run_mesa_bench.py \
        [--courtyards 100] [--weeks 52] [--seed 7] [--schedule staged|direct] [--json]

A household-step is one flat (occupied or vacant) through one weekly step, as the engine counts them
(Model::nhousehold() x steps). Only the steps are timed, not building the model. Exits 0 with
"Mesa not importable; skipped" when Mesa's core cannot be imported. Not part of `make test`.
"""

import argparse
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mesa_import import import_mesa  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--courtyards", type=int, default=100, help="courtyards (70%% old, 30%% managed; 60-140 flats)")
    ap.add_argument("--weeks", type=int, default=52, help="weekly steps timed")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--schedule", choices=["staged", "direct"], default="staged",
                    help="staged: mesa.time.StagedActivation calls every household stage (the Mesa way); "
                         "direct: the same stages called from plain lists (what Mesa's scheduler costs)")
    ap.add_argument("--rng", choices=["mesa", "philox"], default="mesa",
                    help="mesa: Mesa's model.random (the Mesa way); philox: the engine's keyed Philox4x32-10 streams "
                         "in pure Python, one per courtyard and phase or per flat, as the engine makes them")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--summary", action="store_true",
                    help="also print the engine's subdistrict metrics at the start and the end (docs/ODD.md 7.14)")
    args = ap.parse_args()
    if args.courtyards < 1 or args.weeks < 1:
        ap.error("--courtyards and --weeks must be at least 1")

    try:
        version, how = import_mesa()
    except ImportError as e:
        print(f"Mesa not importable; skipped ({e})")
        return 0

    import courtyard_mesa  # needs Mesa

    t0 = time.perf_counter()
    model = courtyard_mesa.CourtyardModel(ncourtyard=args.courtyards, seed=args.seed, schedule=args.schedule,
                                           rng=args.rng)
    setup = time.perf_counter() - t0
    start = courtyard_mesa.summary(model)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for _ in range(args.weeks):
        model.step()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0

    steps = model.nflat * args.weeks
    end = courtyard_mesa.summary(model)
    result = {
        "mesa_version": version,
        "mesa_import": how,
        "python": platform.python_version(),
        "schedule": args.schedule,
        "rng": args.rng,
        "courtyards": args.courtyards,
        "flats": model.nflat,
        "weeks": args.weeks,
        "setup_s": round(setup, 3),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "household_steps": steps,
        "household_steps_per_s": steps / wall,
        "household_steps_per_cpu_s": steps / cpu if cpu > 0 else None,
        # a glance at the state, to see the rules did something
        "end": end,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"Mesa {version} ({how}), Python {result['python']}, schedule {args.schedule}, rng {args.rng}")
        print(f"{args.courtyards} courtyards, {model.nflat} flats, {args.weeks} weeks: setup {setup:.2f} s, "
              f"steps {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"household-steps/s: {result['household_steps_per_s']:,.0f} (wall), "
              f"{result['household_steps_per_cpu_s']:,.0f} (CPU)")
    if args.summary:
        print(f"{'subdistrict':<20} {'start':>12} {'end':>12}")
        for k in start:
            print(f"{k:<20} {start[k]:>12.4g} {end[k]:>12.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
