// Issue 18: `observed:` series in scenarios - the keys, and a located error for each kind of bad
// series (unknown indicator or zone, year outside the run, unit of the wrong dimension, no
// source), inline and in a file the scenario names.
#include <catch2/catch.hpp>
#include <string>

#include "support.hpp"
#include "zonesim/scenario.hpp"

using zonesim::Diagnostic;
using zonesim::test::TempDir;
using zonesim::test::where;

namespace {

// A small valid scenario (2020-2023, zones north and south); `observed` is appended as written.
std::string scenario_with(const std::string& observed) {
  return "zonesim: 1\nname: obs\nbase_year: 2020\nend_year: 2023\nreplications: 2\nseed: 1\n"
         "sectors:\n  a: {output_share: 100 %}\n"
         "zones:\n  north: {base_output: 100 亿元, base_value_added: 25 亿元}\n"
         "  south: {base_output: 50 亿元, base_value_added: 12 亿元}\n" +
         observed;
}

Diagnostic only_error(const std::string& text) {
  TempDir dir;
  const auto r = zonesim::load_scenario_file(dir.write("obs.yaml", text));
  INFO(r.diagnostics.format());
  CHECK_FALSE(r.scenario.has_value());
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.items().front();
}

}  // namespace

TEST_CASE("observed series are read with their unit, zone, years and sources") {
  TempDir dir;
  const auto r = zonesim::load_scenario_file(dir.write("obs.yaml", scenario_with(
      "observed:\n"
      "  gdp:\n    indicator: value_added\n    zone: all\n    source: stats\n"
      "    values: {2022: 45 亿元, 2021: {value: 40 亿元, source: press}}\n"
      "  rd_share:\n    indicator: rd_to_gdp\n    zone: south\n    source: report\n    values: {2020: 2.5 %}\n")));
  INFO(r.diagnostics.format());
  REQUIRE(r.scenario);
  const auto& o = r.scenario->observed;
  REQUIRE(o.size() == 2);
  CHECK(o[0].id == "gdp");
  CHECK(o[0].zone == -1);
  CHECK(o[0].years == std::vector<int>{2021, 2022});  // in year order
  CHECK(o[0].values == std::vector<double>{40e8, 45e8});
  CHECK(o[0].sources == std::vector<std::string>{"press", "stats"});
  CHECK(o[0].unit == "亿元");
  CHECK(o[1].zone == 1);
  CHECK(o[1].values.front() == Approx(0.025));
}

TEST_CASE("an observed series in a file the scenario names is read, and its errors point into that file") {
  TempDir dir;
  dir.write("later.yaml", "observed:\n  firms:\n    indicator: firms\n    source: census\n    values: {2021: 900, 2022: 950}\n");
  auto r = zonesim::load_scenario_file(dir.write("obs.yaml", scenario_with("observed: later.yaml\n")));
  INFO(r.diagnostics.format());
  REQUIRE(r.scenario);
  REQUIRE(r.scenario->observed.size() == 1);
  CHECK(r.scenario->observed[0].values == std::vector<double>{900, 950});

  dir.write("later.yaml", "observed:\n  firms:\n    indicator: firms\n    source: census\n    values: {2021: 900, 2030: 950}\n");
  r = zonesim::load_scenario_file(dir.file("obs.yaml"));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(where(r.diagnostics.items()[0]) == "later.yaml:5:25");
  CHECK(r.diagnostics.items()[0].message == "year 2030 is outside the run");
}

TEST_CASE("an unknown indicator in an observed series is located, with the nearest indicator") {
  const Diagnostic d = only_error(scenario_with(
      "observed:\n  gdp:\n    indicator: value_add\n    source: s\n    values: {2021: 40 亿元}\n"));
  CHECK(where(d) == "obs.yaml:14:16");
  CHECK(d.key_path == "observed.gdp.indicator");
  CHECK(d.message == "unknown indicator \"value_add\"");
  CHECK(d.hint == "did you mean \"value_added\"?");
}

TEST_CASE("an unknown zone in an observed series is located") {
  const Diagnostic d = only_error(scenario_with(
      "observed:\n  gdp:\n    indicator: value_added\n    zone: nort\n    source: s\n    values: {2021: 40 亿元}\n"));
  CHECK(where(d) == "obs.yaml:15:11");
  CHECK(d.message == "unknown zone \"nort\"");
  CHECK(d.hint == "did you mean \"north\"?");
}

TEST_CASE("an observation in a year outside the run is located at its year") {
  const Diagnostic d = only_error(scenario_with(
      "observed:\n  gdp:\n    indicator: value_added\n    source: s\n    values: {2019: 30 亿元}\n"));
  CHECK(where(d) == "obs.yaml:16:14");
  CHECK(d.key_path == "observed.gdp.values.2019");
  CHECK(d.message == "year 2019 is outside the run");
}

TEST_CASE("an observation with a unit of the wrong dimension is located at its value") {
  const Diagnostic d = only_error(scenario_with(
      "observed:\n  gdp:\n    indicator: value_added\n    source: s\n    values: {2021: 300 mu}\n"));
  CHECK(where(d) == "obs.yaml:16:20");
  CHECK(d.message.find("value_added is money") != std::string::npos);
}

TEST_CASE("an observation without a source is an error") {
  const Diagnostic d = only_error(scenario_with(
      "observed:\n  gdp:\n    indicator: value_added\n    values: {2021: 40 亿元}\n"));
  CHECK(d.key_path == "observed.gdp.values.2021");
  CHECK(d.message == "observation without a source");
  CHECK(where(d) == "obs.yaml:15:14");
}
