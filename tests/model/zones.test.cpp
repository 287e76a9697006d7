// Several zones interacting: firms and researchers move, zones compete and are ranked.
#include <array>

#include <catch2/catch.hpp>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

TEST_CASE("firms short of land move to a zone with land to spare") {
  Scenario s = load_valid(demo_path(), {"replications=10", "zones.north.levers.land_quota_mu=0mu",
                                        "zones.north.base_land_available_mu=0mu",
                                        "zones.north.levers.idle_land_disposal_rate=0%",
                                        "parameters.idle_development_rate=0%",
                                        "zones.south.base_land_available_mu=8000mu"});
  Ensemble e = simulate(s);
  double out_north = 0, in_south = 0;
  for (int y = s.base_year + 1; y <= s.end_year; ++y) {
    out_north += mean_of(s, e, Ind::firms_moved_out, y, 0);
    in_south += mean_of(s, e, Ind::firms_moved_in, y, 1);
  }
  CHECK(out_north > 0);
  CHECK(in_south == Approx(out_north));
  Scenario none = load_valid(demo_path(), {"replications=10", "zones.north.levers.land_quota_mu=0mu",
                                           "zones.north.base_land_available_mu=0mu",
                                           "zones.north.levers.idle_land_disposal_rate=0%",
                                           "parameters.idle_development_rate=0%",
                                           "zones.south.base_land_available_mu=8000mu",
                                           "parameters.firm_relocation_rate=0%"});
  Ensemble e0 = simulate(none);
  CHECK(mean_of(none, e0, Ind::firms_moved_out, none.end_year, 0) == 0.0);
}

TEST_CASE("talent incentives in one zone draw researchers from the other and the hinterland") {
  auto run = [](const std::string& subsidy) {
    Scenario s = load_valid(demo_path(), {"replications=10", "levers.upper_level_transfer=20亿元",
                                          "zones.north.levers.talent_subsidy_per_person=" + subsidy});
    Ensemble e = simulate(s);
    return std::array{mean_of(s, e, Ind::researchers, s.end_year, 0),
                      mean_of(s, e, Ind::researchers, s.end_year, 1),
                      mean_of(s, e, Ind::wage_researcher, s.end_year, 1)};
  };
  const auto [north0, south0, south_wage0] = run("0万元");
  const auto [north1, south1, south_wage1] = run("8万元");
  CHECK(north1 > north0);
  // The south loses researchers to the north and pays more for those it keeps.
  CHECK(south1 < south0);
  CHECK(south_wage1 > south_wage0);
  // More than the south lost comes to the north: the rest is drawn from the hinterland.
  CHECK(north1 - north0 > south0 - south1);
}

TEST_CASE("zones are ranked 1..n every year and the ranks are a permutation") {
  Scenario s = load_valid(demo_path(), {"replications=4"});
  Ensemble e = simulate(s);
  for (const auto& r : e.replications)
    for (int y = 0; y <= s.years(); ++y) {
      int a = static_cast<int>(r.ind(y, 0, Ind::rank)), b = static_cast<int>(r.ind(y, 1, Ind::rank));
      CHECK(((a == 1 && b == 2) || (a == 2 && b == 1)));
      // The better index has the better rank.
      CHECK((r.ind(y, 0, Ind::evaluation_index) >= r.ind(y, 1, Ind::evaluation_index)) == (a == 1));
    }
}
