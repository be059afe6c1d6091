"""A single run's checkpoint and journal left beside its complete result file (a process killed between the
final rename of OUT.h5 and the removal of OUT.h5.ckpt and OUT.h5.journal), planted as such a kill leaves
them, and what each command then does:

- `courtyard run --resume OUT.h5`: exit 0, says the run is complete and nothing is resumed, removes the
  leftover checkpoint and journal (said on stderr), and leaves OUT.h5 byte for byte as it was; a journal
  left without its checkpoint the same; with a scenario (--seed) that is not the checkpoint's, exit 65 and
  nothing touched; an unreadable checkpoint, exit 74 and nothing touched;
- `courtyard run` into OUT.h5 without --force: exit 73, naming the complete file and the leftover, nothing
  touched; with --force: the leftover's removal said on stderr, and the run starts over;
- a checkpoint of ANOTHER run beside the complete file (a run started with --force over it, killed): never
  removed as a leftover; `run` without --force refuses (73) naming --resume, --resume with the complete
  file's scenario refuses (65), --resume alone continues that run and says it replaces the complete file;
- `courtyard info OUT.h5` names the checkpoint beside the file and what it is.

A genuine checkpoint of a run is made with the test-only COURTYARD_TEST_NONFINITE=STEP (the run stops at that
record, marked failed, its last periodic checkpoint kept), copied aside, and the run resumed to completion.

usage: resume_complete_test.py COURTYARD SOURCE_DIR WORK_DIR
"""
import hashlib
import os
import shutil
import subprocess
import sys

import h5py

COURTYARD, SOURCE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SCENARIO = os.path.join(SOURCE, "scenarios", "demo_district.txtpb")
ARGS = [SCENARIO, "--steps", "30", "--set", "run.output.record_every=2", "--threads", "1", "--progress", "none"]
EVERY = "8"  # checkpoints at weeks 8, 16, 24
STOP = "26"  # the non-finite record that stops the first attempt: its last checkpoint is week 24

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {str(detail)[:800]}"))
    if not ok:
        failures.append(name)


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("COURTYARD_TEST_NONFINITE", None)
    e.update(env or {})
    return subprocess.run([COURTYARD, *args], capture_output=True, text=True, env=e, timeout=300)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def genuine_checkpoint(out, *extra):
    """Runs into `out` until the non-finite record at STOP, keeps copies of its checkpoint and journal
    (out.ckpt.saved, out.journal.saved), and resumes the run to completion; returns whether all went well."""
    r = run("run", *ARGS, *extra, "-o", out, "--checkpoint-every", EVERY, env={"COURTYARD_TEST_NONFINITE": STOP})
    ok = r.returncode == 70 and os.path.exists(out + ".ckpt") and os.path.exists(out + ".journal")
    check(f"{os.path.basename(out)}: the first attempt stops at week {STOP}, its checkpoint kept", ok,
          (r.returncode, r.stderr[-300:]))
    if not ok:
        return False
    with h5py.File(out + ".ckpt", "r") as c:
        check(f"{os.path.basename(out)}: the checkpoint is of week 24", int(c.attrs["step"]) == 24, int(c.attrs["step"]))
    shutil.copy(out + ".ckpt", out + ".ckpt.saved")
    shutil.copy(out + ".journal", out + ".journal.saved")
    r = run("run", "--resume", out)
    ok = r.returncode == 0 and not os.path.exists(out + ".ckpt") and not os.path.exists(out + ".journal")
    check(f"{os.path.basename(out)}: resumed to completion, its checkpoint and journal gone", ok,
          (r.returncode, r.stderr[-300:], os.listdir(os.path.dirname(out))))
    return ok


