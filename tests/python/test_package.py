"""`pip install ./analysis` works offline with Debian's Python and the CLI finds the installed
package: installed into a venv (with the system's numpy, h5py, pandas), used from elsewhere."""
import os
import shutil
import subprocess
import sys
import unittest

from binding_support import DEMO, SOURCE_DIR, tempdir, zonesim as zonesim_cli


class InstalledPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempdir("zonesim-package-")
        # Install from a copy, so the build does not leave build/ or *.egg-info in the source tree.
        src = os.path.join(cls.tmp.name, "analysis")
        shutil.copytree(os.path.join(SOURCE_DIR, "analysis"), src,
                        ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        venv = os.path.join(cls.tmp.name, "venv")
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
        cls.python = os.path.join(venv, "bin", "python")
        cls.env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
        proc = subprocess.run([cls.python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                               "--disable-pip-version-check", src],
                              capture_output=True, text=True, env=cls.env, timeout=240)
        cls.install = proc

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_pip_installs_offline_without_build_isolation(self):
        self.assertEqual(self.install.returncode, 0, self.install.stdout + self.install.stderr)
        self.assertIn("Successfully installed zonesim-0.1.0", self.install.stdout)

    def test_the_installed_zonesim_runs_a_scenario(self):
        code = ("import zonesim, zonesim_analysis; "
                "print(zonesim.__file__); print(zonesim_analysis.__file__); "
                f"res = zonesim.load({DEMO!r}).run(replications=2, seed=1, threads=1); "
                "print(res.targets.shape)")
        proc = subprocess.run([self.python, "-c", code], capture_output=True, text=True, env=self.env,
                              cwd=self.tmp.name, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.split("\n")
        self.assertIn(os.path.join("venv", "lib"), lines[0])  # not the source tree
        self.assertIn(os.path.join("venv", "lib"), lines[1])
        self.assertEqual(lines[2], "(3, 16)")

    def test_the_cli_finds_the_installed_package(self):
        run = os.path.join(self.tmp.name, "run.h5")
        zonesim_cli("run", DEMO, "-r", "2", "-o", run, "--quiet")
        env = dict(self.env, ZONESIM_PYTHON=self.python,
                   ZONESIM_ANALYSIS_DIR=os.path.join(self.tmp.name, "no-source-tree"))
        out = os.path.join(self.tmp.name, "csv")
        proc = zonesim_cli("export", run, "--csv", out, env=env, check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "indicators.csv")))
        # Without the source tree and with the system python (no package), the command fails.
        env = dict(self.env, ZONESIM_ANALYSIS_DIR=os.path.join(self.tmp.name, "no-source-tree"))
        proc = zonesim_cli("export", run, "--csv", out + "2", env=env, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("No module named 'zonesim_analysis'", proc.stderr)


if __name__ == "__main__":
    unittest.main()
