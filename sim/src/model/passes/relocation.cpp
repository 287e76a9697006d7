// Relocation within the region: firms denied most of the land they asked for may move to another
// zone of the region that has land to spare, so zones compete for firms as well as for new
// projects. The firm takes its land need to the zone with the most spare land.
#include "step.hpp"

namespace zonesim::detail {
namespace {

// Moves firm i from zone z to zone dest: the origin gets back the firm's land and the share of
// its request it had set aside; the destination grants the whole need.
void move_firm(YearStep& y, std::size_t i, std::size_t z, std::size_t dest, double frac,
               double need, std::vector<double>& spare, double idle_share) {
  Firms& f = y.f;
  y.run.zones[z].land_available += f.land_mu[i] + frac * f.land_request[i];
  y.run.zones[dest].land_available -= need;
  spare[dest] -= need;
  y.run.zones[dest].land_idle += f.land_request[i] * idle_share;
  f.land_mu[i] += f.land_request[i] * (1.0 - idle_share);
  f.land_capacity[i] += f.land_request[i] * (1.0 - idle_share) * y.zone[dest].density_new;
  f.land_request[i] = 0;
  f.zone[i] = static_cast<std::uint16_t>(dest);
  y.ys.moved_out[z] += 1;
  y.ys.moved_in[dest] += 1;
  y.ys.output_moved_out[z] += f.output[i];
  y.ys.output_moved_in[dest] += f.output[i];
}

}  // namespace

void relocate_firms(YearStep& y) {
  YearScratch& ys = y.ys;
  Firms& f = y.f;
  const std::size_t Z = y.Z;
  ys.moved_in.assign(Z, 0.0);
  ys.moved_out.assign(Z, 0.0);
  ys.output_moved_in.assign(Z, 0.0);
  ys.output_moved_out.assign(Z, 0.0);
  if (Z <= 1) return;
  std::vector<double> spare(Z);
  bool short_somewhere = false;
  for (std::size_t z = 0; z < Z; ++z) {
    spare[z] = y.run.zone_active(z) ? y.run.zones[z].land_available : -1.0;  // never a destination before it opens
    short_somewhere = short_somewhere || ys.grant_fraction[z * 2] < 0.5 || ys.grant_fraction[z * 2 + 1] < 0.5;
  }
  const double move_rate = y.param(Param::firm_relocation_rate);
  const double idle_share = y.param(Param::new_land_idle_share);
  for (std::size_t i = 0; short_somewhere && move_rate > 0 && i < y.first_new; ++i) {
    if (!(f.flags[i] & kAlive) || (f.flags[i] & kExitNow) || f.land_request[i] <= 0) continue;
    const std::size_t z = f.zone[i];
    const double frac = ys.grant_fraction[z * 2 + ((f.flags[i] & kPriorityLand) ? 0 : 1)];
    if (frac >= 0.5) continue;
    const double need = f.land_mu[i] + f.land_request[i];
    std::size_t dest = z;
    for (std::size_t w = 0; w < Z; ++w)
      if (w != z && spare[w] >= need && (dest == z || spare[w] > spare[dest])) dest = w;
    if (dest == z || !(y.run.stream(static_cast<std::uint32_t>(i), Purpose::relocation).uniform() < move_rate))
      continue;
    move_firm(y, i, z, dest, frac, need, spare, idle_share);
  }
}

}  // namespace zonesim::detail
