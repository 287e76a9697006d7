// Issue 12 for sweep files: a design too large for the machine (or whose point count overflows)
// is refused up front with its size; factor combinations the scenario refuses are reported by
// `--validate`, with the factor values, instead of stopping the sweep half-way; seeds are exact
// 64-bit numbers; the file itself must be a regular file.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

namespace {

std::string sweep_file(const TempDir& dir, const std::string& factors, const std::string& design,
                       const std::string& extra = "replications: 2\nseed: 11\n") {
  return dir.write("sweep.yaml", "base: " + source_path("scenarios/demo.yaml") + "\nfactors:\n" + factors +
                                     "design: " + design + "\n" + extra);
}

const char* kTwoFirmFactors =
    "  - {key: zones.north.base_firms, range: [300, 600]}\n"
    "  - {key: zones.north.base_above_size_firms, range: [100, 350]}\n";

}  // namespace

TEST_CASE("a grid whose point count overflows is refused with its size, not run") {
  TempDir tmp;
  std::string factors;
  for (const char* key : {"levers.rd_subsidy_rate", "levers.idle_land_disposal_rate", "levers.exit_enforcement_rate",
                          "levers.entry_rd_threshold", "levers.energy_retrofit_subsidy_rate",
                          "levers.hightech_income_tax_rate", "levers.rank_land_bonus", "levers.scitech_credit_ratio"})
    factors += std::string("  - {key: ") + key + ", range: [\"0 %\", \"10 %\"], levels: 512}\n";
  const std::string f = sweep_file(tmp, factors, "grid");
  for (const char* mode : {"--validate", "-q"}) {
    auto r = run_zonesim("sweep " + f + " " + mode + " -o " + tmp.file("x.h5"));
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(f + ":11:9: error: design: the design has 4.722e+21 points (a grid of 512 x "
                                          "512 x 512 x 512 x 512 x 512 x 512 x 512 levels); at most 1000000 points"));
    CHECK_FALSE(fs::exists(tmp.file("x.h5")));
  }
}

TEST_CASE("a sweep whose results would not fit in memory is refused with its size") {
  TempDir tmp;
  const std::string f = sweep_file(tmp, "  - {key: levers.rd_subsidy_rate, range: [\"0 %\", \"40 %\"]}\n",
                                   "{type: lhs, points: 1000000}", "replications: 1000\nseed: 1\n");
  auto r = run_zonesim("sweep " + f + " --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: design: 1000000 points x 1000 replications = 1e+09 runs, whose results "
                                    "would need"));
  CHECK_THAT(r.err, Catch::Contains("GiB; at most 4 GiB"));
}

TEST_CASE("sweep --validate reports the design points the scenario refuses, with the factor values") {
  TempDir tmp;
  // Each factor alone is valid at both ends; together 350 above-size firms exceed 300 firms.
  const std::string f = sweep_file(tmp, kTwoFirmFactors, "{type: grid, levels: 2}");
  auto r = run_zonesim("sweep " + f + " --validate");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(f + ":5:9: error: design: point 1 (zones.north.base_firms = 300, "
                                        "zones.north.base_above_size_firms = 350) is not a valid scenario: "));
  CHECK_THAT(r.err, Catch::Contains("more above-size firms (350) than firms (300)"));
  CHECK_THAT(r.err, Catch::Contains("hint: narrow the factors' ranges so that every combination is valid"));
  CHECK_THAT(r.err, !Catch::Contains("point 0 "));
}

TEST_CASE("a large design is checked at the combinations of its factors' extremes") {
  TempDir tmp;
  const std::string f = sweep_file(tmp, kTwoFirmFactors, "{type: lhs, points: 1000}");
  auto r = run_zonesim("sweep " + f + " --validate");
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: design: the combination (zones.north.base_firms = 300, "
                                    "zones.north.base_above_size_firms = 350) is not a valid scenario: "));
}

