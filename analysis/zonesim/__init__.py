"""zonesim from Python: load a scenario, run it in process, get pandas and xarray objects.

    import zonesim
    sc = zonesim.load("scenarios/qingyuan-hightech-2025.yaml")
    res = sc.run(replications=200, seed=7, set={"levers.rd_subsidy_rate": "30 %"}, threads=2)
    res.targets          # pandas DataFrame, one row per target (as /targets of the run file)
    res.indicators       # xarray.Dataset, dims (year, zone, replication), unit/label attributes
    res.to_hdf5("out/rd30.h5")   # the file `zonesim run` writes, bit-identical datasets

The engine is the compiled module zonesim._core (built by CMake into this folder: scripts/build);
it runs the same loader, ensemble and writer as `zonesim run`, with the GIL released. Bad input
raises ZonesimError (a ValueError) with the command's located messages. See docs/python.md.
"""
from __future__ import annotations

import shlex
from typing import Iterable, Mapping

try:
    from . import _core
except ImportError as e:  # the package is importable for zonesim_analysis users without the engine
    raise ImportError(
        "zonesim's compiled engine (zonesim/_core*.so) is missing or does not load: build it with "
        "scripts/build (CMake target zonesim_python, needs Debian's pybind11-dev and python3-dev; "
        f"scripts/setup installs them), then reinstall the package if you installed it ({e})") from e

__all__ = ["ZonesimError", "Scenario", "Result", "SweepResult", "load", "sweep", "open_indicators",
           "indicator_info", "__version__"]
__version__ = _core.version

ZonesimError = _core.ZonesimError
ZonesimError.__module__ = "zonesim"
ZonesimError.__doc__ = ("Bad input (a scenario or --set error, a bad argument): a ValueError whose message is "
                        "the text `zonesim run` prints; `.diagnostics` lists them as dicts (file, line, "
                        "column, key_path, message, hint).")


def _value_text(value) -> str:
    """A --set value as the command line would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _overrides(items) -> list[str]:
    """`{"levers.rd_subsidy_rate": "30 %"}` or `["levers.rd_subsidy_rate=30 %"]` -> ["key=value", ...]."""
    if items is None:
        return []
    if isinstance(items, str):
        raise TypeError('set= takes a dict such as {"levers.rd_subsidy_rate": "30 %"} or a list of '
                        '"key=value" strings, not a single string')
    if isinstance(items, Mapping):
        return [f"{k}={_value_text(v)}" for k, v in items.items()]
    return [str(x) for x in items]


def indicator_info() -> "pandas.DataFrame":
    """Every indicator: key, unit, label_en, label_zh (the order of /indicators)."""
    import pandas as pd
    return pd.DataFrame(_core.indicators(), columns=["key", "unit", "label_en", "label_zh"])


class Scenario:
    """A validated scenario file (with overrides). Its attributes come from the resolved scenario:
    name, title_en, title_zh, file, replications, seed, base_year, end_year, zones, targets."""

    def __init__(self, path: str, overrides: list[str]):
        self.path = str(path)
        self.overrides = list(overrides)
        self._info = _core.load(self.path, self.overrides)
        for k, v in self._info.items():
            if k != "text":
                setattr(self, k, v)

    @property
    def text(self) -> str:
        """The scenario YAML as merged (extends resolved, overrides applied)."""
        return self._info["text"]

    def __repr__(self):
        return (f"<zonesim.Scenario {self.name!r} {self.base_year}-{self.end_year}, "
                f"{self.replications} replications, seed {self.seed}, zones {self.zones}>")

    def run(self, replications: int | None = None, seed: int | None = None,
            set: Mapping | Iterable[str] | None = None, threads: int = 0,
            firm_panel: Iterable[int] | None = None) -> "Result":
        """Runs the scenario as `zonesim run PATH --set K=V ... -r REPLICATIONS -s SEED --threads
        THREADS` does (same overrides in the same order, bit-identical results; the scenario file
        is read again, like the command does). threads=0 uses every core; results do not depend on
        it. firm_panel: replication numbers whose firm-level panel is kept (as --firm-panel)."""
        overrides = self.overrides + _overrides(set)
        argv = ["zonesim", "run", self.path] + [a for o in overrides for a in ("--set", o)]
        if replications is not None:
            if int(replications) < 1:
                raise ZonesimError("replications must be at least 1")
            overrides.append(f"replications={int(replications)}")
            argv += ["-r", str(int(replications))]
        if seed is not None:
            if int(seed) < 0:
                raise ZonesimError("seed must be 0 or more")
            overrides.append(f"seed={int(seed)}")
            argv += ["--seed", str(int(seed))]
        argv += ["--threads", str(int(threads))]
        panel = sorted({int(r) for r in firm_panel}) if firm_panel is not None else []
        if panel:
            argv += ["--firm-panel", ",".join(map(str, panel))]
        # The provenance written by to_hdf5: the equivalent command line, marked as Python.
        command = "python: " + " ".join(shlex.quote(a) for a in argv)
        return Result(_core.run(self.path, overrides, int(threads), panel, command))


def load(path: str, set: Mapping | Iterable[str] | None = None) -> Scenario:
    """Loads and validates a scenario file (as `zonesim validate`); raises ZonesimError with the
    located messages when it is invalid. set= overrides apply to every run of it."""
    return Scenario(path, _overrides(set))


class Result:
    """One ensemble run: targets (DataFrame), indicators (xarray.Dataset), table, to_hdf5()."""

    def __init__(self, core):
        self._core = core
        self._targets = None
        self._indicators = None
        info = core.scenario
        self.scenario_name = info["name"]
        self.replications = core.replications
        self.seed = info["seed"]
        self.years = list(core.years)
        self.zones = list(info["zones"]) + ["all"]
        self.threads = core.threads
        self.seconds = core.seconds

    def __repr__(self):
        return (f"<zonesim.Result {self.scenario_name!r} {self.replications} replications, seed {self.seed}, "
                f"{self.seconds:.2f} s>")

    @property
    def table(self) -> str:
        """The target table `zonesim run` prints."""
        return self._core.table()

    @property
    def targets(self) -> "pandas.DataFrame":
        """One row per target (columns as /targets of the run file: id, kind, indicator, zone,
        comparison, value, unit, year, mean, p05, p50, p95, probability, label_en, label_zh,
        source), values in the target's unit."""
        if self._targets is None:
            import pandas as pd
            cols = self._core.target_table()
            cols.pop("values")
            cols.pop("met")
            self._targets = pd.DataFrame(cols)
        return self._targets

    def target_values(self) -> "pandas.DataFrame":
        """Per replication: one row per replication, one column per target id (target's unit)."""
        import pandas as pd
        cols = self._core.target_table()
        return pd.DataFrame(cols["values"].T, columns=cols["id"]).rename_axis("replication")

    def target_met(self) -> "pandas.DataFrame":
        """Per replication: True where the replication meets the target (one column per target)."""
        import pandas as pd
        cols = self._core.target_table()
        return pd.DataFrame(cols["met"].T.astype(bool), columns=cols["id"]).rename_axis("replication")

    def indicator(self, key: str):
        """One indicator as a numpy array [year, zone, replication] in its display unit."""
        return self._core.indicator(key)

    @property
    def indicators(self) -> "xarray.Dataset":
        """Every indicator, dims (year, zone, replication); attributes unit, label_en, label_zh;
        coordinates year, zone (ids, last "all"), replication, zone_name_en, zone_name_zh."""
        if self._indicators is None:
            import numpy as np
            import xarray as xr
            info = self._core.scenario
            data = {}
            for key, unit, en, zh in _core.indicators():
                data[key] = (("year", "zone", "replication"), self._core.indicator(key),
                             {"unit": unit, "label_en": en, "label_zh": zh})
            coords = {
                "year": np.asarray(self.years, dtype=np.int32),
                "zone": np.asarray(self.zones, dtype=object),
                "replication": np.arange(self.replications, dtype=np.int32),
                "zone_name_en": ("zone", np.asarray(list(info["zone_names_en"]) + ["All zones"], dtype=object)),
                "zone_name_zh": ("zone", np.asarray(list(info["zone_names_zh"]) + ["全部园区"], dtype=object)),
            }
            attrs = {"scenario_name": info["name"], "seed": info["seed"], "replications": self.replications,
                     "base_year": info["base_year"], "end_year": info["end_year"]}
            self._indicators = xr.Dataset(data, coords=coords, attrs=attrs)
        return self._indicators

    def to_hdf5(self, path: str, force: bool = False) -> str:
        """Writes the run file `zonesim run` writes (docs/output.md): atomically, refusing to
        overwrite without force=True (ZonesimError). Returns the path."""
        self._core.to_hdf5(str(path), bool(force))
        return str(path)


