// The broken-scenario corpus (tests/scenario/broken/): each file is a small scenario with one
// mistake, most of them `extends: base.yaml` plus the mistake. Each case pins the exact text a
// planner reads and where it points (file:line:column), like fmt's tests of error text: a
// message that gets vaguer or moves to the wrong line is a regression.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support.hpp"
#include "zonesim/scenario.hpp"

namespace fs = std::filesystem;
using zonesim::Diagnostic;
using zonesim::LoadResult;
using zonesim::test::run_zonesim;
using zonesim::test::source_path;
using zonesim::test::where;

namespace {

std::string broken(const std::string& name) { return source_path("tests/scenario/broken/" + name); }

LoadResult load_broken(const std::string& name, const std::vector<std::string>& overrides = {}) {
  zonesim::LoadOptions options;
  options.overrides = overrides;
  return zonesim::load_scenario_file(broken(name), options);
}

// The single diagnostic a file with one mistake must give.
Diagnostic only_error(const std::string& name) {
  LoadResult r = load_broken(name);
  INFO(name << ":\n" << r.diagnostics.format());
  CHECK_FALSE(r.scenario.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.items().front();
}

}  // namespace

TEST_CASE("broken/base.yaml, which the broken files extend, is itself valid") {
  LoadResult r = load_broken("base.yaml");
  INFO(r.diagnostics.format());
  CHECK(r.scenario.has_value());
}

TEST_CASE("every file of the broken corpus is refused, each error located") {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(source_path("tests/scenario/broken"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "base.yaml") continue;
    ++files;
    LoadResult r = load_broken(name);
    INFO(name << ":\n" << r.diagnostics.format());
    CHECK_FALSE(r.scenario.has_value());
    CHECK_FALSE(r.diagnostics.empty());
    for (const auto& d : r.diagnostics.items()) {
      CHECK(d.line > 0);
      CHECK_FALSE(d.message.empty());
    }
  }
  CHECK(files >= 30);
}

// ---- keys -----------------------------------------------------------------------------------

TEST_CASE("broken: misspelt top-level key, with the nearest key") {
  auto d = only_error("top_level_key_misspelt.yaml");
  CHECK(where(d) == "top_level_key_misspelt.yaml:2:1");
  CHECK(d.key_path == "levres");
  CHECK(d.message == "unknown top-level key \"levres\"");
  CHECK(d.hint == "did you mean \"levers\"?");
}

TEST_CASE("broken: misspelt lever, with the nearest lever") {
  auto d = only_error("lever_misspelt.yaml");
  CHECK(where(d) == "lever_misspelt.yaml:3:3");
  CHECK(d.key_path == "levers.rd_subsidy_rat");
  CHECK(d.message == "unknown lever \"rd_subsidy_rat\"");
  CHECK(d.hint == "did you mean \"rd_subsidy_rate\"?");
}

TEST_CASE("broken: misspelt zone key") {
  auto d = only_error("zone_key_misspelt.yaml");
  CHECK(where(d) == "zone_key_misspelt.yaml:4:5");
  CHECK(d.key_path == "zones.north.base_ouput");
  CHECK(d.message == "unknown zone key \"base_ouput\"");
  CHECK(d.hint == "did you mean \"base_output\"?");
}

TEST_CASE("broken: misspelt parameter") {
  auto d = only_error("parameter_misspelt.yaml");
  CHECK(where(d) == "parameter_misspelt.yaml:3:3");
  CHECK(d.message == "unknown parameter \"rd_user_cost_elasticty\"");
  CHECK(d.hint == "did you mean \"rd_user_cost_elasticity\"?");
}

TEST_CASE("broken: misspelt sector in a zone's sector_shares") {
  auto d = only_error("unknown_sector_share.yaml");
  CHECK(where(d) == "unknown_sector_share.yaml:4:40");
  CHECK(d.key_path == "zones.north.sector_shares.machinary");
  CHECK(d.message == "unknown sector \"machinary\"");
  CHECK(d.hint == "did you mean \"machinery\"?");
}

TEST_CASE("broken: zone id that is not a lower-case word") {
  auto d = only_error("bad_zone_id.yaml");
  CHECK(where(d) == "bad_zone_id.yaml:4:3");
  CHECK(d.message == "\"North Zone\" is not a valid zone id");
  CHECK(d.hint == "use lower-case letters, digits, '-' and '_' (\"all\" is reserved)");
}

TEST_CASE("broken: unsupported format version") {
  auto d = only_error("unsupported_version.yaml");
  CHECK(where(d) == "unsupported_version.yaml:2:10");
  CHECK(d.message == "unsupported scenario format version \"2\"");
}

// ---- units and values -----------------------------------------------------------------------

TEST_CASE("broken: an area unit (mu) for money") {
  auto d = only_error("money_in_mu.yaml");
  CHECK(where(d) == "money_in_mu.yaml:4:18");
  CHECK(d.key_path == "zones.north.base_output");
  CHECK(d.message == "\"300 mu\": \"mu\" is a unit of area, but this value is an amount of money");
  CHECK(d.hint ==
        "write an amount with a unit: yuan, 万元, 亿元, CNY, \"bn CNY\" (1 亿元 = 10^8 yuan)");
}

TEST_CASE("broken: unknown unit, quoted as written") {
  auto d = only_error("unknown_unit.yaml");
  CHECK(where(d) == "unknown_unit.yaml:4:18");
  CHECK(d.message == "\"45 bn USD\": unknown unit \"bn USD\"");
}

TEST_CASE("broken: plain number for money") {
  auto d = only_error("money_plain_number.yaml");
  CHECK(where(d) == "money_plain_number.yaml:4:18");
  CHECK(d.message == "\"30000000000\": an amount of money needs a unit");
  CHECK(d.hint == "add a unit: \"30000000000 yuan\" (= 300 亿元)");
}

TEST_CASE("broken: a share of 150 %") {
  auto d = only_error("share_over_100_percent.yaml");
  CHECK(where(d) == "share_over_100_percent.yaml:3:20");
  CHECK(d.key_path == "levers.rd_subsidy_rate");
  CHECK(d.message == "\"150 %\" is out of range");
  CHECK(d.hint == "valid: 0 % to 100 %");
}

TEST_CASE("broken: a share written as plain 3 (did you mean 3 %)") {
  auto d = only_error("share_plain_3.yaml");
  CHECK(where(d) == "share_plain_3.yaml:3:20");
  CHECK(d.message == "\"3\": a plain number for a share must be a fraction between -1 and 1");
  CHECK(d.hint == "did you mean \"3 %\"?");
}

TEST_CASE("broken: lever value outside its range") {
  auto d = only_error("lever_out_of_range.yaml");
  CHECK(where(d) == "lever_out_of_range.yaml:3:29");
  CHECK(d.message == "\"30 %\" is out of range");
  CHECK(d.hint == "valid: 0 % to 25 %");
}

TEST_CASE("broken: intensification rate above 100 %, located at the value") {
  auto d = only_error("intensification_rate_out_of_range.yaml");
  CHECK(where(d) == "intensification_rate_out_of_range.yaml:3:25");
  CHECK(d.key_path == "levers.intensification_rate");
  CHECK(d.message == "\"150 %\" is out of range");
  CHECK(d.hint == "valid: 0 % to 100 %");
}

TEST_CASE("broken: a negative certification award, located at the value") {
  auto d = only_error("certification_award_negative.yaml");
  CHECK(where(d) == "certification_award_negative.yaml:3:33");
  CHECK(d.key_path == "levers.hightech_certification_award");
  CHECK(d.message == "\"-30 万元\" is out of range");
  CHECK(d.hint == "valid: 0 亿元 to 1 亿元");
}

TEST_CASE("broken: plot-ratio ceiling above 10, located at the value") {
  auto d = only_error("plot_ratio_max_out_of_range.yaml");
  CHECK(where(d) == "plot_ratio_max_out_of_range.yaml:3:19");
  CHECK(d.key_path == "levers.plot_ratio_max");
  CHECK(d.message == "\"12\" is out of range");
  CHECK(d.hint == "valid: 0.3 to 10");
}

TEST_CASE("broken: negative count") {
  auto d = only_error("negative_count.yaml");
  CHECK(where(d) == "negative_count.yaml:3:19");
  CHECK(d.key_path == "levers.new_incubators");
  CHECK(d.message == "\"-2\" is out of range");
  CHECK(d.hint == "valid: 0 to 1000");
}

TEST_CASE("broken: non-integer count") {
  auto d = only_error("non_integer_count.yaml");
  CHECK(where(d) == "non_integer_count.yaml:4:17");
  CHECK(d.key_path == "zones.north.base_firms");
  CHECK(d.message == "\"400.5\": must be a whole number");
  CHECK(d.hint == "write a whole number, such as 400 or 401");
}

TEST_CASE("broken: bad choice word for land_priority, with the nearest word") {
  auto d = only_error("bad_choice.yaml");
  CHECK(where(d) == "bad_choice.yaml:3:18");
  CHECK(d.message == "\"hightech_first\" is not a valid choice");
  CHECK(d.hint == "did you mean \"high_tech_first\"? valid: pro_rata, high_tech_first, "
                  "output_per_mu, large_projects_first");
}

TEST_CASE("broken: bad boolean") {
  auto d = only_error("bad_boolean.yaml");
  CHECK(where(d) == "bad_boolean.yaml:4:15");
  CHECK(d.key_path == "sectors.electronics.hightech");
  CHECK(d.message == "\"maybe\" is not true or false");
}

// ---- schedules and horizon ------------------------------------------------------------------

TEST_CASE("broken: schedule year outside the horizon, located at the year") {
  auto d = only_error("schedule_year_outside_horizon.yaml");
  CHECK(where(d) == "schedule_year_outside_horizon.yaml:3:32");
  CHECK(d.key_path == "levers.rd_subsidy_rate.2030");
  CHECK(d.message == "year 2030 is outside the horizon");
  CHECK(d.hint == "valid: 2020 to 2025 (base_year 2020, end_year 2025)");
}

TEST_CASE("broken: schedule key that is not a year") {
  auto d = only_error("schedule_key_not_year.yaml");
  CHECK(where(d) == "schedule_key_not_year.yaml:5:5");
  CHECK(d.message == "\"later\" is not a year");
  CHECK(d.hint == "a schedule maps years to values, e.g. {2021: 10 %, 2023: 20 %}");
}

// region.demand_shock is a schedule like a lever's, with the same located errors.
TEST_CASE("broken: demand_shock year outside the horizon, located at the year") {
  auto d = only_error("demand_shock_year_outside_horizon.yaml");
  CHECK(where(d) == "demand_shock_year_outside_horizon.yaml:3:29");
  CHECK(d.key_path == "region.demand_shock.2030");
  CHECK(d.message == "year 2030 is outside the horizon");
  CHECK(d.hint == "valid: 2020 to 2025 (base_year 2020, end_year 2025)");
}

TEST_CASE("broken: demand_shock value out of range, located at the value") {
  auto d = only_error("demand_shock_out_of_range.yaml");
  CHECK(where(d) == "demand_shock_out_of_range.yaml:5:11");
  CHECK(d.key_path == "region.demand_shock.2021");
  CHECK(d.message == "\"-80 %\" is out of range");
  CHECK(d.hint == "valid: -50 % to 50 %");
}

TEST_CASE("broken: demand_shock key that is not a year") {
  auto d = only_error("demand_shock_key_not_year.yaml");
  CHECK(where(d) == "demand_shock_key_not_year.yaml:3:30");
  CHECK(d.key_path == "region.demand_shock.next");
  CHECK(d.message == "\"next\" is not a year");
  CHECK(d.hint == "a schedule maps years to values, e.g. {2021: 10 %, 2023: 20 %}");
}

TEST_CASE("broken: a sector's demand_shock out of range, located at the value") {
  // sectors.<id>.demand_shock is a schedule too; the sector keeps its base file's other values.
  auto d = only_error("sector_demand_shock_out_of_range.yaml");
  CHECK(where(d) == "sector_demand_shock_out_of_range.yaml:4:37");
  CHECK(d.key_path == "sectors.machinery.demand_shock.2021");
  CHECK(d.message == "\"-80 %\" is out of range");
  CHECK(d.hint == "valid: -50 % to 50 %");
}

TEST_CASE("broken: end_year before base_year is one error, not one per year in the base") {
  // The base file's schedule (2022) and target (2025) lie outside the broken horizon; they
  // must not be reported as well.
  auto d = only_error("end_before_base.yaml");
  CHECK(where(d) == "end_before_base.yaml:3:11");
  CHECK(d.key_path == "end_year");
  CHECK(d.message == "end_year 2018 is not after base_year 2020");
}

// ---- targets --------------------------------------------------------------------------------

TEST_CASE("broken: target year outside the horizon") {
  auto d = only_error("target_year_outside_horizon.yaml");
  CHECK(where(d) == "target_year_outside_horizon.yaml:4:11");
  CHECK(d.key_path == "targets.output.year");
  CHECK(d.message == "year 2030 is outside the horizon");
  CHECK(d.hint == "valid: 2021 to 2025 (base_year 2020, end_year 2025)");
}

TEST_CASE("broken: unknown indicator, located at the value") {
  auto d = only_error("unknown_indicator.yaml");
  CHECK(where(d) == "unknown_indicator.yaml:4:16");
  CHECK(d.message == "unknown indicator \"gross_outptu\"");
  CHECK(d.hint == "did you mean \"gross_output\"?");
}

TEST_CASE("broken: unknown target zone") {
  auto d = only_error("unknown_target_zone.yaml");
  CHECK(where(d) == "unknown_target_zone.yaml:4:11");
  CHECK(d.message == "unknown zone \"nrth\"");
  CHECK(d.hint == "did you mean \"north\"? valid: north, all");
}

TEST_CASE("broken: missing comparison, located at the target's name") {
  auto d = only_error("missing_comparison.yaml");
  CHECK(where(d) == "missing_comparison.yaml:3:3");
  CHECK(d.key_path == "targets.rd_intensity");
  CHECK(d.message == "missing `comparison`");
}

TEST_CASE("broken: bad comparison") {
  auto d = only_error("bad_comparison.yaml");
  CHECK(where(d) == "bad_comparison.yaml:4:17");
  CHECK(d.message == "unknown comparison \"=>\"");
  CHECK(d.hint == "valid: \">\", \">=\", \"<\", \"<=\" (quote them in YAML)");
}

TEST_CASE("broken: missing target year") {
  auto d = only_error("missing_year.yaml");
  CHECK(where(d) == "missing_year.yaml:3:3");
  CHECK(d.message == "missing `year`");
}

// ---- parameters -----------------------------------------------------------------------------

TEST_CASE("broken: unknown distribution, with the usual name for it") {
  auto d = only_error("unknown_distribution.yaml");
  CHECK(where(d) == "unknown_distribution.yaml:3:35");
  CHECK(d.key_path == "parameters.innovation_zeta.distribution");
  CHECK(d.message == "unknown distribution \"gaussian\"");
  CHECK(d.hint == "did you mean \"normal\"? valid: normal, lognormal, uniform, triangular");
}

TEST_CASE("broken: distribution missing a parameter, located at the parameter's name") {
  auto d = only_error("distribution_missing_parameter.yaml");
  CHECK(where(d) == "distribution_missing_parameter.yaml:3:3");
  CHECK(d.message == "distribution normal needs `sd`");
  CHECK(d.hint == "give mean, sd");
}

// ---- values that contradict each other ------------------------------------------------------
// The base file is valid; the child changes one field. The error points at the changed field
// in the child, not at the zone in the base file.

TEST_CASE("broken: more above-size firms than firms, at the field the file changed") {
  auto d = only_error("above_size_exceeds_firms.yaml");
  CHECK(where(d) == "above_size_exceeds_firms.yaml:4:17");
  CHECK(d.key_path == "zones.north.base_firms");
  CHECK(d.message == "more above-size firms (150) than firms (120)");
  CHECK(d.hint == "base_above_size_firms must not exceed base_firms");
}

TEST_CASE("broken: a certification pipeline that does not fit among the uncertified firms") {
  // 90 % of 60 certified firms: round(54) + round(0.9 x 1.9 x 60 = 102.6) = 157 pipeline firms,
  // more than the 120 - 60 uncertified firms; located at the growth, the key this file gives.
  auto d = only_error("hightech_growth_too_high.yaml");
  CHECK(where(d) == "hightech_growth_too_high.yaml:4:27");
  CHECK(d.key_path == "zones.north.base_hightech_growth");
  CHECK(d.message == "too high: its certification pipeline of 157 firms does not fit among the 120 - 60 uncertified firms");
  CHECK(d.hint == "growth x (2 + growth) x base_hightech_firms must not exceed base_firms - base_hightech_firms");
}

TEST_CASE("broken: value added above gross output") {
  auto d = only_error("value_added_exceeds_output.yaml");
  CHECK(where(d) == "value_added_exceeds_output.yaml:4:23");
  CHECK(d.key_path == "zones.north.base_value_added");
  CHECK(d.message == "value added (400 亿元) exceeds gross output (300 亿元)");
}

TEST_CASE("broken: planned land less than land already supplied") {
  auto d = only_error("planned_land_below_supplied.yaml");
  CHECK(where(d) == "planned_land_below_supplied.yaml:4:22");
  CHECK(d.key_path == "zones.north.land_planned_mu");
  CHECK(d.message ==
        "planned land 20000 mu is less than land already supplied (33500 mu: used + idle + "
        "available)");
}

TEST_CASE("broken: 10^12 firms are refused up front, with what the run would need") {
  auto d = only_error("too_many_firms.yaml");
  CHECK(where(d) == "too_many_firms.yaml:4:17");
  CHECK(d.message == "\"1000000000000\" is out of range");
  // 1e12 firms x kBytesPerFirm (153) x 2 concurrent replications; the few entrants of base.yaml's
  // levers do not show at three digits.
  CHECK(d.hint == "valid: 1 to 1e+09; a run with 1e+12 firms would need about 2.85e+05 GiB of "
                  "memory (1e+12 firms at the peak)");
}

TEST_CASE("broken: a run too large for memory is refused before it starts, at base_firms") {
  auto d = only_error("memory_estimate.yaml");
  CHECK(where(d) == "memory_estimate.yaml:4:17");
  CHECK(d.key_path == "zones.north.base_firms");
  CHECK(d.message == "the run would need about 285 GiB of memory (1e+09 firms at the peak), "
                     "more than this machine has (24 GiB)");
}

// ---- the file itself ------------------------------------------------------------------------

TEST_CASE("broken: tab used for indentation") {
  auto d = only_error("tab_indented.yaml");
  CHECK(where(d) == "tab_indented.yaml:4:1");
  CHECK(d.message == "tab character used for indentation");
  CHECK(d.hint == "YAML indentation must use spaces; replace the tab with spaces");
}

TEST_CASE("broken: unclosed bracket, located at the bracket that is never closed") {
  auto d = only_error("unclosed_bracket.yaml");
  CHECK(where(d) == "unclosed_bracket.yaml:3:20");
  CHECK(d.message == "YAML syntax error: this '{' is never closed");
  CHECK(d.hint == "add the closing '}' at the end of the mapping, e.g. {2021: 5 %, 2023: 10 %}");
}

TEST_CASE("broken: unquoted colon in a value") {
  auto d = only_error("colon_in_value.yaml");
  CHECK(where(d) == "colon_in_value.yaml:2:16");
  CHECK(d.message == "YAML syntax error: unexpected ':'");
}

TEST_CASE("broken: a key indented differently from its siblings") {
  auto d = only_error("misindented_key.yaml");
  CHECK(where(d) == "misindented_key.yaml:4:3");
  CHECK(d.message == "YAML syntax error: the indentation here does not line up with the keys above");
}

TEST_CASE("broken: two YAML documents in one file") {
  auto d = only_error("two_documents.yaml");
  CHECK(where(d) == "two_documents.yaml:4:1");  // the `---` that starts the second
  CHECK(d.message == "the file holds 2 YAML documents; a scenario file holds one");
}

TEST_CASE("broken: a stray comma outside brackets is a located syntax error, not a hang") {
  // yaml-cpp 0.7's LoadAll loops forever, allocating, on this file (jbeder/yaml-cpp#1040).
  auto d = only_error("stray_comma.yaml");
  CHECK(where(d) == "stray_comma.yaml:5:2");
  CHECK(d.message == "YAML syntax error: unexpected `,` here");
  CHECK(d.hint ==
        "`,` separates items only inside `[...]` or `{...}`; check the brackets on this line and "
        "the one before");
}

TEST_CASE("broken: duplicate key, naming the line of the first") {
  auto d = only_error("duplicate_key.yaml");
  CHECK(where(d) == "duplicate_key.yaml:5:3");
  CHECK(d.key_path == "levers.land_quota_mu");
  CHECK(d.message == "duplicate key \"land_quota_mu\" (first given on line 3)");
}

TEST_CASE("broken: extends of a missing file") {
  auto d = only_error("extends_missing.yaml");
  CHECK(where(d) == "extends_missing.yaml:2:10");
  CHECK(d.key_path == "extends");
  CHECK_THAT(d.message, Catch::StartsWith("cannot read base scenario \"no_such_base.yaml\""));
}

TEST_CASE("broken: extends cycle through two files") {
  auto d = only_error("extends_cycle_a.yaml");
  CHECK(where(d) == "extends_cycle_b.yaml:1:10");
  CHECK(d.message ==
        "extends cycle: extends_cycle_a.yaml -> extends_cycle_b.yaml -> extends_cycle_a.yaml");
}

TEST_CASE("broken: empty file") {
  auto d = only_error("empty_file.yaml");
  CHECK(fs::path(d.file).filename() == "empty_file.yaml");
  CHECK(d.line == 1);
  CHECK(d.message == "the file holds no settings");
}

TEST_CASE("broken: a document that is a single text, not keys") {
  auto d = only_error("scalar_document.yaml");
  CHECK(where(d) == "scalar_document.yaml:1:1");
  CHECK(d.message == "a scenario file must be a mapping of keys");
}

// ---- several mistakes -----------------------------------------------------------------------

TEST_CASE("a file with three different mistakes reports all three at once, in file order") {
  LoadResult r = load_broken("three_mistakes.yaml");
  INFO(r.diagnostics.format());
  CHECK_FALSE(r.scenario.has_value());
  REQUIRE(r.diagnostics.size() == 3);
  const auto& d = r.diagnostics.items();
  CHECK(where(d[0]) == "three_mistakes.yaml:3:3");
  CHECK(d[0].message == "unknown lever \"rd_subsidy_rat\"");
  CHECK(where(d[1]) == "three_mistakes.yaml:6:18");
  CHECK(d[1].message == "\"300 mu\": \"mu\" is a unit of area, but this value is an amount of money");
  CHECK(where(d[2]) == "three_mistakes.yaml:9:11");
  CHECK(d[2].message == "year 2031 is outside the horizon");
}

// ---- --set overrides ------------------------------------------------------------------------

TEST_CASE("override with --set: with an unknown key is reported like a file's, named --set") {
  LoadResult r = load_broken("base.yaml", {"levers.rd_subsidy_rat=10%"});
  REQUIRE(r.diagnostics.size() == 1);
  const auto& d = r.diagnostics.items().front();
  CHECK(d.file == "--set");
  CHECK(d.line == 0);
  CHECK(d.key_path == "levers.rd_subsidy_rat");
  CHECK(d.message == "unknown lever \"rd_subsidy_rat\"");
  CHECK(d.hint == "did you mean \"rd_subsidy_rate\"?");
}

TEST_CASE("override with --set: with an empty part in the key path is refused") {
  LoadResult r = load_broken("base.yaml", {"levers..land_quota_mu=900mu"});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items().front().message == "\"levers..land_quota_mu\" is not a key path");
}

