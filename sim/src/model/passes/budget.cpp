// Budget: what the zone's firms claim this year (R&D subsidy, innovation-fund awards, retrofit
// subsidies, certification awards, talent subsidies per person), and the settlement: revenue
// (retained taxes, land sales, transfers); firms' claims are paid first (they are legal commitments), the zone's own
// programmes share what is left pro rata. The share of all asks paid (payout ratio) scales next
// year's quantity levers; the share of the firms' claims paid is the share of their subsidies
// firms count on next year.
#include "step.hpp"

namespace zonesim::detail {

void claim_firm_spending(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) continue;
    const ZoneState& zs = y.run.zones[z];
    auto sum = [&](unsigned k) { return y.sums[y.L.acc(z, k)]; };
    y.ask(z, Spend::rd_subsidy, sum(kRdSubsidyAsked));
    y.ask(z, Spend::innovation_fund, sum(kFundAsked));
    y.ask(z, Spend::energy_retrofit, sum(kRetrofitAsked));
    y.ask(z, Spend::hightech_award, sum(kCertAwardAsked));
    y.ask(z, Spend::talent, lever(zs, Lever::talent_subsidy_per_person) *
                                (sum(kResearchers) + zs.technical_employed) * zs.payout_ratio);
  }
}

namespace {

bool firm_claim(std::size_t k) {
  return k == static_cast<std::size_t>(Spend::rd_subsidy) ||
         k == static_cast<std::size_t>(Spend::innovation_fund) ||
         k == static_cast<std::size_t>(Spend::energy_retrofit) ||
         k == static_cast<std::size_t>(Spend::hightech_award);
}

}  // namespace

// The zone's own revenue from its firms' taxes: the local shares of VAT and income tax under tax
// sharing, of which the zone keeps zone_tax_retention (the rest goes to the city).
double retained_taxes(const Run& run, double vat, double income_tax) {
  return run.param(Param::zone_tax_retention) *
         (run.param(Param::vat_local_share) * vat + run.param(Param::cit_local_share) * income_tax);
}

namespace {

// Pays `amount` from the balance's vintages, oldest money first.
void draw_from_vintages(std::vector<double>& vintage, double amount) {
  for (double& v : vintage) {
    const double take = std::min(v, amount);
    v -= take;
    amount -= take;
  }
}

}  // namespace

// Revenue: retained taxes, land sales, transfers. A share budget_committed_share of the zone's own
// revenue (taxes and land) is committed before any lever; the rest and the transfers join the
// balance. Firms' claims are paid first, programmes share what is left pro rata; money still
// unspent budget_return_years after the year it came in returns to the city.
void settle_budget(YearStep& y) {
  const double land_price = y.param(Param::land_price_per_mu);
  const double vat_rate = y.param(Param::vat_rate_on_value_added);
  const double committed_share = y.param(Param::budget_committed_share);
  const auto keep_years = static_cast<std::size_t>(y.param(Param::budget_return_years));
  y.revenue.assign(y.Z, 0.0);
  y.committed.assign(y.Z, 0.0);
  y.returned.assign(y.Z, 0.0);
  y.shortfall.assign(y.Z, 0.0);
  y.spent.assign(y.Z, 0.0);
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) continue;  // not open yet: no budget (no transfer either)
    ZoneState& zs = y.run.zones[z];
    const double taxes = y.sums[y.L.acc(z, kTax)];
    const double vat = vat_rate * y.sums[y.L.acc(z, kValueAdded)];
    const double own = retained_taxes(y.run, vat, std::max(0.0, taxes - vat)) +
                       land_price * y.sums[y.L.acc(z, kGranted)];
    const double transfer = lever(zs, Lever::upper_level_transfer);
    y.revenue[z] = own + transfer;
    y.committed[z] = committed_share * own;
    zs.budget_vintage.push_back(y.revenue[z] - y.committed[z]);
    double available = 0;
    for (double v : zs.budget_vintage) available += v;
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
    draw_from_vintages(zs.budget_vintage, total_paid);
    while (zs.budget_vintage.size() >= keep_years) {  // its last year to be spent has passed
      y.returned[z] += std::max(0.0, zs.budget_vintage.front());
      zs.budget_vintage.erase(zs.budget_vintage.begin());
    }
    zs.budget_balance = 0;
    for (double& v : zs.budget_vintage) zs.budget_balance += (v = std::max(0.0, v));  // rounding only
    zs.payout_ratio = total_asked > 0 ? total_paid / total_asked : 1.0;
    zs.claims_paid_share = claim_ratio;
    y.shortfall[z] = total_asked - total_paid;
    y.spent[z] = total_paid;
  }
}

}  // namespace zonesim::detail
