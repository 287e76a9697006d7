"""Damaged files and files of another layout (issue 12, defect 5): `zonesim report`, `export` and
`compare` on a corpus made from a real run file and a real sweep file (truncated at several
offsets, a region zeroed, an attribute rewritten with the wrong type or shape, a group deleted, an
indicator replaced by a wrong-shaped or wrong-typed one, ...) each exit 2 with one line on stderr
that names the file and what is wrong: no traceback, no crash, no output file."""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import unittest

import h5py
import numpy as np

import support
from zonesim_analysis import compare, export, load, reader, report
from zonesim_analysis.reader import ZonesimFileError

TMP = None
RUN = SWEEP = None

# Iterates every group of a file with bare h5py (no probe): crashes on some damaged files.
WALK = """
import h5py, sys
def walk(g):
    for name in g:
        child = g[name]
        if isinstance(child, h5py.Group):
            walk(child)
try:
    walk(h5py.File(sys.argv[1], "r"))
except Exception:
    pass
"""


def setUpModule():
    global TMP, RUN, SWEEP
    TMP = support.tempdir("zonesim-damaged-")
    RUN = support.run_demo(os.path.join(TMP.name, "run.h5"), "--firm-panel", "0")
    SWEEP = os.path.join(TMP.name, "sweep.h5")
    support.zonesim("sweep", os.path.join(support.SOURCE_DIR, "scenarios", "demo-sweep.yaml"), "-o", SWEEP, "-q")


def tearDownModule():
    TMP.cleanup()


def path(name):
    return os.path.join(TMP.name, name)


def damaged(name, source=None):
    """A copy of the run file (or `source`) under `name`."""
    p = path(name)
    shutil.copy(source or RUN, p)
    return p


def truncated(size):
    p = damaged(f"truncated-{size}.h5")
    with open(p, "r+b") as fh:
        fh.truncate(size)
    return p


