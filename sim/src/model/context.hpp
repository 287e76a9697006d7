// Internal: everything one replication's passes share.
#pragma once

#include <cmath>
#include <utility>
#include <vector>

#include "zonesim/model.hpp"
#include "zonesim/rng.hpp"

namespace zonesim::detail {

// Firms per chunk of a parallel pass. Fixed (never derived from the thread count) so that
// partial sums are combined in the same order whatever the number of threads.
inline constexpr std::size_t kChunk = 4096;

// The 2020 market: the average productivity of all zone firms in the base year is 1.
// Each sector's national market: the zones' firms and the rest of the country compete in it; the
// rest of the country holds the share the zones' firms do not (docs/model.md 3.2).
struct Market {
  double productivity = 1.0;            // grows by market_productivity_growth
  std::vector<double> demand_growth;    // per sector, this year (trend + macro shock)
  std::vector<double> size;             // per sector: national market demand (yuan)
  std::vector<double> mean_productivity;  // per sector: share-weighted mean over all sellers
};

struct Run {
  const Scenario& sc;
  std::uint32_t replication;
  ParamValues p;
  Firms firms;
  std::vector<ZoneState> zones;
  Market market;
  int year = 0;  // calendar year being simulated
  ReplicationResult* result = nullptr;

  double param(Param k) const { return p[static_cast<std::size_t>(k)]; }
  // Real firms one model firm stands for (region.firm_count_scale, k >= 1; docs/model.md 3.13):
  // entry flows arrive at counts / k and sizes x k, and every rule about a real firm's size reads
  // a model firm's size / k. A per-run constant: passes read it once.
  double count_scale() const { return sc.region[static_cast<std::size_t>(RegionField::firm_count_scale)]; }
  double sector(std::size_t s, SectorField f) const {
    return sc.sectors[s].fields[static_cast<std::size_t>(f)];
  }
  double zone_field(std::size_t z, ZoneField f) const {
    return sc.zones[z].fields[static_cast<std::size_t>(f)];
  }
  // The year zone z opens (zones.<id>.opens), 0 when it is open in the base year.
  int opens(std::size_t z) const { return static_cast<int>(zone_field(z, ZoneField::opens)); }
  // Whether zone z exists in run.year: its row is reported (before it opens, its row is 0).
  bool zone_exists(std::size_t z) const { return opens(z) <= year; }
  // Whether zone z takes part in run.year's passes: it existed the year before. A zone that
  // opens in year Y is generated at the end of Y (its row of Y is its base values) and takes part
  // from Y+1, as the firms that enter in a year produce from the next.
  bool zone_active(std::size_t z) const { return opens(z) < year; }
  Stream stream(std::uint32_t entity, Purpose purpose) const {
    return Stream(sc.seed, replication, entity, year, purpose);
  }
  Stream zone_stream(std::size_t z, Purpose purpose, std::uint32_t substream = 0) const {
    return Stream(sc.seed, replication, kZoneEntityBase + static_cast<std::uint32_t>(z), year, purpose,
                  substream);
  }
};

// Threshold of R&D/sales for high-tech certification by revenue band (yuan).
inline double certification_rd_threshold(double revenue) {
  if (revenue <= 5e7) return 0.05;
  if (revenue <= 2e8) return 0.04;
  return 0.03;
}
inline constexpr double kAboveSizeRevenue = 2e7;
inline constexpr double kBaseUtilisation = 0.9;  // capacity utilisation of the base-year capital
inline constexpr double kCertResearcherShare = 0.10;
inline constexpr int kCertificateYears = 3;
// A firm is a start-up (facing the start-up exit hazard when below the above-size line) in its
// first three years.
inline constexpr int kStartupYears = 3;
// The certification's IP test: the firm owns IP core to its products (Administrative Measures
// 2016, art. 11), which it keeps for a patent's term (20 years for an invention, Patent Law art.
// 42) and may buy: here, an innovation in the last 20 years (docs/model.md 3.5).
inline constexpr int kInnovationLookback = 20;
// R&D intensity that counts as one unit of normalised R&D in the innovation hazard
// 1 - exp(-zeta * rho / kRdNorm): with zeta = 0.3 a firm at 4 % R&D/sales innovates with
// probability 0.45 a year.
inline constexpr double kRdNorm = 0.02;
// Science and technology staff for certification: researchers plus the technical workers. The
// rule counts all staff in R&D and related technical innovation, including those who manage it and
// give it direct technical services (Guidelines for the certification of high-tech enterprises,
// 2016), and a firm at the notch designates them so; researchers plus technical workers are about
// the 21.6 % S&T share of the national high-tech zones' headcount (2020). A quarter of the
// technical workers (an earlier assumption) put firms at a threshold below 10 % (docs/model.md 3.5).
inline constexpr double kTechnicalInScienceStaff = 1.0;
inline constexpr double kHinterlandWageRatio = 0.7;  // researcher wage outside the zones

// The R&D of the base-year firms, which entrants draw from too (population.cpp, entry.cpp):
// a certified firm spends 1.05-1.55 x its certification threshold; another firm performs R&D
// with probability kRdPerformerShare[above-size] (size affects whether a firm does R&D, not how
// much: Cohen, Levin & Mowery 1987), at its sector's propensity x exp(kRdDrawSigma N - 0.18) x
// the zone's scale (ZoneState::rd_scale), at most kMaxRdIntensity.
inline constexpr double kCertifiedRdMin = 1.05, kCertifiedRdSpread = 0.5;
inline constexpr double kRdPerformerShare[2] = {0.25, 0.6};  // small, above-size
inline constexpr double kRdDrawSigma = 0.6;
inline constexpr double kMaxRdIntensity = 0.3;

// User cost of R&D relative to no policy (Hall-Jorgenson with super-deduction):
// P = (1 - subsidy) * (1 - tax * (1 + extra_deduction)) / (1 - tax).
inline double rd_user_cost(double subsidy, double tax, double extra_deduction) {
  double p = (1.0 - subsidy) * (1.0 - tax * (1.0 + extra_deduction)) / (1.0 - tax);
  return std::max(p, 0.05);
}

// The sector's part of a firm's desired R&D intensity: desired = factor x the firm's own
// propensity x (user cost)^eps, where the firm's propensity is backed out from its observed
// intensity as rho / (factor x P0^eps), so the factor cancels for every firm that does R&D. A
// sector whose typical propensity is 0 (or next to it) has factor 1: its uncertified firms still
// do no R&D, and its certified firms' own R&D stays defined (it was 0/0, NaN everywhere).
inline double rd_sector_factor(double sector_propensity) {
  return sector_propensity > 1e-6 ? sector_propensity : 1.0;
}


// Draws a sector from shares that sum to one (the last sector takes what rounding leaves): one
// uniform draw from rng.
inline std::size_t draw_sector(Stream& rng, const std::vector<double>& shares) {
  double u = rng.uniform(), c = 0;
  for (std::size_t s = 0; s < shares.size(); ++s) {
    c += shares[s];
    if (u < c) return s;
  }
  return shares.size() - 1;
}

double labour_need(double output, double productivity, double output_per_worker, double scale);
double capital_need(double output, double productivity, double capital_output_ratio);
double capacity_of(double capital, double productivity, double capital_output_ratio);
// The base year in two parts, so that a sweep's points can share the first (BaseYearCache):
// generate_base_year makes the firms, each zone's calibration and accounts, the market and the
// researchers' location constants, reading of the scenario only what base_year_inputs lists, and
// the drawn parameters (Run::p); open_base_year_policy then sets each zone's levers of the base
// year and what is derived from them. generate_population is the two.
void generate_base_year(Run& run);
// run.year set to the base year and the firm arrays reserved for the run's peak (the entrants
// are appended into it): generate_base_year's first step, also before a copied base year.
void reserve_base_year(Run& run);
void open_base_year_policy(Run& run);
void generate_population(Run& run);
std::vector<std::uint64_t> base_year_inputs(const Scenario& sc);
// Zone z opens in run.year: its state reset and its firms generated from its base values as of
// run.year (its own stream: seed, replication, zone, year), appended as one block; its
// researchers' location constant calibrated. Returns the block [first, end) of its firms.
std::pair<std::size_t, std::size_t> open_zone(Run& run, std::size_t z);
void simulate_year(Run& run);
void record_base_year(Run& run);
// record_base_year in two parts: the per-zone sums over the generated firms (they read the firms,
// each zone's calibration scales, the drawn parameters and values base_year_inputs lists, no
// lever: BaseYearCache keeps them with the base year), then the base year's rows from them.
std::vector<double> base_year_sums(const Run& run);
void record_base_year(Run& run, const std::vector<double>& sums);

}  // namespace zonesim::detail
