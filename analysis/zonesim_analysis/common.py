"""Shared helpers of the command-line tools: exit codes, number formatting, atomic writes."""
from __future__ import annotations

import os
import sys
import tempfile
import unicodedata

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def fail(prog: str, message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return code


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


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write a file through a temporary file in the same directory and a rename, so that the
    final name never holds a half-written file."""
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
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
