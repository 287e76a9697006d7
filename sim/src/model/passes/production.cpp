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

// A block's firms' year, one array per value (index k: the block's k-th firm, or its k-th live
// firm when many are dead; Production::operator()), as the steps of the firm body below compute it. Rows marked "lanes" are computed in vmath's lanes (output_and_rd,
// accounts) from the gathered rows above them.
struct BlockYear {
  // The firms' values of the firm arrays of doubles the lanes read: in place when the block is
  // mostly alive, else the live firms' gathered into `gathered` (Production::column). capital, A^0.3 (last
  // year's and after this year's change), demand, the chosen R&D intensity, A^0.7 after this
  // year's change, last year's output, the capital its land holds, its land.
  bool all_alive;
  const double *capital, *p03, *demand, *rd_chosen, *p07, *p03_now, *output, *held, *land_mu;
  double gathered[9][kBlock];
  // gathered for output_and_rd
  double k_ratio[kBlock], patents_last[kBlock], queue[kBlock], relabelled[kBlock], spill[kBlock];
  // lanes: output, the innovation-fund award the firm claims and what it counts on receiving,
  // R&D intensity after the talent cap, reported, relabelled and real R&D, the hazards' exponents
  double y[kBlock], award[kBlock], award_paid[kBlock], rd_intensity[kBlock], rd[kBlock];
  double rd_relabelled[kBlock], rd_real[kBlock], x_in[kBlock], x_im[kBlock];
  double real_demand[kBlock];  // a real firm's: demand / count_scale
  // innovation, imitation and the shock
  double ln_a[kBlock];  // ln A after innovation, imitation and the shock (A moves in logs)
  bool a_changed[kBlock];
  std::uint16_t patents[kBlock];
  std::uint8_t flags[kBlock];
  // gathered for accounts
  double opw[kBlock], va_ratio[kBlock], growth[kBlock];
  double sales_before[kBlock], rd_before[kBlock], rd_last[kBlock], cert_until[kBlock], last_innovation[kBlock];
  // lanes: staff, certification (1/0; first_certified: without a certificate the year before), retrofit (1/0) and its money, value added, taxes, profit,
  // land request, the capital the firm's land holds after in-situ intensification
  double labour[kBlock], researchers[kBlock], certified[kBlock], newly_certified[kBlock], first_certified[kBlock];
  double retrofits[kBlock], retro_subsidy[kBlock], retro_cost_firm[kBlock];
  double va[kBlock], tax[kBlock], profit[kBlock], land_request[kBlock], held_after[kBlock];
  // a real firm's output (y / count_scale); output and taxes per mu of its land (where it has land)
  double real_y[kBlock], y_per_mu[kBlock], tax_per_mu[kBlock];
  double y_last[kBlock];  // last year's output (0: the firm had not produced), kept as it is replaced
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

  // The firms [begin, end) of a block (at most kBlock), each in the order of the steps below.
  // The arithmetic of output and R&D, and of staff, certification, retrofit, accounts and the
  // investment plan, runs in SIMD lanes over the block's live firms of one zone at a time
  // (vmath::output_and_rd, vmath::accounts: the rules written there, in the order of the steps,
  // as the same IEEE operations a firm at a time would do); the exponentials of the hazards, the
  // shock's normal variate and A, A^0.3, A^0.7 too (vmath.hpp). The branchy steps (innovation,
  // imitation, land class, exit) and the zone sums run a firm at a time, the sums in firm order.
  // Firms that have closed take no part: in a block with more than a quarter of its firms dead
  // (dead firms fill the arrays of long runs), the live firms are listed first and index k below
  // is a live firm's place in that list; else k is a firm's place in the block.
  void operator()(std::size_t begin, std::size_t end, double* acc, double* mx) const {
    const std::size_t n = end - begin;
    std::uint8_t pos[kBlock];  // the k-th live firm is firm begin + pos[k]
    const std::size_t m = live_positions(f_.flags.data(), begin, n, pos);
    if (m == 0) return;
    // A block mostly alive keeps every firm in its place (dead firms' lanes are computed, not
    // used; the arrays are read in place).
    if (4 * m >= 3 * n) block<false>(begin, n, pos, acc, mx);
    else block<true>(begin, m, pos, acc, mx);
  }

