"""Runs the R example of docs/output.md ("### R: hdf5r") as written, on a demo run in a temporary
directory (the example reads out/demo.h5), and checks what it prints against h5py. Exit 77 (ctest:
skipped) only where Rscript is absent."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py

SOURCE_DIR = os.environ.get("ZONESIM_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
ZONESIM = os.environ.get("ZONESIM", os.path.join(SOURCE_DIR, "build", "sim", "zonesim"))


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


rscript = shutil.which("Rscript")
if not rscript:
    print("SKIPPED: R is absent (no Rscript on PATH); scripts/setup installs Debian's r-base-core and r-cran-hdf5r")
    sys.exit(77)

doc = open(os.path.join(SOURCE_DIR, "docs", "output.md"), encoding="utf-8").read()
m = re.search(r"### R: hdf5r\n.*?```r\n(.*?)```", doc, re.S)
if not m:
    fail('docs/output.md has no "### R: hdf5r" section with an ```r block')
example = m.group(1)

with tempfile.TemporaryDirectory(prefix="zonesim-r-") as tmp:
    os.makedirs(os.path.join(tmp, "out"))
    run = subprocess.run([ZONESIM, "run", os.path.join(SOURCE_DIR, "scenarios", "demo.yaml"), "-r", "20",
                          "-o", os.path.join(tmp, "out", "demo.h5"), "--quiet"], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"zonesim run failed: {run.stderr}")
    with open(os.path.join(tmp, "example.R"), "w", encoding="utf-8") as f:
        f.write(example)
    proc = subprocess.run([rscript, "example.R"], cwd=tmp, capture_output=True, text=True, timeout=240)
    print(proc.stdout)
    print(proc.stderr, file=sys.stderr)
    if proc.returncode != 0:
        if "there is no package called" in proc.stderr:
            fail("R is present but hdf5r is not: run scripts/setup (Debian's r-cran-hdf5r)")
        fail(f"Rscript exited {proc.returncode}")
    out = proc.stdout
    with h5py.File(os.path.join(tmp, "out", "demo.h5"), "r") as f:
        go = f["indicators/gross_output"]
        shape = go.shape
        mean_all_last = float(go[-1, -1, :].mean())
        unit = go.attrs["unit"]
        ids = list(f["targets/id"].asstr()[:])
    checks = [
        ("format_version", r"^\[1\] 1$"),
        ("dims reversed (R x Z x Y)", rf"^\[1\] {shape[2]} +{shape[1]} +{shape[0]}$"),
        ("the unit of gross_output", rf'^\[1\] "{unit}"$'),
    ]
    for what, pattern in checks:
        if not re.search(pattern, out, re.M):
            fail(f"the R example does not print {what} ({pattern!r})")
    means = [float(x) for x in re.findall(r"^\[1\] ([0-9.]+)$", out, re.M)]
    if not any(abs(x - mean_all_last) <= 1e-6 * abs(mean_all_last) + 1e-4 for x in means):
        fail(f"no printed mean equals h5py's {mean_all_last} (printed: {means})")
    for target_id in ids:
        if not re.search(rf"^\d+ +{target_id} ", out, re.M):
            fail(f"the targets table lacks {target_id}")
    if not re.search(r"^\d+ +0 +north +2020 +300$", out, re.M):
        fail("the long table does not start with replication 0, north, 2020, 300")
print("OK: the R example of docs/output.md reads the indicators, their units and the targets")
