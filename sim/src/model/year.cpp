// One simulated year, in the order of the model brief:
//   levers -> demand -> R&D choice -> (talent cap) -> innovation and imitation -> certification
//   -> production, taxes -> investment and land requests -> budget, land allocation, entry,
//   labour -> land grants and exit -> accounting and evaluation.
// Firm work happens in three parallel passes over the structure-of-arrays state; zone work in
// short serial steps between them. Partial sums are kept per fixed-size chunk and added in chunk
// order, so results do not depend on the number of threads.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "context.hpp"

namespace zonesim::detail {
namespace {

// Per-zone sums collected by the firm passes.
enum Acc : unsigned {
  kOutput, kValueAdded, kRd, kFirmsProducing, kAboveSize, kHightech, kHightechAbove,
  kHightechOutput, kPatents, kEmployment, kResearchers, kTechnical, kTax, kEnergy, kExports,
  kFdi, kRdSubsidyAsked, kFundAsked, kRetrofitAsked, kExits, kLowEffExits, kRequestPriority,
  kRequestNormal, kResearcherDemand, kTechnicalDemand, kLandUsed, kFirmsAlive, kLandFreed,
  kIdleNew, kGranted, kAccCount
};
// Per zone-sector sums follow the zone sums: output, innovators, firms; then maxima.
constexpr unsigned kSecOutput = 0, kSecInnovators = 1, kSecFirms = 2, kSecFields = 3;

struct Layout {
  std::size_t zones, sectors;
  std::size_t width() const { return zones * (kAccCount + sectors * kSecFields); }
  std::size_t acc(std::size_t z, unsigned k) const { return z * kAccCount + k; }
  std::size_t sec(std::size_t z, std::size_t s, unsigned k) const {
    return zones * kAccCount + (z * sectors + s) * kSecFields + k;
  }
  std::size_t max_width() const { return zones * sectors; }  // frontier per zone-sector
};

// Runs body(i, sums, maxima) over all firms in fixed chunks; returns chunk-ordered totals.
template <class Body>
void firm_pass(std::size_t n, const Layout& layout, std::vector<double>& partial_sum,
               std::vector<double>& partial_max, std::vector<double>& sums,
               std::vector<double>& maxima, Body&& body) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  const std::size_t w = layout.width(), mw = layout.max_width();
  partial_sum.assign(chunks * w, 0.0);
  partial_max.assign(chunks * mw, 0.0);
  auto run_chunks = [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) {
      double* s = partial_sum.data() + c * w;
      double* m = partial_max.data() + c * mw;
      const std::size_t end = std::min(n, (c + 1) * kChunk);
      for (std::size_t i = c * kChunk; i < end; ++i) body(i, s, m);
    }
  };
  // One chunk (small populations, e.g. the replications of an ensemble that already run in
  // parallel): no task is spawned. Same chunks either way, so the same sums.
  if (chunks <= 1) run_chunks(tbb::blocked_range<std::size_t>(0, chunks, 1));
  else tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), run_chunks);
  sums.assign(w, 0.0);
  maxima.assign(mw, 0.0);
  for (std::size_t c = 0; c < chunks; ++c) {
    const double* s = partial_sum.data() + c * w;
    const double* m = partial_max.data() + c * mw;
    for (std::size_t k = 0; k < w; ++k) sums[k] += s[k];
    for (std::size_t k = 0; k < mw; ++k) maxima[k] = std::max(maxima[k], m[k]);
  }
}

double lever(const ZoneState& zs, Lever l) { return zs.lever[static_cast<std::size_t>(l)]; }

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

}  // namespace

struct YearScratch {
  std::vector<double> partial_sum, partial_max, sums, maxima;
  std::vector<double> grant_fraction;  // per zone x 2 classes
  std::vector<double> spend_asked, spend_paid;  // per zone x kSpendCount
  std::vector<double> entries, startups, relocations, arrived, entered, refused, lost;
  std::vector<double> net_migration, project_fdi, moved_in, moved_out;
};

namespace {

void record_indicators(Run& run, int year_index, const Layout& L, const std::vector<double>& sums,
                       const YearScratch& ys);

}  // namespace

