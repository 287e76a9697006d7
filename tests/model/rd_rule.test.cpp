// One R&D rule for incumbents and entrants (issue 14, item 2; docs/model.md 2, 3.3, 3.9): an
// entrant draws its R&D from the base-year firms' distribution for its size class, and its
// propensity is backed out under the base-year user cost, so policy moves entrants' R&D through
// the user cost as it moves incumbents'. Each check prints the figure it tests.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// R&D intensities of the R&D performers: the base-year firms (`entrants` false), or the entrants
// in their year of entry (what they plan; their output is still 0 then, so no size split).
std::vector<double> performers(const Scenario& s, const std::vector<std::string>& overrides, bool entrants,
                       std::uint32_t reps = 6) {
  std::vector<std::string> o = overrides;
  o.push_back("replications=" + std::to_string(reps));
  Scenario sc = load_valid(demo_path(), o);
  std::vector<double> out;
  for (std::uint32_t r = 0; r < reps; ++r) {
    FirmPanel p;
    simulate_replication(sc, r, &p);
    for (std::size_t i = 0; i < p.year.size(); ++i) {
      const bool is_entrant = p.birth_year[i] > s.base_year;
      if (is_entrant != entrants || p.rd_intensity[i] <= 0) continue;
      if (entrants ? p.year[i] != p.birth_year[i] : p.year[i] != s.base_year) continue;
      out.push_back(p.rd_intensity[i]);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("entrants plan R&D like the base-year firms: the same median intensity of performers") {
  // No entry threshold, so the entrants are not selected on R&D; the subsidy held at its
  // base-year value, so nothing moves the user cost.
  const Scenario s = load_valid(demo_path());
  const std::vector<std::string> flat{"levers.entry_rd_threshold=0%",
                                      "zones.south.levers.entry_rd_threshold=0%",
                                      "levers.rd_subsidy_rate=5%"};
  const std::vector<double> all_base = performers(s, flat, false), all_entrants = performers(s, flat, true);
  const double mb = median(all_base), me = median(all_entrants);
  INFO("median R&D intensity of performers: base-year firms " << mb * 100 << " % (" << all_base.size()
       << "), entrants " << me * 100 << " % (" << all_entrants.size() << ")");
  REQUIRE(all_entrants.size() > 50);
  // Before the rule, entrants drew unscaled intensities: 37 x the incumbents' median on Qingyuan.
  CHECK(me > 0.5 * mb);
  CHECK(me < 2.0 * mb);
}

TEST_CASE("the R&D subsidy moves entrants' planned R&D through the user cost (elasticity -1)") {
  // Same seed: the same projects and start-ups arrive; a 50 % subsidy halves the user cost of
  // R&D from its base-year level (0.95 of no policy), so an entrant plans 0.95/0.5 = 1.9 x the
  // R&D it plans under the base-year subsidy. Before the rule its propensity was backed out
  // under this year's user cost, and the subsidy cancelled itself (ratio 1). A transfer large
  // enough that the zones pay every claim: with the base-year R&D the certified firms need
  // (docs/model.md 2) the claims of a 50 % subsidy exceed the demo zones' budgets, which then pay
  // part (3.11), and entrants see a smaller subsidy (ratio 1.63 without the transfer).
  const Scenario s = load_valid(demo_path());
  const std::vector<std::string> open{"levers.entry_rd_threshold=0%",
                                      "zones.south.levers.entry_rd_threshold=0%",
                                      "levers.upper_level_transfer=100 亿元"};
  auto with = [&](const char* subsidy) {
    std::vector<std::string> o = open;
    o.push_back(std::string("levers.rd_subsidy_rate=") + subsidy);
    return median(performers(s, o, true));
  };
  const double at_base = with("5%"), at_half = with("50%");
  INFO("entrants' median planned R&D intensity: subsidy 5 % " << at_base * 100 << " %, 50 % "
       << at_half * 100 << " %, ratio " << at_half / at_base);
  CHECK(at_half / at_base > 1.7);
  CHECK(at_half / at_base < 2.1);
}

TEST_CASE("with researchers to spare, final-year R&D has a user-cost elasticity between -2 and -1") {
  // The researcher pool doubling every year: after the base year the talent cap never binds, so the
  // emergent elasticity of R&D over a subsidy sweep is the firms' own (-1, entrants included)
  // plus the firms a cheaper R&D brings to a certification notch (about -1.5 on the demo; the
  // range is the empirical one: Chen et al. 2021 about 2 for reported R&D, Bloom et al. 2002 1).
  auto final_rd = [](const char* subsidy) {
    Scenario s = load_valid(demo_path(), {"replications=16", "parameters.researcher_pool_growth=100%",
                                          std::string("levers.rd_subsidy_rate=") + subsidy});
    return mean_of(s, simulate(s), Ind::rd_expenditure, s.end_year);
  };
  const double rd0 = final_rd("0%"), rd30 = final_rd("30%");
  const double elasticity = std::log(rd30 / rd0) / std::log(0.7);
  INFO("final-year R&D: subsidy 0 % " << rd0 / 1e8 << " 亿元, 30 % " << rd30 / 1e8
       << " 亿元; elasticity " << elasticity);
  CHECK(elasticity < -1.0);
  CHECK(elasticity > -2.0);
}

TEST_CASE("firms count on the share of their claims the zone paid, not on the share of all asks") {
  // Firms' claims (R&D subsidies) are paid before the zone's programmes (docs/model.md 3.11). A
  // transfer that pays every claim, and a training programme far beyond the budget (1000 亿元
  // asked a year): the programmes get a small share of what they ask, the claims all of it. An
  // entrant's planned R&D under a 50 % subsidy is then what it is without the programme, up to
  // the entrants the programme's years bring (median 1.13 % against 1.17 %, 6 replications). An
  // earlier version let firms book their subsidies at the share of all asks paid, and the
  // unfunded programme cut the subsidy firms counted on (median 0.85 % against 1.18 %, ratio
  // 0.72) while the zone paid their claims in full.
  const Scenario s = load_valid(demo_path());
  const std::vector<std::string> open{"levers.entry_rd_threshold=0%",
                                      "zones.south.levers.entry_rd_threshold=0%",
                                      "levers.upper_level_transfer=100 亿元", "levers.rd_subsidy_rate=50%",
                                      "parameters.researcher_pool_growth=100%"};
  std::vector<std::string> programme = open;
  programme.push_back("levers.training_places=10000");
  programme.push_back("parameters.training_cost_per_place=0.1亿元");
  const double without = median(performers(s, open, true)), with = median(performers(s, programme, true));
  std::vector<std::string> two = programme;
  two.push_back("replications=2");
  const Scenario sp = load_valid(demo_path(), two);
  const Ensemble e = simulate(sp);
  double shortfall = 0;
  for (int y = sp.base_year + 1; y <= sp.end_year; ++y) shortfall += mean_of(sp, e, Ind::budget_shortfall, y);
  INFO("entrants' median planned R&D intensity under a 50 % subsidy: " << without * 100 << " %, with an unfunded "
       "programme " << with * 100 << " % (shortfall over the years " << shortfall / 1e8 << " 亿元)");
  CHECK(shortfall > 1e10);
  CHECK(with / without > 0.93);
  CHECK(with / without < 1.07);
}
