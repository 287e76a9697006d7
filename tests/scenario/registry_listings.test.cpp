// The registry drives validation, `zonesim levers`, the JSON Schema and docs/scenarios.md, so
// the shipped schema and docs must be exactly what the registry generates (scripts/regen).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support.hpp"
#include "zonesim/listing.hpp"

using namespace zonesim;
using namespace zonesim::test;


TEST_CASE("the shipped JSON Schema is the one the registry generates") {
  INFO("run scripts/regen after changing the registry");
  CHECK(read_file_text(source_path("scenarios/zonesim.schema.json")) == json_schema());
}

TEST_CASE("the reports' copy of the settings is the one the registry generates") {
  // zonesim_analysis labels lever values, sweep factors and calibration items with it.
  INFO("run scripts/regen after changing the registry");
  CHECK(read_file_text(source_path("analysis/zonesim_analysis/settings.json")) == settings_listing(ListingFormat::json));
}

// The text of `doc` between "<!-- BEGIN GENERATED: zonesim levers --format FORMAT -->" and the
// next end marker.
std::string generated_section(const std::string& doc, const std::string& format) {
  const std::string begin = "<!-- BEGIN GENERATED: zonesim levers --format " + format + " -->\n";
  const auto i = doc.find(begin);
  REQUIRE(i != std::string::npos);
  const auto j = doc.find("<!-- END GENERATED -->", i);
  REQUIRE(j != std::string::npos);
  return doc.substr(i + begin.size(), j - i - begin.size());
}

TEST_CASE("docs/scenarios.md lists exactly the registry's keys") {
  const std::string doc = read_file_text(source_path("docs/scenarios.md"));
  INFO("run scripts/regen after changing the registry");
  CHECK(generated_section(doc, "markdown") == settings_listing(ListingFormat::markdown));
}

TEST_CASE("docs/model.md's channel table is the registry's, as `zonesim levers --format channels` prints it") {
  const std::string doc = read_file_text(source_path("docs/model.md"));
  INFO("run scripts/regen after changing the registry");
  const std::string table = generated_section(doc, "channels");
  CHECK(table == settings_listing(ListingFormat::channels));
  auto r = run_zonesim("levers --format channels");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == table);
  // One row per lever, naming its channel indicator and its budget item.
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    const std::string item =
        c.budget_item ? "`" + std::string(spend_infos()[static_cast<std::size_t>(*c.budget_item)].key) + "`" : "none";
    CHECK_THAT(table, Catch::Contains("| `" + std::string(lever_settings()[l].key) + "` | " + std::string(c.where) +
                                      " | `" + std::string(indicator_info(c.indicator).key) + "` | " + item + " |\n"));
  }
}

TEST_CASE("every lever is listed by `zonesim levers` with its unit and range") {
  auto r = run_zonesim("levers --format json");
  REQUIRE(r.exit_code == 0);
  for (const auto& s : lever_settings()) CHECK_THAT(r.out, Catch::Contains("\"key\":\"" + std::string(s.key) + "\""));
  CHECK_THAT(r.out, Catch::Contains("\"key\":\"land_quota_mu\",\"group\":\"lever\",\"dimension\":\"area\",\"unit\":\"mu\""));
  auto table = run_zonesim("levers");
  CHECK_THAT(table.out, Catch::Contains("rd_subsidy_rate"));
  CHECK_THAT(table.out, Catch::Contains("研发财政补助比例"));
  auto bad = run_zonesim("levers --format xml");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("the JSON Schema names every lever, parameter and indicator") {
  const std::string schema = json_schema();
  for (const auto& s : lever_settings()) CHECK_THAT(schema, Catch::Contains("\"" + std::string(s.key) + "\""));
  for (const auto& s : parameter_settings()) CHECK_THAT(schema, Catch::Contains("\"" + std::string(s.key) + "\""));
  for (const auto& i : indicator_infos()) CHECK_THAT(schema, Catch::Contains("\"" + std::string(i.key) + "\""));
}