void simulate_year(Run& run) {
  // The scratch of the thread that runs this year. Bound to a reference here so that the pass
  // bodies, which run on TBB worker threads, use this thread's scratch (naming the thread_local
  // inside a lambda would give each worker its own, empty or stale, instance).
  static thread_local YearScratch scratch;
  YearScratch& ys = scratch;
  const Scenario& sc = run.sc;
  Firms& f = run.firms;
  const int t = run.year;
  const std::size_t Z = sc.zones.size(), S = sc.sectors.size();
  const Layout L{Z, S};

  // ---- 1. Levers --------------------------------------------------------------------------
  for (std::size_t z = 0; z < Z; ++z)
    for (std::size_t l = 0; l < kLeverCount; ++l)
      run.zones[z].lever[l] = sc.lever(z, static_cast<Lever>(l)).at(t);

  // ---- 2. Demand: sector trend times a common macro shock ----------------------------------
  {
    Stream macro = run.stream(kRegionEntity, Purpose::macro);
    const double shock = run.param(Param::macro_shock_sd) * macro.normal();
    for (std::size_t s = 0; s < S; ++s)
      run.market.demand_growth[s] = run.sector(s, SectorField::demand_growth) + shock;
    run.market.productivity *= 1.0 + run.param(Param::market_productivity_growth);
  }

  const double chi = run.param(Param::replicator_chi);
  const double shock_scale = run.param(Param::firm_shock_scale);
  const double eps = run.param(Param::rd_user_cost_elasticity);
  const double speed = run.param(Param::rd_adjustment_speed);
  const double tax_std = run.param(Param::standard_income_tax_rate);
  const double theta = run.param(Param::rd_personnel_share);
  const double log_market = std::log(run.market.productivity);
  std::vector<double> tech_share(Z);
  for (std::size_t z = 0; z < Z; ++z) tech_share[z] = run.zone_field(z, ZoneField::technical_share);

  // ---- Pass A: demand, desired R&D, researcher demand --------------------------------------
  // Lever and parameter values the firms of a zone or sector share are read once into small
  // arrays (products are formed in the same order as the per-firm expressions, so every value
  // is the one the per-firm code computed).
  struct ZoneA {
    double user_cost[2], user_cost_pow[2];  // [certified]: P and P^eps
    double tax_saving_rate;                 // max(0, standard - high-tech tax rate)
    double wage_researcher, tech_share;
  };
  std::vector<ZoneA> za(Z);
  std::vector<double> opw_scale(Z * S);  // output per worker x the zone's labour scale
  for (std::size_t z = 0; z < Z; ++z) {
    const ZoneState& zs = run.zones[z];
    const double tax_ht = lever(zs, Lever::hightech_income_tax_rate);
    const double subsidy = lever(zs, Lever::rd_subsidy_rate) * zs.payout_ratio;
    for (int c = 0; c < 2; ++c) {
      const double tax = c ? std::min(tax_ht, tax_std) : tax_std;
      za[z].user_cost[c] = rd_user_cost(subsidy, tax, lever(zs, Lever::rd_super_deduction));
      za[z].user_cost_pow[c] = std::pow(za[z].user_cost[c], eps);
    }
    za[z].tax_saving_rate = std::max(0.0, tax_std - tax_ht);
    za[z].wage_researcher = zs.wage_researcher;
    za[z].tech_share = tech_share[z];
    for (std::size_t s = 0; s < S; ++s)
      opw_scale[z * S + s] = run.sector(s, SectorField::output_per_worker) * zs.labour_scale;
  }
  std::vector<double> sector_rd(S), sector_growth(S);
  for (std::size_t s = 0; s < S; ++s) {
    sector_rd[s] = rd_sector_factor(run.sector(s, SectorField::rd_propensity));
    sector_growth[s] = run.market.demand_growth[s];
  }
  {
    std::uint8_t* const flags = f.flags.data();
    const std::uint16_t* const zone = f.zone.data();
    const std::uint16_t* const sector = f.sector.data();
    const std::int16_t* const cert_until = f.cert_until.data();
    const double* const log_a = f.log_productivity.data();
    const double* const a07 = f.productivity_07.data();
    const double* const mu = f.rd_propensity.data();
    double* const demand = f.demand.data();
    double* const rd_intensity = f.rd_intensity.data();
    const std::uint64_t seed = sc.seed;
    const std::uint32_t rep = run.replication;
    firm_pass(f.size(), L, ys.partial_sum, ys.partial_max, ys.sums, ys.maxima,
              [&](std::size_t i, double* acc, double*) {
                if (!(flags[i] & kAlive)) return;
                const std::size_t z = zone[i], s = sector[i];
                const ZoneA& zp = za[z];
                Stream rng(seed, rep, static_cast<std::uint32_t>(i), t, Purpose::demand);
                // Demand: trend + macro, replicator premium for relative productivity, and a
                // Laplace shock whose spread falls with size (sigma ~ S^-0.15).
                double d = demand[i];
                double b = std::clamp(shock_scale * std::pow(std::max(d, 1e4) / 1e8, -0.15), 0.02, 0.6);
                double e = rng.laplace(b) + std::log(1.0 - b * b);  // mean-one level shock
                double growth = sector_growth[s] + chi * (log_a[i] - log_market) + e;
                d *= std::exp(std::clamp(growth, -3.0, 3.0));
                demand[i] = d;

                // R&D: desired intensity from the sector propensity and the user cost of R&D.
                const int certified = cert_until[i] >= t;
                const double user_cost = zp.user_cost[certified];
                double desired = sector_rd[s] * mu[i] * zp.user_cost_pow[certified];
                // Bunching at the certification threshold (Chen et al. 2021): a firm close to the
                // threshold raises R&D to it when the tax saving exceeds the extra R&D cost.
                if (desired > 0.0 && cert_until[i] < t + 1) {
                  double thr = certification_rd_threshold(d) * 1.02;
                  if (desired < thr && desired > 0.5 * thr) {
                    double margin = 0.06 * d;  // expected taxable profit
                    double saving = zp.tax_saving_rate * margin;
                    double extra = (thr - desired) * d * user_cost;
                    if (saving > extra) desired = thr;
                  }
                }
                double rho = rd_intensity[i] + speed * (desired - rd_intensity[i]);
                rho = std::clamp(rho, 0.0, 0.3);
                rd_intensity[i] = rho;
                double* a = acc + L.acc(z, 0);
                a[kResearcherDemand] += rho * d * theta / zp.wage_researcher;
                a[kTechnicalDemand] += zp.tech_share * (d / (opw_scale[z * S + s] * a07[i]));
              });
  }

  // ---- Talent cap and wages ----------------------------------------------------------------
  const double wage_adj = run.param(Param::wage_adjustment);
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    zs.researcher_demand = ys.sums[L.acc(z, kResearcherDemand)];
    zs.technical_demand = ys.sums[L.acc(z, kTechnicalDemand)];
    zs.researcher_cap = zs.researcher_demand > zs.researchers_pool
                            ? zs.researchers_pool / zs.researcher_demand
                            : 1.0;
    auto adjust = [&](double& wage, double demand, double supply) {
      if (supply <= 0) return;
      double excess = std::clamp(demand / supply - 1.0, -0.2, 0.5);
      wage *= 1.0 + wage_adj * excess;
    };
    adjust(zs.wage_researcher, zs.researcher_demand, zs.researchers_pool);
    adjust(zs.wage_technical, zs.technical_demand, zs.technical_pool);
  }

  // ---- Pass B: innovation, certification, production, taxes, investment, exit flags --------
  const double zeta_in = run.param(Param::innovation_zeta);
  const double zeta_im = run.param(Param::imitation_zeta);
  const double jump = run.param(Param::innovation_jump_max);
  const double catch_up = run.param(Param::imitation_catch_up);
  const double spill = run.param(Param::spillover_strength);
  const double inst_spill = run.param(Param::institute_spillover);
  const double vat = run.param(Param::vat_rate_on_value_added);
  const double delta = run.param(Param::capital_depreciation);
  const double credit_base = run.param(Param::base_credit_ratio);
  const double patent_cost = run.param(Param::patent_rd_cost);
  const double passthrough = run.param(Param::innovation_fund_rd_passthrough);
  const double retro_base = run.param(Param::retrofit_base_rate);
  const double retro_cut = run.param(Param::retrofit_energy_cut);
  const double retro_cost = run.param(Param::retrofit_cost_share);
  const auto loss_exit = static_cast<std::uint8_t>(run.param(Param::loss_years_to_exit));
  const double startup_hazard = run.param(Param::startup_exit_hazard);
  const double incubator_gain = run.param(Param::incubator_survival_gain);
  const double density_new_base = run.param(Param::capital_per_mu) / 0.93;
  std::vector<double> output_per_mu_last(Z, 0.0);
  for (std::size_t z = 0; z < Z; ++z) {
    int prev = t - sc.base_year - 1;
    output_per_mu_last[z] = run.result->ind(prev, static_cast<int>(z), Ind::output_per_mu);
  }

  // Per-zone values of pass B (levers, zone state), per-sector constants.
  struct ZoneB {
    double fund, patents_last, researcher_cap, wage_researcher, institutes_pull;
    double tech_science;     // kTechnicalInScienceStaff x technical share
    double retro_rate, retro_threshold, payout_ratio;
    double value_added_scale, wage_mix, subsidy_rate_paid, subsidy_rate, super_deduction;
    double tax_certified, credit_rate, density_new;
    double tax_floor, out_floor, energy_ceiling, enforcement, output_per_mu_last, tech_share;
    LandPriority priority_rule;
  };
  std::vector<ZoneB> zb(Z);
  std::vector<double> spill_share(Z * S), frontier(Z * S);
  for (std::size_t z = 0; z < Z; ++z) {
    const ZoneState& zs = run.zones[z];
    ZoneB& p = zb[z];
    p.fund = lever(zs, Lever::innovation_fund) * zs.payout_ratio;
    p.patents_last = zs.patents_last;
    p.researcher_cap = zs.researcher_cap;
    p.wage_researcher = zs.wage_researcher;
    p.institutes_pull = inst_spill * zs.institutes;
    p.tech_science = kTechnicalInScienceStaff * tech_share[z];
    p.retro_rate = lever(zs, Lever::energy_retrofit_subsidy_rate);
    p.retro_threshold = std::min(1.0, retro_base * (1.0 + 4.0 * p.retro_rate));
    p.payout_ratio = zs.payout_ratio;
    p.value_added_scale = zs.value_added_scale;
    p.wage_mix = (1.0 - tech_share[z]) * zs.wage_general + tech_share[z] * zs.wage_technical;
    p.subsidy_rate = lever(zs, Lever::rd_subsidy_rate);
    p.subsidy_rate_paid = p.subsidy_rate * zs.payout_ratio;
    p.super_deduction = lever(zs, Lever::rd_super_deduction);
    p.tax_certified = std::min(lever(zs, Lever::hightech_income_tax_rate), tax_std);
    p.credit_rate = credit_base + lever(zs, Lever::scitech_credit_ratio);
    p.density_new = density_new_base * lever(zs, Lever::plot_ratio);
    p.tax_floor = lever(zs, Lever::exit_min_tax_per_mu);
    p.out_floor = lever(zs, Lever::exit_min_output_per_mu);
    p.energy_ceiling = lever(zs, Lever::exit_max_energy_intensity);
    p.enforcement = lever(zs, Lever::exit_enforcement_rate);
    p.output_per_mu_last = output_per_mu_last[z];
    p.tech_share = tech_share[z];
    p.priority_rule = static_cast<LandPriority>(static_cast<unsigned>(lever(zs, Lever::land_priority)));
    for (std::size_t s = 0; s < S; ++s) {
      spill_share[z * S + s] = spill * zs.innovator_share[s];
      frontier[z * S + s] = zs.frontier[s];
    }
  }
  struct SectorB {
    double k_ratio, value_added_ratio, growth_expected;
    bool hightech;
  };
  std::vector<SectorB> sb(S);
  for (std::size_t s = 0; s < S; ++s) {
    sb[s].k_ratio = run.sector(s, SectorField::capital_output_ratio);
    sb[s].value_added_ratio = run.sector(s, SectorField::value_added_ratio);
    sb[s].growth_expected = std::max(0.0, run.sector(s, SectorField::demand_growth));
    sb[s].hightech = run.sector(s, SectorField::hightech) > 0.5;
  }
  const double exit_hazard[2] = {startup_hazard, startup_hazard * (1.0 - incubator_gain)};

  firm_pass(f.size(), L, ys.partial_sum, ys.partial_max, ys.sums, ys.maxima,
            [&](std::size_t i, double* acc, double* mx) {
              if (!(f.flags[i] & kAlive)) return;
              const std::size_t z = f.zone[i], s = f.sector[i];
              const ZoneB& zp = zb[z];
              const SectorB& sp = sb[s];
              Stream rng(sc.seed, run.replication, static_cast<std::uint32_t>(i), t, Purpose::innovation);
              const double k_ratio = sp.k_ratio;

              // Production is limited by demand and by capacity.
              double capital = f.capital[i];
              const double demand = f.demand[i];
              const double cap = capital * f.productivity_03[i] / k_ratio;
              const double y = std::min(demand, cap);
              // R&D, capped by the zone's researchers, plus innovation-fund awards.
              const double award =
                  zp.patents_last > 0 ? zp.fund * f.patents[i] / zp.patents_last : 0.0;
              const double rd_intensity = f.rd_intensity[i] * zp.researcher_cap;
              f.rd_intensity[i] = rd_intensity;
              const double rd = rd_intensity * y + passthrough * award;
              const double rho = y > 0 ? rd / y : 0.0;

              // Innovation (Dosi et al. 2010): success probability rises with R&D; the jump is
              // drawn from Beta(3,3) on [-max, max] and adopted only if it improves productivity.
              std::uint16_t patents = 0;
              std::uint8_t flags = f.flags[i] & static_cast<std::uint8_t>(~kInnovatedNow);
              double a = f.productivity[i];
              bool a_changed = false;
              if (rng.uniform() < 1.0 - std::exp(-zeta_in * rho / kRdNorm)) {
                double x = (2.0 * rng.beta33() - 1.0) * jump;
                if (x > 0) {
                  a *= 1.0 + x;
                  a_changed = true;
                }
                f.last_innovation[i] = static_cast<std::int16_t>(t);
                flags |= kInnovatedNow;
                patents = static_cast<std::uint16_t>(
                    1 + std::min<std::uint32_t>(rng.poisson(rd / patent_cost), 60000u));
              }
              // Imitation toward the zone-sector frontier, easier where innovators cluster.
              double pull = rho / kRdNorm + spill_share[z * S + s] + zp.institutes_pull;
              if (rng.uniform() < 1.0 - std::exp(-zeta_im * pull)) {
                a += catch_up * std::max(0.0, frontier[z * S + s] - a);
                a_changed = true;
              }
              if (a_changed) f.set_productivity(i, a);
              f.patents[i] = patents;

              // Employment and researchers.
              const double labour = y / (opw_scale[z * S + s] * f.productivity_07[i]);
              const double researchers = rd * theta / zp.wage_researcher;
              f.employment[i] = static_cast<float>(labour + researchers);
              f.researchers[i] = static_cast<float>(researchers);

              // High-tech certification, checked when the certificate has lapsed.
              std::int16_t cert_until = f.cert_until[i];
              if (cert_until < t && y > 0) {
                bool meets = rho >= certification_rd_threshold(y) &&
                             researchers + zp.tech_science * labour >=
                                 kCertResearcherShare * (labour + researchers) &&
                             f.last_innovation[i] > t - kInnovationLookback;
                if (meets) {
                  cert_until = static_cast<std::int16_t>(t + kCertificateYears - 1);
                  f.cert_until[i] = cert_until;
                }
              }
              const bool certified = cert_until >= t;

              // Energy-saving retrofit: the subsidy raises the share of firms that retrofit.
              double retro_subsidy = 0, retro_cost_firm = 0;
              float energy = f.energy_intensity[i];
              if (rng.uniform() < zp.retro_threshold) {
                energy *= static_cast<float>(1.0 - retro_cut);
                f.energy_intensity[i] = energy;
                double cost = retro_cost * y;
                retro_subsidy = zp.retro_rate * cost;
                retro_cost_firm = cost - retro_subsidy * zp.payout_ratio;
              }

              // Value added, costs, taxes and profit.
              const double va = sp.value_added_ratio * y * zp.value_added_scale;
              const double wages = labour * zp.wage_mix;
              const double subsidy = zp.subsidy_rate_paid * rd_intensity * y;
              const double vat_paid = vat * va;
              const double pre_tax = va - wages - delta * capital - rd + subsidy + award -
                                     retro_cost_firm - vat_paid;
              const double taxable = pre_tax - zp.super_deduction * rd;
              const double tax_rate = certified ? zp.tax_certified : tax_std;
              const double cit = tax_rate * std::max(0.0, taxable);
              const double profit = pre_tax - cit;
              const double tax = vat_paid + cit;
              f.output[i] = y;
              f.profit[i] = profit;
              const std::uint8_t loss_years =
                  profit < 0 ? static_cast<std::uint8_t>(std::min(f.loss_years[i] + 1, 250)) : 0;
              f.loss_years[i] = loss_years;

              // Investment toward next year's demand, limited by retained profit and credit.
              const double k_star = demand * (1.0 + sp.growth_expected) * k_ratio /
                                    (f.productivity_03[i] * kBaseUtilisation);
              const double wanted = std::max(0.0, k_star - (1.0 - delta) * capital);
              const double credit = zp.credit_rate * capital;
              const double invest = std::min(wanted, std::max(0.0, profit) + credit);
              // Land: capital beyond what the firm's land holds needs new land; a higher plot
              // ratio packs more capital on a mu.
              const double land = f.land_mu[i];
              const double k_after = (1.0 - delta) * capital + invest;
              const double request = std::max(0.0, k_after - f.land_capacity[i]) / zp.density_new;
              double land_request = invest > 0 ? request : 0.0;
              capital = (1.0 - delta) * capital;  // investment is added once land is granted
              f.capital[i] = capital;

              // Land priority class under this year's rule.
              bool priority = false;
              switch (zp.priority_rule) {
                case LandPriority::pro_rata: priority = false; break;
                case LandPriority::high_tech_first:
                  priority = certified || sp.hightech;
                  break;
                case LandPriority::output_per_mu:
                  priority = land > 0 && y / land >= zp.output_per_mu_last;
                  break;
                case LandPriority::large_projects_first: priority = y >= 2e8; break;
              }
              if (priority) flags |= kPriorityLand;
              else flags &= static_cast<std::uint8_t>(~kPriorityLand);

              // Exit: persistent losses, start-up mortality, negligible size, and the
              // low-efficiency rule (per-mu tax or output floors, energy ceiling).
              Stream exit_rng(sc.seed, run.replication, static_cast<std::uint32_t>(i), t, Purpose::exit);
              bool exit = loss_years >= loss_exit || demand < 1e5;
              const bool young = t - f.birth_year[i] < 3;
              const double hazard = exit_hazard[(flags & kIncubated) ? 1 : 0];
              if (young && y < kAboveSizeRevenue && exit_rng.uniform() < hazard) exit = true;
              bool low_eff = false;
              if (land > 0) {
                low_eff = (zp.tax_floor > 0 && tax / land < zp.tax_floor) ||
                          (zp.out_floor > 0 && y / land < zp.out_floor) ||
                          (zp.energy_ceiling > 0 && energy > zp.energy_ceiling);
                low_eff = low_eff && exit_rng.uniform() < zp.enforcement;
              }
              if (exit || low_eff) {
                flags |= kExitNow;
                land_request = 0.0;  // a firm that closes takes no new land
              }
              if (low_eff && !exit) flags |= kLowEfficiencyExit;
              f.land_request[i] = land_request;
              f.flags[i] = flags;

              // Sums for the zone.
              double* ac = acc + L.acc(z, 0);
              ac[kOutput] += y;
              ac[kValueAdded] += va;
              ac[kRd] += rd;
              ac[kFirmsProducing] += 1;
              const bool above = y >= kAboveSizeRevenue;
              ac[kAboveSize] += above;
              ac[kHightech] += certified;
              ac[kHightechAbove] += certified && above;
              ac[kHightechOutput] += certified ? y : 0.0;
              ac[kPatents] += patents;
              ac[kEmployment] += labour + researchers;
              ac[kResearchers] += researchers;
              ac[kTechnical] += zp.tech_share * labour;
              ac[kTax] += tax;
              ac[kEnergy] += energy * y / 1e4;
              ac[kExports] += f.export_share[i] * y;
              ac[kRdSubsidyAsked] += zp.subsidy_rate * rd_intensity * y;
              ac[kFundAsked] += award;
              ac[kRetrofitAsked] += retro_subsidy;
              ac[(flags & kPriorityLand) ? kRequestPriority : kRequestNormal] += land_request;
              acc[L.sec(z, s, kSecOutput)] += y;
              acc[L.sec(z, s, kSecInnovators)] += (flags & kInnovatedNow) ? 1.0 : 0.0;
              acc[L.sec(z, s, kSecFirms)] += 1;
              double& m = mx[z * S + s];
              m = std::max(m, a);
            });
  std::vector<double> sums_b = ys.sums;
  for (std::size_t z = 0; z < Z; ++z)
    for (std::size_t s = 0; s < S; ++s) {
      ZoneState& zs = run.zones[z];
      double firms = sums_b[L.sec(z, s, kSecFirms)];
      zs.frontier[s] = std::max(ys.maxima[z * S + s], 1e-6);
      zs.innovator_share[s] = firms > 0 ? sums_b[L.sec(z, s, kSecInnovators)] / firms : 0.0;
    }

  // ---- Zone step: land supply, entry, land allocation, budget, labour -----------------------
  const std::size_t first_new = f.size();
  ys.grant_fraction.assign(Z * 2, 0.0);
  ys.spend_asked.assign(Z * kSpendCount, 0.0);
  ys.spend_paid.assign(Z * kSpendCount, 0.0);
  for (auto* v : {&ys.entries, &ys.startups, &ys.relocations, &ys.arrived, &ys.entered, &ys.refused,
                  &ys.lost, &ys.net_migration, &ys.project_fdi})
    v->assign(Z, 0.0);

  // Zones compete for projects through their evaluation index (last year's).
  std::vector<double> pull(Z, 1.0);
  {
    double mean = 0;
    for (std::size_t z = 0; z < Z; ++z) mean += run.zones[z].index;
    mean /= static_cast<double>(Z);
    double norm = 0;
    for (std::size_t z = 0; z < Z; ++z) {
      pull[z] = std::exp(0.5 * (run.zones[z].index - mean));
      norm += pull[z];
    }
    for (std::size_t z = 0; z < Z; ++z) pull[z] *= static_cast<double>(Z) / norm;
  }

  const double dev_cost = run.param(Param::land_development_cost_per_mu);
  const double land_price = run.param(Param::land_price_per_mu);
  const double idle_share = run.param(Param::new_land_idle_share);
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    Stream rng = run.zone_stream(z, Purpose::zone_events);
    const double q_ratio = zs.payout_ratio;  // quantity levers are planned on last year's funding
    double* asked = &ys.spend_asked[z * kSpendCount];
    auto ask = [&](Spend k, double v) { asked[static_cast<std::size_t>(k)] += v; };

    // Land supply: the annual quota (rank reward, demotion cut, tie to disposal), disposal of
    // idle land, release by holders.
    double quota = lever(zs, Lever::land_quota_mu);
    if (zs.top_ranked) quota *= 1.0 + lever(zs, Lever::rank_land_bonus);
    if (!zs.national && run.zone_field(z, ZoneField::level) == 0.0)
      quota *= 1.0 - run.param(Param::rank_consequence_quota_cut);
    const double disposed = zs.land_idle * lever(zs, Lever::idle_land_disposal_rate);
    const double released = (zs.land_idle - disposed) * run.param(Param::idle_development_rate);
    quota += lever(zs, Lever::land_quota_idle_link) * zs.land_disposed_last;
    const double supplied_new = std::min(quota, std::max(0.0, zs.land_unsupplied));
    zs.land_unsupplied -= supplied_new;
    zs.land_available += supplied_new + disposed + released;
    zs.land_idle -= disposed + released;
    zs.land_disposed_last = disposed;
    ask(Spend::land_development, supplied_new * dev_cost);
    const double parks = run.zone_field(z, ZoneField::parks);
    const double reach = lever(zs, Lever::shared_land_pool) > 0.5 ? 1.0 : 1.0 - 0.5 * (parks - 1.0) / parks;
    double usable = zs.land_available * reach;

    // Innovation carriers built this year.
    const double inc = lever(zs, Lever::new_incubators) * q_ratio;
    const double acc_new = lever(zs, Lever::new_accelerators) * q_ratio;
    const double inst = lever(zs, Lever::new_rd_institutes) * q_ratio;
    zs.carriers += inc + acc_new + inst;
    zs.institutes += inst;
    ask(Spend::innovation_carriers, inc * run.param(Param::incubator_cost) +
                                        acc_new * run.param(Param::accelerator_cost) +
                                        inst * run.param(Param::rd_institute_cost));

    // Entry 1: start-ups from carriers and the guidance fund (no land: they sit in incubators).
    const double venture = lever(zs, Lever::venture_fund) * q_ratio;
    ask(Spend::venture_fund, venture);
    const std::uint32_t births = rng.poisson(run.param(Param::births_per_carrier) * zs.carriers +
                                             venture / 1e7);
    // Entry 2: external projects (investment attraction) and relocations from the metropolis.
    const double attraction = lever(zs, Lever::attraction_budget) * q_ratio;
    ask(Spend::investment_attraction, attraction);
    const std::uint32_t arrivals = rng.poisson(
        pull[z] * (lever(zs, Lever::attraction_projects_per_year) +
                   attraction / run.param(Param::attraction_cost_per_project)));
    const std::uint32_t relocations =
        run.zone_stream(z, Purpose::relocation, 0xFFFF).poisson(lever(zs, Lever::metropolis_relocations_per_year));
    ys.arrived[z] = arrivals + relocations;

    // Land allocation: priority class first, then the rest; existing firms pro rata within a
    // class, each project needs all of its land or is lost.
    double request_p = sums_b[L.acc(z, kRequestPriority)];
    double request_n = sums_b[L.acc(z, kRequestNormal)];
    struct Project {
      double invest, land, rho, energy, productivity;
      std::size_t sector;
      bool foreign, relocated, priority;
    };
    std::vector<Project> projects;
    projects.reserve(arrivals + relocations);
    std::vector<double> attract_w(S);
    for (std::size_t s = 0; s < S; ++s)
      attract_w[s] = sc.zones[z].sector_shares[s] * run.sector(s, SectorField::attraction_weight) + 1e-12;
    double wsum = std::accumulate(attract_w.begin(), attract_w.end(), 0.0);
    for (double& w : attract_w) w /= wsum;
    const double density_new = density_new_base * lever(zs, Lever::plot_ratio);
    const auto priority_rule = static_cast<LandPriority>(static_cast<unsigned>(lever(zs, Lever::land_priority)));
    for (std::uint32_t k = 0; k < arrivals + relocations; ++k) {
      Project p{};
      p.relocated = k >= arrivals;
      Stream rng = p.relocated ? run.zone_stream(z, Purpose::relocation, k - arrivals)
                               : run.zone_stream(z, Purpose::project, k);
      double u = rng.uniform(), c = 0;
      p.sector = S - 1;
      for (std::size_t s = 0; s < S; ++s) {
        c += attract_w[s];
        if (u < c) { p.sector = s; break; }
      }
      const bool ht_sector = run.sector(p.sector, SectorField::hightech) > 0.5;
      if (p.relocated) {
        double out = run.param(Param::relocated_firm_size) * std::exp(0.5 * rng.normal() - 0.125);
        p.productivity = zs.frontier[p.sector] > 0 ? 0.8 * zs.frontier[p.sector] : 1.0;
        p.invest = capital_need(out, p.productivity, run.sector(p.sector, SectorField::capital_output_ratio));
      } else {
        p.invest = std::min(rng.pareto(run.param(Param::project_min_investment),
                                       run.param(Param::project_size_alpha)), 1e11);
        p.productivity = run.market.productivity * std::exp(0.4 * rng.normal());
      }
      p.rho = run.sector(p.sector, SectorField::rd_propensity) * std::exp(0.8 * rng.normal() - 0.32) *
              (ht_sector ? 1.5 : 1.0);
      p.energy = zs.base_energy_intensity * run.sector(p.sector, SectorField::energy_intensity_factor) *
                 std::exp(0.4 * rng.normal() - 0.08);
      p.foreign = rng.bernoulli(run.zone_field(z, ZoneField::foreign_firm_share) * 1.5);
      double intensity = density_new * std::exp(0.3 * rng.normal() - 0.045);
      p.land = p.invest / intensity;
      // Entry threshold: R&D rule (major projects exempt), investment per mu, energy list.
      const double thr = lever(zs, Lever::entry_rd_threshold);
      const double exempt = lever(zs, Lever::entry_major_project_exemption);
      bool refused = (thr > 0 && p.rho < thr && !(exempt > 0 && p.invest >= exempt)) ||
                     (lever(zs, Lever::entry_min_investment_per_mu) > 0 &&
                      intensity < lever(zs, Lever::entry_min_investment_per_mu)) ||
                     (lever(zs, Lever::entry_max_energy_intensity) > 0 &&
                      p.energy > lever(zs, Lever::entry_max_energy_intensity));
      if (refused) {
        ys.refused[z] += 1;
        continue;
      }
      switch (priority_rule) {
        case LandPriority::pro_rata: p.priority = false; break;
        case LandPriority::high_tech_first: p.priority = ht_sector || p.rho >= 0.03; break;
        case LandPriority::output_per_mu:
          p.priority = intensity / run.sector(p.sector, SectorField::capital_output_ratio) >= output_per_mu_last[z];
          break;
        case LandPriority::large_projects_first: p.priority = p.invest >= 1e9; break;
      }
      projects.push_back(p);
    }
    double proj_land[2] = {0, 0};
    for (const auto& p : projects) proj_land[p.priority ? 0 : 1] += p.land;
    double granted_total = 0;
    std::vector<std::uint8_t> admitted(projects.size(), 0);
    for (int cls = 0; cls < 2; ++cls) {
      const double req = cls == 0 ? request_p : request_n;
      const double want = req + proj_land[cls];
      const double frac = want > 0 ? std::min(1.0, usable / want) : 1.0;
      ys.grant_fraction[z * 2 + cls] = frac;
      double firm_grant = frac * req;
      double project_budget = frac * proj_land[cls];
      usable -= firm_grant;
      granted_total += firm_grant;
      for (std::size_t k = 0; k < projects.size(); ++k) {
        if ((projects[k].priority ? 0 : 1) != cls) continue;
        if (projects[k].land <= project_budget + 1e-9) {
          admitted[k] = 1;
          project_budget -= projects[k].land;
          usable -= projects[k].land;
          granted_total += projects[k].land;
        } else {
          ys.lost[z] += 1;
        }
      }
    }
    zs.land_available -= granted_total;
    if (zs.land_available < 0) zs.land_available = 0;  // rounding only

    // Append entrants: projects and relocations with land, start-ups in incubators.
    const double tax_std_z = tax_std;
    auto new_firm = [&](std::size_t sector, double output, double productivity, double rho,
                        double energy, bool foreign) {
      std::size_t id = f.append(static_cast<std::uint16_t>(z), static_cast<std::uint16_t>(sector), t);
      f.set_productivity(id, productivity);
      f.demand[id] = output;
      f.output[id] = 0;
      f.rd_intensity[id] = rho;
      const double user_cost = rd_user_cost(lever(zs, Lever::rd_subsidy_rate) * zs.payout_ratio,
                                            tax_std_z, lever(zs, Lever::rd_super_deduction));
      f.rd_propensity[id] = rho > 0 ? rho / (rd_sector_factor(run.sector(sector, SectorField::rd_propensity)) *
                                             std::pow(user_cost, eps)) : 0.0;
      f.energy_intensity[id] = static_cast<float>(energy);
      f.export_share[id] = static_cast<float>(std::clamp(
          run.zone_field(z, ZoneField::export_share) * run.sector(sector, SectorField::export_share_factor) *
              (foreign ? 2.0 : 0.8), 0.0, 1.0));
      if (foreign) f.flags[id] |= kForeign;
      return id;
    };
    for (std::size_t k = 0; k < projects.size(); ++k) {
      if (!admitted[k]) continue;
      const Project& p = projects[k];
      const double k_ratio = run.sector(p.sector, SectorField::capital_output_ratio);
      double out = capacity_of(p.invest, p.productivity, k_ratio) * 0.8;
      std::size_t id = new_firm(p.sector, out, p.productivity, p.rho, p.energy, p.foreign);
      f.capital[id] = p.invest;
      f.land_mu[id] = p.land * (1.0 - idle_share);
      f.land_capacity[id] = p.invest;  // the plant is built on the part of the plot in use
      zs.land_idle += p.land * idle_share;
      if (p.relocated) {
        f.flags[id] |= kRelocated;
        ys.relocations[z] += 1;
      }
      ys.entered[z] += 1;
      ys.project_fdi[z] += p.foreign ? p.invest : 0.0;
    }
    for (std::uint32_t k = 0; k < births; ++k) {
      Stream rng = run.zone_stream(z, Purpose::startup, k);
      std::size_t sector = 0;
      double u = rng.uniform(), c = 0;
      std::vector<double>& w = attract_w;  // start-ups follow the zone's sector mix too
      for (std::size_t s = 0; s < S; ++s) {
        c += w[s];
        if (u < c) { sector = s; break; }
        sector = s;
      }
      double out = 3e6 * std::exp(0.7 * rng.normal());
      double prod = run.market.productivity * std::exp(0.5 * rng.normal() - 0.1);
      double rho = run.sector(sector, SectorField::rd_propensity) * 2.0 * std::exp(0.5 * rng.normal());
      double energy = zs.base_energy_intensity * run.sector(sector, SectorField::energy_intensity_factor);
      std::size_t id = new_firm(sector, out, prod, std::min(rho, 0.3), energy, false);
      f.capital[id] = capital_need(out, prod, run.sector(sector, SectorField::capital_output_ratio));
      f.land_mu[id] = 0.0;  // in an incubator
      f.flags[id] |= kIncubated;
      ys.startups[z] += 1;
    }
    ys.entries[z] = ys.entered[z] + ys.startups[z];

    // Labour: researchers migrate (logit over zones and the hinterland, shifted by talent
    // incentives and apartments); training turns general workers into technical workers.
    const double apartments = lever(zs, Lever::talent_apartments) * q_ratio;
    zs.apartments += apartments;
    ask(Spend::talent, apartments * run.param(Param::apartment_cost));
    const double training = lever(zs, Lever::training_places) * q_ratio;
    zs.technical_pool += training;
    ask(Spend::training, training * run.param(Param::training_cost_per_place));
    // Technical workers also come from the hinterland as demand grows (elastic supply); trained
    // workers upgrade jobs in the zone, so technical employment is the pool, up to all jobs.
    zs.technical_pool += 0.5 * std::max(0.0, zs.technical_demand - zs.technical_pool);
    const double production_jobs = sums_b[L.acc(z, kEmployment)] - sums_b[L.acc(z, kResearchers)];
    zs.technical_employed = std::min(zs.technical_pool, production_jobs);

    // Budget items claimed by firms this year.
    ask(Spend::rd_subsidy, sums_b[L.acc(z, kRdSubsidyAsked)]);
    ask(Spend::innovation_fund, sums_b[L.acc(z, kFundAsked)]);
    ask(Spend::energy_retrofit, sums_b[L.acc(z, kRetrofitAsked)]);
    ask(Spend::talent, lever(zs, Lever::talent_subsidy_per_person) *
                           (sums_b[L.acc(z, kResearchers)] + zs.technical_employed) * q_ratio);
    sums_b[L.acc(z, kGranted)] = granted_total;
  }

  // Firms denied most of the land they asked for may move to another zone of the region that has
  // land to spare: zones compete for firms as well as for new projects.
  ys.moved_in.assign(Z, 0.0);
  ys.moved_out.assign(Z, 0.0);
  if (Z > 1) {
    std::vector<double> spare(Z);
    bool short_somewhere = false;
    for (std::size_t z = 0; z < Z; ++z) {
      spare[z] = run.zones[z].land_available;
      short_somewhere = short_somewhere || ys.grant_fraction[z * 2] < 0.5 || ys.grant_fraction[z * 2 + 1] < 0.5;
    }
    const double move_rate = run.param(Param::firm_relocation_rate);
    for (std::size_t i = 0; short_somewhere && move_rate > 0 && i < first_new; ++i) {
      if (!(f.flags[i] & kAlive) || (f.flags[i] & kExitNow) || f.land_request[i] <= 0) continue;
      const std::size_t z = f.zone[i];
      const double frac = ys.grant_fraction[z * 2 + ((f.flags[i] & kPriorityLand) ? 0 : 1)];
      if (frac >= 0.5) continue;
      const double need = f.land_mu[i] + f.land_request[i];
      std::size_t dest = z;
      for (std::size_t w = 0; w < Z; ++w)
        if (w != z && spare[w] >= need && (dest == z || spare[w] > spare[dest])) dest = w;
      if (dest == z || !(run.stream(static_cast<std::uint32_t>(i), Purpose::relocation).uniform() < move_rate))
        continue;
      // The origin gets back the firm's land and the share of its request it had set aside.
      run.zones[z].land_available += f.land_mu[i] + frac * f.land_request[i];
      run.zones[dest].land_available -= need;
      spare[dest] -= need;
      run.zones[dest].land_idle += f.land_request[i] * idle_share;
      f.land_mu[i] += f.land_request[i] * (1.0 - idle_share);
      f.land_capacity[i] += f.land_request[i] * (1.0 - idle_share) * zb[dest].density_new;
      f.land_request[i] = 0;
      f.zone[i] = static_cast<std::uint16_t>(dest);
      ys.moved_out[z] += 1;
      ys.moved_in[dest] += 1;
    }
  }

  // Migration of researchers (region-wide logit).
  {
    double hinterland = 0;
    for (std::size_t z = 0; z < Z; ++z)
      hinterland += run.zone_field(z, ZoneField::mobile_skilled_pool) *
                    std::pow(1.0 + run.sc.region[static_cast<std::size_t>(RegionField::hinterland_growth)],
                             t - sc.base_year);
    double total = hinterland;
    for (const auto& zs : run.zones) total += zs.researchers_pool;
    const double movers = run.param(Param::migration_rate) * total;
    const double beta_w = run.param(Param::migration_wage_elasticity);
    const double beta_i = run.param(Param::migration_incentive_weight);
    const double amen = run.param(Param::apartment_amenity);
    std::vector<double> expu(Z);
    const double u_hinterland = beta_w * std::log(kHinterlandWageRatio * run.param(Param::wage_researcher));
    double u_max = u_hinterland;
    for (std::size_t z = 0; z < Z; ++z) {
      const ZoneState& zs = run.zones[z];
      double incentive = (lever(zs, Lever::talent_subsidy_per_person) * zs.payout_ratio +
                          lever(zs, Lever::talent_recruitment_bonus) * zs.payout_ratio / 3.0) /
                         zs.wage_researcher;
      expu[z] = beta_w * std::log(zs.wage_researcher) + zs.migration_constant + beta_i * incentive +
                amen * zs.apartments;
      u_max = std::max(u_max, expu[z]);
    }
    // Utilities are shifted by the largest when exp() would overflow (thousands of apartments
    // a year: inf / inf made the shares NaN); the shares are the same, and unshifted otherwise.
    const double shift = u_max > 600.0 ? u_max : 0.0;
    double denom = std::exp(u_hinterland - shift);
    for (std::size_t z = 0; z < Z; ++z) {
      expu[z] = std::exp(expu[z] - shift);
      denom += expu[z];
    }
    for (std::size_t z = 0; z < Z; ++z) {
      ZoneState& zs = run.zones[z];
      double arriving = movers * expu[z] / denom;
      double leaving = run.param(Param::migration_rate) * zs.researchers_pool;
      double net = arriving - leaving;
      zs.researchers_pool = std::max(0.0, zs.researchers_pool + net);
      ys.net_migration[z] = net;
      ys.spend_asked[z * kSpendCount + static_cast<std::size_t>(Spend::talent)] +=
          lever(zs, Lever::talent_recruitment_bonus) * zs.payout_ratio * std::max(0.0, arriving);
    }
  }

  // Budget: revenue (retained taxes, land sales, transfers); firms' claims are paid first (they
  // are legal commitments), the zone's own programmes share what is left pro rata.
  const double retention = run.param(Param::local_tax_retention);
  std::vector<double> revenue(Z), shortfall(Z), spent(Z);
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    revenue[z] = retention * sums_b[L.acc(z, kTax)] + land_price * sums_b[L.acc(z, kGranted)] +
                 lever(zs, Lever::upper_level_transfer);
    double available = zs.budget_balance + revenue[z];
    double* asked = &ys.spend_asked[z * kSpendCount];
    double* paid = &ys.spend_paid[z * kSpendCount];
    auto firm_claim = [](std::size_t k) {
      return k == static_cast<std::size_t>(Spend::rd_subsidy) ||
             k == static_cast<std::size_t>(Spend::innovation_fund) ||
             k == static_cast<std::size_t>(Spend::energy_retrofit);
    };
    double claims = 0, programmes = 0;
    for (std::size_t k = 0; k < kSpendCount; ++k) (firm_claim(k) ? claims : programmes) += asked[k];
    double claim_ratio = claims > 0 ? std::min(1.0, available / claims) : 1.0;
    double left = std::max(0.0, available - claim_ratio * claims);
    double prog_ratio = programmes > 0 ? std::min(1.0, left / programmes) : 1.0;
    double total_paid = 0, total_asked = 0;
    for (std::size_t k = 0; k < kSpendCount; ++k) {
      paid[k] = asked[k] * (firm_claim(k) ? claim_ratio : prog_ratio);
      total_paid += paid[k];
      total_asked += asked[k];
    }
    zs.budget_balance = available - total_paid;
    if (zs.budget_balance < 0) zs.budget_balance = 0;  // rounding only
    zs.payout_ratio = total_asked > 0 ? total_paid / total_asked : 1.0;
    shortfall[z] = total_asked - total_paid;
    spent[z] = total_paid;
  }

  // ---- Pass C: land grants, investment, exit -----------------------------------------------
  for (std::size_t z = 0; z < Z; ++z) zb[z].credit_rate = credit_base + lever(run.zones[z], Lever::scitech_credit_ratio);
  firm_pass(first_new, L, ys.partial_sum, ys.partial_max, ys.sums, ys.maxima,
            [&](std::size_t i, double* acc, double*) {
              const std::uint8_t flags = f.flags[i];
              if (!(flags & kAlive)) return;
              const std::size_t z = f.zone[i];
              const ZoneB& zp = zb[z];
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
              const double granted = f.land_request[i] * ys.grant_fraction[z * 2 + cls];
              const double used = granted * (1.0 - idle_share);
              ac[kIdleNew] += granted - used;
              // Capital grows up to what the firm's (old and new) land holds.
              const SectorB& sp = sb[f.sector[i]];
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
  // Entrants (appended this year) hold land already.
  for (std::size_t i = first_new; i < f.size(); ++i) {
    ys.sums[L.acc(f.zone[i], kLandUsed)] += f.land_mu[i];
    ys.sums[L.acc(f.zone[i], kFirmsAlive)] += 1;
  }
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    zs.land_idle += ys.sums[L.acc(z, kIdleNew)];
    zs.land_available += ys.sums[L.acc(z, kLandFreed)];
    zs.patents_last = sums_b[L.acc(z, kPatents)];
    zs.rd_subsidy_estimate = ys.spend_asked[z * kSpendCount];
  }

  // ---- Accounting --------------------------------------------------------------------------
  std::vector<double> merged = sums_b;
  for (unsigned k : {kLandUsed, kFirmsAlive, kExits, kLowEffExits, kLandFreed, kIdleNew, kFdi})
    for (std::size_t z = 0; z < Z; ++z) merged[L.acc(z, k)] = ys.sums[L.acc(z, k)];
  for (std::size_t z = 0; z < Z; ++z) merged[L.acc(z, kFdi)] += ys.project_fdi[z];
  for (std::size_t z = 0; z < Z; ++z) {
    const double* paid = &ys.spend_paid[z * kSpendCount];
    const int yi = t - sc.base_year;
    for (std::size_t k = 0; k < kSpendCount; ++k) run.result->spend(yi, static_cast<int>(z), static_cast<Spend>(k)) = paid[k];
    run.result->ind(yi, static_cast<int>(z), Ind::budget_revenue) = revenue[z];
    run.result->ind(yi, static_cast<int>(z), Ind::budget_spent) = spent[z];
    run.result->ind(yi, static_cast<int>(z), Ind::budget_shortfall) = shortfall[z];
  }
  record_indicators(run, t - sc.base_year, L, merged, ys);
}

