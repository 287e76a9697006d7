// Land grants and exits: firms that decided to exit (production.cpp) close and free their land;
// the others receive their share of the land they asked for (land.cpp set the shares), part of it
// left idle at first, and install the capital it holds, financed by profit and credit.
#include "step.hpp"

namespace zonesim::detail {
namespace {

// Zone sums of the grants and exits over the firms that existed before this year's entrants;
// entrants hold their land already.
void grant_land_and_close(YearStep& y) {
  Firms& f = y.f;
  const Layout& L = y.L;
  const int t = y.t;
  const double idle_share = y.param(Param::new_land_idle_share);
  const double delta = y.param(Param::capital_depreciation);
  const ZoneRates* const zone = y.zone.data();
  const SectorRates* const sector = y.sector.data();
  const double* const grant_fraction = y.ys.grant_fraction.data();
  // A block's firms: the grant's and the investment's arithmetic in SIMD lanes over its runs of
  // one zone (vmath::grant, the rules written there: the share granted of the land asked for,
  // part of it left idle at first; capital grows up to what the firm's (old and new) land holds,
  // financed by profit and credit); closing and the zone sums a firm at a time, in firm order.
  firm_block_pass(y.first_new, L, y.ys.partial_sum, y.ys.partial_max, y.ys.sums, y.ys.maxima,
                  [&](std::size_t begin, std::size_t end, double* acc, double*) {
    const std::size_t n = end - begin;
    double fraction[kBlock], growth[kBlock], k_ratio[kBlock];
    double idle[kBlock], held_after[kBlock], invest[kBlock], capital_after[kBlock], land_after[kBlock];
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = begin + k;
      const int cls = (f.flags[i] & kPriorityLand) ? 0 : 1;
      fraction[k] = grant_fraction[f.zone[i] * 2 + cls];
      const SectorRates& sp = sector[f.sector[i]];
      growth[k] = sp.growth_expected;
      k_ratio[k] = sp.k_ratio;
    }
    for_zone_runs(&f.zone[begin], n, [&](std::size_t first, std::size_t m, std::size_t z) {
      const ZoneRates& zp = zone[z];
      vmath::grant(first, m,
                   vmath::GrantLanes{&f.land_request[begin], fraction, &f.demand[begin], growth, k_ratio,
                                     &f.productivity_03[begin], &f.capital[begin], &f.profit[begin],
                                     &f.land_capacity[begin], &f.land_mu[begin], idle, held_after, invest,
                                     capital_after, land_after, zp.credit_rate, zp.density_new, idle_share, delta,
                                     kBaseUtilisation});
    });
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = begin + k;
      const std::uint8_t flags = f.flags[i];
      if (!(flags & kAlive)) continue;
      double* ac = acc + L.acc(f.zone[i], 0);
      if (flags & kExitNow) {
        ac[kLandFreed] += f.land_mu[i];
        ac[kExits] += 1;
        if (flags & kLowEfficiencyExit) ac[kLowEffExits] += 1;
        f.flags[i] = flags & static_cast<std::uint8_t>(~(kAlive | kExitNow | kLowEfficiencyExit));
        f.exit_year[i] = static_cast<std::int16_t>(t);
        f.land_mu[i] = 0;
        f.land_capacity[i] = 0;
        continue;
      }
      ac[kIdleNew] += idle[k];
      f.land_capacity[i] = held_after[k];
      f.capital[i] = capital_after[k];
      f.land_mu[i] = land_after[k];
      if (flags & kForeign) ac[kFdi] += invest[k];
      ac[kLandUsed] += land_after[k];
      ac[kFirmsAlive] += 1;
    }
  });
  for (std::size_t i = y.first_new; i < f.size(); ++i) {
    y.ys.sums[L.acc(f.zone[i], kLandUsed)] += f.land_mu[i];
    y.ys.sums[L.acc(f.zone[i], kFirmsAlive)] += 1;
  }
}

}  // namespace

void grants_and_exits(YearStep& y) {
  grant_land_and_close(y);
  for (std::size_t z = 0; z < y.Z; ++z) {
    ZoneState& zs = y.run.zones[z];
    zs.land_idle += y.ys.sums[y.L.acc(z, kIdleNew)];
    zs.land_available += y.ys.sums[y.L.acc(z, kLandFreed)];
    zs.patents_last = y.sums[y.L.acc(z, kPatents)];
  }
}

}  // namespace zonesim::detail
