// Helpers for model specifications: run a scenario in process and average an indicator.
#pragma once

#include "support.hpp"
#include "zonesim/engine.hpp"

namespace zonesim::test {

inline Ensemble simulate(const Scenario& s) { return run_ensemble(s); }

// Mean over replications of an indicator for the totals row (zone = -1) or a zone.
inline double mean_of(const Scenario& s, const Ensemble& e, Ind ind, int year, int zone = -1) {
  const int row = zone < 0 ? static_cast<int>(s.zones.size()) : zone;
  double sum = 0;
  for (const auto& r : e.replications) sum += r.ind(year - s.base_year, row, ind);
  return sum / static_cast<double>(e.replications.size());
}

// Mean over replications and over the simulated years (base year excluded).
inline double mean_over_years(const Scenario& s, const Ensemble& e, Ind ind, int zone = -1) {
  double sum = 0;
  for (int y = s.base_year + 1; y <= s.end_year; ++y) sum += mean_of(s, e, ind, y, zone);
  return sum / s.years();
}

inline const std::string& demo_path() {
  static const std::string p = source_path("scenarios/demo.yaml");
  return p;
}

}  // namespace zonesim::test
