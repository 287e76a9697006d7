// Internal: what the passes of one simulated year share (model/year.cpp lists them in order).
//
// A pass is a function `void pass(YearStep&)`. Firm passes run over the structure-of-arrays
// state in fixed chunks of kChunk firms (firm_pass); zone steps are short serial loops. Values
// that one pass computes and a later one reads live in YearStep, named by what they are.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../context.hpp"
#include "../vmath.hpp"

namespace zonesim::detail {

// Per-zone sums collected by the firm passes.
enum Acc : unsigned {
  kOutput, kValueAdded, kRd, kFirmsProducing, kAboveSize, kHightech, kHightechAbove,
  kHightechOutput, kPatents, kEmployment, kResearchers, kTechnical, kTax, kEnergy, kExports,
  kFdi, kRdSubsidyAsked, kFundAsked, kRetrofitAsked, kExits, kLowEffExits, kRequestPriority,
  kRequestNormal, kResearcherDemand, kTechnicalDemand, kLandUsed, kFirmsAlive, kLandFreed,
  kIdleNew, kGranted, kChangeTrend, kChangeRealloc, kChangeEntry, kRdRelabelled, kResearcherDemandCert,
  kResearcherDemandKeep, kHightechNew, kCertAwardAsked, kAccCount
};
// Per zone-sector sums follow the zone sums: output, innovators, firms; then maxima.
inline constexpr unsigned kSecOutput = 0, kSecInnovators = 1, kSecFirms = 2, kSecFields = 3;

struct Layout {
  std::size_t zones, sectors;
  std::size_t width() const { return zones * (kAccCount + sectors * kSecFields); }
  std::size_t acc(std::size_t z, unsigned k) const { return z * kAccCount + k; }
  std::size_t sec(std::size_t z, std::size_t s, unsigned k) const {
    return zones * kAccCount + (z * sectors + s) * kSecFields + k;
  }
  std::size_t max_width() const { return zones * sectors; }  // frontier per zone-sector
};

// Firms whose transcendental functions a pass computes together, in SIMD lanes (vmath.hpp):
// a chunk is cut into blocks of kBlock firms (the last one shorter), the same whatever the
// number of threads.
inline constexpr std::size_t kBlock = 128;
static_assert(kChunk % kBlock == 0);

// The live firms of the block [begin, begin + n): pos[k] = the k-th live firm's place in the
// block; returns how many there are.
inline std::size_t live_positions(const std::uint8_t* flags, std::size_t begin, std::size_t n,
                                  std::uint8_t* pos) {
  static_assert(kBlock <= 256);
  std::size_t m = 0;
  for (std::size_t p = 0; p < n; ++p) {
    pos[m] = static_cast<std::uint8_t>(p);
    m += (flags[begin + p] & kAlive) ? 1 : 0;
  }
  return m;
}

// Runs block(begin, end, sums, maxima) over firms [0, n) in fixed chunks of kChunk firms, each
// cut into blocks of kBlock, in firm order within a chunk; returns chunk-ordered totals.
template <class Block>
void firm_block_pass(std::size_t n, const Layout& layout, std::vector<double>& partial_sum,
                     std::vector<double>& partial_max, std::vector<double>& sums,
                     std::vector<double>& maxima, Block&& block) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  const std::size_t w = layout.width(), mw = layout.max_width();
  partial_sum.assign(chunks * w, 0.0);
  partial_max.assign(chunks * mw, 0.0);
  auto run_chunks = [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) {
      double* s = partial_sum.data() + c * w;
      double* m = partial_max.data() + c * mw;
      const std::size_t end = std::min(n, (c + 1) * kChunk);
      for (std::size_t b = c * kChunk; b < end; b += kBlock) block(b, std::min(end, b + kBlock), s, m);
    }
  };
  // One chunk (small populations, e.g. the replications of an ensemble that already run in
  // parallel): no task is spawned. Same chunks either way, so the same sums.
  if (chunks <= 1) run_chunks(tbb::blocked_range<std::size_t>(0, chunks, 1));
  // Isolated: while this thread waits for the chunks, it runs only chunks of this pass, never
  // another replication's task of the enclosing ensemble, which would reuse this thread's
  // YearScratch (year.cpp) under the running pass.
  else tbb::this_task_arena::isolate(
      [&] { tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), run_chunks); });
  sums.assign(w, 0.0);
  maxima.assign(mw, 0.0);
  for (std::size_t c = 0; c < chunks; ++c) {
    const double* s = partial_sum.data() + c * w;
    const double* m = partial_max.data() + c * mw;
    for (std::size_t k = 0; k < w; ++k) sums[k] += s[k];
    for (std::size_t k = 0; k < mw; ++k) maxima[k] = std::max(maxima[k], m[k]);
  }
}