def plant(case, source, checkpoint=True, journal=True):
    """A fresh folder WORK/case holding done.h5 (a copy of `source`'s complete file) and, beside it, the
    checkpoint and journal saved from `source`'s run (a copy, as a kill after the final rename leaves them)."""
    d = os.path.join(WORK, case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    out = os.path.join(d, "done.h5")
    shutil.copy(DONE, out)
    if checkpoint:
        shutil.copy(source + ".ckpt.saved", out + ".ckpt")
    if journal:
        shutil.copy(source + ".journal.saved", out + ".journal")
    return out


def gone(out):
    return not os.path.exists(out + ".ckpt") and not os.path.exists(out + ".journal")


def kept(out):
    return os.path.exists(out + ".ckpt") and os.path.exists(out + ".journal")


def main():
    global DONE
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    DONE = os.path.join(WORK, "done.h5")
    other = os.path.join(WORK, "other.h5")  # another run (another seed): its checkpoint is foreign to DONE
    if not genuine_checkpoint(DONE) or not genuine_checkpoint(other, "--seed", "7"):
        print(f"{len(failures)} failed")
        return 1
    with h5py.File(DONE, "r") as f:
        check("the reference is complete", int(f.attrs["complete"]) == 1 and f.attrs["status"] == "complete")
        seed = str(int(f.attrs["seed"]))
    before = digest(DONE)

    # (a) --resume on a complete run with its own leftover checkpoint and journal
    out = plant("resume-leftover", DONE)
    r = run("run", "--resume", out)
    check("--resume, leftover: exit 0", r.returncode == 0, (r.returncode, r.stderr[-400:]))
    check("--resume, leftover: says the run is complete and nothing is resumed",
          f"{out} is complete: nothing to resume" in r.stdout and "resumed    at week" not in r.stdout,
          r.stdout[-400:])
    check("--resume, leftover: says it removed the checkpoint and journal, and why",
          f"removed {out}.ckpt" in r.stderr and f"{out}.journal" in r.stderr
          and "left by the run that wrote" in r.stderr, r.stderr[-400:])
    check("--resume, leftover: checkpoint and journal removed", gone(out), os.listdir(os.path.dirname(out)))
    check("--resume, leftover: the complete file's bytes unchanged (nothing redone)", digest(out) == before)
    check("--resume, leftover: no temporary left", not [n for n in os.listdir(os.path.dirname(out)) if ".tmp" in n],
          os.listdir(os.path.dirname(out)))

    # ... given as OUT.h5.ckpt, with --quiet: only the path on stdout
    out = plant("resume-leftover-quiet", DONE)
    r = run("run", "--resume", out + ".ckpt", "--quiet")
    check("--resume OUT.h5.ckpt --quiet, leftover: exit 0, the path only, files removed, bytes unchanged",
          r.returncode == 0 and r.stdout == out + "\n" and gone(out) and digest(out) == before,
          (r.returncode, r.stdout, r.stderr[-300:]))

    # ... a journal left alone (the kill fell between the checkpoint's removal and the journal's)
    out = plant("resume-journal-only", DONE, checkpoint=False)
    r = run("run", "--resume", out)
    check("--resume, a journal without its checkpoint: exit 0, removed (said), bytes unchanged",
          r.returncode == 0 and f"{out} is complete: nothing to resume" in r.stdout and f"removed {out}.journal" in
          r.stderr and gone(out) and digest(out) == before, (r.returncode, r.stdout[-200:], r.stderr[-300:]))

    # ... with a scenario that is not the checkpoint's: refused, nothing touched
    out = plant("resume-leftover-other-seed", DONE)
    r = run("run", *ARGS, "--seed", "999", "--resume", out)
    check("--resume --seed 999, leftover: exit 65, naming the checkpoint's scenario",
          r.returncode == 65 and "a checkpoint of scenario" in r.stderr, (r.returncode, r.stderr[-400:]))
    check("--resume --seed 999, leftover: checkpoint and journal kept, bytes unchanged",
          kept(out) and digest(out) == before)

    # ... an unreadable checkpoint: refused, nothing touched
    out = plant("resume-unreadable", DONE)
    with open(out + ".ckpt", "wb") as f:
        f.write(b"not a checkpoint")
    r = run("run", "--resume", out)
    check("--resume, unreadable checkpoint: exit 74, nothing touched",
          r.returncode == 74 and kept(out) and digest(out) == before, (r.returncode, r.stderr[-300:]))
    r = run("run", *ARGS, "-o", out)
    check("run without --force, unreadable checkpoint: exit 73, saying so, nothing touched",
          r.returncode == 73 and f"{out}.ckpt exists and cannot be read" in r.stderr and kept(out) and
          digest(out) == before, (r.returncode, r.stderr[-300:]))
    r = run("info", out)
    check("info, unreadable checkpoint: named as such",
          r.returncode == 0 and f"checkpoint  {out}.ckpt: cannot be read" in r.stdout, (r.returncode, r.stdout[-300:]))

    # (b) a fresh run into the complete file with its leftover
    out = plant("run-leftover", DONE)
    r = run("run", *ARGS, "-o", out)
    check("run without --force, leftover: exit 73", r.returncode == 73, (r.returncode, r.stderr[-400:]))
    check("run without --force, leftover: names the complete file, the leftover, --force and --resume",
          f"{out} exists: a complete run" in r.stderr and "--force" in r.stderr and
          f"courtyard run --resume {out}` removes" in r.stderr, r.stderr[-500:])
    check("run without --force, leftover: nothing touched", kept(out) and digest(out) == before)

    out = plant("run-force-leftover", DONE)
    r = run("run", *ARGS, "-o", out, "--force", "--checkpoint-every", EVERY)
    check("run --force, leftover: exit 0, the removal said on stderr",
          r.returncode == 0 and f"removed {out}.ckpt" in r.stderr and "--force starts the run over" in r.stderr,
          (r.returncode, r.stderr[-400:]))
    with h5py.File(out, "r") as f:
        check("run --force, leftover: a new complete run, no checkpoint left",
              int(f.attrs["complete"]) == 1 and gone(out), os.listdir(os.path.dirname(out)))

    out = plant("run-force-journal-only", DONE, checkpoint=False)
    r = run("run", *ARGS, "-o", out, "--force")
    check("run --force, a journal without its checkpoint: exit 0, removed and said",
          r.returncode == 0 and f"removed {out}.journal" in r.stderr and gone(out), (r.returncode, r.stderr[-400:]))

    # a checkpoint of another run (seed 7) beside the complete file: a run started with --force over it, killed
    out = plant("run-foreign", other)
    r = run("run", *ARGS, "-o", out)
    check("run without --force, another run's checkpoint: exit 73 naming --resume, nothing touched",
          r.returncode == 73 and f"courtyard run --resume {out}" in r.stderr and kept(out) and digest(out) == before,
          (r.returncode, r.stderr[-400:]))
    out = plant("resume-foreign-given", other)
    r = run("run", *ARGS, "--seed", seed, "--resume", out)
    check("--resume with the complete file's scenario, another run's checkpoint: exit 65, nothing touched",
          r.returncode == 65 and "a checkpoint of scenario" in r.stderr and kept(out) and digest(out) == before,
          (r.returncode, r.stderr[-400:]))
    out = plant("info-foreign", other)
    r = run("info", out)
    check("info, another run's checkpoint: named, and that --resume would replace this file",
          r.returncode == 0 and f"checkpoint  {out}.ckpt: week 24 of 30 of another run" in r.stdout and
          "replaces this file" in r.stdout, (r.returncode, r.stdout[-600:]))
    out = plant("resume-foreign", other)
    r = run("run", "--resume", out)
    check("--resume, another run's checkpoint: exit 0, resumed at week 24, saying it replaces the complete file",
          r.returncode == 0 and "resumed    at week 24" in r.stdout and
          f"{out} holds a complete run" in r.stderr and "resuming that run replaces it" in r.stderr,
          (r.returncode, r.stdout[-300:], r.stderr[-400:]))
    with h5py.File(out, "r") as f:
        check("--resume, another run's checkpoint: the file is now that run's, complete",
              int(f.attrs["complete"]) == 1 and int(f.attrs["seed"]) == 7 and gone(out), dict(f.attrs).get("seed"))

    # (c) info names what lies beside the file
    out = plant("info-leftover", DONE)
    r = run("info", out)
    check("info, leftover: exit 0, names the checkpoint and journal as the leftover of this run, and --resume",
          r.returncode == 0 and f"checkpoint  {out}.ckpt (week 24) and {out}.journal: left by the run that wrote "
          "this file" in r.stdout and f"`courtyard run --resume {out}` removes them" in r.stdout,
          (r.returncode, r.stdout[-600:]))
    check("info, leftover: nothing touched", kept(out) and digest(out) == before)
    out = plant("info-journal-only", DONE, checkpoint=False)
    r = run("info", out)
    check("info, a journal without its checkpoint: named",
          r.returncode == 0 and f"checkpoint  none; {out}.journal is left without one" in r.stdout,
          (r.returncode, r.stdout[-600:]))
    r = run("info", DONE)
    check("info, nothing beside: no checkpoint line",
          r.returncode == 0 and not any(line.startswith("checkpoint") for line in r.stdout.splitlines()),
          r.stdout[-400:])
    # an interrupted (here: failed) file with its checkpoint
    d = os.path.join(WORK, "info-failed")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    out = os.path.join(d, "failed.h5")
    r = run("run", *ARGS, "-o", out, "--checkpoint-every", EVERY, env={"COURTYARD_TEST_NONFINITE": STOP})
    r = run("info", out)
    check("info, a stopped run's own checkpoint: week and the resume command",
          r.returncode == 0 and f"checkpoint  {out}.ckpt: week 24 of 30 of this run; continue it with `courtyard "
          f"run --resume {out}`" in r.stdout, (r.returncode, r.stdout[-600:]))

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
