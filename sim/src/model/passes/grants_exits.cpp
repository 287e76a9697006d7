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
  firm_pass(y.first_new, L, y.ys.partial_sum, y.ys.partial_max, y.ys.sums, y.ys.maxima,
            [&](std::size_t i, double* acc, double*) {
              const std::uint8_t flags = f.flags[i];
              if (!(flags & kAlive)) return;
              const std::size_t z = f.zone[i];
              const ZoneRates& zp = zone[z];
              double* ac = acc + L.acc(z, 0);
              if (flags & kExitNow) {
                ac[kLandFreed] += f.land_mu[i];
                ac[kExits] += 1;
                if (flags & kLowEfficiencyExit) ac[kLowEffExits] += 1;
                f.flags[i] = flags & static_cast<std::uint8_t>(~(kAlive | kExitNow | kLowEfficiencyExit));
                f.exit_year[i] = static_cast<std::int16_t>(t);
                f.land_mu[i] = 0;
                f.land_capacity[i] = 0;
                return;
              }
              const int cls = (flags & kPriorityLand) ? 0 : 1;
              const double granted = f.land_request[i] * grant_fraction[z * 2 + cls];
              const double used = granted * (1.0 - idle_share);
              ac[kIdleNew] += granted - used;
              // Capital grows up to what the firm's (old and new) land holds.
              const SectorRates& sp = sector[f.sector[i]];
              const double capital = f.capital[i];
              const double k_star = f.demand[i] * (1.0 + sp.growth_expected) * sp.k_ratio /
                                    (f.productivity_03[i] * kBaseUtilisation);
              const double credit = zp.credit_rate * capital / (1.0 - delta);
              const double finance = std::max(0.0, f.profit[i]) + credit;
              const double land = f.land_mu[i];
              const double capacity = f.land_capacity[i] + used * zp.density_new;
              f.land_capacity[i] = capacity;
              const double room = capacity - capital;
              const double invest = std::max(0.0, std::min({k_star - capital, finance, room}));
              f.capital[i] = capital + invest;
              const double land_after = land + used;
              f.land_mu[i] = land_after;
              if (flags & kForeign) ac[kFdi] += invest;
              ac[kLandUsed] += land_after;
              ac[kFirmsAlive] += 1;
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
    zs.rd_subsidy_estimate = y.asked(z)[static_cast<std::size_t>(Spend::rd_subsidy)];
  }
}

}  // namespace zonesim::detail
