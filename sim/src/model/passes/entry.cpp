// Entry: innovation carriers built this year and the start-ups they (and the venture fund)
// give birth to; external projects (investment attraction) and relocations from the metropolis
// arriving, screened by the entry rules and put in a land class; and, once land is allocated
// (land.cpp), the admitted projects and the start-ups appended to the firms.
#include <numeric>

#include "step.hpp"

namespace zonesim::detail {

// Innovation carriers built this year, and start-ups from carriers and the guidance fund (no
// land: they sit in incubators).
void build_carriers(YearStep& y) {
  Run& run = y.run;
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!run.zone_active(z)) continue;  // not open yet: no carriers, no births
    ZoneState& zs = run.zones[z];
    const double q_ratio = zs.payout_ratio;  // quantity levers are planned on last year's funding
    const double inc = lever(zs, Lever::new_incubators) * q_ratio;
    const double acc_new = lever(zs, Lever::new_accelerators) * q_ratio;
    const double inst = lever(zs, Lever::new_rd_institutes) * q_ratio;
    zs.carriers += inc + acc_new + inst;
    zs.institutes += inst;
    y.ask(z, Spend::innovation_carriers, inc * y.param(Param::incubator_cost) +
                                             acc_new * y.param(Param::accelerator_cost) +
                                             inst * y.param(Param::rd_institute_cost));
    const double venture = lever(zs, Lever::venture_fund) * q_ratio;
    y.ask(z, Spend::venture_fund, venture);
    // Real start-ups / k model start-ups, each k real ones (append_startups).
    y.entry[z].births =
        y.entry[z].events.poisson((y.param(Param::births_per_carrier) * zs.carriers +
                                   venture / y.param(Param::venture_fund_per_startup)) /
                                  y.count_scale);
  }
}

namespace {

// Zones compete for projects through their evaluation index (last year's); the zones open this
// year's passes, that is.
std::vector<double> project_pull(const YearStep& y) {
  std::vector<double> pull(y.Z, 0.0);
  double mean = 0, open = 0;
  for (std::size_t z = 0; z < y.Z; ++z)
    if (y.run.zone_active(z)) {
      mean += y.run.zones[z].index;
      open += 1;
    }
  mean /= open;
  double norm = 0;
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!y.run.zone_active(z)) continue;
    pull[z] = std::exp(0.5 * (y.run.zones[z].index - mean));
    norm += pull[z];
  }
  for (std::size_t z = 0; z < y.Z; ++z) pull[z] *= open / norm;
  return pull;
}

// Sector weights of arriving projects and start-ups: the zone's sector mix times the sectors'
// attractiveness.
std::vector<double> attraction_weights(const YearStep& y, std::size_t z) {
  std::vector<double> w(y.S);
  for (std::size_t s = 0; s < y.S; ++s)
    w[s] = y.sc.zones[z].sector_shares[s] * y.sector_field(s, SectorField::attraction_weight) + 1e-12;
  double wsum = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& v : w) v /= wsum;
  return w;
}

// An entrant's R&D: a draw from the base-year firms' distribution for its size class (docs/model.md
// 2 and 3.9): certified-like with the base-year certified share of its class, at 1.05-1.55 x its
// threshold; otherwise a performer with the base year's probability, at its sector's propensity x
// the zone's calibrated scale. Its propensity is backed out under the base-year user cost (of a
// certified firm for the certified-like), as the generator does for the base-year firms, so this
// year's policy moves an entrant's R&D as it moves an incumbent's; `intensity` is what it plans
// under this year's policy, uncertified. Four draws from rng whatever the outcome. `output` is the
// model firm's; its size class and revenue band are a real firm's (output / count_scale).
EntrantRd draw_entrant_rd(const YearStep& y, std::size_t z, std::size_t s, double output, Stream& rng) {
  const ZoneState& zs = y.run.zones[z];
  output /= y.count_scale;
  const int above = output >= kAboveSizeRevenue;
  const double u_certified = rng.uniform(), u_performer = rng.uniform(), u_rd = rng.uniform();
  const double n = rng.normal();
  double rho = 0;
  int certified_like = 0;
  if (u_certified < zs.certified_share[above]) {
    certified_like = 1;
    const double thr = certification_rd_threshold(output);
    rho = kCertifiedRdMin * thr + zs.certified_rd_keep * kCertifiedRdSpread * thr * u_rd;
  } else if (u_performer < kRdPerformerShare[above]) {
    rho = y.sector_field(s, SectorField::rd_propensity) * std::exp(kRdDrawSigma * n - 0.18) * zs.rd_scale;
  }
  rho = std::min(rho, kMaxRdIntensity);
  if (!(rho > 0)) return {};
  const double mu = rho / (y.sector_rd[s] * zs.base_user_cost_pow[certified_like]);
  return {mu, std::min(y.sector_rd[s] * mu * y.rd_cost[z].user_cost_pow[0], kMaxRdIntensity)};
}

