#!/usr/bin/env python3
"""The invalid-sweep corpus through the command line.

usage: check_invalid_sweeps.py COURTYARD_EXE CORPUS_DIR

For every *.txtpb in CORPUS_DIR, `courtyard sweep expand FILE` and `courtyard sweep run FILE --out TMP/out`
must exit 65, print every expected `FILE:LINE:COL: field` to stderr, and create nothing (no TMP/out).
Expectations are the `# expect: LINE:COL: field.path` lines at the top of the file (FILE is the path
given); `# expect-text: TEXT` lines are further text that stderr must hold.

Prints one line per case and a last line `N passed, M failed`; exits 1 on any failure.
"""
import os
import subprocess
import sys
import tempfile

EXIT_BAD_SCENARIO = 65


def expectations(path):
    """(located, text) expectations from the file's leading comment lines."""
    located, text = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# expect: "):
                located.append(line[len("# expect: "):])
            elif line.startswith("# expect-text: "):
                text.append(line[len("# expect-text: "):])
            elif not line.startswith("#"):
                break
    return located, text


def run_case(exe, args, needles):
    """Runs `exe args...` in an empty temporary folder; returns the problems found."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="courtyard_invalid_sweep_") as tmp:
        argv = [exe] + [a.replace("{tmp}", tmp) for a in args]
        try:
            p = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return [f"timed out: {' '.join(argv)}"]
        if p.returncode != EXIT_BAD_SCENARIO:
            problems.append(f"{args[1]}: exit {p.returncode}, expected {EXIT_BAD_SCENARIO}; stderr: {p.stderr.strip()[:500]}")
        for needle in needles:
            if needle not in p.stderr:
                problems.append(f"{args[1]}: stderr lacks {needle!r}; stderr: {p.stderr.strip()[:500]}")
        left = sorted(os.listdir(tmp))
        if left:
            problems.append(f"{args[1]}: left files behind: {', '.join(left)}")
    return problems


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    exe, corpus = (os.path.abspath(a) for a in argv[1:])
    passed = failed = 0
    for name in sorted(f for f in os.listdir(corpus) if f.endswith(".txtpb")):
        path = os.path.join(corpus, name)
        located, text = expectations(path)
        needles = [f"{path}:{e}" for e in located] + text
        if not located:
            problems = ["no '# expect:' line"]
        else:
            problems = run_case(exe, ["sweep", "expand", path], needles)
            problems += run_case(exe, ["sweep", "run", path, "--out", "{tmp}/out"], needles)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"     {p}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
