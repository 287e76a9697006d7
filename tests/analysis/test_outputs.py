"""Every file the analysis commands write (compare --csv, report's HTML, export's CSV files) is
written atomically through one helper (common.write_output / write_outputs: a temporary file in
the same directory, then a rename) and never replaces an existing file without --force (issue 12,
defect 6). A full disk (`ulimit -f` with SIGXFSZ ignored) leaves no partial file and no temporary
file behind."""
import csv
import os
import subprocess
import unittest

import support
from zonesim_analysis.common import OutputError, write_output

TMP = None
BASE = ALT = None


def setUpModule():
    global TMP, BASE, ALT
    TMP = support.tempdir("zonesim-outputs-")
    BASE = support.run_demo(os.path.join(TMP.name, "base.h5"))
    ALT = support.run_demo(os.path.join(TMP.name, "alt.h5"), "--set", "levers.rd_subsidy_rate=60%")


def tearDownModule():
    TMP.cleanup()


def path(name):
    return os.path.join(TMP.name, name)


def hidden():
    """Temporary files left in the test directory (they start with a dot)."""
    return [n for n in os.listdir(TMP.name) if n.startswith(".")]


def with_file_limit(kib, *args):
    """Runs zonesim with a file size limit of `kib` KiB and SIGXFSZ ignored: a write beyond the
    limit fails with EFBIG, as on a full disk."""
    cmd = "trap '' XFSZ; ulimit -f {}; exec \"$@\"".format(kib)
    return subprocess.run(["bash", "-c", cmd, "bash", support.ZONESIM, *args], capture_output=True, text=True,
                          timeout=240)


class CompareCsvTest(unittest.TestCase):
    def test_compare_csv_refuses_to_overwrite_without_force(self):
        out = path("cmp.csv")
        with open(out, "w") as fh:
            fh.write("keep me\n")
        p = support.zonesim("compare", BASE, ALT, "--csv", out, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, f"zonesim compare: output file {out} exists; pass --force to overwrite it\n")
        self.assertEqual(p.stdout, "")  # refused before any work
        with open(out) as fh:
            self.assertEqual(fh.read(), "keep me\n")
        support.zonesim("compare", BASE, ALT, "--csv", out, "--force")
        with open(out, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertIn("gross_output", [r["indicator"] for r in rows])
        self.assertEqual(hidden(), [])

    def test_compare_csv_onto_an_input_or_a_directory_is_refused(self):
        p = support.zonesim("compare", BASE, ALT, "--csv", ALT, "--force", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, f"zonesim compare: output file {ALT} is the input {ALT}; choose another name\n")
        p = support.zonesim("compare", BASE, ALT, "--csv", TMP.name, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is a directory", p.stderr)

    def test_compare_csv_on_a_full_disk_leaves_no_partial_file(self):
        out = path("full.csv")
        p = with_file_limit(2, "compare", BASE, ALT, "--csv", out)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, f"zonesim compare: cannot write {out}: File too large; nothing was written\n")
        self.assertFalse(os.path.exists(out))
        self.assertEqual(hidden(), [])
        # the same command without the limit writes more than 2 KiB: the limit was what failed
        support.zonesim("compare", BASE, ALT, "--csv", out)
        self.assertGreater(os.path.getsize(out), 2048)
        os.unlink(out)


class ReportAndExportTest(unittest.TestCase):
    def test_report_on_a_full_disk_leaves_no_partial_file(self):
        out = path("full.html")
        p = with_file_limit(64, "report", BASE, "-o", out)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, f"zonesim report: cannot write {out}: File too large; nothing was written\n")
        self.assertFalse(os.path.exists(out))
        self.assertEqual(hidden(), [])

    def test_report_keeps_an_existing_file_that_appears(self):
        out = path("r.html")
        with open(out, "w") as fh:
            fh.write("mine")
        p = support.zonesim("report", BASE, "-o", out, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("pass --force", p.stderr)
        with open(out) as fh:
            self.assertEqual(fh.read(), "mine")

    def test_export_on_a_full_disk_writes_nothing(self):
        out = path("full-csv")
        p = with_file_limit(64, "export", BASE, "--csv", out)  # indicators.csv is larger than 64 KiB
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, f"zonesim export: cannot write into {out}: File too large; nothing was written\n")
        self.assertFalse(os.path.exists(out))
        self.assertEqual(hidden(), [])

    def test_export_with_force_into_a_full_directory_keeps_it_on_failure(self):
        out = path("kept-csv")
        support.zonesim("export", ALT, "--csv", out)
        before = {n: os.path.getmtime(os.path.join(out, n)) for n in os.listdir(out)}
        p = with_file_limit(64, "export", BASE, "--csv", out, "--force")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual({n: os.path.getmtime(os.path.join(out, n)) for n in os.listdir(out)}, before)
        self.assertEqual(hidden(), [])


class HelperTest(unittest.TestCase):
    def test_write_output_never_replaces_without_force(self):
        out = path("h.txt")
        write_output(out, b"one", force=False)
        with self.assertRaisesRegex(OutputError, "exists; pass --force"):
            write_output(out, b"two", force=False)
        with open(out, "rb") as fh:
            self.assertEqual(fh.read(), b"one")
        write_output(out, b"three", force=True)
        with open(out, "rb") as fh:
            self.assertEqual(fh.read(), b"three")
        self.assertEqual(oct(os.stat(out).st_mode & 0o777), oct(0o666 & ~current_umask()))
        self.assertEqual(hidden(), [])

    def test_only_regular_files_are_replaced(self):
        fifo = path("fifo")
        os.mkfifo(fifo)
        with self.assertRaisesRegex(OutputError, "is not a regular file"):
            write_output(fifo, b"x", force=True)
        self.assertTrue(os.path.exists(fifo))
        os.unlink(fifo)


def current_umask():
    m = os.umask(0)
    os.umask(m)
    return m


if __name__ == "__main__":
    unittest.main()