namespace {

double safe_div(double a, double b) { return b > 0 ? a / b : 0.0; }

void record_indicators(Run& run, int yi, const Layout& L, const std::vector<double>& sums,
                       const YearScratch& ys) {
  const Scenario& sc = run.sc;
  ReplicationResult& r = *run.result;
  const std::size_t Z = sc.zones.size(), S = sc.sectors.size();
  const int total = static_cast<int>(Z);
  const Benchmarks bench;
  const double years_since = yi;
  // Zone rows.
  for (std::size_t z = 0; z < Z; ++z) {
    const ZoneState& zs = run.zones[z];
    const int zi = static_cast<int>(z);
    auto A = [&](unsigned k) { return sums[L.acc(z, k)]; };
    auto set = [&](Ind i, double v) { r.ind(yi, zi, i) = v; };
    set(Ind::gross_output, A(kOutput));
    set(Ind::value_added, A(kValueAdded));
    set(Ind::rd_expenditure, A(kRd));
    set(Ind::firms, A(kFirmsAlive));
    set(Ind::above_size_firms, A(kAboveSize));
    set(Ind::hightech_firms, A(kHightech));
    set(Ind::hightech_above_size_firms, A(kHightechAbove));
    set(Ind::entries, ys.entries.empty() ? 0 : ys.entries[z]);
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
    set(Ind::projects_arrived, ys.arrived.empty() ? 0 : ys.arrived[z]);
    set(Ind::projects_entered, ys.entered.empty() ? 0 : ys.entered[z]);
    set(Ind::projects_refused_threshold, ys.refused.empty() ? 0 : ys.refused[z]);
    set(Ind::projects_lost_no_land, ys.lost.empty() ? 0 : ys.lost[z]);
    set(Ind::startups, ys.startups.empty() ? 0 : ys.startups[z]);
    set(Ind::relocations, ys.relocations.empty() ? 0 : ys.relocations[z]);
    set(Ind::wage_researcher, zs.wage_researcher);
    set(Ind::skilled_net_migration, ys.net_migration.empty() ? 0 : ys.net_migration[z]);
    set(Ind::national_level, zs.national ? 1.0 : 0.0);
    set(Ind::firms_moved_in, ys.moved_in.empty() ? 0 : ys.moved_in[z]);
    set(Ind::firms_moved_out, ys.moved_out.empty() ? 0 : ys.moved_out[z]);
    for (std::size_t s = 0; s < S; ++s) r.sec(yi, zi, static_cast<int>(s)) = sums[L.sec(z, s, kSecOutput)];
  }
  // Totals row: sums of the zone rows for additive indicators.
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
  // Ratios, for zones and the total alike.
  double hightech_output_total = 0;
  for (std::size_t z = 0; z < Z; ++z) hightech_output_total += sums[L.acc(z, kHightechOutput)];
  double province_trade = sc.region[static_cast<std::size_t>(RegionField::province_trade)] *
                          std::pow(1 + sc.region[static_cast<std::size_t>(RegionField::province_trade_growth)], years_since);
  double province_fdi = sc.region[static_cast<std::size_t>(RegionField::province_manufacturing_fdi)] *
                        std::pow(1 + sc.region[static_cast<std::size_t>(RegionField::province_fdi_growth)], years_since);
  for (int zi = 0; zi <= total; ++zi) {
    auto get = [&](Ind i) { return r.ind(yi, zi, i); };
    auto set = [&](Ind i, double v) { r.ind(yi, zi, i) = v; };
    double ht_out = zi < total ? sums[L.acc(static_cast<std::size_t>(zi), kHightechOutput)] : hightech_output_total;
    set(Ind::rd_to_gdp, safe_div(get(Ind::rd_expenditure), get(Ind::value_added)));
    set(Ind::hightech_share_above_size, safe_div(get(Ind::hightech_above_size_firms), get(Ind::above_size_firms)));
    set(Ind::hightech_output_share, safe_div(ht_out, get(Ind::gross_output)));
    set(Ind::skilled_share, safe_div(get(Ind::skilled_employment), get(Ind::employment)));
    set(Ind::output_per_mu, safe_div(get(Ind::gross_output), get(Ind::land_used)));
    set(Ind::tax_per_mu, safe_div(get(Ind::tax_revenue), get(Ind::land_used)));
    set(Ind::value_added_per_mu, safe_div(get(Ind::value_added), get(Ind::land_used)));
    set(Ind::energy_per_output, safe_div(get(Ind::energy_use), get(Ind::gross_output) / 1e4));
    set(Ind::trade_share_of_province, safe_div(get(Ind::exports) * 1.6, province_trade));
    set(Ind::fdi_share_of_province, safe_div(get(Ind::fdi), province_fdi));
    if (zi == total) {
      double w = 0;
      for (std::size_t z = 0; z < Z; ++z) w += r.ind(yi, static_cast<int>(z), Ind::wage_researcher);
      set(Ind::wage_researcher, w / static_cast<double>(Z));
    }
  }
  // Composite evaluation index over five dimensions (log ratios to national benchmarks), the
  // rank among the scenario's zones and an estimated national rank.
  std::vector<double> idx(Z);
  for (std::size_t z = 0; z < Z; ++z) {
    const int zi = static_cast<int>(z);
    auto get = [&](Ind i) { return r.ind(yi, zi, i); };
    auto lr = [](double v, double b) { return std::log(std::max(v, 1e-9 * b) / b); };
    double industrial = 0.5 * (lr(get(Ind::gross_output), bench.output) + lr(get(Ind::output_per_mu), bench.output_per_mu));
    double innovation = (lr(get(Ind::rd_to_gdp), bench.rd_to_gdp) +
                         lr(get(Ind::hightech_output_share), bench.hightech_output_share) +
                         lr(safe_div(get(Ind::invention_patents) * 1e4, get(Ind::employment)), bench.patents_per_10k)) / 3.0;
    double driving = lr(safe_div(get(Ind::value_added), run.zones[z].city_gdp), bench.gdp_share_of_city);
    double ecology = -lr(get(Ind::energy_per_output), bench.energy_per_output);
    double idle = safe_div(get(Ind::land_idle), get(Ind::land_supplied));
    double admin = -lr(idle + 0.01, bench.idle_share) - 2.0 * safe_div(get(Ind::budget_shortfall), get(Ind::budget_revenue) + 1.0);
    idx[z] = 0.2 * (std::clamp(industrial, -5.0, 5.0) + std::clamp(innovation, -5.0, 5.0) +
                    std::clamp(driving, -5.0, 5.0) + std::clamp(ecology, -5.0, 5.0) +
                    std::clamp(admin, -5.0, 5.0));
    r.ind(yi, zi, Ind::evaluation_index) = idx[z];
  }
  const double n_nat = sc.region[static_cast<std::size_t>(RegionField::national_zone_count)];
  const double med = sc.region[static_cast<std::size_t>(RegionField::national_index_median)];
  const double spread = sc.region[static_cast<std::size_t>(RegionField::national_index_spread)];
  for (std::size_t z = 0; z < Z; ++z) {
    ZoneState& zs = run.zones[z];
    int rank = 1;
    for (std::size_t w = 0; w < Z; ++w)
      if (idx[w] > idx[z] || (idx[w] == idx[z] && w < z)) ++rank;
    zs.rank = rank;
    zs.index = idx[z];
    zs.top_ranked = Z > 1 && rank == 1;
    double better = 1.0 / (1.0 + std::exp((idx[z] - med) / spread));  // share of zones ahead
    zs.national_rank = 1 + static_cast<int>(std::floor(better * (n_nat - 1.0) + 0.5));
    if (yi > 0) {
      const int bottom_line = static_cast<int>(n_nat) - 4;  // bottom five nationally
      zs.bottom_years = (zs.national && zs.national_rank >= bottom_line) ? zs.bottom_years + 1 : 0;
      const int need = static_cast<int>(lever(zs, Lever::demotion_bottom_years));
      if (need > 0 && zs.bottom_years >= need && zs.national) zs.national = false;
    }
    r.ind(yi, static_cast<int>(z), Ind::rank) = rank;
    r.ind(yi, static_cast<int>(z), Ind::national_rank) = zs.national_rank;
    r.ind(yi, static_cast<int>(z), Ind::national_level) = zs.national ? 1.0 : 0.0;
  }
  // Totals for index-like indicators: the output-weighted mean index, best rank.
  double wsum = 0, w = 0;
  int best = 0, best_nat = 0;
  for (std::size_t z = 0; z < Z; ++z) {
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

void record_base_year(Run& run) {
  const Scenario& sc = run.sc;
  const Firms& f = run.firms;
  const std::size_t Z = sc.zones.size(), S = sc.sectors.size();
  const Layout L{Z, S};
  std::vector<double> sums(L.width(), 0.0);
  const double tax_std = run.param(Param::standard_income_tax_rate);
  const double vat = run.param(Param::vat_rate_on_value_added);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t z = f.zone[i], s = f.sector[i];
    const double y = f.output[i];
    const bool cert = f.cert_until[i] >= sc.base_year;
    const bool above = y >= kAboveSizeRevenue;
    const double tech = run.zone_field(z, ZoneField::technical_share);
    const double labour = f.employment[i];
    sums[L.acc(z, kOutput)] += y;
    // Value added as the generator computed it (population.cpp).
    const double value_added = run.sector(s, SectorField::value_added_ratio) * y * run.zones[z].value_added_scale;
    sums[L.acc(z, kValueAdded)] += value_added;
    sums[L.acc(z, kRd)] += f.rd_intensity[i] * y;
    sums[L.acc(z, kFirmsAlive)] += 1;
    sums[L.acc(z, kAboveSize)] += above;
    sums[L.acc(z, kHightech)] += cert;
    sums[L.acc(z, kHightechAbove)] += cert && above;
    sums[L.acc(z, kHightechOutput)] += cert ? y : 0.0;
    sums[L.acc(z, kPatents)] += f.patents[i];
    sums[L.acc(z, kEmployment)] += labour;
    sums[L.acc(z, kResearchers)] += f.researchers[i];
    sums[L.acc(z, kTechnical)] += tech * (labour - f.researchers[i]);
    // Taxes of the base year at a typical margin (for per-mu tax before the first simulated year).
    sums[L.acc(z, kTax)] += vat * value_added + (cert ? 0.15 : tax_std) * 0.05 * y;
    sums[L.acc(z, kEnergy)] += f.energy_intensity[i] * y / 1e4;
    sums[L.acc(z, kExports)] += f.export_share[i] * y;
    sums[L.acc(z, kLandUsed)] += f.land_mu[i];
    sums[L.sec(z, s, kSecOutput)] += y;
  }
  YearScratch empty;
  record_indicators(run, 0, L, sums, empty);
}

}  // namespace zonesim::detail
