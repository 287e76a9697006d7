"""Observed series in the report (issue 18): for each series of a run file's /fit group, a fan
chart of the simulated indicator (median, 50 % and 90 % bands over replications) with the
observations as points. Kept apart from report.py, which calls observed_section() once."""
from __future__ import annotations

import html
from typing import List

import numpy as np
import pandas as pd

TEXT = {
    "en": {"title": "Observed series against the simulation",
           "note": "Median (line), 50 % band (dark) and 90 % band (light) over replications; the points "
                   "are the observations (filled: inside the 90 % band), with ln(sim mean / observed).",
           "obs": "observed", "year": "year"},
    "zh": {"title": "观测值与模拟对比",
           "note": "实线为中位数,深色带为 50% 区间,浅色带为 90% 区间;圆点为观测值(实心表示落在 90% 区间内),标注 ln(模拟均值/观测值)。",
           "obs": "观测值", "year": "年份"},
}


def fit_table(run) -> pd.DataFrame:
    """The /fit group as a table (empty when the run has no observed series)."""
    h5 = run.h5
    if "fit" not in h5:
        return pd.DataFrame()
    g = h5["fit"]
    text = lambda name: [v.decode() if isinstance(v, bytes) else str(v) for v in g[name][()]]
    return pd.DataFrame({
        "series": text("series"), "indicator": text("indicator"), "zone": text("zone"),
        "unit": text("unit"), "source": text("source"), "year": g["year"][()].astype(int),
        "observed": g["observed"][()], "mean": g["mean"][()], "p05": g["p05"][()],
        "p95": g["p95"][()], "log_error": g["log_error"][()],
        "inside_band": g["inside_band"][()].astype(bool)})


def observed_chart(run, rows: pd.DataFrame, lang: str = "en"):
    from . import charts
    import matplotlib.pyplot as plt

    charts._ensure_fonts()
    T = TEXT[lang]
    first = rows.iloc[0]
    arr = run.indicator_array(first["indicator"])[:, run.zones.index(first["zone"]), :]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    charts.draw_fan(ax, run.years, arr)
    inside = rows[rows["inside_band"]]
    outside = rows[~rows["inside_band"]]
    if len(inside):
        ax.plot(inside["year"], inside["observed"], "o", color="#c53030", markersize=6, label=T["obs"], zorder=5)
    if len(outside):
        ax.plot(outside["year"], outside["observed"], "o", markerfacecolor="white", color="#c53030", markersize=6,
                zorder=5, label=None if len(inside) else T["obs"])
    for _, r in rows.iterrows():
        ax.annotate(f"{r['log_error']:+.2f}", (r["year"], r["observed"]), textcoords="offset points",
                    xytext=(4, 4), fontsize=7, color="#c53030")
    unit = charts._unit_text(first["unit"])
    ax.set_title(f"{first['series']}: {run.label(first['indicator'], lang)}, {first['zone']}", fontsize=10)
    ax.set_xlabel(T["year"])
    ax.set_ylabel(unit)
    ax.set_xticks(run.years)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.data = rows.reset_index(drop=True)
    return fig


def observed_section(run, lang: str = "en") -> str:
    """HTML of the observed-series section, or "" when the run has no observed series."""
    from .html_page import chart

    table = fit_table(run)
    if table.empty:
        return ""
    T = TEXT[lang]
    parts: List[str] = [f'<h2 id="sec-observed">{html.escape(T["title"])}</h2>',
                        f'<p class="note">{html.escape(T["note"])}</p>', '<div class="grid">']
    for series, rows in table.groupby("series", sort=False):
        parts.append(f'<figure data-observed="{html.escape(series)}">'
                     f'{chart(observed_chart(run, rows, lang), series, "observed-" + series, lang)}</figure>')
    parts.append("</div>")
    return "\n".join(parts)
