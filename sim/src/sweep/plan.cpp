// The stages of a sweep: the design, then for a policy search the refinement rounds around the
// best points so far. One driver for `zonesim sweep`/`optimize` (local or MPI) and the Python
// binding, so that both evaluate the same points in the same order.
#include <cmath>

#include "zonesim/sweep.hpp"

namespace zonesim::sweep {

SweepPlan::SweepPlan(const SweepSpec& s, Matrix design)
    : s_(s),
      design_(std::move(design)),
      total_(s.design == DesignKind::optimize ? optimize_total_points(s) : static_cast<int>(design_.size())),
      probability_(static_cast<std::size_t>(total_), NAN),
      cost_(static_cast<std::size_t>(total_), NAN),
      units_(static_cast<std::size_t>(total_)) {}

void SweepPlan::record(int point, const std::vector<double>& unit, const std::vector<double>& rows) {
  if (s_.design != DesignKind::optimize) return;
  const PointSummary sum = summarise_point(s_, rows);
  const auto p = static_cast<std::size_t>(point);
  probability_[p] = sum.required_targets_probability;
  cost_[p] = sum.budget_cost_mean;
  units_[p] = unit;
}

bool SweepPlan::run(SweepStore& store, const std::function<bool(int first, const Matrix& points)>& run_stage) {
  if (!run_stage(0, design_)) return false;
  if (s_.design != DesignKind::optimize) return true;
  int first = s_.optimize.initial_points;
  for (int round = 1; round <= s_.optimize.rounds; ++round) {
    const Matrix evaluated(units_.begin(), units_.begin() + first);
    const std::vector<double> cost(cost_.begin(), cost_.begin() + first);
    const std::vector<double> probability(probability_.begin(), probability_.begin() + first);
    const Matrix points = refine_points(s_, evaluated, cost, probability, round);
    for (int j = 0; j < static_cast<int>(points.size()); ++j)
      if (!store.done(first + j)) store.write_design(first + j, points[static_cast<std::size_t>(j)]);
    if (!run_stage(first, points)) return false;
    first += static_cast<int>(points.size());
  }
  return true;
}

}  // namespace zonesim::sweep
