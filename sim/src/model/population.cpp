// The base-year population: firms generated so that zone aggregates equal the scenario's
// stated values (output, value added, R&D, firm counts by size and high-tech status, land,
// employment). Sizes are heavy-tailed (Pareto upper tail, Axtell 2001); productivity is
// log-normally dispersed and correlated with size (Syverson 2011).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "context.hpp"

namespace zonesim::detail {
namespace {

constexpr double kSizeTailAlpha = 1.05;     // Zipf-like upper tail of output (Axtell 2001)
// A certified firm's R&D intensity in the base year: 1.05-1.55 x its certification threshold.
constexpr double kCertifiedRdMin = 1.05, kCertifiedRdSpread = 0.5;
constexpr double kProductivitySigma = 0.55; // log TFP dispersion: 90/10 ratio ~ 4 (Hsieh-Klenow)
constexpr double kSizeProductivityCorr = 0.3;
constexpr double kLabourProductivityElasticity = 0.7;  // labour saved by productivity
constexpr double kCapitalProductivityElasticity = 0.3; // capital saved by productivity
}  // namespace

double labour_need(double output, double productivity, double output_per_worker, double scale) {
  return output / (output_per_worker * scale * std::pow(productivity, kLabourProductivityElasticity));
}
double capital_need(double output, double productivity, double capital_output_ratio) {
  return output * capital_output_ratio /
         (std::pow(productivity, kCapitalProductivityElasticity) * kBaseUtilisation);
}
double capacity_of(double capital, double productivity, double capital_output_ratio) {
  return capital * std::pow(productivity, kCapitalProductivityElasticity) / capital_output_ratio;
}

void generate_population(Run& run) {
  const Scenario& sc = run.sc;
  Firms& f = run.firms;
  const int base = sc.base_year;
  run.year = base;
  std::size_t total = 0;
  for (const auto& z : sc.zones)
    total += static_cast<std::size_t>(z.fields[static_cast<std::size_t>(ZoneField::base_firms)]);
  f.reserve(static_cast<std::size_t>(sc.expected_peak_firms()) + 64);

  const double eps = run.param(Param::rd_user_cost_elasticity);
  const double wage_r = run.param(Param::wage_researcher);
  const double rd_personnel = run.param(Param::rd_personnel_share);
  const double tax_std = run.param(Param::standard_income_tax_rate);

  run.zones.assign(sc.zones.size(), ZoneState{});
  std::vector<double> log_a_sum(sc.zones.size(), 0.0);

  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    const ZoneSpec& spec = sc.zones[z];
    ZoneState& zs = run.zones[z];
    auto field = [&](ZoneField k) { return spec.fields[static_cast<std::size_t>(k)]; };
    for (std::size_t l = 0; l < kLeverCount; ++l)
      zs.lever[l] = sc.lever(z, static_cast<Lever>(l)).at(base);
    Stream rng = run.stream(kZoneEntityBase + static_cast<std::uint32_t>(z), Purpose::population);

    const auto n = static_cast<std::size_t>(field(ZoneField::base_firms));
    const auto n_above = static_cast<std::size_t>(field(ZoneField::base_above_size_firms));
    const auto n_ht = static_cast<std::size_t>(field(ZoneField::base_hightech_firms));
    const double target_output = field(ZoneField::base_output);
    const std::size_t first = f.size();

    // Sizes: small firms below the above-size line, a Pareto upper tail above it, rescaled so
    // that the total equals base_output while every above-size firm stays >= 20 million yuan.
    std::vector<double> size(n);
    double small_total = 0;
    for (std::size_t i = n_above; i < n; ++i) {
      size[i] = kAboveSizeRevenue * (0.05 + 0.9 * rng.uniform());
      small_total += size[i];
    }
    const double floor_above = static_cast<double>(n_above) * kAboveSizeRevenue;
    double room = target_output - floor_above;
    if (n_above > 0 && small_total > 0.5 * room) {
      double k = 0.5 * room / small_total;
      for (std::size_t i = n_above; i < n; ++i) size[i] *= k;
      small_total *= k;
    } else if (n_above == 0 && small_total > 0) {
      double k = target_output / small_total;
      for (std::size_t i = 0; i < n; ++i) size[i] *= k;
      small_total = target_output;
    }
    double above_excess = 0;
    for (std::size_t i = 0; i < n_above; ++i) {
      size[i] = std::min(rng.pareto(kAboveSizeRevenue, kSizeTailAlpha), 1e13);
      above_excess += size[i] - kAboveSizeRevenue;
    }
    if (n_above > 0) {
      double want_excess = target_output - small_total - floor_above;
      double k = above_excess > 0 ? want_excess / above_excess : 0.0;
      for (std::size_t i = 0; i < n_above; ++i)
        size[i] = kAboveSizeRevenue + (size[i] - kAboveSizeRevenue) * k;
    }

    // High-tech firms: a weighted sample without replacement (Efraimidis-Spirakis) with weight
    // size^gamma. gamma is chosen by bisection so that the high-tech firms' own R&D (at their
    // certification thresholds) uses at most 80 % of the zone's stated R&D: larger firms are
    // preferred unless the stated R&D says the high-tech firms must be small ones.
    const std::size_t n_pick = std::min(n_ht, n);
    std::vector<double> log_u(n);
    for (std::size_t i = 0; i < n; ++i) log_u[i] = std::log(rng.uniform());
    std::vector<std::pair<double, std::size_t>> keys(n);
    // When the scenario states how many of them are above-size, each group is sampled apart.
    const double stated_above = field(ZoneField::base_hightech_above_size_firms);
    const std::size_t pick_above =
        stated_above >= 0 ? static_cast<std::size_t>(stated_above) : n_pick;  // n_pick: no split
    std::vector<std::size_t> chosen;
    std::vector<double> size_ratio(n);
    for (std::size_t i = 0; i < n; ++i) size_ratio[i] = size[i] / kAboveSizeRevenue;
    auto pick = [&](double gamma) {
      for (std::size_t i = 0; i < n; ++i)
        keys[i] = {log_u[i] / std::pow(size_ratio[i], gamma), i};
      chosen.clear();
      auto take = [&](std::size_t from, std::size_t to, std::size_t k) {
        auto first = keys.begin() + static_cast<std::ptrdiff_t>(from);
        auto last = keys.begin() + static_cast<std::ptrdiff_t>(to);
        k = std::min(k, to - from);
        // The k largest keys in descending order (as std::partial_sort gives them; selecting
        // first and sorting the k after is cheaper when k is a sizeable share of the firms).
        auto greater = [](const auto& a, const auto& b) { return a.first > b.first; };
        std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), last, greater);
        std::sort(first, first + static_cast<std::ptrdiff_t>(k), greater);
        for (std::size_t j = 0; j < k; ++j) chosen.push_back(keys[from + j].second);
      };
      if (stated_above >= 0) {
        take(0, n_above, pick_above);  // sizes[0, n_above) are the above-size firms
        take(n_above, n, n_pick - std::min(pick_above, n_pick));
      } else {
        take(0, n, n_pick);
      }
      double rd = 0;
      for (std::size_t i : chosen) rd += certification_rd_threshold(size[i]) * 1.3 * size[i];
      return rd;
    };
    const double rd_budget = 0.8 * field(ZoneField::base_rd);
    double gamma = 0.3;
    if (n_pick > 0 && pick(gamma) > rd_budget) {
      double lo = -3.0, hi = 0.3;
      for (int it = 0; it < 40; ++it) {
        double mid = 0.5 * (lo + hi);
        (pick(mid) > rd_budget ? hi : lo) = mid;
      }
      gamma = lo;
    }
    pick(gamma);
    std::vector<std::uint8_t> is_ht(n, 0);
    for (std::size_t i : chosen) is_ht[i] = 1;

    // Firms' R&D propensities are backed out under the policy the base-year R&D was observed
    // under (the file's base-year levers), not under an override of those levers.
    const double level_subsidy = spec.base_year_levers[static_cast<std::size_t>(Lever::rd_subsidy_rate)];
    const double deduction = spec.base_year_levers[static_cast<std::size_t>(Lever::rd_super_deduction)];
    const double tax_ht = spec.base_year_levers[static_cast<std::size_t>(Lever::hightech_income_tax_rate)];

    double ht_rd = 0, other_rd_raw = 0;
    std::vector<double> rho(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t id = f.append(static_cast<std::uint16_t>(z),
                                static_cast<std::uint16_t>(draw_sector(rng, spec.sector_shares)),
                                base);
      const double y = size[i];
      const std::size_t s = f.sector[id];
      double ln_size = std::log(y / kAboveSizeRevenue);
      double ln_a = kProductivitySigma * (kSizeProductivityCorr * std::tanh(ln_size / 3.0) * 1.5 +
                                          std::sqrt(1 - kSizeProductivityCorr * kSizeProductivityCorr) *
                                              rng.normal());
      f.set_productivity(id, std::exp(ln_a));
      log_a_sum[z] += ln_a;
      f.demand[id] = y;
      f.output[id] = y;
      f.birth_year[id] = static_cast<std::int16_t>(base - static_cast<int>(-std::log(rng.uniform()) * 8.0));
      if (rng.bernoulli(field(ZoneField::foreign_firm_share))) f.flags[id] |= kForeign;
      bool performer = is_ht[i] || rng.bernoulli(y >= kAboveSizeRevenue ? 0.6 : 0.25);
      if (is_ht[i]) {
        rho[i] = certification_rd_threshold(y) * (kCertifiedRdMin + kCertifiedRdSpread * rng.uniform());  // mean 1.3 x threshold
        ht_rd += rho[i] * y;
        f.cert_until[id] = static_cast<std::int16_t>(base + static_cast<int>(rng.uniform() * 3.0));
        f.last_innovation[id] = static_cast<std::int16_t>(base - static_cast<int>(rng.uniform() * 2.0));
      } else if (performer) {
        rho[i] = run.sector(s, SectorField::rd_propensity) * std::exp(0.6 * rng.normal() - 0.18);
        other_rd_raw += rho[i] * y;
      }
      double e = field(ZoneField::energy_intensity) * run.sector(s, SectorField::energy_intensity_factor) *
                 std::exp(0.4 * rng.normal() - 0.08);
      f.energy_intensity[id] = static_cast<float>(e);
      double x = field(ZoneField::export_share) * run.sector(s, SectorField::export_share_factor) *
                 ((f.flags[id] & kForeign) ? 2.0 : 0.8) * (0.5 + rng.uniform());
      f.export_share[id] = static_cast<float>(std::clamp(x, 0.0, 1.0));
    }
    // When the certified firms' R&D alone exceeds the stated R&D (few, large certified firms: a
    // zone scaled down to a handful of them), they are brought toward kCertifiedRdMin x their thresholds,
    // the least a certified firm spends here, leaving 20 % of the stated R&D to the others where
    // the thresholds allow it. Otherwise the draws stand.
    if (ht_rd > field(ZoneField::base_rd)) {
      double floor_rd = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (is_ht[i]) floor_rd += kCertifiedRdMin * certification_rd_threshold(size[i]) * size[i];
      const double goal = std::max(floor_rd, 0.8 * field(ZoneField::base_rd));
      const double keep = ht_rd > floor_rd ? (goal - floor_rd) / (ht_rd - floor_rd) : 0.0;
      ht_rd = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (!is_ht[i]) continue;
        const double floor_rho = kCertifiedRdMin * certification_rd_threshold(size[i]);
        rho[i] = floor_rho + keep * (rho[i] - floor_rho);
        ht_rd += rho[i] * size[i];
      }
    }
    // R&D: high-tech firms meet their certification threshold; other performers are scaled so
    // that the zone's R&D equals base_rd (when the high-tech firms alone do not exceed it).
    double want_other = field(ZoneField::base_rd) - ht_rd;
    double k_rd = (other_rd_raw > 0 && want_other > 0) ? want_other / other_rd_raw : 0.0;
    // Intensities are capped at 30 %: where the scale pushes some performers past the cap (few,
    // small performers in a zone of a handful of firms), the scale is found by bisection so that
    // the capped R&D still sums to the stated total, and when even every performer at the cap
    // falls short, the other firms join at their sector's propensity.
    constexpr double kMaxIntensity = 0.3;
    auto capped_other = [&](double k) {
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (!is_ht[i]) sum += std::min(rho[i] * k, kMaxIntensity) * size[i];
      return sum;
    };
    if (want_other > 0 && capped_other(k_rd) < want_other * (1 - 1e-9)) {
      if (capped_other(1e300) < want_other)
        for (std::size_t i = 0; i < n; ++i)
          if (!is_ht[i] && rho[i] == 0) rho[i] = run.sector(f.sector[first + i], SectorField::rd_propensity);
      double lo = 0, hi = 1;
      while (capped_other(hi) < want_other && hi < 1e300) hi *= 2;
      for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (lo + hi);
        (capped_other(mid) < want_other ? lo : hi) = mid;
      }
      k_rd = hi;
    }
    double out_sum = 0, va_raw = 0, labour_raw = 0, capital_sum = 0, energy_w = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t id = first + i;
      if (!is_ht[i]) rho[i] *= k_rd;
      rho[i] = std::min(rho[i], kMaxIntensity);
      f.rd_intensity[id] = rho[i];
      const std::size_t s = f.sector[id];
      const double y = f.output[id];
      const double a = f.productivity[id];
      double tax = is_ht[i] ? tax_ht : tax_std;
      double user_cost = rd_user_cost(level_subsidy, tax, deduction);
      f.rd_propensity[id] =
          rho[i] > 0 ? rho[i] / (rd_sector_factor(run.sector(s, SectorField::rd_propensity)) * std::pow(user_cost, eps))
                     : 0.0;
      f.capital[id] = capital_need(y, a, run.sector(s, SectorField::capital_output_ratio));
      capital_sum += f.capital[id];
      out_sum += y;
      va_raw += run.sector(s, SectorField::value_added_ratio) * y;
      labour_raw += labour_need(y, a, run.sector(s, SectorField::output_per_worker), 1.0);
      energy_w += static_cast<double>(f.energy_intensity[id]) * y;
    }
    zs.labour_scale = labour_raw / field(ZoneField::base_employment);
    zs.value_added_scale = field(ZoneField::base_value_added) / va_raw;
    zs.capital_density = capital_sum / field(ZoneField::base_land_used_mu);
    zs.base_energy_intensity = field(ZoneField::energy_intensity);
    double e_scale = energy_w > 0 ? field(ZoneField::energy_intensity) * out_sum / energy_w : 1.0;
    double researchers = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t id = first + i;
      const std::size_t s = f.sector[id];
      f.energy_intensity[id] = static_cast<float>(f.energy_intensity[id] * e_scale);
      f.land_mu[id] = f.capital[id] / zs.capital_density;
      f.land_capacity[id] = f.capital[id];  // the base-year stock fills its land
      f.employment[id] = static_cast<float>(labour_need(
          f.output[id], f.productivity[id], run.sector(s, SectorField::output_per_worker), zs.labour_scale));
      const double value_added = run.sector(s, SectorField::value_added_ratio) * f.output[id] * zs.value_added_scale;
      // R&D staff paid from the firm's R&D personnel spending at the researcher wage, and among
      // its employees: a wage too low for its R&D cannot give it more researchers than workers.
      f.researchers[id] = std::min(
          static_cast<float>(f.rd_intensity[id] * f.output[id] * rd_personnel / wage_r), f.employment[id]);
      researchers += f.researchers[id];
      // Loss history: a firm losing money in the base year has already lost for 0-2 years, so
      // that exits for persistent losses are spread over time rather than all in year three.
      {
        const double tech = field(ZoneField::technical_share);
        const double wages = f.employment[id] * ((1.0 - tech) * run.param(Param::wage_general) +
                                                 tech * run.param(Param::wage_technical));
        const double rd = f.rd_intensity[id] * f.output[id];
        const double profit = value_added * (1.0 - run.param(Param::vat_rate_on_value_added)) - wages -
                              run.param(Param::capital_depreciation) * f.capital[id] - rd;
        f.profit[id] = profit;
        if (profit < 0) f.loss_years[id] = static_cast<std::uint8_t>(rng.uniform() * 3.0);
      }
      if (f.last_innovation[id] == base)
        f.patents[id] = static_cast<std::uint16_t>(
            1 + std::min<double>(rng.poisson(f.rd_intensity[id] * f.output[id] /
                                             run.param(Param::patent_rd_cost)), 60000.0));
    }

    // Zone accounts.
    zs.land_idle = field(ZoneField::base_land_idle_mu);
    zs.land_available = field(ZoneField::base_land_available_mu);
    zs.land_unsupplied = field(ZoneField::land_planned_mu) - field(ZoneField::base_land_used_mu) -
                         zs.land_idle - zs.land_available;
    const double employment = field(ZoneField::base_employment);
    zs.researchers_pool = std::max(field(ZoneField::researcher_share) * employment, researchers);
    zs.technical_pool = field(ZoneField::technical_share) * employment;
    zs.wage_general = run.param(Param::wage_general);
    zs.wage_technical = run.param(Param::wage_technical);
    zs.wage_researcher = wage_r;
    zs.carriers = field(ZoneField::base_innovation_carriers);
    zs.carriers_base = zs.carriers;
    zs.institutes = field(ZoneField::base_rd_institutes);
    zs.budget_balance = field(ZoneField::budget_balance);
    zs.city_gdp = field(ZoneField::city_gdp);
    zs.national = field(ZoneField::level) == static_cast<double>(ZoneLevel::national);
    zs.frontier.assign(sc.sectors.size(), 0.0);
    zs.innovator_share.assign(sc.sectors.size(), 0.0);
    std::vector<double> firms_in(sc.sectors.size(), 0.0);
    for (std::size_t i = first; i < f.size(); ++i) {
      std::size_t s = f.sector[i];
      zs.frontier[s] = std::max(zs.frontier[s], f.productivity[i]);
      firms_in[s] += 1;
      if (f.last_innovation[i] == base) zs.innovator_share[s] += 1;
      zs.patents_last += f.patents[i];
    }
    for (std::size_t s = 0; s < firms_in.size(); ++s)
      if (firms_in[s] > 0) zs.innovator_share[s] /= firms_in[s];
    zs.rd_subsidy_estimate = zs.lever[static_cast<std::size_t>(Lever::rd_subsidy_rate)] * field(ZoneField::base_rd);
  }

  // The market's average productivity: output-weighted geometric mean of the base firms, so
  // that relative productivity alone does not move aggregate demand in the base year.
  double w = 0, wl = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    w += f.output[i];
    wl += f.output[i] * std::log(f.productivity[i]);
  }
  run.market.productivity = w > 0 ? std::exp(wl / w) : 1.0;
  run.market.demand_growth.assign(sc.sectors.size(), 0.0);

  // Location choice of researchers: logit constants that make the base year stationary.
  double hinterland = 0, zone_r = 0;
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    hinterland += sc.zones[z].fields[static_cast<std::size_t>(ZoneField::mobile_skilled_pool)];
    zone_r += run.zones[z].researchers_pool;
  }
  const double beta_w = run.param(Param::migration_wage_elasticity);
  const double total_r = hinterland + zone_r;
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    ZoneState& zs = run.zones[z];
    double share_z = zs.researchers_pool > 0 ? zs.researchers_pool / total_r : 0.0;  // none: never chosen
    double share_0 = std::max(hinterland, 1.0) / total_r;
    double u_z = beta_w * std::log(zs.wage_researcher);
    double u_0 = beta_w * std::log(kHinterlandWageRatio * wage_r);
    zs.migration_constant = std::log(share_z / share_0) - (u_z - u_0);
  }
  (void)total;
}

}  // namespace zonesim::detail