// fn(first, m, z) for each run [first, first + m) of the n firms whose zones are zone[0 .. n):
// the runs of consecutive firms of one zone z (firms are stored zone by zone, entrants after
// them: a block has one or a few runs), for the lane kernels that take a zone's values as scalars.
template <class Fn>
void for_zone_runs(const std::uint16_t* zone, std::size_t n, Fn&& fn) {
  for (std::size_t k = 0; k < n;) {
    const std::uint16_t z = zone[k];
    std::size_t m = 1;
    while (k + m < n && zone[k + m] == z) ++m;
    fn(k, m, static_cast<std::size_t>(z));
    k += m;
  }
}

// Runs body(i, sums, maxima) over firms [0, n) in fixed chunks; returns chunk-ordered totals.
template <class Body>
void firm_pass(std::size_t n, const Layout& layout, std::vector<double>& partial_sum,
               std::vector<double>& partial_max, std::vector<double>& sums,
               std::vector<double>& maxima, Body&& body) {
  firm_block_pass(n, layout, partial_sum, partial_max, sums, maxima,
                  [&](std::size_t begin, std::size_t end, double* s, double* m) {
                    for (std::size_t i = begin; i < end; ++i) body(i, s, m);
                  });
}

inline double lever(const ZoneState& zs, Lever l) { return zs.lever[static_cast<std::size_t>(l)]; }

// Which claims on scarce land come first under the zone's `land_priority` rule (the same rule
// for firms asking for more land and for new projects; each states its facts its own way).
struct LandClaim {
  bool high_tech;        // certified or in a high-tech sector (projects: or planned R&D >= 3 %)
  double output_per_mu;  // expected; -inf when it holds no land yet
  bool large;            // a large project (kLargeFirmOutput, kLargeProjectInvestment)
};
inline bool land_priority(LandPriority rule, const LandClaim& c, double output_per_mu_last) {
  switch (rule) {
    case LandPriority::pro_rata: return false;
    case LandPriority::high_tech_first: return c.high_tech;
    case LandPriority::output_per_mu: return c.output_per_mu >= output_per_mu_last;
    case LandPriority::large_projects_first: return c.large;
  }
  return false;
}
// In-situ intensification (docs/model.md 3.7): the capital a firm's own plot holds (`held`) may
// rise by at most `rate` x held a year, only as far as the capital it plans (`planned`) needs, and
// never beyond `ceiling` (its land x the capital per mu at plot_ratio_max). Returns what it adds.
inline double insitu_capacity_added(double held, double planned, double rate, double ceiling) {
  return std::max(0.0, std::min({planned - held, rate * held, ceiling - held}));
}
inline constexpr double kLargeFirmOutput = 2e8;          // yuan of output a year
inline constexpr double kLargeProjectInvestment = 1e9;   // yuan of investment
inline constexpr double kHightechProjectRd = 0.03;       // planned R&D/sales of a high-tech project

