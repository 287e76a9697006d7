"""Helpers of the zonesim package tests: the real zonesim binary, the demo scenario, temp dirs."""
import os
import subprocess
import sys
import tempfile

SOURCE_DIR = os.environ.get("ZONESIM_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
ZONESIM = os.environ.get("ZONESIM", os.path.join(SOURCE_DIR, "build", "sim", "zonesim"))
DEMO = os.path.join(SOURCE_DIR, "scenarios", "demo.yaml")
COMPARE_H5 = os.path.join(SOURCE_DIR, "tests", "sweep", "compare_h5.py")  # every dataset, strings too

if os.path.join(SOURCE_DIR, "analysis") not in sys.path:
    sys.path.insert(0, os.path.join(SOURCE_DIR, "analysis"))


def zonesim(*args, check=True, env=None, cwd=None):
    """Runs the zonesim binary; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([ZONESIM, *args], capture_output=True, text=True, timeout=240, env=env, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"zonesim {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def tempdir(prefix):
    return tempfile.TemporaryDirectory(prefix=prefix)
