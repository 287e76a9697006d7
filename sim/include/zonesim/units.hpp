// Physical dimensions and unit parsing for scenario values.
//
// Every quantity in a scenario carries a unit ("1000 亿元", "3 %", "2000 mu"). Values are
// converted to one canonical unit per dimension as soon as they are read:
//   money            yuan              (1 万元 = 1e4 yuan, 1 亿元 = 1e8 yuan, 1 bn CNY = 1e9 yuan)
//   share            fraction          ("3 %" = 0.03)
//   area             mu                (1 ha = 15 mu, 1 km2 = 1500 mu)
//   money_per_area   yuan per mu       ("50 万元/亩" = 5e5)
//   energy           tce               (tonnes of standard coal equivalent; 1 万tce = 1e4 tce)
//   energy_per_money tce per 万元      (the unit Chinese energy statistics use)
//   count, number, years: plain numbers
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zonesim {

enum class Dim {
  number,            // dimensionless (elasticities, ratios such as a plot ratio)
  share,             // a fraction, written "12 %" or 0.12
  money,             // yuan
  area,              // mu
  count,             // a non-negative whole number of things
  money_per_area,    // yuan per mu
  energy,            // tce
  energy_per_money,  // tce per 万元
  years,             // a duration in years
  year,              // a calendar year
  boolean,           // true / false
  choice,            // one of a fixed list of words
};

std::string_view dim_name(Dim d);
// The units a user may write for a dimension, for error messages and docs.
std::string_view dim_units_help(Dim d);
// The unit in which values of this dimension are shown to people (docs, tables).
std::string_view dim_display_unit(Dim d);
// Canonical value -> value in the display unit.
double to_display(Dim d, double canonical);
// Formats a canonical value in its display unit, e.g. "1000 亿元", "3 %", "2000 mu".
std::string format_quantity(Dim d, double canonical);

struct ParsedQuantity {
  double value = 0.0;  // canonical unit
  std::string error;   // empty on success
  std::string hint;    // optional suggestion
  bool ok() const { return error.empty(); }
};

// Parses a scalar text (as written in YAML) as a quantity of dimension d.
// A number without a unit is accepted only where it cannot be misread: shares given as a plain
// fraction in [0, 1] (and negative fractions for growth rates), counts, numbers, years.
ParsedQuantity parse_quantity(std::string_view text, Dim d);

}  // namespace zonesim
