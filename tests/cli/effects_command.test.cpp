// `zonesim effects`: each lever moved one step from its value in the scenario, zone by zone.
#include <regex>

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace zonesim::test;

namespace {

struct Row {
  std::string to, indicator;
  double baseline = 0, change = 0;
};

// The row of `lever` in the effects table: "lever  to  indicator (unit)  baseline  change ...".
Row row_of(const std::string& out, const std::string& lever) {
  const std::regex re("(^|\n)" + lever + R"(\s+(\S+)\s+(\S+)(?: \([^)]*\))?\s+(\S+)\s+(\S+))");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, re));
  return {m[2], m[3], std::stod(m[4]), std::stod(m[5])};
}

}  // namespace

TEST_CASE("zonesim effects steps a lever each zone sets from that zone's own value") {
  // qingyuan-hightech-2025.yaml: talent apartments 100 a year in qingyuan, 40 in yingde (region 0).
  auto r = run_zonesim("effects " + source_path("scenarios/qingyuan-hightech-2025.yaml") +
                       " -r 8 -t 2 --lever talent_apartments --lever rd_subsidy_rate");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const Row apartments = row_of(r.out, "talent_apartments");
  CHECK(apartments.to == "150/60");
  CHECK(apartments.indicator == "researchers");
  CHECK(apartments.change > 0);  // more apartments draw researchers (a step down would lose them)
  // A region-wide lever: one value (10 % -> 15 %), and R&D / GDP rises.
  const Row subsidy = row_of(r.out, "rd_subsidy_rate");
  CHECK(subsidy.to == "15%");
  CHECK(subsidy.indicator == "rd_to_gdp");
  CHECK(subsidy.change > 0);
}

TEST_CASE("zonesim effects refuses an unknown lever with exit 2") {
  auto r = run_zonesim("effects " + source_path("scenarios/demo.yaml") + " --lever rd_subsidy_rat");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown lever \"rd_subsidy_rat\""));
}

TEST_CASE("zonesim effects says a zone that opens later holds its levers at its opening year's values") {
  auto r = run_zonesim("effects " + source_path("scenarios/demo.yaml") +
                       " -r 4 -t 2 --lever rd_subsidy_rate --set zones.south.opens=2023");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("every lever held at each zone's 2020 value"));
  CHECK_THAT(r.out, Catch::Contains(
                        "zone south opens in 2023: its levers are held at that year's values (the "
                        "policy it was observed under)."));
  CHECK_THAT(r.out, !Catch::Contains("zone north opens"));
}
