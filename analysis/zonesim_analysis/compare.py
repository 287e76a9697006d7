"""`zonesim compare BASE.h5 ALT.h5 [--year YEAR]`: an alternative against a baseline: what its
policy changes (lever by lever and zone), indicator by indicator (key indicators of the all-zones
row in the last year, or --year) with their differences year by year, and target by target.

Pairing: when both files have the same seed and the same replications, replication r of the
alternative used the same random numbers as replication r of the baseline (common random
numbers), so the difference is taken replication by replication and its 90 % interval is the
5th-95th percentile of the per-replication differences. Otherwise the runs are independent and
the interval is the 5th-95th percentile of alt[i] - base[j] over bootstrap pairs (i, j) drawn
with a fixed seed. The interval of a difference in target probability is a bootstrap interval
over replications (resampled jointly when paired), also with a fixed seed.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

from .common import (EXIT_FAILED, EXIT_OK, OutputError, check_output, default_lang, fail, fmt, signed, text_table,
                     write_output)
from .labels import unit_text
from .policy import differences
from .reader import KEY_INDICATORS, Run, ZonesimFileError, load_run

BOOTSTRAP_SEED = 20240601
BOOTSTRAP_DRAWS = 4000


class CompareError(Exception):
    pass


@dataclass
class Comparison:
    paired: bool
    year: int
    indicators: pd.DataFrame
    targets: pd.DataFrame
    only_in_base: List[str]
    only_in_alt: List[str]
    note: str
    per_year: pd.DataFrame = None  # indicator, unit, year, base_mean, alt_mean, diff
    changes: List[str] = None      # what the alternative's policy changes (policy.differences)


def is_paired(base: Run, alt: Run) -> bool:
    return base.seed == alt.seed and base.replications == alt.replications


def diff_interval(b: np.ndarray, a: np.ndarray, paired: bool, rng: np.random.Generator):
    """Mean difference alt - base and its 90 % interval (see module docstring)."""
    b = np.asarray(b, dtype=float)
    a = np.asarray(a, dtype=float)
    if paired:
        d = a - b
    else:
        d = a[rng.integers(0, len(a), BOOTSTRAP_DRAWS)] - b[rng.integers(0, len(b), BOOTSTRAP_DRAWS)]
    lo, hi = np.percentile(d, [5, 95])
    return float(a.mean() - b.mean()), float(lo), float(hi)


def probability_interval(mb: np.ndarray, ma: np.ndarray, paired: bool, rng: np.random.Generator):
    mb = np.asarray(mb, dtype=float)
    ma = np.asarray(ma, dtype=float)
    if paired:
        idx = rng.integers(0, len(mb), (BOOTSTRAP_DRAWS, len(mb)))
        d = ma[idx].mean(axis=1) - mb[idx].mean(axis=1)
    else:
        d = (ma[rng.integers(0, len(ma), (BOOTSTRAP_DRAWS, len(ma)))].mean(axis=1)
             - mb[rng.integers(0, len(mb), (BOOTSTRAP_DRAWS, len(mb)))].mean(axis=1))
    lo, hi = np.percentile(d, [5, 95])
    return float(ma.mean() - mb.mean()), float(lo), float(hi)


def compare_runs(base: Run, alt: Run, indicators: Optional[Sequence[str]] = None,
                 zone: str = "all", year: Optional[int] = None, lang: str = "en") -> Comparison:
    if base.years != alt.years:
        raise CompareError(
            f"the runs cover different years ({base.years[0]}-{base.years[-1]} and "
            f"{alt.years[0]}-{alt.years[-1]}); compare runs of the same horizon")
    if zone not in base.zones or zone not in alt.zones:
        raise CompareError(f"zone {zone!r} is not in both files (base: {', '.join(base.zones)}; "
                           f"alt: {', '.join(alt.zones)})")
    paired = is_paired(base, alt)
    if lang == "zh":
        if paired:
            note = f"按重复配对(共同随机数:种子 {base.seed},两次运行均为 {len(base.replications)} 次重复)"
        else:
            why = "种子不同" if base.seed != alt.seed else "重复次数不同"
            note = (f"未配对({why}:种子 {base.seed}/{alt.seed},重复 {len(base.replications)}/"
                    f"{len(alt.replications)} 次);区间来自 {BOOTSTRAP_DRAWS} 次 bootstrap 抽样,种子 {BOOTSTRAP_SEED}")
    elif paired:
        note = (f"paired by replication (common random numbers: seed {base.seed}, "
                f"{len(base.replications)} replications in both)")
    else:
        why = "different seeds" if base.seed != alt.seed else "different replications"
        note = (f"unpaired ({why}: seed {base.seed}/{alt.seed}, {len(base.replications)}/"
                f"{len(alt.replications)} replications); intervals from {BOOTSTRAP_DRAWS} bootstrap "
                f"draws, seed {BOOTSTRAP_SEED}")
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    keys = list(indicators) if indicators else [k for k in KEY_INDICATORS if k in base.indicator_keys]
    missing = [k for k in keys if k not in base.indicator_keys or k not in alt.indicator_keys]
    if missing:
        raise CompareError(f"indicator(s) not in both files: {', '.join(missing)}")
    if year is None:
        year = base.years[-1]
    if year not in base.years:
        raise CompareError(f"--year {year} is not a year of the runs ({base.years[0]}-{base.years[-1]})")
    yi = base.years.index(year)
    rows, per_year = [], []
    for k in keys:
        ball = base.indicator_array(k)[:, base.zones.index(zone), :]
        aall = alt.indicator_array(k)[:, alt.zones.index(zone), :]
        for i, y in enumerate(base.years):
            bm, am = float(ball[i].mean()), float(aall[i].mean())
            per_year.append({"indicator": k, "label_en": base.label(k, "en"), "label_zh": base.label(k, "zh"),
                             "unit": base.unit(k), "year": int(y), "zone": zone, "base_mean": bm, "alt_mean": am,
                             "diff": am - bm})
        b = ball[yi]
        a = aall[yi]
        d, lo, hi = diff_interval(b, a, paired, rng)
        bm = float(b.mean())
        rows.append({
            "indicator": k, "label_en": base.label(k, "en"), "label_zh": base.label(k, "zh"),
            "unit": base.unit(k), "year": year, "zone": zone,
            "base_mean": bm, "alt_mean": float(a.mean()), "diff": d, "diff_p05": lo, "diff_p95": hi,
            "diff_relative": d / bm if bm != 0 else np.nan,
        })
    ind = pd.DataFrame(rows)

    bt, at = base.targets(), alt.targets()
    bv, av = base.target_values(), alt.target_values()
    both = [t for t in bt["id"] if t in set(at["id"])]
    trows = []
    for t in both:
        tb = bt[bt["id"] == t].iloc[0]
        ta = at[at["id"] == t].iloc[0]
        vb = bv[bv["target"] == t].sort_values("replication")
        va = av[av["target"] == t].sort_values("replication")
        d, lo, hi = diff_interval(vb["value"].to_numpy(), va["value"].to_numpy(), paired, rng)
        pd_, plo, phi = probability_interval(vb["met"].to_numpy(), va["met"].to_numpy(), paired, rng)
        trows.append({
            "id": t, "label_en": tb["label_en"], "label_zh": tb["label_zh"], "year": int(tb["year"]),
            "comparison": tb["comparison"], "value": tb["value"], "unit": tb["unit"],
            "alt_value": ta["value"],
            "base_probability": float(vb["met"].mean()), "alt_probability": float(va["met"].mean()),
            "probability_diff": pd_, "probability_diff_p05": plo, "probability_diff_p95": phi,
            "base_mean": float(vb["value"].mean()), "alt_mean": float(va["value"].mean()),
            "diff": d, "diff_p05": lo, "diff_p95": hi,
        })
    tgt = pd.DataFrame(trows)
    return Comparison(paired, year, ind, tgt,
                      [t for t in bt["id"] if t not in set(at["id"])],
                      [t for t in at["id"] if t not in set(bt["id"])], note,
                      pd.DataFrame(per_year, columns=["indicator", "label_en", "label_zh", "unit", "year", "zone",
                                                      "base_mean", "alt_mean", "diff"]),
                      differences(base, alt, lang))


def pct(p: float) -> str:
    return f"{100 * p:.1f} %"


def pp(p: float) -> str:
    v = 100 * p
    s = f"{v:+.1f}"
    return "0.0" if s in ("+0.0", "-0.0") else s


def run_names(c: Comparison, base: Run, alt: Run, lang: str = "en"):
    """Short names of the two runs for tables and legends: the scenario's name, and for the
    alternative the policy change when it is one lever (else "alternative")."""
    zh = lang == "zh"
    b = ("基准" if zh else "baseline")
    if base.scenario_name != alt.scenario_name:
        return b + f" ({base.scenario_name})", ("备选" if zh else "alternative") + f" ({alt.scenario_name})"
    if c.changes and len(c.changes) == 1:
        return b, c.changes[0].split(": ", 1)[0] + ": " + c.changes[0].split(" → ")[-1]
    return b, "备选" if zh else "alternative"


def format_comparison(c: Comparison, base: Run, alt: Run, lang: str = "en") -> str:
    zh = lang == "zh"
    out = [f"{'基准' if zh else 'baseline'}:    {base.path} ({base.scenario_name})",
           f"{'备选' if zh else 'alternative'}: {alt.path} ({alt.scenario_name})"]
    if c.changes:
        out.append("备选方案的政策变化:" if zh else "what the alternative changes:")
        out += ["  " + line for line in c.changes]
    else:
        out.append("两次运行的政策杠杆相同" if zh else "the two runs set the same levers")
    out += [c.note, ""]
    zone_text = base.zone_name(c.indicators["zone"].iloc[0], lang) if len(c.indicators) else ""
    out.append((f"指标({zone_text},{c.year}年,各次模拟平均)" if zh
                else f"indicators ({zone_text}, {c.year}, mean over replications)"))
    header = (["指标", "单位", "基准", "备选", "差值", "差值 90% 区间", "相对差"] if zh else
              ["indicator", "unit", "base", "alt", "diff", "90 % interval of diff", "rel. diff"])
    rows = []
    for _, r in c.indicators.iterrows():
        rel = "-" if r["diff_relative"] != r["diff_relative"] else f"{100 * r['diff_relative']:+.1f} %"
        rows.append([r["label_zh"] if zh else r["indicator"], unit_text(r["unit"], lang), fmt(r["base_mean"]),
                     fmt(r["alt_mean"]), signed(r["diff"]), f"[{fmt(r['diff_p05'])}, {fmt(r['diff_p95'])}]", rel])
    out.append(text_table(header, rows, right_from=2))
    out.append("")
    if c.per_year is not None and len(c.per_year):
        years = sorted(set(c.per_year["year"]))
        out.append("逐年差值(备选 − 基准,各次模拟平均)" if zh else "difference by year (alt - base, mean over replications)")
        rows = []
        for k, g in c.per_year.groupby("indicator", sort=False):
            r0 = g.iloc[0]
            rows.append([r0["label_zh"] if zh else k, unit_text(r0["unit"], lang)]
                        + [signed(v) for v in g.sort_values("year")["diff"]])
        out.append(text_table((["指标", "单位"] if zh else ["indicator", "unit"]) + [str(y) for y in years], rows,
                              right_from=2))
        out.append("")
    if len(c.targets):
        out.append("目标(达标概率与目标年的值)" if zh else "targets (probability of meeting them, value in the target year)")
        header = (["目标", "年份", "目标值", "P(基准)", "P(备选)", "概率差(百分点)", "90% 区间",
                   "均值 基准", "均值 备选", "差值", "差值 90% 区间"] if zh else
                  ["target", "year", "goal", "P(base)", "P(alt)", "diff (pp)", "90 % interval",
                   "mean base", "mean alt", "diff", "90 % interval of diff"])
        rows = []
        for _, r in c.targets.iterrows():
            u = unit_text(r["unit"], lang)
            goal = f"{r['comparison']} {fmt(r['value'])}" + (f" {u}" if u else "")
            if r["alt_value"] != r["value"]:
                goal += f" / {fmt(r['alt_value'])}"
            rows.append([r["label_zh"] if zh else r["id"], str(r["year"]), goal, pct(r["base_probability"]),
                         pct(r["alt_probability"]), pp(r["probability_diff"]),
                         f"[{pp(r['probability_diff_p05'])}, {pp(r['probability_diff_p95'])}]",
                         fmt(r["base_mean"]) + (f" {u}" if u else ""), fmt(r["alt_mean"]) + (f" {u}" if u else ""),
                         signed(r["diff"]), f"[{fmt(r['diff_p05'])}, {fmt(r['diff_p95'])}]"])
        out.append(text_table(header, rows, right_from=1))
    else:
        out.append("两个文件没有共同的目标" if zh else "no targets in common")
    if c.only_in_base:
        out.append(("仅基准有的目标: " if zh else "targets only in the baseline: ") + ", ".join(c.only_in_base))
    if c.only_in_alt:
        out.append(("仅备选有的目标: " if zh else "targets only in the alternative: ") + ", ".join(c.only_in_alt))
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    prog = "zonesim compare"
    ap = argparse.ArgumentParser(
        prog=prog, description="Compare an alternative run with a baseline, indicator by indicator and "
        "target by target, paired by replication when seeds and replication counts match.")
    ap.add_argument("base", metavar="BASE.h5", help="baseline output file")
    ap.add_argument("alt", metavar="ALT.h5", help="alternative output file")
    ap.add_argument("--lang", choices=["en", "zh"], default=default_lang(),
                    help="language (default: zh when the locale is Chinese, else en)")
    ap.add_argument("--year", type=int, help="year of the indicator table (default: the last year)")
    ap.add_argument("--indicators", help="comma-separated indicator keys (default: the key indicators)")
    ap.add_argument("--zone", default="all", help="zone id whose row is compared (default: all zones)")
    ap.add_argument("--csv", metavar="FILE", help="also write the indicator and target tables as CSV (UTF-8 with BOM)")
    ap.add_argument("-f", "--force", action="store_true", help="overwrite the --csv file if it exists")
    args = ap.parse_args(argv)
    try:
        if args.csv:
            check_output(args.csv, args.force, inputs=(args.base, args.alt))
        with load_run(args.base, prog) as base, load_run(args.alt, prog) as alt:
            inds = [s.strip() for s in args.indicators.split(",") if s.strip()] if args.indicators else None
            c = compare_runs(base, alt, inds, zone=args.zone, year=args.year, lang=args.lang)
            text = format_comparison(c, base, alt, args.lang)
    except (ZonesimFileError, CompareError, OutputError) as exc:
        return fail(prog, str(exc))
    sys.stdout.write(text)
    if args.csv:
        table = pd.concat([c.indicators.assign(section="indicator"), c.per_year.assign(section="per_year"),
                           c.targets.assign(section="target")], ignore_index=True)
        try:
            write_output(args.csv, table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"), args.force)
        except OutputError as exc:
            return fail(prog, str(exc))
        except OSError as exc:
            return fail(prog, f"cannot write {args.csv}: {exc.strerror or exc}; nothing was written", EXIT_FAILED)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
