#!/usr/bin/python3
"""Compares two zonesim HDF5 files dataset by dataset (docs/performance.md: every optimisation
must leave `zonesim run scenarios/demo.yaml -r 20` bit-identical).
   benchmarks/compare_h5.py A.h5 B.h5   -> exit 0 when every numeric dataset is bit-identical
Provenance (times, command line, threads) and strings are skipped."""
import sys
import h5py
import numpy as np

SKIP = ("provenance",)


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        da, db = datasets(a), datasets(b)
        bad = 0
        checked = 0
        for name in sorted(set(da) | set(db)):
            if any(name.startswith(s) for s in SKIP):
                continue
            if name not in da or name not in db:
                print(f"only in one file: {name}")
                bad += 1
                continue
            x, y = da[name][()], db[name][()]
            if not isinstance(x, np.ndarray) or x.dtype.kind not in "fiub":
                continue
            checked += 1
            if x.shape != y.shape:
                print(f"{name}: shape {x.shape} vs {y.shape}")
                bad += 1
            elif x.tobytes() != y.tobytes():
                with np.errstate(all="ignore"):
                    rel = np.nanmax(np.abs(x.astype(float) - y.astype(float)) / np.maximum(np.abs(x.astype(float)), 1e-300))
                print(f"{name}: differs (max relative difference {rel:.3g})")
                bad += 1
        print(f"{checked} numeric datasets compared, {bad} differ")
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
