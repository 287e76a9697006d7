// Talent: the researcher cap and wages (after firms state their demand for researchers and
// technical workers), and the zone's labour programmes (talent apartments, training places) that
// grow the pools of talent. Migration of researchers between zones is in migration.cpp.
#include "step.hpp"

namespace zonesim::detail {

double serve_applicants(Applicant* first, Applicant* last, double left) {
  for (Applicant* a = first; a != last; ++a) {
    a->served = a->researchers <= left;
    if (a->served) left -= a->researchers;
  }
  return left;
}

// The zone's researchers grow (new graduates and R&D staff); firms get at most the researchers
// the zone has; wages move with excess demand.
void talent_market(YearStep& y) {
  const double wage_adj = y.param(Param::wage_adjustment);
  const double pool_growth = y.param(Param::researcher_pool_growth);
  // This year's applicants (demand_rd.cpp), in chunk order, then in the order they are served.
  std::vector<Applicant>& applicants = y.ys.applicants;
  applicants.clear();
  for (const auto& chunk : y.ys.applicants_chunk) applicants.insert(applicants.end(), chunk.begin(), chunk.end());
  std::sort(applicants.begin(), applicants.end(), applicant_before);
  Applicant* next = applicants.data();
  Applicant* const end = next + applicants.size();
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) continue;
    ZoneState& zs = y.run.zones[z];
    zs.researchers_pool *= 1.0 + pool_growth;
    // The queue (demand_rd.cpp, docs/model.md 3.3): certified firms' R&D up to the threshold
    // they keep, shared in proportion to demand; then the applicants, each served whole or not
    // at all, highest net value of the certificate per researcher first; then the rest, the
    // applicants not served among them at their R&D without the certificate, shared in
    // proportion to demand.
    const double keep_demand = y.ys.sums[y.L.acc(z, kResearcherDemandKeep)];
    const double cert_demand = y.ys.sums[y.L.acc(z, kResearcherDemandCert)];
    double other_demand = y.ys.sums[y.L.acc(z, kResearcherDemand)];
    // Excess demand for the wage: what the firms ask for at this wage, applicants at the notch.
    zs.researcher_demand = keep_demand + cert_demand + other_demand;
    zs.technical_demand = y.ys.sums[y.L.acc(z, kTechnicalDemand)];
    double left = zs.researchers_pool;
    auto serve = [&left](double demand) {
      const double cap = demand > left ? left / demand : 1.0;
      left = std::max(0.0, left - demand);
      return cap;
    };
    zs.researcher_cap_keep = serve(keep_demand);
    Applicant* const first = next;
    while (next != end && next->zone == z) ++next;
    if (cert_demand <= left) {  // every applicant is served
      for (Applicant* a = first; a != next; ++a) a->served = true;
      left -= cert_demand;
    } else {
      left = serve_applicants(first, next, left);
    }
    for (Applicant* a = first; a != next; ++a) {
      if (a->served) continue;
      other_demand += a->fallback;
      y.f.rd_intensity[a->firm] = a->fallback_rho;
      y.f.rd_relabelled[a->firm] = 0.0f;
      y.f.cert_plan[a->firm] = kQueueOther;
    }
    zs.researcher_cap = serve(other_demand);
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
    if (!y.run.zone_active(z)) continue;  // not open yet: no programmes
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
