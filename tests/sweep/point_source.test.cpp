// A sweep reads its base scenario once, when the sweep file is loaded: every point resolves from
// that text (SweepSpec::source, run_plan.hpp), so a file edited or deleted during a long sweep
// changes no later point.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <string>

#include "support.hpp"
#include "zonesim/sweep.hpp"

using namespace zonesim;
using zonesim::test::TempDir;

namespace {

std::string sweep_text() {
  return "base: base.yaml\nfactors:\n  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
         "  - key: zones.north.levers.land_quota_mu\n    range: [400 mu, 2500 mu]\n"
         "design: {type: lhs, points: 4}\nreplications: 2\nseed: 3\noutputs:\n"
         "  - {indicator: gross_output, year: 2025}\n";
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("a sweep's points resolve from the base scenario as read when the sweep file was loaded") {
  TempDir dir;
  const std::string demo = test::read_file_text(test::source_path("scenarios/demo.yaml"));
  const std::string base = dir.write("base.yaml", demo);
  auto loaded = sweep::load_sweep_file(dir.write("sweep.yaml", sweep_text()));
  INFO(loaded.diagnostics.format());
  REQUIRE(loaded.spec);
  const sweep::SweepSpec& s = *loaded.spec;
  const std::vector<double> unit = {0.25, 0.75};
  const std::vector<double> rows = sweep::evaluate_point(s, unit, 1);

  SECTION("the file edited") {
    std::string edited = demo;
    const std::string output = "base_output: {value: 300 亿元";
    REQUIRE(edited.find(output) != std::string::npos);
    edited.replace(edited.find(output), output.size(), "base_output: {value: 360 亿元");
    dir.write("base.yaml", edited);
    CHECK(same_bits(sweep::evaluate_point(s, unit, 1), rows));
    // The sweep file loaded again reads the edited file: its point differs.
    auto again = sweep::load_sweep_file(dir.file("sweep.yaml"));
    REQUIRE(again.spec);
    CHECK_FALSE(same_bits(sweep::evaluate_point(*again.spec, unit, 1), rows));
  }
  SECTION("the file deleted") {
    std::filesystem::remove(base);
    CHECK(same_bits(sweep::evaluate_point(s, unit, 1), rows));
    CHECK(same_bits(sweep::evaluate_point(s, unit, 2), rows));
  }
}
