// Keys removed from the scenario format (issue 14) are refused with what to write instead, not
// called unknown: researcher_share (the pool is the base year's researchers) and
// local_tax_retention (the budget rule's fiscal split).
#include <catch2/catch.hpp>
#include <string>

#include "support.hpp"
#include "zonesim/scenario.hpp"

using zonesim::test::source_path;

namespace {

// The demo scenario's text with one line added after the line that starts with `after`.
std::string demo_with(const std::string& after, const std::string& line) {
  std::string text = zonesim::test::read_file_text(source_path("scenarios/demo.yaml"));
  const auto at = text.find(after);
  REQUIRE(at != std::string::npos);
  const auto eol = text.find('\n', at);
  return text.insert(eol + 1, line + "\n");
}

}  // namespace

TEST_CASE("a removed zone key (researcher_share) is refused with what replaces it") {
  auto r = zonesim::load_scenario_text(demo_with("    base_output: {value: 300", "    researcher_share: 4 %"),
                                       "demo.yaml");
  CHECK_FALSE(r.scenario.has_value());
  const std::string text = r.diagnostics.format();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("zone key \"researcher_share\" is no longer part of the scenario format"));
  CHECK_THAT(text, Catch::Contains("researcher_pool_growth"));
}

TEST_CASE("a removed parameter (local_tax_retention) is refused with what replaces it") {
  const std::string text_in =
      zonesim::test::read_file_text(source_path("scenarios/demo.yaml")) + "parameters:\n  local_tax_retention: 20 %\n";
  auto r = zonesim::load_scenario_text(text_in, "demo.yaml");
  CHECK_FALSE(r.scenario.has_value());
  const std::string text = r.diagnostics.format();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("parameter \"local_tax_retention\" is no longer part of the scenario format"));
  CHECK_THAT(text, Catch::Contains("zone_tax_retention"));
}
