"""The report of a count-scaled run (region.firm_count_scale, docs/model.md 3.13) says that its firm
counts are model counts and by how much to multiply them; a one-to-one run's report says nothing.
The scale is read from the file's root attribute, which the run writes from the scenario."""
import os
import unittest

import h5py

import support

TMP = None


def setUpModule():
    global TMP
    TMP = support.tempdir("zonesim-count-scale-")


def tearDownModule():
    TMP.cleanup()


def run_and_report(scenario, name, lang, *extra):
    h5 = os.path.join(TMP.name, f"{name}.h5")
    support.zonesim("run", os.path.join(support.SOURCE_DIR, "scenarios", scenario), "-o", h5,
                    "--replications", "2", "--force", "--quiet", *extra)
    out = os.path.join(TMP.name, f"{name}-{lang}.html")
    support.zonesim("report", h5, "-o", out, "--lang", lang, "--force")
    with open(out, encoding="utf-8") as fh:
        return h5, fh.read()


class CountScaleReportTest(unittest.TestCase):
    def test_a_count_scaled_run_says_its_firm_counts_are_model_counts(self):
        h5, page = run_and_report("guangzhou-etdz-2020.yaml", "guangzhou", "en")
        with h5py.File(h5, "r") as f:
            self.assertEqual(float(f.attrs["firm_count_scale"]), 5.0)
        self.assertIn('<p class="note" id="count-scale">Firm counts are model counts: one model firm stands '
                      'for 5 real firms of its size (region.firm_count_scale = 5); multiply a count by 5 '
                      'for the real number.', page)

    def test_the_note_follows_the_scale_set_on_the_command_line_in_chinese_too(self):
        _, page = run_and_report("demo.yaml", "demo-k3", "zh", "--set", "region.firm_count_scale=3")
        self.assertIn("每个模型企业代表 3 家同等规模的真实企业(region.firm_count_scale = 3)", page)

    def test_a_one_to_one_run_has_no_note(self):
        h5, page = run_and_report("demo.yaml", "demo", "en")
        with h5py.File(h5, "r") as f:
            self.assertEqual(float(f.attrs["firm_count_scale"]), 1.0)
        self.assertNotIn('id="count-scale"', page)


if __name__ == "__main__":
    unittest.main()