TEST_CASE("override with --set: a stray comma in the value is an error, not a hang") {
  // yaml-cpp 0.7's LoadAll never returns on these (the scenario-file fix applies to values too).
  for (const std::string value : {",", "[1],", "{2021: 10%},"}) {
    LoadResult r = load_broken("base.yaml", {"levers.rd_subsidy_rate=" + value});
    REQUIRE(r.diagnostics.size() == 1);
    const auto& d = r.diagnostics.items().front();
    CHECK(d.file == "--set");
    CHECK(d.key_path == "levers.rd_subsidy_rate");
    CHECK(d.message == "cannot parse value \"" + value + "\": unexpected `,`");
    CHECK_FALSE(r.scenario.has_value());
  }
}

TEST_CASE("override with --set: can fix a broken value") {
  LoadResult r = load_broken("money_in_mu.yaml", {"zones.north.base_output=300 亿元"});
  INFO(r.diagnostics.format());
  CHECK(r.scenario.has_value());
}

// ---- through the real binary ----------------------------------------------------------------

TEST_CASE("zonesim validate on a broken file: exit 2 and file:line:col: error: lines") {
  auto r = run_zonesim("validate '" + broken("money_in_mu.yaml") + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(broken("money_in_mu.yaml") +
                                    ":4:18: error: zones.north.base_output: \"300 mu\": \"mu\" is "
                                    "a unit of area, but this value is an amount of money\n    hint: write "));
  CHECK_THAT(r.err, Catch::Contains("1 error in 1 file"));
}

