"""Read zonesim HDF5 files (run files: layout v1, docs/output.md; sweep files: docs/sweeps.md)
into pandas DataFrames.

    >>> from zonesim_analysis import load
    >>> with load("out/demo.h5") as run:
    ...     ind = run.indicators(["gross_output", "rd_to_gdp"])   # tidy long format
    ...     run.targets()                                          # one row per target
    >>> with load("out/demo-sweep.h5") as sweep:
    ...     X, Y = sweep.experiments(), sweep.outcomes()           # as EMA Workbench returns them

Every table is tidy (one observation per row) and carries the unit of its values. Values are in
the display units the file stores them in (亿元, %, mu, 万元/亩, tce, tce/万元, count, 1).

Opening a file checks its whole layout against the documentation once (every documented group,
dataset, attribute, element type and shape, and the sizes of the dimensions across datasets), so a
damaged file or a file of another layout gives one ZonesimFileError naming the file and what is
wrong, never a KeyError or an h5py traceback later. Array data is read when asked for; a damaged
chunk then also gives a ZonesimFileError naming the file and the dataset.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np


class _Pandas:
    """pandas, imported when first used: the child process of _probe does not need it."""

    def __getattr__(self, name):
        import pandas  # noqa: WPS433

        return getattr(pandas, name)


pd = _Pandas()

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
    """The file is missing, not HDF5, damaged, not of the documented layout, or of another format
    version. The message is one line that starts with the file's path."""


# What h5py raises on a damaged file (bad checksum, truncated object, undecodable text, a type
# NumPy has no equivalent for). Caught only around calls into h5py (_H5Access), never around our
# own code, so that a bug of ours still shows as one.
_H5_FAILURES = (OSError, KeyError, RuntimeError, ValueError, TypeError)


def _h5py():
    try:
        import h5py  # noqa: WPS433 - imported lazily so that error messages stay friendly
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise ZonesimFileError(
            "h5py is not installed for this Python; use Debian's /usr/bin/python3 with python3-h5py"
        ) from exc
    return h5py


def _reason(exc: BaseException) -> str:
    """h5py's message on one line, without its "Unable to ... (" wrapper."""
    text = " ".join(str(exc).split())
    m = re.fullmatch(r"(?:\[Errno \d+\] )?Unable to (?:synchronously )?[a-z ]+\((.*)\)", text)
    return (m.group(1) if m else text) or type(exc).__name__


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


# ---- the documented layouts -------------------------------------------------------------------

@dataclass(frozen=True)
class _D:
    """A dataset of a layout: element type ("float", "int", "flag", "str"), shape as dimension
    names (() = scalar, "*" = any length), the string attributes it must carry."""
    path: str
    type: str
    shape: Tuple[str, ...]
    optional: bool = False
    attrs: Tuple[str, ...] = ()


@dataclass(frozen=True)
class _A:
    """An attribute of a layout on object `obj` ("" = the root): type "int", "number" or "str"."""
    obj: str
    name: str
    type: str
    optional: bool = False


@dataclass(frozen=True)
class _Each:
    """Every member of `group` is a dataset like `item` (its path is ignored)."""
    group: str
    item: _D


@dataclass(frozen=True)
class _Layout:
    name: str                       # "a zonesim run file (layout v1, docs/output.md)"
    doc: str                        # "docs/output.md"
    attrs: Tuple[_A, ...]
    entries: Tuple[object, ...]     # _D and _Each, in order: a dimension is sized where first seen
    optional_groups: Tuple[str, ...] = ()


# Attributes that, wherever they appear on a checked dataset, must be strings.
_STRING_ATTRS = ("unit", "label_en", "label_zh", "dims")
_LABELS = ("unit", "label_en", "label_zh", "dims")

DIM_NAMES = {
    "Y": "year", "Z": "zone", "Z-1": "zone without all", "R": "replication", "S": "sector",
    "T": "target", "K": "calibration item", "P": "parameter", "B": "spending kind", "N": "firm-year row",
    "k": "factor", "Pt": "point", "O": "output", "Q": "quantity", "F": "front point", "D": "discovery box",
    "U": "uncertain parameter", "*": "any",
}

_TARGET_STRINGS = ("id", "kind", "indicator", "zone", "comparison", "unit", "source", "label_en", "label_zh")
_TARGET_FLOATS = ("value", "mean", "p05", "p50", "p95", "probability")

RUN_LAYOUT = _Layout(
    name="a zonesim run file (layout v1, docs/output.md)",
    doc="docs/output.md",
    attrs=tuple(_A("", n, "str") for n in ("kind", "zonesim_version", "git_revision", "scenario_name", "title_en",
                                          "title_zh", "started_at", "finished_at", "command_line"))
    + tuple(_A("", n, "int") for n in ("seed", "replications", "base_year", "end_year", "threads", "ranks"))
    + (_A("scenario", "file", "str"),),
    entries=(
        _D("scenario/text", "str", ()),
        _D("scenario/source_texts", "str", ("*",)),
        _D("scenario/resolved", "str", ()),
        _D("dims/year", "int", ("Y",)),
        _D("dims/replication", "int", ("R",)),
        _D("dims/zone", "str", ("Z",)),
        _D("dims/zone_name_zh", "str", ("Z",)),
        _D("dims/zone_name_en", "str", ("Z",)),
        _D("dims/sector", "str", ("S",)),
        _D("dims/sector_name_zh", "str", ("S",)),
        _D("dims/spending", "str", ("B",)),
        _D("dims/spending_name_zh", "str", ("B",), optional=True),
        _D("dims/spending_name_en", "str", ("B",), optional=True),
        _Each("indicators", _D("", "float", ("Y", "Z", "R"), attrs=_LABELS)),
        _D("sector_output", "float", ("Y", "Z", "S", "R"), attrs=_LABELS),
        _Each("spending", _D("", "float", ("Y", "Z", "R"), attrs=_LABELS)),
    )
    + tuple(_D(f"targets/{n}", "str", ("T",)) for n in _TARGET_STRINGS)
    + (_D("targets/year", "int", ("T",)),)
    + tuple(_D(f"targets/{n}", "float", ("T",)) for n in _TARGET_FLOATS)
    + (
        _D("targets/cluster_threshold", "float", ("T",), optional=True),
        _D("targets/top_n", "int", ("T",), optional=True),
        _D("targets/values", "float", ("T", "R")),
        _D("targets/met", "flag", ("T", "R")),
        _D("calibration/item", "str", ("K",)),
        _D("calibration/unit", "str", ("K",)),
        _D("calibration/stated", "float", ("Z-1", "K")),
        _D("calibration/generated_mean", "float", ("Z-1", "K")),
        _D("calibration/relative_error", "float", ("Z-1", "K")),
        _D("calibration/generated", "float", ("R", "Z-1", "K")),
        _D("parameters/name", "str", ("P",)),
        _D("parameters/unit", "str", ("P",)),
        _D("parameters/uncertain", "flag", ("P",)),
        _D("parameters/draws", "float", ("R", "P")),
    ),
)

