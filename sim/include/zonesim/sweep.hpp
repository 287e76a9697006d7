// Sweeps: many scenarios made from one base scenario by setting factors (any --set path) to
// values chosen by a design (grid, Latin hypercube, Sobol/Saltelli, Morris, policy search),
// each run for the same replications with the same seed (common random numbers).
// See docs/sweeps.md for the file format and the HDF5 layout.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zonesim/diagnostics.hpp"
#include "zonesim/indicators.hpp"
#include "zonesim/model.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::sweep {

enum class DesignKind { grid, lhs, sobol, morris, optimize };
std::string_view design_name(DesignKind d);

// The value at probability u of a parameter's distribution (its quantile function), clamped to
// [low, high] as draws of a replication are (model/replication.cpp); a fixed value is itself.
double prior_quantile(const ParamSpec& p, double u, double low, double high);

struct Factor {
  std::string key;    // a --set path, e.g. levers.rd_subsidy_rate or zones.north.levers.land_quota_mu
  Dim dim = Dim::number;
  std::string unit;   // display unit ("%", "亿元", "mu", "" ...)
  bool discrete = false;            // `values:` given (sampled by index)
  double low = 0, high = 0;         // range, canonical units (for `values:`: 0 .. n-1)
  std::vector<std::string> values;  // `values:` as written
  int levels = 0;                   // grid levels (0: use the design's default)
  int line = 0, column = 0;
  // A calibrated parameter (`zonesim calibrate`): u is mapped through the quantile function of
  // this prior (clamped to low .. high, the parameter's valid range) instead of linearly.
  std::optional<ParamSpec> prior;
  // Value of the factor at unit coordinate u in [0, 1]: canonical for a range, index for values.
  double at(double u) const;
  // The override text "key=value unit" for unit coordinate u (full precision).
  std::string override_at(double u) const;
  // Value shown in the design matrix (display unit; index for words).
  double display_at(double u) const;
  // Human text of a canonical value ("20 %", "2500 mu", "high_tech_first").
  std::string describe(double canonical_or_index) const;
  std::string short_name() const;  // last component of the key
};

struct OutputSpec {
  std::string indicator;  // indicator key
  Ind ind = Ind::gross_output;
  int year = 0;
  std::string zone = "all";
  int zone_row = -1;  // row in ReplicationResult (zones count = all)
  std::string name;   // "gross_output@all@2025"
};

struct OptimizeSpec {
  double probability = 0.8;  // all targets met with at least this probability
  int initial_points = 32;   // first stage: a Latin hypercube over the factors
  int rounds = 2;            // refinement rounds
  int points_per_round = 16;
  int centres = 4;           // refine around this many best points
  // Targets that must be met (indices into the base scenario's targets; empty: every target).
  // A planner may leave out targets no lever in the factors can reach.
  std::vector<int> required_targets;
};

struct SweepSpec {
  std::string file;       // sweep file as given
  std::string text;       // its text
  std::string base_path;  // resolved path of the base scenario
  std::string name;
  std::vector<Factor> factors;
  DesignKind design = DesignKind::lhs;
  int levels = 3;         // grid default levels
  int points = 0;         // lhs
  int base_samples = 0;   // sobol N
  int trajectories = 0;   // morris r
  int morris_levels = 4;  // morris p
  int replications = 10;
  std::uint64_t seed = 1;
  int bootstrap = 500;    // bootstrap resamples for Sobol confidence intervals
  std::vector<OutputSpec> outputs;
  OptimizeSpec optimize;
  Scenario base;          // the base scenario with replications and seed of the sweep
  // The base scenario file, read once when the sweep file is loaded (on every mpirun rank):
  // every point resolves from it, so editing the file during a sweep changes no point.
  ScenarioSource source;
};

