"""Compares result files dataset by dataset: every dataset must hold identical bytes.

Attributes that record the invocation (created_utc, command_line, history) and, in a sweep's run files,
whose file it is (sweep_design, sweep_run: a plain run has none) may differ; all others must match.
usage: compare_runs.py A.h5 B.h5 [C.h5 ...]   (exit 1 on any difference)
"""
import sys

import h5py
import numpy as np

VOLATILE_ATTRS = {"created_utc", "command_line", "history", "sweep_design", "sweep_run"}


def as_bytes(value):
    """The stored bytes of a dataset's value; variable-length strings by their contents."""
    if isinstance(value, bytes):
        return value
    arr = np.asarray(value)
    if arr.dtype == object:
        return b"\0".join(v if isinstance(v, bytes) else str(v).encode() for v in arr.ravel())
    return arr.tobytes()


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main(paths):
    failures, checked = [], 0
    with h5py.File(paths[0], "r") as ref:
        ref_sets = datasets(ref)
        ref_attrs = {k: ref.attrs[k] for k in ref.attrs if k not in VOLATILE_ATTRS}
        for other_path in paths[1:]:
            with h5py.File(other_path, "r") as other:
                other_sets = datasets(other)
                if set(ref_sets) != set(other_sets):
                    failures.append(f"{other_path}: datasets differ: {sorted(set(ref_sets) ^ set(other_sets))}")
                for name in sorted(set(ref_sets) & set(other_sets)):
                    a_bytes, b_bytes = as_bytes(ref_sets[name][()]), as_bytes(other_sets[name][()])
                    checked += 1
                    if a_bytes != b_bytes:
                        failures.append(f"{other_path}: /{name} differs")
                for k, v in ref_attrs.items():
                    if k not in other.attrs or not np.array_equal(np.asarray(v), np.asarray(other.attrs[k])):
                        failures.append(f"{other_path}: root attribute {k} differs")
    for f in failures:
        print("DIFF", f)
    print(f"compared {checked} datasets across {len(paths)} files")
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
