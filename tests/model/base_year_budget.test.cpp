// The budget rule (docs/model.md 3.11, sources in docs/sources.md): the zone keeps
// zone_tax_retention of the local shares of its firms' VAT and income tax, commits
// budget_committed_share of its own revenue before any lever, spends the rest oldest money first,
// and returns to the city what is still unspent budget_return_years after it came in. The
// figures below are recomputed from the run's own indicators; and a zone can run short.
#include <catch2/catch.hpp>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

double param(const Scenario& s, Param p) { return s.params[static_cast<std::size_t>(p)].a; }

// The zone's retained taxes from its firms' taxes of a year, by the rule.
double retained(const Scenario& s, const ReplicationResult& r, int y, int z) {
  const double vat = param(s, Param::vat_rate_on_value_added) * r.ind(y, z, Ind::value_added);
  const double cit = std::max(0.0, r.ind(y, z, Ind::tax_revenue) - vat);
  return param(s, Param::zone_tax_retention) *
         (param(s, Param::vat_local_share) * vat + param(s, Param::cit_local_share) * cit);
}

}  // namespace

TEST_CASE("the budget rule's figures are what the model computes") {
  // No land sales and no transfers, so the zone's revenue is its retained taxes alone.
  const Scenario s = load_valid(demo_path(), {"parameters.land_price_per_mu=0万元/亩",
                                              "levers.upper_level_transfer=0亿元", "replications=4"});
  CHECK(param(s, Param::vat_rate_on_value_added) == Approx(0.056));
  CHECK(param(s, Param::vat_local_share) == Approx(0.5));
  CHECK(param(s, Param::cit_local_share) == Approx(0.4));
  CHECK(param(s, Param::zone_tax_retention) == Approx(0.5));
  CHECK(param(s, Param::budget_committed_share) == Approx(0.6));
  CHECK(param(s, Param::budget_return_years) == 2);
  const Ensemble e = simulate(s);
  for (const auto& r : e.replications)
    for (int z = 0; z < static_cast<int>(s.zones.size()); ++z) {
      INFO("zone " << z);
      // The base year: the rule applied to the base year's taxes, the stated opening balance.
      CHECK(r.ind(0, z, Ind::budget_revenue) == Approx(retained(s, r, 0, z)).epsilon(1e-9));
      CHECK(r.ind(0, z, Ind::budget_committed) == Approx(0.6 * r.ind(0, z, Ind::budget_revenue)));
      CHECK(r.ind(0, z, Ind::budget_balance) ==
            Approx(s.zones[z].fields[static_cast<std::size_t>(ZoneField::budget_balance)]));
      double came_in_last_year = r.ind(0, z, Ind::budget_balance);  // the opening balance
      for (int y = 1; y <= s.years(); ++y) {
        INFO("year " << s.base_year + y);
        const double revenue = r.ind(y, z, Ind::budget_revenue);
        const double committed = r.ind(y, z, Ind::budget_committed);
        const double returned = r.ind(y, z, Ind::budget_returned);
        const double balance = r.ind(y, z, Ind::budget_balance);
        CHECK(revenue == Approx(retained(s, r, y, z)).epsilon(1e-9));
        CHECK(committed == Approx(0.6 * revenue).epsilon(1e-12));
        // balance = last balance + revenue - committed - spent - returned
        CHECK(balance == Approx(r.ind(y - 1, z, Ind::budget_balance) + revenue - committed -
                                r.ind(y, z, Ind::budget_spent) - returned)
                             .margin(1e-6));
        // Only money that came in last year (or the opening balance) can return this year, and
        // what is left is this year's money: the balance is capped by one year's free revenue
        // once last year's money is spent or returned.
        CHECK(returned >= 0);
        CHECK(returned <= came_in_last_year + 1e-6);
        CHECK(balance <= revenue - committed + 1e-6);
        came_in_last_year = revenue - committed;
      }
    }
}

TEST_CASE("money is scarce: a zone can run short, and the rule is why") {
  // A programme the demo's zones could fund from an ever-growing balance under a rule that keeps
  // every yuan (nothing committed, nothing returned) runs short under the documented rule.
  const std::vector<std::string> programme = {"levers.new_incubators=3", "levers.attraction_budget=1.5亿元",
                                              "levers.upper_level_transfer=0亿元", "replications=8"};
  auto shortfall = [&](std::vector<std::string> extra) {
    auto o = programme;
    o.insert(o.end(), extra.begin(), extra.end());
    const Scenario s = load_valid(demo_path(), o);
    const Ensemble e = simulate(s);
    double total = 0;
    for (int y = s.base_year + 1; y <= s.end_year; ++y) total += mean_of(s, e, Ind::budget_shortfall, y);
    return total;
  };
  const double documented = shortfall({});
  const double keep_all = shortfall({"parameters.budget_committed_share=0%", "parameters.budget_return_years=20"});
  INFO("shortfall over the years, documented rule " << documented << ", keeping every yuan " << keep_all);
  CHECK(documented > 0);
  CHECK(documented > keep_all);
}
