#!/usr/bin/env python3
"""The invalid-scenario corpus through the command line.

usage: check_invalid.py COURTYARD_EXE CORPUS_DIR VALID_SCENARIO

For every *.txtpb / *.json file in CORPUS_DIR, `courtyard validate FILE` and
`courtyard run FILE -o TMP/out.h5` must exit 65, print every expected `FILE:LINE:COL: field` to
stderr, and leave nothing behind in TMP (no out.h5, no temporary file). Expectations are the
`# expect: LINE:COL: field.path` lines at the top of the file, or of FILE.expect for JSON (which has
no comments). Then the --set cases, on VALID_SCENARIO: bad overrides exit 65 with a
`--set[i]:1:COL` prefix, a malformed one exits 64.

Prints one line per case and a last line `N passed, M failed`; exits 1 on any failure.
"""
import os
import subprocess
import sys
import tempfile

EXIT_USAGE = 64
EXIT_BAD_SCENARIO = 65


def expectations(path):
    """The `# expect:` lines of a corpus file (or of its .expect companion)."""
    source = path + ".expect" if os.path.exists(path + ".expect") else path
    out = []
    with open(source, encoding="utf-8", errors="replace") as f:  # some files hold invalid UTF-8 on purpose
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# expect: "):
                out.append(line[len("# expect: "):])
            elif not line.startswith("#"):
                break
    return out


def generated_cases(folder):
    """Inputs too large to keep in the corpus (the reliability report's crashes), written to `folder`:
    (name, file name, content bytes, exit code, needles (FILE is replaced by the path), absent texts)."""
    bom = b"\xef\xbb\xbf"
    minimal = b'run { seed: 7 steps: 10 }\ncourtyards { name: "A" households: 20 stairwells: 2 }\n'
    minimal_json = b'{"run": {"seed": "7", "steps": 10}, "courtyards": [{"name": "A", "households": 20, "stairwells": 2}]}\n'
    long_name = "c" * 60000
    return [
        # 16,000 unknown fields inside each other: protobuf's parser recursed until the stack overflowed
        ("deep_16000_text", "deep.txtpb", b"z{" * 16000 + b"}" * 16000 + b"\n", EXIT_BAD_SCENARIO,
         ["FILE:1:130: nested more than 64 levels deep"], []),
        ("deep_16000_json", "deep.json", b"[" * 16000 + b"]" * 16000 + b"\n", EXIT_BAD_SCENARIO,
         ["FILE:1:65: nested more than 64 levels deep"], []),
        # one 1 MB line: std::regex on the parser's message overflowed the stack
        ("line_1mb", "line.txtpb", b"x" * 1000000 + b"\n", EXIT_BAD_SCENARIO,
         ["FILE:1:65537: line 1 is 1000000 bytes long, more than the limit of 64 KiB"], []),
        ("line_1mb_json", "line.json", b'{"name": "' + b"x" * 1000000 + b'"}\n', EXIT_BAD_SCENARIO,
         ["FILE:1:65537: line 1 is"], []),
        # a long name is echoed cut to 80 characters
        ("long_unknown_community", "long.txtpb",
         ('courtyards { name: "A" community: "' + long_name + '" households: 20 stairwells: 2 }\n').encode(),
         EXIT_BAD_SCENARIO, ['FILE:1:', "c" * 80 + "\u2026"], ["c" * 81]),
        ("long_unknown_field", "longfield.txtpb", ("run { " + long_name + ": 3 }\n").encode(), EXIT_BAD_SCENARIO,
         ["FILE:1:7: unknown field \"" + "c" * 80 + "\u2026\""], ["c" * 81]),
        # a byte-order mark before a valid file: accepted in both formats
        ("bom_text_valid", "bom.txtpb", bom + minimal, 0, [], []),
        ("bom_json_valid", "bom.json", bom + minimal_json, 0, [], []),
    ]


