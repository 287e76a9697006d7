"""Sweeps as experiments and outcomes (issue 16, item 3): `zonesim_analysis.load` opens a sweep
file; `experiments()` has one row per finished point x replication with the factor values and
the uncertain parameters' values of that run, `outcomes()` the outputs of interest, target values,
met flags and budget cost of the same runs (as EMA Workbench's perform_experiments returns them);
`zonesim export SWEEP.h5 --csv DIR` writes them. Checked against the file's datasets and against
`zonesim run` of one point with the sweep's seed (common random numbers: the same draws)."""
import csv
import os
import unittest

import h5py
import numpy as np

import support
from zonesim_analysis import Sweep, load

TMP = None
SWEEP = BASE = None
R = 3

BASE_YAML = """extends: {demo}
name: demo-uncertain
parameters:
  rd_user_cost_elasticity: {{distribution: normal, mean: -1.0, sd: 0.2, source: "test"}}
  innovation_zeta: {{distribution: uniform, low: 0.2, high: 0.4, source: "test"}}
"""

SWEEP_YAML = """base: base.yaml
factors:
  - key: levers.rd_subsidy_rate
    range: ["0 %", "40 %"]
  - key: levers.land_priority
    values: [pro_rata, high_tech_first]
  - key: parameters.innovation_zeta
    range: [0.25, 0.35]
design: {{type: grid, levels: 2}}
replications: {R}
seed: 5
outputs:
  - {{indicator: gross_output, year: 2025, zone: all}}
  - {{indicator: rd_to_gdp, year: 2024, zone: north}}
"""


def setUpModule():
    global TMP, SWEEP, BASE
    TMP = support.tempdir("zonesim-sweep-experiments-")
    BASE = os.path.join(TMP.name, "base.yaml")
    with open(BASE, "w", encoding="utf-8") as fh:
        fh.write(BASE_YAML.format(demo=support.DEMO))
    sweep_file = os.path.join(TMP.name, "sweep.yaml")
    with open(sweep_file, "w", encoding="utf-8") as fh:
        fh.write(SWEEP_YAML.format(R=R))
    SWEEP = os.path.join(TMP.name, "sweep.h5")
    support.zonesim("sweep", sweep_file, "-o", SWEEP, "-q")


def tearDownModule():
    TMP.cleanup()


class ExperimentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with load(SWEEP) as sw:
            cls.kind = type(sw)
            cls.factors = list(sw.factors)
            cls.outputs = list(sw.outputs)
            cls.targets = list(sw.target_ids)
            cls.X = sw.experiments()
            cls.Y = sw.outcomes()
            cls.units = sw.outcome_units()
        cls.f = h5py.File(SWEEP, "r")

    @classmethod
    def tearDownClass(cls):
        cls.f.close()

    def test_load_opens_a_sweep_file(self):
        self.assertIs(self.kind, Sweep)

    def test_shapes(self):
        P = 2 ** 3
        self.assertEqual(len(self.X), P * R)
        self.assertEqual(len(self.Y), P * R)
        self.assertEqual(list(self.X.columns), ["point", "replication", "levers.rd_subsidy_rate", "levers.land_priority",
                                                "parameters.innovation_zeta", "parameters.rd_user_cost_elasticity"])
        self.assertEqual(list(self.Y.columns), self.outputs + self.targets + [f"met:{t}" for t in self.targets]
                         + ["met:all", "budget_cost"])
        self.assertEqual(self.outputs, ["gross_output@all@2025", "rd_to_gdp@north@2024"])
        self.assertEqual(len(self.targets), 3)
        self.assertEqual(list(self.X["point"]), [p for p in range(P) for _ in range(R)])
        self.assertEqual(list(self.X["replication"]), list(range(R)) * P)

    def test_factor_values_are_the_design(self):
        m = self.f["design/matrix"][()]
        for i, key in enumerate(self.factors):
            col = self.X[key].to_numpy()
            if key == "levers.land_priority":
                words = ["pro_rata", "high_tech_first"]
                self.assertEqual(list(col), [words[int(m[p, i])] for p in self.X["point"]])
            else:
                np.testing.assert_array_equal(col, m[self.X["point"], i])
        self.assertEqual(sorted(set(self.X["levers.rd_subsidy_rate"])), [0.0, 40.0])
        self.assertEqual(self.units["levers.rd_subsidy_rate"], "%")

    def test_outcomes_are_the_runs_datasets(self):
        p, r = self.X["point"].to_numpy(), self.X["replication"].to_numpy()
        for o, name in enumerate(self.outputs):
            np.testing.assert_array_equal(self.Y[name].to_numpy(), self.f["runs/outputs"][()][p, r, o])
        for t, tid in enumerate(self.targets):
            np.testing.assert_array_equal(self.Y[tid].to_numpy(), self.f["runs/target_values"][()][p, r, t])
            np.testing.assert_array_equal(self.Y[f"met:{tid}"].to_numpy(), self.f["runs/target_met"][()][p, r, t] == 1)
        np.testing.assert_array_equal(self.Y["budget_cost"].to_numpy(), self.f["runs/budget_cost"][()][p, r])
        self.assertFalse(self.Y.isna().any().any())

    def test_means_over_replications_are_the_points_values(self):
        by_point = self.Y.groupby(self.X["point"])
        np.testing.assert_allclose(by_point[self.outputs[0]].mean(), self.f["points/output_mean"][:, 0], rtol=1e-12)
        np.testing.assert_allclose(by_point["met:all"].mean(), self.f["points/all_targets_probability"][()])
        np.testing.assert_allclose(by_point["budget_cost"].mean(), self.f["points/budget_cost_mean"][()], rtol=1e-12)

    def test_parameters_drawn_per_replication_and_fixed_by_a_factor(self):
        zeta = self.X["parameters.innovation_zeta"]
        self.assertEqual(sorted(set(zeta)), [0.25, 0.35])  # the factor, not the base's distribution
        el = self.X.pivot(index="replication", columns="point", values="parameters.rd_user_cost_elasticity")
        self.assertEqual(el.nunique(axis=0).max(), R)      # drawn per replication ...
        for p in el.columns:                               # ... the same draws at every point (seed)
            np.testing.assert_array_equal(el[p], el[0])
        self.assertEqual(list(self.f["parameters/name"].asstr()[()]), ["rd_user_cost_elasticity", "innovation_zeta"])
        self.assertEqual(self.units["parameters.rd_user_cost_elasticity"], "1")

    def test_a_point_reproduced_by_zonesim_run_has_the_same_draws_and_outcomes(self):
        point = 5
        row = self.X[self.X["point"] == point].iloc[0]
        out = os.path.join(TMP.name, "point.h5")
        support.zonesim("run", BASE, "-o", out, "-r", str(R), "--seed", "5", "--force", "-q",
                        "--set", f"levers.rd_subsidy_rate={row['levers.rd_subsidy_rate']!r} %",
                        "--set", f"levers.land_priority={row['levers.land_priority']}",
                        "--set", f"parameters.innovation_zeta={row['parameters.innovation_zeta']!r}")
        with load(out) as run:
            draws = run.parameter_draws()
            tv = run.target_values()
            go = run.indicator_array("gross_output")[-1, -1, :]
        mine = self.X[self.X["point"] == point]
        np.testing.assert_array_equal(draws["rd_user_cost_elasticity"].to_numpy(),
                                      mine["parameters.rd_user_cost_elasticity"].to_numpy())
        outcomes = self.Y[self.X["point"] == point]
        np.testing.assert_array_equal(go, outcomes["gross_output@all@2025"].to_numpy())
        for tid in self.targets:
            t = tv[tv["target"] == tid].sort_values("replication")
            np.testing.assert_array_equal(t["value"].to_numpy(), outcomes[tid].to_numpy())
            np.testing.assert_array_equal(t["met"].to_numpy(), outcomes[f"met:{tid}"].to_numpy())


class ExportTest(unittest.TestCase):
    def test_export_writes_experiments_outcomes_and_points(self):
        out = os.path.join(TMP.name, "csv")
        p = support.zonesim("export", SWEEP, "--csv", out)
        self.assertEqual(sorted(os.listdir(out)), ["experiments.csv", "outcomes.csv", "points.csv"])
        self.assertIn("experiments.csv (24 rows)", p.stdout)
        with load(SWEEP) as sw:
            X, Y = sw.experiments(), sw.outcomes()
            q = sw.point_quantities()
        with open(os.path.join(out, "experiments.csv"), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual(len(rows), len(X))
        self.assertEqual(list(rows[0].keys()), list(X.columns))
        for i in (0, 7, len(rows) - 1):
            self.assertEqual(rows[i]["levers.land_priority"], X["levers.land_priority"][i])
            self.assertEqual(float(rows[i]["parameters.rd_user_cost_elasticity"]),
                             X["parameters.rd_user_cost_elasticity"][i])
        with open(os.path.join(out, "outcomes.csv"), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual(list(rows[0].keys()), ["point", "replication"] + list(Y.columns))
        for i in (0, 11, len(rows) - 1):
            self.assertEqual(float(rows[i]["gross_output@all@2025"]), Y["gross_output@all@2025"][i])
            self.assertEqual(rows[i]["met:all"], str(bool(Y["met:all"][i])))
        with open(os.path.join(out, "points.csv"), encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.assertEqual(len(rows), 8)
        self.assertEqual(float(rows[3]["P(all targets)"]), q["P(all targets)"][3])


if __name__ == "__main__":
    unittest.main()
