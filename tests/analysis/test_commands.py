"""`zonesim report|compare|export` through the real binary (which execs the analysis package)."""
import base64
import csv
import io
import os
import re
import shutil
import unittest

import h5py
import numpy as np

import support
from zonesim_analysis import load
from zonesim_analysis.compare import compare_runs

TMP = None
BASE = ALT = OTHER = None


def setUpModule():
    global TMP, BASE, ALT, OTHER
    TMP = support.tempdir("zonesim-commands-")
    d = TMP.name
    BASE = support.run_demo(os.path.join(d, "base.h5"), "--firm-panel", "0")
    ALT = support.run_demo(os.path.join(d, "rd60.h5"), "--set", "levers.rd_subsidy_rate=60%")
    # Different seed: not paired with BASE.
    OTHER = support.run_demo(os.path.join(d, "seed7.h5"), "--seed", "7")


def tearDownModule():
    TMP.cleanup()


def path(name):
    return os.path.join(TMP.name, name)


class CompareTest(unittest.TestCase):
    def test_file_with_itself_has_zero_differences(self):
        with load(BASE) as a, load(BASE) as b:
            c = compare_runs(a, b)
        self.assertTrue(c.paired)
        for col in ["diff", "diff_p05", "diff_p95"]:
            self.assertTrue((c.indicators[col] == 0).all(), col)
            self.assertTrue((c.targets[col] == 0).all(), col)
        self.assertTrue((c.targets["probability_diff"] == 0).all())
        out = support.zonesim("compare", BASE, BASE).stdout
        self.assertIn("paired by replication", out)
        self.assertRegex(out, r"gross_output\s+亿元\s+[\d.,]+\s+[\d.,]+\s+0\s+\[0, 0\]")

    def test_rd_subsidy_raises_spending_on_it(self):
        with load(BASE) as a, load(ALT) as b:
            sa = a.spending_array("rd_subsidy")[-1, -1, :]
            sb = b.spending_array("rd_subsidy")[-1, -1, :]
            self.assertTrue(np.all(sb > sa))  # paired: every replication pays more
            # The budget binds (docs/model.md 3.11): firms' claims are paid first, so the zones'
            # programmes get less in every replication (carriers and land development, 2020-2025
            # summed: 1.6 -> 0.56 and 10.2 -> 3.5 亿元 on average). Spending over 2021-2025
            # rises on average (the balance carried over is spent), but in the last year the
            # zones spend what they have either way, so its sign there is noise; what the budget
            # could not pay (the shortfall) rises in that year.
            for item in ("innovation_carriers", "land_development"):
                pa = a.spending_array(item)[:, -1, :].sum(axis=0)
                pb = b.spending_array(item)[:, -1, :].sum(axis=0)
                self.assertTrue(np.all(pb < pa), item)
            spent_a = a.indicator_array("budget_spent")[:, -1, :].sum(axis=0).mean()
            spent_b = b.indicator_array("budget_spent")[:, -1, :].sum(axis=0).mean()
            self.assertGreater(spent_b, spent_a)
            c = compare_runs(a, b, ["budget_shortfall"])
        row = c.indicators.iloc[0]
        self.assertGreater(row["diff"], 0)

    # The base year is history: an override of the subsidy acts from the first simulated year,
    # while the firms' R&D propensities stay calibrated under the file's base-year policy.
    def test_rd_subsidy_raises_rd_to_gdp(self):
        with load(BASE) as a, load(ALT) as b:
            c = compare_runs(a, b, ["rd_to_gdp"])
        row = c.indicators.iloc[0]
        self.assertGreater(row["diff"], 0, "a 60 % R&D subsidy should raise R&D / GDP in 2025")

    def test_paired_difference_matches_per_replication_values(self):
        with load(BASE) as a, load(ALT) as b:
            c = compare_runs(a, b, ["gross_output"])
            d = b.indicator_array("gross_output")[-1, 2, :] - a.indicator_array("gross_output")[-1, 2, :]
        row = c.indicators.iloc[0]
        self.assertAlmostEqual(row["diff"], d.mean(), places=9)
        self.assertAlmostEqual(row["diff_p05"], np.percentile(d, 5), places=9)
        self.assertAlmostEqual(row["diff_p95"], np.percentile(d, 95), places=9)

    def test_unpaired_uses_a_reproducible_bootstrap(self):
        first = support.zonesim("compare", BASE, OTHER).stdout
        second = support.zonesim("compare", BASE, OTHER).stdout
        self.assertIn("unpaired (different seeds", first)
        self.assertEqual(first, second)

    def test_targets_section_lists_probabilities(self):
        out = support.zonesim("compare", BASE, ALT).stdout
        with load(BASE) as a:
            t = a.targets()
        for _, r in t.iterrows():
            self.assertRegex(out, re.escape(r["id"]) + r"\s+2025\s+" + re.escape(r["comparison"]))
            self.assertIn(f"{100 * r['probability']:.1f} %", out)

    def test_compare_says_what_the_alternative_changes(self):
        with load(BASE) as a:
            rd = a.resolved_scenario()["levers"]["rd_subsidy_rate"]
        before = "{" + ", ".join(f"{2020 if k == 'start' else k}: {100 * v:g} %" for k, v in rd.items()) + "}" \
            if len(rd) > 1 else f"{100 * rd['start']:g} %"
        out = support.zonesim("compare", BASE, ALT).stdout
        from zonesim_analysis.labels import label
        self.assertIn("what the alternative changes:\n  " + label("rd_subsidy_rate", "en") + ": " + before + " → 60 %\n",
                      out)
        same = support.zonesim("compare", BASE, OTHER).stdout
        self.assertIn("the two runs set the same levers", same)

    def test_compare_year_and_per_year_table(self):
        with load(BASE) as a, load(ALT) as b:
            year = a.years[2]
            c = compare_runs(a, b, ["gross_output"], year=year)
            d = b.indicator_array("gross_output")[2, -1, :] - a.indicator_array("gross_output")[2, -1, :]
            self.assertEqual(c.year, year)
            self.assertAlmostEqual(c.indicators.iloc[0]["diff"], d.mean(), places=9)
            per = c.per_year[c.per_year["year"] == year].iloc[0]
            self.assertAlmostEqual(per["diff"], d.mean(), places=9)
            self.assertEqual(len(c.per_year), len(a.years))
        out = support.zonesim("compare", BASE, ALT, "--year", str(year)).stdout
        self.assertIn(f"indicators (All zones, {year}, mean over replications)", out)
        self.assertIn("difference by year", out)
        p = support.zonesim("compare", BASE, ALT, "--year", "1999", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--year 1999 is not a year of the runs", p.stderr)

    def test_run_report_names_the_policy_and_its_cost(self):
        out = path("policy.html")
        support.zonesim("report", ALT, "-o", out, "--lang", "en", "--force")
        with open(out, encoding="utf-8") as fh:
            page = fh.read()
        row = re.search(r'<tr data-lever="rd_subsidy_rate" data-zone="all">(.*?)</tr>', page).group(1)
        changed = re.findall(r'class="num changed"[^>]*>([^<]*)<', row)
        self.assertGreater(len(changed), 0, "the --set value differs from the root scenario")
        self.assertEqual(set(changed), {"60 %"})
        self.assertIn("60 %", row)
        with load(ALT) as r:
            expected = sum(r.spending_array(k)[:, r.zones.index("all"), :].mean(axis=1).sum() for k in r.spending_keys)
        total = float(re.search(r'id="budget-total" data-value="([^"]+)"', page).group(1))
        self.assertAlmostEqual(total, expected, places=6)
        # P(met) coloured on the page's continuous scale: 0 % red, 100 % green.
        from zonesim_analysis.html_page import p_colour
        self.assertEqual(p_colour(0), "rgb(207,34,46)")
        self.assertEqual(p_colour(1), "rgb(26,127,55)")
        self.assertEqual(p_colour(0.5), "rgb(154,103,0)")
        base_page = path("policy-base.html")
        support.zonesim("report", BASE, "-o", base_page, "--lang", "en", "--force")
        with open(base_page, encoding="utf-8") as fh:
            self.assertNotIn('class="num changed"', fh.read())

    def test_bad_input_exits_2(self):
        p = support.zonesim("compare", BASE, path("missing.h5"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no such file", p.stderr)
        p = support.zonesim("compare", BASE, support.DEMO, check=False)
        self.assertEqual(p.returncode, 2)
        p = support.zonesim("compare", BASE, check=False)
        self.assertEqual(p.returncode, 2)


class ExportTest(unittest.TestCase):
    def test_export_writes_tidy_csv_with_bom(self):
        out = path("csv")
        support.zonesim("export", BASE, "--csv", out)
        names = sorted(os.listdir(out))
        self.assertEqual(names, ["calibration.csv", "firm_panel.csv", "indicators.csv", "parameters.csv",
                                 "spending.csv", "targets.csv"])
        with open(os.path.join(out, "indicators.csv"), "rb") as fh:
            self.assertEqual(fh.read(3), b"\xef\xbb\xbf")
        with open(os.path.join(out, "targets.csv"), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        with h5py.File(BASE, "r") as f:
            self.assertEqual([r["id"] for r in rows], list(f["targets/id"].asstr()[()]))
            np.testing.assert_allclose([float(r["probability"]) for r in rows], f["targets/probability"][()])
            np.testing.assert_allclose([float(r["mean"]) for r in rows], f["targets/mean"][()], rtol=1e-15)
            self.assertIn("工业总产值", rows[0]["label_zh"])
            with open(os.path.join(out, "indicators.csv"), encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                self.assertEqual(reader.fieldnames, ["year", "zone", "replication", "indicator", "value", "unit"])
                n = 0
                for r in reader:
                    n += 1
                    if r["indicator"] == "rd_to_gdp" and r["year"] == "2025" and r["zone"] == "all" \
                            and r["replication"] == "7":
                        self.assertEqual(float(r["value"]), f["indicators/rd_to_gdp"][5, 2, 7])
                        self.assertEqual(r["unit"], "%")
                self.assertEqual(n, len(f["indicators"]) * 6 * 3 * 20)

    def test_refuses_non_empty_directory_without_force(self):
        out = path("busy")
        os.makedirs(out)
        with open(os.path.join(out, "keep.txt"), "w") as fh:
            fh.write("x")
        p = support.zonesim("export", BASE, "--csv", out, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--force", p.stderr)
        self.assertEqual(os.listdir(out), ["keep.txt"])
        support.zonesim("export", ALT, "--csv", out, "--force")
        self.assertIn("targets.csv", os.listdir(out))
        self.assertNotIn("firm_panel.csv", os.listdir(out))  # ALT has no panel

    def test_bad_input(self):
        p = support.zonesim("export", path("missing.h5"), "--csv", path("x"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertFalse(os.path.exists(path("x")))


class ReportCommandTest(unittest.TestCase):
    def test_default_name_overwrite_and_force(self):
        src = path("r.h5")
        shutil.copy(BASE, src)
        p = support.zonesim("report", src, "--lang", "en")
        html = path("r.html")
        self.assertTrue(os.path.isfile(html), p.stdout + p.stderr)
        before = os.path.getmtime(html)
        p = support.zonesim("report", src, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--force", p.stderr)
        self.assertEqual(os.path.getmtime(html), before)
        support.zonesim("report", src, "--force", "--lang", "zh")
        with open(html, encoding="utf-8") as fh:
            text = fh.read()
        self.assertIn("目标达成情况", text)
        self.assertNotIn('src="http', text)  # self-contained
        self.assertEqual([n for n in os.listdir(TMP.name) if n.startswith(".r.html")], [])  # no temp left

    def test_errors_exit_2(self):
        for bad in [path("missing.h5"), support.DEMO]:
            p = support.zonesim("report", bad, "-o", path("bad.html"), check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertTrue(p.stderr.startswith("zonesim report: "), p.stderr)
        v2 = path("v2.h5")
        shutil.copy(ALT, v2)
        with h5py.File(v2, "r+") as f:
            f.attrs["format_version"] = 2
        p = support.zonesim("report", v2, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("format_version 2", p.stderr)
        self.assertFalse(os.path.exists(path("v2.html")))
        self.assertFalse(os.path.exists(path("bad.html")))


class ChartTest(unittest.TestCase):
    def test_charts_are_svg_with_a_png_fallback_and_their_data_downloads_as_csv(self):
        out = path("charts.html")
        support.zonesim("report", BASE, "-o", out, "--lang", "en", "--force")
        with open(out, encoding="utf-8") as fh:
            page = fh.read()
        pictures = re.findall(r'<picture><source type="image/svg\+xml" srcset="data:image/svg\+xml;base64,([^"]+)">'
                              r'<img src="data:image/png;base64,([^"]+)"[^>]*></picture><a class="data" '
                              r'download="([^"]+)\.csv" data-chart="[^"]+" href="data:text/csv;charset=utf-8;base64,'
                              r'([^"]+)">Data \(CSV\)</a>', page)
        names = [p[2] for p in pictures]
        self.assertEqual(names, ["target-output", "target-rd_intensity", "target-hightech_share", "output-channels",
                                 "spending", "zones"])
        self.assertEqual(page.count("<img "), len(pictures))  # every chart has its SVG and its data
        for svg, png, _, _ in pictures:
            svg = base64.b64decode(svg)
            self.assertIn(b"<svg", svg[:400])
            self.assertNotIn(b"<image", svg)  # vector, not a bitmap inside an SVG
            self.assertEqual(base64.b64decode(png)[:8], b"\x89PNG\r\n\x1a\n")
        data = {p[2]: list(csv.DictReader(io.StringIO(base64.b64decode(p[3]).decode("utf-8-sig")))) for p in pictures}
        with load(BASE) as run:
            t = run.targets().iloc[0]
            series = run.target_series(t)
            rows = data["target-output"]
            self.assertEqual([int(r["year"]) for r in rows], run.years)
            np.testing.assert_array_equal([float(r["p50"]) for r in rows], np.percentile(series, 50, axis=1))
            np.testing.assert_array_equal([float(r["p05"]) for r in rows], np.percentile(series, 5, axis=1))
            spend = [r for r in data["spending"] if r["lever"] == "rd_subsidy"]
            np.testing.assert_array_equal([float(r["mean"]) for r in spend],
                                          run.spending_array("rd_subsidy")[:, -1, :].mean(axis=1))
            zones = [r for r in data["zones"] if r["indicator"] == "gross_output" and r["zone"] == "north"]
            np.testing.assert_array_equal([float(r["p95"]) for r in zones],
                                          np.percentile(run.indicator_array("gross_output")[:, 0, :], 95, axis=1))
            change = [r for r in data["output-channels"] if r["zone"] == "all" and r["channel"] == "change"]
            output = run.indicator_array("gross_output")[:, -1, :]
            self.assertAlmostEqual(float(change[0]["mean"]), float((output[-1] - output[0]).mean()), places=9)


class FontTest(unittest.TestCase):
    def test_chinese_glyphs_are_found(self):
        import warnings

        from zonesim_analysis import charts
        family = charts.setup_fonts()
        self.assertIsNotNone(family, "no CJK font (install fonts-noto-cjk)")
        fig = charts.plt.figure()
        fig.suptitle("工业总产值 研发经费占地区生产总值比重")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            charts.png_bytes(fig)
        self.assertEqual([str(w.message) for w in caught if "missing from" in str(w.message)], [])


if __name__ == "__main__":
    unittest.main()
