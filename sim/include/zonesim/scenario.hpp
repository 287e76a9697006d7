// A scenario, fully resolved: the description of a model run, kept apart from running it.
// Produced by the loader from YAML (with `extends:` merged and `--set` overrides applied);
// consumed by the engine. All values are in canonical units (yuan, mu, fractions).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zonesim/diagnostics.hpp"
#include "zonesim/indicators.hpp"
#include "zonesim/registry.hpp"

namespace zonesim {

// A lever's value over years: each point holds until the next one.
struct Schedule {
  std::vector<std::pair<int, double>> points;  // sorted by year; never empty once resolved
  double at(int year) const;
  static Schedule constant(double v) { return Schedule{{{-100000, v}}}; }
};

// A behavioural parameter: a fixed value or a distribution drawn once per replication.
struct ParamSpec {
  enum class Kind { fixed, normal, lognormal, uniform, triangular };
  Kind kind = Kind::fixed;
  double a = 0.0;  // fixed: value; normal: mean; lognormal: median; uniform/triangular: low
  double b = 0.0;  // normal: sd; lognormal: sigma of log; uniform/triangular: high
  double c = 0.0;  // triangular: mode
  bool uncertain() const { return kind != Kind::fixed; }
  // The distribution's quantile at u in (0, 1): how a uniform draw becomes a parameter value, for
  // replications' parameter draws and calibration's Latin hypercube alike. Not clamped to a range.
  double quantile(double u) const;
};

struct SectorSpec {
  std::string id;
  std::string name_en, name_zh;
  std::array<double, kSectorFieldCount> fields{};  // demand_shock's entry unused: see below
  // sectors.<id>.demand_shock, a schedule: added to this sector's demand growth in each year.
  Schedule demand_shock = Schedule::constant(0.0);
};

struct ZoneSpec {
  std::string id;
  std::string name_en, name_zh;
  std::array<double, kZoneFieldCount> fields{};
  std::vector<double> sector_shares;  // per sector, sums to 1 (zone override or sector default)
  std::array<std::optional<Schedule>, kLeverCount> lever_overrides;
  // Lever values in force in the base year as the scenario files state them, before levers set
  // with --set, by a sweep or from the planner's page: the policy under which the base-year data
  // were observed. The base-year population is calibrated under it, so an override changes
  // policy from the first simulated year on instead of rewriting history.
  std::array<double, kLeverCount> base_year_levers{};
};

// The certification pipeline of a zone whose certified firms grew before the base year
// (zone key base_hightech_growth g, docs/model.md 2): of its N = base_hightech_firms, round(g N)
// uncertified firms pass the 3-year R&D test in the first simulated year and round(g (1 + g) N)
// in the second. {0, 0} when g is 0. The generator draws them; the validator checks they fit.
inline std::pair<std::size_t, std::size_t> certification_pipeline(double growth, double hightech_firms) {
  if (!(growth > 0)) return {0, 0};
  return {static_cast<std::size_t>(std::llround(growth * hightech_firms)),
          static_cast<std::size_t>(std::llround(growth * (1.0 + growth) * hightech_firms))};
}

enum class Comparison { greater, greater_equal, less, less_equal };
std::string_view comparison_text(Comparison c);
bool compare(double value, Comparison c, double threshold);

struct TargetSpec {
  enum class Kind {
    indicator,         // indicator of a zone (or all zones) compared with a value
    clusters,          // number of (zone, sector) clusters with output >= cluster_threshold
    zones_in_top,      // number of zones with national rank <= top_n
    change_from_base,  // indicator's change from the base year compared with a value
  };
  std::string id;
  std::string label_en, label_zh;
  Kind kind = Kind::indicator;
  Ind indicator = Ind::gross_output;
  int zone = -1;  // -1: all zones
  Comparison op = Comparison::greater;
  double value = 0.0;           // canonical unit of the indicator (or a count)
  Dim value_dim = Dim::number;  // the dimension the value is shown in
  int year = 0;
  double cluster_threshold = 0.0;  // clusters: output threshold (yuan)
  int top_n = 0;                   // zones_in_top
  std::string source;              // citation of the clause
};

// An observed series (`observed:`, docs/scenarios.md): published values of an indicator of a zone
// (or of all zones) by year, each with its source. `zonesim run` compares the simulated
// indicator with them (engine/fit.cpp); `zonesim calibrate` fits parameters to them.
struct ObservedSeries {
  std::string id;
  Ind indicator = Ind::gross_output;
  int zone = -1;  // -1: all zones
  std::string unit;  // display unit of the indicator's dimension (亿元, %, ...)
  std::string label_en, label_zh;
  std::vector<int> years;            // increasing, within base_year .. end_year
  std::vector<double> values;        // canonical unit, > 0
  std::vector<std::string> sources;  // per value (the series' source where a value gives none)
};

// Accepted parameter vectors of a calibration (`parameters: {from_posterior: FILE}`): each
// replication draws one of them by its weight; they override the scenario's own values and
// distributions of these parameters.
struct PosteriorDraws {
  std::string file;                    // as written in the scenario
  std::vector<Param> params;           // the calibrated parameters
  std::vector<double> values;          // draws x params, canonical units
  std::vector<double> cumulative;      // cumulative normalised weights, one per draw (last = 1)
  std::size_t draws() const { return cumulative.size(); }
};

struct Scenario {
  std::string name;
  std::string title_en, title_zh;
  std::string file;  // path of the top-level file
  std::string text;  // the YAML text as merged (extends resolved, overrides applied)
  std::vector<std::string> source_texts;  // original file texts, top-level first
  int base_year = 2020;
  int end_year = 2025;
  int replications = 100;
  std::uint64_t seed = 1;

