"""The doc-test's own rules on made-up documents: extraction, prompts, directives, masks, the
`...` line, expected exit codes, the skip list, and documents it has never seen."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doccheck as dt  # noqa: E402


def write(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8")
    f.write(text)
    f.close()
    return f.name


class Extraction(unittest.TestCase):
    def test_sh_lines_continuations_comments_and_exit_codes(self):
        doc = write("# A new page\n\n```sh\n# a comment\nzonesim validate a.yaml   # exits 2 here\n"
                    "srun zonesim sweep s.yaml \\\n     --threads 2 -q\n```\n")
        steps = dt.extract(doc)
        self.assertEqual([dt.command_key(s) for s in steps],
                         ["zonesim validate a.yaml", "srun zonesim sweep s.yaml --threads 2 -q"])
        self.assertEqual([s.exit_code for s in steps], [2, 0])
        self.assertTrue(all(s.expected is None for s in steps))

    def test_prompted_blocks_carry_their_output(self):
        doc = write("```sh\n$ zonesim run x.yaml -q\n$ echo hi\nhi\n```\n")
        steps = dt.extract(doc)
        self.assertEqual([dt.command_key(s) for s in steps], ["zonesim run x.yaml -q", "echo hi"])
        self.assertIsNone(steps[0].expected)  # nothing shown: not compared
        self.assertEqual(steps[1].expected, ["hi"])

    def test_output_blocks_setup_and_masks_come_from_the_comment(self):
        doc = write("<!-- doctest\nsetup: touch x\noutput of: echo 'took 1.5 s'\nmask: [0-9.]+ s$\n-->\n"
                    "```\ntook 9.99 s\n```\n\n```\nnot checked\n```\n")
        steps = dt.extract(doc)
        self.assertEqual([(s.text, s.checked) for s in steps], [("touch x", False), ("echo 'took 1.5 s'", True)])
        self.assertIsNone(dt.compare(steps[1], "took 1.5 s\n"))
        self.assertIsNotNone(dt.compare(steps[1], "took 1.5 minutes\n"))

    def test_a_hash_inside_quotes_is_not_a_comment(self):
        self.assertEqual(dt.strip_comment("echo '# not a comment' # a comment"), "echo '# not a comment' ")


class Comparison(unittest.TestCase):
    def step(self, expected, masks=()):
        return dt.Step("doc.md", 1, "sh", "cmd", expected, masks=masks)

    def test_ellipsis_stands_for_any_lines_and_trailing_spaces_do_not_count(self):
        s = self.step(["first", "  ...", "last"])
        self.assertIsNone(dt.compare(s, "first\nlast\n"))
        self.assertIsNone(dt.compare(s, "first  \na\nb\nlast\n"))
        self.assertIn("the output differs", dt.compare(s, "first\na\n"))

    def test_a_changed_line_is_reported_with_its_number(self):
        self.assertEqual(dt.compare(self.step(["a", "b"]), "a\nc\n"), "line 2: expected 'b', got 'c'")
        self.assertEqual(dt.compare(self.step(["a", "b"]), "a\n"), "line 2: expected 'b', got '(end of output)'")


if __name__ == "__main__":
    unittest.main()
