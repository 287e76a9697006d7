"""Charts of zonesim runs (matplotlib, Agg backend): fan charts, lever spending, zones side by
side. Each function draws on a Figure it returns; the figure's `data` attribute is a DataFrame of
exactly what is drawn (the report offers it as CSV). `render` turns a figure into SVG (vector,
print quality) and PNG (the fallback) data; `png_bytes` into PNG only."""
from __future__ import annotations

import io
import math
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from .labels import unit_text  # noqa: E402
from .reader import Run  # noqa: E402

CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK KR",
                "Source Han Sans SC", "WenQuanYi Zen Hei"]
_fonts_ready = False


def setup_fonts() -> Optional[str]:
    """Put a CJK font first in font.sans-serif so that Chinese labels render as Chinese.
    Returns the CJK family found (None when none is installed)."""
    global _fonts_ready
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not any(f in installed for f in CJK_FAMILIES):
        # fonts-noto-cjk ships .ttc collections that an old font cache may not list yet.
        for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                pass
        installed = {f.name for f in font_manager.fontManager.ttflist}
    found = [f for f in CJK_FAMILIES if f in installed]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = CJK_FAMILIES + ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 110
    plt.rcParams["axes.spines.top"] = False
    plt.rcParams["axes.spines.right"] = False
    _fonts_ready = True
    return found[0] if found else None


def _ensure_fonts() -> None:
    if not _fonts_ready:
        setup_fonts()


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def render(fig):
    """(SVG, PNG) data of a figure, then closes it. The SVG draws text as paths (no font needed
    to view it) and carries no date, so the same figure gives the same bytes."""
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    return svg.getvalue(), png_bytes(fig)


def band_table(years, arr: np.ndarray, **columns) -> pd.DataFrame:
    """year, the 5/25/50/75/95 % quantiles over replications of arr [year, replication] (as
    draw_fan draws them) and constant `columns`."""
    q = np.nanpercentile(arr, [5, 25, 50, 75, 95], axis=1)
    df = pd.DataFrame({"year": np.asarray(years, dtype=int), "p05": q[0], "p25": q[1], "p50": q[2], "p75": q[3],
                       "p95": q[4]})
    for k, v in columns.items():
        df.insert(0, k, v)
    return df


def _unit_text(unit: str, lang: str = "en") -> str:
    return unit_text(unit, lang)


def draw_observed(ax, run: Run, target) -> None:
    """Observed values of a target's quantity, where the file holds them (a hook for the
    observed series: nothing to draw yet)."""
    return None


BAND_COLOR = "#2b6cb0"
ALT_COLOR = "#c05621"


def draw_fan(ax, years, arr: np.ndarray, color: str = BAND_COLOR, label: Optional[str] = None,
             bands: Sequence[int] = (90, 50), outline: bool = False) -> None:
    """Median line and central bands (90 % = 5th to 95th percentile, 50 % = quartiles) of
    arr [year, replication]. `outline` draws the bands without fill (90 %: thin dashed edges,
    50 %: hatched), so that a second run laid over a filled one stays readable and the two never
    mix into grey."""
    q = np.nanpercentile(arr, [5, 25, 50, 75, 95], axis=1)
    if outline:
        if 90 in bands:
            ax.plot(years, q[0], color=color, linewidth=1, linestyle="--")
            ax.plot(years, q[4], color=color, linewidth=1, linestyle="--")
        if 50 in bands:
            ax.fill_between(years, q[1], q[3], facecolor="none", edgecolor=color, hatch="///", linewidth=0.8)
        ax.plot(years, q[2], color=color, linewidth=2.2, label=label)
        return
    if 90 in bands:
        ax.fill_between(years, q[0], q[4], color=color, alpha=0.15, linewidth=0)
    if 50 in bands:
        ax.fill_between(years, q[1], q[3], color=color, alpha=0.30, linewidth=0)
    ax.plot(years, q[2], color=color, linewidth=2, label=label)


def fan_chart(run: Run, target, lang: str = "en", alt: Optional[Run] = None,
              alt_name: str = "", base_name: str = ""):
    """Fan chart of one target's quantity over the years (median, 50 % and 90 % bands), with
    the target value as a line and the target year marked. With `alt`, both runs overlaid."""
    _ensure_fonts()
    zh = lang == "zh"
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    arr = run.target_series(target)
    unit = unit_text(target["unit"], lang)
    tables = []
    if arr is not None:
        draw_fan(ax, run.years, arr, label=base_name or None)
        tables.append(band_table(run.years, arr, run=base_name or "run"))
    if alt is not None:
        alt_arr = alt.target_series(target)
        if alt_arr is not None:
            draw_fan(ax, alt.years, alt_arr, color=ALT_COLOR, label=alt_name or None, outline=True)
            tables.append(band_table(alt.years, alt_arr, run=alt_name or "alternative"))
    ax.axhline(target["value"], color="#c53030", linestyle="--", linewidth=1.2,
               label=("目标 " if zh else "target ") + f"{target['comparison']} {target['value']:g} {unit}".rstrip())
    draw_observed(ax, run, target)
    ax.axvline(target["year"], color="#718096", linestyle=":", linewidth=1.2)
    ax.plot([target["year"]], [target["value"]], marker="D", color="#c53030", markersize=7, zorder=5)
    label = target["label_zh"] if zh else target["label_en"]
    ax.set_title(label if zh else f"{target['id']}: {label}", fontsize=10)
    ax.set_xlabel("年份" if zh else "year")
    ax.set_ylabel(unit)
    ax.set_xticks(run.years)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    note = "中位数,50% 与 90% 区间" if zh else "median, 50 % and 90 % bands"
    ax.legend(handles, labels, fontsize=8, loc="best", title=note, title_fontsize=8)
    fig.data = pd.concat(tables, ignore_index=True) if tables else band_table([], np.zeros((0, 1)), run=[])
    fig.data.insert(0, "target", target["id"])
    fig.data["unit"] = target["unit"]
    fig.data["target_value"] = target["value"]
    fig.data["target_year"] = int(target["year"])
    return fig


