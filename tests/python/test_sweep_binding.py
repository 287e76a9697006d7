"""zonesim.sweep(): a sweep (and a policy search) from Python writes the command's file."""
import os
import subprocess
import sys
import unittest

from binding_support import COMPARE_H5, SOURCE_DIR, tempdir, zonesim as zonesim_cli

import zonesim

SWEEP = os.path.join(SOURCE_DIR, "scenarios", "demo-sweep.yaml")


class SweepFromPython(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempdir("zonesim-sweep-binding-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def same_files(self, a, b):
        proc = subprocess.run([sys.executable, COMPARE_H5, a, b], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_a_sweep_from_python_writes_the_commands_file(self):
        cli = os.path.join(self.tmp.name, "cli.h5")
        zonesim_cli("sweep", SWEEP, "-o", cli, "--threads", "2", "--quiet")
        res = zonesim.sweep(SWEEP, output=os.path.join(self.tmp.name, "py.h5"), threads=2)
        self.assertEqual((res.design, res.points, res.replications), ("sobol", 40, 4))
        self.same_files(cli, res.path)
        self.assertIn("Sobol indices", res.report)

    def test_a_policy_search_from_python_writes_the_commands_file(self):
        cli = os.path.join(self.tmp.name, "cli-opt.h5")
        zonesim_cli("optimize", SWEEP, "-o", cli, "--threads", "2", "--quiet")
        res = zonesim.sweep(SWEEP, output=os.path.join(self.tmp.name, "py-opt.h5"), threads=2, optimize=True)
        self.assertEqual(res.design, "optimize")
        self.same_files(cli, res.path)

    def test_a_bad_sweep_file_raises_zonesim_error_with_the_commands_message(self):
        bad = os.path.join(self.tmp.name, "bad.yaml")
        with open(SWEEP, encoding="utf-8") as f:
            text = f.read().replace("base: demo.yaml", "base: " + os.path.join(SOURCE_DIR, "scenarios", "demo.yaml"))
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace("type: sobol", "type: sobel"))
        proc = zonesim_cli("sweep", bad, "-o", os.path.join(self.tmp.name, "never.h5"), check=False)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        expected = "\n".join(proc.stderr.rstrip("\n").split("\n")[:-1])
        with self.assertRaises(zonesim.ZonesimError) as cm:
            zonesim.sweep(bad, output=os.path.join(self.tmp.name, "never.h5"))
        self.assertEqual(str(cm.exception), expected)
        self.assertIn("sobel", str(cm.exception))
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "never.h5")))


if __name__ == "__main__":
    unittest.main()
