// Running a scenario: replications in parallel (TBB), then target evaluation.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "zonesim/model.hpp"

namespace zonesim {

struct EnsembleOptions {
  int threads = 0;                        // 0: every core
  std::vector<int> panel_replications;    // replications whose firm panel is kept
  std::function<void(int done, int total)> progress;  // called from worker threads, serialised
  const std::atomic<bool>* cancel = nullptr;          // stop early when set
};

struct Ensemble {
  std::vector<ReplicationResult> replications;  // index = replication number
  std::vector<int> panel_replications;
  std::vector<FirmPanel> panels;                // parallel to panel_replications
  bool cancelled = false;
  int threads_used = 0;
};

Ensemble run_ensemble(const Scenario& s, const EnsembleOptions& options = {});

struct TargetResult {
  const TargetSpec* spec = nullptr;
  std::vector<double> values;  // per replication, canonical unit
  std::vector<std::uint8_t> met;
  double mean = 0, p05 = 0, p50 = 0, p95 = 0, probability = 0;
};

double target_value(const Scenario& s, const ReplicationResult& r, const TargetSpec& t);
std::vector<TargetResult> evaluate_targets(const Scenario& s, const std::vector<ReplicationResult>& reps);
// Linear-interpolation quantile (type 7) of an unsorted sample.
double quantile(std::vector<double> v, double q);

// Human-readable label of a target ("gross industrial output, all zones, 2025 > 1000 亿元").
std::string target_label(const Scenario& s, const TargetSpec& t, bool chinese = false);
// The target table, as printed by `zonesim run`.
std::string format_target_table(const Scenario& s, const std::vector<TargetResult>& results);
// Value in the display unit of a target (亿元, %, ...).
double target_display(const TargetSpec& t, double canonical);
std::string_view target_unit(const TargetSpec& t);

// The columns of a result file's /targets (docs/output.md), one entry per target in scenario
// order, values in the target's display unit: what the HDF5 writer stores and the Python
// binding's Result.target_table() returns.
struct TargetTable {
  std::vector<std::string> id, kind, indicator, zone, comparison, unit, source, label_en, label_zh;
  std::vector<double> value, mean, p05, p50, p95, probability;
  std::vector<double> cluster_threshold;  // 亿元; 0 unless a clusters target
  std::vector<std::int32_t> year, top_n;  // top_n: 0 unless a zones_in_top target
  std::size_t replications = 0;
  std::vector<double> values;       // target x replication
  std::vector<std::uint8_t> met;    // target x replication
};
TargetTable target_table(const Scenario& s, const std::vector<TargetResult>& targets, std::size_t replications);

// ---- fit to observed series (engine/fit.cpp, docs/validation.md) ---------------------------
// One observation against the replications: the simulated indicator's mean and 90 % band
// (5 % and 95 % quantiles over replications), the log error ln(mean / observed) and whether the
// observation lies inside the band. Values in the canonical unit of the indicator.
struct FitRow {
  const ObservedSeries* series = nullptr;
  int year = 0;
  double observed = 0, mean = 0, p05 = 0, p50 = 0, p95 = 0;
  double log_error = 0;  // ln(mean / observed); NaN when the mean is not positive
  bool inside_band = false;
  bool within_10 = false;  // |log_error| <= 0.1
  bool beyond_25 = false;  // |log_error| > 0.25 (or not finite)
};
struct FitSummary {
  int observations = 0;
  int within_10 = 0, inside_band = 0, within_10_or_band = 0, beyond_25 = 0;
  double mean_abs_log_error = 0;
  double mean_band_width = 0;  // mean of (p95 - p05) / observed
  // The goals (docs/validation.md): >= 80 % within ±10 % or inside the band, none beyond
  // ±25 %, the band covering 70-100 % of the observations.
  bool goals_met() const;
};
std::vector<FitRow> evaluate_fit(const Scenario& s, const std::vector<ReplicationResult>& reps);
FitSummary summarise_fit(const std::vector<FitRow>& rows);
// Root mean square of ln(sim / obs) over every observation, for one replication (the ABC
// distance of `zonesim calibrate`); a non-positive simulated value counts as ln 1e-6.
double fit_distance(const std::vector<double>& simulated, const std::vector<double>& observed);
// The fit table printed by `zonesim run` after the target table (empty without observations).
std::string format_fit_table(const Scenario& s, const std::vector<FitRow>& rows);

}  // namespace zonesim
