// The state of one replication: firms as structure-of-arrays, zones, and the region.
// The yearly step (model/year.cpp) is a sequence of passes over these arrays.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "zonesim/firm_fields.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

// Budget items (Spend, ZONESIM_SPENDING) are declared in the registry (registry.hpp).

// Firm flags (bit set in Firms::flags).
enum FirmFlag : std::uint8_t {
  kAlive = 1u << 0,
  kForeign = 1u << 1,
  kIncubated = 1u << 2,     // born in an incubator or venture-funded
  kRelocated = 1u << 3,     // moved in from the metropolis
  kInnovatedNow = 1u << 4,  // innovated this year
  kExitNow = 1u << 5,       // exits at the end of this year
  kLowEfficiencyExit = 1u << 6,
  kPriorityLand = 1u << 7,  // in the priority class for land this year
};

inline constexpr std::int16_t kNoYear = -32768;

// Firms as structure-of-arrays, generated from ZONESIM_FIRM_FIELDS (firm_fields.hpp), where each
// field is declared once with its type, a new firm's value and what it holds. Index = firm id
// (stable; entrants are appended, exited firms keep their slot with kAlive cleared).
// kBytesPerFirm bytes of state per firm; docs/performance.md counts what each yearly pass reads
// and writes.
struct Firms {
#define ZONESIM_FIRM_ARRAY(name, type, init, doc) std::vector<type> name;
  ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_ARRAY)
#undef ZONESIM_FIRM_ARRAY

  std::size_t size() const { return zone.size(); }
  void reserve(std::size_t n);
  // Appends a firm with every field zeroed except identity; returns its index.
  std::size_t append(std::uint16_t zone_id, std::uint16_t sector_id, int year);
  // Appends n firms of one zone at once, every field as append sets it, sector 0 (the caller
  // sets each firm's): one resize per array instead of a push_back per field and firm.
  // Returns the first new firm's index.
  std::size_t grow(std::size_t n, std::uint16_t zone_id, int year);
  // Every array set to `from`'s values, within the capacity reserved (no reallocation when it is
  // enough).
  void assign(const Firms& from);
  void set_productivity(std::size_t i, double a);
  // The same from ln A (the production pass moves A in logs): A, A^0.3, A^0.7 as exp of multiples.
  void set_log_productivity(std::size_t i, double ln_a);
  bool alive(std::size_t i) const { return flags[i] & kAlive; }
  bool certified(std::size_t i, int year) const { return cert_until[i] >= year; }
  // Calls fn(array) for every per-firm array.
#define ZONESIM_FIRM_VISIT(name, ...) fn(name);
  template <class F>
  void for_each_array(F&& fn) { ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_VISIT) }
  template <class F>
  void for_each_array(F&& fn) const { ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_VISIT) }
#undef ZONESIM_FIRM_VISIT
  static constexpr std::size_t kBytesPerFirm = zonesim::kBytesPerFirm;
};

