"""What every HTML report page shares (run, compare and sweep reports): the style sheet, the
check script, escaping, charts embedded as SVG with a PNG fallback and a CSV link, number cells,
and the colour of a probability. report.py and sweep.py both build on this module and not on
each other."""
from __future__ import annotations

import base64
import html
from typing import List

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans CJK JP","Noto Sans SC","PingFang SC","Microsoft YaHei",
 "Helvetica Neue",Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#1a202c;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.25em;border-bottom:1px solid #cbd5e0;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #e2e8f0;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#edf2f7} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.prob{font-weight:700} td.zone{white-space:nowrap}
td.changed{background:#fff8c5;font-weight:600} .legend-changed{background:#fff8c5;padding:0 .4em}
.id{font-family:ui-monospace,monospace;font-size:.8em;color:#4a5568;display:block}
.note{color:#4a5568;font-size:.9em} .sub{color:#4a5568}
.grid{display:flex;flex-wrap:wrap;gap:1em} .grid figure{margin:0;flex:1 1 480px;max-width:540px}
img{max-width:100%;height:auto} a.data{display:block;font-size:.8em;margin:.2em 0 .8em} pre{background:#f7fafc;padding:1em;overflow:auto;font-size:.85em}
details{margin:1em 0} .scroll{overflow-x:auto}
#levers{font-size:.85em} #levers td.num{white-space:normal;min-width:4.5em}
"""

# Sets data attributes on <html> once every image has decoded, so a headless browser (or a
# person with the console open) can confirm the page is complete.
CHECK_JS = """
window.addEventListener('load', function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
  var root = document.documentElement;
  root.setAttribute('data-images-total', String(imgs.length));
  root.setAttribute('data-images-decoded', String(ok));
  root.setAttribute('data-report-ready', ok === imgs.length ? 'yes' : 'no');
});
"""

DATA_LINK = {"en": "Data (CSV)", "zh": "数据(CSV)"}


def esc(s) -> str:
    return html.escape(str(s), quote=True)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def img(png: bytes, alt: str) -> str:
    return f'<img src="data:image/png;base64,{_b64(png)}" alt="{esc(alt)}">'


def chart(fig, alt: str, name: str, lang: str = "en") -> str:
    """A chart for the page: SVG (vector, print quality) with the PNG as fallback for viewers
    without SVG, and a link that downloads the chart's data (the figure's `data`) as CSV."""
    from . import charts

    svg, png = charts.render(fig)
    table = fig.data.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
    return (f'<picture><source type="image/svg+xml" srcset="data:image/svg+xml;base64,{_b64(svg)}">'
            f'{img(png, alt)}</picture><a class="data" download="{esc(name)}.csv" data-chart="{esc(name)}" '
            f'href="data:text/csv;charset=utf-8;base64,{_b64(table)}">{esc(DATA_LINK[lang])}</a>')


def td_num(value, text: str, field: str, cls: str = "") -> str:
    return (f'<td class="num{" " + cls if cls else ""}" data-field="{field}" data-value="{float(value)!r}">'
            f'{esc(text)}</td>')


# The planner's page colours P(met) on the same continuous scale (app.js, probColour): red at
# 0 %, amber at 50 %, green at 100 %.
_P_STOPS = ((0.0, (207, 34, 46)), (0.5, (154, 103, 0)), (1.0, (26, 127, 55)))


def p_rgb(p: float):
    """The colour of a probability as (r, g, b) in 0..255."""
    x = min(1.0, max(0.0, float(p) if p == p else 0.0))
    (x0, c0), (x1, c1) = (_P_STOPS[0], _P_STOPS[1]) if x <= 0.5 else (_P_STOPS[1], _P_STOPS[2])
    f = (x - x0) / (x1 - x0)
    return tuple(round(a + (b - a) * f) for a, b in zip(c0, c1))


def p_colour(p: float) -> str:
    """The colour of a probability for CSS: "rgb(r,g,b)"."""
    return "rgb(" + ",".join(str(c) for c in p_rgb(p)) + ")"


def td_prob(p: float, field: str = "probability") -> str:
    """A probability cell: 1 decimal in %, coloured as the planner's page colours it."""
    return (f'<td class="num prob" data-field="{field}" data-value="{float(p)!r}" style="color:{p_colour(p)}">'
            f'{100 * p:.1f} %</td>')


def page_start(title: str, lang: str) -> List[str]:
    """The head of a report page, through <body>."""
    return [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style>",
        f"<script>{CHECK_JS}</script></head><body>",
    ]


def key_value_table(table_id: str, items) -> str:
    return f'<table id="{esc(table_id)}">' + "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in items) + "</table>"
