"""Growth of output by channel in a run report (docs/model.md 3.2): the change of each zone's gross
output from the base year to the last year, split into the five `output_change_*` indicators of
the HDF5 file (sector trend, reallocation, entry, relocation, exits and the rest) summed over the
simulated years, mean over replications. They add up to the change of `gross_output` in every
replication; the table shows both so that a reader can check it. The policy channel needs a
counterfactual run (`zonesim effects`), which a run file does not hold."""
from __future__ import annotations

from typing import List

import numpy as np
import pandas as pd

from .common import fmt, signed
from .html_page import chart, esc, td_num
from .reader import Run

CHANNELS = ["output_change_trend", "output_change_reallocation", "output_change_entry",
            "output_change_relocation", "output_change_exit_other"]
NAMES = {
    "en": {"output_change_trend": "Sector trend", "output_change_reallocation": "Reallocation",
           "output_change_entry": "Entry", "output_change_relocation": "Relocation",
           "output_change_exit_other": "Exits and rest", "change": "Change of output"},
    "zh": {"output_change_trend": "行业市场趋势", "output_change_reallocation": "市场份额再配置",
           "output_change_entry": "新进入企业", "output_change_relocation": "园区间迁移",
           "output_change_exit_other": "退出及其他", "change": "产值变动合计"},
}
TEXT = {
    "en": {"title": "Growth of output by channel",
           "note": "Change of gross industrial output {y0}–{y1} (亿元, mean over {n} replications) by channel, summed "
                   "over the years: market trend of continuing firms, their market shares (reallocation), firms "
                   "producing for the first time, firms moved in less moved out between the scenario's zones (zero "
                   "for all zones), exits and the rest. The channels add up to the change of output. What policy "
                   "adds to each channel needs a run with the levers held at their base-year values: zonesim "
                   "effects prints it.",
           "zone": "Zone", "chart": "Change of output {y0}–{y1} by channel (亿元)", "total": "change of output"},
    "zh": {"title": "产值增长的来源分解",
           "note": "{y0}–{y1} 年工业总产值变动(亿元,{n} 次模拟平均)按来源逐年加总:在位企业的市场趋势、"
                   "市场份额再配置、首次投产的新进入企业、情景内园区间迁入减迁出(全部园区合计为零)、退出及其他。"
                   "各项之和等于产值变动。政策对各项的贡献需与政策保持基年取值的运行对比:见 zonesim effects。",
           "zone": "园区", "chart": "{y0}–{y1} 年产值变动来源(亿元)", "total": "产值变动合计"},
}


def output_channels(run: Run) -> pd.DataFrame:
    """zone, then each channel and `change` (gross_output last year - base year), 亿元, mean over
    replications: one row per zone, the `all` row last."""
    go = run.indicator_array("gross_output")
    rows = []
    for zi, zone in enumerate(run.zones):
        row = {"zone": zone}
        for c in CHANNELS:
            row[c] = float(run.indicator_array(c)[1:, zi, :].sum(axis=0).mean())
        row["change"] = float((go[-1, zi, :] - go[0, zi, :]).mean())
        rows.append(row)
    return pd.DataFrame(rows, columns=["zone", *CHANNELS, "change"])


def channels_chart(run: Run, table: pd.DataFrame, lang: str = "en"):
    """Stacked bars per zone: positive channels up, negative down, the change of output as a
    diamond."""
    from . import charts
    import matplotlib.pyplot as plt

    charts.setup_fonts()
    T, N = TEXT[lang], NAMES[lang]
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    x = np.arange(len(table))
    up, down = np.zeros(len(table)), np.zeros(len(table))
    cmap = plt.get_cmap("tab10")
    for i, c in enumerate(CHANNELS):
        v = table[c].to_numpy()
        base = np.where(v >= 0, up, down)
        ax.bar(x, v, bottom=base, color=cmap(i), width=0.6, label=N[c])
        up, down = up + np.maximum(v, 0), down + np.minimum(v, 0)
    ax.plot(x, table["change"], linestyle="none", marker="D", color="black", markersize=7, label=T["total"])
    ax.axhline(0, color="#4a5568", linewidth=0.8)
    ax.set_xticks(x, [run.zone_name(z, lang) for z in table["zone"]])
    ax.set_ylabel("亿元")
    ax.set_title(T["chart"].format(y0=run.years[0], y1=run.years[-1]), fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    data = table.melt(id_vars="zone", var_name="channel", value_name="mean")
    data["unit"] = "亿元"
    fig.data = data
    return fig


def decomposition_section(run: Run, lang: str = "en") -> str:
    """The section of the run report: a note, the table (zones down, channels across) and the
    chart; "" for a file without the channel indicators."""
    if any(c not in run.indicator_keys for c in CHANNELS) or len(run.years) < 2:
        return ""
    T, N = TEXT[lang], NAMES[lang]
    table = output_channels(run)
    cols = [*CHANNELS, "change"]
    head = f'<th>{esc(T["zone"])}</th>' + "".join(f'<th class="num">{esc(N[c])}</th>' for c in cols)
    rows: List[str] = []
    for _, r in table.iterrows():
        cells = "".join(td_num(r[c], signed(r[c]) if c != "change" else fmt(r[c]), c) for c in cols)
        rows.append(f'<tr data-zone="{esc(r["zone"])}"><td>{esc(run.zone_name(r["zone"], lang))}</td>{cells}</tr>')
    note = T["note"].format(y0=run.years[0], y1=run.years[-1], n=len(run.replications))
    return (f'<h2 id="sec-decomposition">{esc(T["title"])}</h2><p class="note">{esc(note)}</p>'
            f'<div class="scroll"><table id="output-channels"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
            + chart(channels_chart(run, table, lang), T["title"], "output-channels", lang))