// The R&D user cost of a zone's firms this year, [certified]: P and P^eps (demand_rd.cpp).
struct RdCost {
  double user_cost[2], user_cost_pow[2];
  double tax_saving_rate;  // max(0, standard - high-tech income tax rate)
  // After-tax cost of a yuan of R&D of a certified firm: (1 - s phi) (1 - tau_ht (1 + delta)).
  double certified_after_tax_cost;
  // What a certified firm gains on a yuan of other cost it relabels as R&D: the subsidy and the
  // super-deduction now apply to it, (1 - tau_ht) - certified_after_tax_cost.
  double relabel_gain;
  double tax_std;
  // What the certification award (hightech_certification_award) is worth to a model firm when it
  // is paid: k awards, at the share of the firm claims the zone paid last year, after the
  // certified firm's income tax on it (demand_rd.cpp; docs/model.md 3.3).
  double award_after_tax;
};

// years_since_certificate of a firm that never held a certificate (CertChoice).
inline constexpr int kNeverCertified = 1 << 20;

// What a firm weighs when it decides whether to go for (or keep) the high-tech certificate,
// and what it chooses (demand_rd.cpp). Money in yuan.
struct CertChoice {
  double desired;           // R&D intensity it would choose without the certificate
  double sales;             // expected this year
  double taxable_profit;    // expected this year
  double sales_last, sales_before, rd_last, rd_before;  // the 3-year window's earlier years
  double tax_saving_rate, after_tax_cost, relabel_share, discount_rate;
  double relabel_gain;      // per yuan relabelled (RdCost::relabel_gain)
  // Real firms per model firm: the revenue bands read sales / count_scale (a real firm's sales).
  double count_scale = 1.0;
  // The zone's award for a first certification, as the model firm counts on receiving it in the
  // year it is certified (RdCost::award_after_tax; money at model scale, as sales and profit),
  // and the years since the last year of the firm's certificate (t - cert_until: 0 or less while
  // it holds one, 1 when it lapsed last year; kNeverCertified when it never held one). The award
  // counts when the firm would hold no certificate in the year before its certification.
  double award = 0;
  int years_since_certificate = kNeverCertified;
};
struct CertPlan {
  double reported = 0;      // R&D intensity it reports
  double relabelled = 0;    // share of the reported R&D that is relabelled other cost
  double surplus = 0;       // present value of the certificate less that of the extra R&D (yuan)
  bool pursue = false;
};
inline constexpr double kCertificationMargin = 1.02;  // a firm aims 2 % above the threshold
CertPlan plan_certification(const CertChoice& c);

// A firm's place in the researcher queue this year (Firms::cert_plan; talent.cpp, docs/model.md
// 3.3 "Talent cap"): a certified firm keeping R&D at or above its threshold is served first for
// its R&D up to kCertificationMargin x the threshold; then the applicants raising their R&D to
// the threshold, each served whole or not at all, in the order of the certificate's net value per
// researcher; everyone else (an applicant not served, at the R&D it would do without the
// certificate, and the keeper's R&D above the threshold) from what is left.
enum CertQueue : std::uint8_t { kQueueOther = 0, kQueueApplicant = 1, kQueueKeeper = 2 };

// The part of a keeper's R&D intensity `rho` served first: up to the threshold it aims at.
// `sales` are a real firm's (a model firm's / count_scale), as in every revenue band.
inline double keeper_share(double rho, double sales) {
  return std::min(rho, certification_rd_threshold(sales) * kCertificationMargin);
}

// R&D intensity after the talent cap, for a firm in queue `q` with sales `sales` (its demand /
// count_scale: a real firm's).
// An applicant in the queue at production was served whole (talent.cpp).
inline double capped_rd_intensity(double rho, std::uint8_t q, double sales, double cap_keep, double cap) {
  if (q == kQueueApplicant) return rho;
  if (q == kQueueKeeper) {
    const double kept = keeper_share(rho, sales);
    return kept * cap_keep + (rho - kept) * cap;
  }
  return rho * cap;
}