# Columns of a firm panel's replication group (docs/output.md, /firm_panel).
FIRM_PANEL_COLUMNS = {
    "year": "int", "firm": "int", "zone": "int", "sector": "int", "birth_year": "int", "exit_year": "int",
    "output": "float", "rd_intensity": "float", "land": "float", "productivity": "float", "employment": "float",
    "hightech": "flag",
}
# Columns added later: read when the file has them (older files do not).
FIRM_PANEL_OPTIONAL_COLUMNS = {"rd_relabelled_share": "float"}

SWEEP_LAYOUT = _Layout(
    name="a zonesim sweep file (docs/sweeps.md)",
    doc="docs/sweeps.md",
    attrs=tuple(_A("", n, "str") for n in ("kind", "zonesim_version", "git_revision", "sweep_name", "scenario_name",
                                          "design", "command_line"))
    + tuple(_A("", n, "int") for n in ("seed", "replications", "points", "threads", "ranks"))
    + (_A("", "started_at", "str", optional=True), _A("", "finished_at", "str", optional=True),
       _A("", "base_year", "int", optional=True), _A("", "end_year", "int", optional=True),
       _A("optimize", "best_point", "int"), _A("optimize", "probability", "number"),
       _A("optimize", "required_targets", "str", optional=True), _A("scenario", "file", "str", optional=True),
       _A("sweep", "file", "str", optional=True)),
    entries=(
        _D("sweep/text", "str", ()),
        _D("scenario/text", "str", ()),
        _D("scenario/resolved", "str", ()),
        _D("design/factor", "str", ("k",)),
        _D("design/unit", "str", ("k",)),
        _D("design/values", "str", ("k",)),
        _D("design/low", "float", ("k",)),
        _D("design/high", "float", ("k",)),
        _D("design/discrete", "flag", ("k",)),
        _D("points/done", "flag", ("Pt",)),
        _D("design/unit_matrix", "float", ("Pt", "k")),
        _D("design/matrix", "float", ("Pt", "k")),
    )
    + tuple(_D(f"outputs/{n}", "str", ("O",)) for n in ("name", "indicator", "zone", "unit", "label_en", "label_zh"))
    + (_D("outputs/year", "int", ("O",)),)
    + tuple(_D(f"targets/{n}", "str", ("T",)) for n in ("id", "label_en", "label_zh", "unit", "comparison"))
    + (
        _D("targets/value", "float", ("T",)),
        _D("targets/year", "int", ("T",)),
        _D("runs/outputs", "float", ("Pt", "R", "O")),
        _D("runs/target_values", "float", ("Pt", "R", "T")),
        _D("runs/target_met", "flag", ("Pt", "R", "T")),
        _D("runs/budget_cost", "float", ("Pt", "R")),
        _D("parameters/name", "str", ("U",)),
        _D("parameters/unit", "str", ("U",)),
        _D("runs/parameters", "float", ("Pt", "R", "U"), optional=True),
        _D("points/output_mean", "float", ("Pt", "O")),
        _D("points/target_mean", "float", ("Pt", "T")),
        _D("points/target_probability", "float", ("Pt", "T")),
        _D("points/all_targets_probability", "float", ("Pt",)),
        _D("points/required_targets_probability", "float", ("Pt",), optional=True),
        _D("points/budget_cost_mean", "float", ("Pt",)),
        _D("sensitivity/quantity", "str", ("Q",)),
        _D("sensitivity/factor", "str", ("k",)),
    )
    + tuple(_D(f"sensitivity/sobol/{n}", "float", ("Q", "k")) for n in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"))
    + (_D("sensitivity/sobol/variance", "float", ("Q",)),)
    + tuple(_D(f"sensitivity/morris/{n}", "float", ("Q", "k")) for n in ("mu", "mu_star", "sigma"))
    + (
        _D("optimize/frontier", "int", ("F",)),
        _D("optimize/frontier_cost", "float", ("F",)),
        _D("optimize/frontier_probability", "float", ("F",)),
        _D("discovery/target", "str", ("D",)),
        _D("discovery/text", "str", ("D",)),
    )
    + tuple(_D(f"discovery/{n}", "float", ("D",)) for n in ("density", "coverage", "mass", "overall_probability"))
    + (
        _D("discovery/low", "float", ("D", "k")),
        _D("discovery/high", "float", ("D", "k")),
        _D("discovery/restricted", "flag", ("D", "k")),
    ),
    # Written by some designs only; "parameters" (and /runs/parameters) by zonesim 0.1 builds
    # from this layout addition on.
    optional_groups=("sensitivity", "sensitivity/sobol", "sensitivity/morris", "optimize", "discovery",
                     "parameters"),
)

_TYPE_TEXT = {"float": "floating-point numbers (float64)", "int": "integers", "flag": "0/1 flags (uint8)",
              "str": "UTF-8 strings"}
_ATTR_TYPE_TEXT = {"int": "an integer", "number": "a number", "str": "a string"}


def _dtype_ok(h5py, dtype, kind: str) -> bool:
    if kind == "str":
        return h5py.check_string_dtype(dtype) is not None
    if h5py.check_string_dtype(dtype) is not None:
        return False
    if kind == "float":
        return dtype.kind == "f"
    if kind == "int":
        return dtype.kind in "iu"
    return dtype.kind in "iub"  # flag


def _dtype_text(h5py, dtype) -> str:
    if h5py.check_string_dtype(dtype) is not None:
        return "strings"
    if dtype.names:
        return "compound records"
    return f"{dtype.name} values"


def _attr_ok(value, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, (str, bytes))
    if isinstance(value, (bool, np.bool_)):
        return False
    if kind == "int":
        return isinstance(value, (int, np.integer))
    return isinstance(value, (int, float, np.integer, np.floating))


def _value_text(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (str, bytes)):
        s = _text(value) if isinstance(value, str) else value.decode("utf-8", "replace")
        return f"the string {s[:40]!r}"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (float, np.floating)):
        return f"the floating-point number {float(value)!r}"
    if isinstance(value, (int, np.integer)):
        return f"the integer {int(value)}"
    return f"a {type(value).__name__}"


