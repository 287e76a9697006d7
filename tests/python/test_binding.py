"""The zonesim package (pybind11 module zonesim._core): runs in process equal `zonesim run`."""
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

import h5py
import numpy as np

from binding_support import COMPARE_H5, DEMO, SOURCE_DIR, tempdir, zonesim as zonesim_cli

import zonesim

REPS = 8
SET = {"levers.rd_subsidy_rate": "30 %"}


class RunFromPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempdir("zonesim-binding-")
        cls.cli_file = os.path.join(cls.tmp.name, "cli.h5")
        zonesim_cli("run", DEMO, "--set", "levers.rd_subsidy_rate=30 %", "-r", str(REPS), "--seed", "7",
                    "--threads", "2", "-o", cls.cli_file, "--quiet")
        cls.res = zonesim.load(DEMO).run(replications=REPS, seed=7, set=SET, threads=2)
        cls.py_file = cls.res.to_hdf5(os.path.join(cls.tmp.name, "py.h5"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_a_run_from_python_writes_the_clis_file_bit_for_bit(self):
        proc = subprocess.run([sys.executable, COMPARE_H5, self.cli_file, self.py_file],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("identical", proc.stdout)

    def test_the_comparison_sees_a_different_seed(self):
        # The check above can fail: another seed gives another file.
        other = zonesim.load(DEMO).run(replications=REPS, seed=8, set=SET, threads=2)
        path = other.to_hdf5(os.path.join(self.tmp.name, "seed8.h5"))
        proc = subprocess.run([sys.executable, COMPARE_H5, self.cli_file, path], capture_output=True, text=True)
        self.assertNotEqual(proc.returncode, 0)

    def test_the_targets_dataframe_is_the_files_targets_table(self):
        df = self.res.targets
        with h5py.File(self.cli_file, "r") as f:
            self.assertEqual(list(df["id"]), list(f["targets/id"].asstr()[:]))
            self.assertEqual(list(df["unit"]), list(f["targets/unit"].asstr()[:]))
            for col in ("value", "mean", "p05", "p50", "p95", "probability"):
                self.assertEqual(df[col].to_numpy().tobytes(), f["targets/" + col][:].tobytes(), col)
            self.assertEqual(self.res.target_values().to_numpy().T.tobytes(), f["targets/values"][:].tobytes())

    def test_the_indicators_dataset_has_labelled_dims_and_the_files_values(self):
        ds = self.res.indicators
        self.assertEqual(ds["gross_output"].dims, ("year", "zone", "replication"))
        self.assertEqual(list(ds["zone"].values), ["north", "south", "all"])
        self.assertEqual(list(ds["year"].values), list(range(2020, 2026)))
        self.assertEqual(ds.sizes["replication"], REPS)
        self.assertEqual(ds["gross_output"].attrs["unit"], "亿元")
        self.assertEqual(ds["rd_to_gdp"].attrs["unit"], "%")
        self.assertEqual(ds["gross_output"].attrs["label_zh"], "工业总产值")
        with h5py.File(self.cli_file, "r") as f:
            self.assertEqual(set(ds.data_vars), set(f["indicators"].keys()))
            for key in f["indicators"]:
                self.assertEqual(ds[key].values.tobytes(), f["indicators"][key][()].tobytes(), key)
            value = ds["gross_output"].sel(year=2025, zone="all", replication=3).item()
            self.assertEqual(value, f["indicators/gross_output"][5, 2, 3])

    def test_the_result_table_is_the_printed_target_table(self):
        out = zonesim_cli("run", DEMO, "--set", "levers.rd_subsidy_rate=30 %", "-r", str(REPS), "--seed", "7",
                          "-o", os.path.join(self.tmp.name, "table.h5"), "--quiet").stdout
        self.assertIn(self.res.table, out)

    def test_to_hdf5_refuses_to_overwrite_with_the_clis_message(self):
        with self.assertRaises(zonesim.ZonesimError) as cm:
            self.res.to_hdf5(self.py_file)
        self.assertEqual(str(cm.exception), f"output file {self.py_file} exists; pass --force to overwrite it")
        self.res.to_hdf5(self.py_file, force=True)

    def test_the_simulation_releases_the_gil(self):
        # While a run works in another thread, this thread keeps running Python code.
        done = []
        t = threading.Thread(target=lambda: done.append(
            zonesim.load(DEMO).run(replications=400, seed=1, threads=1)))
        ticks = 0
        t.start()
        start = time.monotonic()
        while t.is_alive():
            ticks += 1
            time.sleep(0.001)
        t.join()
        elapsed = time.monotonic() - start
        self.assertEqual(len(done), 1)
        self.assertGreater(elapsed, 0.05, "the run was too short to tell")
        self.assertGreater(ticks, 10, f"only {ticks} ticks of this thread during a {elapsed:.2f} s run")

    def test_ctrl_c_interrupts_a_run(self):
        if threading.current_thread() is not threading.main_thread():
            self.skipTest("signals are handled in the main thread only")
        old = signal.signal(signal.SIGINT, signal.default_int_handler)
        timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
        try:
            start = time.monotonic()
            timer.start()
            with self.assertRaises(KeyboardInterrupt):
                zonesim.load(DEMO).run(replications=20000, seed=1, threads=2)
            self.assertLess(time.monotonic() - start, 5.0)
        finally:
            timer.cancel()
            signal.signal(signal.SIGINT, old)


class ErrorsFromPython(unittest.TestCase):
    def cli_errors(self, *args):
        proc = zonesim_cli(*args, check=False)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.rstrip("\n").split("\n")
        self.assertRegex(lines[-1], r"^\d+ errors?; nothing was written\.$")
        return "\n".join(lines[:-1])

    def test_a_misspelt_set_key_raises_zonesim_error_with_the_clis_message(self):
        expected = self.cli_errors("run", DEMO, "--set", "levers.rd_subsidy_rat=30 %", "-o", "/tmp/never.h5")
        with self.assertRaises(zonesim.ZonesimError) as cm:
            zonesim.load(DEMO).run(replications=2, set={"levers.rd_subsidy_rat": "30 %"})
        self.assertIsInstance(cm.exception, ValueError)
        self.assertEqual(str(cm.exception), expected)
        self.assertIn("rd_subsidy_rate", str(cm.exception))  # the hint names the valid key
        self.assertEqual(cm.exception.diagnostics[0]["file"], "--set")

    def test_a_located_file_error_raises_zonesim_error_with_file_line_and_column(self):
        path = os.path.join(SOURCE_DIR, "tests", "scenario", "broken", "lever_out_of_range.yaml")
        expected = self.cli_errors("run", path, "-o", "/tmp/never.h5")
        with self.assertRaises(zonesim.ZonesimError) as cm:
            zonesim.load(path)
        self.assertEqual(str(cm.exception), expected)
        d = cm.exception.diagnostics[0]
        self.assertTrue(d["file"].endswith("lever_out_of_range.yaml"))
        self.assertGreater(d["line"], 0)
        self.assertGreater(d["column"], 0)
        self.assertIn(f"{d['file']}:{d['line']}:{d['column']}: error:", str(cm.exception))

    def test_bad_arguments_are_value_errors(self):
        sc = zonesim.load(DEMO)
        with self.assertRaisesRegex(zonesim.ZonesimError, "replications must be at least 1"):
            sc.run(replications=0)
        with self.assertRaisesRegex(zonesim.ZonesimError, r"firm_panel replication 5 is outside 0\.\.1"):
            sc.run(replications=2, firm_panel=[5])
        with self.assertRaisesRegex(TypeError, "set= takes a dict"):
            sc.run(set="levers.rd_subsidy_rate=30 %")


if __name__ == "__main__":
    unittest.main()