// A firm raising its R&D to the notch this year, as the talent market rations it (talent.cpp).
struct Applicant {
  double value;         // the certificate's net value per researcher at the notch (yuan)
  double researchers;   // researchers it needs at the notch
  double fallback;      // researchers it asks for without the certificate
  double fallback_rho;  // R&D intensity it chooses without the certificate
  std::uint32_t firm;
  std::uint16_t zone;
  bool served;
};
// The order in which applicants are served: by zone, then highest value per researcher first,
// ties by firm id (a strict total order, so the result does not depend on the input's order).
inline bool applicant_before(const Applicant& a, const Applicant& b) {
  if (a.zone != b.zone) return a.zone < b.zone;
  if (a.value != b.value) return a.value > b.value;
  return a.firm < b.firm;
}
// Serves one zone's applicants [first, last), sorted by applicant_before, from `left`
// researchers: each in turn is served whole if what it needs is left, else not at all (it then
// asks for its fallback with the other firms). Returns the researchers left.
double serve_applicants(Applicant* first, Applicant* last, double left);

// Scratch kept between the years a thread simulates (allocations reused).
struct YearScratch {
  std::vector<double> partial_sum, partial_max, sums, maxima;
  std::vector<double> grant_fraction;  // per zone x 2 classes
  std::vector<double> spend_asked, spend_paid;  // per zone x kSpendCount
  std::vector<double> entries, startups, relocations, arrived, entered, refused, lost;
  std::vector<double> net_migration, project_fdi, moved_in, moved_out;
  std::vector<double> output_moved_in, output_moved_out;  // this year's movers' output
  // This year's certification applicants: per chunk of the demand pass, then all, ordered.
  std::vector<std::vector<Applicant>> applicants_chunk;
  std::vector<Applicant> applicants;
};

// Per-zone values of the production pass and of the land grants (production.cpp).
struct ZoneRates {
  double fund, patents_last, researcher_cap, researcher_cap_keep, wage_researcher, institutes_pull;
  double tech_science;     // kTechnicalInScienceStaff x technical share
  double retro_rate, retro_threshold, claims_paid_share;
  double value_added_scale, wage_mix, subsidy_rate_paid, subsidy_rate, super_deduction;
  double tax_certified, credit_rate, density_new;
  double cert_award;       // award per newly certified model firm: the lever x count_scale
  double insitu_rate, density_max;  // in-situ intensification: pace and capital per mu at plot_ratio_max
  double tax_floor, out_floor, energy_ceiling, enforcement, output_per_mu_last, tech_share;
  LandPriority priority_rule;
};

struct SectorRates {
  double k_ratio, value_added_ratio, growth_expected;
  double market_factor;  // exp(this year's market demand growth)
  bool hightech;
};

// An entrant's R&D: its propensity mu_i and the intensity it plans this year (entry.cpp).
struct EntrantRd {
  double propensity = 0, intensity = 0;
};
// A new plant starts at this share of its capacity (entry.cpp).
inline constexpr double kProjectStartUtilisation = 0.8;

// A project (external investment or relocation from the metropolis) that arrived this year.
struct Project {
  double invest, land, rho, energy, productivity;  // rho: planned R&D / sales (rd.intensity)
  EntrantRd rd;
  std::size_t sector;
  bool foreign, relocated, priority;
};

// What each zone's steps hand to the next (land.cpp, entry.cpp).
struct ZoneEntry {
  explicit ZoneEntry(Stream zone_events) : events(zone_events) {}
  Stream events;                     // the zone's start-up births (projects draw from their own)
  double usable_land = 0;            // supplied land within the zone's reach (land supply)
  std::uint32_t births = 0;          // start-ups this year (carriers and venture fund)
  std::vector<double> attract_w;     // sector weights of projects and start-ups
  std::vector<Project> projects;     // projects that passed the entry rules
  std::vector<std::uint8_t> admitted;
};

// The year being simulated and what its passes pass on to each other.
struct YearStep {
  YearStep(Run& r, YearScratch& scratch)
      : run(r), ys(scratch), sc(r.sc), f(r.firms), t(r.year), Z(r.sc.zones.size()),
        S(r.sc.sectors.size()), L{Z, S}, count_scale(r.count_scale()) {}

