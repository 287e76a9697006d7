"""Sweep files (`zonesim sweep` / `zonesim optimize`, kind = "sweep"; layout in docs/sweeps.md):
the charts of a sweep (Sobol tornado, Morris bars, two-factor heat maps, the cost-probability
frontier) and the HTML report `zonesim report SWEEP.h5` writes. The reader (`Sweep`,
`load_sweep`) lives in reader.py with the run files' one."""
from __future__ import annotations

import shlex
import textwrap
from typing import List

import numpy as np
import pandas as pd

from . import labels
from .common import fmt
from .html_page import chart, esc, key_value_table, page_start, td_num, td_prob
from .reader import Sweep, ZonesimFileError, kind_of, load_sweep

__all__ = ["Sweep", "load_sweep", "is_sweep_file", "build_sweep_report", "tornado_chart", "morris_chart",
           "heatmap_chart", "frontier_chart", "factor_chart", "factor_label", "quantity_label"]


def is_sweep_file(path: str) -> bool:
    """True for a readable HDF5 file whose root says kind = "sweep"."""
    try:
        return kind_of(path) == "sweep"
    except ZonesimFileError:
        return False


# ---- charts ------------------------------------------------------------------------------------

def factor_label(sw: Sweep, i: int, lang: str = "en") -> str:
    """A factor's name for people: the registry's label of its key, with the zone it sets."""
    return labels.label(sw.factors[i], lang)


def quantity_label(sw: Sweep, name: str, lang: str = "en") -> str:
    """A sensitivity quantity's name for people: "P(met): R&D intensity" for P(id), the output's
    label, the budget cost, P(all targets)."""
    zh = lang == "zh"
    if name == "P(all targets)":
        return "全部目标同时达成的概率" if zh else "P(all targets met)"
    if name == "budget_cost":
        return "政策支出合计(亿元)" if zh else "Budget cost (亿元)"
    if name.startswith("P(") and name[2:-1] in sw.target_ids:
        t = sw.target_ids.index(name[2:-1])
        return ("达成概率:" if zh else "P(met): ") + sw.target_labels(lang)[t]
    if name in sw.outputs:
        o = sw.outputs.index(name)
        unit = labels.unit_text(sw.output_units[o], lang)
        parts = name.split("@")  # indicator@zone@year
        where = ", ".join(p for p in parts[1:] if p) if len(parts) > 1 else ""
        if zh:
            where = where.replace("all", "全部园区").replace(", ", ",") + ("年" if where else "")
        extra = ", ".join(x for x in (where, unit) if x)
        return sw.output_labels(lang)[o] + (f"({extra})" if zh and extra else f" ({extra})" if extra else "")
    return name


