// Accounting: the year's indicators per zone and for the region (sums of the zone rows and
// ratios), the budget rows, and the evaluation: the composite index over five dimensions, the
// rank among the scenario's zones, an estimated national rank and demotion. The base year is
// recorded from the generated firms (record_base_year).
#include <array>

#include "step.hpp"

namespace zonesim::detail {
namespace {

// National benchmarks for the evaluation index (a zone at these values scores 0 on the item).
// Sources in docs/model.md: Torch Centre / MOFCOM averages and land-use monitoring bulletins.
struct Benchmarks {
  double output = 1.7e11;            // 1700 亿元 per national high-tech zone
  double output_per_mu = 7.5e6;      // 750 万元/亩
  double tax_per_mu = 4.5e5;         // 45 万元/亩
  double rd_to_gdp = 0.05;
  double hightech_output_share = 0.5;
  double patents_per_10k = 40.0;
  double gdp_share_of_city = 0.15;
  double energy_per_output = 0.05;   // tce/万元
  double idle_share = 0.05;
};

double safe_div(double a, double b) { return b > 0 ? a / b : 0.0; }
double region(const Scenario& sc, RegionField k) { return sc.region[static_cast<std::size_t>(k)]; }
double tally(const std::vector<double>& v, std::size_t z) { return v.empty() ? 0 : v[z]; }

// Channels of the change of a zone's output since last year (docs/model.md 3.2): market trend
// and market shares of continuing firms, entry, relocation between zones (at the movers' output
// of last year, when they moved), and exits with the rest, which closes the sum exactly.
void output_channels(ReplicationResult& r, int yi, int zi, double output, std::array<double, 4> c) {
  const Ind keys[4] = {Ind::output_change_trend, Ind::output_change_reallocation,
                       Ind::output_change_entry, Ind::output_change_relocation};
  if (yi == 0) c = {};
  double rest = yi > 0 ? output - r.ind(yi - 1, zi, Ind::gross_output) : 0.0;
  for (int k = 0; k < 4; ++k) {
    r.ind(yi, zi, keys[k]) = c[k];
    rest -= c[k];
  }
  r.ind(yi, zi, Ind::output_change_exit_other) = rest;
}

// The indicators of each zone's row that are sums, stocks or counts.
void zone_rows(Run& run, int yi, const Layout& L, const std::vector<double>& sums, const YearScratch& ys) {
  ReplicationResult& r = *run.result;
  for (std::size_t z = 0; z < L.zones; ++z) {
    const ZoneState& zs = run.zones[z];
    const int zi = static_cast<int>(z);
    auto A = [&](unsigned k) { return sums[L.acc(z, k)]; };
    auto set = [&](Ind i, double v) { r.ind(yi, zi, i) = v; };
    set(Ind::gross_output, A(kOutput));
    set(Ind::value_added, A(kValueAdded));
    // The zone's GDP holds activity the model has no firms for (services, construction).
    set(Ind::gdp, A(kValueAdded) * run.zone_field(z, ZoneField::gdp_to_value_added));
    set(Ind::rd_expenditure, A(kRd));
    set(Ind::rd_relabelled, A(kRdRelabelled));
    set(Ind::firms, A(kFirmsAlive));
    set(Ind::above_size_firms, A(kAboveSize));
    set(Ind::hightech_firms, A(kHightech));
    set(Ind::hightech_above_size_firms, A(kHightechAbove));
    set(Ind::hightech_firms_new, A(kHightechNew));
    set(Ind::entries, tally(ys.entries, z));
    set(Ind::exits, A(kExits));
    set(Ind::low_efficiency_exits, A(kLowEffExits));
    set(Ind::innovation_carriers, zs.carriers);
    set(Ind::new_innovation_carriers, zs.carriers - zs.carriers_base);
    set(Ind::invention_patents, A(kPatents));
    set(Ind::employment, A(kEmployment));
    set(Ind::skilled_employment, A(kResearchers) + (yi > 0 ? zs.technical_employed : A(kTechnical)));
    set(Ind::researchers, A(kResearchers));
    set(Ind::land_used, A(kLandUsed));
    set(Ind::land_idle, zs.land_idle);
    set(Ind::land_available, zs.land_available);
    set(Ind::land_unsupplied, zs.land_unsupplied);
    set(Ind::land_supplied, A(kLandUsed) + zs.land_idle + zs.land_available);
    set(Ind::land_disposed, yi > 0 ? zs.land_disposed_last : 0.0);
    set(Ind::energy_use, A(kEnergy));
    set(Ind::exports, A(kExports));
    set(Ind::fdi, A(kFdi));
    set(Ind::tax_revenue, A(kTax));
    set(Ind::budget_balance, zs.budget_balance);
    set(Ind::projects_arrived, tally(ys.arrived, z));
    set(Ind::projects_entered, tally(ys.entered, z));
    set(Ind::projects_refused_threshold, tally(ys.refused, z));
    set(Ind::projects_lost_no_land, tally(ys.lost, z));
    set(Ind::startups, tally(ys.startups, z));
    set(Ind::relocations, tally(ys.relocations, z));
    set(Ind::wage_researcher, zs.wage_researcher);
    set(Ind::skilled_net_migration, tally(ys.net_migration, z));
    set(Ind::national_level, zs.national ? 1.0 : 0.0);
    set(Ind::firms_moved_in, tally(ys.moved_in, z));
    set(Ind::firms_moved_out, tally(ys.moved_out, z));
    output_channels(r, yi, zi, A(kOutput), {A(kChangeTrend), A(kChangeRealloc), A(kChangeEntry),
                                            zs.output_moved_in - zs.output_moved_out});
    for (std::size_t s = 0; s < L.sectors; ++s) r.sec(yi, zi, static_cast<int>(s)) = sums[L.sec(z, s, kSecOutput)];
    if (!run.zone_exists(z)) {  // before the zone opens its row is 0 (docs/output.md)
      for (std::size_t i = 0; i < kIndicatorCount; ++i) r.ind(yi, zi, static_cast<Ind>(i)) = 0.0;
      for (std::size_t s = 0; s < L.sectors; ++s) r.sec(yi, zi, static_cast<int>(s)) = 0.0;
      for (std::size_t k = 0; k < kSpendCount; ++k) r.spend(yi, zi, static_cast<Spend>(k)) = 0.0;
    }
  }
}

// Totals row: sums of the zone rows for additive indicators, sector outputs and spending.
void total_row(ReplicationResult& r, int yi, std::size_t Z, std::size_t S) {
  const int total = static_cast<int>(Z);
  for (std::size_t i = 0; i < kIndicatorCount; ++i) {
    double v = 0;
    for (std::size_t z = 0; z < Z; ++z) v += r.ind(yi, static_cast<int>(z), static_cast<Ind>(i));
    r.ind(yi, total, static_cast<Ind>(i)) = v;
  }
  for (std::size_t s = 0; s < S; ++s) {
    double v = 0;
    for (std::size_t z = 0; z < Z; ++z) v += r.sec(yi, static_cast<int>(z), static_cast<int>(s));
    r.sec(yi, total, static_cast<int>(s)) = v;
  }
  for (std::size_t k = 0; k < kSpendCount; ++k) {
    double v = 0;
    for (std::size_t z = 0; z < Z; ++z) v += r.spend(yi, static_cast<int>(z), static_cast<Spend>(k));
    r.spend(yi, total, static_cast<Spend>(k)) = v;
  }
}

// Ratios, for zones and the total alike.
void ratios(const Run& run, int yi, const Layout& L, const std::vector<double>& sums) {
  const Scenario& sc = run.sc;
  ReplicationResult& r = *run.result;
  const std::size_t Z = L.zones;
  const int total = static_cast<int>(Z);
  const double years_since = yi;
  double hightech_output_total = 0;
  for (std::size_t z = 0; z < Z; ++z) hightech_output_total += sums[L.acc(z, kHightechOutput)];
  double province_trade = region(sc, RegionField::province_trade) *
                          std::pow(1 + region(sc, RegionField::province_trade_growth), years_since);
  double province_fdi = region(sc, RegionField::province_manufacturing_fdi) *
                        std::pow(1 + region(sc, RegionField::province_fdi_growth), years_since);
  for (int zi = 0; zi <= total; ++zi) {
    auto get = [&](Ind i) { return r.ind(yi, zi, i); };
    auto set = [&](Ind i, double v) { r.ind(yi, zi, i) = v; };
    double ht_out = zi < total ? sums[L.acc(static_cast<std::size_t>(zi), kHightechOutput)] : hightech_output_total;
    set(Ind::rd_to_gdp, safe_div(get(Ind::rd_expenditure), get(Ind::gdp)));
    set(Ind::hightech_share_above_size, safe_div(get(Ind::hightech_above_size_firms), get(Ind::above_size_firms)));
    set(Ind::hightech_output_share, safe_div(ht_out, get(Ind::gross_output)));
    set(Ind::skilled_share, safe_div(get(Ind::skilled_employment), get(Ind::employment)));
    set(Ind::output_per_mu, safe_div(get(Ind::gross_output), get(Ind::land_used)));
    set(Ind::tax_per_mu, safe_div(get(Ind::tax_revenue), get(Ind::land_used)));
    set(Ind::value_added_per_mu, safe_div(get(Ind::value_added), get(Ind::land_used)));
    set(Ind::energy_per_output, safe_div(get(Ind::energy_use), get(Ind::gross_output) / 1e4));
    set(Ind::trade_share_of_province, safe_div(get(Ind::exports) * 1.6, province_trade));
    set(Ind::fdi_share_of_province, safe_div(get(Ind::fdi), province_fdi));
    if (zi == total) {  // the mean over the zones that exist
      double w = 0, n = 0;
      for (std::size_t z = 0; z < Z; ++z)
        if (run.zone_exists(z)) {
          w += r.ind(yi, static_cast<int>(z), Ind::wage_researcher);
          n += 1;
        }
      set(Ind::wage_researcher, w / n);
    }
  }
}

// Composite evaluation index of zone z over five dimensions (log ratios to national benchmarks).
double evaluation_index(const Run& run, int yi, std::size_t z) {
  const Benchmarks bench;
  const ReplicationResult& r = *run.result;
  const int zi = static_cast<int>(z);
  auto get = [&](Ind i) { return r.ind(yi, zi, i); };
  auto lr = [](double v, double b) { return std::log(std::max(v, 1e-9 * b) / b); };
  double industrial = 0.5 * (lr(get(Ind::gross_output), bench.output) + lr(get(Ind::output_per_mu), bench.output_per_mu));
  double innovation = (lr(get(Ind::rd_to_gdp), bench.rd_to_gdp) +
                       lr(get(Ind::hightech_output_share), bench.hightech_output_share) +
                       lr(safe_div(get(Ind::invention_patents) * 1e4, get(Ind::employment)), bench.patents_per_10k)) / 3.0;
  double driving = lr(safe_div(get(Ind::gdp), run.zones[z].city_gdp), bench.gdp_share_of_city);
  double ecology = -lr(get(Ind::energy_per_output), bench.energy_per_output);
  double idle = safe_div(get(Ind::land_idle), get(Ind::land_supplied));
  double admin = -lr(idle + 0.01, bench.idle_share) - 2.0 * safe_div(get(Ind::budget_shortfall), get(Ind::budget_revenue) + 1.0);
  return 0.2 * (std::clamp(industrial, -5.0, 5.0) + std::clamp(innovation, -5.0, 5.0) +
                std::clamp(driving, -5.0, 5.0) + std::clamp(ecology, -5.0, 5.0) +
                std::clamp(admin, -5.0, 5.0));
}

// The rank among the scenario's zones, the estimated national rank and, after enough years in
// the national bottom five, demotion (`demotion_bottom_years`).
void rank_zones(Run& run, int yi, const std::vector<double>& idx) {
  const Scenario& sc = run.sc;
  const std::size_t Z = idx.size();
  const double n_nat = region(sc, RegionField::national_zone_count);
  const double med = region(sc, RegionField::national_index_median);
  const double spread = region(sc, RegionField::national_index_spread);
  std::size_t existing = 0;
  for (std::size_t z = 0; z < Z; ++z) existing += run.zone_exists(z);
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    if (!run.zone_exists(z)) continue;  // not ranked before it opens (rank 0 in its row)
    int rank = 1;
    for (std::size_t w = 0; w < Z; ++w)
      if (run.zone_exists(w) && (idx[w] > idx[z] || (idx[w] == idx[z] && w < z))) ++rank;
    zs.rank = rank;
    zs.index = idx[z];
    zs.top_ranked = existing > 1 && rank == 1;
    double better = 1.0 / (1.0 + std::exp((idx[z] - med) / spread));  // share of zones ahead
    zs.national_rank = 1 + static_cast<int>(std::floor(better * (n_nat - 1.0) + 0.5));
    if (yi > 0) {
      const int bottom_line = static_cast<int>(n_nat) - 4;  // bottom five nationally
      zs.bottom_years = (zs.national && zs.national_rank >= bottom_line) ? zs.bottom_years + 1 : 0;
      const int need = static_cast<int>(lever(zs, Lever::demotion_bottom_years));
      if (need > 0 && zs.bottom_years >= need && zs.national) zs.national = false;
    }
    run.result->ind(yi, static_cast<int>(z), Ind::rank) = rank;
    run.result->ind(yi, static_cast<int>(z), Ind::national_rank) = zs.national_rank;
    run.result->ind(yi, static_cast<int>(z), Ind::national_level) = zs.national ? 1.0 : 0.0;
  }
}

// Totals for index-like indicators: the output-weighted mean index, best ranks.
void total_evaluation(Run& run, int yi, const std::vector<double>& idx) {
  ReplicationResult& r = *run.result;
  const std::size_t Z = idx.size();
  const int total = static_cast<int>(Z);
  double wsum = 0, w = 0;
  int best = 0, best_nat = 0;
  for (std::size_t z = 0; z < Z; ++z) {
    if (!run.zone_exists(z)) continue;
    double o = r.ind(yi, static_cast<int>(z), Ind::gross_output);
    wsum += o * idx[z];
    w += o;
    best = best == 0 ? run.zones[z].rank : std::min(best, run.zones[z].rank);
    best_nat = best_nat == 0 ? run.zones[z].national_rank : std::min(best_nat, run.zones[z].national_rank);
  }
  r.ind(yi, total, Ind::evaluation_index) = safe_div(wsum, w);
  r.ind(yi, total, Ind::rank) = best;
  r.ind(yi, total, Ind::national_rank) = best_nat;
}

}  // namespace