  Run& run;
  YearScratch& ys;
  const Scenario& sc;
  Firms& f;
  const int t;
  const std::size_t Z, S;
  const Layout L;
  // Real firms per model firm (Run::count_scale): entry counts / k, entrant sizes x k, and a
  // model firm's size / k wherever a rule about a real firm's size reads it.
  const double count_scale;

  // Demand and R&D (demand_rd.cpp).
  std::vector<double> tech_share;   // per zone
  std::vector<double> opw_scale;    // per zone x sector: output per worker x labour scale
  std::vector<RdCost> rd_cost;      // per zone
  std::vector<double> sector_rd;    // per sector: rd_sector_factor
  // Production (production.cpp).
  std::vector<ZoneRates> zone;      // per zone
  std::vector<SectorRates> sector;  // per sector
  std::vector<double> output_per_mu_last;  // per zone, last year's indicator
  std::vector<double> sums;         // per zone (and zone-sector) sums of production
  std::size_t first_new = 0;        // firms from here on entered this year
  // Zone steps (land.cpp, entry.cpp).
  std::vector<ZoneEntry> entry;     // per zone
  // Budget (budget.cpp).
  std::vector<double> revenue, committed, returned, shortfall, spent;  // per zone
  // Zones that opened this year (year.cpp, open_zones): zone and its block of firms [first, end).
  struct Opened {
    std::size_t zone, first, end;
  };
  std::vector<Opened> opened;

  double param(Param k) const { return run.param(k); }
  double sector_field(std::size_t s, SectorField k) const { return run.sector(s, k); }
  double* asked(std::size_t z) { return &ys.spend_asked[z * kSpendCount]; }
  void ask(std::size_t z, Spend k, double v) { asked(z)[static_cast<std::size_t>(k)] += v; }
};

// The passes, in pipeline order (model/year.cpp).
void read_levers(YearStep& y);               // year.cpp
void demand_and_rd(YearStep& y);             // passes/demand_rd.cpp
void talent_market(YearStep& y);             // passes/talent.cpp
void production(YearStep& y);                // passes/production.cpp
void open_zone_tallies(YearStep& y);         // year.cpp
void supply_land(YearStep& y);               // passes/land.cpp
void build_carriers(YearStep& y);            // passes/entry.cpp
void draw_arrivals(YearStep& y);             // passes/entry.cpp
void allocate_land(YearStep& y);             // passes/land.cpp
void append_entrants(YearStep& y);           // passes/entry.cpp
void labour_programmes(YearStep& y);         // passes/talent.cpp
void claim_firm_spending(YearStep& y);       // passes/budget.cpp
void relocate_firms(YearStep& y);            // passes/relocation.cpp
void migrate_researchers(YearStep& y);       // passes/migration.cpp
void settle_budget(YearStep& y);             // passes/budget.cpp
void grants_and_exits(YearStep& y);          // passes/grants_exits.cpp
void open_zones(YearStep& y);                // year.cpp
void account_year(YearStep& y);              // passes/accounting.cpp

// The zone's retained taxes from its firms' VAT and income tax (passes/budget.cpp, 3.11).
double retained_taxes(const Run& run, double vat, double income_tax);

// The base-year sums of firms [from, to) (the population as generated, in run.year) added to
// `sums`, and zone z's budget rows of that year under the base-year rule (passes/accounting.cpp).
void add_generated_sums(const Run& run, std::size_t from, std::size_t to, const Layout& L, std::vector<double>& sums);
void record_generated_budget(Run& run, int yi, std::size_t z, const Layout& L, const std::vector<double>& sums);

// Indicators of year index yi from per-zone sums (passes/accounting.cpp).
void record_indicators(Run& run, int yi, const Layout& L, const std::vector<double>& sums,
                       const YearScratch& ys);

}  // namespace zonesim::detail
