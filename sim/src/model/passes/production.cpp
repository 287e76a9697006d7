// Production: for every firm, in this order — output (demand and capacity), R&D (capped by the
// zone's researchers, plus innovation-fund awards), innovation, imitation and the idiosyncratic
// productivity shock, staff, high-tech
// certification, energy retrofit, value added, taxes and profit, investment plan and land
// request, its land priority class, and whether it exits. Then the zone-sector productivity
// frontier and innovator shares that next year's imitation uses.
#include "step.hpp"

namespace zonesim::detail {
namespace {

// Per-zone values of this pass (levers, zone state), read once; the land grants
// (grants_exits.cpp) and relocation use them too.
void read_zone_rates(YearStep& y) {
  Run& run = y.run;
  const double tax_std = y.param(Param::standard_income_tax_rate);
  const double inst_spill = y.param(Param::institute_spillover);
  const double retro_base = y.param(Param::retrofit_base_rate);
  const double credit_base = y.param(Param::base_credit_ratio);
  // capital_per_mu is stated at the plot ratio's default; a higher ratio packs more capital on a mu.
  const double density_new_base =
      y.param(Param::capital_per_mu) / setting(Lever::plot_ratio).default_value;
  y.output_per_mu_last.assign(y.Z, 0.0);
  for (std::size_t z = 0; z < y.Z; ++z) {
    int prev = y.t - y.sc.base_year - 1;
    y.output_per_mu_last[z] = run.result->ind(prev, static_cast<int>(z), Ind::output_per_mu);
  }
  y.zone.assign(y.Z, ZoneRates{});
  for (std::size_t z = 0; z < y.Z; ++z) {
    const ZoneState& zs = run.zones[z];
    const double tech_share = y.tech_share[z];
    ZoneRates& p = y.zone[z];
    p.fund = lever(zs, Lever::innovation_fund) * zs.payout_ratio;
    p.patents_last = zs.patents_last;
    p.researcher_cap = zs.researcher_cap;
    p.researcher_cap_keep = zs.researcher_cap_keep;
    p.wage_researcher = zs.wage_researcher;
    p.institutes_pull = inst_spill * zs.institutes;
    p.tech_science = kTechnicalInScienceStaff * tech_share;
    p.retro_rate = lever(zs, Lever::energy_retrofit_subsidy_rate);
    p.retro_threshold = std::min(1.0, retro_base * (1.0 + 4.0 * p.retro_rate));
    p.claims_paid_share = zs.claims_paid_share;
    p.value_added_scale = zs.value_added_scale;
    p.wage_mix = (1.0 - tech_share) * zs.wage_general + tech_share * zs.wage_technical;
    p.subsidy_rate = lever(zs, Lever::rd_subsidy_rate);
    p.subsidy_rate_paid = p.subsidy_rate * zs.claims_paid_share;
    p.super_deduction = lever(zs, Lever::rd_super_deduction);
    p.tax_certified = std::min(lever(zs, Lever::hightech_income_tax_rate), tax_std);
    // A model firm stands for k real firms, each of which gets the award.
    p.cert_award = lever(zs, Lever::hightech_certification_award) * y.count_scale;
    p.credit_rate = credit_base + lever(zs, Lever::scitech_credit_ratio);
    p.density_new = density_new_base * lever(zs, Lever::plot_ratio);
    // The base-year stock stands at the plot ratio capital_per_mu is stated at (0.93); a plot
    // raised to plot_ratio_max holds the zone's base-year capital per mu scaled up accordingly.
    p.insitu_rate = lever(zs, Lever::intensification_rate);
    p.density_max = zs.capital_density * lever(zs, Lever::plot_ratio_max) / setting(Lever::plot_ratio).default_value;
    p.tax_floor = lever(zs, Lever::exit_min_tax_per_mu);
    p.out_floor = lever(zs, Lever::exit_min_output_per_mu);
    p.energy_ceiling = lever(zs, Lever::exit_max_energy_intensity);
    p.enforcement = lever(zs, Lever::exit_enforcement_rate);
    p.output_per_mu_last = y.output_per_mu_last[z];
    p.tech_share = tech_share;
    p.priority_rule = static_cast<LandPriority>(static_cast<unsigned>(lever(zs, Lever::land_priority)));
  }
}

void read_sector_rates(YearStep& y) {
  y.sector.assign(y.S, SectorRates{});
  for (std::size_t s = 0; s < y.S; ++s) {
    SectorRates& sp = y.sector[s];
    sp.k_ratio = y.sector_field(s, SectorField::capital_output_ratio);
    sp.value_added_ratio = y.sector_field(s, SectorField::value_added_ratio);
    sp.growth_expected = std::max(0.0, y.sector_field(s, SectorField::demand_growth));
    sp.hightech = y.sector_field(s, SectorField::hightech) > 0.5;
    sp.market_factor = std::exp(y.run.market.demand_growth[s]);
  }
}

// One firm's year, as the steps of the firm body below compute it.
struct FirmYear {
  double y, y_last;  // output this year and last year (0: the firm had not produced)
  // award: the innovation-fund award the firm claims; award_paid: what it counts on receiving
  double award, award_paid, rd_intensity, rd, rho;  // rd: reported R&D; rho: real R&D / output
  double rd_real, rd_relabelled;
  double ln_a;               // ln A after innovation, imitation and the shock (A moves in logs)
  double a;                  // A at the end of the year
  bool a_changed;
  std::uint16_t patents;
  std::uint8_t flags;
  double labour, researchers;
  bool certified;
  bool first_certified;  // certified this year without a certificate the year before
  double cert_award;     // the certification award it claims (k awards; 0 unless first certified)
  float energy;
  double retro_subsidy, retro_cost_firm;
  double va, tax, profit;
  double land_request;
};

// The firm body of the production pass; its members are read once per year.
class Production {
 public:
  explicit Production(YearStep& y)
      : f_(y.f), L_(y.L), t_(y.t), S_(y.S), seed_(y.sc.seed), rep_(y.run.replication),
        zone_(y.zone.data()), sector_(y.sector.data()), opw_scale_(y.opw_scale.data()),
        spill_share_(spill_shares(y)), ln_frontier_(log_frontiers(y)) {
    const Run& run = y.run;
    zeta_in_ = run.param(Param::innovation_zeta);
    zeta_im_ = run.param(Param::imitation_zeta);
    im_rd_weight_ = run.param(Param::imitation_rd_weight);
    shock_sd_ = run.param(Param::tfp_shock_sd);
    jump_ = run.param(Param::innovation_jump_max);
    catch_up_ = run.param(Param::imitation_catch_up);
    vat_ = run.param(Param::vat_rate_on_value_added);
    delta_ = run.param(Param::capital_depreciation);
    patent_cost_ = run.param(Param::patent_rd_cost);
    passthrough_ = run.param(Param::innovation_fund_rd_passthrough);
    retro_cut_ = run.param(Param::retrofit_energy_cut);
    retro_cost_ = run.param(Param::retrofit_cost_share);
    tax_std_ = run.param(Param::standard_income_tax_rate);
    theta_ = run.param(Param::rd_personnel_share);
    loss_exit_ = static_cast<std::uint8_t>(run.param(Param::loss_years_to_exit));
    scale_ = y.count_scale;
    // An innovating real firm has at least one patent: a model firm stands for k of them.
    patent_base_ = static_cast<std::uint32_t>(std::min(std::lround(scale_), 5000L));
    const double startup_hazard = run.param(Param::startup_exit_hazard);
    exit_hazard_[0] = startup_hazard;
    exit_hazard_[1] = startup_hazard * (1.0 - run.param(Param::incubator_survival_gain));
  }