def run_case(exe, args, code, needles, absent=()):
    """Runs `exe args...` in an empty temporary folder (also the output's folder); returns problems."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="courtyard_invalid_") as tmp:
        argv = [exe] + [a.replace("{tmp}", tmp) for a in args]
        try:
            p = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, errors="replace", timeout=120)
        except subprocess.TimeoutExpired:
            return [f"timed out: {' '.join(argv)}"]
        if p.returncode != code:
            problems.append(f"{args[0]}: exit {p.returncode}, expected {code}; stderr: {p.stderr.strip()[:500]}")
        for needle in needles:
            if needle not in p.stderr:
                problems.append(f"{args[0]}: stderr lacks {needle!r}; stderr: {p.stderr.strip()[:500]}")
        for text in absent:
            if text in p.stderr:
                problems.append(f"{args[0]}: stderr holds {text[:20]!r}... ({len(text)} characters), which should be cut")
        left = sorted(os.listdir(tmp))
        if code == 0:
            left = [f for f in left if f != "out.h5"]
        if left:
            problems.append(f"{args[0]}: left files behind: {', '.join(left)}")
    return problems


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    exe, corpus, valid = (os.path.abspath(a) for a in argv[1:])
    if not os.access(exe, os.X_OK):
        print(f"not an executable: {exe}", file=sys.stderr)
        return 2

    cases = []  # (name, [(args, code, needles)])
    files = sorted(f for f in os.listdir(corpus) if f.endswith((".txtpb", ".json")))
    for name in files:
        path = os.path.join(corpus, name)
        needles = [f"{path}:{e}" for e in expectations(path)]
        if not needles:
            cases.append((name, None))
            continue
        cases.append((name, [(["validate", path], EXIT_BAD_SCENARIO, needles),
                             (["run", path, "-o", "{tmp}/out.h5"], EXIT_BAD_SCENARIO, needles)]))

    # --set problems, reported at the override
    set_cases = [
        ("set_index_past_end", ["--set", "courtyards[5].households=3"], EXIT_BAD_SCENARIO,
         ["--set[0]:1:12: courtyards[5]"]),
        ("set_not_a_number", ["--set", "run.steps=abc"], EXIT_BAD_SCENARIO, ["--set[0]:1:11: run.steps"]),
        ("set_value_out_of_range", ["--set", "courtyards[0].households=0"], EXIT_BAD_SCENARIO,
         ["--set[0]:1:26: courtyards[0].households"]),
        ("set_unknown_field_second", ["--set", "run.seed=3", "--set", "run.stepz=4"], EXIT_BAD_SCENARIO,
         ["--set[1]:1:5: run.stepz"]),
        ("set_malformed", ["--set", "foo"], EXIT_USAGE, []),
        # the byte 0xFF (a surrogate escape here: subprocess passes the raw byte)
        ("set_invalid_utf8", ["--set", "courtyards[0].name=A\udcff"], EXIT_BAD_SCENARIO,
         ["--set[0]:1:20: courtyards[0].name: not valid UTF-8"]),
        ("set_chinese_unknown_community", ["--set", "courtyards[0].community=牛沙路"], EXIT_BAD_SCENARIO,
         ['--set[0]:1:25: courtyards[0].community: unknown community "牛沙路"']),
    ]
    for name, extra, code, needles in set_cases:
        cases.append((name, [(["validate", valid] + extra, code, needles),
                             (["run", valid, "-o", "{tmp}/out.h5"] + extra, code, needles)]))

    generated = tempfile.TemporaryDirectory(prefix="courtyard_generated_")
    for name, file_name, content, code, needles, absent in generated_cases(generated.name):
        path = os.path.join(generated.name, file_name)
        with open(path, "wb") as f:
            f.write(content)
        needles = [n.replace("FILE", path) for n in needles]
        cases.append((name, [(["validate", path], code, needles, absent),
                             (["run", path, "-o", "{tmp}/out.h5"], code, needles, absent)]))

    passed = failed = 0
    for name, runs in cases:
        if runs is None:
            problems = ["no '# expect:' line"]
        else:
            problems = [p for args, code, needles, *absent in runs
                        for p in run_case(exe, args, code, needles, *absent)]
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print(f"     {p}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    generated.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
