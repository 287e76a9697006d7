// Demand and R&D: the market's demand growth (sector trend plus a common macro shock), each
// firm's demand shock, its desired R&D intensity under the zone's R&D policy (subsidy, super
// deduction, high-tech tax rate) and the researchers and technical workers it asks for.
#include "step.hpp"

namespace zonesim::detail {
namespace {

// Each sector's national market: its demand grows by the sector trend plus a common macro shock
// (random, plus the scenario's region.demand_shock of the year) and the sector's own given shock;
// the zones' firms hold shares of it (demand / market size) and the rest of the country holds the
// remainder at the market's productivity, which grows by market_productivity_growth. The
// share-weighted mean productivity of all sellers of the sector (zones and rest of the country)
// is what the replicator compares each firm with.
void market_demand(YearStep& y) {
  Run& run = y.run;
  Market& m = run.market;
  const Firms& f = y.f;
  Stream macro = run.stream(kRegionEntity, Purpose::macro);
  // The macro shock: a random common shock plus the scenario's given shock of the year
  // (region.demand_shock, e.g. the 2020 shock; 0 unless given).
  const double shock = run.param(Param::macro_shock_sd) * macro.normal() + y.sc.demand_shock.at(y.t);
  // Zone firms' demand and demand x productivity per sector, at the start of the year.
  std::vector<double> d_sum(y.S, 0.0), da_sum(y.S, 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!(f.flags[i] & kAlive)) continue;
    d_sum[f.sector[i]] += f.demand[i];
    da_sum[f.sector[i]] += f.demand[i] * f.productivity[i];
  }
  if (m.size.empty()) {  // first simulated year: the base year's demand sets each market's size
    const double share = run.param(Param::zones_market_share);
    m.size.assign(y.S, 0.0);
    for (std::size_t s = 0; s < y.S; ++s) m.size[s] = d_sum[s] / share;
  }
  m.productivity *= 1.0 + run.param(Param::market_productivity_growth);
  m.mean_productivity.assign(y.S, m.productivity);
  for (std::size_t s = 0; s < y.S; ++s) {
    // Then the sector's own given shock (sectors.<id>.demand_shock; 0 unless given).
    run.market.demand_growth[s] = run.sector(s, SectorField::demand_growth) + shock + y.sc.sectors[s].demand_shock.at(y.t);
    if (m.size[s] > 0) {
      // The zones' firms can hold at most the whole market; the rest of the country the rest.
      const double zones_share = std::min(1.0, d_sum[s] / m.size[s]);
      const double zones_mean = d_sum[s] > 0 ? da_sum[s] / d_sum[s] : m.productivity;
      m.mean_productivity[s] = (1.0 - zones_share) * m.productivity + zones_share * zones_mean;
    }
    m.size[s] *= std::exp(run.market.demand_growth[s]);
  }
}

// Lever and parameter values the firms of a zone or sector share, read once into small arrays
// (products are formed in the same order as the per-firm expressions, so every value is the one
// the per-firm code would compute).
void read_rd_policy(YearStep& y) {
  const double eps = y.param(Param::rd_user_cost_elasticity);
  const double tax_std = y.param(Param::standard_income_tax_rate);
  y.tech_share.assign(y.Z, 0.0);
  for (std::size_t z = 0; z < y.Z; ++z) y.tech_share[z] = y.run.zone_field(z, ZoneField::technical_share);
  y.rd_cost.assign(y.Z, RdCost{});
  y.opw_scale.assign(y.Z * y.S, 0.0);
  for (std::size_t z = 0; z < y.Z; ++z) {
    const ZoneState& zs = y.run.zones[z];
    const double tax_ht = lever(zs, Lever::hightech_income_tax_rate);
    const double subsidy = lever(zs, Lever::rd_subsidy_rate) * zs.claims_paid_share;
    RdCost& rc = y.rd_cost[z];
    for (int c = 0; c < 2; ++c) {
      const double tax = c ? std::min(tax_ht, tax_std) : tax_std;
      rc.user_cost[c] = rd_user_cost(subsidy, tax, lever(zs, Lever::rd_super_deduction));
      rc.user_cost_pow[c] = std::pow(rc.user_cost[c], eps);
    }
    rc.tax_saving_rate = std::max(0.0, tax_std - tax_ht);
    rc.certified_after_tax_cost =
        (1.0 - subsidy) * (1.0 - std::min(tax_ht, tax_std) * (1.0 + lever(zs, Lever::rd_super_deduction)));
    rc.relabel_gain = std::max(0.0, 1.0 - std::min(tax_ht, tax_std) - rc.certified_after_tax_cost);
    rc.tax_std = tax_std;
    rc.award_after_tax = lever(zs, Lever::hightech_certification_award) * y.count_scale *
                         zs.claims_paid_share * (1.0 - std::min(tax_ht, tax_std));
    for (std::size_t s = 0; s < y.S; ++s)
      y.opw_scale[z * y.S + s] = y.sector_field(s, SectorField::output_per_worker) * zs.labour_scale;
  }
  y.sector_rd.assign(y.S, 0.0);
  for (std::size_t s = 0; s < y.S; ++s)
    y.sector_rd[s] = rd_sector_factor(y.sector_field(s, SectorField::rd_propensity));
}

}  // namespace

