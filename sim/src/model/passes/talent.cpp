// Talent: the researcher cap and wages (after firms state their demand for researchers and
// technical workers), and the zone's labour programmes (talent apartments, training places) that
// grow the pools of talent. Migration of researchers between zones is in migration.cpp.
#include "step.hpp"

namespace zonesim::detail {

// The zone's researchers grow (new graduates and R&D staff); firms get at most the researchers
// the zone has; wages move with excess demand.
void talent_market(YearStep& y) {
  const double wage_adj = y.param(Param::wage_adjustment);
  const double pool_growth = y.param(Param::researcher_pool_growth);
  for (std::size_t z = 0; z < y.Z; ++z) {
    ZoneState& zs = y.run.zones[z];
    zs.researchers_pool *= 1.0 + pool_growth;
    // Firms holding R&D at a certification threshold are served first (demand_rd.cpp).
    const double cert_demand = y.ys.sums[y.L.acc(z, kResearcherDemandCert)];
    const double other_demand = y.ys.sums[y.L.acc(z, kResearcherDemand)];
    zs.researcher_demand = cert_demand + other_demand;
    zs.technical_demand = y.ys.sums[y.L.acc(z, kTechnicalDemand)];
    zs.researcher_cap_cert = cert_demand > zs.researchers_pool ? zs.researchers_pool / cert_demand : 1.0;
    const double left = std::max(0.0, zs.researchers_pool - cert_demand);
    zs.researcher_cap = other_demand > left ? left / other_demand : 1.0;
    auto adjust = [&](double& wage, double demand, double supply) {
      if (supply <= 0) return;
      double excess = std::clamp(demand / supply - 1.0, -0.2, 0.5);
      wage *= 1.0 + wage_adj * excess;
    };
    adjust(zs.wage_researcher, zs.researcher_demand, zs.researchers_pool);
    adjust(zs.wage_technical, zs.technical_demand, zs.technical_pool);
  }
}

// Talent apartments (they draw researchers, migration.cpp) and training places (general workers
// become technical workers); technical workers also come from the hinterland as demand grows
// (elastic supply), and trained workers upgrade jobs in the zone, so technical employment is the
// pool, up to all production jobs.
void labour_programmes(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z) {
    ZoneState& zs = y.run.zones[z];
    const double q_ratio = zs.payout_ratio;  // quantity levers are planned on last year's funding
    const double apartments = lever(zs, Lever::talent_apartments) * q_ratio;
    zs.apartments += apartments;
    y.ask(z, Spend::talent, apartments * y.param(Param::apartment_cost));
    const double training = lever(zs, Lever::training_places) * q_ratio;
    zs.technical_pool += training;
    y.ask(z, Spend::training, training * y.param(Param::training_cost_per_place));
    zs.technical_pool += 0.5 * std::max(0.0, zs.technical_demand - zs.technical_pool);
    const double production_jobs = y.sums[y.L.acc(z, kEmployment)] - y.sums[y.L.acc(z, kResearchers)];
    zs.technical_employed = std::min(zs.technical_pool, production_jobs);
  }
}

}  // namespace zonesim::detail