struct SweepLoadResult {
  std::optional<SweepSpec> spec;
  Diagnostics diagnostics;
};
SweepLoadResult load_sweep_file(const std::string& path);
// Whether `path` holds a sweep rather than a scenario: a YAML mapping with `zonesim_sweep`, or
// with `base` and `factors` and no `zonesim`. False for anything else (text that does not
// parse, a binary file: the scenario loader then says what is wrong).
bool is_sweep_file(const std::string& path);
// What `zonesim sweep --validate` and `zonesim validate` say about a loaded sweep run as
// `design`: "" and the size in `summary` ("3 factors, design sobol, 40 points x 4 replications
// = 160 runs"), or why it cannot run (a policy search whose base scenario has no targets).
std::string check_runnable(const SweepSpec& s, DesignKind design, std::string& summary);

// ---- designs (points in the unit cube [0,1]^k) -----------------------------------------------
using Matrix = std::vector<std::vector<double>>;

// Unscrambled Sobol sequence with Joe-Kuo direction numbers (new-joe-kuo-6.21201), points
// first .. first+n-1 (point 0 is the origin), dims <= sobol_max_dims().
Matrix sobol_points(int dims, std::uint64_t first, std::uint64_t n);
int sobol_max_dims();
// Saltelli 2010 scheme: N*(k+2) points, ordered per sample j: A_j, AB_j^(1..k), B_j, where
// A and B are the first and last k coordinates of Sobol point j+1 in 2k dimensions.
Matrix saltelli_design(int k, int N);
// Latin hypercube: one point per stratum per factor, strata permuted and positions jittered
// with Philox streams from the seed.
Matrix lhs_design(int k, int n, std::uint64_t seed, std::uint32_t purpose_salt = 0);
// Full factorial grid, last factor fastest; levels[i] >= 1 (1 level: the middle).
Matrix grid_design(const std::vector<int>& levels);
// Morris trajectories (r of them, k+1 points each) on a p-level grid with step p/(2(p-1)).
Matrix morris_design(int k, int r, int p, std::uint64_t seed);
// The whole design of a spec (not for optimize, whose points depend on results).
Matrix make_design(const SweepSpec& s);

// ---- one point -------------------------------------------------------------------------------
// Values per replication, in this order: outputs of interest, target values, target met (0/1),
// budget cost (亿元, sum over years of budget_spent, all zones), the value of each uncertain
// parameter of the base scenario (uncertain_parameters) in that run. Display units.
int row_stride(const SweepSpec& s);
// The parameters the base scenario gives a distribution (drawn per replication), in registry order.
std::vector<Param> uncertain_parameters(const SweepSpec& s);
// The overrides every run of the sweep has: `replications=R`, `seed=S`.
RunPlan sweep_run_plan(const SweepSpec& s);
// The run plan of the point at `unit`: sweep_run_plan, then one `key=value unit` per factor
// (Factor::override_at); resolve(s.source, point_plan(s, unit)) is the point's scenario.
RunPlan point_plan(const SweepSpec& s, const std::vector<double>& unit);
// The `zonesim run` command line (one --set per factor, shortest round-trip numbers, quoted for
// the shell) that runs the point at `unit` as the sweep did: same replications, same seed.
std::string reproduce_command(const SweepSpec& s, const std::vector<double>& unit);
// Runs the replications of one point (1: serially; 0: TBB in the caller's task arena; n > 1:
// TBB with n threads); throws on a
// scenario that does not load, with the diagnostics as message. `base_years`, when not null, is
// shared by the points a process runs (make_base_year_cache): the same rows, bit for bit.
std::vector<double> evaluate_point(const SweepSpec& s, const std::vector<double>& unit, int threads,
                                   BaseYearCache* base_years = nullptr);

// What a process may keep of generated base years for a sweep (docs/performance.md): 100
// replications of 35,000 base-year firms at 153 B per firm, 14 times the largest shipped scenario.
inline constexpr std::size_t kBaseYearCacheBudget = std::size_t{512} << 20;
// The base years a process's points share: when every factor is a lever (the generator reads none
// of them) and the sweep's replications of the base scenario's base-year firms fit `budget_bytes`;
// else null (every run generates its own, as a sweep whose points change the base year must).
std::unique_ptr<BaseYearCache> make_base_year_cache(const SweepSpec& s, std::size_t budget_bytes = kBaseYearCacheBudget);