// The k-th project arriving in zone z (relocations after the external projects), and the
// investment per mu it plans (`intensity`). A model project stands for count_scale real ones of
// its size: its investment (and so its capital, output, land and R&D) is a real project's x k.
Project draw_project(const YearStep& y, std::size_t z, std::uint32_t k, std::uint32_t arrivals,
                     double& intensity) {
  const Run& run = y.run;
  const ZoneState& zs = run.zones[z];
  Project p{};
  p.relocated = k >= arrivals;
  Stream rng = p.relocated ? run.zone_stream(z, Purpose::relocation, k - arrivals)
                           : run.zone_stream(z, Purpose::project, k);
  p.sector = draw_sector(rng, y.entry[z].attract_w);
  const bool ht_sector = y.sector[p.sector].hightech;
  const double k_ratio = y.sector[p.sector].k_ratio;
  if (p.relocated) {
    double out = run.param(Param::relocated_firm_size) * std::exp(0.5 * rng.normal() - 0.125) * y.count_scale;
    p.productivity = zs.frontier[p.sector] > 0 ? 0.8 * zs.frontier[p.sector] : 1.0;
    p.invest = capital_need(out, p.productivity, k_ratio);
  } else {
    p.invest = std::min(rng.pareto(run.param(Param::project_min_investment),
                                   run.param(Param::project_size_alpha)), 1e11) * y.count_scale;
    p.productivity = run.market.productivity * std::exp(0.4 * rng.normal());
  }
  p.rd = draw_entrant_rd(y, z, p.sector, capacity_of(p.invest, p.productivity, k_ratio) * kProjectStartUtilisation, rng);
  p.rho = p.rd.intensity;
  p.energy = zs.base_energy_intensity * y.sector_field(p.sector, SectorField::energy_intensity_factor) *
             std::exp(0.4 * rng.normal() - 0.08);
  p.foreign = rng.bernoulli(run.zone_field(z, ZoneField::foreign_firm_share) * 1.5);
  intensity = y.zone[z].density_new * std::exp(0.3 * rng.normal() - 0.045);
  p.land = p.invest / intensity;
  p.priority = land_priority(y.zone[z].priority_rule,
                             LandClaim{ht_sector || p.rho >= kHightechProjectRd, intensity / k_ratio,
                                       p.invest / y.count_scale >= kLargeProjectInvestment},
                             y.zone[z].output_per_mu_last);
  return p;
}

// Entry rules: R&D threshold (major projects exempt: a real project's investment, the model
// project's / count_scale), investment per mu, energy negative list.
bool refused_entry(const ZoneState& zs, const Project& p, double intensity, double count_scale) {
  const double thr = lever(zs, Lever::entry_rd_threshold);
  const double exempt = lever(zs, Lever::entry_major_project_exemption);
  return (thr > 0 && p.rho < thr && !(exempt > 0 && p.invest / count_scale >= exempt)) ||
         (lever(zs, Lever::entry_min_investment_per_mu) > 0 &&
          intensity < lever(zs, Lever::entry_min_investment_per_mu)) ||
         (lever(zs, Lever::entry_max_energy_intensity) > 0 &&
          p.energy > lever(zs, Lever::entry_max_energy_intensity));
}

}  // namespace

// External projects (investment attraction) and relocations from the metropolis arrive; those
// the entry rules refuse are counted, the others wait for land (land.cpp).
void draw_arrivals(YearStep& y) {
  Run& run = y.run;
  const std::vector<double> pull = project_pull(y);
  for (std::size_t z = 0; z < y.Z; ++z) {
    if (!run.zone_active(z)) continue;  // not open yet: no projects arrive
    ZoneState& zs = run.zones[z];
    ZoneEntry& ze = y.entry[z];
    const double attraction = lever(zs, Lever::attraction_budget) * zs.payout_ratio;
    y.ask(z, Spend::investment_attraction, attraction);
    // Real arrivals / k model projects, each k real ones (draw_project).
    const std::uint32_t arrivals = run.zone_stream(z, Purpose::project_arrivals).poisson(
        pull[z] * (lever(zs, Lever::attraction_projects_per_year) +
                   attraction / y.param(Param::attraction_cost_per_project)) /
        y.count_scale);
    const std::uint32_t relocations =
        run.zone_stream(z, Purpose::relocation, 0xFFFF)
            .poisson(lever(zs, Lever::metropolis_relocations_per_year) / y.count_scale);
    y.ys.arrived[z] = arrivals + relocations;
    ze.attract_w = attraction_weights(y, z);
    ze.projects.clear();
    ze.projects.reserve(arrivals + relocations);
    for (std::uint32_t k = 0; k < arrivals + relocations; ++k) {
      double intensity = 0;
      const Project p = draw_project(y, z, k, arrivals, intensity);
      if (refused_entry(zs, p, intensity, y.count_scale)) y.ys.refused[z] += 1;
      else ze.projects.push_back(p);
    }
  }
}

