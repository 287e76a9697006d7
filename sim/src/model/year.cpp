// One simulated year: the passes in pipeline order. Each pass lives in model/passes/, in the
// file its comment names; what one pass hands to a later one is a named member of YearStep
// (passes/step.hpp). Firm passes run in parallel over fixed chunks of firms and add their
// partial sums in chunk order, so results do not depend on the number of threads.
#include "passes/step.hpp"

namespace zonesim::detail {

// This year's value of every lever in every zone (the schedules of the scenario).
void read_levers(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z)
    for (std::size_t l = 0; l < kLeverCount; ++l)
      y.run.zones[z].lever[l] = y.sc.lever(z, static_cast<Lever>(l)).at(y.t);
}

// The zone steps' tallies start at zero; each zone's events stream (start-up births) is opened
// once. Project arrivals, each project and each start-up draw from streams of their own.
void open_zone_tallies(YearStep& y) {
  YearScratch& ys = y.ys;
  ys.grant_fraction.assign(y.Z * 2, 0.0);
  ys.spend_asked.assign(y.Z * kSpendCount, 0.0);
  ys.spend_paid.assign(y.Z * kSpendCount, 0.0);
  for (auto* v : {&ys.entries, &ys.startups, &ys.relocations, &ys.arrived, &ys.entered, &ys.refused,
                  &ys.lost, &ys.net_migration, &ys.project_fdi})
    v->assign(y.Z, 0.0);
  y.entry.clear();
  for (std::size_t z = 0; z < y.Z; ++z) y.entry.emplace_back(y.run.zone_stream(z, Purpose::zone_events));
}

// Zones that open this year (zones.<id>.opens): each generated from its base values as of this
// year, from its own stream, its firms appended as one block after this year's entrants. Its row
// of this year is its generated base values (account_year); it takes part in the passes from next
// year, its firms in the markets as this year's entrants do.
void open_zones(YearStep& y) {
  y.opened.clear();
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (y.run.opens(z) != y.t) continue;
    const auto [first, end] = open_zone(y.run, z);
    y.opened.push_back({z, first, end});
  }
}

void simulate_year(Run& run) {
  // The scratch of the thread that runs this year. Bound to a reference here so that the pass
  // bodies, which run on TBB worker threads, use this thread's scratch (naming the thread_local
  // inside a lambda would give each worker its own, empty or stale, instance).
  static thread_local YearScratch scratch;
  YearStep y(run, scratch);

  read_levers(y);
  demand_and_rd(y);        // market demand, firms' demand shocks, desired R&D, talent demand
  talent_market(y);        // researcher cap and wages
  production(y);           // innovation, imitation, certification, retrofit, output, taxes,
                           // investment plans, land requests, land priority, exit decisions
  open_zone_tallies(y);    // the zone steps' tallies and event streams
  supply_land(y);          // land quota, disposal and release of idle land
  build_carriers(y);       // incubators, accelerators, institutes; start-up births
  draw_arrivals(y);        // projects and relocations arriving, entry thresholds, land class
  allocate_land(y);        // priority class first, firms pro rata, projects whole or lost
  append_entrants(y);      // admitted projects and relocations, start-ups in incubators
  labour_programmes(y);    // talent apartments, training, technical workers
  claim_firm_spending(y);  // firms' claims on the budget (R&D subsidy, fund, retrofit, talent)
  relocate_firms(y);       // firms short of land move to a zone with land to spare
  migrate_researchers(y);  // region-wide logit over zones and the hinterland
  settle_budget(y);        // revenue; firms' claims first, programmes pro rata
  grants_and_exits(y);     // land granted, capital installed, exits carried out
  open_zones(y);           // zones opening this year: their base population generated
  account_year(y);         // indicators, evaluation index, ranks, demotion
}

}  // namespace zonesim::detail
