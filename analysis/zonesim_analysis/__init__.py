"""zonesim_analysis: read zonesim HDF5 output into pandas, draw charts, write reports.

Command-line entry points (also reached through the `zonesim` binary):
    python3 -m zonesim_analysis.report  FILE.h5 [-o report.html] [--lang zh|en] [--force] [--compare ALT.h5]
    python3 -m zonesim_analysis.compare BASE.h5 ALT.h5 [--csv FILE [--force]]
    python3 -m zonesim_analysis.export  FILE.h5 --csv DIR [--force]
"""
from .reader import FORMAT_VERSION, KEY_INDICATORS, Run, Sweep, ZonesimFileError, load, load_run, load_sweep

__all__ = ["FORMAT_VERSION", "KEY_INDICATORS", "Run", "Sweep", "ZonesimFileError", "load", "load_run", "load_sweep"]
__version__ = "0.1.0"