class ZonesimFile:
    """A zonesim HDF5 file opened read-only (a run or a sweep). Opening checks the file against its
    documented layout (`LAYOUT`); subclasses read what they need in `_read`. Bad input raises
    ZonesimFileError. Use as a context manager or call close()."""

    LAYOUT: _Layout
    KIND = ""

    def __init__(self, path: str, probe: bool = True):
        self.path = os.fspath(path)
        if probe:
            _check_file(self.path)
            _probe(self.path)
        self._f = _open_h5(self.path)
        try:
            self.meta = self._read_attrs("")
            self._check_identity()
            self.dims: Dict[str, int] = {}
            self._validate(self.LAYOUT)
            self._read()
        except BaseException:
            self._f.close()
            raise

    # ---- access to h5py, with its failures turned into located errors ------------------------

    def _fail(self, what: str, exc: BaseException) -> ZonesimFileError:
        return ZonesimFileError(f"{self.path}: cannot read {what} ({_reason(exc)}); the file is damaged")

    def _node(self, name: str):
        """The group or dataset at `name`, None when absent."""
        try:
            return self._f.get(name)
        except _H5_FAILURES as exc:
            raise self._fail("/" + name, exc) from exc

    def _read_attrs(self, name: str) -> dict:
        """The attributes of object `name` ("" = root), values as Python numbers and strings."""
        try:
            obj = self._f[name] if name else self._f
            raw = {k: obj.attrs[k] for k in obj.attrs.keys()}
        except _H5_FAILURES as exc:
            raise self._fail(f"the attributes of /{name}", exc) from exc
        return {k: (_text(v) if isinstance(v, (bytes, str)) else _number(v)) for k, v in raw.items()}

    def _members(self, name: str) -> List[str]:
        try:
            return list(self._f[name].keys())
        except _H5_FAILURES as exc:
            raise self._fail(f"the members of /{name}", exc) from exc

    def _array(self, name: str) -> np.ndarray:
        """All values of dataset `name` (checked by the layout)."""
        try:
            return self._f[name][()]
        except _H5_FAILURES as exc:
            raise self._fail("/" + name, exc) from exc

    def _strings(self, name: str) -> list:
        """A 1-D string dataset as a list ([] when absent or empty)."""
        if name not in self._present:
            return []
        try:
            ds = self._f[name]
            return [] if ds.shape == (0,) else list(ds.asstr()[()])
        except _H5_FAILURES as exc:
            raise self._fail("/" + name, exc) from exc

    def _string(self, name: str) -> str:
        """A scalar string dataset ("" when absent)."""
        if name not in self._present:
            return ""
        try:
            return self._f[name].asstr()[()]
        except _H5_FAILURES as exc:
            raise self._fail("/" + name, exc) from exc

    # ---- layout checks ---------------------------------------------------------------------

    def _wrong(self, what: str) -> ZonesimFileError:
        return ZonesimFileError(f"{self.path}: {what}; the file is damaged or not {self.LAYOUT.name}")

    def _check_identity(self) -> None:
        if "format_version" not in self.meta:
            raise ZonesimFileError(
                f"{self.path} is an HDF5 file but not a zonesim output file (no format_version attribute)")
        version = self.meta["format_version"]
        if not _attr_ok(version, "int"):
            raise ZonesimFileError(f"{self.path}: root attribute format_version is {_value_text(version)}; "
                                   f"zonesim files store an integer (1)")
        if version != FORMAT_VERSION:
            raise ZonesimFileError(
                f"{self.path} has format_version {version}; this zonesim_analysis reads format_version "
                f"{FORMAT_VERSION} (use the zonesim release that wrote the file)")
        self.format_version = int(version)
        if "kind" not in self.meta:
            raise ZonesimFileError(f"{self.path}: no root attribute kind; {self.LAYOUT.name} has kind = "
                                   f"\"{self.KIND}\"")
        kind = self.meta["kind"]
        if kind != self.KIND:
            raise ZonesimFileError(f"{self.path}: root attribute kind is {_value_text(kind)}; {self.LAYOUT.name} "
                                   f"has kind = \"{self.KIND}\"")

    def _missing(self, name: str, group: bool = False) -> ZonesimFileError:
        """The error for a missing object: names its outermost missing group, else the object."""
        parts = name.split("/")
        for i in range(1, len(parts) + (1 if group else 0)):
            g = "/".join(parts[:i])
            if self._node(g) is None:
                return ZonesimFileError(f"{self.path}: no /{g} group; {self.LAYOUT.name} has one, so the "
                                        f"file is incomplete or of another layout")
        return ZonesimFileError(f"{self.path}: no /{name}; {self.LAYOUT.name} has it, so the file is incomplete "
                                f"or of another layout")

    def _bind(self, name: str, shape: Tuple[str, ...], actual: tuple) -> None:
        """Checks `actual` against the dimension names of `shape`, sizing names seen first."""
        def expected() -> str:
            sizes = tuple(self.dims.get(d, "?") if d != "*" else "any" for d in shape)
            dims = ", ".join(DIM_NAMES.get(d, d) for d in shape)
            return "a scalar" if not shape else f"[{dims}] = {_shape_text(sizes)}"

        if len(actual) != len(shape):
            what = "is a scalar" if not actual else f"has shape {actual}"
            raise ZonesimFileError(f"{self.path}: /{name} {what}; {self.LAYOUT.name} stores {expected()}")
        for d, n in zip(shape, actual):
            if d == "*":
                continue
            if d == "Z-1":
                if "Z" in self.dims and n != self.dims["Z"] - 1:
                    raise ZonesimFileError(f"{self.path}: /{name} has shape {actual}; {self.LAYOUT.name} "
                                           f"stores {expected()}")
                continue
            if d not in self.dims:
                self.dims[d] = n
            elif self.dims[d] != n:
                raise ZonesimFileError(f"{self.path}: /{name} has shape {actual}; {self.LAYOUT.name} stores "
                                       f"{expected()} (as the other datasets of the file)")

    def _check_dataset(self, name: str, spec: _D) -> None:
        h5py = _h5py()
        node = self._node(name)
        if not isinstance(node, h5py.Dataset):
            what = "a group" if isinstance(node, h5py.Group) else "not a dataset"
            raise ZonesimFileError(f"{self.path}: /{name} is {what}; {self.LAYOUT.name} stores a dataset there")
        try:
            dtype, shape = node.dtype, node.shape
        except _H5_FAILURES as exc:
            raise self._fail("/" + name, exc) from exc
        if shape is None:
            raise ZonesimFileError(f"{self.path}: /{name} is empty (no dataspace); {self.LAYOUT.name} stores "
                                   f"{_TYPE_TEXT[spec.type]} there")
        if not _dtype_ok(h5py, dtype, spec.type):
            raise ZonesimFileError(f"{self.path}: /{name} holds {_dtype_text(h5py, dtype)}; {self.LAYOUT.name} "
                                   f"stores {_TYPE_TEXT[spec.type]} there")
        self._bind(name, spec.shape, tuple(shape))
        attrs = self._read_attrs(name)
        for a in _STRING_ATTRS:
            if a in attrs and not isinstance(attrs[a], str):
                raise ZonesimFileError(f"{self.path}: attribute {a} of /{name} is {_value_text(attrs[a])}; "
                                       f"{self.LAYOUT.name} stores a string")
        for a in spec.attrs:
            if a not in attrs:
                raise ZonesimFileError(f"{self.path}: /{name} has no attribute {a}; {self.LAYOUT.name} gives "
                                       f"it one")
        self.attrs_of[name] = attrs
        self._present.add(name)

    def _skipped(self, name: str, layout: _Layout) -> bool:
        """True when `name` lies in an optional group the file does not have."""
        return any((name == g or name.startswith(g + "/")) and self._node(g) is None
                   for g in layout.optional_groups)

    def _validate(self, layout: _Layout) -> None:
        h5py = _h5py()
        self.attrs_of: Dict[str, dict] = {"": self.meta}
        self._present = set()
        for a in layout.attrs:
            if a.obj not in self.attrs_of:
                if self._skipped(a.obj, layout):
                    continue
                if self._node(a.obj) is None:
                    raise self._missing(a.obj, group=True)
                self.attrs_of[a.obj] = self._read_attrs(a.obj)
            attrs = self.attrs_of[a.obj]
            where = "root attribute" if not a.obj else f"attribute of /{a.obj}:"
            if a.name not in attrs:
                if a.optional:
                    continue
                raise ZonesimFileError(f"{self.path}: no {where} {a.name}; {self.LAYOUT.name} has it, so the "
                                       f"file is incomplete or of another layout")
            if not _attr_ok(attrs[a.name], a.type):
                raise ZonesimFileError(f"{self.path}: {where} {a.name} is {_value_text(attrs[a.name])}; "
                                       f"{self.LAYOUT.name} stores {_ATTR_TYPE_TEXT[a.type]}")
        for e in layout.entries:
            if isinstance(e, _Each):
                if self._skipped(e.group, layout):
                    continue
                group = self._node(e.group)
                if group is None:
                    raise self._missing(e.group, group=True)
                if not isinstance(group, h5py.Group):
                    raise ZonesimFileError(f"{self.path}: /{e.group} is a dataset; {self.LAYOUT.name} has a "
                                           f"group of datasets there")
                for m in self._members(e.group):
                    self._check_dataset(f"{e.group}/{m}", e.item)
                continue
            if self._skipped(e.path, layout):
                continue
            if self._node(e.path) is None:
                if e.optional:
                    continue
                raise self._missing(e.path)
            self._check_dataset(e.path, e)
        self._check_values()

    def _check_values(self) -> None:
        """Checks of values beyond types and shapes (subclasses)."""

    # ---- common ----------------------------------------------------------------------------

    def _read(self) -> None:
        raise NotImplementedError

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


