"""The HTML report in headless Chromium: the page loads offline, every chart decodes, the target
table shows the numbers of the HDF5 file and the Chinese report is in Chinese."""
import os
import shutil
import subprocess
import unittest
from html.parser import HTMLParser

import h5py

import support
from zonesim_analysis.labels import unit_text

CHROMIUM = os.environ.get("ZONESIM_CHROMIUM", "/usr/bin/chromium")
TMP = None
RUN = ALT = None


def setUpModule():
    global TMP, RUN, ALT
    TMP = support.tempdir("zonesim-browser-")
    RUN = support.run_demo(os.path.join(TMP.name, "demo.h5"))
    ALT = support.run_demo(os.path.join(TMP.name, "alt.h5"), "--set", "levers.rd_subsidy_rate=30%")


def tearDownModule():
    TMP.cleanup()


def chromium(*args):
    profile = os.path.join(TMP.name, "chromium-profile")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


class DomParser(HTMLParser):
    """Collects <html> attributes, images, and the cells of table#targets."""

    def __init__(self):
        super().__init__()
        self.root = {}
        self.images = 0
        self.in_targets = False
        self.row = None
        self.cell = None
        self.targets = {}
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        elif tag == "img":
            self.images += 1
        elif tag == "table" and a.get("id") == "targets":
            self.in_targets = True
        elif self.in_targets and tag == "tr" and "data-target" in a:
            self.row = {}
            self.targets[a["data-target"]] = self.row
        elif self.row is not None and tag == "td" and "data-field" in a:
            self.cell = a["data-field"]
            self.row[self.cell] = {"value": a.get("data-value"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "table":
            self.in_targets = False
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.row[self.cell]["text"] += data


@unittest.skipUnless(os.path.exists(CHROMIUM), "no Chromium at " + CHROMIUM)
class BrowserTest(unittest.TestCase):
    def render(self, lang, *extra):
        out = os.path.join(TMP.name, f"report-{lang}.html")
        support.zonesim("report", RUN, "-o", out, "--lang", lang, "--force", *extra)
        p = chromium("--virtual-time-budget=10000", "--dump-dom", "file://" + out)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        dom = DomParser()
        dom.feed(p.stdout)
        return out, dom

    def check_loaded(self, dom):
        self.assertGreater(dom.images, 3)
        self.assertEqual(dom.root.get("data-images-total"), str(dom.images))
        self.assertEqual(dom.root.get("data-images-decoded"), str(dom.images), "an image did not decode")
        self.assertEqual(dom.root.get("data-report-ready"), "yes")

    def test_chinese_report_with_comparison(self):
        out, dom = self.render("zh", "--compare", ALT)
        self.check_loaded(dom)
        text = "".join(dom.text)
        for heading in ["目标达成情况", "目标指标的逐年走势", "逐年政策支出", "各园区对比", "基年企业群体校准",
                        "与备选方案对比", "运行信息", "产值增长的来源分解"]:
            self.assertIn(heading, text)
        self.assertIn("工业总产值", text)
        with h5py.File(RUN, "r") as f:
            ids = list(f["targets/id"].asstr()[()])
            self.assertEqual(list(dom.targets), ids)
            units = list(f["targets/unit"].asstr()[()])
            for k, tid in enumerate(ids):
                row = dom.targets[tid]
                for field in ["value", "mean", "p05", "p50", "p95", "probability"]:
                    self.assertEqual(float(row[field]["value"]), float(f["targets/" + field][k]), (tid, field))
                self.assertEqual(int(row["year"]["value"]), int(f["targets/year"][k]))
                # the shown numbers carry the unit of the target and round the stored value
                shown = row["mean"]["text"]
                if units[k] not in ("1", "count"):  # in the report's language: 亩 for mu
                    self.assertTrue(shown.endswith(" " + unit_text(units[k], "zh")), shown)
                number = float(shown.split(" ")[0].replace(",", ""))
                self.assertAlmostEqual(number, float(f["targets/mean"][k]), delta=abs(number) * 0.01 + 0.01)
                prob = float(row["probability"]["text"].rstrip(" %"))
                self.assertAlmostEqual(prob, 100 * float(f["targets/probability"][k]), places=1)
            self.assertIn(f.attrs["git_revision"], text)
            self.assertIn(f.attrs["command_line"], text)

    def test_english_report_screenshot(self):
        out, dom = self.render("en")
        self.check_loaded(dom)
        text = "".join(dom.text)
        self.assertIn("Targets", text)
        self.assertIn("Calibration of the base-year population", text)
        self.assertIn("Growth of output by channel", text)
        self.assertNotIn("与备选方案对比", text)
        shot = os.path.join(TMP.name, "report.png")
        p = chromium("--window-size=1200,3000", f"--screenshot={shot}", "file://" + out)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        with open(shot, "rb") as fh:
            self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(shot), 50_000)  # a blank page compresses to a few kB


if __name__ == "__main__":
    unittest.main()
