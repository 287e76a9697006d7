"""Sweep files (`zonesim sweep` / `zonesim optimize`, kind = "sweep"; layout in docs/sweeps.md):
the charts of a sweep (Sobol tornado, Morris bars, two-factor heat maps, the cost-probability
frontier) and the HTML report `zonesim report SWEEP.h5` writes. The reader (`Sweep`,
`load_sweep`) lives in reader.py with the run files' one."""
from __future__ import annotations

import html
from typing import List

import numpy as np
import pandas as pd

from .common import fmt
from .reader import Sweep, ZonesimFileError, _kind_of, load_sweep

__all__ = ["Sweep", "load_sweep", "is_sweep_file", "build_sweep_report", "tornado_chart", "morris_chart",
           "heatmap_chart", "frontier_chart"]


def is_sweep_file(path: str) -> bool:
    """True for a readable HDF5 file whose root says kind = "sweep"."""
    try:
        return _kind_of(path) == "sweep"
    except ZonesimFileError:
        return False


# ---- charts ------------------------------------------------------------------------------------

def _short(name: str) -> str:
    return name if len(name) <= 28 else name[:27] + "…"


def tornado_chart(sw: Sweep, q: int, lang: str = "en"):
    """Sobol indices of one quantity: total ST (light bar) and first-order S1 (dark bar, 95 %
    bootstrap interval as whiskers), factors sorted by ST."""
    from . import charts
    charts._ensure_fonts()
    plt = charts.plt
    s = sw.sobol()
    zh = lang == "zh"
    order = np.argsort(s["ST"][q])
    names = [_short(sw.factors[i]) for i in order]
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(6.2, 0.55 * len(order) + 1.3))
    ax.barh(y + 0.18, s["ST"][q][order], height=0.36, color="#90cdf4", label="ST " + ("总效应" if zh else "total"))
    s1 = s["S1"][q][order]
    err = np.vstack([np.maximum(0, s1 - s["S1_low"][q][order]), np.maximum(0, s["S1_high"][q][order] - s1)])
    ax.barh(y - 0.18, s1, height=0.36, color="#2b6cb0", xerr=err, capsize=3,
            label="S1 " + ("一阶(95% 区间)" if zh else "first order (95 % interval)"))
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.axvline(0, color="#4a5568", linewidth=0.8)
    ax.set_xlim(min(-0.05, float(np.nanmin(s["S1_low"][q])) - 0.05), max(1.05, float(np.nanmax(s["ST_high"][q])) + 0.05))
    ax.set_title(_short(s["quantity"][q]) if len(s["quantity"][q]) > 40 else s["quantity"][q], fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.data = pd.DataFrame({"quantity": s["quantity"][q], "factor": sw.factors, "S1": s["S1"][q],
                             "S1_low": s["S1_low"][q], "S1_high": s["S1_high"][q], "ST": s["ST"][q],
                             "ST_low": s["ST_low"][q], "ST_high": s["ST_high"][q]})
    return fig


def morris_chart(sw: Sweep, q: int, lang: str = "en"):
    """Morris mu* (bars) and sigma (dots) of one quantity, factors sorted by mu*."""
    from . import charts
    charts._ensure_fonts()
    plt = charts.plt
    m = sw.morris()
    order = np.argsort(m["mu_star"][q])
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(6.2, 0.55 * len(order) + 1.3))
    ax.barh(y, m["mu_star"][q][order], height=0.5, color="#2b6cb0", label="mu*")
    ax.plot(m["sigma"][q][order], y, "o", color="#c05621", label="sigma")
    ax.set_yticks(y)
    ax.set_yticklabels([_short(sw.factors[i]) for i in order], fontsize=8)
    ax.set_title(m["quantity"][q], fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.data = pd.DataFrame({"quantity": m["quantity"][q], "factor": sw.factors, "mu": m["mu"][q],
                             "mu_star": m["mu_star"][q], "sigma": m["sigma"][q]})
    return fig


def heatmap_chart(sw: Sweep, name: str, values: np.ndarray, lang: str = "en"):
    """A quantity over a two-factor grid, one cell per point, value written in the cell."""
    from . import charts
    charts._ensure_fonts()
    plt = charts.plt
    v0, v1, index = sw.two_factor_grid()
    grid = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
    fig, ax = plt.subplots(figsize=(1.1 * len(v1) + 2.6, 0.55 * len(v0) + 1.6))
    im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(v1)))
    ax.set_xticklabels([sw.factor_value_text(1, v) for v in v1], fontsize=8, rotation=30)
    ax.set_yticks(range(len(v0)))
    ax.set_yticklabels([sw.factor_value_text(0, v) for v in v0], fontsize=8)
    ax.set_xlabel(sw.factors[1], fontsize=9)
    ax.set_ylabel(sw.factors[0], fontsize=9)
    for i in range(len(v0)):
        for j in range(len(v1)):
            if grid[i, j] == grid[i, j]:
                ax.text(j, i, fmt(grid[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if grid[i, j] < np.nanmean(grid) else "black")
    unit = sw.quantity_unit(name)
    ax.set_title(name + ("" if unit in ("", "1", "count") else f" ({unit})"), fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.05)
    rows = [{sw.factors[0]: sw.factor_value_text(0, a), sw.factors[1]: sw.factor_value_text(1, b),
             "point": int(index[i, j]), "quantity": name, "value": grid[i, j], "unit": unit}
            for i, a in enumerate(v0) for j, b in enumerate(v1)]
    fig.data = pd.DataFrame(rows)
    return fig


def frontier_chart(sw: Sweep, lang: str = "en"):
    """Every evaluated point (budget cost, probability of the required targets), the Pareto
    front, the probability asked for and the cheapest point meeting it."""
    from . import charts
    charts._ensure_fonts()
    plt = charts.plt
    zh = lang == "zh"
    o = sw.optimize()
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    done = sw.done
    ax.scatter(o["point_cost"][done], o["point_probability"][done], s=14, color="#a0aec0",
               label="评估的设计点" if zh else "evaluated points")
    ax.step(o["cost"], o["probability"], where="post", color="#2b6cb0", linewidth=1.8,
            label="帕累托前沿" if zh else "Pareto front")
    ax.axhline(o["threshold"], color="#c53030", linestyle="--", linewidth=1.1,
               label=("要求的概率 " if zh else "required probability ") + fmt(o["threshold"]))
    if o["best"] >= 0:
        b = o["best"]
        ax.plot([o["point_cost"][b]], [o["point_probability"][b]], marker="*", markersize=14, color="#c53030",
                label="最低成本可行点" if zh else "cheapest feasible point")
    ax.set_xlabel("政策支出合计(亿元)" if zh else "budget cost (亿元, sum over the years)")
    ax.set_ylabel(("同时达成概率: " if zh else "P(met): ") + o["required"])
    ax.set_ylim(-0.03, 1.03)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    points = np.flatnonzero(done)
    fig.data = pd.DataFrame({"point": points, "cost": o["point_cost"][points],
                             "probability": o["point_probability"][points],
                             "on_front": np.isin(points, o["frontier"]), "cheapest_feasible": points == o["best"]})
    return fig


# ---- the HTML report ---------------------------------------------------------------------------

TEXT = {
    "en": {
        "title": "Sweep report", "overview": "Design", "factors": "Factors", "targets": "Targets across the design",
        "sensitivity": "Sensitivity", "grid": "Two-factor grid", "optimize": "Policy search",
        "discovery": "Scenario discovery", "provenance": "Provenance", "factor": "Factor", "unit": "Unit",
        "range": "Range or values", "target": "Target", "what": "What", "pmin": "P(met), lowest point",
        "pmed": "median point", "pmax": "highest point", "quantity": "Quantity",
        "sobol_note": "Sobol indices (Saltelli 2010 first order S1 with its 95 % bootstrap interval, Jansen total "
                      "ST) of each quantity per point over the factors' ranges. S1: share of the variance the factor "
                      "explains alone; ST: including its interactions. Quantities that do not vary are left out.",
        "morris_note": "Morris elementary effects per whole factor range: mu* (mean absolute effect) and sigma "
                       "(spread: non-linearity or interactions).",
        "grid_note": "Mean over replications at each point of the grid.",
        "opt_note": "Each point's budget cost (mean over replications of the lever spending summed over the years) "
                    "against the share of replications meeting {req}; the front holds the points no other point "
                    "beats on both.",
        "best": "Cheapest setting that meets {req} with probability ≥ {p}: point {b}, cost {c} 亿元, P = {pb}.",
        "none": "No evaluated point meets {req} with probability ≥ {p}; the front shows the best found.",
        "every": "every target", "required": "the required targets ({ids})",
        "point": "Point", "cost": "Cost (亿元)", "prob": "P(met)", "set": "Reproduce with",
        "sweep_text": "Sweep file", "no_variation": "no variation",
        "points": "points", "replications": "replications each", "seed": "seed", "base": "base scenario",
    },
    "zh": {
        "title": "参数扫描报告", "overview": "试验设计", "factors": "因子", "targets": "各设计点的目标达成情况",
        "sensitivity": "敏感性分析", "grid": "双因子网格", "optimize": "政策搜索", "discovery": "情景发现",
        "provenance": "运行信息", "factor": "因子", "unit": "单位", "range": "取值范围", "target": "目标",
        "what": "内容", "pmin": "达标概率:最低的设计点", "pmed": "中位", "pmax": "最高", "quantity": "指标",
        "sobol_note": "各指标(每个设计点的均值或概率)在因子取值范围内的 Sobol 指数:S1 为一阶指数(Saltelli 2010,"
                      "附 95% bootstrap 区间),ST 为总效应指数(Jansen)。S1 表示该因子单独解释的方差比例,ST 包括交互作用。"
                      "没有变化的指标不列出。",
        "morris_note": "Morris 基本效应(按因子全范围计):mu* 为平均绝对效应,sigma 为离散程度(非线性或交互作用)。",
        "grid_note": "网格中每个设计点的各次模拟平均。",
        "opt_note": "每个设计点的政策支出合计(各年之和,各次模拟平均)与{req}同时达成的概率;帕累托前沿上的点不被其他点在两方面同时超越。",
        "best": "以不低于 {p} 的概率达成{req}的最低成本方案:设计点 {b},成本 {c} 亿元,概率 {pb}。",
        "none": "没有设计点能以不低于 {p} 的概率达成{req};前沿显示已找到的最好结果。",
        "every": "全部目标", "required": "所要求的目标({ids})",
        "point": "设计点", "cost": "成本(亿元)", "prob": "达标概率", "set": "复现命令",
        "sweep_text": "扫描文件", "no_variation": "无变化",
        "points": "个设计点", "replications": "次模拟/点", "seed": "随机种子", "base": "基准情景",
    },
}


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def _num(value, text: str, field: str) -> str:
    return f'<td class="num" data-field="{field}" data-value="{float(value)!r}">{_esc(text)}</td>'


def _varies(v: np.ndarray) -> bool:
    v = v[np.isfinite(v)]
    return len(v) > 1 and float(np.ptp(v)) > 0


def build_sweep_report(sw: Sweep, lang: str = "en") -> str:
    from . import charts
    from .report import CHECK_JS, CSS, chart

    charts.setup_fonts()
    T = TEXT[lang]
    quantities = sw.point_quantities()
    done = sw.done
    parts: List[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(T['title'])}: {_esc(sw.meta.get('sweep_name', ''))}</title><style>{CSS}</style>",
        f"<script>{CHECK_JS}</script></head><body>",
        f"<h1>{_esc(T['title'])}: {_esc(sw.meta.get('sweep_name', ''))}</h1>",
        f'<p class="sub">{_esc(T["base"])} {_esc(sw.meta.get("scenario_name", ""))} · {_esc(sw.design)} · '
        f'{int(done.sum())}/{len(done)} {_esc(T["points"])} · {_esc(sw.meta.get("replications", ""))} '
        f'{_esc(T["replications"])} · {_esc(T["seed"])} {_esc(sw.meta.get("seed", ""))}</p>',
    ]

    # Factors.
    rows = []
    for i, f in enumerate(sw.factors):
        words = sw.factor_words[i]
        rng = ", ".join(words) if words else f"{fmt(sw.factor_low[i])} – {fmt(sw.factor_high[i])}"
        unit = sw.factor_units[i] if not words else ""
        rows.append(f"<tr><td>{_esc(f)}</td><td>{_esc(unit)}</td><td>{_esc(rng)}</td></tr>")
    parts.append(f'<h2 id="sec-factors">{_esc(T["factors"])}</h2><table id="factors"><thead><tr>'
                 f'<th>{_esc(T["factor"])}</th><th>{_esc(T["unit"])}</th><th>{_esc(T["range"])}</th></tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>')

    # Targets across the design.
    if sw.target_ids:
        labels = sw.target_labels(lang)
        rows = []
        for t, tid in enumerate(sw.target_ids):
            p = quantities[f"P({tid})"][done]
            lo, med, hi = (np.min(p), np.median(p), np.max(p)) if len(p) else (np.nan,) * 3
            rows.append(f'<tr data-target="{_esc(tid)}"><td>{_esc(tid)}</td><td>{_esc(labels[t])}</td>'
                        + _num(lo, f"{100 * lo:.1f} %", "p_min") + _num(med, f"{100 * med:.1f} %", "p_median")
                        + _num(hi, f"{100 * hi:.1f} %", "p_max") + "</tr>")
        head = "".join(f"<th>{_esc(T[k])}</th>" for k in ["target", "what", "pmin", "pmed", "pmax"])
        parts.append(f'<h2 id="sec-targets">{_esc(T["targets"])}</h2><table id="targets"><thead><tr>{head}</tr>'
                     f'</thead><tbody>{"".join(rows)}</tbody></table>')

    # Sensitivity.
    sob, mor = sw.sobol(), sw.morris()
    if sob is not None:
        parts.append(f'<h2 id="sec-sensitivity">{_esc(T["sensitivity"])}</h2><p class="note">{_esc(T["sobol_note"])}</p>')
        head = f'<th>{_esc(T["quantity"])}</th>' + "".join(f"<th>{_esc(f)}<br>S1 [95 %] / ST</th>" for f in sw.factors)
        rows, figs = [], []
        for q, name in enumerate(sob["quantity"]):
            varies = sob["variance"][q] == sob["variance"][q] and sob["variance"][q] > 0
            cells = []
            for i in range(len(sw.factors)):
                if not varies:
                    cells.append(f'<td class="num">{_esc(T["no_variation"])}</td>')
                    continue
                s1, st = sob["S1"][q][i], sob["ST"][q][i]
                text = f"{fmt(s1)} [{fmt(sob['S1_low'][q][i])}, {fmt(sob['S1_high'][q][i])}] / {fmt(st)}"
                cells.append(f'<td class="num" data-field="S1" data-factor="{i}" data-value="{float(s1)!r}" '
                             f'data-st="{float(st)!r}">{_esc(text)}</td>')
            rows.append(f'<tr data-quantity="{_esc(name)}"><td>{_esc(name)}</td>{"".join(cells)}</tr>')
            if varies:
                figs.append(f'<figure data-quantity="{_esc(name)}">'
                            f'{chart(tornado_chart(sw, q, lang), "tornado " + name, f"sobol-{q}", lang)}</figure>')
        parts.append(f'<table id="sobol"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
        parts.append(f'<div class="grid">{"".join(figs)}</div>')
    elif mor is not None:
        parts.append(f'<h2 id="sec-sensitivity">{_esc(T["sensitivity"])}</h2><p class="note">{_esc(T["morris_note"])}</p>')
        head = f'<th>{_esc(T["quantity"])}</th>' + "".join(f"<th>{_esc(f)}<br>mu* / sigma</th>" for f in sw.factors)
        rows, figs = [], []
        for q, name in enumerate(mor["quantity"]):
            cells = "".join(f'<td class="num" data-field="mu_star" data-factor="{i}" data-value="{float(mor["mu_star"][q][i])!r}">'
                            f'{_esc(fmt(mor["mu_star"][q][i]) + " / " + fmt(mor["sigma"][q][i]))}</td>'
                            for i in range(len(sw.factors)))
            rows.append(f'<tr data-quantity="{_esc(name)}"><td>{_esc(name)}</td>{cells}</tr>')
            if np.any(mor["mu_star"][q] > 0):
                figs.append(f'<figure data-quantity="{_esc(name)}">'
                            f'{chart(morris_chart(sw, q, lang), "morris " + name, f"morris-{q}", lang)}</figure>')
        parts.append(f'<table id="morris"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
        parts.append(f'<div class="grid">{"".join(figs)}</div>')

    # Heat maps of a two-factor grid.
    if sw.two_factor_grid() is not None:
        figs = []
        for name, values in quantities.items():
            if _varies(values[done]):
                figs.append(f'<figure data-heatmap="{_esc(name)}">'
                            f'{chart(heatmap_chart(sw, name, values, lang), "heat map " + name, f"heatmap-{len(figs)}", lang)}</figure>')
        parts.append(f'<h2 id="sec-grid">{_esc(T["grid"])}</h2><p class="note">{_esc(T["grid_note"])}</p>'
                     f'<div class="grid">{"".join(figs)}</div>')

    # Policy search.
    opt = sw.optimize()
    if opt is not None:
        req = T["every"] if opt["required"] == "all" else T["required"].format(ids=opt["required"])
        parts.append(f'<h2 id="sec-optimize">{_esc(T["optimize"])}</h2>'
                     f'<p class="note">{_esc(T["opt_note"].format(req=req))}</p>')
        parts.append(chart(frontier_chart(sw, lang), T["optimize"], "frontier", lang))
        b = opt["best"]
        if b >= 0:
            parts.append(f'<p id="best-point" data-point="{b}">' + _esc(T["best"].format(
                req=req, p=fmt(opt["threshold"]), b=b, c=fmt(opt["point_cost"][b]),
                pb=fmt(opt["point_probability"][b]))) + "</p>")
            settings = " ".join(f"--set {f}={sw.factor_value_exact(i, sw.matrix[b][i])}"
                                for i, f in enumerate(sw.factors))
            parts.append(f'<p>{_esc(T["set"])}: <code id="best-set">zonesim run {_esc(sw.scenario_file())} '
                         f'-r {_esc(sw.meta.get("replications", ""))} --seed {_esc(sw.meta.get("seed", ""))} '
                         f'{_esc(settings)}</code></p>')
        else:
            parts.append('<p id="best-point" data-point="-1">'
                         + _esc(T["none"].format(req=req, p=fmt(opt["threshold"]))) + "</p>")
        head = "".join(f"<th>{_esc(x)}</th>" for x in [T["point"], T["cost"], T["prob"]] + sw.factors)
        rows = []
        for k, p in enumerate(opt["frontier"]):
            cells = "".join(f"<td>{_esc(sw.factor_value_text(i, sw.matrix[p][i]))}</td>" for i in range(len(sw.factors)))
            rows.append(f'<tr data-point="{int(p)}"{" class=met" if p == b else ""}><td class="num">{int(p)}</td>'
                        + _num(opt["cost"][k], fmt(opt["cost"][k]), "cost")
                        + _num(opt["probability"][k], fmt(opt["probability"][k]), "probability") + cells + "</tr>")
        parts.append(f'<table id="frontier"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')

    # Scenario discovery.
    texts = sw.discovery()
    if texts:
        parts.append(f'<h2 id="sec-discovery">{_esc(T["discovery"])}</h2><ul id="discovery">'
                     + "".join(f"<li>{_esc(t)}</li>" for t in texts) + "</ul>")

    parts.append(f'<h2 id="sec-provenance">{_esc(T["provenance"])}</h2>')
    parts.append('<table id="provenance">' + "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
                                                   for k, v in sw.provenance().items()) + "</table>")
    text = sw.sweep_text()
    if text:
        parts.append(f"<details><summary>{_esc(T['sweep_text'])}</summary><pre>{_esc(text)}</pre></details>")
    parts.append("</body></html>")
    return "\n".join(parts)
