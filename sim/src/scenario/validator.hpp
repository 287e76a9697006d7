// Scenario loading, step 4: the merged tree checked and read into a Scenario. Every problem
// becomes a Diagnostic located at the value (or key) that causes it.
//   validate_values.cpp  one value: a quantity with its unit, a year, a schedule, a distribution
//   validate.cpp         the top level: run settings, region, sectors, levers, parameters
//   validate_zone.cpp    a zone: its values, sector shares and the checks between them
//   validate_target.cpp  a target
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tree.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

inline constexpr int kMaxYears = 100;
// in canonical units: 1e18 yuan is 10^10 亿元, far above any economy; it keeps every value and
// what is computed from it finite.
inline constexpr double kMaxMagnitude = 1e18;
inline constexpr double kMaxLogSigma = 10.0;  // a lognormal's sigma of log; shipped scenarios use <= 1

struct Validator {
  Diagnostics& diags;
  Scenario& sc;
  bool horizon_valid = true;  // false once base_year/end_year are reported as inconsistent
  std::array<bool, kZoneFieldCount> zone_field_invalid{};  // of the zone being read

  // Reads the whole tree into `sc` (validate.cpp).
  void run(const Node& root);

  // ---- Reporting (validate_values.cpp)
  void error(const Node& at, const std::string& path, std::string message, std::string hint = {});
  void key_error(const Node& at, const std::string& path, std::string message, std::string hint = {});
  void unknown_key(const Node& at, const std::string& path, const std::string& key,
                   const std::vector<std::string>& valid, const std::string& what);
  void diags_fix_last_location(const Node& at);

  // ---- One value (validate_values.cpp)
  // Strips a {value: X, source: "..."} annotation.
  const Node* unwrap(const Node& n, const std::string& path);
  std::optional<double> scalar_value(const Node& raw, const std::string& path, const Setting& s);
  // A calendar year written as a whole number (2022, not 2022.0 or 2022.5), 1900 .. 2200.
  static std::optional<int> whole_year(const std::string& text);
  std::optional<int> year_value(const Node& n, const std::string& path);
  bool year_in_horizon(const Node& at, const std::string& path, int year, bool allow_base);
  std::optional<Schedule> schedule_value(const Node& raw, const std::string& path, const Setting& s);
  std::optional<ParamSpec> param_value(const Node& raw, const std::string& path, const Setting& s);
  std::string text_value(const Node& raw, const std::string& path);
  static bool valid_id(const std::string& id);
  void levers_block(const Node& n, const std::string& path,
                    std::array<std::optional<Schedule>, kLeverCount>& out);

  // ---- Groups of the top level (validate.cpp)
  bool read_header(const Node& root);
  void read_run_settings(const Node& root);
  void read_region(const Node& root);
  void read_sectors(const Node& root);
  void read_levers(const Node& root);
  void read_parameters(const Node& root);
  void read_targets(const Node& root);

  // ---- Zones (validate_zone.cpp)
  void read_zones(const Node& root);
  void read_zone(const std::string& id, const Node& body, const std::vector<std::string>& allowed);
  void read_sector_shares(const Node& c, const std::string& kp, ZoneSpec& z);
  void read_opens(const Node& c, const std::string& kp, ZoneSpec& z);
  void check_zone(const Node& at, const std::string& path, ZoneSpec& z);
  void explain_firm_limit(const Node& raw);
  void conflict(const Node& zone, const std::string& path, std::initializer_list<ZoneField> fields,
                std::string message, std::string hint);

  // ---- Targets (validate_target.cpp)
  void target(const std::string& path, const std::string& id, const Node& body);
  bool target_kind(const Node& body, const std::string& path, TargetSpec& t);
  bool target_indicator(const Node& body, const std::string& path, TargetSpec& t);
  bool target_zone(const Node& body, const std::string& path, TargetSpec& t);
  bool target_comparison(const Node& body, const std::string& path, TargetSpec& t);
  bool target_value(const Node& body, const std::string& path, TargetSpec& t, bool ok);
  bool target_year(const Node& body, const std::string& path, TargetSpec& t);
  bool target_kind_settings(const Node& body, const std::string& path, TargetSpec& t);
};


}  // namespace zonesim::detail
