// "What it would take" (issue 14, docs/scenarios.md): for each target whose probability of being
// met is below a threshold, and for each lever moved alone, the smallest move of the lever at
// which the probability reaches the threshold, found on common random numbers (the same seed and
// replications for every evaluation). Also the lever moves `zonesim effects` makes: setting a
// lever over the scenario's years and zones through the scenario's own overrides, so that a value
// the validator refuses is "not valid here" (engine/reach.cpp).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zonesim/engine.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

// ---- moving a lever ----------------------------------------------------------------------
// A lever value as an override's value text in the unit it is written in: "15%", "1000万元",
// "1000mu", "0.5万元/亩", "0.3tce/万元", "true", a choice's word; canonical value in.
std::string lever_value_text(const Setting& s, double canonical);

// The overrides that set lever `l` to `to(current)` in every year: region-wide from the region's
// value in the last year, and in each zone that sets the lever itself from that zone's value in
// the last year. `shown` is the new value, or the values zone by zone ("150/60") where they differ.
struct LeverMove {
  std::vector<std::string> overrides;
  std::string shown;
};
LeverMove move_lever(const Scenario& s, Lever l, const std::function<std::string(double current)>& to);

// Budget spending over the simulated years, all zones, mean over replications (yuan).
double horizon_spending(const Scenario& s, const Ensemble& e);

// ---- the search --------------------------------------------------------------------------
struct ReachOptions {
  double threshold = 0.5;    // a target is out of reach when P(met) < threshold
  int replications = 0;      // per evaluation; 0: min(the scenario's replications, 50)
  int steps = 7;             // bisection steps after the bound
  std::vector<Lever> levers;  // empty: every lever
  EnsembleOptions ensemble;  // threads, cancel (no progress, no firm panel)
  std::function<void(int levers_done, int levers)> progress;  // after each lever, from the calling thread
};

enum class ReachOutcome {
  reached,       // the lever alone reaches the threshold at `value`
  out_of_range,  // not within the lever's valid range: P at the bound is below the threshold
  not_valid,     // the scenario refuses the lever's bound (`message`)
};

struct ReachRow {
  std::size_t target = 0;  // index into Scenario::targets
  Lever lever{};
  ReachOutcome outcome = ReachOutcome::out_of_range;
  bool upward = true;        // toward the registry's maximum (else its minimum)
  double from = 0;           // the scenario's region-wide value in the last year (canonical)
  double bound = 0;          // the end of the valid range moved toward (canonical)
  double probability_bound = 0;
  double value = 0;          // reached: the value found; otherwise the bound (canonical)
  double probability = 0;    // P(met) at `value`
  double budget_change = 0;  // spending over the horizon at `value` less the scenario's (yuan)
  // The largest move found short of `value` that falls below the threshold (the last failing
  // bisection point; the scenario's value when none failed) and P there. reached only; NaN when
  // the target is met at the scenario's value with the search's replications.
  double value_short = 0;
  double probability_short = 0;
  std::string message;  // not_valid: the validator's message
};

struct ReachResult {
  double threshold = 0.5;
  int replications = 0;  // per evaluation
  int steps = 0;
  int evaluations = 0;   // ensembles run (baseline included)
  std::vector<std::size_t> targets;          // out of reach in the run, scenario order
  std::vector<double> probability_search;    // per target of the scenario, at the search's replications
  double spending = 0;                       // the scenario's spending at the search's replications
  std::vector<ReachRow> rows;                // target-major, levers in registry order
};

// The search, for the scenario `source` with `plan` resolved to `s` and its run's `targets`.
// Nothing when cancelled. Independent of the thread count.
std::optional<ReachResult> find_reach(const ScenarioSource& source, const RunPlan& plan, const Scenario& s,
                                      const std::vector<TargetResult>& targets, const ReachOptions& options);

// The value text of a row's lever in its display unit ("37.5 %", "1200 万元", "not within ...").
std::string reach_value_display(const Setting& lever, double canonical);
// The table `zonesim run --reach` prints after the target table.
std::string format_reach_table(const Scenario& s, const ReachResult& r);

}  // namespace zonesim
