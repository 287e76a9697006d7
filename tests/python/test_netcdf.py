"""Run files open as labelled data: /dims holds HDF5 dimension scales attached to the indicator,
spending and sector arrays, so xarray (h5netcdf) sees named dims; h5py access is unchanged."""
import os
import unittest

import h5py
import xarray as xr

from binding_support import DEMO, tempdir, zonesim as zonesim_cli

import zonesim

REPS = 5


class RunFileAsNetcdf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempdir("zonesim-netcdf-")
        cls.path = os.path.join(cls.tmp.name, "demo.h5")
        zonesim_cli("run", DEMO, "-r", str(REPS), "-o", cls.path, "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_xarray_opens_the_indicators_with_named_dims(self):
        with xr.open_dataset(self.path, engine="h5netcdf", group="indicators") as ds:
            self.assertEqual(ds["gross_output"].dims, ("year", "zone", "replication"))
            self.assertEqual(dict(ds.sizes), {"year": 6, "zone": 3, "replication": REPS})
            self.assertEqual(ds["gross_output"].attrs["unit"], "亿元")
            self.assertEqual(ds["rd_to_gdp"].attrs["label_en"], "R&D expenditure / GDP")
            with h5py.File(self.path, "r") as f:
                self.assertEqual(set(ds.data_vars), set(f["indicators"].keys()))

    def test_the_dims_group_holds_the_coordinates(self):
        with xr.open_dataset(self.path, engine="h5netcdf", group="dims") as dims:
            self.assertEqual(list(dims["year"].values), list(range(2020, 2026)))
            self.assertEqual(list(dims["zone"].values), ["north", "south", "all"])
            self.assertEqual(list(dims["replication"].values), list(range(REPS)))
            self.assertEqual(dims["zone_name_zh"].dims, ("zone",))
            self.assertEqual(dims["spending_name_en"].dims, ("spending",))
            self.assertIn("year", dims.coords)
            self.assertIn("zone", dims.indexes)

    def test_open_indicators_labels_every_dim(self):
        ds = zonesim.open_indicators(self.path)
        with h5py.File(self.path, "r") as f:
            self.assertEqual(ds["gross_output"].sel(year=2025, zone="all", replication=2).item(),
                             f["indicators/gross_output"][5, 2, 2])
            self.assertEqual(ds["rd_to_gdp"].sel(zone="north").values.tobytes(),
                             f["indicators/rd_to_gdp"][:, 0, :].tobytes())
        self.assertEqual(ds["zone_name_zh"].sel(zone="all").item(), "全部园区")

    def test_the_root_opens_with_sector_output_labelled(self):
        with xr.open_dataset(self.path, engine="h5netcdf") as root:
            self.assertEqual(root["sector_output"].dims, ("year", "zone", "sector", "replication"))
        with xr.open_dataset(self.path, engine="h5netcdf", group="spending") as sp:
            self.assertEqual(sp["rd_subsidy"].dims, ("year", "zone", "replication"))

    def test_h5py_access_is_unchanged(self):
        with h5py.File(self.path, "r") as f:
            self.assertEqual(list(f["dims/year"][:]), list(range(2020, 2026)))
            self.assertEqual(list(f["dims/zone"].asstr()[:]), ["north", "south", "all"])
            self.assertEqual(f["indicators/gross_output"].shape, (6, 3, REPS))
            self.assertEqual(f["indicators/gross_output"].attrs["dims"], "year,zone,replication")
            # h5py sees the scales too: /dims/year, /dims/zone, /dims/replication, each also
            # linked at the root (one object, two names)
            self.assertTrue(h5py.h5ds.is_scale(f["dims/year"].id))
            self.assertEqual([f[d[0].name].name.split("/")[-1] for d in f["indicators/gross_output"].dims],
                             ["year", "zone", "replication"])
            self.assertEqual(h5py.h5o.get_info(f["year"].id).addr, h5py.h5o.get_info(f["dims/year"].id).addr)
            self.assertEqual(h5py.h5o.get_info(f["indicators/gross_output"].dims[1][0].id).addr,
                             h5py.h5o.get_info(f["dims/zone"].id).addr)
            self.assertEqual(f["sector_output"].dims[2][0].name.split("/")[-1], "sector")
            self.assertEqual(f["dims/zone_name_zh"].dims[0][0].name.split("/")[-1], "zone")

if __name__ == "__main__":
    unittest.main()
