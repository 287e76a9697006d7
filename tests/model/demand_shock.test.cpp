// region.demand_shock: a given common shock to every sector's demand growth by year (the 2020
// shock of the back-tests, docs/validation.md). It acts in its year and nowhere before, and it
// lowers that year's output by about what it says (common random numbers: the same seed).
#include <cmath>

#include <catch2/catch.hpp>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

TEST_CASE("region.demand_shock is a year schedule, 0 unless given") {
  Scenario none = load_valid(demo_path(), {"replications=2"});
  CHECK(none.demand_shock.at(2020) == 0.0);
  CHECK(none.demand_shock.at(2025) == 0.0);
  Scenario flat = load_valid(demo_path(), {"replications=2", "region.demand_shock=-2 %"});
  CHECK(flat.demand_shock.at(2021) == Approx(-0.02));
  Scenario s = load_valid(demo_path(), {"replications=2", "region.demand_shock={2020: 0 %, 2022: -5 %, 2023: 1 %}"});
  CHECK(s.demand_shock.at(2021) == 0.0);
  CHECK(s.demand_shock.at(2022) == Approx(-0.05));
  CHECK(s.demand_shock.at(2023) == Approx(0.01));
  CHECK(s.demand_shock.at(2025) == Approx(0.01));  // each value holds until the next year given
}

TEST_CASE("a demand shock lowers output in its year by about the shock, and nothing before") {
  const std::vector<std::string> reps = {"replications=24"};
  Scenario base = load_valid(demo_path(), reps);
  std::vector<std::string> o = reps;
  o.push_back("region.demand_shock={2020: 0 %, 2022: -5 %, 2023: 0 %}");
  Scenario alt = load_valid(demo_path(), o);
  Ensemble eb = simulate(base), ea = simulate(alt);
  // Before the shock the runs are the same run.
  for (int y = 2020; y <= 2021; ++y) {
    CHECK(mean_of(alt, ea, Ind::gross_output, y) == mean_of(base, eb, Ind::gross_output, y));
    CHECK(mean_of(alt, ea, Ind::value_added, y) == mean_of(base, eb, Ind::value_added, y));
  }
  // In 2022 the market is 5 % smaller (ln 0.95 = -0.051): output falls by about that much
  // (less where capacity, not demand, bound a firm's output: -0.040 at the time of writing,
  // about 80 % of the shock).
  const double d = std::log(mean_of(alt, ea, Ind::gross_output, 2022) / mean_of(base, eb, Ind::gross_output, 2022));
  INFO("ln(output with the shock / without) in 2022: " << d);
  CHECK(d < -0.03);
  CHECK(d > -0.065);
  // A shock to growth in one year lowers the level for good: the market does not rebound by itself.
  CHECK(mean_of(alt, ea, Ind::gross_output, 2025) < mean_of(base, eb, Ind::gross_output, 2025));
}

TEST_CASE("a sector's own demand shock moves that sector's output and leaves the others' markets alone") {
  // sectors.<id>.demand_shock adds to the sector's trend (and to region.demand_shock) in its
  // years. The demo's sectors: a shock of -10 % to one of them in 2022.
  const std::vector<std::string> reps = {"replications=16"};
  Scenario base = load_valid(demo_path(), reps);
  REQUIRE(base.sectors.size() >= 2);
  const std::string shocked = base.sectors[0].id;
  CHECK(base.sectors[0].demand_shock.at(2022) == 0.0);
  std::vector<std::string> o = reps;
  o.push_back("sectors." + shocked + ".demand_shock={2020: 0 %, 2022: -10 %, 2023: 0 %}");
  Scenario alt = load_valid(demo_path(), o);
  CHECK(alt.sectors[0].demand_shock.at(2022) == Approx(-0.10));
  CHECK(alt.sectors[0].demand_shock.at(2024) == 0.0);
  CHECK(alt.sectors[1].demand_shock.at(2022) == 0.0);
  Ensemble eb = simulate(base), ea = simulate(alt);
  CHECK(mean_of(alt, ea, Ind::gross_output, 2021) == mean_of(base, eb, Ind::gross_output, 2021));
  // The zones' output falls by less than 10 %: one sector's market shrinks, the others' do not.
  const double d = std::log(mean_of(alt, ea, Ind::gross_output, 2022) / mean_of(base, eb, Ind::gross_output, 2022));
  INFO("ln(output with a -10 % shock to " << shocked << " / without) in 2022: " << d);
  CHECK(d < -0.005);
  CHECK(d > -0.09);
  // The same shock to every sector (region.demand_shock) lowers output more.
  std::vector<std::string> all = reps;
  all.push_back("region.demand_shock={2020: 0 %, 2022: -10 %, 2023: 0 %}");
  Scenario common = load_valid(demo_path(), all);
  Ensemble ec = simulate(common);
  const double dc = std::log(mean_of(common, ec, Ind::gross_output, 2022) / mean_of(base, eb, Ind::gross_output, 2022));
  INFO("with the shock to every sector: " << dc);
  CHECK(dc < d);
}
