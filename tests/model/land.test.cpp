// Land a zone already holds: in-situ intensification (docs/model.md 3.7). A firm builds up its
// own plot before it asks for new land, at most `intensification_rate` of what the plot holds a
// year, as far as its planned capital needs, and never beyond the plot-ratio ceiling.
#include <catch2/catch.hpp>

#include "../../sim/src/model/passes/step.hpp"
#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

TEST_CASE("intensification adds capacity without new land up to the plot-ratio limit") {
  // A plot holding 100 (any unit of capital), intensification 5 % a year, a ceiling of 200.
  // A firm that plans 130 adds 5 on its plot (the pace binds) and asks new land for the other 25.
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.05, 200.0) == Approx(5.0));
  // A firm that plans 102 adds the 2 it needs and asks for no land.
  CHECK(detail::insitu_capacity_added(100.0, 102.0, 0.05, 200.0) == Approx(2.0));
  // Near the ceiling only the room under it is added: 103 under a ceiling of 103.
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.05, 103.0) == Approx(3.0));
  // At or above the ceiling, without land (ceiling 0), at pace 0 or without a plan above what
  // the plot holds: nothing.
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.05, 100.0) == 0.0);
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.05, 80.0) == 0.0);
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.05, 0.0) == 0.0);
  CHECK(detail::insitu_capacity_added(100.0, 130.0, 0.0, 200.0) == 0.0);
  CHECK(detail::insitu_capacity_added(100.0, 90.0, 0.05, 200.0) == 0.0);
}

namespace {

// The demo zones with no land to give: no quota, no idle land released, little available.
const std::vector<std::string> kNoNewLand = {
    "levers.land_quota_mu=0mu", "levers.idle_land_disposal_rate=0%", "parameters.idle_development_rate=0%",
    "zones.north.base_land_available_mu=200mu", "zones.south.base_land_available_mu=100mu", "replications=16"};

Scenario demo_with(const std::vector<std::string>& extra) {
  std::vector<std::string> o = kNoNewLand;
  o.insert(o.end(), extra.begin(), extra.end());
  return load_valid(demo_path(), o);
}

}  // namespace

TEST_CASE("without new land, intensification lets the zones produce more on the land they hold") {
  Scenario off = demo_with({}), on = demo_with({"levers.intensification_rate=10%", "levers.plot_ratio_max=5"});
  Ensemble eoff = simulate(off), eon = simulate(on);
  const int last = off.end_year;
  const double out_off = mean_of(off, eoff, Ind::gross_output, last), out_on = mean_of(on, eon, Ind::gross_output, last);
  const double mu_off = mean_of(off, eoff, Ind::output_per_mu, last), mu_on = mean_of(on, eon, Ind::output_per_mu, last);
  INFO("gross output " << out_off << " -> " << out_on << ", output per mu " << mu_off << " -> " << mu_on);
  CHECK(out_on > out_off);
  CHECK(mu_on > mu_off);
  // No new land: what the firms use at the end is at most what they used in the base year plus
  // the 300 mu that were available (land freed by exits was in use already).
  const double used0 = mean_of(on, eon, Ind::land_used, on.base_year);
  CHECK(mean_of(on, eon, Ind::land_used, last) <= used0 + 300.0 + 1e-9 * used0);
}

TEST_CASE("the plot-ratio ceiling limits what intensification adds") {
  // At 30 % a year for the demo's five years the pace would take a plot to 3.7 times what it held;
  // a ceiling at the base-year plot ratio (0.93) leaves the base-year plots no room at all.
  Scenario low = demo_with({"levers.intensification_rate=30%", "levers.plot_ratio_max=0.93"});
  Scenario high = demo_with({"levers.intensification_rate=30%", "levers.plot_ratio_max=5"});
  Ensemble el = simulate(low), eh = simulate(high);
  const int last = low.end_year;
  const double out_low = mean_of(low, el, Ind::gross_output, last), out_high = mean_of(high, eh, Ind::gross_output, last);
  INFO("gross output, ceiling 0.93: " << out_low << ", ceiling 5: " << out_high);
  CHECK(out_high > out_low);
}

TEST_CASE("intensification at its default 0 leaves the run as it was") {
  Scenario base = demo_with({}), zero = demo_with({"levers.intensification_rate=0%", "levers.plot_ratio_max=10"});
  Ensemble eb = simulate(base), ez = simulate(zero);
  for (int y = base.base_year; y <= base.end_year; ++y) {
    CHECK(mean_of(zero, ez, Ind::gross_output, y) == mean_of(base, eb, Ind::gross_output, y));
    CHECK(mean_of(zero, ez, Ind::land_used, y) == mean_of(base, eb, Ind::land_used, y));
  }
}
