// A synthetic scenario whose size is set by the firm count: the demo's north zone scaled to
// `firms` firms per zone (same output, land and employment per firm), one replication.
#pragma once

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "zonesim/scenario.hpp"

namespace zonesim::bench {

inline std::string synthetic_scenario_text(double firms, int years, int zones = 1) {
  const double k = firms / 400.0;  // the demo's north zone has 400 firms
  std::string t =
      "zonesim: 1\nname: synthetic\nbase_year: 2020\nend_year: " + std::to_string(2020 + years) +
      "\nreplications: 1\nseed: 4242\nregion:\n  national_zone_count: 169\n"
      "sectors:\n"
      "  electronics: {output_share: 40 %, value_added_ratio: 22 %, rd_propensity: 3.5 %, demand_growth: 8 %, hightech: true}\n"
      "  machinery: {output_share: 35 %, value_added_ratio: 26 %, rd_propensity: 2.0 %, demand_growth: 5 %}\n"
      "  materials: {output_share: 25 %, value_added_ratio: 24 %, rd_propensity: 1.5 %, demand_growth: 4 %, energy_intensity_factor: 2.0}\n"
      "zones:\n";
  char buf[1024];
  for (int z = 0; z < zones; ++z) {
    std::snprintf(buf, sizeof buf,
                  "  z%d:\n    level: %s\n    kind: hightech\n"
                  "    base_output: %.0f 亿元\n    base_value_added: %.0f 亿元\n    base_rd: %.3f 亿元\n"
                  "    base_firms: %.0f\n    base_above_size_firms: %.0f\n    base_hightech_firms: %.0f\n"
                  "    base_land_used_mu: %.0f mu\n    base_land_idle_mu: %.0f mu\n"
                  "    base_land_available_mu: %.0f mu\n    land_planned_mu: %.0f mu\n"
                  "    base_employment: %.0f\n    city_gdp: %.0f 亿元\n"
                  "    levers: {land_quota_mu: %.0f mu}\n",
                  z, z == 0 ? "national" : "provincial", 300 * k, 75 * k, 1.5 * k, firms, 150 * k, 60 * k,
                  30000 * k, 2000 * k, 1500 * k, 45000 * k, 25000 * k, 1800 * k, 800 * k);
    t += buf;
  }
  t += "levers:\n  rd_subsidy_rate: {2020: 5 %, 2022: 10 %}\n  entry_rd_threshold: 4 %\n  new_incubators: 1\n";
  return t;
}

// Zones of at most 10^6 firms each (the registry's ranges bound a zone's output and land), so
// 10^7 firms are ten zones.
inline Scenario synthetic_scenario(double firms, int years) {
  const int zones = firms > 1e6 ? static_cast<int>(std::ceil(firms / 1e6)) : 1;
  LoadResult r = load_scenario_text(synthetic_scenario_text(firms / zones, years, zones), "synthetic.yaml");
  if (!r.scenario) {
    std::string msg = "synthetic scenario rejected:";
    for (const auto& d : r.diagnostics.items()) msg += "\n  " + d.message;
    throw std::runtime_error(msg);
  }
  return std::move(*r.scenario);
}

}  // namespace zonesim::bench
