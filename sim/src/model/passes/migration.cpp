// Migration of researchers: a region-wide logit over the zones and the hinterland, shifted by
// wages, talent subsidies and recruitment bonuses, and talent apartments. A share of each pool
// moves each year; recruitment bonuses are paid on arrivals.
#include "step.hpp"

namespace zonesim::detail {
namespace {

// The hinterland's mobile researchers this year.
double hinterland_pool(const YearStep& y) {
  double hinterland = 0;
  for (std::size_t z = 0; z < y.Z; ++z)
    if (y.run.zone_active(z))  // a zone's hinterland counts once it is open (population.cpp)
      hinterland += y.run.zone_field(z, ZoneField::mobile_skilled_pool) *
                  std::pow(1.0 + y.sc.region[static_cast<std::size_t>(RegionField::hinterland_growth)],
                           y.t - y.sc.base_year);
  return hinterland;
}

// Logit choice shares: exp(utility) per zone in expu, returns the denominator (with the
// hinterland). Utilities are shifted by the largest when exp() would overflow (thousands of
// apartments a year: inf / inf made the shares NaN); the shares are the same, and unshifted
// otherwise.
double choice_weights(const YearStep& y, std::vector<double>& expu) {
  const double beta_w = y.param(Param::migration_wage_elasticity);
  const double beta_i = y.param(Param::migration_incentive_weight);
  const double amen = y.param(Param::apartment_amenity);
  const double u_hinterland = beta_w * std::log(kHinterlandWageRatio * y.param(Param::wage_researcher));
  double u_max = u_hinterland;
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) {  // not open yet: nobody moves there
      expu[z] = -std::numeric_limits<double>::infinity();
      continue;
    }
    const ZoneState& zs = y.run.zones[z];
    double incentive = (lever(zs, Lever::talent_subsidy_per_person) * zs.payout_ratio +
                        lever(zs, Lever::talent_recruitment_bonus) * zs.payout_ratio / 3.0) /
                       zs.wage_researcher;
    expu[z] = beta_w * std::log(zs.wage_researcher) + zs.migration_constant + beta_i * incentive +
              amen * zs.apartments;
    u_max = std::max(u_max, expu[z]);
  }
  const double shift = u_max > 600.0 ? u_max : 0.0;
  double denom = std::exp(u_hinterland - shift);
  for (std::size_t z = 0; z < y.Z; ++z) {
    expu[z] = std::exp(expu[z] - shift);
    denom += expu[z];
  }
  return denom;
}

}  // namespace

void migrate_researchers(YearStep& y) {
  double total = hinterland_pool(y);
  for (const auto& zs : y.run.zones) total += zs.researchers_pool;
  const double rate = y.param(Param::migration_rate);
  const double movers = rate * total;
  std::vector<double> expu(y.Z);
  const double denom = choice_weights(y, expu);
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) continue;
    ZoneState& zs = y.run.zones[z];
    double arriving = movers * expu[z] / denom;
    double leaving = rate * zs.researchers_pool;
    double net = arriving - leaving;
    zs.researchers_pool = std::max(0.0, zs.researchers_pool + net);
    y.ys.net_migration[z] = net;
    y.ask(z, Spend::talent, lever(zs, Lever::talent_recruitment_bonus) * zs.payout_ratio *
                                std::max(0.0, arriving));
  }
}

}  // namespace zonesim::detail