void record_indicators(Run& run, int yi, const Layout& L, const std::vector<double>& sums,
                       const YearScratch& ys) {
  zone_rows(run, yi, L, sums, ys);
  total_row(*run.result, yi, L.zones, L.sectors);
  ratios(run, yi, L, sums);
  std::vector<double> idx(L.zones);
  for (std::size_t z = 0; z < L.zones; ++z) {
    idx[z] = run.zone_exists(z) ? evaluation_index(run, yi, z) : 0.0;
    run.result->ind(yi, static_cast<int>(z), Ind::evaluation_index) = idx[z];
  }
  rank_zones(run, yi, idx);
  total_evaluation(run, yi, idx);
}

// The year's sums: production's, with the land, firm and exit counts of the grants pass (and
// project FDI); the budget rows; then the indicators.
void account_year(YearStep& y) {
  const Layout& L = y.L;
  std::vector<double> merged = y.sums;
  for (unsigned k : {kLandUsed, kFirmsAlive, kExits, kLowEffExits, kLandFreed, kIdleNew, kFdi})
    for (std::size_t z = 0; z < y.Z; ++z) merged[L.acc(z, k)] = y.ys.sums[L.acc(z, k)];
  for (std::size_t z = 0; z < y.Z; ++z) merged[L.acc(z, kFdi)] += y.ys.project_fdi[z];
  const int yi = y.t - y.sc.base_year;
  ReplicationResult& r = *y.run.result;
  for (std::size_t z = 0; z < y.Z; ++z) {
    const double* paid = &y.ys.spend_paid[z * kSpendCount];
    const int zi = static_cast<int>(z);
    for (std::size_t k = 0; k < kSpendCount; ++k) r.spend(yi, zi, static_cast<Spend>(k)) = paid[k];
    r.ind(yi, zi, Ind::budget_revenue) = y.revenue[z];
    r.ind(yi, zi, Ind::budget_committed) = y.committed[z];
    r.ind(yi, zi, Ind::budget_returned) = y.returned[z];
    r.ind(yi, zi, Ind::budget_spent) = y.spent[z];
    r.ind(yi, zi, Ind::budget_shortfall) = y.shortfall[z];
  }
  // A zone that opened this year: its row is its generated population, accounted as the base
  // year's is; its whole output counts as entry in the change of output.
  for (const YearStep::Opened& o : y.opened) {
    std::vector<double> generated(L.width(), 0.0);
    add_generated_sums(y.run, o.first, o.end, L, generated);
    for (unsigned k = 0; k < kAccCount; ++k) merged[L.acc(o.zone, k)] = generated[L.acc(o.zone, k)];
    for (std::size_t s = 0; s < L.sectors; ++s)
      for (unsigned k = 0; k < kSecFields; ++k) merged[L.sec(o.zone, s, k)] = generated[L.sec(o.zone, s, k)];
    merged[L.acc(o.zone, kChangeEntry)] = generated[L.acc(o.zone, kOutput)];
    y.run.zones[o.zone].technical_employed = generated[L.acc(o.zone, kTechnical)];
    record_generated_budget(y.run, yi, o.zone, L, generated);
  }
  record_indicators(y.run, yi, L, merged, y.ys);
  // This year's movers count in next year's change of output.
  for (std::size_t z = 0; z < y.Z; ++z) {
    y.run.zones[z].output_moved_in = tally(y.ys.output_moved_in, z);
    y.run.zones[z].output_moved_out = tally(y.ys.output_moved_out, z);
  }
}