def spending_chart(run: Run, lang: str = "en", zone: str = "all"):
    """Lever spending per year (mean over replications), stacked by lever, 亿元."""
    _ensure_fonts()
    zh = lang == "zh"
    zi = run.zones.index(zone)
    years = np.asarray(run.years)
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    bottom = np.zeros(len(years))
    cmap = plt.get_cmap("tab10")
    drawn = 0
    rows = []
    for i, key in enumerate(run.spending_keys):
        mean = run.spending_array(key)[:, zi, :].mean(axis=1)
        rows += [{"zone": zone, "year": int(y), "lever": key, "label": run.spending_label(key, lang), "mean": m,
                  "unit": "亿元"} for y, m in zip(years, mean)]
        if not np.any(mean > 0):
            continue
        ax.bar(years, mean, bottom=bottom, color=cmap(i % 10), label=run.spending_label(key, lang), width=0.7)
        bottom += mean
        drawn += 1
    ax.set_title(("政策支出(各次模拟平均)," if zh else "Lever spending (mean over replications), ")
                 + run.zone_name(zone, lang), fontsize=10)
    ax.set_xlabel("年份" if zh else "year")
    ax.set_ylabel("亿元")
    ax.set_xticks(years)
    ax.grid(axis="y", alpha=0.3)
    if drawn:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.text(0.5, 0.5, "无政策支出" if zh else "no lever spending", transform=ax.transAxes, ha="center")
    fig.data = pd.DataFrame(rows, columns=["zone", "year", "lever", "label", "mean", "unit"])
    return fig


def zones_chart(run: Run, indicators: Sequence[str], lang: str = "en", ncols: int = 3):
    """Small multiples: one panel per indicator, one line (median, 90 % band) per zone."""
    _ensure_fonts()
    zh = lang == "zh"
    inds = [k for k in indicators if k in run.indicator_keys]
    zones = [z for z in run.zones if z != "all"]
    n = max(1, len(inds))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.7 * nrows), squeeze=False)
    cmap = plt.get_cmap("tab10")
    tables = []
    for k, ind in enumerate(inds):
        ax = axes[k // ncols][k % ncols]
        arr = run.indicator_array(ind)
        for j, z in enumerate(zones):
            draw_fan(ax, run.years, arr[:, run.zones.index(z), :], color=cmap(j % 10),
                     label=run.zone_name(z, lang), bands=(90,))
            tables.append(band_table(run.years, arr[:, run.zones.index(z), :], zone=z, indicator=ind)
                          .assign(unit=run.unit(ind)))
        unit = _unit_text(run.unit(ind), lang)
        ax.set_title(run.label(ind, lang) + (f" ({unit})" if unit else ""), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.set_xticks(run.years[:: max(1, len(run.years) // 6)])
        ax.grid(alpha=0.3)
    for k in range(len(inds), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(zones), 6), fontsize=9,
               title=("园区(中位数与 90% 区间)" if zh else "zones (median and 90 % band)"), title_fontsize=9,
               bbox_to_anchor=(0.5, -0.02))
    # Fixed spacing: tight_layout would measure every label again and doubles the drawing time.
    fig.subplots_adjust(left=0.06, right=0.98, top=0.95, bottom=0.08 + 0.02 * (3 - min(nrows, 3)),
                        wspace=0.25, hspace=0.45)
    fig.data = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return fig


def comparison_chart(base: Run, alt: Run, indicator: str, lang: str = "en",
                     base_name: str = "base", alt_name: str = "alt", zone: str = "all"):
    """One indicator over the years for two runs overlaid (median and bands)."""
    _ensure_fonts()
    fig, ax = plt.subplots(figsize=(4.6, 3.0))
    draw_fan(ax, base.years, base.indicator_array(indicator)[:, base.zones.index(zone), :], label=base_name)
    draw_fan(ax, alt.years, alt.indicator_array(indicator)[:, alt.zones.index(zone), :], color=ALT_COLOR,
             label=alt_name, outline=True)
    unit = _unit_text(base.unit(indicator), lang)
    ax.set_title(base.label(indicator, lang) + (f" ({unit})" if unit else ""), fontsize=9)
    ax.set_xticks(base.years)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.data = pd.concat([band_table(base.years, base.indicator_array(indicator)[:, base.zones.index(zone), :],
                                     run=base_name),
                          band_table(alt.years, alt.indicator_array(indicator)[:, alt.zones.index(zone), :],
                                     run=alt_name)], ignore_index=True).assign(indicator=indicator, zone=zone,
                                                                                unit=base.unit(indicator))
    return fig