def _probe_limits(path: str):
    """Time (s) and memory (bytes) a child of _probe may take for the file at `path`: far more
    than reading a valid file needs (its arrays are compressed about tenfold)."""
    size = os.path.getsize(path)
    return 30 + size // 2 ** 20, 2 ** 31 + 40 * size


def _probe(path: str) -> None:
    """Opens `path` in a child process first, doing what opening it here does (the same calls in
    the same order: checks of the layout) and then reading every dataset, and raises
    ZonesimFileError when that child crashes, hangs or runs out of memory. HDF5 (1.10) crashes on
    some damaged structures (SIGSEGV, or an abort on heap corruption, e.g. iterating a group whose
    B-tree or heap was overwritten) and loops on others, which no Python code can catch; the
    parent then never makes the calls that failed in the child. A damaged file that HDF5 reports
    as an error in the child is not opened here either: the child's error is raised as it is.
    HDF5 1.10 can corrupt its own heap while it parses damaged metadata and crash only on a later
    file (seen: a damaged /indicators group, then another file, `free(): invalid pointer`), so
    a process that reads many files (a test, a notebook) must not parse any damaged one."""
    import signal
    import subprocess

    seconds, memory = _probe_limits(path)

    def limit_memory():  # in the child, before it starts
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    package_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from zonesim_analysis.reader import _probe_child; sys.exit(_probe_child(sys.argv[2]))")
    try:
        r = subprocess.run([sys.executable, "-c", code, package_dir, path], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=seconds,
                           preexec_fn=limit_memory)
    except subprocess.TimeoutExpired as exc:
        raise ZonesimFileError(f"{path}: HDF5 does not finish reading the file in {seconds} s; the file is "
                               f"damaged") from exc
    if r.returncode == _PROBE_FILE_ERROR:
        raise ZonesimFileError(r.stdout.decode("utf-8", "replace").strip())
    if r.returncode == _PROBE_OUT_OF_MEMORY:
        raise ZonesimFileError(f"{path}: reading the file needs more than {memory // 2 ** 20} MiB of memory; the "
                               f"file is damaged")
    if r.returncode < 0:
        try:
            name = signal.Signals(-r.returncode).name
        except ValueError:
            name = f"signal {-r.returncode}"
        raise ZonesimFileError(f"{path}: HDF5 crashes ({name}) reading the file; the file is damaged")


_PROBE_OUT_OF_MEMORY = 3
_PROBE_FILE_ERROR = 4  # the child found the file damaged; its message is on its stdout


def _probe_child(path: str) -> int:
    """The child of _probe: open as load() does, then read every dataset the layout names."""
    try:
        with load(path, probe=False) as f:
            for name in sorted(f._present):
                f._array(name)
    except ZonesimFileError as exc:
        sys.stdout.write(str(exc))
        return _PROBE_FILE_ERROR
    except MemoryError:
        return _PROBE_OUT_OF_MEMORY
    return 0


def _check_file(path: str) -> None:
    """Raises ZonesimFileError unless `path` is a readable regular file that starts like HDF5."""
    if not os.path.exists(path):
        raise ZonesimFileError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ZonesimFileError(f"{path} is a directory, not a zonesim output file")
    if not os.path.isfile(path):
        raise ZonesimFileError(f"{path} is not a regular file (a device, FIFO or socket), not a zonesim output file")
    h5py = _h5py()
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ZonesimFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        hdf5 = h5py.is_hdf5(path)
    except _H5_FAILURES:
        hdf5 = False
    if not hdf5:
        if not head:
            raise ZonesimFileError(f"{path} is empty, not a zonesim output file")
        if head == b"\x89HDF\r\n\x1a\n":
            raise ZonesimFileError(f"{path}: the HDF5 superblock is damaged; the file cannot be read")
        raise ZonesimFileError(f"{path} is not an HDF5 file (zonesim writes .h5 files with `zonesim run`)")


