"""The run report's growth of output by channel (zonesim_analysis/decomposition.py): the table
holds, per zone, the five output_change_* indicators of the file summed over the years and the
change of gross_output, and they add up."""
import os
import re
import unittest

import h5py
import numpy as np

import support

TMP = None
RUN = None
CHANNELS = ["output_change_trend", "output_change_reallocation", "output_change_entry",
            "output_change_relocation", "output_change_exit_other"]


def setUpModule():
    global TMP, RUN
    TMP = support.tempdir("zonesim-decomposition-")
    RUN = support.run_demo(os.path.join(TMP.name, "demo.h5"))


def tearDownModule():
    TMP.cleanup()


def report(lang):
    out = os.path.join(TMP.name, f"report-{lang}.html")
    support.zonesim("report", RUN, "-o", out, "--lang", lang, "--force")
    with open(out, encoding="utf-8") as fh:
        return fh.read()


def cells(page, zone):
    row = re.search(rf'<tr data-zone="{zone}">(.*?)</tr>', re.search(
        r'<table id="output-channels">(.*?)</table>', page, re.S).group(1), re.S).group(1)
    return {m[0]: float(m[1]) for m in re.findall(r'data-field="(\w+)" data-value="([^"]+)"', row)}


class DecompositionReportTest(unittest.TestCase):
    def test_report_shows_the_channels_of_each_zone_adding_up_to_the_change_of_output(self):
        page = report("en")
        self.assertIn('<h2 id="sec-decomposition">Growth of output by channel</h2>', page)
        self.assertIn('data-chart="output-channels"', page)
        with h5py.File(RUN, "r") as f:
            zones = [z.decode() if isinstance(z, bytes) else z for z in f["dims/zone"][()]]
            output = f["indicators/gross_output"][()]
            channels = {c: f[f"indicators/{c}"][()] for c in CHANNELS}
        self.assertEqual(zones[-1], "all")
        for zi, zone in enumerate(zones):
            got = cells(page, zone)
            change = float((output[-1, zi, :] - output[0, zi, :]).mean())
            self.assertAlmostEqual(got["change"], change, places=9)
            for c in CHANNELS:
                self.assertAlmostEqual(got[c], float(channels[c][1:, zi, :].sum(axis=0).mean()), places=9)
            self.assertAlmostEqual(sum(got[c] for c in CHANNELS), got["change"], places=9)
        self.assertAlmostEqual(cells(page, "all")["output_change_relocation"], 0.0, places=9)
        self.assertGreater(cells(page, "all")["output_change_trend"], 0)

    def test_chinese_report_names_the_channels(self):
        page = report("zh")
        self.assertIn("产值增长的来源分解", page)
        self.assertIn("市场份额再配置", page)
        self.assertTrue(np.isfinite(cells(page, "all")["change"]))


if __name__ == "__main__":
    unittest.main()
