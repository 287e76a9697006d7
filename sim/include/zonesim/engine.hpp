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

}  // namespace zonesim
