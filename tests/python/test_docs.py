"""docs/python.md: the worked model-function example runs as written and prints its table."""
import os
import re
import subprocess
import sys
import unittest

from binding_support import SOURCE_DIR


class DocsExample(unittest.TestCase):
    def test_the_model_function_example_runs_as_written(self):
        doc = open(os.path.join(SOURCE_DIR, "docs", "python.md"), encoding="utf-8").read()
        blocks = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "def model(" in b]
        self.assertEqual(len(blocks), 1, "docs/python.md should hold one model-function example")
        env = dict(os.environ, PYTHONPATH=os.path.join(SOURCE_DIR, "analysis"))
        proc = subprocess.run([sys.executable, "-c", blocks[0]], cwd=SOURCE_DIR, env=env,
                              capture_output=True, text=True, timeout=240)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["rd_subsidy_rate", "land_quota_mu", "rd_user_cost_elasticity",
                                            "p_output", "p_rd", "output_2025", "lever_cost"])
        self.assertEqual([ln.split()[0] for ln in lines[1:9]], [str(i) for i in range(8)])
        self.assertTrue(lines[9].startswith("rd_subsidy_rate "))
        # the printed table is the one in the doc (the same inputs give the same numbers)
        self.assertIn("\n".join(lines), doc)


if __name__ == "__main__":
    unittest.main()