// Certification as a firm decision (docs/model.md 3.3; the notch of Chen, Liu, Suarez Serrato &
// Xu, AER 2021). A firm (doing R&D or not) whose desired intensity is below its revenue band's threshold
// weighs the present value of a 3-year certificate — the tax saving (standard minus high-tech
// rate) on its expected taxable profit in each of the three years, discounted — against the
// present value of the extra real R&D it needs, net of what the subsidy and the super-deduction
// pay on the relabelled part: it reports 1.02 x the threshold every year, of which up to
// `rd_relabel_share` is relabelled other cost. Under the 3-year cumulative test a
// firm whose history falls short waits (0-2 years, sales expected flat) until its window passes,
// paying the extra R&D meanwhile, and the certificate's 3 years start then. A certified firm
// weighs its renewal the same way. A zone's award for a first certification
// (hightech_certification_award) adds to the value, discounted to the year of certification,
// when the firm would then hold no certificate from the year before (not for a renewal).
CertPlan plan_certification(const CertChoice& c) {
  CertPlan plan{};
  // The revenue band is a real firm's: a model firm's sales / count_scale.
  const double band_sales = c.sales / c.count_scale;
  const double thr = certification_rd_threshold(band_sales) * kCertificationMargin;
  // A firm that does no R&D weighs it too (it would start at the threshold): the application margin.
  // A firm without taxable profit has no tax to save, only an award to gain.
  if (!(c.desired >= 0) || c.desired >= thr || !(c.sales > 0) || !(c.taxable_profit > 0 || c.award > 0)) return plan;
  const double test = certification_rd_threshold(band_sales);
  int wait = 2;  // years before the window passes at thr a year
  if (thr * c.sales + c.rd_last + c.rd_before >= test * (c.sales + c.sales_last + c.sales_before)) wait = 0;
  else if (2 * thr * c.sales + c.rd_last >= test * (2 * c.sales + c.sales_last)) wait = 1;
  const double real = std::max(c.desired, (1.0 - c.relabel_share) * thr);
  const double beta = 1.0 / (1.0 + c.discount_rate);
  // Certified in year t + wait: a first certification when the firm's last certificate ended
  // before t + wait - 1 (or it never held one).
  const bool award = c.award > 0 && c.years_since_certificate + wait >= 2;
  double value = 0, cost = 0, w = 1;
  for (int k = 0; k < wait + kCertificateYears; ++k, w *= beta) {
    if (k >= wait) value += w * c.tax_saving_rate * c.taxable_profit;
    if (award && k == wait) value += w * c.award;
    // The extra real R&D, less what the subsidy and the super-deduction pay on the relabelled part.
    cost += w * ((real - c.desired) * c.after_tax_cost - (thr - real) * c.relabel_gain) * c.sales;
  }
  // Relabelling is a way to reach the notch (Chen et al. 2021), not a reason on its own: without
  // a tax saving there is no notch, and nobody bunches or relabels however cheap it is.
  if (value > 0 && value > cost) {
    plan.pursue = true;
    plan.reported = thr;
    plan.relabelled = 1.0 - real / thr;
    plan.surplus = value - cost;
  }
  return plan;
}