  // The firms [begin, end) of a block (at most kBlock), each in the order of the steps below;
  // the exponentials of the hazards, the shock's normal variate and A, A^0.3, A^0.7 of the
  // block's firms are computed together in SIMD lanes (vmath.hpp) between the steps that need
  // them. Firms touch only their own state before add_to_sums, which runs in firm order.
  void operator()(std::size_t begin, std::size_t end, double* acc, double* mx) const {
    const std::size_t n = end - begin;
    FirmYear fy[kBlock];
    // (= {}: -Wmaybe-uninitialized, which cannot see that the loops set them)
    double x_in[kBlock] = {}, x_im[kBlock] = {}, u1[kBlock] = {}, u2[kBlock] = {};  // exponents; the shock's uniforms
    double no_in[kBlock], no_im[kBlock], e[kBlock];  // exp(x_in), exp(x_im); normal
    double ln_a[kBlock] = {}, a[kBlock], a03[kBlock], a07[kBlock];
    // The one uniform a firm draws for imitation and for retrofit, the first it draws for
    // innovation, and the shock's two (Stream::normal's, in its order): the first Philox block
    // of each of those streams, in lanes.
    double u_in[kBlock] = {}, u_im[kBlock] = {}, u_retro[kBlock] = {};
    const auto entity = static_cast<std::uint32_t>(begin);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::innovation), u_in, nullptr);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::imitation), u_im, nullptr);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::retrofit), u_retro, nullptr);
    if (shock_sd_ > 0)
      vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::tfp_shock), u1, u2);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = begin + k;
      x_in[k] = x_im[k] = 0.0;
      if (!(f_.flags[i] & kAlive)) {  // a dead firm's lanes: finite, not used
        u1[k] = 0.5, u2[k] = 0.0;
        continue;
      }
      const std::size_t z = f_.zone[i], s = f_.sector[i];
      fy[k] = FirmYear{};
      output_and_rd(i, zone_[z], sector_[s], f_.capital[i], f_.demand[i], fy[k]);
      x_in[k] = -zeta_in_ * fy[k].rho / kRdNorm;
      x_im[k] = -zeta_im_ * imitation_pull(z * S_ + s, zone_[z], fy[k]);
    }
    vmath::exp(n, x_in, no_in);
    vmath::exp(n, x_im, no_im);
    if (shock_sd_ > 0) vmath::normal(n, u1, u2, e);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = begin + k;
      ln_a[k] = 0.0;
      if (!(f_.flags[i] & kAlive)) continue;
      const std::size_t z = f_.zone[i], s = f_.sector[i];
      innovate(i, u_in[k], no_in[k], fy[k]);
      imitate(i, z * S_ + s, u_im[k], no_im[k], fy[k]);
      shock(shock_sd_ > 0 ? e[k] : 0.0, fy[k]);
      ln_a[k] = fy[k].ln_a;
    }
    vmath::productivity_powers(n, ln_a, a, a03, a07);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = begin + k;
      if (!(f_.flags[i] & kAlive)) continue;
      const std::size_t z = f_.zone[i], s = f_.sector[i];
      const ZoneRates& zp = zone_[z];
      const SectorRates& sp = sector_[s];
      const double capital = f_.capital[i];
      const double demand = f_.demand[i];
      FirmYear& y = fy[k];
      if (y.a_changed) {  // Firms::set_log_productivity, its exps from the lanes
        f_.productivity[i] = a[k];
        f_.log_productivity[i] = y.ln_a;
        f_.productivity_03[i] = a03[k];
        f_.productivity_07[i] = a07[k];
      }
      y.a = f_.productivity[i];
      staff(i, z * S_ + s, zp, y);
      certify(i, zp, y);
      retrofit(i, zp, u_retro[k], y);
      accounts(i, zp, sp, capital, y);
      plan_investment(i, zp, sp, capital, demand, y);
      classify_land(i, zp, sp, y);
      decide_exit(i, zp, demand, y);
      f_.land_request[i] = y.land_request;
      f_.flags[i] = y.flags;
      add_to_sums(i, z, s, zp, y, acc, mx);
    }
  }

 private:
  static std::vector<double> spill_shares(const YearStep& y) {
    std::vector<double> v(y.Z * y.S);
    const double spill = y.param(Param::spillover_strength);
    for (std::size_t z = 0; z < y.Z; ++z)
      for (std::size_t s = 0; s < y.S; ++s) v[z * y.S + s] = spill * y.run.zones[z].innovator_share[s];
    return v;
  }
  static std::vector<double> log_frontiers(const YearStep& y) {
    std::vector<double> v(y.Z * y.S);
    for (std::size_t z = 0; z < y.Z; ++z)
      for (std::size_t s = 0; s < y.S; ++s) v[z * y.S + s] = std::log(y.run.zones[z].frontier[s]);
    return v;
  }

  // Production is limited by demand and by capacity; R&D is capped by the zone's researchers,
  // plus innovation-fund awards.
  void output_and_rd(std::size_t i, const ZoneRates& zp, const SectorRates& sp, double capital,
                     double demand, FirmYear& fy) const {
    const double cap = capital * f_.productivity_03[i] / sp.k_ratio;
    fy.y_last = f_.output[i];
    fy.y = std::min(demand, cap);
    fy.award = zp.patents_last > 0 ? zp.fund * f_.patents[i] / zp.patents_last : 0.0;
    // Awards are claims on the zone, paid first but in part when the zone cannot pay its claims
    // (3.11): a firm counts on the share paid last year, as for its R&D subsidy.
    fy.award_paid = fy.award * zp.claims_paid_share;
    fy.rd_intensity = capped_rd_intensity(f_.rd_intensity[i], f_.cert_plan[i], demand / scale_, zp.researcher_cap_keep,
                                          zp.researcher_cap);
    f_.rd_intensity[i] = fy.rd_intensity;
    fy.rd = fy.rd_intensity * fy.y + passthrough_ * fy.award_paid;
    // Relabelled other cost is reported as R&D but buys no research (Chen et al. 2021).
    fy.rd_relabelled = static_cast<double>(f_.rd_relabelled[i]) * fy.rd_intensity * fy.y;
    fy.rd_real = fy.rd - fy.rd_relabelled;
    fy.rho = fy.y > 0 ? fy.rd_real / fy.y : 0.0;
  }

  // Innovation (Dosi et al. 2010): success probability rises with R&D; the jump is drawn from
  // Beta(3,3) on [-max, max] and adopted only if it improves productivity.
  // draw: the first uniform of the firm's innovation stream; no_innovation: exp(-zeta_in rho /
  // kRdNorm), the probability of no success. A successful firm draws on from the same stream.
  void innovate(std::size_t i, double draw, double no_innovation, FirmYear& fy) const {
    fy.patents = 0;
    fy.flags = f_.flags[i] & static_cast<std::uint8_t>(~kInnovatedNow);
    fy.ln_a = f_.log_productivity[i];
    if (draw < 1.0 - no_innovation) {
      Stream rng = firm_stream(i, Purpose::innovation);
      rng.uniform();  // `draw`
      double x = (2.0 * rng.beta33() - 1.0) * jump_;
      if (x > 0) {
        fy.ln_a += std::log1p(x);  // A x (1 + x)
        fy.a_changed = true;
      }
      f_.last_innovation[i] = static_cast<std::int16_t>(t_);
      fy.flags |= kInnovatedNow;
      fy.patents = static_cast<std::uint16_t>(
          patent_base_ + std::min<std::uint32_t>(rng.poisson(fy.rd_real / patent_cost_), 60000u));
    }
  }

  // A firm's stream of one purpose this year (its own numbers, whatever the other purposes draw).
  Stream firm_stream(std::size_t i, Purpose purpose) const {
    return Stream(seed_, rep_, static_cast<std::uint32_t>(i), t_, purpose);
  }

  // Imitation toward the zone-sector frontier, easier where innovators cluster: a success
  // (probability 1 - exp(-zeta_im pull)) closes the share catch_up of the log gap,
  // ln A += c (ln F - ln A). no_imitation: exp(-zeta_im pull).
  double imitation_pull(std::size_t zsec, const ZoneRates& zp, const FirmYear& fy) const {
    return im_rd_weight_ * fy.rho / kRdNorm + spill_share_[zsec] + zp.institutes_pull;
  }
  // draw: the first uniform of the firm's imitation stream.
  void imitate(std::size_t i, std::size_t zsec, double draw, double no_imitation, FirmYear& fy) const {
    if (draw < 1.0 - no_imitation) {
      if (ln_frontier_[zsec] > fy.ln_a) fy.ln_a += catch_up_ * (ln_frontier_[zsec] - fy.ln_a);
      fy.a_changed = true;
    }
    f_.patents[i] = fy.patents;
  }

  // The idiosyncratic productivity shock, mean one in levels: ln A += sd e - sd^2/2, e standard
  // normal from the firm's own stream of this purpose (whatever innovation and imitation drew;
  // the block's variates from vmath::normal). Without it ranks would freeze once few firms
  // imitate. ln A takes its final value of the year (A, A^0.3, A^0.7 follow in lanes).
  void shock(double e, FirmYear& fy) const {
    if (shock_sd_ > 0) {
      fy.ln_a += shock_sd_ * e - 0.5 * shock_sd_ * shock_sd_;
      fy.a_changed = true;
    }
  }

  void staff(std::size_t i, std::size_t zsec, const ZoneRates& zp, FirmYear& fy) const {
    fy.labour = fy.y / (opw_scale_[zsec] * f_.productivity_07[i]);
    fy.researchers = fy.rd_real * theta_ / zp.wage_researcher;
    f_.employment[i] = static_cast<float>(fy.labour + fy.researchers);
    f_.researchers[i] = static_cast<float>(fy.researchers);
  }

  // High-tech certification, checked when the certificate has lapsed: reported R&D over the last
  // three years at least the threshold share of the three years' sales (a firm younger than three
  // years: the years since it entered), S&T staff and a recent innovation. A firm certified
  // without a certificate the year before (a first certification) claims the zone's award.
  void certify(std::size_t i, const ZoneRates& zp, FirmYear& fy) const {
    std::int16_t cert_until = f_.cert_until[i];
    if (cert_until < t_ && fy.y > 0) {
      const double rd_3y = static_cast<double>(f_.rd_before[i]) + static_cast<double>(f_.rd_last[i]) + fy.rd;
      const double sales_3y = static_cast<double>(f_.sales_before[i]) + f_.output[i] + fy.y;
      bool meets = rd_3y >= certification_rd_threshold(fy.y / scale_) * sales_3y &&
                   fy.researchers + zp.tech_science * fy.labour >=
                       kCertResearcherShare * (fy.labour + fy.researchers) &&
                   f_.last_innovation[i] > t_ - kInnovationLookback;
      if (meets) {
        if (cert_until < t_ - 1) {
          fy.first_certified = true;
          fy.cert_award = zp.cert_award;
        }
        cert_until = static_cast<std::int16_t>(t_ + kCertificateYears - 1);
        f_.cert_until[i] = cert_until;
      }
    }
    fy.certified = cert_until >= t_;
  }

  // Energy-saving retrofit: the subsidy raises the share of firms that retrofit. draw: the first
  // uniform of the firm's retrofit stream.
  void retrofit(std::size_t i, const ZoneRates& zp, double draw, FirmYear& fy) const {
    fy.energy = f_.energy_intensity[i];
    if (draw < zp.retro_threshold) {
      fy.energy *= static_cast<float>(1.0 - retro_cut_);
      f_.energy_intensity[i] = fy.energy;
      double cost = retro_cost_ * fy.y;
      fy.retro_subsidy = zp.retro_rate * cost;
      fy.retro_cost_firm = cost - fy.retro_subsidy * zp.claims_paid_share;
    }
  }

  // Value added, costs, taxes and profit; years of losses in a row.
  void accounts(std::size_t i, const ZoneRates& zp, const SectorRates& sp, double capital,
                FirmYear& fy) const {
    fy.va = sp.value_added_ratio * fy.y * zp.value_added_scale;
    const double wages = fy.labour * zp.wage_mix;
    const double subsidy = zp.subsidy_rate_paid * fy.rd_intensity * fy.y;
    const double vat_paid = vat_ * fy.va;
    double pre_tax = fy.va - wages - delta_ * capital - fy.rd_real + subsidy + fy.award_paid -
                     fy.retro_cost_firm - vat_paid;
    // The certification award, taxable income; the firm counts on the share of claims paid.
    if (fy.cert_award > 0) pre_tax += fy.cert_award * zp.claims_paid_share;
    const double taxable = pre_tax - zp.super_deduction * fy.rd;
    const double tax_rate = fy.certified ? zp.tax_certified : tax_std_;
    const double cit = tax_rate * std::max(0.0, taxable);
    fy.profit = pre_tax - cit;
    fy.tax = vat_paid + cit;
    // The 3-year window moves on (certify read it above).
    f_.sales_before[i] = static_cast<float>(f_.output[i]);
    f_.rd_before[i] = f_.rd_last[i];
    f_.rd_last[i] = static_cast<float>(fy.rd);
    f_.output[i] = fy.y;
    f_.profit[i] = fy.profit;
    f_.loss_years[i] =
        fy.profit < 0 ? static_cast<std::uint8_t>(std::min(f_.loss_years[i] + 1, 250)) : 0;
  }

  // Investment toward next year's demand, limited by retained profit and credit. Capital beyond
  // what the firm's land holds, after in-situ intensification, needs new land; a higher plot
  // ratio packs more capital on a mu of new land.
  // The capital depreciates now; the investment is added once land is granted (grants_exits.cpp).
  void plan_investment(std::size_t i, const ZoneRates& zp, const SectorRates& sp, double capital,
                       double demand, FirmYear& fy) const {
    const double k_star = demand * (1.0 + sp.growth_expected) * sp.k_ratio /
                          (f_.productivity_03[i] * kBaseUtilisation);
    const double wanted = std::max(0.0, k_star - (1.0 - delta_) * capital);
    const double credit = zp.credit_rate * capital;
    const double invest = std::min(wanted, std::max(0.0, fy.profit) + credit);
    const double k_after = (1.0 - delta_) * capital + invest;
    // In-situ intensification first: the firm builds up its own plot before asking for new land.
    double held = f_.land_capacity[i];
    if (zp.insitu_rate > 0 && k_after > held) {
      held += insitu_capacity_added(held, k_after, zp.insitu_rate, f_.land_mu[i] * zp.density_max);
      f_.land_capacity[i] = held;
    }
    const double request = std::max(0.0, k_after - held) / zp.density_new;
    fy.land_request = invest > 0 ? request : 0.0;
    f_.capital[i] = (1.0 - delta_) * capital;
  }

  // Land priority class under this year's rule.
  void classify_land(std::size_t i, const ZoneRates& zp, const SectorRates& sp, FirmYear& fy) const {
    const double land = f_.land_mu[i];
    const LandClaim claim{fy.certified || sp.hightech,
                          land > 0 ? fy.y / land : -std::numeric_limits<double>::infinity(),
                          fy.y / scale_ >= kLargeFirmOutput};
    if (land_priority(zp.priority_rule, claim, zp.output_per_mu_last)) fy.flags |= kPriorityLand;
    else fy.flags &= static_cast<std::uint8_t>(~kPriorityLand);
  }

  // Exit: persistent losses, start-up mortality, negligible size, and the low-efficiency rule
  // (per-mu tax or output floors, energy ceiling). A firm that closes takes no new land.
  void decide_exit(std::size_t i, const ZoneRates& zp, double demand, FirmYear& fy) const {
    bool exit = f_.loss_years[i] >= loss_exit_ || demand / scale_ < 1e5;
    const bool young = t_ - f_.birth_year[i] < kStartupYears;
    const double hazard = exit_hazard_[(fy.flags & kIncubated) ? 1 : 0];
    if (young && fy.y / scale_ < kAboveSizeRevenue && firm_stream(i, Purpose::exit).uniform() < hazard) exit = true;
    const double land = f_.land_mu[i];
    bool low_eff = false;
    if (land > 0) {
      low_eff = (zp.tax_floor > 0 && fy.tax / land < zp.tax_floor) ||
                (zp.out_floor > 0 && fy.y / land < zp.out_floor) ||
                (zp.energy_ceiling > 0 && fy.energy > zp.energy_ceiling);
      low_eff = low_eff && firm_stream(i, Purpose::exit_enforcement).uniform() < zp.enforcement;
    }
    if (exit || low_eff) {
      fy.flags |= kExitNow;
      fy.land_request = 0.0;
    }
    if (low_eff && !exit) fy.flags |= kLowEfficiencyExit;
  }

  void add_to_sums(std::size_t i, std::size_t z, std::size_t s, const ZoneRates& zp,
                   const FirmYear& fy, double* acc, double* mx) const {
    const double y = fy.y;
    double* ac = acc + L_.acc(z, 0);
    ac[kOutput] += y;
    // Channels of the change of output: a firm that produced last year contributes the market's
    // growth of its last output (trend) and the rest of its change (its market share: the
    // replicator, its demand shock, its capacity); a firm producing for the first time, entry.
    if (fy.y_last > 0) {
      const double trend = fy.y_last * (sector_[s].market_factor - 1.0);
      ac[kChangeTrend] += trend;
      ac[kChangeRealloc] += y - fy.y_last - trend;
    } else {
      ac[kChangeEntry] += y;
    }
    ac[kValueAdded] += fy.va;
    ac[kRd] += fy.rd;
    ac[kRdRelabelled] += fy.rd_relabelled;
    ac[kFirmsProducing] += 1;
    const bool above = y / scale_ >= kAboveSizeRevenue;
    ac[kAboveSize] += above;
    ac[kHightech] += fy.certified;
    ac[kHightechAbove] += fy.certified && above;
    ac[kHightechNew] += fy.first_certified;
    ac[kCertAwardAsked] += fy.cert_award;
    ac[kHightechOutput] += fy.certified ? y : 0.0;
    ac[kPatents] += fy.patents;
    ac[kEmployment] += fy.labour + fy.researchers;
    ac[kResearchers] += fy.researchers;
    ac[kTechnical] += zp.tech_share * fy.labour;
    ac[kTax] += fy.tax;
    ac[kEnergy] += fy.energy * y / 1e4;
    ac[kExports] += f_.export_share[i] * y;
    ac[kRdSubsidyAsked] += zp.subsidy_rate * fy.rd_intensity * y;
    ac[kFundAsked] += fy.award;
    ac[kRetrofitAsked] += fy.retro_subsidy;
    ac[(fy.flags & kPriorityLand) ? kRequestPriority : kRequestNormal] += fy.land_request;
    acc[L_.sec(z, s, kSecOutput)] += y;
    acc[L_.sec(z, s, kSecInnovators)] += (fy.flags & kInnovatedNow) ? 1.0 : 0.0;
    acc[L_.sec(z, s, kSecFirms)] += 1;
    double& m = mx[z * S_ + s];
    m = std::max(m, fy.a);
  }

  Firms& f_;
  const Layout L_;
  const int t_;
  const std::size_t S_;
  const std::uint64_t seed_;
  const std::uint32_t rep_;
  const ZoneRates* zone_;
  const SectorRates* sector_;
  const double* opw_scale_;
  const std::vector<double> spill_share_, ln_frontier_;  // per zone x sector
  double zeta_in_, zeta_im_, im_rd_weight_, shock_sd_, jump_, catch_up_, vat_, delta_, patent_cost_, passthrough_;
  double retro_cut_, retro_cost_, tax_std_, theta_;
  double scale_;                // real firms per model firm: a real firm's size is a model firm's / scale_
  std::uint32_t patent_base_;   // patents of an innovating model firm before its R&D's (k real firms' one each)
  std::uint8_t loss_exit_;
  double exit_hazard_[2];
};

// Next year's imitation targets: the best productivity and the share of innovators of each
// zone-sector.
void update_frontiers(YearStep& y) {
  for (std::size_t z = 0; z < y.Z; ++z)
    for (std::size_t s = 0; s < y.S; ++s) {
      ZoneState& zs = y.run.zones[z];
      double firms = y.sums[y.L.sec(z, s, kSecFirms)];
      zs.frontier[s] = std::max(y.ys.maxima[z * y.S + s], 1e-6);
      zs.innovator_share[s] = firms > 0 ? y.sums[y.L.sec(z, s, kSecInnovators)] / firms : 0.0;
    }
}

}  // namespace

void production(YearStep& y) {
  read_zone_rates(y);
  read_sector_rates(y);
  const Production body(y);
  firm_block_pass(y.f.size(), y.L, y.ys.partial_sum, y.ys.partial_max, y.ys.sums, y.ys.maxima,
                  [&](std::size_t begin, std::size_t end, double* acc, double* mx) { body(begin, end, acc, mx); });
  y.sums = y.ys.sums;
  y.first_new = y.f.size();
  update_frontiers(y);
}

}  // namespace zonesim::detail
