"""The policy a run simulated: every lever's value in every year, region-wide and per zone, read
from the file's resolved scenario (/scenario/resolved, canonical units), and what differs from the
root scenario (the last file of the `extends:` chain, /scenario/source_texts, with the registry's
defaults for what it leaves out): the settings a variant file or `--set` changed."""
from __future__ import annotations

import re
import shlex
from typing import Dict, List, Optional

import pandas as pd

from . import labels

_UNITS = {  # unit -> factor to canonical (yuan, mu, fraction, tce/万元)
    "%": 0.01, "percent": 0.01, "亿元": 1e8, "万元": 1e4, "元": 1.0, "yuan": 1.0, "cny": 1.0, "bncny": 1e9,
    "mu": 1.0, "亩": 1.0, "ha": 15.0, "km2": 1500.0, "万元/亩": 1e4, "元/亩": 1.0, "yuan/mu": 1.0,
    "tce/万元": 1.0, "tce": 1.0, "万tce": 1e4, "years": 1.0, "year": 1.0,
}


def _quantity(value, key: str) -> Optional[float]:
    """A scalar as written in a scenario file, in canonical units (None when not understood)."""
    s = labels.setting(key)
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if s is not None and s["choices"] and isinstance(value, str):
        return float(s["choices"].index(value)) if value in s["choices"] else None
    if isinstance(value, (int, float)):
        return float(value)  # a plain number: a fraction for shares, else a count or number
    m = re.match(r"^\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*$", str(value))
    if not m:
        return None
    unit = m.group(2).replace(" ", "").lower()
    if unit == "":
        return float(m.group(1))
    f = _UNITS.get(unit) or _UNITS.get(m.group(2).strip())
    return None if f is None else float(m.group(1)) * f


def _schedule(value, key: str, years: List[int]) -> Optional[List[float]]:
    """Per-year values of a schedule or constant as written in a file."""
    if isinstance(value, dict) and "value" in value and not any(isinstance(k, int) for k in value):
        value = value["value"]
    if not isinstance(value, dict):
        v = _quantity(value, key)
        return None if v is None else [v] * len(years)
    points = []
    for y, v in value.items():
        q = _quantity(v, key)
        if q is None or not str(y).isdigit():
            return None
        points.append((int(y), q))
    return _expand(sorted(points), years)


def _expand(points, years: List[int]) -> List[float]:
    out = []
    for y in years:
        v = points[0][1]
        for py, pv in points:
            if py <= y:
                v = pv
        out.append(v)
    return out


def _resolved_schedule(sched, years: List[int]) -> List[float]:
    if not isinstance(sched, dict):
        return [float(sched)] * len(years)  # a constant
    points = [(years[0] if k == "start" else int(k), float(v)) for k, v in sched.items()]
    return _expand(sorted(points), years)


def _root_levers(run, years: List[int]):
    """(region-wide {key: per-year values}, per zone {zone: {key: per-year values}}) of the root
    scenario as written; None when it cannot be read (no PyYAML, or a value not understood)."""
    texts = run.source_texts()
    if not texts:
        return None
    try:
        import yaml
        root = yaml.safe_load(texts[-1]) or {}
    except Exception:  # noqa: BLE001 - PyYAML missing or a text it cannot read: no comparison
        return None
    region: Dict[str, List[float]] = {}
    for key, s in labels.settings().items():
        if s["group"] == "lever":
            region[key] = [float(s["default_value"])] * len(years)
    for key, v in (root.get("levers") or {}).items():
        sched = _schedule(v, key, years)
        if sched is None:
            return None
        region[key] = sched
    zones: Dict[str, Dict[str, List[float]]] = {}
    for zid, z in (root.get("zones") or {}).items():
        for key, v in ((z or {}).get("levers") or {}).items():
            sched = _schedule(v, key, years)
            if sched is None:
                return None
            zones.setdefault(str(zid), {})[key] = sched
    return region, zones


def set_overrides(run) -> List[str]:
    """The `--set KEY=VALUE` of the command line that made the file, as given."""
    try:
        words = shlex.split(str(run.meta.get("command_line", "")))
    except ValueError:
        return []
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--set"]