struct PointSummary {
  std::vector<double> output_mean;         // per output
  std::vector<double> target_probability;  // per target
  std::vector<double> target_mean;         // per target
  double all_targets_probability = 0;      // share of replications meeting every target
  double required_targets_probability = 0; // ... every target of optimize.targets (all by default)
  double budget_cost_mean = 0;
};
PointSummary summarise_point(const SweepSpec& s, const std::vector<double>& rows);

// ---- sensitivity -----------------------------------------------------------------------------
struct SobolIndices {
  std::vector<double> S1, S1_low, S1_high, ST, ST_low, ST_high;  // per factor; CI 95 % bootstrap
  double variance = 0;
};
// y in saltelli_design order (N*(k+2) values).
SobolIndices sobol_indices(const std::vector<double>& y, int k, int N, int bootstrap, std::uint64_t seed);

struct MorrisIndices {
  std::vector<double> mu, mu_star, sigma;  // per factor, per whole factor range
};
MorrisIndices morris_indices(const Matrix& design, const std::vector<double>& y, int k, int r);

// ---- policy search ---------------------------------------------------------------------------
// Indices of the non-dominated points (lower cost, higher probability), by increasing cost.
std::vector<int> pareto_front(const std::vector<double>& cost, const std::vector<double>& probability);
// Points of refinement round `round` (1-based) around the best evaluated points so far.
Matrix refine_points(const SweepSpec& s, const Matrix& evaluated, const std::vector<double>& cost,
                     const std::vector<double>& probability, int round);
int optimize_total_points(const SweepSpec& s);

class SweepStore;

// The points a sweep runs, stage by stage: the design, then for a policy search the refinement
// rounds around the best points so far (which need every earlier point's summary). The command
// (local or MPI) and the Python binding drive a sweep through it: `record` each finished point,
// also those replayed from a journal on resume; `run` hands each stage's points to `run_stage`
// (which evaluates and stores the points not done yet, false when interrupted).
class SweepPlan {
 public:
  SweepPlan(const SweepSpec& s, Matrix design);
  int total_points() const { return total_; }
  void record(int point, const std::vector<double>& unit, const std::vector<double>& rows);
  bool run(SweepStore& store, const std::function<bool(int first, const Matrix& points)>& run_stage);

 private:
  const SweepSpec& s_;
  Matrix design_;
  int total_;
  std::vector<double> probability_, cost_;  // per point: P(required targets), mean budget cost
  Matrix units_;                            // per point: its design row
};

// ---- scenario discovery (PRIM) ---------------------------------------------------------------
struct PrimBox {
  std::vector<double> low, high;         // per factor, in the columns' units
  std::vector<std::uint8_t> restricted;  // 1 when the box limits the factor
  double density = 0;   // share of runs in the box where y = 1
  double coverage = 0;  // share of all y = 1 runs that are in the box
  double mass = 0;      // share of all runs in the box
};
// Patient rule induction (Friedman & Fisher 1999): peels alpha of the runs at a time from the
// side that raises density most, down to min_mass; returns the box of highest density with
// mass >= min_mass, then pastes back restrictions that do not lower its density.
PrimBox prim(const Matrix& x, const std::vector<std::uint8_t>& y, double alpha = 0.05, double min_mass = 0.1);
// "rd_subsidy_rate between 20 % and 40 % and land_quota_mu above 2500 mu"
std::string describe_box(const SweepSpec& s, const PrimBox& b, const std::vector<double>& col_low,
                         const std::vector<double>& col_high);

}  // namespace zonesim::sweep

