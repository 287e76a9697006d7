"""Shared helpers of the command-line tools: exit codes, number formatting, and the one way\nthey write files (write_output, write_outputs: atomic, never replacing a file without --force)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import unicodedata

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def fail(prog: str, message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return code


def default_lang() -> str:
    """The language of reports and comparisons when --lang is not given: Chinese when the
    locale is Chinese (LC_ALL, LC_MESSAGES or LANG starting with zh), else English — the rule of
    the planner's page, which follows the browser's language."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def fmt(v, digits: int = 3) -> str:
    """A number with about `digits` significant figures, never in scientific notation for
    ordinary magnitudes (683.5, 3.82, 0.0412, 12345)."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if v != v:  # NaN
        return "-"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a == 0:
        return "0"
    if a >= 0.001:
        return f"{v:.3f}"
    return f"{v:.2e}"


def with_unit(v, unit: str) -> str:
    """683.5 亿元, 3.82 %, 1,200 (counts and pure numbers carry no unit text)."""
    s = fmt(v)
    if unit in ("", "1", "count"):
        return s
    return f"{s} {unit}"


def signed(v) -> str:
    s = fmt(v)
    return s if s.startswith("-") or s in ("0", "-") else "+" + s


def width(s: str) -> int:
    """Terminal columns of a string: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: str, n: int, right: bool = False) -> str:
    sp = " " * max(0, n - width(s))
    return sp + s if right else s + sp


def text_table(header, rows, right_from: int = 1) -> str:
    """Aligned text table; columns from `right_from` on are right-aligned."""
    w = [width(h) for h in header]
    for r in rows:
        for i, c in enumerate(r):
            w[i] = max(w[i], width(c))
    lines = ["  ".join(pad(h, w[i], i >= right_from) for i, h in enumerate(header)).rstrip()]
    lines.append("-" * (sum(w) + 2 * (len(w) - 1)))
    for r in rows:
        lines.append("  ".join(pad(c, w[i], i >= right_from) for i, c in enumerate(r)).rstrip())
    return "\n".join(lines)


class OutputError(Exception):
    """An output path that cannot be used as given (it exists and --force was not given, it is a
    directory or a device, its directory is missing, it is an input): the command exits 2."""


def check_output(path: str, force: bool, inputs=()) -> None:
    """Raises OutputError when `path` may not be written. Commands call it before their work, so
    that a refusal comes first; write_output checks again when it writes."""
    if os.path.isdir(path):
        raise OutputError(f"output path {path} is a directory; give a file name")
    if os.path.lexists(path):
        if not os.path.isfile(path):
            raise OutputError(f"output path {path} exists and is not a regular file; only regular files are replaced")
        if not force:
            raise OutputError(f"output file {path} exists; pass --force to overwrite it")
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        raise OutputError(f"output directory {d} does not exist")
    if not os.access(d, os.W_OK):
        raise OutputError(f"output directory {d} is not writable")
    for i in inputs:
        if i and os.path.exists(i) and os.path.exists(path) and os.path.samefile(i, path):
            raise OutputError(f"output file {path} is the input {i}; choose another name")


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_output(path: str, data: bytes, force: bool) -> None:
    """The one way the analysis commands write a file (CSV, HTML, PNG, SVG): `data` goes to a
    temporary file in the same directory (`.NAME.XXXX.tmp`), is flushed to disk, and only then
    takes the final name, so the final name never holds a partial file. Without `force` an
    existing file is never replaced (OutputError), even one that appears while writing; with it,
    only a regular file is. On any failure (a full disk: OSError) the temporary file is removed."""
    check_output(path, force)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        if force:
            check_output(path, force)  # still not a directory or device
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name exists: never replaces a file
            except FileExistsError:
                raise OutputError(f"output file {path} exists; pass --force to overwrite it") from None
            os.unlink(tmp)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Replaces `path` atomically (the caller has checked --force): write_output(..., force=True)."""
    write_output(path, data, force=True)


def check_output_directory(directory: str, force: bool) -> None:
    """Raises OutputError when files may not be written into `directory` (see write_outputs)."""
    if os.path.lexists(directory) and not os.path.isdir(directory):
        raise OutputError(f"{directory} exists and is not a directory")
    if os.path.isdir(directory) and os.listdir(directory) and not force:
        raise OutputError(f"directory {directory} is not empty; pass --force to write into it")
    parent = os.path.dirname(os.path.abspath(directory))
    if not os.path.isdir(parent):
        raise OutputError(f"parent directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"parent directory {parent} is not writable")


def write_outputs(directory: str, files: dict, force: bool) -> None:
    """Writes `files` (name -> bytes) into `directory` as one step: every file is first written
    to a temporary directory beside it (`.NAME.XXXX.tmp`), then a new or empty directory takes
    its place by one rename, or (with `force`, into a non-empty directory) each file is renamed
    into it. A failure while writing (a full disk: OSError) removes the temporary directory and
    leaves `directory` as it was. Without `force` a non-empty directory is refused (OutputError)."""
    check_output_directory(directory, force)
    parent = os.path.dirname(os.path.abspath(directory))
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(os.path.abspath(directory)) + ".", suffix=".tmp", dir=parent)
    try:
        for name, data in files.items():
            write_output(os.path.join(tmp, name), data, force=False)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp creates 0700
        try:
            os.rename(tmp, directory)  # a new directory, or replaces an empty one
            return
        except OSError:
            check_output_directory(directory, force)  # e.g. filled meanwhile
        for name in files:
            target = os.path.join(directory, name)
            if os.path.lexists(target) and not os.path.isfile(target):
                raise OutputError(f"{target} exists and is not a regular file; only regular files are replaced")
        for name in files:
            os.replace(os.path.join(tmp, name), os.path.join(directory, name))
        os.rmdir(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
