// What a run of a scenario holds in memory: firm slots at the peak (base-year firms plus every
// entrant the scenario's settings can bring, since an exited firm keeps its slot) times the
// bytes of state per firm (kBytesPerFirm, generated from the firm fields).
#include <algorithm>
#include <cmath>
#include <vector>

#include "zonesim/firm_fields.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {
namespace {

// A value a replication's draw of parameter `p` stays below (`high`) or above (otherwise) but
// for about one draw in a thousand: 3 standard deviations, or the ends of a bounded
// distribution; inside the parameter's valid range, as draws are clamped to it.
double parameter_bound(const Scenario& s, Param p, bool high) {
  const ParamSpec& ps = s.params[static_cast<std::size_t>(p)];
  const Setting& st = setting(p);
  double v = ps.a;
  switch (ps.kind) {
    case ParamSpec::Kind::fixed: break;
    case ParamSpec::Kind::normal: v = ps.a + (high ? 3.0 : -3.0) * ps.b; break;
    case ParamSpec::Kind::lognormal: v = ps.a * std::exp((high ? 3.0 : -3.0) * ps.b); break;
    case ParamSpec::Kind::uniform:
    case ParamSpec::Kind::triangular: v = high ? std::max(ps.a, ps.b) : std::min(ps.a, ps.b); break;
  }
  return std::clamp(v, st.min, st.max);
}

}  // namespace

// Base-year firms plus an upper bound of the entrants (model.md 3.9), year by year: start-ups
// born in the zone's carriers (base carriers plus all built so far, at full funding) and from
// the guidance fund; external projects (the zones' pull on projects averages 1, so all zones
// together draw at most `zones` times the largest zone's projects) and relocations from the
// metropolis. Firms that move between zones keep their slot. Entrant counts are Poisson draws
// of at most this mean; four standard deviations are added on top. The flows are real counts
// and arrive at counts / firm_count_scale (model.md 3.13), so the entrants are divided by it.
double Scenario::expected_peak_firms() const {
  const double births_per_carrier = parameter_bound(*this, Param::births_per_carrier, true);
  const double cost_per_project = parameter_bound(*this, Param::attraction_cost_per_project, false);
  auto value = [&](std::size_t z, Lever l, int year) { return std::max(0.0, lever(z, l).at(year)); };
  double firms = 0;
  std::vector<double> carriers(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    firms += zones[z].fields[static_cast<std::size_t>(ZoneField::base_firms)];
    carriers[z] = zones[z].fields[static_cast<std::size_t>(ZoneField::base_innovation_carriers)];
  }
  double entrants = 0;
  for (int t = base_year + 1; t <= end_year; ++t) {
    double projects = 0;
    for (std::size_t z = 0; z < zones.size(); ++z) {
      carriers[z] += value(z, Lever::new_incubators, t) + value(z, Lever::new_accelerators, t) +
                     value(z, Lever::new_rd_institutes, t);
      entrants += births_per_carrier * carriers[z] + value(z, Lever::venture_fund, t) / 1e7 +
                  value(z, Lever::metropolis_relocations_per_year, t);
      projects = std::max(projects, value(z, Lever::attraction_projects_per_year, t) +
                                        value(z, Lever::attraction_budget, t) / cost_per_project);
    }
    entrants += static_cast<double>(zones.size()) * projects;
  }
  entrants /= std::max(1.0, region[static_cast<std::size_t>(RegionField::firm_count_scale)]);
  return firms + entrants + 4.0 * std::sqrt(entrants);
}

double estimated_memory_bytes(const Scenario& s, int threads) {
  double concurrent = std::min<double>(std::max(threads, 1), s.replications);
  return s.expected_peak_firms() * static_cast<double>(kBytesPerFirm) * concurrent;
}

}  // namespace zonesim