TEST_CASE("zonesim validate reports every error of a file and of every file") {
  auto r = run_zonesim("validate '" + broken("three_mistakes.yaml") + "' '" +
                       broken("lever_misspelt.yaml") + "' '" + broken("base.yaml") + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("base.yaml: ok"));
  CHECK_THAT(r.err, Catch::Contains("three_mistakes.yaml:3:3: error: "));
  CHECK_THAT(r.err, Catch::Contains("three_mistakes.yaml:6:18: error: "));
  CHECK_THAT(r.err, Catch::Contains("three_mistakes.yaml:9:11: error: "));
  CHECK_THAT(r.err, Catch::Contains("lever_misspelt.yaml:3:3: error: "));
  CHECK_THAT(r.err, Catch::Contains("4 errors in 2 files"));
}

TEST_CASE("zonesim validate --json gives the same diagnostics as data") {
  auto r = run_zonesim("validate --json '" + broken("lever_misspelt.yaml") + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("\"line\":3,\"column\":3,\"key_path\":\"levers.rd_subsidy_rat\""));
  CHECK_THAT(r.out, Catch::Contains("\"hint\":\"did you mean \\\"rd_subsidy_rate\\\"?\""));
}

TEST_CASE("zonesim validate --set with an unknown key: exit 2 with the nearest key") {
  auto r = run_zonesim("validate '" + source_path("scenarios/demo.yaml") +
                       "' --set levers.land_quota=900mu");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--set: error: levers.land_quota: unknown lever "
                                    "\"land_quota\"\n    hint: did you mean \"land_quota_mu\"?"));
}

