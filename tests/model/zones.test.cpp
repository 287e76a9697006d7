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

// zones.<id>.opens: a zone approved during the run (docs/model.md 2, docs/output.md).
TEST_CASE("a zone that opens during the run: 0 before, its base values in the year it opens, then simulated") {
  Scenario s = load_valid(demo_path(), {"replications=4", "zones.south.opens=2023"});
  Scenario base = load_valid(demo_path(), {"replications=4"});
  Ensemble e = simulate(s);
  Ensemble e0 = simulate(base);
  const int opens = 2023 - s.base_year;
  for (std::size_t k = 0; k < e.replications.size(); ++k) {
    const ReplicationResult& r = e.replications[k];
    // Before it opens: every indicator, sector output and spending item of its row is 0.
    for (int y = 0; y < opens; ++y) {
      for (std::size_t i = 0; i < kIndicatorCount; ++i) {
        INFO("year " << s.base_year + y << " " << indicator_infos()[i].key);
        CHECK(r.ind(y, 1, static_cast<Ind>(i)) == 0.0);
      }
      for (int sec = 0; sec < r.sectors; ++sec) CHECK(r.sec(y, 1, sec) == 0.0);
      for (std::size_t q = 0; q < kSpendCount; ++q) CHECK(r.spend(y, 1, static_cast<Spend>(q)) == 0.0);
      CHECK(r.ind(y, 0, Ind::rank) == 1.0);  // the only zone ranked
      CHECK(r.ind(y, 2, Ind::gross_output) == r.ind(y, 0, Ind::gross_output));
    }
    // The zone open from the base year draws what it draws without the other: its base year is
    // the same to the bit.
    for (std::size_t i = 0; i < kIndicatorCount; ++i) {
      INFO(indicator_infos()[i].key);
      const Ind ind = static_cast<Ind>(i);
      if (ind == Ind::rank || ind == Ind::national_rank || ind == Ind::evaluation_index) continue;
      CHECK(r.ind(0, 0, ind) == e0.replications[k].ind(0, 0, ind));
    }
    // The year it opens: its stated base values, generated as the base year's are.
    CHECK(r.ind(opens, 1, Ind::gross_output) == Approx(120e8).epsilon(1e-9));
    CHECK(r.ind(opens, 1, Ind::value_added) == Approx(30e8).epsilon(1e-9));
    CHECK(r.ind(opens, 1, Ind::rd_expenditure) == Approx(0.87e8).epsilon(1e-6));
    CHECK(r.ind(opens, 1, Ind::firms) == 200.0);
    CHECK(r.ind(opens, 1, Ind::above_size_firms) == 70.0);
    CHECK(r.ind(opens, 1, Ind::hightech_firms) == 20.0);
    CHECK(r.ind(opens, 1, Ind::employment) == Approx(12000).epsilon(1e-6));
    CHECK(r.ind(opens, 1, Ind::land_used) == Approx(15000).epsilon(1e-6));
    CHECK(r.ind(opens, 1, Ind::land_available) == Approx(800).epsilon(1e-9));
    CHECK(r.ind(opens, 1, Ind::budget_revenue) > 0);
    CHECK(r.ind(opens, 1, Ind::rank) >= 1.0);
    CHECK(r.ind(opens, 1, Ind::output_change_entry) == r.ind(opens, 1, Ind::gross_output));
    CHECK(r.ind(opens, 1, Ind::output_change_exit_other) == 0.0);
    CHECK(r.ind(opens, 2, Ind::gross_output) == r.ind(opens, 0, Ind::gross_output) + r.ind(opens, 1, Ind::gross_output));
    // Then it is simulated as the others: its firms produce, projects arrive, it is ranked.
    for (int y = opens + 1; y <= s.years(); ++y) {
      CHECK(r.ind(y, 1, Ind::gross_output) > 0);
      CHECK(r.ind(y, 1, Ind::firms) > 0);
      const double a = r.ind(y, 0, Ind::rank), b = r.ind(y, 1, Ind::rank);
      CHECK(((a == 1 && b == 2) || (a == 2 && b == 1)));
    }
    double arrived = 0;
    for (int y = opens + 1; y <= s.years(); ++y) arrived += r.ind(y, 1, Ind::projects_arrived);
    CHECK(arrived > 0);
  }
  // The calibration table holds what the generator made in the year the zone opened.
  CHECK(e.replications[0].calibration[1 * kCalibrationItems] == Approx(120e8).epsilon(1e-9));
}