  std::vector<SectorSpec> sectors;
  std::vector<ZoneSpec> zones;
  std::array<double, kRegionFieldCount> region{};  // demand_shock's entry unused: see below
  // region.demand_shock, a schedule: added to every sector's demand growth in each year.
  Schedule demand_shock = Schedule::constant(0.0);
  std::array<Schedule, kLeverCount> levers;  // region-wide; zones may override
  std::array<ParamSpec, kParamCount> params;
  std::vector<TargetSpec> targets;
  std::vector<ObservedSeries> observed;
  std::optional<PosteriorDraws> posterior;

  int years() const { return end_year - base_year; }  // simulated years after the base year
  const Schedule& lever(std::size_t zone, Lever l) const {
    const auto& o = zones[zone].lever_overrides[static_cast<std::size_t>(l)];
    return o ? *o : levers[static_cast<std::size_t>(l)];
  }
  // Firm slots a replication reaches at most (rarely more): base-year firms plus an upper bound
  // of the entrants the scenario's levers and parameters bring over the years. For the memory
  // estimate and for reserving the firm arrays (memory_estimate.cpp).
  double expected_peak_firms() const;
};

struct LoadOptions {
  std::vector<std::string> overrides;  // "key.path=value", from --set
};

struct LoadResult {
  std::optional<Scenario> scenario;
  Diagnostics diagnostics;
};

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options = {});
LoadResult load_scenario_text(const std::string& text, const std::string& name_for_errors,
                              const LoadOptions& options = {});

// A seed as written in a scenario, --set, --seed or a sweep file: a whole number 0 .. 2^64-1,
// read exactly (a double holds only 53 bits). Nothing when it is not one.
std::optional<std::uint64_t> parse_seed(std::string_view text);
// "valid: 0 to 18446744073709551615 (a whole number)", the hint for a bad seed.
std::string seed_range_hint();

// Memory a run would need (bytes), used to refuse impossible scenarios up front.
double estimated_memory_bytes(const Scenario& s, int threads);

}  // namespace zonesim
