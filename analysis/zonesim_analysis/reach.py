"""What it would take (issue 14): the /reach group of a run file written by `zonesim run --reach`,
for each target out of reach and each lever moved alone, the smallest value found at which the
target's P(met) reaches the threshold. Kept apart from report.py, which calls reach_section()
once; a file without /reach gives no section."""
from __future__ import annotations

import html
from typing import List

import pandas as pd

from . import labels
from .common import signed

TEXT = {
    "en": {"title": "What it would take",
           "note": "For each target with P(met) below {t} %, each lever moved alone, in every year and zone, from "
                   "the scenario's value toward the end of its valid range that helps; the smallest value found by "
                   "bisection at which P(met) reaches {t} % ({r} replications per evaluation, the same seed for "
                   "every evaluation). P(met) need not rise steadily with a lever; this is not an optimisation of "
                   "levers together (zonesim optimize). A programme is paid only as far as the zones' money goes "
                   "(what it asks beyond that is cut pro rata), so a large setting can cost little and deliver "
                   "less than it asks.",
           "target": "Target", "lever": "Lever", "from": "Scenario", "to": "Needed", "prob": "P(met)",
           "budget": "Budget change 亿元", "out_of_range": "not within the valid range (P = {p} at {b})",
           "not_valid": "not valid here: {m}", "none": "Every target has P(met) at or above {t} %.",
           "nothing": "No lever alone reaches any of these targets within its valid range.",
           "beyond": "Levers not reaching a target within their valid range ({n})"},
    "zh": {"title": "达标所需的政策力度",
           "note": "对达标概率低于 {t}% 的每个目标,逐一单独调整每项政策杠杆(各年、各园区取同一值),自情景取值向有效范围内有利的一端移动;"
                   "表中为二分搜索找到的使达标概率达到 {t}% 的最小取值(每次评估 {r} 次模拟,随机种子相同)。"
                   "达标概率不一定随杠杆单调变化;这不是多项杠杆的联合优化(见 zonesim optimize)。"
                   "项目支出以园区可用资金为限(超出部分按比例削减),故较大的取值可能花费不多,实际落实也少于所设。",
           "target": "目标", "lever": "政策杠杆", "from": "情景取值", "to": "所需取值", "prob": "达标概率",
           "budget": "财政支出变化(亿元)", "out_of_range": "有效范围内无法达到(在 {b} 处概率为 {p})",
           "not_valid": "该情景下无效:{m}", "none": "所有目标的达标概率均不低于 {t}%。",
           "nothing": "在有效范围内,单独调整任何一项政策杠杆都无法使这些目标达到该概率。",
           "beyond": "在有效范围内无法使目标达标的政策杠杆({n} 项)"},
}


def reach_table(run) -> pd.DataFrame:
    """The /reach group as a table (empty when the file has none)."""
    h5 = run.h5
    if "reach" not in h5:
        return pd.DataFrame()
    g = h5["reach"]
    text = lambda name: [v.decode() if isinstance(v, bytes) else str(v) for v in g[name][()]]
    cols = {c: text(c) for c in ["target", "lever", "outcome", "direction", "unit", "message"]}
    for c in ["from", "value", "bound", "value_short", "probability", "probability_bound", "probability_short",
              "budget_change"]:
        cols[c] = g[c][()]
    return pd.DataFrame(cols)


def _value(v: float, unit: str, direction: str, lang: str) -> str:
    if unit == "1" and direction not in ("max", "min"):  # a boolean or a choice: the word
        return direction
    return labels.with_unit_text(labels.fmt_exactish(v), unit, lang)


def reach_section(run, lang: str = "en") -> str:
    """The section "What it would take", or "" when the file has no /reach group."""
    if "reach" not in run.h5:
        return ""
    T = TEXT[lang]
    esc = html.escape
    g = run.h5["reach"]
    t = labels.fmt_exactish(round(100 * float(g.attrs["threshold"]), 6))
    out: List[str] = [f'<h2 id="sec-reach">{esc(T["title"])}</h2>',
                      f'<p class="note">{esc(T["note"].format(t=t, r=int(g.attrs["replications"])))}</p>']
    table = reach_table(run)
    if not len(table):
        out.append(f'<p class="note">{esc(T["none"].format(t=t))}</p>')
        return "".join(out)
    targets = run.targets().set_index("id")
    head = "".join(f"<th>{esc(T[k])}</th>" for k in ["target", "lever", "from", "to", "prob", "budget"])
    rows, beyond = [], []
    for _, r in table.iterrows():
        label = targets.loc[r["target"], "label_zh" if lang == "zh" else "label_en"] if r["target"] in targets.index \
            else r["target"]
        lever = labels.label(r["lever"], lang)
        cells = (f'<td>{esc(str(label))}<span class="id">{esc(r["target"])}</span></td>'
                 f'<td>{esc(lever)}<span class="id">{esc(r["lever"])}</span></td>'
                 f'<td class="num">{esc(_value(r["from"], r["unit"], "max", lang))}</td>')
        if r["outcome"] == "reached":
            cells += (f'<td class="num" data-field="value" data-value="{float(r["value"])!r}">'
                      f'{esc(_value(r["value"], r["unit"], r["direction"], lang))}</td>'
                      f'<td class="num" data-field="probability">{100 * r["probability"]:.0f} %</td>'
                      f'<td class="num" data-field="budget_change">{esc(signed(r["budget_change"]))}</td>')
        elif r["outcome"] == "out_of_range":
            bound = ("max " if r["direction"] == "max" else "min " if r["direction"] == "min" else "") + \
                _value(r["bound"], r["unit"], r["direction"], lang)
            p = f"{100 * r['probability_bound']:.0f} %"
            cells += f'<td colspan="3" class="note">{esc(T["out_of_range"].format(p=p, b=bound))}</td>'
        else:
            cells += f'<td colspan="3" class="note">{esc(T["not_valid"].format(m=r["message"]))}</td>'
        (beyond if r["outcome"] == "out_of_range" else rows).append(
            f'<tr data-target="{esc(r["target"])}" data-lever="{esc(r["lever"])}" '
            f'data-outcome="{esc(r["outcome"])}">{cells}</tr>')
    if rows:
        out.append(f'<table id="reach"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    else:
        out.append(f'<p class="note" id="reach">{esc(T["nothing"])}</p>')
    if beyond:  # the levers that do not reach their target within the valid range, folded
        out.append(f'<details><summary>{esc(T["beyond"].format(n=len(beyond)))}</summary>'
                   f'<table id="reach-beyond"><thead><tr>{head}</tr></thead><tbody>{"".join(beyond)}</tbody></table>'
                   f'</details>')
    return "".join(out)
