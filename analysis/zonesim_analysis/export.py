"""`zonesim export OUT.h5 --csv DIR [--force]`: tidy CSV files (UTF-8 with BOM, so that Excel
reads the Chinese text) for spreadsheets: indicators.csv, targets.csv, spending.csv,
calibration.csv, parameters.csv and, when the file holds one, firm_panel.csv."""
from __future__ import annotations

import argparse
import io
import os
import sys

from .common import EXIT_FAILED, EXIT_OK, atomic_write_bytes, fail
from .reader import Run, ZonesimFileError, load


def tables(run: Run) -> dict:
    out = {
        "indicators.csv": run.indicators(),
        "targets.csv": run.targets(),
        "spending.csv": run.spending(),
        "calibration.csv": run.calibration(),
        "parameters.csv": run.parameters(),
    }
    panel = run.firm_panel()
    if panel is not None:
        out["firm_panel.csv"] = panel
    return out


def write_csv(df, path: str) -> None:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))


def main(argv=None) -> int:
    prog = "zonesim export"
    ap = argparse.ArgumentParser(prog=prog, description="Export a zonesim output file as tidy CSV files.")
    ap.add_argument("input", metavar="OUT.h5", help="zonesim output file")
    ap.add_argument("--csv", metavar="DIR", required=True, help="directory for the CSV files (created if missing)")
    ap.add_argument("-f", "--force", action="store_true", help="write into DIR even if it is not empty")
    args = ap.parse_args(argv)
    d = args.csv
    if os.path.exists(d) and not os.path.isdir(d):
        return fail(prog, f"{d} exists and is not a directory")
    if os.path.isdir(d) and os.listdir(d) and not args.force:
        return fail(prog, f"directory {d} is not empty; pass --force to write into it")
    parent = os.path.dirname(os.path.abspath(d))
    if not os.path.isdir(parent):
        return fail(prog, f"parent directory {parent} does not exist")
    try:
        with load(args.input) as run:
            data = tables(run)
    except ZonesimFileError as exc:
        return fail(prog, str(exc))
    try:
        os.makedirs(d, exist_ok=True)
        for name, df in data.items():
            write_csv(df, os.path.join(d, name))
            print(f"wrote {os.path.join(d, name)} ({len(df)} rows)")
    except OSError as exc:
        return fail(prog, f"cannot write into {d}: {exc}", EXIT_FAILED)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
