"""docs/output.md's indicator table lists every indicator the program writes (issue 15:
firms_moved_in and firms_moved_out were missing), with its unit and labels."""
import os
import re
import unittest

SOURCE = os.environ.get("ZONESIM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class IndicatorTable(unittest.TestCase):
    def test_output_md_lists_every_indicator_with_its_labels(self):
        header = open(os.path.join(SOURCE, "sim", "include", "zonesim", "indicators.hpp"), encoding="utf-8").read()
        # X(key, dim, "label_en", "label_zh"), possibly over two lines
        code = [(m.group(1), m.group(2), m.group(3)) for m in re.finditer(
            r'X\((\w+),\s*\w+,\s*"([^"]*)",\s*(?:\\\s*)?"([^"]*)"\)', header)]
        self.assertGreater(len(code), 50)
        doc = open(os.path.join(SOURCE, "docs", "output.md"), encoding="utf-8").read()
        rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
            r"^\| `(\w+)` \| [^|]+ \| ([^|]+?) \| ([^|]+?) \|$", doc, re.M)}
        for key, en, zh in code:
            self.assertIn(key, rows, f"docs/output.md has no row for the indicator {key}")
            self.assertEqual(rows[key], (en, zh), key)


if __name__ == "__main__":
    unittest.main()
