// JSON texts the API serves: a scenario's levers and targets, and a run's results.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "json_text.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::serve {


// A lever's value as a scenario would write it: "30 %", "{2020: 5 %, 2022: 10 %}", "pro_rata".
std::string lever_value_text(const Setting& setting, const Schedule& schedule, int base_year);

// GET /api/scenarios/ID: title, horizon, every lever (registry: unit, range, descriptions; and
// the scenario's value, region-wide and per zone), the targets, the zones.
std::string scenario_detail_json(const std::string& id, const Scenario& s);

struct RunMeta {
  std::string id, scenario_id;
  std::string scenario_file;  // as shown in the equivalent command
  std::vector<std::pair<std::string, std::string>> overrides;
  double seconds = 0;
  int threads = 0;
  std::string started_at;
  bool baseline = false;
};

// A run's results: target rows, per-target fans per year, spending per item per year.
std::string run_json(const Scenario& s, const Ensemble& e, const std::vector<TargetResult>& targets,
                     const RunMeta& meta);

// The `zonesim run` command that reproduces a run.
std::string equivalent_command(const std::string& scenario_file, const RunMeta& meta, int replications,
                               unsigned long long seed);

}  // namespace zonesim::serve
