// The typed run plan (run_plan.hpp): an override parsed once into key path, zone, setting and
// value, with the located errors of --set; a scenario source read once, from which every run
// resolves its scenario in memory, whatever happens to the file afterwards.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support.hpp"
#include "zonesim/run_plan.hpp"

using namespace zonesim;
using zonesim::test::TempDir;

namespace {

// A small valid scenario (2020-2023, zones north and south) with a lever and a run size.
std::string small_scenario(const std::string& north_output = "100 亿元") {
  return "zonesim: 1\nname: plan\nbase_year: 2020\nend_year: 2023\nreplications: 2\nseed: 1\n"
         "sectors:\n  a: {output_share: 100 %}\n"
         "levers:\n  rd_subsidy_rate: 10 %\n"
         "zones:\n  north: {base_output: " + north_output + ", base_value_added: 25 亿元}\n"
         "  south: {base_output: 50 亿元, base_value_added: 12 亿元}\n";
}

// The only problem of an override that does not parse.
Diagnostic only_problem(const std::string& text) {
  const Override o = parse_override(text);
  CHECK_FALSE(o.value);
  REQUIRE(o.problems.size() == 1);
  return o.problems.items().front();
}

}  // namespace

TEST_CASE("an override is parsed once into its key path, zone, setting and value") {
  const Override zone = parse_override("zones.north.levers.land_quota_mu=900 mu");
  CHECK(zone.problems.empty());
  CHECK(zone.value);
  CHECK(zone.key == "zones.north.levers.land_quota_mu");
  CHECK(zone.path == std::vector<std::string>{"zones", "north", "levers", "land_quota_mu"});
  CHECK(zone.zone == "north");
  CHECK(zone.setting == "levers.land_quota_mu");
  CHECK(zone.sets_lever());

  const Override region = parse_override("levers.rd_subsidy_rate=30%");
  CHECK(region.zone.empty());
  CHECK(region.setting == "levers.rd_subsidy_rate");
  CHECK(region.sets_lever());

  const Override seed = parse_override("seed=7");
  CHECK(seed.value);
  CHECK(seed.setting == "seed");
  CHECK_FALSE(seed.sets_lever());
}

TEST_CASE("an override that is not KEY=VALUE, not a key path or not YAML is refused with --set's message") {
  Diagnostic d = only_problem("bad");
  CHECK(d.file == "--set");
  CHECK(d.key_path.empty());
  CHECK(d.message == "\"bad\" is not KEY=VALUE");
  CHECK(d.hint == "write e.g. --set levers.rd_subsidy_rate=30%");

  d = only_problem("a..b=3");
  CHECK(d.key_path == "a..b");
  CHECK(d.message == "\"a..b\" is not a key path");
  CHECK(d.hint == "write keys joined by dots, e.g. zones.north.base_output=300亿元");

  d = only_problem("levers.rd_subsidy_rate=[1");
  CHECK(d.key_path == "levers.rd_subsidy_rate");
  CHECK(d.message == "cannot parse value \"[1\": end of sequence flow not found");
  CHECK(d.hint == "quote the value or write it like in a scenario file");

  d = only_problem("levers.rd_subsidy_rate=[1],2");
  CHECK(d.message == "cannot parse value \"[1],2\": unexpected `,`");
  CHECK(d.hint.starts_with("`,` separates items only inside `[...]` or `{...}`"));
}

TEST_CASE("a value's unit and range are judged when the plan is resolved, with the validator's message") {
  TempDir dir;
  const ScenarioSource source = ScenarioSource::read_file(dir.write("plan.yaml", small_scenario()));
  const LoadResult r = resolve(source, RunPlan::parse({"levers.rd_subsidy_rate=500%", "zones.nope.base_output=1 亿元"}));
  CHECK_FALSE(r.scenario);
  CHECK(r.diagnostics.format() ==
        "--set: error: zones.nope.base_output: unknown zone \"nope\"\n"
        "    hint: valid zones: north, south; a new zone is declared in the scenario file, not with --set\n"
        "--set: error: levers.rd_subsidy_rate: \"500%\" is out of range\n"
        "    hint: valid: 0 % to 100 %\n");
}

TEST_CASE("resolving a source with a plan gives what load_scenario_file gives for the same overrides") {
  const std::string path = test::source_path("scenarios/demo.yaml");
  const std::vector<std::string> sets = {"levers.rd_subsidy_rate=25%", "zones.north.levers.land_quota_mu=900mu",
                                         "seed=9", "replications=3"};
  LoadOptions lo;
  lo.overrides = sets;
  const LoadResult loaded = load_scenario_file(path, lo);
  const LoadResult resolved = resolve(ScenarioSource::read_file(path), RunPlan::parse(sets));
  REQUIRE(loaded.scenario);
  REQUIRE(resolved.scenario);
  CHECK(resolved.scenario->text == loaded.scenario->text);
  CHECK(resolved.scenario->seed == 9);
  CHECK(resolved.scenario->replications == 3);
  CHECK(resolved.scenario->zones[0].base_year_levers == loaded.scenario->zones[0].base_year_levers);
  CHECK(resolved.scenario->source_texts == loaded.scenario->source_texts);
}

TEST_CASE("a scenario source is read once: editing or deleting its files afterwards changes no run") {
  TempDir dir;
  dir.write("base.yaml", small_scenario());
  const std::string variant = dir.write("variant.yaml", "extends: base.yaml\nlevers:\n  rd_subsidy_rate: 20 %\n");
  const ScenarioSource source = ScenarioSource::read_file(variant);
  const RunPlan plan = RunPlan::parse({"zones.south.base_output=60 亿元"});
  const LoadResult before = resolve(source, plan);
  REQUIRE(before.scenario);

  dir.write("base.yaml", small_scenario("300 亿元"));  // edited
  std::filesystem::remove(variant);                   // and deleted
  CHECK_FALSE(load_scenario_file(variant).scenario);
  const LoadResult after = resolve(source, plan);
  REQUIRE(after.scenario);
  CHECK(after.scenario->text == before.scenario->text);
  CHECK(after.scenario->zones[0].fields == before.scenario->zones[0].fields);
  CHECK(after.scenario->zones[0].base_year_levers == before.scenario->zones[0].base_year_levers);
}

TEST_CASE("a source that cannot be read gives its errors at every resolve") {
  TempDir dir;
  const ScenarioSource source = ScenarioSource::read_file(dir.file("missing.yaml"));
  CHECK(source.diagnostics().size() == 1);
  const LoadResult r = resolve(source, RunPlan::parse({"seed=2"}));
  CHECK_FALSE(r.scenario);
  CHECK(r.diagnostics.format() == source.diagnostics().format());
  CHECK(r.diagnostics.items().front().message == "cannot read file");
}