def _wrap(text: str, width: int = 26) -> str:
    """Wraps a label for a chart axis (CJK text has no spaces: cut by characters)."""
    if any(ord(c) > 0x2e80 for c in text):
        return "\n".join(text[i:i + width // 2 + 2] for i in range(0, len(text), width // 2 + 2))
    return "\n".join(textwrap.wrap(text, width)) or text


def tornado_chart(sw: Sweep, q: int, lang: str = "en"):
    """Sobol indices of one quantity: total ST (light bar) and first-order S1 (dark bar, 95 %
    bootstrap interval as whiskers), factors sorted by ST."""
    from . import charts
    charts._ensure_fonts()
    plt = charts.plt
    s = sw.sobol()
    zh = lang == "zh"
    order = np.argsort(s["ST"][q])
    names = [_wrap(factor_label(sw, i, lang)) for i in order]
    y = np.arange(len(order))
    fig, ax = plt.subplots(figsize=(6.4, 0.75 * len(order) + 1.4))
    ax.barh(y + 0.18, s["ST"][q][order], height=0.36, color="#90cdf4", label="ST " + ("总效应" if zh else "total"))
    s1 = s["S1"][q][order]
    err = np.vstack([np.maximum(0, s1 - s["S1_low"][q][order]), np.maximum(0, s["S1_high"][q][order] - s1)])
    ax.barh(y - 0.18, s1, height=0.36, color="#2b6cb0", xerr=err, capsize=3,
            label="S1 " + ("一阶(95% 区间)" if zh else "first order (95 % interval)"))
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=9)
    ax.axvline(0, color="#4a5568", linewidth=0.8)
    ax.set_xlim(min(-0.05, float(np.nanmin(s["S1_low"][q])) - 0.05), max(1.05, float(np.nanmax(s["ST_high"][q])) + 0.05))
    ax.set_xlabel("Sobol 指数" if zh else "Sobol index", fontsize=9)
    ax.set_title(_wrap(quantity_label(sw, s["quantity"][q], lang), 60), fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.data = pd.DataFrame({"quantity": s["quantity"][q], "factor": sw.factors,
                             "label": [factor_label(sw, i, lang) for i in range(len(sw.factors))], "S1": s["S1"][q],
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
    fig, ax = plt.subplots(figsize=(6.4, 0.75 * len(order) + 1.4))
    ax.barh(y, m["mu_star"][q][order], height=0.5, color="#2b6cb0", label="mu*")
    ax.plot(m["sigma"][q][order], y, "o", color="#c05621", label="sigma")
    ax.set_yticks(y)
    ax.set_yticklabels([_wrap(factor_label(sw, i, lang)) for i in order], fontsize=9)
    ax.set_title(_wrap(quantity_label(sw, m["quantity"][q], lang), 60), fontsize=10)
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
    ax.set_xlabel(factor_label(sw, 1, lang), fontsize=9)
    ax.set_ylabel(_wrap(factor_label(sw, 0, lang), 30), fontsize=9)
    for i in range(len(v0)):
        for j in range(len(v1)):
            if grid[i, j] == grid[i, j]:
                ax.text(j, i, fmt(grid[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if grid[i, j] < np.nanmean(grid) else "black")
    unit = sw.quantity_unit(name)
    ax.set_title(_wrap(quantity_label(sw, name, lang), 60), fontsize=10)
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


def factor_chart(sw: Sweep, lang: str = "en"):
    """P(met) against each factor: one panel per factor, one dot per evaluated point (its share
    of replications meeting every target, or the required ones of a policy search), so that
    the reader sees at which values of a factor the targets become likely."""
    from . import charts
    from .html_page import p_rgb
    charts._ensure_fonts()
    plt = charts.plt
    zh = lang == "zh"
    done = sw.done
    o = sw.optimize()
    q = sw.point_quantities()
    prob = o["point_probability"] if o is not None else q["P(all targets)"]
    what = ("所要求目标同时达成的概率" if zh else "P(required targets met)") if o is not None and o["required"] != "all" \
        else ("全部目标同时达成的概率" if zh else "P(all targets met)")
    k = len(sw.factors)
    ncols = min(3, k)
    nrows = -(-k // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.7 * ncols, 2.9 * nrows), squeeze=False)
    rows = []
    points = np.flatnonzero(done)
    for i in range(k):
        ax = axes[i // ncols][i % ncols]
        x = sw.matrix[points, i]
        y = prob[points]
        ax.scatter(x, y, s=16, c=[tuple(c / 255 for c in p_rgb(v)) for v in y], edgecolors="none")
        if sw.factor_words[i]:
            ax.set_xticks(range(len(sw.factor_words[i])))
            ax.set_xticklabels(sw.factor_words[i], fontsize=8, rotation=20)
        unit = labels.unit_text(sw.factor_units[i], lang) if not sw.factor_words[i] else ""
        ax.set_xlabel(_wrap(factor_label(sw, i, lang), 40) + (f" ({unit})" if unit else ""), fontsize=8.5)
        ax.set_ylim(-0.04, 1.04)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        if i % ncols == 0:
            ax.set_ylabel(what, fontsize=8.5)
        for p, xv, yv in zip(points, x, y):
            rows.append({"factor": sw.factors[i], "label": factor_label(sw, i, lang), "point": int(p),
                         "value": float(xv), "probability": float(yv)})
    for j in range(k, nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    fig.suptitle(what + (",每点为一个设计点" if zh else ", one dot per point of the design"), fontsize=10)
    fig.tight_layout()
    fig.data = pd.DataFrame(rows, columns=["factor", "label", "point", "value", "probability"])
    return fig


def prim_sentences(sw: Sweep, lang: str = "en") -> List[str]:
    """The scenario-discovery boxes (PRIM) as sentences, rebuilt from /discovery in the reader's
    language with the factors' labels (the file's /discovery/text is the English of `zonesim
    sweep`)."""
    boxes = sw.discovery_boxes()
    if boxes is None or not len(boxes["target"]):
        return []
    zh = lang == "zh"
    names = boxes["target"]
    low, high, restricted = boxes["low"], boxes["high"], boxes["restricted"]
    dens, mass, overall = boxes["density"], boxes["mass"], boxes["overall_probability"]
    col_low = sw.matrix[sw.done].min(axis=0) if sw.done.any() else sw.factor_low
    col_high = sw.matrix[sw.done].max(axis=0) if sw.done.any() else sw.factor_high
    target_labels = sw.target_labels(lang)
    out = []
    for d, name in enumerate(names):
        parts = []
        for i in range(len(sw.factors)):
            if not restricted[d][i]:
                continue
            lo, hi = low[d][i] > col_low[i], high[d][i] < col_high[i]
            if not lo and not hi:
                continue
            f = factor_label(sw, i, lang)
            if sw.factor_words[i]:
                words = [w for v, w in enumerate(sw.factor_words[i]) if low[d][i] <= v <= high[d][i]]
                parts.append(f"{f}为{'、'.join(words)}" if zh else f"{f} in {{{', '.join(words)}}}")
            elif lo and hi:
                a, b = sw.factor_value_text(i, low[d][i]), sw.factor_value_text(i, high[d][i])
                parts.append(f"{f}在 {a} 至 {b} 之间" if zh else f"{f} between {a} and {b}")
            elif lo:
                a = sw.factor_value_text(i, low[d][i])
                parts.append(f"{f}高于 {a}" if zh else f"{f} above {a}")
            else:
                b = sw.factor_value_text(i, high[d][i])
                parts.append(f"{f}低于 {b}" if zh else f"{f} below {b}")
        if name in sw.target_ids:
            what = ("目标“" + target_labels[sw.target_ids.index(name)] + "”") if zh else \
                f"target {target_labels[sw.target_ids.index(name)]} ({name})"
        else:
            what = "全部目标" if zh else "all targets"
        where = ("且".join(parts) if zh else " and ".join(parts)) or ("整个取值范围" if zh else "the whole design")
        if zh:
            out.append(f"当{where}时,{what}的达成概率为 {fmt(dens[d])},覆盖 {100 * mass[d]:.0f}% 的模拟"
                       f"(总体 {fmt(overall[d])})")
        else:
            out.append(f"{where}: {what} met with probability {fmt(dens[d])} in {100 * mass[d]:.0f} % of the runs "
                       f"(overall {fmt(overall[d])})")
    return out


def rerun_command(sw: Sweep, b: int) -> str:
    """`zonesim run` of a point, pasteable: one `--set` per factor, a value and its unit apart and
    quoted (`--set 'levers.innovation_fund=1.49 亿元'`)."""
    words = ["zonesim", "run", sw.scenario_file(), "-r", str(sw.meta.get("replications", "")),
             "--seed", str(sw.meta.get("seed", ""))]
    for i, f in enumerate(sw.factors):
        words += ["--set", f"{f}={sw.factor_value_exact(i, sw.matrix[b][i])}"]
    return " ".join(shlex.quote(w) for w in words)


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
        "by_factor": "P(met) against each factor",
        "by_factor_note": "Each dot is a point of the design: its factor value and the share of its replications "
                          "that meet the targets, coloured as on the planner's page.",
        "prim_note": "PRIM (peeling 5 % at a time, boxes holding at least 10 % of the runs): where in the design "
                     "the targets are met more often than overall.",
        "designs": {"sobol": "Sobol (Saltelli)", "morris": "Morris", "grid": "grid", "lhs": "Latin hypercube",
                    "optimize": "policy search"},
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
        "by_factor": "达标概率与各因子的关系",
        "by_factor_note": "每个点为一个设计点:横轴为该因子的取值,纵轴为该点各次模拟中达成目标的比例,颜色与政策模拟页面一致。",
        "prim_note": "PRIM 情景发现(每次剥离 5%,盒内至少含 10% 的模拟):在设计空间的哪些区域目标达成的概率高于总体。",
        "designs": {"sobol": "Sobol(Saltelli)", "morris": "Morris", "grid": "网格", "lhs": "拉丁超立方",
                    "optimize": "政策搜索"},
    },
}


def _varies(v: np.ndarray) -> bool:
    v = v[np.isfinite(v)]
    return len(v) > 1 and float(np.ptp(v)) > 0


def build_sweep_report(sw: Sweep, lang: str = "en") -> str:
    from . import charts

    charts.setup_fonts()
    T = TEXT[lang]
    quantities = sw.point_quantities()
    done = sw.done
    flabels = [factor_label(sw, i, lang) for i in range(len(sw.factors))]
    parts: List[str] = page_start(f"{T['title']}: {sw.meta.get('sweep_name', '')}", lang) + [
        f"<h1>{esc(T['title'])}: {esc(sw.meta.get('sweep_name', ''))}</h1>",
        f'<p class="sub">{esc(T["base"])} {esc(sw.meta.get("scenario_name", ""))} · {esc(T["designs"].get(sw.design, sw.design))} · '
        f'{int(done.sum())}/{len(done)} {esc(T["points"])} · {esc(sw.meta.get("replications", ""))} '
        f'{esc(T["replications"])} · {esc(T["seed"])} {esc(sw.meta.get("seed", ""))}</p>',
    ]

    # Factors.
    rows = []
    for i, f in enumerate(sw.factors):
        words = sw.factor_words[i]
        unit = labels.unit_text(sw.factor_units[i], lang) if not words else ""
        rng = ", ".join(words) if words else f"{fmt(sw.factor_low[i])} – {fmt(sw.factor_high[i])}"
        rows.append(f'<tr data-factor="{esc(f)}"><td>{esc(flabels[i])}<span class="id">{esc(f)}</span></td>'
                    f"<td>{esc(unit)}</td><td>{esc(rng)}</td></tr>")
    parts.append(f'<h2 id="sec-factors">{esc(T["factors"])}</h2><table id="factors"><thead><tr>'
                 f'<th>{esc(T["factor"])}</th><th>{esc(T["unit"])}</th><th>{esc(T["range"])}</th></tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>')

    # Targets across the design, and P(met) against each factor.
    if sw.target_ids:
        tlabels = sw.target_labels(lang)
        rows = []
        for t, tid in enumerate(sw.target_ids):
            p = quantities[f"P({tid})"][done]
            lo, med, hi = (np.min(p), np.median(p), np.max(p)) if len(p) else (np.nan,) * 3
            rows.append(f'<tr data-target="{esc(tid)}"><td>{esc(tlabels[t])}<span class="id">{esc(tid)}</span></td>'
                        + td_prob(lo, "p_min") + td_prob(med, "p_median") + td_prob(hi, "p_max") + "</tr>")
        head = "".join(f"<th>{esc(T[k])}</th>" for k in ["target", "pmin", "pmed", "pmax"])
        parts.append(f'<h2 id="sec-targets">{esc(T["targets"])}</h2><table id="targets"><thead><tr>{head}</tr>'
                     f'</thead><tbody>{"".join(rows)}</tbody></table>')
        parts.append(f'<h3 id="sec-factor-chart">{esc(T["by_factor"])}</h3><p class="note">{esc(T["by_factor_note"])}</p>'
                     f'<figure id="factor-chart">{chart(factor_chart(sw, lang), T["by_factor"], "p-by-factor", lang)}</figure>')

    # Sensitivity.
    sob, mor = sw.sobol(), sw.morris()
    if sob is not None:
        parts.append(f'<h2 id="sec-sensitivity">{esc(T["sensitivity"])}</h2><p class="note">{esc(T["sobol_note"])}</p>')
        head = f'<th>{esc(T["quantity"])}</th>' + "".join(f"<th>{esc(f)}<br>S1 [95 %] / ST</th>" for f in flabels)
        rows, figs = [], []
        for q, name in enumerate(sob["quantity"]):
            varies = sob["variance"][q] == sob["variance"][q] and sob["variance"][q] > 0
            cells = []
            for i in range(len(sw.factors)):
                if not varies:
                    cells.append(f'<td class="num">{esc(T["no_variation"])}</td>')
                    continue
                s1, st = sob["S1"][q][i], sob["ST"][q][i]
                text = f"{fmt(s1)} [{fmt(sob['S1_low'][q][i])}, {fmt(sob['S1_high'][q][i])}] / {fmt(st)}"
                cells.append(f'<td class="num" data-field="S1" data-factor="{i}" data-value="{float(s1)!r}" '
                             f'data-st="{float(st)!r}">{esc(text)}</td>')
            rows.append(f'<tr data-quantity="{esc(name)}"><td>{esc(quantity_label(sw, name, lang))}</td>{"".join(cells)}</tr>')
            if varies:
                figs.append(f'<figure data-quantity="{esc(name)}">'
                            f'{chart(tornado_chart(sw, q, lang), "tornado " + name, f"sobol-{q}", lang)}</figure>')
        parts.append(f'<div class="scroll"><table id="sobol"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                     f'</tbody></table></div>')
        parts.append(f'<div class="grid">{"".join(figs)}</div>')
    elif mor is not None:
        parts.append(f'<h2 id="sec-sensitivity">{esc(T["sensitivity"])}</h2><p class="note">{esc(T["morris_note"])}</p>')
        head = f'<th>{esc(T["quantity"])}</th>' + "".join(f"<th>{esc(f)}<br>mu* / sigma</th>" for f in flabels)
        rows, figs = [], []
        for q, name in enumerate(mor["quantity"]):
            cells = "".join(f'<td class="num" data-field="mu_star" data-factor="{i}" data-value="{float(mor["mu_star"][q][i])!r}">'
                            f'{esc(fmt(mor["mu_star"][q][i]) + " / " + fmt(mor["sigma"][q][i]))}</td>'
                            for i in range(len(sw.factors)))
            rows.append(f'<tr data-quantity="{esc(name)}"><td>{esc(quantity_label(sw, name, lang))}</td>{cells}</tr>')
            if np.any(mor["mu_star"][q] > 0):
                figs.append(f'<figure data-quantity="{esc(name)}">'
                            f'{chart(morris_chart(sw, q, lang), "morris " + name, f"morris-{q}", lang)}</figure>')
        parts.append(f'<div class="scroll"><table id="morris"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                     f'</tbody></table></div>')
        parts.append(f'<div class="grid">{"".join(figs)}</div>')

    # Heat maps of a two-factor grid.
    if sw.two_factor_grid() is not None:
        figs = []
        for name, values in quantities.items():
            if _varies(values[done]):
                figs.append(f'<figure data-heatmap="{esc(name)}">'
                            f'{chart(heatmap_chart(sw, name, values, lang), "heat map " + name, f"heatmap-{len(figs)}", lang)}</figure>')
        parts.append(f'<h2 id="sec-grid">{esc(T["grid"])}</h2><p class="note">{esc(T["grid_note"])}</p>'
                     f'<div class="grid">{"".join(figs)}</div>')

    # Policy search.
    opt = sw.optimize()
    if opt is not None:
        req = T["every"] if opt["required"] == "all" else T["required"].format(ids=opt["required"])
        parts.append(f'<h2 id="sec-optimize">{esc(T["optimize"])}</h2>'
                     f'<p class="note">{esc(T["opt_note"].format(req=req))}</p>')
        parts.append(chart(frontier_chart(sw, lang), T["optimize"], "frontier", lang))
        b = opt["best"]
        if b >= 0:
            parts.append(f'<p id="best-point" data-point="{b}">' + esc(T["best"].format(
                req=req, p=fmt(opt["threshold"]), b=b, c=fmt(opt["point_cost"][b]),
                pb=fmt(opt["point_probability"][b]))) + "</p>")
            parts.append(f'<p>{esc(T["set"])}: <code id="best-set">{esc(rerun_command(sw, b))}</code></p>')
        else:
            parts.append('<p id="best-point" data-point="-1">'
                         + esc(T["none"].format(req=req, p=fmt(opt["threshold"]))) + "</p>")
        head = "".join(f"<th>{esc(x)}</th>" for x in [T["point"], T["cost"], T["prob"]] + flabels)
        rows = []
        for k, p in enumerate(opt["frontier"]):
            cells = "".join(f'<td class="num">{esc(labels.with_unit_text(fmt(sw.matrix[p][i]), sw.factor_units[i], lang) if not sw.factor_words[i] else sw.factor_value_text(i, sw.matrix[p][i]))}</td>'
                            for i in range(len(sw.factors)))
            rows.append(f'<tr data-point="{int(p)}"{" class=met" if p == b else ""}><td class="num">{int(p)}</td>'
                        + td_num(opt["cost"][k], fmt(opt["cost"][k]), "cost")
                        + td_prob(opt["probability"][k]) + cells + "</tr>")
        parts.append(f'<div class="scroll"><table id="frontier"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
                     f'</tbody></table></div>')

    # Scenario discovery.
    texts = prim_sentences(sw, lang)
    if texts:
        parts.append(f'<h2 id="sec-discovery">{esc(T["discovery"])}</h2><p class="note">{esc(T["prim_note"])}</p>'
                     '<ul id="discovery">' + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>")

    parts.append(f'<h2 id="sec-provenance">{esc(T["provenance"])}</h2>')
    parts.append(key_value_table("provenance", ((labels.provenance_key(k, lang), v) for k, v in sw.provenance().items())))
    text = sw.sweep_text()
    if text:
        parts.append(f"<details><summary>{esc(T['sweep_text'])}</summary><pre>{esc(text)}</pre></details>")
    parts.append("</body></html>")
    return "\n".join(parts)
