"""What it would take (issue 14): `zonesim run --reach` stores /reach (docs/output.md), read back
here with h5py with its units, and the report shows the section "What it would take" from it in
both languages; a file without /reach has no such section."""
import os
import unittest

import h5py

import support
from zonesim_analysis import load_run
from zonesim_analysis.reach import reach_table
from zonesim_analysis.report import build_report

TMP = None
WITH = WITHOUT = None


def setUpModule():
    global TMP, WITH, WITHOUT
    TMP = support.tempdir("zonesim-reach-")
    WITH = support.run_demo(os.path.join(TMP.name, "reach.h5"), "--reach", "--reach-replications", "12",
                            "--reach-lever", "land_quota_mu", "--reach-lever", "rd_subsidy_rate")
    WITHOUT = support.run_demo(os.path.join(TMP.name, "plain.h5"))


def tearDownModule():
    TMP.cleanup()


class ReachGroup(unittest.TestCase):
    def test_reach_is_stored_with_units(self):
        with h5py.File(WITH, "r") as f:
            g = f["reach"]
            self.assertEqual(float(g.attrs["threshold"]), 0.5)
            self.assertEqual(int(g.attrs["replications"]), 12)
            self.assertGreater(int(g.attrs["evaluations"]), 1)
            levers = [v.decode() for v in g["lever"][()]]
            units = [v.decode() for v in g["unit"][()]]
            outcomes = {v.decode() for v in g["outcome"][()]}
            self.assertEqual(dict(zip(levers, units)), {"land_quota_mu": "mu", "rd_subsidy_rate": "%"})
            self.assertTrue(outcomes <= {"reached", "out_of_range", "not_valid"})
            self.assertEqual(g["budget_change"].attrs["unit"], "亿元")
            self.assertEqual(g["probability"].attrs["unit"], "1")
            # Every target below 50 % in the run has one row per lever searched.
            targets = [v.decode() for v in g["target"][()]]
            out = [t.decode() for t, p in zip(f["targets/id"][()], f["targets/probability"][()]) if p < 0.5]
            self.assertEqual(sorted(set(targets)), sorted(out))
            self.assertEqual(len(targets), 2 * len(out))
            # A value found meets the threshold at the search's replications; the bound holds
            # a value at least as far from the scenario's.
            for row in range(len(targets)):
                if g["outcome"][row].decode() == "reached":
                    self.assertGreaterEqual(g["probability"][row], 0.5)
                    if g["value"][row] == g["from"][row]:  # met at the scenario's value with 12 replications
                        self.assertTrue(g["value_short"][row] != g["value_short"][row])  # NaN
                    else:
                        self.assertLess(g["probability_short"][row], 0.5)
                else:
                    self.assertLess(g["probability_bound"][row], 0.5)

    def test_reader_table(self):
        run = load_run(WITH)
        table = reach_table(run)
        self.assertEqual(list(table.columns[:3]), ["target", "lever", "outcome"])
        self.assertTrue(reach_table(load_run(WITHOUT)).empty)


class ReachReport(unittest.TestCase):
    def test_report_has_the_section_in_both_languages(self):
        run = load_run(WITH)
        en = build_report(run, "en")
        self.assertIn('<h2 id="sec-reach">What it would take</h2>', en)
        self.assertIn('id="reach"', en)
        self.assertIn('data-lever="land_quota_mu"', en)
        zh = build_report(run, "zh")
        self.assertIn('<h2 id="sec-reach">达标所需的政策力度</h2>', zh)

    def test_no_group_no_section(self):
        html = build_report(load_run(WITHOUT), "en")
        self.assertNotIn("sec-reach", html)
        self.assertNotIn("What it would take", html)


if __name__ == "__main__":
    unittest.main()
