// `zonesim run --reach` (cli/run_command.cpp): the "what it would take" table after the target
// table, /reach in the file, and its options' errors (exit 2, the option named, nothing written).
#include <catch2/catch.hpp>
#include <filesystem>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

TEST_CASE("zonesim run --reach prints what it would take and stores /reach with units") {
  TempDir tmp;
  const std::string out = tmp.file("reach.h5");
  auto r = run_zonesim("run scenarios/demo.yaml -r 12 -t 2 -q --reach-replications 8 --reach-lever land_quota_mu -o " +
                       out);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("what it would take: each lever moved alone"));
  CHECK_THAT(r.out, Catch::Contains("(8 replications per evaluation, seed 20201;"));
  CHECK_THAT(r.out, Catch::Contains("  hightech_share: the lever (highest P = "));
  // The table comes after the target table and before the file is written.
  CHECK(r.out.find("P(met)") < r.out.find("what it would take"));
  CHECK(r.out.find("what it would take") < r.out.find("wrote " + out));
  CHECK(dataset_exists(out, "reach/value"));
  CHECK(read_string_attribute(out, "reach/budget_change", "unit") == "亿元");
  CHECK(read_string_attribute(out, "reach/probability", "unit") == "1");
}

TEST_CASE("zonesim run without --reach writes no /reach") {
  TempDir tmp;
  const std::string out = tmp.file("plain.h5");
  auto r = run_zonesim("run scenarios/demo.yaml -r 4 -q -o " + out);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, !Catch::Contains("what it would take"));
  CHECK_FALSE(dataset_exists(out, "reach/value"));
}

TEST_CASE("a bad --reach option is exit 2 with the option named, before anything runs") {
  TempDir tmp;
  const std::string out = tmp.file("x.h5");
  const auto [option, message] = GENERATE(table<std::string, std::string>({
      {"--reach-threshold 0", "zonesim run: --reach-threshold \"0\" is not a percentage above 0 and at most 100 (e.g. 50 or 50%)\n"},
      {"--reach-threshold 101%", "zonesim run: --reach-threshold \"101%\" is not a percentage above 0 and at most 100 (e.g. 50 or 50%)\n"},
      {"--reach-threshold 50x", "zonesim run: --reach-threshold \"50x\" is not a percentage above 0 and at most 100 (e.g. 50 or 50%)\n"},
      {"--reach-threshold nan", "zonesim run: --reach-threshold \"nan\" is not a percentage above 0 and at most 100 (e.g. 50 or 50%)\n"},
      {"--reach-replications 0", "zonesim run: --reach-replications must be at least 1\n"},
      {"--reach-lever land_quota", "zonesim run: unknown lever \"land_quota\" (see zonesim levers)\n"},
  }));
  INFO(option);
  auto r = run_zonesim("run scenarios/demo.yaml -q -r 2 " + option + " -o " + out);
  CHECK(r.exit_code == 2);
  CHECK(r.err == message);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(out));
}