class SweepResult:
    """A finished sweep file: path, report (the summary `zonesim sweep` prints), points,
    replications, seed, design, seconds; load() reads it with zonesim_analysis."""

    def __init__(self, info: dict):
        self.__dict__.update(info)

    def __repr__(self):
        return (f"<zonesim.SweepResult {self.name!r} design {self.design}, {self.points} points x "
                f"{self.replications} replications, {self.seconds:.2f} s, {self.path}>")

    def load(self):
        """The sweep file as zonesim_analysis reads it (zonesim_analysis.sweep.load_sweep)."""
        from zonesim_analysis.sweep import load_sweep
        return load_sweep(self.path)


def sweep(path: str, output: str | None = None, threads: int = 0, force: bool = False,
          resume: bool = False, optimize: bool = False) -> SweepResult:
    """Runs a sweep file as `zonesim sweep PATH -o OUTPUT` does (`zonesim optimize` with
    optimize=True), in process with the GIL released: the same points, seed and file
    (docs/sweeps.md), default output out/<name>.h5. Points run one after the other, each with its
    replications on `threads` threads. Ctrl-C stops it with the finished points kept in the
    journal; resume=True continues. Bad input raises ZonesimError."""
    argv = ["zonesim", "optimize" if optimize else "sweep", str(path)]
    if output is not None:
        argv += ["-o", str(output)]
    argv += ["--threads", str(int(threads))] + (["--force"] if force else []) + (["--resume"] if resume else [])
    command = "python: " + " ".join(shlex.quote(a) for a in argv)
    return SweepResult(_core.sweep(str(path), "" if output is None else str(output), int(threads), bool(force),
                                   bool(resume), bool(optimize), command))


def open_indicators(path: str) -> "xarray.Dataset":
    """The indicators of a run file as an xarray.Dataset with labelled dims: xarray (h5netcdf
    engine) reads /indicators with the dimension scales of /dims and takes the coordinates from
    /dims. Equivalent to Result.indicators for the file to_hdf5 wrote."""
    import xarray as xr
    with xr.open_dataset(path, engine="h5netcdf", group="dims") as dims:
        coords = dims[["year", "zone", "replication", "zone_name_en", "zone_name_zh"]].load()
    with xr.open_dataset(path, engine="h5netcdf", group="indicators") as ind:
        return ind.load().assign_coords(coords.coords).assign_coords(
            zone_name_en=coords.zone_name_en, zone_name_zh=coords.zone_name_zh)