 private:
  // The block's firms: the live ones listed in pos[0 .. m) (kCompact), or all m firms in place.
  // (The steps below are forced inline: with two instances of this body GCC left some out.)
  template <bool kCompact>
  void block(std::size_t begin, std::size_t m, const std::uint8_t* pos, double* acc, double* mx) const {
    const auto at = [pos](std::size_t k) -> std::size_t { return kCompact ? pos[k] : k; };
    const std::size_t n = kCompact ? static_cast<std::size_t>(pos[m - 1]) + 1 : m;  // the streams' firms
    BlockYear b;
    b.all_alive = !kCompact;
    // (= {}: -Wmaybe-uninitialized, which cannot see that the loops set them)
    double u1[kBlock] = {}, u2[kBlock] = {};  // the shock's uniforms
    double no_in[kBlock], no_im[kBlock], e[kBlock];  // exp(x_in), exp(x_im); normal
    double a[kBlock], a03[kBlock], a07[kBlock];
    // The one uniform a firm draws for imitation and for retrofit, the first it draws for
    // innovation, and the shock's two (Stream::normal's, in its order): the first Philox block
    // of each of those streams, in lanes (the block's firms, by position; then the live firms').
    double u_in[kBlock] = {}, u_im[kBlock] = {}, u_retro[kBlock] = {};
    const auto entity = static_cast<std::uint32_t>(begin);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::innovation), u_in, nullptr);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::imitation), u_im, nullptr);
    vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::retrofit), u_retro, nullptr);
    if (shock_sd_ > 0)
      vmath::first_uniforms(n, seed_, rep_, entity, t_, static_cast<std::uint32_t>(Purpose::tfp_shock), u1, u2);
    if (kCompact)
      for (std::size_t k = 0; k < m; ++k) {
        const std::size_t p = pos[k];
        u_in[k] = u_in[p], u_im[k] = u_im[p], u_retro[k] = u_retro[p], u1[k] = u1[p], u2[k] = u2[p];
      }
    // Output and R&D.
    std::uint16_t zone_of[kBlock];  // the live firms' zones (kCompact)
    const std::uint16_t* const zones = kCompact ? zone_of : &f_.zone[begin];
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t i = begin + at(k);
      const std::size_t z = f_.zone[i], s = f_.sector[i];
      if (kCompact) zone_of[k] = static_cast<std::uint16_t>(z);
      b.k_ratio[k] = sector_[s].k_ratio;
      b.patents_last[k] = f_.patents[i];
      b.queue[k] = f_.cert_plan[i];
      b.relabelled[k] = f_.rd_relabelled[i];
      b.spill[k] = spill_share_[z * S_ + s];
      // for accounts (values this pass changes only after it; last_innovation in innovate)
      const SectorRates& sp = sector_[s];
      b.opw[k] = opw_scale_[z * S_ + s];
      b.va_ratio[k] = sp.value_added_ratio;
      b.growth[k] = sp.growth_expected;
      b.sales_before[k] = f_.sales_before[i];
      b.rd_before[k] = f_.rd_before[i];
      b.rd_last[k] = f_.rd_last[i];
      b.cert_until[k] = f_.cert_until[i];
    }
    b.capital = column(f_.capital, begin, pos, m, b, 0);
    b.p03 = column(f_.productivity_03, begin, pos, m, b, 1);
    b.demand = column(f_.demand, begin, pos, m, b, 2);
    b.rd_chosen = column(f_.rd_intensity, begin, pos, m, b, 3);
    for_zone_runs(zones, m, [&](std::size_t first, std::size_t count, std::size_t z) {
      vmath::output_and_rd(first, count, output_rd_lanes(b, zone_[z]));
    });
    vmath::exp(m, b.x_in, no_in);
    vmath::exp(m, b.x_im, no_im);
    if (shock_sd_ > 0) vmath::normal(m, u1, u2, e);
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t i = begin + at(k);
      b.a_changed[k] = false;
      b.ln_a[k] = 0.0;
      b.last_innovation[k] = f_.last_innovation[i];
      if (!(f_.flags[i] & kAlive)) continue;
      f_.rd_intensity[i] = b.rd_intensity[k];
      innovate(i, k, u_in[k], no_in[k], b);
      imitate(i, k, zones[k] * S_ + f_.sector[i], u_im[k], no_im[k], b);
      shock(k, shock_sd_ > 0 ? e[k] : 0.0, b);
    }
    vmath::productivity_powers(m, b.ln_a, a, a03, a07);
    // Staff, certification, retrofit, accounts and the investment plan.
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t i = begin + at(k);
      if (b.a_changed[k]) {  // Firms::set_log_productivity, its exps from the lanes
        f_.productivity[i] = a[k];
        f_.log_productivity[i] = b.ln_a[k];
        f_.productivity_03[i] = a03[k];
        f_.productivity_07[i] = a07[k];
      }
    }
    // (capital and demand as read above: they have not changed)
    b.p07 = column(f_.productivity_07, begin, pos, m, b, 4);
    b.p03_now = column(f_.productivity_03, begin, pos, m, b, 5);
    b.output = column(f_.output, begin, pos, m, b, 6);
    b.held = column(f_.land_capacity, begin, pos, m, b, 7);
    b.land_mu = column(f_.land_mu, begin, pos, m, b, 8);
    for_zone_runs(zones, m, [&](std::size_t first, std::size_t count, std::size_t z) {
      vmath::accounts(first, count, accounts_lanes(b, u_retro, zone_[z]));
    });
    // The rest a firm at a time, the zone sums held in local variables over each run of one
    // zone (the same additions in firm order, from the sums' values before the run).
    for_zone_runs(zones, m, [&](std::size_t first, std::size_t count, std::size_t z) {
      const ZoneRates& zp = zone_[z];
      double* const ac = acc + L_.acc(z, 0);
      ZoneSums sums(ac);
      for (std::size_t k = first; k < first + count; ++k) {
        const std::size_t i = begin + at(k);
        if (!(f_.flags[i] & kAlive)) continue;
        const std::size_t s = f_.sector[i];
        store_accounts(i, k, b);
        const float energy = retrofit_energy(i, k, b);
        classify_land(i, k, zp, sector_[s], b);
        decide_exit(i, k, zp, energy, b);
        f_.land_request[i] = b.land_request[k];
        f_.flags[i] = b.flags[k];
        add_to_sums(i, k, z, s, zp, energy, b, sums, acc, mx);
      }
      sums.store(ac);
    });
  }

  // A zone's sums of this pass over a run of its firms: each starts from the zone's sum before
  // the run and adds the run's firms in order, as the firms added to the zone's sum would. The
  // counts (of firms, of patents) are integers: added once at the end, they give the same sum
  // (every partial sum is an integer below 2^53, exact).
  struct ZoneSums {
    explicit ZoneSums(const double* ac)
        : output(ac[kOutput]), trend(ac[kChangeTrend]), realloc(ac[kChangeRealloc]), entry(ac[kChangeEntry]),
          value_added(ac[kValueAdded]), rd(ac[kRd]), rd_relabelled(ac[kRdRelabelled]),
          cert_award_asked(ac[kCertAwardAsked]), hightech_output(ac[kHightechOutput]), employment(ac[kEmployment]),
          researchers(ac[kResearchers]), technical(ac[kTechnical]), tax(ac[kTax]), energy(ac[kEnergy]),
          exports(ac[kExports]), rd_subsidy_asked(ac[kRdSubsidyAsked]), fund_asked(ac[kFundAsked]),
          retrofit_asked(ac[kRetrofitAsked]), request_priority(ac[kRequestPriority]),
          request_normal(ac[kRequestNormal]) {}
    void store(double* ac) const {
      ac[kOutput] = output, ac[kChangeTrend] = trend, ac[kChangeRealloc] = realloc, ac[kChangeEntry] = entry;
      ac[kValueAdded] = value_added, ac[kRd] = rd, ac[kRdRelabelled] = rd_relabelled;
      ac[kCertAwardAsked] = cert_award_asked, ac[kHightechOutput] = hightech_output, ac[kEmployment] = employment;
      ac[kResearchers] = researchers, ac[kTechnical] = technical, ac[kTax] = tax, ac[kEnergy] = energy;
      ac[kExports] = exports, ac[kRdSubsidyAsked] = rd_subsidy_asked, ac[kFundAsked] = fund_asked;
      ac[kRetrofitAsked] = retrofit_asked, ac[kRequestPriority] = request_priority;
      ac[kRequestNormal] = request_normal;
      ac[kFirmsProducing] += static_cast<double>(producing);
      ac[kAboveSize] += static_cast<double>(above);
      ac[kHightech] += static_cast<double>(hightech);
      ac[kHightechAbove] += static_cast<double>(hightech_above);
      ac[kHightechNew] += static_cast<double>(hightech_new);
      ac[kPatents] += static_cast<double>(patents);
    }
    double output, trend, realloc, entry, value_added, rd, rd_relabelled, cert_award_asked, hightech_output;
    double employment, researchers, technical, tax, energy, exports, rd_subsidy_asked, fund_asked;
    double retrofit_asked, request_priority, request_normal;
    std::uint64_t producing = 0, above = 0, hightech = 0, hightech_above = 0, hightech_new = 0, patents = 0;
  };

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

  // The firms' values of a firm array: read in place when the block is mostly alive, else the
  // live firms' gathered into the block's column c.
  static const double* column(const std::vector<double>& v, std::size_t begin, const std::uint8_t* pos,
                              std::size_t m, BlockYear& b, int c) {
    if (b.all_alive) return v.data() + begin;
    double* col = b.gathered[c];
    for (std::size_t k = 0; k < m; ++k) col[k] = v[begin + pos[k]];
    return col;
  }

  // Production is limited by demand and by capacity (capital x A^0.3 / the sector's capital-output
  // ratio); R&D is the chosen intensity capped by the zone's researchers (capped_rd_intensity,
  // step.hpp), plus the innovation-fund award the firm counts on receiving (awards are claims on
  // the zone, paid first but in part when the zone cannot pay its claims (3.11): a firm counts on
  // the share paid last year, as for its R&D subsidy). Relabelled other cost is reported as R&D
  // but buys no research (Chen et al. 2021). The exponents of the hazards: innovation
  // -zeta_in rho / kRdNorm, imitation -zeta_im pull (imitate), rho = real R&D / output.
  vmath::OutputRdLanes output_rd_lanes(BlockYear& b, const ZoneRates& zp) const {
    return vmath::OutputRdLanes{
        b.capital, b.p03, b.k_ratio, b.demand, b.patents_last, b.rd_chosen, b.queue, b.relabelled, b.spill, b.y, b.award, b.award_paid, b.rd_intensity, b.rd, b.rd_relabelled, b.rd_real, b.x_in, b.x_im,
        b.real_demand,
        zp.fund, zp.patents_last, zp.claims_paid_share, zp.researcher_cap_keep, zp.researcher_cap,
        zp.institutes_pull, passthrough_, scale_, zeta_in_, zeta_im_, im_rd_weight_, kRdNorm};
  }

  // Staff: labour from output per worker and A^0.7, researchers from real R&D. High-tech
  // certification, checked when the certificate has lapsed: reported R&D over the last three
  // years at least the threshold share of the three years' sales (a firm younger than three
  // years: the years since it entered), S&T staff and a recent innovation. Energy-saving
  // retrofit: the subsidy raises the share of firms that retrofit (the firm's retrofit draw below
  // the zone's threshold); it costs a share of output, the subsidy paid in part. Value added,
  // costs, taxes and profit. The investment plan toward next year's demand, limited by retained
  // profit and credit; capital beyond what the firm's land holds, after in-situ intensification
  // (the firm builds up its own plot before asking for new land), needs new land, a higher plot
  // ratio packing more capital on a mu of new land.
  vmath::AccountsLanes accounts_lanes(BlockYear& b, const double* retro_draw, const ZoneRates& zp) const {
    return vmath::AccountsLanes{
        b.y, b.rd_real, b.rd_intensity, b.rd, b.award_paid, b.p07, b.p03_now, b.capital, b.demand, b.opw,
        b.va_ratio, b.growth, b.k_ratio, b.output, b.sales_before, b.rd_before, b.rd_last, b.cert_until,
        b.last_innovation, retro_draw, b.held, b.land_mu,
        b.labour, b.researchers, b.certified, b.newly_certified, b.first_certified, b.retrofits, b.retro_subsidy, b.retro_cost_firm,
        b.va, b.tax, b.profit, b.land_request, b.held_after, b.real_y, b.y_per_mu, b.tax_per_mu,
        zp.wage_researcher, zp.tech_science, zp.retro_rate, zp.retro_threshold, zp.claims_paid_share,
        zp.value_added_scale, zp.wage_mix, zp.subsidy_rate_paid, zp.super_deduction, zp.tax_certified,
        zp.credit_rate, zp.density_new, zp.insitu_rate, zp.density_max, zp.cert_award,
        theta_, retro_cost_, vat_, delta_, tax_std_, scale_, static_cast<double>(t_),
        static_cast<double>(kInnovationLookback), static_cast<double>(kCertificateYears), kCertResearcherShare,
        kBaseUtilisation};
  }

  // Innovation (Dosi et al. 2010): success probability rises with R&D; the jump is drawn from
  // Beta(3,3) on [-max, max] and adopted only if it improves productivity.
  // draw: the first uniform of the firm's innovation stream; no_innovation: exp(-zeta_in rho /
  // kRdNorm), the probability of no success. A successful firm draws on from the same stream.
  [[gnu::always_inline]] void innovate(std::size_t i, std::size_t k, double draw, double no_innovation, BlockYear& b) const {
    b.patents[k] = 0;
    b.flags[k] = f_.flags[i] & static_cast<std::uint8_t>(~kInnovatedNow);
    b.ln_a[k] = f_.log_productivity[i];
    if (draw < 1.0 - no_innovation) {
      Stream rng = firm_stream(i, Purpose::innovation);
      rng.uniform();  // `draw`
      double x = (2.0 * rng.beta33() - 1.0) * jump_;
      if (x > 0) {
        b.ln_a[k] += std::log1p(x);  // A x (1 + x)
        b.a_changed[k] = true;
      }
      f_.last_innovation[i] = static_cast<std::int16_t>(t_);
      b.last_innovation[k] = f_.last_innovation[i];
      b.flags[k] |= kInnovatedNow;
      b.patents[k] = static_cast<std::uint16_t>(
          patent_base_ + std::min<std::uint32_t>(rng.poisson(b.rd_real[k] / patent_cost_), 60000u));
    }
  }

  // A firm's stream of one purpose this year (its own numbers, whatever the other purposes draw).
  Stream firm_stream(std::size_t i, Purpose purpose) const {
    return Stream(seed_, rep_, static_cast<std::uint32_t>(i), t_, purpose);
  }

  // Imitation toward the zone-sector frontier, easier where innovators cluster: a success
  // (probability 1 - exp(-zeta_im pull), pull = im_rd_weight rho / kRdNorm + the zone-sector's
  // spillover share + the institutes' pull) closes the share catch_up of the log gap,
  // ln A += c (ln F - ln A). draw: the first uniform of the firm's imitation stream;
  // no_imitation: exp(-zeta_im pull).
  [[gnu::always_inline]] void imitate(std::size_t i, std::size_t k, std::size_t zsec, double draw, double no_imitation, BlockYear& b) const {
    if (draw < 1.0 - no_imitation) {
      if (ln_frontier_[zsec] > b.ln_a[k]) b.ln_a[k] += catch_up_ * (ln_frontier_[zsec] - b.ln_a[k]);
      b.a_changed[k] = true;
    }
    f_.patents[i] = b.patents[k];
  }

  // The idiosyncratic productivity shock, mean one in levels: ln A += sd e - sd^2/2, e standard
  // normal from the firm's own stream of this purpose (whatever innovation and imitation drew;
  // the block's variates from vmath::normal). Without it ranks would freeze once few firms
  // imitate. ln A takes its final value of the year (A, A^0.3, A^0.7 follow in lanes).
  [[gnu::always_inline]] void shock(std::size_t k, double e, BlockYear& b) const {
    if (shock_sd_ > 0) {
      b.ln_a[k] += shock_sd_ * e - 0.5 * shock_sd_ * shock_sd_;
      b.a_changed[k] = true;
    }
  }

  // What the lanes of vmath::accounts computed, stored in the firm's state: staff, a new
  // certificate, the 3-year window moved on (certification read it), output, profit and the
  // years of losses in a row, the capital the land holds; the capital depreciates now, the
  // investment is added once land is granted (grants_exits.cpp).
  [[gnu::always_inline]] void store_accounts(std::size_t i, std::size_t k, BlockYear& b) const {
    b.y_last[k] = f_.output[i];
    f_.employment[i] = static_cast<float>(b.labour[k] + b.researchers[k]);
    f_.researchers[i] = static_cast<float>(b.researchers[k]);
    if (b.newly_certified[k] != 0) f_.cert_until[i] = static_cast<std::int16_t>(t_ + kCertificateYears - 1);
    f_.sales_before[i] = static_cast<float>(f_.output[i]);
    f_.rd_before[i] = f_.rd_last[i];
    f_.rd_last[i] = static_cast<float>(b.rd[k]);
    f_.output[i] = b.y[k];
    f_.profit[i] = b.profit[k];
    f_.loss_years[i] =
        b.profit[k] < 0 ? static_cast<std::uint8_t>(std::min(f_.loss_years[i] + 1, 250)) : 0;
    f_.land_capacity[i] = b.held_after[k];
    f_.capital[i] = (1.0 - delta_) * f_.capital[i];
  }

  // A retrofitting firm's energy intensity falls by the share retrofit_energy_cut.
  [[gnu::always_inline]] float retrofit_energy(std::size_t i, std::size_t k, const BlockYear& b) const {
    float energy = f_.energy_intensity[i];
    if (b.retrofits[k] != 0) {
      energy *= static_cast<float>(1.0 - retro_cut_);
      f_.energy_intensity[i] = energy;
    }
    return energy;
  }

  // Land priority class under this year's rule.
  [[gnu::always_inline]] void classify_land(std::size_t i, std::size_t k, const ZoneRates& zp, const SectorRates& sp, BlockYear& b) const {
    const double land = f_.land_mu[i];
    const LandClaim claim{b.certified[k] != 0 || sp.hightech,
                          land > 0 ? b.y_per_mu[k] : -std::numeric_limits<double>::infinity(),
                          b.real_y[k] >= kLargeFirmOutput};
    if (land_priority(zp.priority_rule, claim, zp.output_per_mu_last)) b.flags[k] |= kPriorityLand;
    else b.flags[k] &= static_cast<std::uint8_t>(~kPriorityLand);
  }

  // Exit: persistent losses, start-up mortality, negligible size, and the low-efficiency rule
  // (per-mu tax or output floors, energy ceiling). A firm that closes takes no new land.
  [[gnu::always_inline]] void decide_exit(std::size_t i, std::size_t k, const ZoneRates& zp, float energy, BlockYear& b) const {
    bool exit = f_.loss_years[i] >= loss_exit_ || b.real_demand[k] < 1e5;
    const bool young = t_ - f_.birth_year[i] < kStartupYears;
    const double hazard = exit_hazard_[(b.flags[k] & kIncubated) ? 1 : 0];
    if (young && b.real_y[k] < kAboveSizeRevenue && firm_stream(i, Purpose::exit).uniform() < hazard) exit = true;
    const double land = f_.land_mu[i];
    bool low_eff = false;
    if (land > 0) {
      low_eff = (zp.tax_floor > 0 && b.tax_per_mu[k] < zp.tax_floor) ||
                (zp.out_floor > 0 && b.y_per_mu[k] < zp.out_floor) ||
                (zp.energy_ceiling > 0 && energy > zp.energy_ceiling);
      low_eff = low_eff && firm_stream(i, Purpose::exit_enforcement).uniform() < zp.enforcement;
    }
    if (exit || low_eff) {
      b.flags[k] |= kExitNow;
      b.land_request[k] = 0.0;
    }
    if (low_eff && !exit) b.flags[k] |= kLowEfficiencyExit;
  }

  [[gnu::always_inline]] void add_to_sums(std::size_t i, std::size_t k, std::size_t z, std::size_t s, const ZoneRates& zp, float energy,
                   const BlockYear& b, ZoneSums& ac, double* acc, double* mx) const {
    const double y = b.y[k], y_last = b.y_last[k];
    const bool certified = b.certified[k] != 0;
    const std::uint8_t flags = b.flags[k];
    ac.output += y;
    // Channels of the change of output: a firm that produced last year contributes the market's
    // growth of its last output (trend) and the rest of its change (its market share: the
    // replicator, its demand shock, its capacity); a firm producing for the first time, entry.
    if (y_last > 0) {
      const double trend = y_last * (sector_[s].market_factor - 1.0);
      ac.trend += trend;
      ac.realloc += y - y_last - trend;
    } else {
      ac.entry += y;
    }
    ac.value_added += b.va[k];
    ac.rd += b.rd[k];
    ac.rd_relabelled += b.rd_relabelled[k];
    ac.producing += 1;
    const bool above = b.real_y[k] >= kAboveSizeRevenue;
    ac.above += above;
    ac.hightech += certified;
    ac.hightech_above += certified && above;
    ac.hightech_new += b.first_certified[k] != 0;  // (1 or 0)
    ac.cert_award_asked += b.first_certified[k] != 0 ? zp.cert_award : 0.0;
    ac.hightech_output += certified ? y : 0.0;
    ac.patents += b.patents[k];
    ac.employment += b.labour[k] + b.researchers[k];
    ac.researchers += b.researchers[k];
    ac.technical += zp.tech_share * b.labour[k];
    ac.tax += b.tax[k];
    ac.energy += energy * y / 1e4;
    ac.exports += f_.export_share[i] * y;
    ac.rd_subsidy_asked += zp.subsidy_rate * b.rd_intensity[k] * y;
    ac.fund_asked += b.award[k];
    ac.retrofit_asked += b.retro_subsidy[k];
    if (flags & kPriorityLand) ac.request_priority += b.land_request[k];
    else ac.request_normal += b.land_request[k];
    acc[L_.sec(z, s, kSecOutput)] += y;
    acc[L_.sec(z, s, kSecInnovators)] += (flags & kInnovatedNow) ? 1.0 : 0.0;
    acc[L_.sec(z, s, kSecFirms)] += 1;
    double& m = mx[z * S_ + s];
    m = std::max(m, f_.productivity[i]);
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