def _open_h5(path: str):
    """The h5py.File at `path` opened read-only, or a ZonesimFileError saying why not."""
    _check_file(path)
    try:
        return _h5py().File(path, "r")
    except _H5_FAILURES as exc:
        reason = _reason(exc)
        if "truncated file" in reason:
            raise ZonesimFileError(f"{path} is truncated ({reason}); it was cut short or copied incompletely") from exc
        raise ZonesimFileError(f"{path}: HDF5 cannot open the file ({reason}); it is damaged") from exc


# ---- run files --------------------------------------------------------------------------------

class Run(ZonesimFile):
    """One zonesim run file (`zonesim run`)."""

    LAYOUT = RUN_LAYOUT
    KIND = "run"

    def _check_values(self) -> None:
        years = self._array("dims/year")
        base, end = self.meta["base_year"], self.meta["end_year"]
        if list(years) != list(range(base, end + 1)):
            raise self._wrong(f"/dims/year holds {_short_list(years)}, not the years base_year … end_year = "
                              f"{base} … {end}")
        reps = self._array("dims/replication")
        if list(reps) != list(range(self.meta["replications"])):
            raise self._wrong(f"/dims/replication holds {_short_list(reps)}, not 0 … replications - 1 = "
                              f"0 … {self.meta['replications'] - 1}")
        zones = self._strings("dims/zone")
        if len(zones) < 2 or zones[-1] != "all":
            raise self._wrong(f"/dims/zone holds {_short_list(zones)}; its last entry must be \"all\" after the "
                              f"scenario's zones")
        spend = set(self._members("spending"))
        missing = [k for k in self._strings("dims/spending") if k not in spend]
        if missing:
            raise self._wrong(f"/dims/spending names {', '.join(missing)}, missing from /spending")
        self._panel_groups: Dict[int, str] = {}
        if self._node("firm_panel") is not None:
            self._check_firm_panel()

    def _check_firm_panel(self) -> None:
        h5py = _h5py()
        if not isinstance(self._node("firm_panel"), h5py.Group):
            raise self._wrong("/firm_panel is a dataset, not a group of replications")
        for m in self._members("firm_panel"):
            match = re.fullmatch(r"replication_(\d+)", m)
            if not match or int(match.group(1)) >= self.meta["replications"]:
                raise self._wrong(f"/firm_panel/{m} is not replication_<r> for a replication r of the file")
            if not isinstance(self._node(f"firm_panel/{m}"), h5py.Group):
                raise self._wrong(f"/firm_panel/{m} is a dataset, not a group of columns")
            self.dims.pop("N", None)
            for col, kind in FIRM_PANEL_COLUMNS.items():
                name = f"firm_panel/{m}/{col}"
                if self._node(name) is None:
                    raise self._missing(name)
                self._check_dataset(name, _D(name, kind, ("N",)))
            for col, kind in FIRM_PANEL_OPTIONAL_COLUMNS.items():
                name = f"firm_panel/{m}/{col}"
                if self._node(name) is not None:
                    self._check_dataset(name, _D(name, kind, ("N",)))
            self._panel_groups[int(match.group(1))] = m
        self.dims.pop("N", None)

    def _read(self) -> None:
        self.years = [int(y) for y in self._array("dims/year")]
        self.replications = [int(r) for r in self._array("dims/replication")]
        self.zones = self._strings("dims/zone")
        self.zone_names_zh = self._strings("dims/zone_name_zh")
        self.zone_names_en = self._strings("dims/zone_name_en")
        self.sectors = self._strings("dims/sector")
        self.sector_names_zh = self._strings("dims/sector_name_zh")
        self.spending_keys = self._strings("dims/spending")
        self.indicator_keys = self._members("indicators")
        self.kind = self.meta["kind"]

    # ---- descriptions ----------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

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
        out["scenario_file"] = self.attrs_of["scenario"]["file"]
        return out

    def scenario_text(self) -> str:
        return self._string("scenario/text")

    def source_texts(self) -> List[str]:
        """The scenario files' texts as written: the top-level file first, then the bases it
        extends (the root scenario last)."""
        return self._strings("scenario/source_texts") if "scenario/source_texts" in self._present else []

    def resolved_scenario(self) -> dict:
        text = self._string("scenario/resolved")
        try:
            return json.loads(text) if text else {}
        except json.JSONDecodeError as exc:
            raise ZonesimFileError(f"{self.path}: /scenario/resolved is not JSON ({exc}); the file is damaged") from exc

    def indicator_info(self) -> pd.DataFrame:
        """indicator, unit, label_en, label_zh for every indicator in the file."""
        rows = [{"indicator": k, "unit": self.unit(k), "label_en": self.label(k, "en"), "label_zh": self.label(k, "zh")}
                for k in self.indicator_keys]
        return pd.DataFrame(rows, columns=["indicator", "unit", "label_en", "label_zh"])

    def unit(self, indicator: str) -> str:
        return self.attrs_of[f"indicators/{indicator}"]["unit"]

    def label(self, indicator: str, lang: str = "en") -> str:
        return self.attrs_of[f"indicators/{indicator}"]["label_zh" if lang == "zh" else "label_en"]

    def spending_label(self, key: str, lang: str = "en") -> str:
        return self.attrs_of[f"spending/{key}"]["label_zh" if lang == "zh" else "label_en"]

    # ---- arrays ----------------------------------------------------------------------------

    def indicator_array(self, indicator: str) -> np.ndarray:
        """Values of one indicator as an array [year, zone, replication]."""
        if indicator not in self.indicator_keys:
            raise KeyError(f"no indicator {indicator!r} in {self.path}")
        return self._array(f"indicators/{indicator}")

    def spending_array(self, key: str) -> np.ndarray:
        return self._array(f"spending/{key}")

    def sector_output_array(self) -> np.ndarray:
        """Output by sector [year, zone, sector, replication], 亿元."""
        return self._array("sector_output")

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
            if k not in self.indicator_keys:
                raise KeyError(f"no indicator {k!r} in {self.path}; known: {', '.join(self.indicator_keys)}")
        df = self._tidy3({k: self.indicator_array(k) for k in keys}, "indicator", {k: self.unit(k) for k in keys})
        if zones is not None:
            df = df[df["zone"].isin(list(zones))]
        if years is not None:
            df = df[df["year"].isin(list(years))]
        return df.reset_index(drop=True)

    def spending(self) -> pd.DataFrame:
        """Tidy table of lever spending: year, zone, replication, lever, value, unit (亿元)."""
        keys = self.spending_keys
        units = {k: self.attrs_of[f"spending/{k}"]["unit"] for k in keys}
        return self._tidy3({k: self.spending_array(k) for k in keys}, "lever", units)

    def sector_output(self) -> pd.DataFrame:
        """Tidy table: year, zone, sector, replication, value, unit (亿元)."""
        arr = self.sector_output_array()
        idx = pd.MultiIndex.from_product(
            [self.years, self.zones, self.sectors, self.replications],
            names=["year", "zone", "sector", "replication"])
        df = pd.DataFrame({"value": arr.reshape(-1)}, index=idx).reset_index()
        df["unit"] = self.attrs_of["sector_output"]["unit"]
        return df

    def targets(self) -> pd.DataFrame:
        """One row per target: id, kind, indicator, zone, comparison, value, unit, year, mean,
        p05, p50, p95, probability (share of replications, 0-1), labels and source."""
        n = self.dims["T"]
        cols = ["id", "kind", "indicator", "zone", "comparison", "value", "unit", "year", "mean", "p05", "p50",
                "p95", "probability", "label_en", "label_zh", "source"]
        data = {c: self._strings(f"targets/{c}") if c in _TARGET_STRINGS else self._array(f"targets/{c}")
                for c in cols}
        data["cluster_threshold"] = (self._array("targets/cluster_threshold")
                                     if "targets/cluster_threshold" in self._present else np.zeros(n))
        data["top_n"] = self._array("targets/top_n") if "targets/top_n" in self._present else np.zeros(n)
        df = pd.DataFrame(data)
        if n:
            df["year"] = df["year"].astype(int)
            df["top_n"] = df["top_n"].astype(int)
        return df

    def target_values(self) -> pd.DataFrame:
        """Per replication: target, replication, value (unit of the target), met (bool)."""
        ids = self._strings("targets/id")
        if not ids:
            return pd.DataFrame(columns=["target", "replication", "value", "met"])
        values = self._array("targets/values")
        met = self._array("targets/met").astype(bool)
        R = values.shape[1]
        return pd.DataFrame({
            "target": np.repeat(np.asarray(ids, dtype=object), R),
            "replication": np.tile(np.asarray(self.replications), len(ids)),
            "value": values.reshape(-1),
            "met": met.reshape(-1),
        })

    def calibration(self) -> pd.DataFrame:
        """Base-year calibration fit: zone, item, unit, stated, generated_mean, relative_error
        (generated mean / stated - 1; 0 where nothing was stated)."""
        items = self._strings("calibration/item")
        units = self._strings("calibration/unit")
        zones = self.zones[:-1]
        stated = self._array("calibration/stated")
        mean = self._array("calibration/generated_mean")
        rel = self._array("calibration/relative_error")
        rows = []
        for zi, z in enumerate(zones):
            for ci, item in enumerate(items):
                rows.append({"zone": z, "item": item, "unit": units[ci], "stated": stated[zi, ci],
                             "generated_mean": mean[zi, ci], "relative_error": rel[zi, ci]})
        return pd.DataFrame(rows, columns=["zone", "item", "unit", "stated", "generated_mean", "relative_error"])

    def parameters(self) -> pd.DataFrame:
        """Parameter draws, tidy: replication, parameter, value, unit, uncertain (bool)."""
        names = self._strings("parameters/name")
        units = self._strings("parameters/unit")
        unc = self._array("parameters/uncertain").astype(bool)
        draws = self._array("parameters/draws")
        R, P = draws.shape
        return pd.DataFrame({
            "replication": np.repeat(np.asarray(self.replications), P),
            "parameter": np.tile(np.asarray(names, dtype=object), R),
            "value": draws.reshape(-1),
            "unit": np.tile(np.asarray(units, dtype=object), R),
            "uncertain": np.tile(unc, R),
        })

    def parameter_draws(self) -> pd.DataFrame:
        """Wide table: one row per replication, one column per parameter."""
        names = self._strings("parameters/name")
        return pd.DataFrame(self._array("parameters/draws"), columns=names,
                            index=pd.Index(self.replications, name="replication"))

    def has_firm_panel(self) -> bool:
        return bool(self._panel_groups)

    def firm_panel(self) -> Optional[pd.DataFrame]:
        """Firm-year rows of the stored replications (None when the file has no firm panel):
        replication, year, firm, zone (id), sector (id), birth_year, exit_year (0: alive),
        output (万元), rd_intensity (%), land (mu), productivity, employment, hightech (bool), and
        rd_relabelled_share (% of the reported R&D) where the file has it (written since 2026-12-04)."""
        if not self.has_firm_panel():
            return None
        frames = []
        zones = np.asarray(self.zones, dtype=object)
        sectors = np.asarray(self.sectors, dtype=object)
        for r in sorted(self._panel_groups):
            g = "firm_panel/" + self._panel_groups[r]
            cols = {k: self._array(f"{g}/{k}") for k in FIRM_PANEL_COLUMNS}
            for k, names in (("zone", zones), ("sector", sectors)):
                bad = (cols[k] < 0) | (cols[k] >= len(names))
                if bad.any():
                    raise ZonesimFileError(
                        f"{self.path}: /{g}/{k} holds index {int(cols[k][bad][0])}, outside /dims/{k} "
                        f"(0 … {len(names) - 1}); the file is damaged")
            for k in FIRM_PANEL_OPTIONAL_COLUMNS:
                if self._node(f"{g}/{k}") is not None:
                    cols[k] = self._array(f"{g}/{k}")
            df = pd.DataFrame({"replication": np.full(len(cols["year"]), r, dtype=np.int32)})
            for k in cols:
                df[k] = cols[k]
            df["zone"] = zones[df["zone"].to_numpy()]
            df["sector"] = sectors[df["sector"].to_numpy()]
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
        if kind == "clusters" and "targets/cluster_threshold" in self._present and target["cluster_threshold"] > 0:
            so = self.sector_output_array()  # [Y, Z, S, R], 亿元
            zone_rows = range(len(self.zones) - 1) if zone == "all" else [zi]
            return sum((so[:, z, :, :] >= target["cluster_threshold"]).sum(axis=1) for z in zone_rows).astype(float)
        if kind == "zones_in_top" and target["top_n"] > 0 and "national_rank" in self.indicator_keys:
            nr = self.indicator_array("national_rank")
            zone_rows = range(len(self.zones) - 1) if zone == "all" else [zi]
            return sum((nr[:, z, :] <= target["top_n"]) for z in zone_rows).astype(float)
        return None


