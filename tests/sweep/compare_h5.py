"""Checks that HDF5 files have the same datasets with bit-identical values (attributes such as
ranks, threads and times may differ). usage: compare_h5.py REFERENCE OTHER..."""
import sys

import h5py
import numpy as np


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def same(a, b):
    if isinstance(a, np.ndarray):
        if a.dtype.kind == "f":
            return a.shape == b.shape and a.tobytes() == b.tobytes()
        return a.shape == b.shape and bool(np.all(a == b))
    return a == b


ref = datasets(sys.argv[1])
bad = 0
for other in sys.argv[2:]:
    got = datasets(other)
    if set(ref) != set(got):
        print(f"{other}: datasets differ: {sorted(set(ref) ^ set(got))}")
        bad += 1
        continue
    for name in sorted(ref):
        if not same(ref[name], got[name]):
            print(f"{other}: /{name} differs from {sys.argv[1]}")
            bad += 1
    print(f"{other}: {len(ref)} datasets, {'identical' if not bad else 'DIFFERENT'}")
sys.exit(1 if bad else 0)