void add_generated_sums(const Run& run, std::size_t from, std::size_t to, const Layout& L, std::vector<double>& sums) {
  const Scenario& sc = run.sc;
  const Firms& f = run.firms;
  const double tax_std = run.param(Param::standard_income_tax_rate);
  const double vat = run.param(Param::vat_rate_on_value_added);
  for (std::size_t i = from; i < to; ++i) {
    const std::size_t z = f.zone[i], s = f.sector[i];
    const double y = f.output[i];
    const bool cert = f.cert_until[i] >= run.year;
    const bool above = y / run.count_scale() >= kAboveSizeRevenue;
    const double tech = run.zone_field(z, ZoneField::technical_share);
    const double labour = f.employment[i];
    // The income tax rate of a certified firm under the base-year policy the generator used.
    const double tax_ht =
        sc.zones[z].base_year_levers[static_cast<std::size_t>(Lever::hightech_income_tax_rate)];
    double* a = &sums[L.acc(z, 0)];
    a[kOutput] += y;
    // Value added as the generator computed it (population.cpp).
    const double value_added = run.sector(s, SectorField::value_added_ratio) * y * run.zones[z].value_added_scale;
    a[kValueAdded] += value_added;
    a[kRd] += f.rd_intensity[i] * y;
    a[kFirmsAlive] += 1;
    a[kAboveSize] += above;
    a[kHightech] += cert;
    a[kHightechAbove] += cert && above;
    a[kHightechOutput] += cert ? y : 0.0;
    a[kPatents] += f.patents[i];
    a[kEmployment] += labour;
    a[kResearchers] += f.researchers[i];
    a[kTechnical] += tech * (labour - f.researchers[i]);
    // Taxes of the base year: VAT, and income tax on the firm's base-year profit as the generator
    // computed it (population.cpp), less the extra super-deduction of its R&D.
    const double deduction =
        sc.zones[z].base_year_levers[static_cast<std::size_t>(Lever::rd_super_deduction)];
    const double taxable = f.profit[i] - deduction * f.rd_intensity[i] * y;
    a[kTax] += vat * value_added + (cert ? tax_ht : tax_std) * std::max(0.0, taxable);
    a[kEnergy] += f.energy_intensity[i] * y / 1e4;
    a[kExports] += f.export_share[i] * y;
    a[kLandUsed] += f.land_mu[i];
    sums[L.sec(z, s, kSecOutput)] += y;
  }
}