def _shape_text(sizes) -> str:
    """(6, 3, 20), (2,), like a NumPy shape, with "any" for free dimensions."""
    return "(" + ", ".join(str(s) for s in sizes) + ("," if len(sizes) == 1 else "") + ")"


def _short_list(values) -> str:
    values = list(values)
    text = ", ".join(str(_number(v)) for v in values[:6])
    return f"[{text}{', …' if len(values) > 6 else ''}]"


# ---- sweep files ------------------------------------------------------------------------------

class Sweep(ZonesimFile):
    """An open sweep file (`zonesim sweep` / `zonesim optimize`). Values are in display units (as
    stored)."""

    LAYOUT = SWEEP_LAYOUT
    KIND = "sweep"

    def _check_values(self) -> None:
        for attr, dim in (("points", "Pt"), ("replications", "R")):
            if self.meta[attr] != self.dims.get(dim, self.meta[attr]):
                raise self._wrong(f"root attribute {attr} is {self.meta[attr]} but the datasets hold "
                                  f"{self.dims[dim]} {DIM_NAMES[dim]}s")
        self.dims.setdefault("R", self.meta["replications"])
        if "optimize" in self.attrs_of:
            best = self.attrs_of["optimize"]["best_point"]
            if not -1 <= best < self.dims["Pt"]:
                raise self._wrong(f"attribute best_point of /optimize is {best}, not a point (-1 … "
                                  f"{self.dims['Pt'] - 1})")
            front = self._array("optimize/frontier")
            if len(front) and (front.min() < 0 or front.max() >= self.dims["Pt"]):
                raise self._wrong(f"/optimize/frontier holds {_short_list(front)}, not points 0 … "
                                  f"{self.dims['Pt'] - 1}")

    def _read(self) -> None:
        self.design = str(self.meta["design"])
        self.factors = self._strings("design/factor")
        self.factor_units = self._strings("design/unit")
        self.factor_low = self._array("design/low")
        self.factor_high = self._array("design/high")
        values = self._strings("design/values")
        # Word-list factors ("a|b|c"); an empty list for numeric factors.
        self.factor_words = [[w for w in values[i].split("|") if w] for i in range(len(self.factors))]
        self.matrix = self._array("design/matrix")
        self.done = self._array("points/done") == 1
        self.outputs = self._strings("outputs/name")
        self.output_units = self._strings("outputs/unit")
        self.target_ids = self._strings("targets/id")
        self.target_units = self._strings("targets/unit")
        self.parameter_names = self._strings("parameters/name")
        self.parameter_units = self._strings("parameters/unit")
        self.replications = list(range(self.meta["replications"]))
        for i, words in enumerate(self.factor_words):
            col = self.matrix[self.done, i]
            if words and len(col) and (np.any(col != np.round(col)) or col.min() < 0 or col.max() >= len(words)):
                raise self._wrong(f"/design/matrix holds {_short_list(np.unique(col))} for word-list factor "
                                  f"{self.factors[i]}, not indices 0 … {len(words) - 1}")

    def target_labels(self, lang: str) -> List[str]:
        return self._strings("targets/label_zh" if lang == "zh" else "targets/label_en")

    def output_labels(self, lang: str) -> List[str]:
        return self._strings("outputs/label_zh" if lang == "zh" else "outputs/label_en")

    def point_quantities(self) -> Dict[str, np.ndarray]:
        """Per point: each output's mean, each target's probability, P(all targets) and the mean
        budget cost (the quantities the sensitivity analysis uses, under the same names)."""
        q: Dict[str, np.ndarray] = {}
        out = self._array("points/output_mean")
        for o, name in enumerate(self.outputs):
            q[name] = out[:, o]
        prob = self._array("points/target_probability")
        for t, tid in enumerate(self.target_ids):
            q[f"P({tid})"] = prob[:, t]
        q["P(all targets)"] = self._array("points/all_targets_probability")
        q["budget_cost"] = self._array("points/budget_cost_mean")
        return q

    def quantity_unit(self, name: str) -> str:
        if name in self.outputs:
            return self.output_units[self.outputs.index(name)]
        return "亿元" if name == "budget_cost" else "1"

    def _indices(self, method: str, keys) -> Optional[dict]:
        """The sensitivity indices of `method` ("sobol", "morris"), or None when not computed."""
        if f"sensitivity/{method}/{keys[0]}" not in self._present:
            return None
        d = {k: self._array(f"sensitivity/{method}/{k}") for k in keys}
        d["quantity"] = self._strings("sensitivity/quantity")
        return d

    def sobol(self) -> Optional[dict]:
        return self._indices("sobol", ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high", "variance"))

    def morris(self) -> Optional[dict]:
        return self._indices("morris", ("mu", "mu_star", "sigma"))

    def optimize(self) -> Optional[dict]:
        if "optimize/frontier" not in self._present:
            return None
        a = self.attrs_of["optimize"]
        return {"frontier": self._array("optimize/frontier").astype(int), "cost": self._array("optimize/frontier_cost"),
                "probability": self._array("optimize/frontier_probability"), "best": int(a["best_point"]),
                "threshold": float(a["probability"]), "required": a.get("required_targets", "all"),
                "point_cost": self._array("points/budget_cost_mean"),
                "point_probability": self._array("points/required_targets_probability")
                if "points/required_targets_probability" in self._present
                else self._array("points/all_targets_probability")}

    def discovery(self) -> List[str]:
        return self._strings("discovery/text")

    def discovery_boxes(self) -> Optional[dict]:
        """The PRIM boxes of /discovery (target, low, high, restricted, density, coverage, mass,
        overall_probability), or None when the file has none."""
        if "discovery/low" not in self._present:
            return None
        d = {k: self._array(f"discovery/{k}") for k in ("low", "high", "restricted", "density", "coverage", "mass",
                                                          "overall_probability")}
        d["target"] = self._strings("discovery/target")
        return d

    def factor_value_text(self, i: int, v: float) -> str:
        """A factor value as the user wrote it: a word for word lists, else number and unit."""
        from .common import fmt
        words = self.factor_words[i]
        if words:
            k = int(round(v))
            return words[k] if 0 <= k < len(words) else fmt(v)
        unit = self.factor_units[i]
        return fmt(v) + ("" if unit in ("", "1", "count") else " " + unit)

    def factor_value_exact(self, i: int, v: float) -> str:
        """A factor value for --set, at full precision (a word for word lists)."""
        if self.factor_words[i]:
            return self.factor_words[i][int(round(v))]
        unit = self.factor_units[i]
        return repr(float(v)) + ("" if unit in ("", "1", "count") else " " + unit)

    def scenario_file(self) -> str:
        return self.attrs_of["scenario"].get("file") or self.meta["scenario_name"] + ".yaml"

    def two_factor_grid(self):
        """For a full grid over exactly two factors: (values of factor 0, values of factor 1,
        index matrix [i0, i1] -> point). None otherwise."""
        if self.design != "grid" or len(self.factors) != 2:
            return None
        v0 = np.unique(self.matrix[:, 0])
        v1 = np.unique(self.matrix[:, 1])
        if len(v0) * len(v1) != len(self.matrix):
            return None
        index = np.full((len(v0), len(v1)), -1, dtype=int)
        for p, (a, b) in enumerate(self.matrix):
            index[np.searchsorted(v0, a), np.searchsorted(v1, b)] = p
        return v0, v1, index

    def provenance(self) -> Dict[str, str]:
        keys = ["sweep_name", "scenario_name", "design", "points", "replications", "seed", "threads", "ranks",
                "zonesim_version", "git_revision", "command_line", "started_at", "finished_at", "format_version"]
        return {k: str(self.meta[k]) for k in keys if k in self.meta}

    def sweep_text(self) -> str:
        return self._string("sweep/text")

    # ---- experiments and outcomes (EMA Workbench's perform_experiments) -----------------------

    def has_parameters(self) -> bool:
        """True when the file stores the uncertain parameters' values per run (/runs/parameters)."""
        return "runs/parameters" in self._present and "parameters/name" in self._present

    def experiments(self) -> pd.DataFrame:
        """One row per run (finished point × replication), in point then replication order:
        `point`, `replication`, each factor's value (its key as column name; display units, the
        word for word-list factors) and each uncertain parameter's value in that run (display
        units; empty when the file predates /runs/parameters). Like the `experiments` DataFrame of
        EMA Workbench's perform_experiments, with `point` as the policy and `replication` as the
        scenario of the uncertainties."""
        points = np.flatnonzero(self.done)
        R = len(self.replications)
        data: Dict[str, object] = {
            "point": np.repeat(points, R).astype(np.int64),
            "replication": np.tile(np.arange(R, dtype=np.int64), len(points)),
        }
        for i, key in enumerate(self.factors):
            col = self.matrix[points, i]
            if self.factor_words[i]:
                words = np.asarray(self.factor_words[i], dtype=object)
                data[key] = np.repeat(words[np.round(col).astype(int)], R)
            else:
                data[key] = np.repeat(col, R)
        if self.has_parameters():
            draws = self._array("runs/parameters")[points]          # [point, replication, parameter]
            for j, name in enumerate(self.parameter_names):
                if "parameters." + name in data:  # also a factor: the factor's column says it
                    continue
                data["parameters." + name] = draws[:, :, j].reshape(-1)
        return pd.DataFrame(data)

    def outcomes(self) -> pd.DataFrame:
        """One row per run, aligned with experiments(): each output of interest
        (`indicator@zone@year`, display units), each target's quantity (column = target id, unit
        of the target), whether it was met (`met:<id>`, bool), whether every target was met
        (`met:all`) and the budget cost (`budget_cost`, 亿元, summed over the years)."""
        points = np.flatnonzero(self.done)
        R = len(self.replications)
        n = len(points) * R
        data: Dict[str, object] = {}
        out = self._array("runs/outputs")[points]
        for o, name in enumerate(self.outputs):
            data[name] = out[:, :, o].reshape(n)
        values = self._array("runs/target_values")[points]
        met = self._array("runs/target_met")[points]
        if met.size and met.max() > 1:
            raise ZonesimFileError(f"{self.path}: /runs/target_met holds {int(met.max())} for a finished point "
                                   f"(0 or 1 expected); the file is damaged")
        for t, tid in enumerate(self.target_ids):
            data[tid] = values[:, :, t].reshape(n)
        for t, tid in enumerate(self.target_ids):
            data[f"met:{tid}"] = met[:, :, t].reshape(n).astype(bool)
        data["met:all"] = met.reshape(n, len(self.target_ids)).all(axis=1) if self.target_ids else np.ones(n, bool)
        data["budget_cost"] = self._array("runs/budget_cost")[points].reshape(n)
        return pd.DataFrame(data, index=pd.RangeIndex(n))

    def outcome_units(self) -> Dict[str, str]:
        """The unit of each column of outcomes() and experiments() ("1" for flags and counts of
        nothing, "index" never: word-list factors are given as words)."""
        units = {"point": "1", "replication": "1"}
        for i, f in enumerate(self.factors):
            units[f] = "" if self.factor_words[i] else self.factor_units[i]
        units.update(("parameters." + n, u) for n, u in zip(self.parameter_names, self.parameter_units))
        units.update(zip(self.outputs, self.output_units))
        units.update(zip(self.target_ids, self.target_units))
        units.update({f"met:{t}": "1" for t in self.target_ids})
        units.update({"met:all": "1", "budget_cost": "亿元"})
        return units


# ---- opening files ----------------------------------------------------------------------------

def kind_of(path: str) -> str:
    """The root attribute kind of the HDF5 file at `path` ("" when absent), with the errors of
    opening it as ZonesimFileError."""
    f = _open_h5(path)
    try:
        try:
            kind = f.attrs.get("kind", "")
        except _H5_FAILURES as exc:
            raise ZonesimFileError(f"{path}: cannot read the root attributes ({_reason(exc)}); the file is "
                                   f"damaged") from exc
    finally:
        f.close()
    return _text(kind) if isinstance(kind, (str, bytes)) else ""


def load(path: str, probe: bool = True):
    """Open a zonesim file: a Run for run files, a Sweep for sweep files. Raises ZonesimFileError
    with a one-line message naming the file and what is wrong on bad input. `probe=False` skips
    the check in a child process that protects this process from crashes of HDF5 on damaged files
    (see _probe): for files known to be whole."""
    path = os.fspath(path)
    if probe:
        _check_file(path)
        _probe(path)
    return Sweep(path, probe=False) if kind_of(path) == "sweep" else Run(path, probe=False)


def load_run(path: str, purpose: str = "this command") -> Run:
    """Open a run file; a sweep file gets an error that says what it is and what to run instead."""
    f = load(path)
    if isinstance(f, Sweep):
        f.close()
        raise ZonesimFileError(
            f"{path} is a sweep file (kind = \"sweep\", written by `zonesim sweep` or `zonesim optimize`), not a "
            f"run file; {purpose} takes run files (`zonesim run`). For a sweep use `zonesim report {path}` "
            f"or `zonesim export {path} --csv DIR` (experiments and outcomes)")
    return f


def load_sweep(path: str) -> Sweep:
    return Sweep(path)