TEST_CASE("a sweep whose every point is valid still validates") {
  TempDir tmp;
  const std::string f = sweep_file(tmp,
                                   "  - {key: zones.north.base_firms, range: [400, 600]}\n"
                                   "  - {key: zones.north.base_above_size_firms, range: [100, 350]}\n",
                                   "{type: grid, levels: 3}");
  auto r = run_zonesim("sweep " + f + " --validate");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ok (2 factors, design grid, 9 points x 2 replications = 18 runs)"));
}

TEST_CASE("a sweep seed is an exact 64-bit number") {
  TempDir tmp;
  const std::string factors = "  - {key: levers.rd_subsidy_rate, range: [\"0 %\", \"40 %\"]}\n";
  auto r = run_zonesim("sweep " + sweep_file(tmp, factors, "{type: lhs, points: 2}",
                                             "replications: 2\nseed: 18446744073709551615\n") +
                       " --validate");
  CHECK(r.exit_code == 0);
  for (const char* bad : {"18446744073709551616", "-1", "1.5"}) {
    const std::string f = sweep_file(tmp, factors, "{type: lhs, points: 2}",
                                     "replications: 2\nseed: " + std::string(bad) + "\n");
    r = run_zonesim("sweep " + f + " --validate");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(f + ":6:7: error: seed: \"" + bad + "\" is not a seed\n"
                                          "    hint: valid: 0 to 18446744073709551615 (a whole number)"));
  }
}

TEST_CASE("a sweep file that is a device or a directory is refused without reading it") {
  auto r = run_zonesim("sweep /dev/zero --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("/dev/zero: error: cannot read the sweep file: it is not a regular file (a "
                                    "device, pipe or socket)"));
  r = run_zonesim("sweep scenarios --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("scenarios: error: cannot read the sweep file: it is a directory, not a file"));
}

TEST_CASE("a misspelt zone in a sweep factor names the zones like --set does") {
  TempDir tmp;
  const std::string f =
      sweep_file(tmp, "  - {key: zones.nroth.levers.land_quota_mu, range: [400 mu, 800 mu]}\n", "{type: lhs, points: 2}");
  auto r = run_zonesim("sweep " + f + " --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("error: zones.nroth.levers.land_quota_mu: unknown zone \"nroth\"\n"
                                    "    hint: did you mean \"north\"?"));
}

TEST_CASE("a sweep whose base is a device or a directory is refused at base:") {
  TempDir tmp;
  const std::string f = tmp.write("sweep.yaml", "base: /dev/zero\nfactors:\n  - {key: levers.rd_subsidy_rate, range: "
                                                "[0 %, 40 %]}\ndesign: lhs\nreplications: 2\nseed: 1\n");
  auto r = run_zonesim("sweep " + f + " --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(f + ":1:7: error: base: base scenario /dev/zero is not a file (a directory, "
                                        "device or pipe)"));
}

TEST_CASE("a key given twice in a sweep file is an error, not a silent first value") {
  TempDir tmp;
  const std::string f = sweep_file(tmp, "  - {key: levers.rd_subsidy_rate, range: [\"0 %\", \"40 %\"]}\n",
                                   "{type: lhs, points: 4}", "replications: 4\nreplications: 9\nseed: 1\n");
  auto r = run_zonesim("sweep " + f + " --validate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(f + ":6:1: error: replications: duplicate key \"replications\" (first given "
                                        "on line 5)"));
}

TEST_CASE("the sweep format marker must be 1") {
  TempDir tmp;
  for (const char* marker : {"lots", "2", "[1]"}) {
    const std::string f =
        tmp.write("sweep.yaml", std::string("zonesim_sweep: ") + marker + "\nbase: " +
                                    source_path("scenarios/demo.yaml") +
                                    "\nfactors:\n  - {key: levers.rd_subsidy_rate, range: [\"0 %\", \"40 %\"]}\n"
                                    "design: {type: lhs, points: 4}\nreplications: 2\nseed: 1\n");
    auto r = run_zonesim("sweep " + f + " --validate");
    INFO(marker);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(f + ":1:16: error: zonesim_sweep: "));
    CHECK_THAT(r.err, Catch::Contains("this zonesim reads sweep files of format 1"));
  }
}