def zeroed(offset, length, source=None, tag="run"):
    p = damaged(f"zeroed-{tag}-{offset}-{length}.h5", source)
    with open(p, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\0" * length)
    return p


def edited(name, edit, source=None):
    """A copy with `edit(h5py.File)` applied."""
    p = damaged(name, source)
    with h5py.File(p, "r+") as f:
        edit(f)
    return p


def replace(f, name, data, **attrs):
    """Replaces dataset or group `name` by a dataset of `data`, keeping documented attributes."""
    keep = dict(f[name].attrs) if name in f else {}
    if name in f:
        del f[name]
    d = f.create_dataset(name, data=data)
    for k, v in {**keep, **attrs}.items():
        d.attrs[k] = v


def set_attr(name, value, obj="/"):
    def edit(f):
        del f[obj].attrs[name]
        f[obj].attrs[name] = value
    return edit


def delete(name):
    def edit(f):
        del f[name]
    return edit


def run_main(module, args):
    """Runs a command's main() in this process: (exit code, stderr). An exception escaping main()
    would be the traceback the user sees, so it fails the test as such."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = module.main(args)
    return code, err.getvalue()


class Corpus(unittest.TestCase):
    def assert_located(self, code, stderr, prog, bad, fragment=None):
        self.assertEqual(code, 2, stderr)
        self.assertNotIn("Traceback", stderr)
        self.assertEqual(stderr.count("\n"), 1, f"not one line: {stderr!r}")
        self.assertTrue(stderr.startswith(f"zonesim {prog}: "), stderr)
        self.assertIn(bad, stderr)
        if fragment:
            self.assertIn(fragment, stderr)

    def check_export(self, bad, fragment=None, name="x"):
        """export (which reads every table) on `bad`: exit 2, one located line, nothing written."""
        d = path(f"{name}-csv")
        code, err = run_main(export, [bad, "--csv", d])
        self.assert_located(code, err, "export", bad, fragment)
        self.assertFalse(os.path.exists(d))
        self.assertEqual([n for n in os.listdir(TMP.name) if n.startswith(".")], [])

    def check_all_commands(self, bad, fragment=None, name="x"):
        """export, report and compare (both positions) on `bad`: exit 2, one located line each."""
        self.check_export(bad, fragment, name)
        out = path(f"{name}.html")
        code, err = run_main(report, [bad, "-o", out, "--lang", "en"])
        self.assert_located(code, err, "report", bad, fragment)
        self.assertFalse(os.path.exists(out))
        for args in ([bad, RUN], [RUN, bad]):
            code, err = run_main(compare, args)
            self.assert_located(code, err, "compare", bad, fragment)

    # ---- truncated and zeroed ------------------------------------------------------------------

    def test_truncated_files(self):
        size = os.path.getsize(RUN)
        for cut in [0, 7, 100, 2048, size // 4, size // 2, size - 4096, size - 1]:
            with self.subTest(cut=cut):
                bad = truncated(cut)
                fragment = "is empty" if cut == 0 else ("is truncated" if cut >= 512 else None)
                check = self.check_all_commands if cut == size // 2 else self.check_export
                check(bad, fragment, name=f"t{cut}")

    def test_zeroed_superblock(self):
        self.check_export(zeroed(0, 64), "not an HDF5 file")
        self.check_export(zeroed(8, 56), "HDF5 cannot open the file (bad byte number in an address); it is damaged")

    def test_zeroed_object_header(self):
        with h5py.File(RUN, "r") as f:
            addr = h5py.h5o.get_info(f["targets/id"].id).addr
        bad = zeroed(addr, 64)
        self.check_all_commands(bad, "/targets")

    def test_zeroed_compressed_chunk(self):
        with h5py.File(RUN, "r") as f:
            info = f["indicators/gross_output"].id.get_chunk_info(0)
        bad = zeroed(info.byte_offset, info.size)
        self.check_all_commands(bad, "cannot read /indicators/gross_output")

    def test_zeroed_regions_anywhere(self):
        """4 KiB zeroed at 16 places over the file: each either still reads (the bytes were
        uncompressed values, now zeros, or unused space) or gives a located error; never a
        traceback or a crash (a crash of HDF5 would end this test process)."""
        size = os.path.getsize(RUN)
        errors = 0
        for k in range(16):
            offset = (k * size) // 16
            bad = zeroed(offset, 4096)
            code, err = run_main(export, [bad, "--csv", path(f"z{k}")])
            self.assertIn(code, (0, 2), f"offset {offset}: {err}")
            if code == 2:
                errors += 1
                self.assert_located(code, err, "export", bad)
                self.assertFalse(os.path.exists(path(f"z{k}")))
        self.assertGreater(errors, 5)

    def test_zeroed_heap_headers_crash_hdf5_not_the_reader(self):
        """Zeroing the header of a fractal heap (where a group keeps its links) makes HDF5 1.10
        crash when the group is iterated (SIGSEGV, or abort on a double free). The reader opens
        every file in a child process first (reader._probe) and reports such a crash as a
        located error. Each heap header of the file in turn; at least one crashes bare h5py."""
        with open(RUN, "rb") as fh:
            data = fh.read()
        heaps = [m.start() for m in re.finditer(b"FRHP", data)]
        self.assertGreater(len(heaps), 3)
        crashes = 0
        for offset in heaps:
            bad = zeroed(offset, 64, tag="heap")
            bare = subprocess.run([sys.executable, "-c", WALK, bad], capture_output=True)
            crashes += bare.returncode < 0
            code, err = run_main(export, [bad, "--csv", path("heap-csv")])
            self.assert_located(code, err, "export", bad)  # the crash message, or an earlier error
        self.assertGreater(crashes, 0, "no heap damage crashes HDF5 any more: the test shows nothing")

    def test_a_file_on_which_hdf5_hangs_is_reported(self):
        orig = reader._probe_limits
        reader._probe_limits = lambda p: (0.001, 2 ** 31)  # as if every read hung
        try:
            self.check_export(RUN, "HDF5 does not finish reading the file in 0.001 s; the file is damaged")
        finally:
            reader._probe_limits = orig

    # ---- another layout ------------------------------------------------------------------------

    def test_root_attributes_of_the_wrong_type_or_shape(self):
        cases = [
            ("format_version", "1", "root attribute format_version is the string '1'"),
            ("format_version", np.array([1, 1]), "root attribute format_version is an array of shape (2,)"),
            ("seed", "7", "root attribute seed is the string '7'; a zonesim run file (layout v1, docs/output.md) "
                          "stores an integer"),
            ("replications", 20.0, "root attribute replications is the floating-point number 20.0"),
            ("base_year", np.array([2020]), "root attribute base_year is an array of shape (1,)"),
            ("kind", 1, "root attribute kind is the integer 1"),
            ("title_en", np.array(["a", "b"], dtype=h5py.string_dtype()), "root attribute title_en is an array"),
        ]
        for k, (attr, value, fragment) in enumerate(cases):
            with self.subTest(attr=attr, value=value):
                bad = edited(f"attr-{attr}-{k}.h5", set_attr(attr, value))
                (self.check_all_commands if k == 2 else self.check_export)(bad, fragment, name=f"a-{k}")

    def test_dataset_attribute_of_the_wrong_type(self):
        bad = edited("unit.h5", set_attr("unit", 3, "indicators/gross_output"))
        self.check_export(bad, "attribute unit of /indicators/gross_output is the integer 3")
        bad = edited("label.h5", delete_attr("label_en", "indicators/rd_to_gdp"))
        self.check_export(bad, "/indicators/rd_to_gdp has no attribute label_en")

    def test_missing_groups_and_datasets(self):
        for name, fragment in [("calibration", "no /calibration group"), ("dims", "no /dims group"),
                               ("targets", "no /targets group"), ("parameters", "no /parameters group"),
                               ("scenario", "no /scenario group"), ("dims/year", "no /dims/year;"),
                               ("targets/values", "no /targets/values;"), ("sector_output", "no /sector_output;"),
                               ("firm_panel/replication_0/output", "no /firm_panel/replication_0/output;")]:
            with self.subTest(name=name):
                bad = edited(f"del-{name.replace('/', '-')}.h5", delete(name))
                check = self.check_all_commands if name == "calibration" else self.check_export
                check(bad, fragment, name=f"d-{name.replace('/', '-')}")

    def test_indicators_of_the_wrong_shape_or_type(self):
        Y, Z, R = 6, 3, 20
        cases = [
            ("2d", lambda f: replace(f, "indicators/gross_output", np.zeros((Y, Z))),
             "/indicators/gross_output has shape (6, 3); a zonesim run file (layout v1, docs/output.md) stores "
             "[year, zone, replication] = (6, 3, 20)"),
            ("fewer-reps", lambda f: replace(f, "indicators/rd_to_gdp", np.zeros((Y, Z, R - 1))),
             "/indicators/rd_to_gdp has shape (6, 3, 19)"),
            ("int", lambda f: replace(f, "indicators/gross_output", np.zeros((Y, Z, R), dtype=np.int32)),
             "/indicators/gross_output holds int32 values; a zonesim run file (layout v1, docs/output.md) stores "
             "floating-point numbers (float64) there"),
            ("strings", lambda f: replace(f, "indicators/firms", np.array(["x"] * 3, dtype=h5py.string_dtype())),
             "/indicators/firms holds strings"),
            ("scalar", lambda f: replace(f, "indicators/firms", 1.0), "/indicators/firms is a scalar"),
            ("group", lambda f: (delete("indicators/firms")(f), f.create_group("indicators/firms")),
             "/indicators/firms is a group"),
            ("compound", lambda f: replace(f, "indicators/firms", np.zeros((Y, Z, R), dtype=[("a", "f8"), ("b", "i4")])),
             "/indicators/firms holds compound records"),
            ("indicators-dataset", lambda f: replace(f, "indicators", np.zeros(3)), "/indicators is a dataset"),
        ]
        for tag, edit, fragment in cases:
            with self.subTest(tag=tag):
                bad = edited(f"ind-{tag}.h5", edit)
                (self.check_all_commands if tag == "2d" else self.check_export)(bad, fragment, name=f"i-{tag}")

    def test_inconsistent_dimensions_and_values(self):
        cases = [
            ("zones", lambda f: replace(f, "dims/zone", np.array(["north", "all"], dtype=h5py.string_dtype())),
             "/dims/zone_name_zh has shape (3,); a zonesim run file (layout v1, docs/output.md) stores [zone] = (2,) "
             "(as the other datasets of the file)"),
            ("years", lambda f: replace(f, "dims/year", np.arange(2019, 2025, dtype=np.int32)),
             "/dims/year holds [2019, 2020, 2021, 2022, 2023, 2024], not the years base_year … end_year = 2020 … 2025"),
            ("no-all", lambda f: replace(f, "dims/zone", np.array(["north", "south", "x"], dtype=h5py.string_dtype())),
             "its last entry must be \"all\""),
            ("calibration", lambda f: replace(f, "calibration/stated", np.zeros((3, 6))),
             "/calibration/stated has shape (3, 6)"),
            ("panel-index", lambda f: replace(f, "firm_panel/replication_0/zone",
                                              np.full(f["firm_panel/replication_0/zone"].shape, 9, dtype=np.int32)),
             "/firm_panel/replication_0/zone holds index 9, outside /dims/zone (0 … 2)"),
            ("panel-name", lambda f: f.move("firm_panel/replication_0", "firm_panel/rep0"),
             "/firm_panel/rep0 is not replication_<r>"),
            ("spending", lambda f: delete("spending/talent")(f), "/dims/spending names talent, missing from /spending"),
        ]
        for tag, edit, fragment in cases:
            with self.subTest(tag=tag):
                bad = edited(f"dims-{tag}.h5", edit)
                self.check_export(bad, fragment, name=f"m-{tag}")

    def test_damaged_sweep_files(self):
        cases = [
            ("runs", delete("runs"), "no /runs group; a zonesim sweep file (docs/sweeps.md) has one"),
            ("done", lambda f: replace(f, "points/done", np.array(["x"] * 40, dtype=h5py.string_dtype())),
             "/points/done holds strings"),
            ("outputs", lambda f: replace(f, "runs/outputs", np.zeros((40, 4))), "/runs/outputs has shape (40, 4)"),
            ("points", set_attr("points", 41), "root attribute points is 41 but the datasets hold 40 points"),
            ("design", set_attr("design", 3), "root attribute design is the integer 3"),
        ]
        for tag, edit, fragment in cases:
            with self.subTest(tag=tag):
                bad = edited(f"sweep-{tag}.h5", edit, source=SWEEP)
                if tag == "runs":
                    code, err = run_main(report, [bad, "-o", path(f"s-{tag}.html")])
                    self.assert_located(code, err, "report", bad, fragment)
                self.check_export(bad, fragment, name=f"s-{tag}")
        size = os.path.getsize(SWEEP)
        for cut in [size // 3, size - 1]:
            bad = damaged(f"sweep-cut-{cut}.h5", SWEEP)
            with open(bad, "r+b") as fh:
                fh.truncate(cut)
            code, err = run_main(export, [bad, "--csv", path(f"sc-{cut}")])
            self.assert_located(code, err, "export", bad, "is truncated")

    def test_through_the_binary(self):
        """The real commands (exec'd by the zonesim binary) on a truncated file and a file with a
        wrong attribute: exit 2, one line naming the file."""
        for bad, fragment in [(truncated(os.path.getsize(RUN) // 2), "is truncated"),
                              (edited("bin-attr.h5", set_attr("seed", "x")), "root attribute seed is the string 'x'")]:
            for args in (["report", bad, "-o", path("bin.html")], ["export", bad, "--csv", path("bin-csv")],
                         ["compare", RUN, bad]):
                p = support.zonesim(*args, check=False)
                self.assert_located(p.returncode, p.stderr, args[0], bad, fragment)


class CrashTest(unittest.TestCase):
    def test_a_crash_of_the_analysis_is_one_line_and_exit_2(self):
        """The last line of defence: should the Python process die of a signal anyway (HDF5 on a
        damage the probe did not meet), the zonesim binary says so in one line naming the .h5
        inputs. A stand-in analysis package that crashes itself plays the part."""
        fake = path("fake-analysis")
        os.makedirs(os.path.join(fake, "zonesim_analysis"), exist_ok=True)
        with open(os.path.join(fake, "zonesim_analysis", "__init__.py"), "w") as fh:
            fh.write("")
        with open(os.path.join(fake, "zonesim_analysis", "export.py"), "w") as fh:
            fh.write("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
        p = subprocess.run([support.ZONESIM, "export", RUN, "--csv", path("never")], capture_output=True, text=True,
                           env=dict(os.environ, ZONESIM_ANALYSIS_DIR=fake), timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, f"zonesim export: the analysis stopped on signal 11 (Segmentation fault) reading "
                                   f"{RUN}; HDF5 crashes on some damaged files: check them with h5ls -r\n")


class SweepFileNamedTest(unittest.TestCase):
    def test_compare_on_a_sweep_file_says_what_it_is_and_what_to_run(self):
        p = support.zonesim("compare", SWEEP, RUN, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, (
            f"zonesim compare: {SWEEP} is a sweep file (kind = \"sweep\", written by `zonesim sweep` or "
            f"`zonesim optimize`), not a run file; zonesim compare takes run files (`zonesim run`). For a sweep "
            f"use `zonesim report {SWEEP}` or `zonesim export {SWEEP} --csv DIR` (experiments and outcomes)\n"))
        self.assertNotIn("format_version", p.stderr)
        p = support.zonesim("report", RUN, "--compare", SWEEP, "-o", path("c.html"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is a sweep file", p.stderr)

    def test_the_reader_raises_zonesim_file_error(self):
        bad = truncated(1000)
        with self.assertRaisesRegex(ZonesimFileError, "is truncated"):
            load(bad)


def delete_attr(name, obj):
    def edit(f):
        del f[obj].attrs[name]
    return edit


if __name__ == "__main__":
    unittest.main()
