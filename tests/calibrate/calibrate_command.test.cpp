// Issue 18: `zonesim calibrate` - a known synthetic answer, the same file for any thread count,
// a scenario drawing its parameters from the posterior, and back-tests whose calibration never
// reads the back-test years.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "support.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/model.hpp"
#include "zonesim/sweep.hpp"

namespace fs = std::filesystem;
using zonesim::test::TempDir;
using zonesim::test::load_valid;
using zonesim::test::read_dataset;
using zonesim::test::run_command;
using zonesim::test::run_zonesim;
using zonesim::test::source_path;

namespace {

// Copies the synthetic case into `dir` with observations made from `runs` replications at
// births_per_carrier = `truth` (firm counts of 2021-2023).
void synthetic_case(const TempDir& dir, double truth, int runs) {
  for (const char* f : {"scenario.yaml", "calibration.yaml"})
    fs::copy_file(source_path(std::string("tests/calibrate/synthetic/") + f), dir.file(f));
  dir.write("observed.yaml", "observed: {}\n");  // replaced below
  std::ifstream in(dir.file("scenario.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("observed: observed.yaml");
  const zonesim::Scenario truth_run = zonesim::test::load_valid_text(
      text.substr(0, at), {"parameters.births_per_carrier=" + std::to_string(truth)});
  double firms[4] = {0, 0, 0, 0};
  for (int r = 0; r < runs; ++r) {
    const auto rep = zonesim::simulate_replication(truth_run, static_cast<std::uint32_t>(1000 + r));
    for (int y = 1; y <= 3; ++y) firms[y] += rep.ind(y, 1, zonesim::Ind::firms) / runs;
  }
  dir.write("observed.yaml", "observed:\n  firms:\n    indicator: firms\n    zone: z\n    source: synthetic\n"
                             "    values: {2021: " + std::to_string(std::lround(firms[1])) + ", 2022: " +
                             std::to_string(std::lround(firms[2])) + ", 2023: " + std::to_string(std::lround(firms[3])) +
                             "}\n");
}

}  // namespace

TEST_CASE("calibration recovers a known parameter value from synthetic observations") {
  TempDir dir;
  synthetic_case(dir, 4.0, 8);
  const auto r = run_zonesim("calibrate " + dir.file("calibration.yaml") + " -q -t 2 -o " + dir.file("post.h5"));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("accepted 12 of 120 proposals") != std::string::npos);
  const auto mean = read_dataset(dir.file("post.h5"), "posterior/posterior_mean");
  const auto sd = read_dataset(dir.file("post.h5"), "posterior/posterior_sd");
  const auto prior_sd = read_dataset(dir.file("post.h5"), "posterior/prior_sd");
  REQUIRE(mean.size() == 1);
  CHECK(std::fabs(mean[0] - 4.0) < 0.75);
  CHECK(sd[0] < 0.4 * prior_sd[0]);  // the data narrow the uniform(0.5, 8) prior (sd 2.17)
  const auto w = read_dataset(dir.file("post.h5"), "posterior/weight");
  CHECK(w.size() == 12);
}

TEST_CASE("a calibration gives the same file whatever the thread count, and a scenario can draw from it") {
  TempDir dir;
  synthetic_case(dir, 3.0, 2);
  const auto one = run_zonesim("calibrate " + dir.file("calibration.yaml") + " -q -t 1 -o " + dir.file("t1.h5"));
  const auto two = run_zonesim("calibrate " + dir.file("calibration.yaml") + " -q -t 2 -o " + dir.file("t2.h5"));
  INFO(one.err << two.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(two.exit_code == 0);
  const auto cmp = run_command(std::string(ZONESIM_PYTHON) + " " + source_path("tests/sweep/compare_h5.py") + " " +
                               dir.file("t1.h5") + " " + dir.file("t2.h5"));
  INFO(cmp.out << cmp.err);
  CHECK(cmp.exit_code == 0);

  // The posterior feeds a run: each replication's births_per_carrier is one accepted draw.
  dir.write("posterior.yaml", "extends: scenario.yaml\nname: from-posterior\nparameters:\n  from_posterior: t1.h5\n");
  const zonesim::Scenario s = load_valid(dir.file("posterior.yaml"));
  REQUIRE(s.posterior);
  const auto accepted = read_dataset(dir.file("t1.h5"), "posterior/accepted_values_canonical");
  for (std::uint32_t rep = 0; rep < 8; ++rep) {
    const double v = zonesim::draw_parameters(s, rep)[static_cast<std::size_t>(zonesim::Param::births_per_carrier)];
    CHECK(std::find(accepted.begin(), accepted.end(), v) != accepted.end());
  }
}

TEST_CASE("a posterior file that is not one is a located error") {
  TempDir dir;
  synthetic_case(dir, 3.0, 1);
  dir.write("posterior.yaml", "extends: scenario.yaml\nname: from-posterior\nparameters:\n  from_posterior: nothing.h5\n");
  const auto r = zonesim::load_scenario_file(dir.file("posterior.yaml"));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(zonesim::test::where(r.diagnostics.items()[0]) == "posterior.yaml:4:19");
  CHECK(r.diagnostics.items()[0].key_path == "parameters.from_posterior");
}

TEST_CASE("the back-tests' calibrations never read the back-test years") {
  // Structural: each calibration's scenario ends at the back-test's base year, so the loader
  // refuses any later observation in it; the back-test observations are in their own file.
  for (const std::string name : {"hightech", "etdz"}) {
    INFO(name);
    const std::string calib = source_path("scenarios/backtest/" + name + "-calibration.yaml");
    const auto c = zonesim::sweep::load_calibration_file(calib);
    INFO(c.diagnostics.format());
    REQUIRE(c.spec);
    const std::string prefix = name == "hightech" ? "hightech-zones" : "etdz";
    const zonesim::Scenario backtest = load_valid(source_path("scenarios/backtest/" + prefix + "-2018-2022.yaml"));
    CHECK(c.spec->sweep.base.end_year <= backtest.base_year);
    CHECK(c.spec->last_observed_year <= backtest.base_year);
    for (const auto& o : c.spec->sweep.base.observed)
      for (int y : o.years) CHECK(y <= backtest.base_year);
    // Every observation of the back-test lies after its start, and none of them is in the
    // calibration's scenario texts.
    REQUIRE_FALSE(backtest.observed.empty());
    for (const auto& o : backtest.observed)
      for (int y : o.years) CHECK(y > backtest.base_year);
    for (const auto& text : c.spec->sweep.base.source_texts)
      CHECK(text.find("\nobserved: " + prefix + "-observed-2019-2022") == std::string::npos);
  }
}