// What the engine needs of one zone during a run (policy values of the year in `lever`).
struct ZoneState {
  std::array<double, kLeverCount> lever{};
  // calibration factors (set by the population generator)
  double labour_scale = 1.0;       // output per worker multiplier
  double value_added_scale = 1.0;  // value added multiplier
  double capital_density = 6e6;    // yuan of capital per mu on the base-year stock
  double base_energy_intensity = 0.05;
  // the base-year firms' R&D, which entrants draw from (population.cpp, entry.cpp)
  double rd_scale = 1.0;                    // scale of uncertified performers' intensities
  double certified_rd_keep = 1.0;           // share of certified R&D above 1.05 x threshold kept
  double certified_share[2] = {0.0, 0.0};   // certified share of small / above-size base firms
  double base_user_cost_pow[2] = {1.0, 1.0};  // (user cost under base-year levers)^eps: uncertified, certified
  // land accounts (mu): used = sum over firms; used + idle + available = supplied
  double land_idle = 0, land_available = 0, land_unsupplied = 0, land_disposed_last = 0;
  // labour
  double researchers_pool = 0, technical_pool = 0, technical_employed = 0;
  double wage_general = 0, wage_technical = 0, wage_researcher = 0;
  double researcher_demand = 0, technical_demand = 0, researcher_cap = 1.0;
  double researcher_cap_keep = 1.0;  // of certified firms' R&D up to the threshold they keep
  double migration_constant = 0;  // calibrated logit constant (base year stationary)
  double apartments = 0;
  // innovation system
  double carriers = 0, institutes = 0, carriers_base = 0;
  std::vector<double> frontier;       // per sector: best productivity last year
  std::vector<double> innovator_share;  // per sector: share of firms that innovated last year
  double patents_last = 0;            // zone total of last year's patents (innovation points)
  // output that firms moving between zones took in and out last year, at last year's output
  double output_moved_in = 0, output_moved_out = 0;
  // budget
  // payout_ratio: share of all last year's asks paid (scales the quantity levers);
  // claims_paid_share: share of last year's firm claims paid (claims come before programmes),
  // at which firms book their R&D and retrofit subsidies this year (3.3, 3.11).
  double budget_balance = 0, payout_ratio = 1.0, claims_paid_share = 1.0;
  std::vector<double> budget_vintage;  // the balance by year received, oldest first (3.11)
  // evaluation
  double index = 0;
  int rank = 1, national_rank = 0, bottom_years = 0;
  bool national = true;
  bool top_ranked = false;
  double city_gdp = 0;
};

// Per-replication draws of the uncertain parameters.
using ParamValues = std::array<double, kParamCount>;

// Indicator results of one replication: [year][zone or total][indicator].
struct ReplicationResult {
  int years = 0, zones = 0, sectors = 0;
  std::vector<double> indicators;     // (years+1) * (zones+1) * kIndicatorCount
  std::vector<double> sector_output;  // (years+1) * (zones+1) * sectors
  std::vector<double> spending;       // (years+1) * (zones+1) * kSpendCount
  ParamValues params{};
  std::vector<double> calibration;    // zones * kCalibrationItems: generated base values
  double& ind(int year, int zone, Ind i) {
    return indicators[(static_cast<std::size_t>(year) * (zones + 1) + zone) * kIndicatorCount +
                      static_cast<std::size_t>(i)];
  }
  double ind(int year, int zone, Ind i) const {
    return indicators[(static_cast<std::size_t>(year) * (zones + 1) + zone) * kIndicatorCount +
                      static_cast<std::size_t>(i)];
  }
  double& sec(int year, int zone, int s) {
    return sector_output[(static_cast<std::size_t>(year) * (zones + 1) + zone) * sectors + s];
  }
  double sec(int year, int zone, int s) const {
    return sector_output[(static_cast<std::size_t>(year) * (zones + 1) + zone) * sectors + s];
  }
  double& spend(int year, int zone, Spend k) {
    return spending[(static_cast<std::size_t>(year) * (zones + 1) + zone) * kSpendCount +
                    static_cast<std::size_t>(k)];
  }
  double spend(int year, int zone, Spend k) const {
    return spending[(static_cast<std::size_t>(year) * (zones + 1) + zone) * kSpendCount +
                    static_cast<std::size_t>(k)];
  }
};

// Base-year aggregates the population generator must match (calibration fit).
enum class CalibrationItem : unsigned {
  output, value_added, rd, firms, above_size_firms, hightech_firms, hightech_above_size_firms, land_used,
  employment, count
};
inline constexpr std::size_t kCalibrationItems = static_cast<std::size_t>(CalibrationItem::count);
std::string_view calibration_item_key(CalibrationItem c);
// NaN when the scenario does not state the value.
double calibration_stated(const ZoneSpec& z, CalibrationItem c);
Dim calibration_dim(CalibrationItem c);

// Options of the engine that are not part of the scenario.
struct RunOptions {
  int threads = 0;               // 0: all cores
  bool keep_firm_panel = false;  // for the firm-level panel output
};

// Draws the uncertain parameters of a replication (fixed values pass through).
ParamValues draw_parameters(const Scenario& s, std::uint32_t replication);

namespace detail {
struct Run;
}

