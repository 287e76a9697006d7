"""`zonesim export FILE.h5 --csv DIR [--force]`: tidy CSV files (UTF-8 with BOM, so that Excel
reads the Chinese text) for spreadsheets.

A run file gives indicators.csv, targets.csv, spending.csv, calibration.csv, parameters.csv and,
when the file holds one, firm_panel.csv. A sweep file gives experiments.csv and outcomes.csv (one
row per run: finished point x replication, as EMA Workbench's perform_experiments returns them)
and points.csv (one row per finished point: factor values and the per-point quantities).

All files are written to a temporary directory first and then moved into DIR, so DIR never holds a
partial set (common.write_outputs).
"""
from __future__ import annotations

import argparse
import io
import sys

import pandas as pd

from .common import EXIT_FAILED, EXIT_OK, OutputError, check_output_directory, fail, write_outputs
from .reader import Run, Sweep, ZonesimFileError, load


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


def sweep_tables(sw: Sweep) -> dict:
    experiments = sw.experiments()
    outcomes = sw.outcomes()
    keys = experiments[["point", "replication"]]
    points = experiments.loc[experiments["replication"] == 0, ["point"] + sw.factors].reset_index(drop=True)
    quantities = sw.point_quantities()
    for name, values in quantities.items():
        points[name] = values[points["point"].to_numpy()]
    return {
        "experiments.csv": experiments,
        "outcomes.csv": pd.concat([keys, outcomes], axis=1),
        "points.csv": points,
    }


def csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8-sig")


def main(argv=None) -> int:
    prog = "zonesim export"
    ap = argparse.ArgumentParser(prog=prog, description="Export a zonesim run or sweep file as tidy CSV files.")
    ap.add_argument("input", metavar="FILE.h5", help="zonesim run file, or sweep file (experiments and outcomes)")
    ap.add_argument("--csv", metavar="DIR", required=True, help="directory for the CSV files (created if missing)")
    ap.add_argument("-f", "--force", action="store_true", help="write into DIR even if it is not empty")
    args = ap.parse_args(argv)
    try:
        check_output_directory(args.csv, args.force)
        with load(args.input) as f:
            data = sweep_tables(f) if isinstance(f, Sweep) else tables(f)
    except (ZonesimFileError, OutputError) as exc:
        return fail(prog, str(exc))
    try:
        write_outputs(args.csv, {name: csv_bytes(df) for name, df in data.items()}, args.force)
    except OutputError as exc:
        return fail(prog, str(exc))
    except OSError as exc:
        return fail(prog, f"cannot write into {args.csv}: {exc.strerror or exc}; nothing was written", EXIT_FAILED)
    for name, df in data.items():
        print(f"wrote {args.csv.rstrip('/')}/{name} ({len(df)} rows)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