// ---- streaming output and resume -------------------------------------------------------------
namespace zonesim::sweep {

// The output of a sweep while it runs: <out>.partial.h5 with every dataset pre-sized (NaN until
// written) and a journal <out>.journal (append-only, checksummed records, flushed after each
// point). A stopped sweep resumes from the journal (the partial HDF5 file is rebuilt from it, as
// it may be damaged by kill -9); the finished file is renamed into place atomically.
class SweepStore {
 public:
  struct Options {
    bool resume = false;
    bool force = false;
    int threads = 1;
    int ranks = 1;
    std::string command_line;
  };
  struct OpenError {
    std::string message;
    bool bad_input = false;  // the paths or flags given (exit 2); otherwise writing failed (exit 1)
  };
  // Creates or resumes; on failure returns null and sets `error`. `replayed` is called for each
  // point found in the journal (resume), in journal order.
  static std::unique_ptr<SweepStore> open(
      const std::string& out, const SweepSpec& s, int total_points, const Options& o, OpenError& error,
      const std::function<void(int point, const std::vector<double>& unit, const std::vector<double>& rows)>&
          replayed = {});
  ~SweepStore();
  int total_points() const;
  int done_points() const;
  bool done(int point) const;
  // The design row of a point (unit coordinates), written before it runs (policy search rounds).
  void write_design(int point, const std::vector<double>& unit);
  // A finished point: journal (durable), then the HDF5 rows.
  void write_point(int point, const std::vector<double>& unit, const std::vector<double>& rows);
  // Analysis (sensitivity, policy search, discovery) into the file, then the atomic rename.
  // `extra`, when given, writes more groups into the open file (an hid_t) before the rename
  // (`zonesim calibrate`: /posterior). Returns a human summary; throws on failure.
  std::string finish(const std::string& started_at, const std::function<void(std::int64_t file)>& extra = {});
  // True once writing the file or the journal failed (a full disk): the partial file is then
  // removed when the store is destroyed, and the journal kept for --resume.
  bool failed() const;
  // Path of the journal (for messages).
  std::string journal_path() const;

  struct Impl;

 private:
  explicit SweepStore(std::unique_ptr<Impl> impl);
  std::string finish_file(const std::string& started_at, const std::function<void(std::int64_t)>& extra);
  std::unique_ptr<Impl> impl_;
};

// Journal and partial-file paths of an output path.
std::string journal_path_for(const std::string& out);
std::string partial_path_for(const std::string& out);

}  // namespace zonesim::sweep

// ---- calibration: approximate Bayesian computation (sweep/calibrate.cpp, docs/validation.md) --
namespace zonesim::sweep {

// A calibration file (`zonesim calibrate CALIB.yaml`): the proposals are a sweep of the base
// scenario whose factors are the calibrated parameters (drawn from their priors by a Latin
// hypercube in the unit cube) and whose outputs are the observations of the scenario's
// `observed:` series; the distance of a proposal is the root mean square of ln(sim/obs) over the
// observations, sim being the mean over the proposal's replications.
struct CalibrationSpec {
  SweepSpec sweep;
  std::vector<Param> params;      // calibrated, in registry order
  std::vector<double> observed;   // per output, in the output's display unit
  std::vector<std::string> observation_series;  // per output: the series id
  double accept_quantile = 0.01;  // accept this share of the proposals, those nearest ...
  double tolerance = -1;          // ... or (when >= 0) every proposal within this distance
  int last_observed_year = 0;     // the latest year of any observation used
};
struct CalibrationLoadResult {
  std::optional<CalibrationSpec> spec;
  Diagnostics diagnostics;
};
CalibrationLoadResult load_calibration_file(const std::string& path);

struct AbcResult {
  std::vector<double> distance;  // per proposal (point order)
  std::vector<int> accepted;     // accepted proposals, by increasing distance (ties: point order)
  std::vector<double> weight;    // per accepted proposal, sums to 1 (rejection ABC: equal)
  std::vector<double> values;    // accepted x params, canonical units
  double tolerance = 0;          // the largest accepted distance (the tolerance used)
  // Per parameter: prior and posterior summaries (canonical units).
  std::vector<double> prior_mean, prior_sd, post_mean, post_sd, post_p05, post_p50, post_p95;
};
// `rows` per proposal as evaluate_point returns them; `units` its unit coordinates.
AbcResult abc_rejection(const CalibrationSpec& c, const Matrix& units, const std::vector<std::vector<double>>& rows);
// Writes /posterior into an open HDF5 file (docs/validation.md).
void write_calibration_group(std::int64_t file, const CalibrationSpec& c, const AbcResult& r);
// The table `zonesim calibrate` prints: per parameter prior and posterior.
std::string format_posterior(const CalibrationSpec& c, const AbcResult& r);

}  // namespace zonesim::sweep
