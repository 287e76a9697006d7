// A scenario file read once, and the overrides each run applies to it. As in FLAMEGPU2
// (ModelDescription -> RunPlan -> ensemble): a ScenarioSource is the scenario file, with the files
// it `extends`, read and parsed once per command; a RunPlan is a list of typed overrides, parsed
// once from `KEY=VALUE` text; resolve(source, plan) applies the plan to a copy of the parsed
// document in memory and validates it into a Scenario. `zonesim run --set`, sweep points (local
// and on every mpirun rank), `effects`, `optimize`, `calibrate` and the planner's page all go
// through it, so a file edited while a command runs does not change its later runs.
// load_scenario_file(path, options) is resolve(ScenarioSource::read_file(path),
// RunPlan::parse(options.overrides)): the same Scenario and the same diagnostics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "zonesim/diagnostics.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

namespace detail {
struct Node;  // the loader's located document tree (sim/src/scenario/tree.hpp)
struct StatedHistories;  // the base-year histories already validated (loader.cpp)
}

// One override `KEY=VALUE`: from --set, a sweep factor at a point, or the planner's page.
struct Override {
  std::string text;               // as given: "zones.north.levers.land_quota_mu=900 mu"
  std::string key;                // "zones.north.levers.land_quota_mu"
  std::vector<std::string> path;  // the key split at its dots
  std::string zone;               // "north" for zones.north.…; "" for the region or the whole scenario
  std::string setting;            // the key within that zone: "levers.land_quota_mu" ("seed", "levers.x")
  // The value as a YAML value without position (file "--set"): a quantity with its unit, a word,
  // a schedule; the unit is read against the setting's dimension when the plan is resolved, so
  // every error about it is the validator's. Null when the text is not an override (`problems`).
  std::shared_ptr<const detail::Node> value;
  Diagnostics problems;  // why the text is not an override: not KEY=VALUE, not a key path, bad YAML
  // A policy lever (levers.KEY, zones.ID.levers.KEY): a change of policy, not of the base
  // year's history (ZoneSpec::base_year_levers).
  bool sets_lever() const;
};

// The overrides of one run, in the order given (a later override of the same key wins).
struct RunPlan {
  std::vector<Override> overrides;

  static RunPlan parse(const std::vector<std::string>& texts);
  // This plan followed by more overrides.
  RunPlan with(const std::vector<std::string>& texts) const;
};

// One override parsed: key path and value, or its problems.
Override parse_override(const std::string& text);

class ScenarioSource;
// What a resolved Scenario is for: `full` keeps the merged YAML (Scenario::text, written with a
// run's results); `points` leaves it empty, for callers that keep only the base scenario's text
// (sweep points: the sweep file stores the base's). Nothing else differs.
enum class ResolveFor { full, points };
// The scenario of `source` with `plan` applied, validated: what load_scenario_file gives for the
// same file and overrides, diagnostics included (file:line:column, key path, message, hint).
LoadResult resolve(const ScenarioSource& source, const RunPlan& plan = {}, ResolveFor use = ResolveFor::full);

// The scenario file (or text) read and parsed once: the merged document of its `extends:` chain,
// the base-year history (the root file's levers), the texts read, and the errors of reading.
// Cheap to copy; never changes after it is made (one source serves many threads).
class ScenarioSource {
 public:
  static ScenarioSource read_file(const std::string& path);
  static ScenarioSource from_text(const std::string& text, const std::string& name_for_errors);
  const std::string& file() const { return file_; }
  // The errors of reading and parsing (a file that cannot be read, bad YAML, a bad `extends`).
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  friend LoadResult resolve(const ScenarioSource& source, const RunPlan& plan, ResolveFor use);
  std::string file_;
  std::shared_ptr<const detail::Node> root_;     // the merged document; null when unusable
  std::shared_ptr<const detail::Node> history_;  // for a chain of files: the merge without the variants' levers
  Diagnostics diagnostics_;
  std::vector<std::string> texts_;  // the files' texts, top-level first (Scenario::source_texts)
  // The base-year history validated, by the plans' overrides of other than levers: a sweep's
  // points differ in levers only, so each point need not validate the same history again.
  // Shared by the copies; only adds entries (thread-safe), which never change what resolve gives.
  std::shared_ptr<detail::StatedHistories> stated_;
};

}  // namespace zonesim
