"""zonesim_analysis.reader against files written by the real zonesim binary, checked with h5py."""
import os
import shutil
import unittest

import h5py
import numpy as np

import support
from zonesim_analysis import KEY_INDICATORS, ZonesimFileError, load

TMP = None
RUN = None  # demo run with a firm panel of replications 0 and 3


def setUpModule():
    global TMP, RUN
    TMP = support.tempdir("zonesim-reader-")
    RUN = support.run_demo(os.path.join(TMP.name, "demo.h5"), "--firm-panel", "0,3")


def tearDownModule():
    TMP.cleanup()


class ReaderTest(unittest.TestCase):
    def setUp(self):
        self.run = load(RUN)
        self.h5 = h5py.File(RUN, "r")

    def tearDown(self):
        self.run.close()
        self.h5.close()

    def test_dimensions_match_the_file(self):
        self.assertEqual(self.run.years, list(range(2020, 2026)))
        self.assertEqual(self.run.replications, list(range(20)))
        self.assertEqual(self.run.zones, ["north", "south", "all"])
        self.assertEqual(self.run.zone_name("south", "zh"), "南区")
        self.assertEqual(self.run.seed, 20201)
        self.assertEqual(self.run.format_version, 1)
        for k in KEY_INDICATORS:
            self.assertIn(k, self.run.indicator_keys)

    def test_indicators_tidy_equal_h5py(self):
        df = self.run.indicators(["gross_output", "rd_to_gdp"])
        self.assertEqual(list(df.columns), ["year", "zone", "replication", "indicator", "value", "unit"])
        self.assertEqual(len(df), 2 * 6 * 3 * 20)
        raw = self.h5["indicators/gross_output"][()]
        for (y, z, r) in [(0, 0, 0), (5, 2, 19), (3, 1, 7)]:
            row = df[(df.indicator == "gross_output") & (df.year == 2020 + y)
                     & (df.zone == self.run.zones[z]) & (df.replication == r)]
            self.assertEqual(len(row), 1)
            self.assertEqual(row.value.iloc[0], raw[y, z, r])
        self.assertEqual(set(df[df.indicator == "gross_output"].unit), {"亿元"})
        self.assertEqual(set(df[df.indicator == "rd_to_gdp"].unit), {"%"})
        # The all-zones row adds up the zones for a flow in money.
        tot = df[(df.indicator == "gross_output")].pivot_table(index=["year", "replication"], columns="zone",
                                                               values="value")
        np.testing.assert_allclose(tot["all"], tot["north"] + tot["south"], rtol=1e-9)
        # base-year output is calibrated to the stated 300 + 120 亿元
        base = tot.xs(2020, level="year")["all"]
        np.testing.assert_allclose(base, 420.0, rtol=1e-6)

    def test_every_indicator_and_units(self):
        df = self.run.indicators()
        self.assertEqual(df.indicator.nunique(), len(self.h5["indicators"]))
        info = self.run.indicator_info().set_index("indicator")
        self.assertEqual(info.loc["firms", "unit"], "count")
        self.assertEqual(info.loc["gross_output", "label_zh"], "工业总产值")
        self.assertFalse(df.value.isna().any())

    def test_targets_table_equals_h5py(self):
        t = self.run.targets()
        g = self.h5["targets"]
        self.assertEqual(list(t.id), list(g["id"].asstr()[()]))
        self.assertEqual(list(t.unit), ["亿元", "%", "%"])
        for col in ["value", "mean", "p05", "p50", "p95", "probability"]:
            np.testing.assert_array_equal(t[col].to_numpy(), g[col][()], err_msg=col)
        np.testing.assert_array_equal(t.year.to_numpy(), g["year"][()])
        # the summary agrees with the per-replication values
        v = self.run.target_values()
        for k, tid in enumerate(t.id):
            vals = v[v.target == tid].sort_values("replication")
            self.assertAlmostEqual(vals.value.mean(), t["mean"].iloc[k], places=9)
            self.assertAlmostEqual(vals.met.mean(), t.probability.iloc[k], places=12)
            self.assertAlmostEqual(np.percentile(vals.value, 95), t.p95.iloc[k], places=9)

    def test_target_series_reaches_the_target_value(self):
        t = self.run.targets()
        v = self.run.target_values()
        for k in range(len(t)):
            series = self.run.target_series(t.iloc[k])
            self.assertEqual(series.shape, (6, 20))
            yi = int(t.year.iloc[k]) - 2020
            np.testing.assert_allclose(series[yi], v[v.target == t.id.iloc[k]].sort_values("replication").value,
                                       rtol=1e-12)

    def test_spending(self):
        s = self.run.spending()
        self.assertEqual(list(s.columns), ["year", "zone", "replication", "lever", "value", "unit"])
        self.assertEqual(set(s.lever), set(self.h5["dims/spending"].asstr()[()]))
        rd = s[(s.lever == "rd_subsidy") & (s.zone == "all") & (s.year == 2025)].sort_values("replication")
        np.testing.assert_array_equal(rd.value, self.h5["spending/rd_subsidy"][5, 2, :])
        self.assertGreater(rd.value.mean(), 0)

    def test_calibration_and_parameters(self):
        c = self.run.calibration()
        row = c[(c.zone == "north") & (c["item"] == "gross_output")].iloc[0]
        self.assertEqual(row.stated, 300.0)
        self.assertAlmostEqual(row.generated_mean, 300.0, places=6)
        p = self.run.parameters()
        names = list(self.h5["parameters/name"].asstr()[()])
        self.assertEqual(len(p), 20 * len(names))
        w = self.run.parameter_draws()
        np.testing.assert_array_equal(w.to_numpy(), self.h5["parameters/draws"][()])

    def test_firm_panel(self):
        fp = self.run.firm_panel()
        self.assertEqual(sorted(fp.replication.unique()), [0, 3])
        self.assertTrue(set(fp.zone) <= {"north", "south"})
        self.assertTrue(set(fp.sector) <= {"electronics", "machinery", "materials"})
        n0 = len(self.h5["firm_panel/replication_0/year"])
        self.assertEqual((fp.replication == 0).sum(), n0)
        # firms alive in the base year add up to the stated number of firms (400 + 200)
        self.assertEqual(((fp.replication == 0) & (fp.year == 2020)).sum(), 600)

    def test_firm_panel_relabelled_share(self):
        # Only a firm going for its certificate's notch relabels, at most rd_relabel_share (24 %)
        # of its reported R&D (docs/model.md 3.3); some do in the demo's later years.
        fp = self.run.firm_panel()
        share = fp.rd_relabelled_share
        self.assertTrue(((share >= 0) & (share <= 24.0 + 1e-6)).all())
        later = fp[fp.year > 2020]
        self.assertGreater((later.rd_relabelled_share > 0).sum(), 0)
        self.assertTrue((later.rd_intensity[later.rd_relabelled_share > 0] > 0).all())

    def test_firm_panel_of_a_file_before_rd_relabelled_share(self):
        # Files written before 2026-12-04 have no rd_relabelled_share: the panel reads without it.
        old = os.path.join(TMP.name, "old-panel.h5")
        shutil.copy(RUN, old)
        with h5py.File(old, "a") as f:
            for g in f["firm_panel"].values():
                del g["rd_relabelled_share"]
        with load(old) as run:
            fp = run.firm_panel()
        self.assertNotIn("rd_relabelled_share", fp.columns)
        self.assertEqual(len(fp), len(self.run.firm_panel()))


class BadInputTest(unittest.TestCase):
    def test_missing_file(self):
        with self.assertRaisesRegex(ZonesimFileError, "no such file"):
            load(os.path.join(TMP.name, "nope.h5"))

    def test_not_hdf5(self):
        with self.assertRaisesRegex(ZonesimFileError, "not an HDF5 file"):
            load(support.DEMO)

    def test_hdf5_but_not_zonesim(self):
        p = os.path.join(TMP.name, "other.h5")
        with h5py.File(p, "w") as f:
            f["x"] = np.arange(3)
        with self.assertRaisesRegex(ZonesimFileError, "not a zonesim output file"):
            load(p)

    def test_wrong_format_version(self):
        p = os.path.join(TMP.name, "v99.h5")
        shutil.copy(RUN, p)
        with h5py.File(p, "r+") as f:
            f.attrs["format_version"] = 99
        with self.assertRaisesRegex(ZonesimFileError, "format_version 99"):
            load(p)


if __name__ == "__main__":
    unittest.main()
