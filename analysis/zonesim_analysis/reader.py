"""Read zonesim HDF5 output files (layout v1, docs/output.md) into pandas DataFrames.

    >>> from zonesim_analysis import load
    >>> with load("out/demo.h5") as run:
    ...     ind = run.indicators(["gross_output", "rd_to_gdp"])   # tidy long format
    ...     run.targets()                                          # one row per target

Every table is tidy (one observation per row) and carries the unit of its values. Values are in
the display units the file stores them in (亿元, %, mu, 万元/亩, tce, tce/万元, count, 1).
"""
from __future__ import annotations

import json
import os
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

FORMAT_VERSION = 1

# The indicators a report or a comparison shows first (all exist in layout v1).
KEY_INDICATORS = [
    "gross_output",
    "value_added",
    "rd_expenditure",
    "rd_to_gdp",
    "firms",
    "above_size_firms",
    "hightech_firms",
    "hightech_share_above_size",
    "hightech_output_share",
    "employment",
    "output_per_mu",
    "tax_revenue",
    "land_available",
    "energy_per_output",
    "budget_balance",
    "evaluation_index",
]


class ZonesimFileError(Exception):
    """The file is missing, not HDF5, not a zonesim output file, or of another format version."""


def _h5py():
    try:
        import h5py  # noqa: WPS433 - imported lazily so that error messages stay friendly
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ZonesimFileError(
            "h5py is not installed for this Python; use Debian's /usr/bin/python3 with python3-h5py"
        ) from exc
    return h5py


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _number(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


class ZonesimFile:
    """A zonesim HDF5 file opened read-only (a run or a sweep). Subclasses check the kind in
    `_check` and read what they need in `_read`; bad input raises ZonesimFileError. Use as a
    context manager or call close()."""

    def __init__(self, path: str):
        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise ZonesimFileError(f"{self.path}: no such file")
        if os.path.isdir(self.path):
            raise ZonesimFileError(f"{self.path} is a directory, not a zonesim output file")
        h5py = _h5py()
        if not h5py.is_hdf5(self.path):
            raise ZonesimFileError(f"{self.path} is not an HDF5 file (zonesim writes .h5 files with `zonesim run`)")
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as exc:
            raise ZonesimFileError(f"{self.path}: cannot open ({exc})") from exc
        try:
            self.meta = {k: (_text(v) if isinstance(v, (bytes, str)) else _number(v))
                         for k, v in self._f.attrs.items()}
            self._check()
            self._read()
        except ZonesimFileError:
            self._f.close()
            raise
        except (KeyError, ValueError) as exc:
            self._f.close()
            raise ZonesimFileError(f"{self.path}: damaged or incomplete zonesim file ({exc})") from exc

    def _check_version(self) -> None:
        version = int(self._f.attrs["format_version"])
        if version != FORMAT_VERSION:
            raise ZonesimFileError(
                f"{self.path} has format_version {version}; this zonesim_analysis reads format_version "
                f"{FORMAT_VERSION} (use the zonesim release that wrote the file)"
            )
        self.format_version = version

    def _check(self) -> None:
        raise NotImplementedError

    def _read(self) -> None:
        raise NotImplementedError

    def _strings(self, name: str) -> list:
        if name not in self._f:
            return []
        ds = self._f[name]
        if ds.shape == (0,):
            return []
        return [_text(x) for x in ds.asstr()[()]]

    def close(self) -> None:
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def h5(self):
        """The underlying h5py.File (read-only)."""
        return self._f


class Run(ZonesimFile):
    """One zonesim run file (`zonesim run`)."""

    def _check(self) -> None:
        if "format_version" not in self._f.attrs or "indicators" not in self._f:
            raise ZonesimFileError(
                f"{self.path} is an HDF5 file but not a zonesim output file (no format_version attribute)"
            )
        self._check_version()

    def _read(self) -> None:
        self._read_dims()

    def _read_dims(self) -> None:
        f = self._f
        self.years = [int(y) for y in f["dims/year"][()]]
        self.replications = [int(r) for r in f["dims/replication"][()]]
        self.zones = self._strings("dims/zone")
        self.zone_names_zh = self._strings("dims/zone_name_zh") or list(self.zones)
        self.zone_names_en = self._strings("dims/zone_name_en") or list(self.zones)
        self.sectors = self._strings("dims/sector")
        self.sector_names_zh = self._strings("dims/sector_name_zh") or list(self.sectors)
        self.spending_keys = self._strings("dims/spending") or sorted(f["spending"].keys())
        self.indicator_keys = list(f["indicators"].keys())
        self.kind = self.meta.get("kind", "run")

    # ---- descriptions ----------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return int(self.meta.get("seed", 0))

    @property
    def base_year(self) -> int:
        return self.years[0]

    @property
    def end_year(self) -> int:
        return self.years[-1]

    @property
    def scenario_name(self) -> str:
        return str(self.meta.get("scenario_name", ""))

    def title(self, lang: str = "en") -> str:
        t = self.meta.get("title_zh" if lang == "zh" else "title_en", "")
        return t or self.meta.get("title_en", "") or self.scenario_name

    def zone_name(self, zone: str, lang: str = "en") -> str:
        names = self.zone_names_zh if lang == "zh" else self.zone_names_en
        return names[self.zones.index(zone)]

    def provenance(self) -> dict:
        """Version, git revision, seed, threads, ranks, times and command line, as stored."""
        keys = [
            "scenario_name", "title_en", "title_zh", "kind", "format_version", "zonesim_version",
            "git_revision", "seed", "replications", "base_year", "end_year", "threads", "ranks",
            "started_at", "finished_at", "command_line",
        ]
        out = {k: self.meta[k] for k in keys if k in self.meta}
        out["file"] = self.path
        if "scenario" in self._f and "file" in self._f["scenario"].attrs:
            out["scenario_file"] = _text(self._f["scenario"].attrs["file"])
        return out

    def scenario_text(self) -> str:
        return _text(self._f["scenario/text"][()]) if "scenario/text" in self._f else ""

    def resolved_scenario(self) -> dict:
        if "scenario/resolved" not in self._f:
            return {}
        return json.loads(_text(self._f["scenario/resolved"][()]))

    def indicator_info(self) -> pd.DataFrame:
        """indicator, unit, label_en, label_zh for every indicator in the file."""
        rows = []
        for k in self.indicator_keys:
            a = self._f["indicators"][k].attrs
            rows.append({
                "indicator": k,
                "unit": _text(a.get("unit", "1")),
                "label_en": _text(a.get("label_en", k)),
                "label_zh": _text(a.get("label_zh", k)),
            })
        return pd.DataFrame(rows, columns=["indicator", "unit", "label_en", "label_zh"])

    def unit(self, indicator: str) -> str:
        return _text(self._f["indicators"][indicator].attrs.get("unit", "1"))

    def label(self, indicator: str, lang: str = "en") -> str:
        a = self._f["indicators"][indicator].attrs
        return _text(a.get("label_zh" if lang == "zh" else "label_en", indicator))

    def spending_label(self, key: str, lang: str = "en") -> str:
        a = self._f["spending"][key].attrs
        return _text(a.get("label_zh" if lang == "zh" else "label_en", key))

    # ---- arrays ----------------------------------------------------------------------------

    def indicator_array(self, indicator: str) -> np.ndarray:
        """Values of one indicator as an array [year, zone, replication]."""
        if indicator not in self._f["indicators"]:
            raise KeyError(f"no indicator {indicator!r} in {self.path}")
        return self._f["indicators"][indicator][()]

    def spending_array(self, key: str) -> np.ndarray:
        return self._f["spending"][key][()]

    # ---- tidy tables -----------------------------------------------------------------------

    def _tidy3(self, arrays: dict, name_col: str, units: dict) -> pd.DataFrame:
        Y, Z, R = len(self.years), len(self.zones), len(self.replications)
        n = Y * Z * R
        year = np.repeat(np.asarray(self.years, dtype=np.int32), Z * R)
        zone = np.tile(np.repeat(np.asarray(self.zones, dtype=object), R), Y)
        rep = np.tile(np.asarray(self.replications, dtype=np.int32), Y * Z)
        frames = []
        for key, arr in arrays.items():
            frames.append(pd.DataFrame({
                "year": year,
                "zone": zone,
                "replication": rep,
                name_col: np.full(n, key, dtype=object),
                "value": np.asarray(arr, dtype=float).reshape(n),
                "unit": np.full(n, units[key], dtype=object),
            }))
        if not frames:
            return pd.DataFrame(columns=["year", "zone", "replication", name_col, "value", "unit"])
        return pd.concat(frames, ignore_index=True)

    def indicators(self, indicators: Optional[Iterable[str]] = None,
                   zones: Optional[Sequence[str]] = None,
                   years: Optional[Sequence[int]] = None) -> pd.DataFrame:
        """Tidy table: year, zone, replication, indicator, value, unit (zone "all" = all zones)."""
        keys = list(indicators) if indicators is not None else list(self.indicator_keys)
        for k in keys:
            if k not in self._f["indicators"]:
                raise KeyError(f"no indicator {k!r} in {self.path}; known: {', '.join(self.indicator_keys)}")
        df = self._tidy3({k: self.indicator_array(k) for k in keys}, "indicator", {k: self.unit(k) for k in keys})
        if zones is not None:
            df = df[df["zone"].isin(list(zones))]
        if years is not None:
            df = df[df["year"].isin(list(years))]
        return df.reset_index(drop=True)

    def spending(self) -> pd.DataFrame:
        """Tidy table of lever spending: year, zone, replication, lever, value, unit (亿元)."""
        keys = [k for k in self.spending_keys if k in self._f["spending"]]
        units = {k: _text(self._f["spending"][k].attrs.get("unit", "亿元")) for k in keys}
        return self._tidy3({k: self.spending_array(k) for k in keys}, "lever", units)

    def sector_output(self) -> pd.DataFrame:
        """Tidy table: year, zone, sector, replication, value, unit (亿元)."""
        arr = self._f["sector_output"][()]
        Y, Z, S, R = arr.shape
        idx = pd.MultiIndex.from_product(
            [self.years, self.zones, self.sectors, self.replications],
            names=["year", "zone", "sector", "replication"])
        df = pd.DataFrame({"value": arr.reshape(-1)}, index=idx).reset_index()
        df["unit"] = _text(self._f["sector_output"].attrs.get("unit", "亿元"))
        return df

    def targets(self) -> pd.DataFrame:
        """One row per target: id, kind, indicator, zone, comparison, value, unit, year, mean,
        p05, p50, p95, probability (share of replications, 0-1), labels and source."""
        g = self._f["targets"]
        cols = ["id", "kind", "indicator", "zone", "comparison", "value", "unit", "year",
                "mean", "p05", "p50", "p95", "probability", "label_en", "label_zh", "source"]
        data = {}
        for c in cols:
            if c not in g:
                data[c] = []
            elif g[c].dtype.kind in "OS":
                data[c] = self._strings(f"targets/{c}")
            else:
                data[c] = g[c][()]
        n = len(data["id"])
        for extra in ("cluster_threshold", "top_n"):
            data[extra] = g[extra][()] if extra in g else np.zeros(n)
        df = pd.DataFrame({k: (v if len(v) == n else [None] * n) for k, v in data.items()})
        if n:
            df["year"] = df["year"].astype(int)
            df["top_n"] = df["top_n"].astype(int)
        return df

    def target_values(self) -> pd.DataFrame:
        """Per replication: target, replication, value (unit of the target), met (bool)."""
        g = self._f["targets"]
        ids = self._strings("targets/id")
        if not ids:
            return pd.DataFrame(columns=["target", "replication", "value", "met"])
        values = g["values"][()]
        met = g["met"][()].astype(bool)
        R = values.shape[1]
        return pd.DataFrame({
            "target": np.repeat(np.asarray(ids, dtype=object), R),
            "replication": np.tile(np.asarray(self.replications[:R]), len(ids)),
            "value": values.reshape(-1),
            "met": met.reshape(-1),
        })

    def calibration(self) -> pd.DataFrame:
        """Base-year calibration fit: zone, item, unit, stated, generated_mean, relative_error
        (generated mean / stated - 1; 0 where nothing was stated)."""
        g = self._f["calibration"]
        items = self._strings("calibration/item")
        units = self._strings("calibration/unit")
        zones = self.zones[:-1] if self.zones and self.zones[-1] == "all" else self.zones
        stated, mean, rel = g["stated"][()], g["generated_mean"][()], g["relative_error"][()]
        rows = []
        for zi, z in enumerate(zones):
            for ci, item in enumerate(items):
                rows.append({"zone": z, "item": item, "unit": units[ci], "stated": stated[zi, ci],
                             "generated_mean": mean[zi, ci], "relative_error": rel[zi, ci]})
        return pd.DataFrame(rows, columns=["zone", "item", "unit", "stated", "generated_mean", "relative_error"])

    def parameters(self) -> pd.DataFrame:
        """Parameter draws, tidy: replication, parameter, value, unit, uncertain (bool)."""
        g = self._f["parameters"]
        names = self._strings("parameters/name")
        units = self._strings("parameters/unit")
        unc = g["uncertain"][()].astype(bool)
        draws = g["draws"][()]
        R, P = draws.shape
        return pd.DataFrame({
            "replication": np.repeat(np.asarray(self.replications[:R]), P),
            "parameter": np.tile(np.asarray(names, dtype=object), R),
            "value": draws.reshape(-1),
            "unit": np.tile(np.asarray(units, dtype=object), R),
            "uncertain": np.tile(unc, R),
        })

    def parameter_draws(self) -> pd.DataFrame:
        """Wide table: one row per replication, one column per parameter."""
        names = self._strings("parameters/name")
        return pd.DataFrame(self._f["parameters/draws"][()], columns=names,
                            index=pd.Index(self.replications, name="replication"))

    def has_firm_panel(self) -> bool:
        return "firm_panel" in self._f and len(self._f["firm_panel"]) > 0

    def firm_panel(self) -> Optional[pd.DataFrame]:
        """Firm-year rows of the stored replications (None when the file has no firm panel):
        replication, year, firm, zone (id), sector (id), birth_year, exit_year (0: alive),
        output (万元), rd_intensity (%), land (mu), productivity, employment, hightech (bool)."""
        if not self.has_firm_panel():
            return None
        frames = []
        zones = np.asarray(self.zones, dtype=object)
        sectors = np.asarray(self.sectors, dtype=object)
        for name in sorted(self._f["firm_panel"].keys(), key=lambda s: int(s.rsplit("_", 1)[-1])):
            g = self._f["firm_panel"][name]
            cols = {k: g[k][()] for k in g.keys()}
            n = len(cols["year"])
            df = pd.DataFrame({"replication": np.full(n, int(name.rsplit("_", 1)[-1]), dtype=np.int32)})
            for k in ["year", "firm", "zone", "sector", "birth_year", "exit_year", "output",
                      "rd_intensity", "land", "productivity", "employment", "hightech"]:
                if k in cols:
                    df[k] = cols[k]
            if "zone" in df and len(zones):
                df["zone"] = zones[df["zone"].to_numpy()]
            if "sector" in df and len(sectors):
                df["sector"] = sectors[df["sector"].to_numpy()]
            if "hightech" in df:
                df["hightech"] = df["hightech"].astype(bool)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    # ---- helpers for charts and comparisons --------------------------------------------------

    def target_series(self, target: pd.Series) -> Optional[np.ndarray]:
        """Per-year values [year, replication] of the quantity a target is about, or None when it
        cannot be rebuilt from the file. Matches the engine's definition of each target kind."""
        kind = target["kind"]
        zone = target["zone"] if target["zone"] in self.zones else "all"
        zi = self.zones.index(zone)
        if kind in ("indicator", "change_from_base") and target["indicator"] in self.indicator_keys:
            arr = self.indicator_array(target["indicator"])[:, zi, :]
            if kind == "change_from_base":
                arr = arr - arr[0:1, :]
            return arr
        if kind == "clusters" and "cluster_threshold" in self._f["targets"] and target["cluster_threshold"] > 0:
            so = self._f["sector_output"][()]  # [Y, Z, S, R], 亿元
            zone_rows = range(len(self.zones) - 1) if zone == "all" else [zi]
            return sum((so[:, z, :, :] >= target["cluster_threshold"]).sum(axis=1) for z in zone_rows).astype(float)
        if kind == "zones_in_top" and target["top_n"] > 0 and "national_rank" in self.indicator_keys:
            nr = self.indicator_array("national_rank")
            zone_rows = range(len(self.zones) - 1) if zone == "all" else [zi]
            return sum((nr[:, z, :] <= target["top_n"]) for z in zone_rows).astype(float)
        return None


def load(path: str) -> Run:
    """Open a zonesim output file; raises ZonesimFileError with a clear message on bad input."""
    return Run(path)
