// Budget: what the zone's firms claim this year (R&D subsidy, innovation-fund awards, retrofit
// subsidies, talent subsidies per person), and the settlement: revenue (retained taxes, land
// sales, transfers); firms' claims are paid first (they are legal commitments), the zone's own
// programmes share what is left pro rata. The share paid (payout ratio) scales next year's
// quantity levers and the subsidies firms count on.
#include "step.hpp"

namespace zonesim::detail {

void claim_firm_spending(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z) {
    const ZoneState& zs = y.run.zones[z];
    auto sum = [&](unsigned k) { return y.sums[y.L.acc(z, k)]; };
    y.ask(z, Spend::rd_subsidy, sum(kRdSubsidyAsked));
    y.ask(z, Spend::innovation_fund, sum(kFundAsked));
    y.ask(z, Spend::energy_retrofit, sum(kRetrofitAsked));
    y.ask(z, Spend::talent, lever(zs, Lever::talent_subsidy_per_person) *
                                (sum(kResearchers) + zs.technical_employed) * zs.payout_ratio);
  }
}

namespace {

bool firm_claim(std::size_t k) {
  return k == static_cast<std::size_t>(Spend::rd_subsidy) ||
         k == static_cast<std::size_t>(Spend::innovation_fund) ||
         k == static_cast<std::size_t>(Spend::energy_retrofit);
}

}  // namespace

void settle_budget(YearStep& y) {
  const double retention = y.param(Param::local_tax_retention);
  const double land_price = y.param(Param::land_price_per_mu);
  y.revenue.assign(y.Z, 0.0);
  y.shortfall.assign(y.Z, 0.0);
  y.spent.assign(y.Z, 0.0);
  for (std::size_t z = 0; z < y.Z; ++z) {
    ZoneState& zs = y.run.zones[z];
    y.revenue[z] = retention * y.sums[y.L.acc(z, kTax)] + land_price * y.sums[y.L.acc(z, kGranted)] +
                   lever(zs, Lever::upper_level_transfer);
    double available = zs.budget_balance + y.revenue[z];
    const double* asked = y.asked(z);
    double* paid = &y.ys.spend_paid[z * kSpendCount];
    double claims = 0, programmes = 0;
    for (std::size_t k = 0; k < kSpendCount; ++k) (firm_claim(k) ? claims : programmes) += asked[k];
    double claim_ratio = claims > 0 ? std::min(1.0, available / claims) : 1.0;
    double left = std::max(0.0, available - claim_ratio * claims);
    double prog_ratio = programmes > 0 ? std::min(1.0, left / programmes) : 1.0;
    double total_paid = 0, total_asked = 0;
    for (std::size_t k = 0; k < kSpendCount; ++k) {
      paid[k] = asked[k] * (firm_claim(k) ? claim_ratio : prog_ratio);
      total_paid += paid[k];
      total_asked += asked[k];
    }
    zs.budget_balance = available - total_paid;
    if (zs.budget_balance < 0) zs.budget_balance = 0;  // rounding only
    zs.payout_ratio = total_asked > 0 ? total_paid / total_asked : 1.0;
    y.shortfall[z] = total_asked - total_paid;
    y.spent[z] = total_paid;
  }
}

}  // namespace zonesim::detail
