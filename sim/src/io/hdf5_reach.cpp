// /reach: one row per (target out of reach, lever), in the lever's display unit (docs/output.md).
#include "hdf5_reach.hpp"

#include <cmath>
#include <cstdint>

#include "hdf5_util.hpp"
#include "zonesim/output.hpp"

namespace zonesim {

using namespace zonesim::h5;

namespace {

const char* outcome_word(ReachOutcome o) {
  switch (o) {
    case ReachOutcome::reached: return "reached";
    case ReachOutcome::out_of_range: return "out_of_range";
    case ReachOutcome::not_valid: return "not_valid";
  }
  return "?";
}

}  // namespace

void write_reach_group(hid_t file, const Scenario& s, const ReachResult& r) {
  Hid g = group(file, "reach");
  std::vector<std::string> target, lever, outcome, direction, unit, message;
  std::vector<double> from, value, bound, value_short, probability, probability_bound, probability_short, budget;
  for (const auto& row : r.rows) {
    const Setting& set = setting(row.lever);
    const bool words = set.dim == Dim::boolean || set.dim == Dim::choice;
    target.push_back(s.targets[row.target].id);
    lever.emplace_back(set.key);
    outcome.emplace_back(outcome_word(row.outcome));
    direction.emplace_back(words ? lever_value_text(set, row.bound) : row.upward ? "max" : "min");
    unit.push_back(words ? "1" : dim_unit_text(set.dim));
    message.push_back(row.message);
    from.push_back(to_display(set.dim, row.from));
    value.push_back(to_display(set.dim, row.value));
    bound.push_back(to_display(set.dim, row.bound));
    value_short.push_back(row.outcome == ReachOutcome::reached ? to_display(set.dim, row.value_short) : NAN);
    probability.push_back(row.probability);
    probability_bound.push_back(row.probability_bound);
    probability_short.push_back(row.outcome == ReachOutcome::reached ? row.probability_short : NAN);
    budget.push_back(row.outcome == ReachOutcome::not_valid ? NAN : row.budget_change / 1e8);
  }
  dataset_strings(g, "target", target);
  dataset_strings(g, "lever", lever);
  dataset_strings(g, "outcome", outcome);
  dataset_strings(g, "direction", direction);
  dataset_strings(g, "unit", unit);
  dataset_strings(g, "message", message);
  dataset_doubles(g, "from", from, nullptr, "The scenario's value of the lever, region-wide, last year (unit: the row's unit)");
  dataset_doubles(g, "value", value, nullptr,
                  "reached: the smallest value found with P(met) >= threshold; otherwise the bound (unit: the row's unit)");
  dataset_doubles(g, "bound", bound, nullptr, "The end of the valid range moved toward (unit: the row's unit)");
  dataset_doubles(g, "value_short", value_short, nullptr,
                  "reached: the largest move found with P(met) < threshold (unit: the row's unit); NaN otherwise");
  dataset_doubles(g, "probability", probability, "1", "P(met) at value");
  dataset_doubles(g, "probability_bound", probability_bound, "1", "P(met) at bound");
  dataset_doubles(g, "probability_short", probability_short, "1", "P(met) at value_short; NaN unless reached");
  dataset_doubles(g, "budget_change", budget, "亿元",
                  "Budget spending over the horizon at value less the scenario's, mean over replications");
  attr_f64(g, "threshold", r.threshold);
  attr_f64(g, "replications", r.replications);
  attr_f64(g, "steps", r.steps);
  attr_f64(g, "evaluations", r.evaluations);
}

}  // namespace zonesim