namespace {

// A new firm of zone z with its R&D (draw_entrant_rd).
std::size_t new_firm(YearStep& y, std::size_t z, std::size_t sector, double output,
                     double productivity, const EntrantRd& rd, double energy, bool foreign) {
  Firms& f = y.f;
  std::size_t id = f.append(static_cast<std::uint16_t>(z), static_cast<std::uint16_t>(sector), y.t);
  f.set_productivity(id, productivity);
  f.demand[id] = output;
  f.output[id] = 0;
  f.rd_intensity[id] = rd.intensity;
  f.rd_propensity[id] = rd.propensity;
  f.energy_intensity[id] = static_cast<float>(energy);
  f.export_share[id] = static_cast<float>(std::clamp(
      y.run.zone_field(z, ZoneField::export_share) *
          y.sector_field(sector, SectorField::export_share_factor) * (foreign ? 2.0 : 0.8),
      0.0, 1.0));
  if (foreign) f.flags[id] |= kForeign;
  return id;
}

// Projects and relocations with land: the plant is built on the part of the plot in use.
void append_projects(YearStep& y, std::size_t z, double idle_share) {
  Firms& f = y.f;
  ZoneState& zs = y.run.zones[z];
  const ZoneEntry& ze = y.entry[z];
  for (std::size_t k = 0; k < ze.projects.size(); ++k) {
    if (!ze.admitted[k]) continue;
    const Project& p = ze.projects[k];
    double out = capacity_of(p.invest, p.productivity, y.sector[p.sector].k_ratio) * kProjectStartUtilisation;
    std::size_t id = new_firm(y, z, p.sector, out, p.productivity, p.rd, p.energy, p.foreign);
    f.capital[id] = p.invest;
    f.land_mu[id] = p.land * (1.0 - idle_share);
    f.land_capacity[id] = p.invest;
    zs.land_idle += p.land * idle_share;
    if (p.relocated) {
      f.flags[id] |= kRelocated;
      y.ys.relocations[z] += 1;
    }
    y.ys.entered[z] += 1;
    y.ys.project_fdi[z] += p.foreign ? p.invest : 0.0;
  }
}

// Start-ups, in incubators (no land); they follow the zone's sector mix too. A model start-up
// stands for count_scale real ones of its size: its output (and so capital and R&D) x k.
void append_startups(YearStep& y, std::size_t z) {
  Firms& f = y.f;
  const Run& run = y.run;
  const ZoneState& zs = run.zones[z];
  for (std::uint32_t k = 0; k < y.entry[z].births; ++k) {
    Stream rng = run.zone_stream(z, Purpose::startup, k);
    const std::size_t sector = draw_sector(rng, y.entry[z].attract_w);
    double out = 3e6 * std::exp(0.7 * rng.normal()) * y.count_scale;
    double prod = run.market.productivity * std::exp(0.5 * rng.normal() - 0.1);
    const EntrantRd rd = draw_entrant_rd(y, z, sector, out, rng);
    double energy = zs.base_energy_intensity * y.sector_field(sector, SectorField::energy_intensity_factor);
    std::size_t id = new_firm(y, z, sector, out, prod, rd, energy, false);
    f.capital[id] = capital_need(out, prod, y.sector[sector].k_ratio);
    f.land_mu[id] = 0.0;
    f.flags[id] |= kIncubated;
    y.ys.startups[z] += 1;
  }
}

}  // namespace

void append_entrants(YearStep& y) {
  const double idle_share = y.param(Param::new_land_idle_share);
  for (std::size_t z = 0; z < y.Z; ++z) {
    append_projects(y, z, idle_share);
    append_startups(y, z);
    y.ys.entries[z] = y.ys.entered[z] + y.ys.startups[z];
  }
}

}  // namespace zonesim::detail
