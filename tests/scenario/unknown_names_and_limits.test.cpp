// Issue 12: nothing silent, nothing that validates and breaks later. Unknown zones, sectors and
// targets in --set and in files that extend another are errors (not new zones with default
// values); years are whole; every value is finite and bounded; seeds are exact 64-bit numbers;
// input files are regular files of bounded size.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "support.hpp"
#include "zonesim/scenario.hpp"

namespace fs = std::filesystem;
using zonesim::Diagnostic;
using zonesim::LoadResult;
using zonesim::test::source_path;
using zonesim::test::where;
using zonesim::test::TempDir;

namespace {

std::string broken(const std::string& name) { return source_path("tests/scenario/broken/" + name); }

LoadResult load(const std::string& path, const std::vector<std::string>& overrides = {}) {
  zonesim::LoadOptions options;
  options.overrides = overrides;
  return zonesim::load_scenario_file(path, options);
}

// The single diagnostic of a load that must fail with one error.
Diagnostic only_error(const LoadResult& r) {
  INFO(r.diagnostics.format());
  CHECK_FALSE(r.scenario.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.items().front();
}

}  // namespace

// ---- unknown names (defect 1) ------------------------------------------------------------------

TEST_CASE("a misspelt zone in --set is an error, with the nearest zone") {
  auto d = only_error(load(broken("base.yaml"), {"zones.nroth.levers.land_quota_mu=500 mu"}));
  CHECK(d.file == "--set");
  CHECK(d.key_path == "zones.nroth.levers.land_quota_mu");
  CHECK(d.message == "unknown zone \"nroth\"");
  CHECK(d.hint == "did you mean \"north\"?");
}

TEST_CASE("a zone in --set that is nowhere near a declared one lists the zones") {
  auto d = only_error(load(broken("base.yaml"), {"zones.hinterland.base_firms=100"}));
  CHECK(d.message == "unknown zone \"hinterland\"");
  CHECK(d.hint == "valid zones: north; a new zone is declared in the scenario file, not with --set");
}

TEST_CASE("a misspelt sector or target in --set is an error, with the nearest one") {
  auto d = only_error(load(broken("base.yaml"), {"sectors.electronic.rd_propensity=3 %"}));
  CHECK(d.key_path == "sectors.electronic.rd_propensity");
  CHECK(d.message == "unknown sector \"electronic\"");
  CHECK(d.hint == "did you mean \"electronics\"?");

  d = only_error(load(broken("base.yaml"), {"targets.outptu.value=700 亿元"}));
  CHECK(d.message == "unknown target \"outptu\"");
  CHECK(d.hint == "did you mean \"output\"?");
}

TEST_CASE("a --set override still changes declared zones, sectors and targets, and sets levers anywhere") {
  auto sc = zonesim::test::load_valid(
      broken("base.yaml"), {"zones.north.levers.land_quota_mu=500 mu", "sectors.machinery.rd_propensity=3 %",
                            "targets.output.value=700 亿元", "parameters.innovation_zeta=0.4"});
  REQUIRE(sc.zones.size() == 1);
  REQUIRE(sc.sectors.size() == 2);
  CHECK(sc.lever(0, zonesim::Lever::land_quota_mu).at(2023) == 500.0);
  CHECK(sc.targets.at(0).value == 700e8);
}

TEST_CASE("an unknown lever in --set stays an error") {
  auto d = only_error(load(broken("base.yaml"), {"levers.rd_subsidy_rat=5 %"}));
  CHECK(d.key_path == "levers.rd_subsidy_rat");
  CHECK(d.message == "unknown lever \"rd_subsidy_rat\"");
  CHECK(d.hint == "did you mean \"rd_subsidy_rate\"?");
}

TEST_CASE("a misspelt zone in a file that extends another is an error at its key") {
  auto d = only_error(load(broken("variant_unknown_zone.yaml")));
  CHECK(where(d) == "variant_unknown_zone.yaml:3:3");
  CHECK(d.key_path == "zones.nroth");
  CHECK(d.message == "unknown zone \"nroth\"");
  CHECK(d.hint == "did you mean \"north\"?");
}

TEST_CASE("a new sector in a file that extends another is an error: it belongs in the base") {
  auto d = only_error(load(broken("variant_unknown_sector.yaml")));
  CHECK(where(d) == "variant_unknown_sector.yaml:3:3");
  CHECK(d.message == "unknown sector \"textiles\"");
  CHECK(d.hint == "valid sectors: electronics, machinery; a new sector is declared in the base scenario "
                  "(base.yaml), not in a file that extends it");
}

TEST_CASE("a file that extends another may add a complete target") {
  TempDir tmp;
  const std::string f = tmp.write("variant.yaml", "extends: " + broken("base.yaml") +
                                                      "\nname: with-rd-target\ntargets:\n  rd:\n"
                                                      "    indicator: rd_expenditure\n    comparison: \">\"\n"
                                                      "    value: 2 亿元\n    year: 2025\n");
  auto sc = zonesim::test::load_valid(f);
  CHECK(sc.targets.size() == 2);
}

// ---- years (defect 7) --------------------------------------------------------------------------

TEST_CASE("a schedule year written 2022.0 is an error, not a second 2022") {
  auto d = only_error(load(broken("schedule_year_not_whole.yaml")));
  CHECK(where(d) == "schedule_year_not_whole.yaml:3:33");
  CHECK(d.key_path == "levers.rd_subsidy_rate.2022.0");
  CHECK(d.message == "\"2022.0\" is not a year");
  CHECK(d.hint == "write years as whole numbers, e.g. {2021: 10 %, 2023: 20 %}");

  d = only_error(load(broken("base.yaml"), {"levers.rd_subsidy_rate={2021: 5 %, 2022.5: 30 %}"}));
  CHECK(d.message == "\"2022.5\" is not a year");
}

TEST_CASE("a schedule year given twice is a duplicate key") {
  auto d = only_error(load(broken("base.yaml"), {"levers.rd_subsidy_rate={2022: 10 %, \"2022\": 30 %}"}));
  CHECK(d.message == "duplicate key \"2022\" (first given on line 1)");
}

// ---- finite, bounded values (defect 8) ---------------------------------------------------------

TEST_CASE("a target too large to be finite in yuan is an error") {
  auto d = only_error(load(broken("target_value_not_finite.yaml")));
  CHECK(where(d) == "target_value_not_finite.yaml:4:12");
  CHECK(d.message == "\"1e301 亿元\": number out of range");
  CHECK(d.hint == "that is about 1e+309 yuan, beyond what can be computed with; write a smaller value");

  d = only_error(load(broken("base.yaml"), {"targets.output.value=1e12 亿元"}));
  CHECK(d.message == "\"1e12 亿元\" is out of range");
  CHECK(d.hint == "valid: -1e+10 亿元 to 1e+10 亿元");
}

TEST_CASE("a distribution's spread is finite and bounded, so no draw can fail at run time") {
  auto d = only_error(load(broken("distribution_sd_not_finite.yaml")));
  CHECK(where(d) == "distribution_sd_not_finite.yaml:3:65");
  CHECK(d.key_path == "parameters.patent_rd_cost.sd");
  CHECK(d.message == "\"1e301 亿元\": number out of range");

  d = only_error(load(broken("base.yaml"), {"parameters.patent_rd_cost={distribution: normal, mean: 0.03 亿元, "
                                            "sd: 1000 亿元}"}));
  CHECK(d.key_path == "parameters.patent_rd_cost.sd");
  CHECK(d.message == "\"1000 亿元\" is out of range");
  CHECK(d.hint == "valid: 0 亿元 to 100 亿元");

  d = only_error(load(broken("base.yaml"), {"parameters.innovation_zeta={distribution: lognormal, median: 0.3, "
                                            "sigma: 800}"}));
  CHECK(d.key_path == "parameters.innovation_zeta.sigma");
  CHECK(d.message == "\"800\" is out of range");
  CHECK(d.hint == "valid: 0 to 10");
}

// ---- seeds (defect 9) --------------------------------------------------------------------------

TEST_CASE("a seed is read exactly as a 64-bit number") {
  CHECK(zonesim::test::load_valid(broken("base.yaml"), {"seed=9007199254740993"}).seed == 9007199254740993ull);
  CHECK(zonesim::test::load_valid(broken("base.yaml"), {"seed=18446744073709551615"}).seed ==
        std::numeric_limits<std::uint64_t>::max());
  CHECK(zonesim::test::load_valid(broken("base.yaml"), {"seed=0"}).seed == 0);
}

TEST_CASE("a seed beyond 2^64-1, negative or not whole is a located error") {
  auto d = only_error(load(broken("seed_above_64_bits.yaml")));
  CHECK(where(d) == "seed_above_64_bits.yaml:2:7");
  CHECK(d.key_path == "seed");
  CHECK(d.message == "\"18446744073709551616\" is not a seed");
  CHECK(d.hint == "valid: 0 to 18446744073709551615 (a whole number)");
  for (const char* bad : {"-1", "1.5", "1e3", "seven"}) {
    d = only_error(load(broken("base.yaml"), {std::string("seed=") + bad}));
    CHECK(d.message == "\"" + std::string(bad) + "\" is not a seed");
  }
}

// ---- input files (defect 10) -------------------------------------------------------------------

TEST_CASE("a device given as a scenario file is refused without reading it") {
  auto d = only_error(load("/dev/zero"));
  CHECK(d.file == "/dev/zero");
  CHECK(d.message == "cannot read file: it is not a regular file (a device, pipe or socket)");
}

TEST_CASE("extends: naming a device or a directory is an error at the extends: line") {
  auto d = only_error(load(broken("extends_device.yaml")));
  CHECK(where(d) == "extends_device.yaml:2:10");
  CHECK(d.message == "cannot use base scenario \"/dev/zero\": it is not a regular file (a device, pipe or socket)");

  d = only_error(load(broken("extends_directory.yaml")));
  CHECK(where(d) == "extends_directory.yaml:2:10");
  CHECK(d.message == "cannot use base scenario \".\": it is a directory, not a file");
  CHECK(d.hint == "extends: takes a path relative to the file that contains it");
}

TEST_CASE("a scenario file over 16 MiB is refused") {
  TempDir tmp;
  const std::string f = tmp.file("huge.yaml");
  {
    std::ofstream out(f);
    const std::string line = "# " + std::string(1022, 'x') + "\n";
    for (int i = 0; i < 17 * 1024; ++i) out << line;
  }
  auto d = only_error(load(f));
  CHECK(d.message == "cannot read file: it is larger than 16 MiB, the limit for input files");
}