void demand_and_rd(YearStep& y) {
  market_demand(y);
  read_rd_policy(y);
  Run& run = y.run;
  Firms& f = y.f;
  const int t = y.t;
  const std::size_t S = y.S;
  const Layout& L = y.L;
  const double chi = run.param(Param::replicator_chi);
  const double shock_scale = run.param(Param::firm_shock_scale);
  const double speed = run.param(Param::rd_adjustment_speed);
  const double theta = run.param(Param::rd_personnel_share);
  const double* const mean_a = run.market.mean_productivity.data();
  const double relabel_share = run.param(Param::rd_relabel_share);
  const double discount_rate = run.param(Param::certificate_discount_rate);
  const double count_scale = y.count_scale;  // a real firm's size is a model firm's / k
  const double takeup = run.param(Param::certification_takeup_rate);
  const double* const profit = f.profit.data();
  const double* const output = f.output.data();
  const float* const rd_last = f.rd_last.data();
  const float* const rd_before = f.rd_before.data();
  const float* const sales_before = f.sales_before.data();
  float* const relabelled = f.rd_relabelled.data();
  std::uint8_t* const cert_plan = f.cert_plan.data();
  const RdCost* const rd_cost = y.rd_cost.data();
  const ZoneState* const zones = run.zones.data();
  const double* const tech_share = y.tech_share.data();
  const double* const opw_scale = y.opw_scale.data();
  const double* const sector_rd = y.sector_rd.data();
  const double* const sector_growth = run.market.demand_growth.data();
  std::uint8_t* const flags = f.flags.data();
  const std::uint16_t* const zone = f.zone.data();
  const std::uint16_t* const sector = f.sector.data();
  const std::int16_t* const cert_until = f.cert_until.data();
  const double* const a_level = f.productivity.data();
  const double* const a07 = f.productivity_07.data();
  const double* const mu = f.rd_propensity.data();
  double* const demand = f.demand.data();
  double* const rd_intensity = f.rd_intensity.data();
  const std::uint64_t seed = y.sc.seed;
  const std::uint32_t rep = run.replication;
  // Applicants are listed per chunk (a chunk runs on one thread), in firm order within it.
  std::vector<std::vector<Applicant>>& applicants_chunk = y.ys.applicants_chunk;
  if (applicants_chunk.size() < (f.size() + kChunk - 1) / kChunk) applicants_chunk.resize((f.size() + kChunk - 1) / kChunk);
  for (auto& v : applicants_chunk) v.clear();
  std::vector<Applicant>* const listed = applicants_chunk.data();
  // plan_certification's discount factors, as its loop forms them (w = 1, then w *= beta).
  double discount[5];
  {
    const double beta = 1.0 / (1.0 + discount_rate);
    double w = 1;
    for (double& v : discount) v = w, w *= beta;
  }
  // A block's firms: the live ones (listed in pos when more than a quarter of the block is
  // dead, as in production.cpp; index k is then a live firm's place in the list), each as the
  // steps below. The demand shock and the R&D choice (desired R&D, the certification plan, the
  // queue, the researchers and technical workers asked for) run in SIMD lanes over the block's
  // firms of one zone at a time (vmath::demand_shock, vmath::rd_choice: the same IEEE operations
  // a firm at a time would do, plan_certification's included); the stores, the applicants' list
  // and the zone sums run a firm at a time, in firm order.
  auto block = [&]<bool kCompact>(std::size_t begin, std::size_t m, const std::uint8_t* pos, double* acc) {
    const auto at = [pos](std::size_t k) -> std::size_t { return kCompact ? pos[k] : k; };
    const std::size_t n = kCompact ? static_cast<std::size_t>(pos[m - 1]) + 1 : m;  // the streams' firms
    // Demand = market share x market size. The market grows by trend + macro; the share follows
    // the replicator s' = s (1 + chi (A / A_mean - 1)), which keeps the shares of all sellers
    // summing to one, times a mean-one Laplace shock whose spread falls with size
    // (sigma ~ S^-0.15); the rest of the country takes the rest (vmath::demand_shock: the
    // Laplace variate from the first uniform of the firm's demand stream, as Stream::laplace;
    // the block's streams' first Philox blocks in lanes, by position, then the live firms').
    // (= {}: -Wmaybe-uninitialized)
    double d[kBlock] = {}, u[kBlock] = {}, ratio[kBlock] = {}, growth[kBlock] = {};
    vmath::first_uniforms(n, seed, rep, static_cast<std::uint32_t>(begin), t,
                          static_cast<std::uint32_t>(Purpose::demand), u, nullptr);
    std::uint16_t zone_of[kBlock];  // the live firms' zones (kCompact)
    double sector_rd_of[kBlock], cert_until_of[kBlock], opw_of[kBlock];
    double sales_before_of[kBlock], rd_last_of[kBlock], rd_before_of[kBlock];
    for (std::size_t k = 0; k < m; ++k) {
      const std::size_t i = begin + at(k);
      const std::size_t z = zone[i], s = sector[i];
      if (kCompact) zone_of[k] = static_cast<std::uint16_t>(z);
      sector_rd_of[k] = sector_rd[s];
      cert_until_of[k] = cert_until[i];
      opw_of[k] = opw_scale[z * S + s];
      sales_before_of[k] = sales_before[i];
      rd_last_of[k] = rd_last[i];
      rd_before_of[k] = rd_before[i];
      if (!kCompact && !(flags[i] & kAlive)) {  // values that keep the lanes finite; not used
        d[k] = 1e8, u[k] = 0.25, ratio[k] = 1.0, growth[k] = 0.0;
        continue;
      }
      d[k] = demand[i];
      u[k] = u[at(k)] - 0.5;
      ratio[k] = a_level[i] / mean_a[s];
      growth[k] = sector_growth[s];
    }
    vmath::demand_shock(m, d, u, ratio, growth, shock_scale, chi, count_scale);
    // The firm arrays of doubles the lanes read: in place when the block is mostly alive, else
    // the live firms' gathered.
    double gathered[5][kBlock];
    auto column = [&](const double* v, int c) -> const double* {
      if (!kCompact) return v + begin;
      for (std::size_t k = 0; k < m; ++k) gathered[c][k] = v[begin + pos[k]];
      return gathered[c];
    };
    const double* const mu_k = column(mu, 0);
    const double* const output_k = column(output, 1);
    const double* const profit_k = column(profit, 2);
    const double* const rho0_k = column(rd_intensity, 3);
    const double* const a07_k = column(a07, 4);
    double rho[kBlock], queue[kBlock], relabelled_share[kBlock], surplus[kBlock], adjusted[kBlock];
    double keep_researchers[kBlock], other_researchers[kBlock], technical[kBlock];
    const std::uint16_t* const zones_k = kCompact ? zone_of : zone + begin;
    // R&D: the desired intensity from the sector propensity and the user cost of R&D; the
    // expected taxable profit (last year's profit before tax, scaled to this year's sales); the
    // certification plan (plan_certification). A firm going for the certificate sets its R&D to
    // what it needs (a discrete choice); the others close part of the gap to their desired
    // intensity, and so does an applicant the talent market does not serve (talent.cpp). When
    // researchers are short, a certified firm keeping its R&D at or above its threshold is
    // served first for its R&D up to the threshold (its certificate rests on it, at R&D it
    // wants anyway), then the firms raising their R&D to the threshold for the certificate, then
    // the rest (talent.cpp, docs/model.md 3.3).
    for_zone_runs(zones_k, m, [&](std::size_t first, std::size_t count, std::size_t z) {
      const RdCost& zp = rd_cost[z];
      vmath::RdChoiceLanes lanes{d, mu_k, sector_rd_of, cert_until_of, output_k, profit_k, rho0_k, opw_of, a07_k,
                                 sales_before_of, rd_last_of, rd_before_of, rho, queue, relabelled_share, surplus,
                                 adjusted, keep_researchers, other_researchers, technical, zp.user_cost_pow[0],
                                 zp.user_cost_pow[1], zp.tax_std, zp.tax_saving_rate, zp.certified_after_tax_cost,
                                 zp.relabel_gain, zp.award_after_tax, zones[z].wage_researcher, tech_share[z],
                                 speed, theta, count_scale, static_cast<double>(t), kMaxRdIntensity,
                                 relabel_share, {}};
      std::copy(std::begin(discount), std::end(discount), lanes.discount);
      vmath::rd_choice(first, count, lanes);
    });
    // The zone sums held in local variables over each run of one zone: the same additions in
    // firm order, from the sums' values before the run.
    for_zone_runs(zones_k, m, [&](std::size_t first, std::size_t count, std::size_t z) {
      double* const ac = acc + L.acc(z, 0);
      double a[kAccCount];  // (the four sums below; the others untouched)
      a[kResearcherDemandKeep] = ac[kResearcherDemandKeep], a[kResearcherDemand] = ac[kResearcherDemand];
      a[kResearcherDemandCert] = ac[kResearcherDemandCert], a[kTechnicalDemand] = ac[kTechnicalDemand];
      for (std::size_t k = first; k < first + count; ++k) {
        const std::size_t i = begin + at(k);
        if (!kCompact && !(flags[i] & kAlive)) continue;
        auto q = static_cast<std::uint8_t>(queue[k]);
        // Incomplete take-up (certification_takeup_rate < 1, docs/model.md 3.3): an applicant not
        // yet on its way (last year's reported R&D below its threshold) acts on the plan this year
        // with that probability; otherwise it does as an applicant the talent market does not
        // serve (talent.cpp) and weighs the certificate again next year. A firm on its way (the
        // base year's pipeline, an applicant of last year, a renewal) always goes on.
        const bool declines =
            q == kQueueApplicant && takeup < 1.0 &&
            !(rd_last[i] >= certification_rd_threshold(output[i] / count_scale) * output[i]) &&
            !(Stream(seed, rep, static_cast<std::uint32_t>(i), t, Purpose::certification_takeup).uniform() < takeup);
        if (declines) q = kQueueOther;
        demand[i] = d[k];
        rd_intensity[i] = declines ? adjusted[k] : rho[k];
        // 0 unless the firm pursues the certificate
        relabelled[i] = declines ? 0.0f : static_cast<float>(relabelled_share[k]);
        cert_plan[i] = q;
        auto researchers = [&](double intensity, double share_relabelled) {
          return intensity * (1.0 - share_relabelled) * d[k] * theta / zones[z].wage_researcher;
        };
        if (q == kQueueKeeper) {
          a[kResearcherDemandKeep] += keep_researchers[k];
          a[kResearcherDemand] += other_researchers[k];
        } else if (q == kQueueApplicant) {
          // Its place among the applicants: the certificate's net value per researcher it needs
          // at the notch, what it could bid over the wage for them (talent.cpp).
          const double need = researchers(rho[k], relabelled_share[k]);
          const double value = need > 0 ? surplus[k] / need : std::numeric_limits<double>::infinity();
          a[kResearcherDemandCert] += need;
          listed[i / kChunk].push_back({value, need, researchers(adjusted[k], 0.0), adjusted[k],
                                        static_cast<std::uint32_t>(i), static_cast<std::uint16_t>(z), false});
        } else {
          a[kResearcherDemand] += declines ? researchers(adjusted[k], 0.0) : other_researchers[k];
        }
        a[kTechnicalDemand] += technical[k];
      }
      ac[kResearcherDemandKeep] = a[kResearcherDemandKeep], ac[kResearcherDemand] = a[kResearcherDemand];
      ac[kResearcherDemandCert] = a[kResearcherDemandCert], ac[kTechnicalDemand] = a[kTechnicalDemand];
    });
  };
  firm_block_pass(f.size(), L, y.ys.partial_sum, y.ys.partial_max, y.ys.sums, y.ys.maxima,
                  [&](std::size_t begin, std::size_t end, double* acc, double*) {
    const std::size_t n = end - begin;
    std::uint8_t pos[kBlock];  // the k-th live firm is firm begin + pos[k]
    const std::size_t m = live_positions(flags, begin, n, pos);
    if (m == 0) return;
    // A block mostly alive keeps every firm in its place (dead firms' lanes are computed, not
    // used; the arrays are read in place).
    if (4 * m >= 3 * n) block.template operator()<false>(begin, n, pos, acc);
    else block.template operator()<true>(begin, m, pos, acc);
  });
}

}  // namespace zonesim::detail