// Generated base years shared by the runs of a sweep's points (docs/performance.md). The points
// use common random numbers: replication r of every point draws the same streams, so where two
// points differ only in what the generator does not read (their levers), replication r's base year
// is the same in both. One slot per replication: the first run of replication r that finds the
// slot empty keeps a copy of its base year as generated, before the base year's levers are read;
// a later run of r copies it instead of generating when its key is the slot's — the same
// generator inputs (base_year_inputs in population.cpp) and the same drawn parameters, bit for
// bit — and generates otherwise. Then every run reads its own levers and records its base year
// (from the kept sums over the firms, which read no lever). So a run's results are the
// same bits with or without a cache. Thread-safe: runs of one replication may run concurrently
// (points in parallel); a slot is written once, and a kept base year is only read.
class BaseYearCache {
 public:
  // Slots for replications 0 .. replications - 1; base years kept while their bytes together stay
  // within budget_bytes (the rest are generated every time).
  BaseYearCache(int replications, std::size_t budget_bytes);
  ~BaseYearCache();
  BaseYearCache(const BaseYearCache&) = delete;
  BaseYearCache& operator=(const BaseYearCache&) = delete;
  // What a kept base year of `firms` firms costs: its firm arrays.
  static double bytes_for_firms(double firms) { return firms * static_cast<double>(kBytesPerFirm); }
  std::size_t reused() const { return reused_.load(); }  // runs whose base year was copied
  std::size_t bytes_held() const { return held_.load(); }
  // The base year of `run` (its parameters drawn, run.year the base year), by either path above,
  // and its record (with the base year's sums over the firms, kept with it).
  void base_year(detail::Run& run);

 private:
  struct Kept;
  struct Slot;
  void keep(Slot& slot, const detail::Run& run, std::vector<std::uint64_t> inputs, const std::vector<double>& sums);
  std::unique_ptr<Slot[]> slots_;
  std::size_t replications_ = 0, budget_ = 0;
  std::atomic<std::size_t> held_{0}, reused_{0};
};

// Simulates one replication from the base year to the end year.
// `panel`, when not null, receives a firm-level snapshot per year. `base_years`, when not null,
// may give the base year generated by an earlier run (BaseYearCache): the same results.
struct FirmPanel;
ReplicationResult simulate_replication(const Scenario& s, std::uint32_t replication,
                                       FirmPanel* panel = nullptr, BaseYearCache* base_years = nullptr);
// Throws std::runtime_error naming the value, zone, year and replication when a value of year
// `year_index` (0 = base year) in `r` is NaN or infinite: a model failure, never written to a
// file. Called by simulate_replication after every year.
void require_finite(const Scenario& s, const ReplicationResult& r, int year_index, std::uint32_t replication);

// Benchmark hook (benchmarks/, docs/performance.md): one replication whose base year is generated
// by the constructor and whose years are then simulated one by one by step(), so that the yearly
// step can be timed apart from population generation. The same calls as simulate_replication, so
// the states and results are the same.
class ReplicationStepper {
 public:
  ReplicationStepper(const Scenario& s, std::uint32_t replication);
  ~ReplicationStepper();
  ReplicationStepper(const ReplicationStepper&) = delete;
  ReplicationStepper& operator=(const ReplicationStepper&) = delete;
  bool step();                        // simulates the next year; false once past end_year
  std::size_t firms() const;          // firm slots (alive or exited)
  std::size_t firms_alive() const;
  std::size_t bytes_per_firm() const; // sum of the element sizes of every per-firm array
  std::size_t firm_capacity_bytes() const;  // bytes reserved for the per-firm arrays
  const ReplicationResult& result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Firm-level panel of one replication: per year, the state of every firm alive that year.
struct FirmPanel {
  std::vector<std::int32_t> year, firm, zone, sector, birth_year, exit_year;
  std::vector<double> output, rd_intensity, land_mu, productivity, employment;
  std::vector<double> rd_relabelled_share;  // of the reported R&D, relabelled other cost (fraction)
  std::vector<std::uint8_t> hightech;
};

}  // namespace zonesim
