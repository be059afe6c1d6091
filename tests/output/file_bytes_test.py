"""The result file's bytes: pinned, so that a change of how the writer works (its thread, its buffers,
the order in which it compresses) cannot change what it writes.

usage: file_bytes_test.py WRITE_SAMPLE_RUN_FILE WORK_DIR

Writes sample files through RunFile (tests/output/write_sample_run_file.cpp) and compares the SHA-256 of
each whole file with the digest pinned below. The digests were taken from the writer before it moved to a
thread of its own (commit aea8abc: every block buffered whole and written on the caller's thread), so
they say "the same bytes as before", not only "the same datasets". A sample file has fixed root
attributes (creation time, command line), so its bytes depend on nothing but the writer and the HDF5
library (Debian 12's 1.10.8; another version may lay a file out differently and fail here).

Each sample is written under the same name in its own folder (the command line is a root attribute),
and with the writer's buffers varied (COURTYARD_TEST_WRITER_BUFFERS: "sync" for no writer thread, or a
number of slab buffers) where the program supports it.
Each check prints PASS/FAIL; exit 1 on any failure.
"""
import hashlib
import os
import shutil
import subprocess
import sys

BIN, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

# name -> (options, SHA-256 of the file written at aea8abc)
SAMPLES = {
    # 7 courtyards, 3 metrics, blocks of 4 records, 11 records: two blocks and a partial one
    "small": (["--events"], "73596ac5dd6ef9046a54a5b0721e3b951c269452acf5978eaa169134fa41ea05"),
    "small_interleave": (["--events", "--interleave"],
                         "73596ac5dd6ef9046a54a5b0721e3b951c269452acf5978eaa169134fa41ea05"),
    "snapshots": (["--events", "--snapshots", "1,3", "--interleave"],
                  "02b9c659f5bd0e10a2eef296d1b3ef7312cf89090e4b039380623b4fa1abc65e"),
    "interrupted": (["--events", "--snapshots", "2", "--interleave", "--interrupt-at", "13"],
                    "24877ef04989eb57e214b6cce2dcf13ef99b822a47e4f25843bd7efa574e82de"),
    # 40 records in blocks of 13 (one (time, courtyard) chunk per block and metric), 52,000 events
    # written in buffers of 4096 between the blocks
    "blocks": (["--courtyards", "2000", "--metrics", "12", "--block", "13", "--steps", "156", "--every", "4",
                "--events", "--interleave"],
               "c229a3df83cff2f404bf41ff3997bb342a328a87d84c7ba521af6ae638c81b3b"),
    # 30,000 courtyards: a chunk holds 26 of a block's 52 records (the 4 MiB cap), so a block is written
    # from 2 slabs, the first compressed before the block is complete; the 78th record ends a partial
    # block that is one whole slab; 390,000 events
    "medium": (["--courtyards", "30000", "--metrics", "3", "--block", "52", "--steps", "77", "--every", "1",
                "--events", "--interleave", "--snapshots", "5"],
               "54520b625b5d669cc209fedf64d2856b2bd753e18086f69afabb9aa113add6a2"),
    # 300,000 courtyards: a chunk holds 3 of a block's 12 records, so a block is written from 4 slabs, 3 of
    # them compressed before the block is complete; 15 records end in a partial block of one whole slab
    "wide": (["--courtyards", "300000", "--metrics", "3", "--block", "12", "--steps", "14", "--every", "1",
              "--events", "--interleave", "--snapshots", "5"],
             "26d56bcae8bb88dd3ceb2cb5c2c57b9bc00dcc7aeb670f0ba96a8e6f576e5dbf"),
}
# the big samples with fewer buffer settings (time)
ONLY = {"wide": ["default", "1"], "medium": ["default", "1", "sync"]}
# the writer's buffers tried for every sample: the default (a writer thread, one slab and a quarter),
# one slab (the caller waits for each), one slab and one spare record, many slabs, and no writer thread
BUFFERS = ["default", "1", "1+1", "5", "sync"]

failures = 0
for name, (options, pinned) in SAMPLES.items():
    for buffers in ONLY.get(name, BUFFERS):
        folder = os.path.join(WORK, f"{name}-{buffers}")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        env = dict(os.environ)
        if buffers != "default":
            env["COURTYARD_TEST_WRITER_BUFFERS"] = buffers
        r = subprocess.run([BIN, "sample.h5", *options], cwd=folder, env=env, capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            print(f"FAIL {name} ({buffers}): exit {r.returncode}: {r.stderr.strip()}")
            failures += 1
            continue
        with open(os.path.join(folder, "sample.h5"), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        ok = got == pinned
        failures += not ok
        print(("PASS " if ok else "FAIL ") + f"{name} (buffers {buffers}): sha256 {got}" +
              ("" if ok else f", pinned {pinned}"))
        shutil.rmtree(folder, ignore_errors=True)
print(f"{sum(len(ONLY.get(n, BUFFERS)) for n in SAMPLES) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