def lever_settings(run) -> pd.DataFrame:
    """One row per lever and zone ("all" for the region-wide value) whose value is not the
    registry's default in some year or that some zone sets itself, or that differs from the root
    scenario: key, zone, year, value (canonical), root_value (canonical; NaN when the root cannot
    be read), changed (value differs from the root's)."""
    years = list(run.years)
    res = run.resolved_scenario()
    region = {k: _resolved_schedule(v, years) for k, v in (res.get("levers") or {}).items()}
    per_zone = {z: {k: _resolved_schedule(v, years) for k, v in (zs.get("levers") or {}).items()}
                for z, zs in (res.get("zones") or {}).items()}
    root = _root_levers(run, years)
    rows = []

    def add(key, zone, values, root_values):
        s = labels.setting(key)
        default = float(s["default_value"]) if s else float("nan")
        differs = root_values is not None and any(not _same(a, b) for a, b in zip(values, root_values))
        if zone == "all" and all(_same(v, default) for v in values) and not differs:
            return
        for y, v, rv in zip(years, values, root_values or [float("nan")] * len(years)):
            rows.append({"key": key, "zone": zone, "year": y, "value": v, "root_value": rv,
                         "changed": root_values is not None and not _same(v, rv)})

    for key, values in region.items():
        add(key, "all", values, root[0].get(key) if root else None)
    for z, levers in per_zone.items():
        for key, values in levers.items():
            rz = None
            if root:
                rz = root[1].get(z, {}).get(key, root[0].get(key))
            add(key, z, values, rz)
    # A zone that the root scenario let follow the region-wide value but a variant gives its own.
    return pd.DataFrame(rows, columns=["key", "zone", "year", "value", "root_value", "changed"])


def _same(a: float, b: float) -> bool:
    if a != a or b != b:
        return a != a and b != b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def root_name(run) -> str:
    """The root scenario's `name:` (the file the others extend), or the run's scenario name."""
    texts = run.source_texts()
    if len(texts) > 1:
        m = re.search(r"^name:\s*([A-Za-z0-9_.-]+)", texts[-1], re.M)
        if m:
            return m.group(1)
    return run.scenario_name


def _values_text(key: str, values: List[float], years: List[int], lang: str) -> str:
    """A per-year value list as a constant or a schedule: "30 %", "{2020: 600 亩, 2022: 900 亩}"."""
    points = [(y, v) for i, (y, v) in enumerate(zip(years, values)) if i == 0 or not _same(v, values[i - 1])]
    if len(points) == 1:
        return labels.value_text(key, points[0][1], lang)
    return "{" + ", ".join(f"{y}: {labels.value_text(key, v, lang)}" for y, v in points) + "}"


def differences(base, alt, lang: str = "en") -> List[str]:
    """What the alternative run's policy changes against the baseline's, one line per lever and
    zone: "R&D subsidy rate: 10 % → 30 %"; the scenario itself when the files differ in more
    than levers; nothing when both simulated the same policy."""
    years = list(base.years)
    zone_names = {z: base.zone_name(z, lang) for z in base.zones if z != "all"}

    def table(run):
        res = run.resolved_scenario()
        region = {k: _resolved_schedule(v, years) for k, v in (res.get("levers") or {}).items()}
        out = {(k, "all"): v for k, v in region.items()}
        for z, zs in (res.get("zones") or {}).items():
            for k in region:
                v = (zs.get("levers") or {}).get(k)
                out[(k, z)] = _resolved_schedule(v, years) if v is not None else region[k]
        return out

    b, a = table(base), table(alt)
    lines = []
    changed_region = set()
    for (key, zone), av in a.items():
        bv = b.get((key, zone))
        if bv is None or all(_same(x, y) for x, y in zip(av, bv)):
            continue
        if zone != "all" and key in changed_region and (key, "all") in a and \
                all(_same(x, y) for x, y in zip(av, a[(key, "all")])):
            continue  # the zone follows the region-wide change
        if zone == "all":
            changed_region.add(key)
        name = labels.label(key if zone == "all" else f"zones.{zone}.levers.{key}", lang, zone_names)
        lines.append(f"{name}: {_values_text(key, bv, years, lang)} → {_values_text(key, av, years, lang)}")
    return lines