// The budget rule applied to the generated population's taxes (no land sold, no transfer counted).
void record_generated_budget(Run& run, int yi, std::size_t z, const Layout& L, const std::vector<double>& sums) {
  const double vat = run.param(Param::vat_rate_on_value_added);
  const double committed_share = run.param(Param::budget_committed_share);
  const double vat_z = vat * sums[L.acc(z, kValueAdded)];
  const double revenue = retained_taxes(run, vat_z, std::max(0.0, sums[L.acc(z, kTax)] - vat_z));
  run.result->ind(yi, static_cast<int>(z), Ind::budget_revenue) = revenue;
  run.result->ind(yi, static_cast<int>(z), Ind::budget_committed) = committed_share * revenue;
}

std::vector<double> base_year_sums(const Run& run) {
  const Layout L{run.sc.zones.size(), run.sc.sectors.size()};
  std::vector<double> sums(L.width(), 0.0);
  add_generated_sums(run, 0, run.firms.size(), L, sums);
  return sums;
}

void record_base_year(Run& run, const std::vector<double>& sums) {
  const std::size_t Z = run.sc.zones.size(), S = run.sc.sectors.size();
  const Layout L{Z, S};
  for (std::size_t z = 0; z < Z; ++z) record_generated_budget(run, 0, z, L, sums);
  YearScratch empty;
  record_indicators(run, 0, L, sums, empty);
}

void record_base_year(Run& run) { record_base_year(run, base_year_sums(run)); }

}  // namespace zonesim::detail