TEST_CASE("zonesim run on a broken file: exit 2 and no output file") {
  zonesim::test::TempDir tmp;
  auto r = run_zonesim("run -q '" + broken("lever_misspelt.yaml") + "' -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("lever_misspelt.yaml:3:3: error: levers.rd_subsidy_rat: "));
  CHECK_FALSE(fs::exists(tmp.file("x.h5")));
}

// ---- found by the fuzzer (tests/fuzz) -------------------------------------------------------

TEST_CASE("YAML aliases that expand to millions of values are refused quickly") {
  // "Billion laughs": each line repeats the previous one ten times.
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (std::string name : {"b", "c", "d", "e", "f", "g"}) {
    text += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + previous;
    text += "]\n";
    previous = name;
  }
  LoadResult r = zonesim::load_scenario_text(text, "laughs.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK_THAT(r.diagnostics.items().front().message,
             Catch::StartsWith("the document expands to more than 20000 values"));
}

TEST_CASE("values nested thousands of levels deep are refused, not a stack overflow") {
  LoadResult r = zonesim::load_scenario_text(
      "name: " + std::string(3000, '[') + std::string(3000, ']') + "\n", "deep.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items().front().message == "values nested more than 64 levels deep");
}

TEST_CASE("keys that are lists, null or empty are reported, not read as text") {
  LoadResult r = zonesim::load_scenario_text("? [a, b]\n: 1\n~: 2\n\"\": 3\n", "keys.yaml");
  INFO(r.diagnostics.format());
  REQUIRE(r.diagnostics.size() >= 3);
  const auto& d = r.diagnostics.items();
  CHECK(where(d[0]) == "keys.yaml:1:3");
  CHECK(d[0].message == "a key must be a single word, not a list or mapping");
  CHECK(where(d[1]) == "keys.yaml:3:1");
  CHECK(d[1].message == "empty key");
  CHECK(where(d[2]) == "keys.yaml:4:1");
  CHECK(d[2].message == "empty key");
}

TEST_CASE("a sweep file given as a scenario says so") {
  LoadResult r = zonesim::load_scenario_text("zonesim_sweep: 1\nbase: demo.yaml\n", "s.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics.items().front().message ==
        "this is a sweep file (it starts with `zonesim_sweep:`), not a scenario");
}

TEST_CASE("a calibration file given as a scenario says so") {
  LoadResult r = zonesim::load_scenario_text("zonesim_calibrate: 1\nscenario: demo.yaml\n", "c.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  const auto& d = r.diagnostics.items().front();
  CHECK(where(d) == "c.yaml:1:1");
  CHECK(d.message == "this is a calibration file (it starts with `zonesim_calibrate:`), not a scenario");
  CHECK(d.hint == "run it with `zonesim calibrate FILE`; the scenario it fits is checked there");
}

// ---- a zone that opens during the run (zones.<id>.opens) ---------------------------------------

TEST_CASE("broken: a zone opening after the end year, located at the year with the valid range") {
  auto d = only_error("opens_outside_run.yaml");
  CHECK(where(d) == "opens_outside_run.yaml:4:12");
  CHECK(d.key_path == "zones.north.opens");
  CHECK(d.message == "opens 2030 is not within the run's years after the base year");
  CHECK(d.hint == "valid: 2021 to 2025 (base_year 2020, end_year 2025); a zone open in the base year has no `opens`");
}

TEST_CASE("broken: a zone opening in the base year") {
  auto d = only_error("opens_in_base_year.yaml");
  CHECK(where(d) == "opens_in_base_year.yaml:4:12");
  CHECK(d.key_path == "zones.north.opens");
  CHECK(d.message == "opens 2020 is not within the run's years after the base year");
  CHECK(d.hint == "valid: 2021 to 2025 (base_year 2020, end_year 2025); a zone open in the base year has no `opens`");
}

TEST_CASE("broken: opens that is not a year") {
  auto d = only_error("opens_not_a_year.yaml");
  CHECK(where(d) == "opens_not_a_year.yaml:4:12");
  CHECK(d.key_path == "zones.north.opens");
  CHECK(d.message == "\"soon\" is not a calendar year");
  CHECK(d.hint == "write a year such as 2025");
}

TEST_CASE("broken: every zone opens after the base year") {
  auto d = only_error("opens_every_zone.yaml");
  CHECK(where(d) == "opens_every_zone.yaml:4:12");
  CHECK(d.key_path == "zones.north.opens");
  CHECK(d.message == "every zone opens after the base year");
  CHECK(d.hint == "at least one zone must be open in the base year 2020 (its firms set the markets): remove "
                  "`opens` from one zone");
}

TEST_CASE("opens: a year after the base year up to the end year, annotated or not, also by --set") {
  const std::string demo = zonesim::test::source_path("scenarios/demo.yaml");
  for (const std::string v : {"2021", "2025", "{value: 2023, source: assumption}"}) {
    zonesim::LoadOptions options;
    options.overrides = {"zones.south.opens=" + v};
    LoadResult r = zonesim::load_scenario_file(demo, options);
    INFO(v << "\n" << r.diagnostics.format());
    REQUIRE(r.scenario.has_value());
    CHECK(r.scenario->zones[1].fields[static_cast<std::size_t>(zonesim::ZoneField::opens)] ==
          (v == "2021" ? 2021.0 : v == "2025" ? 2025.0 : 2023.0));
    CHECK(r.scenario->zones[0].fields[static_cast<std::size_t>(zonesim::ZoneField::opens)] == 0.0);
  }
}

// A base file that a shorter run extends (a calibration period and a back-test extend one base):
// a zone its base opens after the shorter run's end_year holds nothing in that run. In the
// scenario's own file, or by --set, the same year is an error.
TEST_CASE("opens: a base file's zone opening after a shorter run ends is not opened in that run") {
  zonesim::test::TempDir tmp;
  const std::string base = zonesim::test::read_file_text(broken("base.yaml"));
  tmp.write("base.yaml", base);
  std::string with_new = base;
  with_new.replace(with_new.find("levers:\n  rd_subsidy"), 0,
                   "  later:\n    opens: 2024\n    base_output: 50 亿元\n    base_value_added: 12 亿元\n"
                   "    base_rd: 1 亿元\n    base_firms: 100\n    base_above_size_firms: 20\n"
                   "    base_hightech_firms: 10\n");
  tmp.write("base.yaml", with_new);
  tmp.write("short.yaml", "extends: base.yaml\nend_year: 2022\ntargets:\n  output:\n    year: 2022\n");
  LoadResult whole = zonesim::load_scenario_file(tmp.file("base.yaml"), {});
  INFO(whole.diagnostics.format());
  REQUIRE(whole.scenario.has_value());
  LoadResult shorter = zonesim::load_scenario_file(tmp.file("short.yaml"), {});
  INFO(shorter.diagnostics.format());
  REQUIRE(shorter.scenario.has_value());
  CHECK(shorter.scenario->zones[1].fields[static_cast<std::size_t>(zonesim::ZoneField::opens)] == 2024.0);
  // By --set, a year after end_year is the scenario's own mistake.
  zonesim::LoadOptions options;
  options.overrides = {"zones.later.opens=2024"};
  LoadResult set = zonesim::load_scenario_file(tmp.file("short.yaml"), options);
  REQUIRE(set.diagnostics.size() == 1);
  CHECK(set.diagnostics.items().front().message == "opens 2024 is not within the run's years after the base year");
  CHECK(set.diagnostics.items().front().hint ==
        "valid: 2021 to 2022 (base_year 2020, end_year 2022); a zone open in the base year has no `opens`");
}
