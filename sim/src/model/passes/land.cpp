// Land: this year's supply (the annual quota with its rank reward, demotion cut and tie to
// disposal; disposal of idle land; release by holders) and its allocation among the firms that
// asked for more land and the new projects (priority class first; firms pro rata within a class,
// each project needs all of its land or is lost). Grants to existing firms are carried out in
// grants_exits.cpp.
#include "step.hpp"

namespace zonesim::detail {

void supply_land(YearStep& y) {
  Run& run = y.run;
  const double dev_cost = y.param(Param::land_development_cost_per_mu);
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!run.zone_active(z)) continue;  // not open yet: no land supplied (usable_land 0)
    ZoneState& zs = run.zones[z];
    double quota = lever(zs, Lever::land_quota_mu);
    if (zs.top_ranked) quota *= 1.0 + lever(zs, Lever::rank_land_bonus);
    if (!zs.national && run.zone_field(z, ZoneField::level) == 0.0)
      quota *= 1.0 - y.param(Param::rank_consequence_quota_cut);
    const double disposed = zs.land_idle * lever(zs, Lever::idle_land_disposal_rate);
    const double released = (zs.land_idle - disposed) * y.param(Param::idle_development_rate);
    quota += lever(zs, Lever::land_quota_idle_link) * zs.land_disposed_last;
    const double supplied_new = std::min(quota, std::max(0.0, zs.land_unsupplied));
    zs.land_unsupplied -= supplied_new;
    zs.land_available += supplied_new + disposed + released;
    zs.land_idle -= disposed + released;
    zs.land_disposed_last = disposed;
    y.ask(z, Spend::land_development, supplied_new * dev_cost);
    // A zone of several parks reaches only part of its land unless the parks share one pool.
    const double parks = run.zone_field(z, ZoneField::parks);
    const double reach =
        lever(zs, Lever::shared_land_pool) > 0.5 ? 1.0 : 1.0 - 0.5 * (parks - 1.0) / parks;
    y.entry[z].usable_land = zs.land_available * reach;
  }
}

namespace {

// One zone: for each class (priority, then the rest), the share of the requests the usable land
// covers; firms get that share of what they asked, projects are admitted whole in arrival order
// while the class's share lasts.
void allocate_zone_land(YearStep& y, std::size_t z) {
  ZoneEntry& ze = y.entry[z];
  const double request[2] = {y.sums[y.L.acc(z, kRequestPriority)], y.sums[y.L.acc(z, kRequestNormal)]};
  const std::vector<Project>& projects = ze.projects;
  double proj_land[2] = {0, 0};
  for (const auto& p : projects) proj_land[p.priority ? 0 : 1] += p.land;
  double usable = ze.usable_land;
  double granted_total = 0;
  ze.admitted.assign(projects.size(), 0);
  for (int cls = 0; cls < 2; ++cls) {
    const double req = request[cls];
    const double want = req + proj_land[cls];
    const double frac = want > 0 ? std::min(1.0, usable / want) : 1.0;
    y.ys.grant_fraction[z * 2 + cls] = frac;
    double firm_grant = frac * req;
    double project_budget = frac * proj_land[cls];
    usable -= firm_grant;
    granted_total += firm_grant;
    for (std::size_t k = 0; k < projects.size(); ++k) {
      if ((projects[k].priority ? 0 : 1) != cls) continue;
      if (projects[k].land <= project_budget + 1e-9) {
        ze.admitted[k] = 1;
        project_budget -= projects[k].land;
        usable -= projects[k].land;
        granted_total += projects[k].land;
      } else {
        y.ys.lost[z] += 1;
      }
    }
  }
  ZoneState& zs = y.run.zones[z];
  zs.land_available -= granted_total;
  if (zs.land_available < 0) zs.land_available = 0;  // rounding only
  y.sums[y.L.acc(z, kGranted)] = granted_total;
}

}  // namespace

void allocate_land(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z) allocate_zone_land(y, z);
}

}  // namespace zonesim::detail
