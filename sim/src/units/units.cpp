#include "zonesim/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace zonesim {
namespace {

struct UnitSpelling {
  std::string_view text;
  Dim dim;
  double factor;  // multiply the written number by this to get the canonical unit
};

// Spellings are compared after removing spaces; the longest match wins.
constexpr std::array kUnits{
    UnitSpelling{"yuan", Dim::money, 1.0},
    UnitSpelling{"元", Dim::money, 1.0},
    UnitSpelling{"CNY", Dim::money, 1.0},
    UnitSpelling{"RMB", Dim::money, 1.0},
    UnitSpelling{"万元", Dim::money, 1e4},
    UnitSpelling{"亿元", Dim::money, 1e8},
    UnitSpelling{"万", Dim::money, 1e4},
    UnitSpelling{"亿", Dim::money, 1e8},
    UnitSpelling{"millionCNY", Dim::money, 1e6},
    UnitSpelling{"mnCNY", Dim::money, 1e6},
    UnitSpelling{"bnCNY", Dim::money, 1e9},
    UnitSpelling{"billionCNY", Dim::money, 1e9},
    UnitSpelling{"trillionCNY", Dim::money, 1e12},
    UnitSpelling{"%", Dim::share, 0.01},
    UnitSpelling{"percent", Dim::share, 0.01},
    UnitSpelling{"mu", Dim::area, 1.0},
    UnitSpelling{"亩", Dim::area, 1.0},
    UnitSpelling{"ha", Dim::area, 15.0},
    UnitSpelling{"hectare", Dim::area, 15.0},
    UnitSpelling{"hectares", Dim::area, 15.0},
    UnitSpelling{"公顷", Dim::area, 15.0},
    UnitSpelling{"km2", Dim::area, 1500.0},
    UnitSpelling{"km²", Dim::area, 1500.0},
    UnitSpelling{"平方公里", Dim::area, 1500.0},
    UnitSpelling{"万元/亩", Dim::money_per_area, 1e4},
    UnitSpelling{"万元/mu", Dim::money_per_area, 1e4},
    UnitSpelling{"yuan/mu", Dim::money_per_area, 1.0},
    UnitSpelling{"元/亩", Dim::money_per_area, 1.0},
    UnitSpelling{"CNY/mu", Dim::money_per_area, 1.0},
    UnitSpelling{"亿元/亩", Dim::money_per_area, 1e8},
    UnitSpelling{"tce", Dim::energy, 1.0},
    UnitSpelling{"万tce", Dim::energy, 1e4},
    UnitSpelling{"吨标准煤", Dim::energy, 1.0},
    UnitSpelling{"万吨标准煤", Dim::energy, 1e4},
    UnitSpelling{"tce/万元", Dim::energy_per_money, 1.0},
    UnitSpelling{"吨标准煤/万元", Dim::energy_per_money, 1.0},
    UnitSpelling{"tce/亿元", Dim::energy_per_money, 1e-4},
    UnitSpelling{"years", Dim::years, 1.0},
    UnitSpelling{"year", Dim::years, 1.0},
    UnitSpelling{"年", Dim::years, 1.0},
    UnitSpelling{"firms", Dim::count, 1.0},
    UnitSpelling{"projects", Dim::count, 1.0},
    UnitSpelling{"persons", Dim::count, 1.0},
    UnitSpelling{"people", Dim::count, 1.0},
    UnitSpelling{"人", Dim::count, 1.0},
    UnitSpelling{"家", Dim::count, 1.0},
    UnitSpelling{"个", Dim::count, 1.0},
};

std::string strip_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != ' ' && c != '\t') out.push_back(c);
  return out;
}

}  // namespace

std::string_view dim_name(Dim d) {
  switch (d) {
    case Dim::number: return "number";
    case Dim::share: return "share";
    case Dim::money: return "money";
    case Dim::area: return "area";
    case Dim::count: return "count";
    case Dim::money_per_area: return "money per area";
    case Dim::energy: return "energy";
    case Dim::energy_per_money: return "energy per money";
    case Dim::years: return "years";
    case Dim::year: return "year";
    case Dim::boolean: return "boolean";
    case Dim::choice: return "choice";
  }
  return "?";
}

std::string_view dim_units_help(Dim d) {
  switch (d) {
    case Dim::number: return "a plain number";
    case Dim::share: return "a percentage such as \"12 %\" or a fraction such as 0.12";
    case Dim::money: return "an amount with a unit: yuan, 万元, 亿元, CNY, \"bn CNY\" (1 亿元 = 10^8 yuan)";
    case Dim::area: return "an area with a unit: mu (亩), ha (= 15 mu), km2 (= 1500 mu)";
    case Dim::count: return "a whole number, such as 12";
    case Dim::money_per_area: return "money per area: 万元/亩, yuan/mu, 元/亩";
    case Dim::energy: return "energy with a unit: tce or 万tce";
    case Dim::energy_per_money: return "energy per output: tce/万元";
    case Dim::years: return "a number of years, such as \"3 years\" or 3";
    case Dim::year: return "a calendar year such as 2025";
    case Dim::boolean: return "true or false";
    case Dim::choice: return "one of the listed words";
  }
  return "";
}

std::string_view dim_display_unit(Dim d) {
  switch (d) {
    case Dim::share: return "%";
    case Dim::money: return "亿元";
    case Dim::area: return "mu";
    case Dim::money_per_area: return "万元/亩";
    case Dim::energy: return "tce";
    case Dim::energy_per_money: return "tce/万元";
    case Dim::years: return "years";
    default: return "";
  }
}

double to_display(Dim d, double canonical) {
  switch (d) {
    case Dim::share: return canonical * 100.0;
    case Dim::money: return canonical / 1e8;
    case Dim::money_per_area: return canonical / 1e4;
    default: return canonical;
  }
}

std::string format_quantity(Dim d, double canonical) {
  if (std::isinf(canonical)) return canonical > 0 ? "unlimited" : "-unlimited";
  double v = to_display(d, canonical);
  char buf[64];
  if (d == Dim::money && std::fabs(v) < 0.01 && v != 0.0) {
    std::snprintf(buf, sizeof buf, "%.6g 万元", canonical / 1e4);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.6g", v);
  std::string out = buf;
  auto unit = dim_display_unit(d);
  if (!unit.empty()) {
    out += ' ';
    out += unit;
  }
  return out;
}

ParsedQuantity parse_quantity(std::string_view text, Dim d) {
  ParsedQuantity r;
  const std::string s = strip_spaces(text);
  if (s.empty()) {
    r.error = "empty value";
    r.hint = std::string("write ") + std::string(dim_units_help(d));
    return r;
  }
  // Leading number (from_chars accepts no '+', so skip it).
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;
  double number = 0.0;
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || !std::isfinite(number)) {
    r.error = "not a number";
    r.hint = std::string("write ") + std::string(dim_units_help(d));
    return r;
  }
  std::string_view unit(ptr, static_cast<size_t>(end - ptr));

  if (unit.empty()) {
    switch (d) {
      case Dim::share:
        if (number > 1.0 || number < -1.0) {
          r.error = "a plain number for a share must be a fraction between -1 and 1";
          char buf[64];
          std::snprintf(buf, sizeof buf, "did you mean \"%g %%\"?", number);
          r.hint = buf;
          return r;
        }
        r.value = number;
        return r;
      case Dim::count:
      case Dim::year:
        if (number != std::floor(number)) {
          r.error = "must be a whole number";
          return r;
        }
        r.value = number;
        return r;
      case Dim::number:
      case Dim::years:
        r.value = number;
        return r;
      default:
        r.error = std::string("a ") + std::string(dim_name(d)) + " needs a unit";
        r.hint = std::string("write ") + std::string(dim_units_help(d));
        return r;
    }
  }

  const UnitSpelling* best = nullptr;
  for (const auto& u : kUnits)
    if (unit == u.text) best = &u;
  if (!best) {
    r.error = "unknown unit \"" + std::string(unit) + "\"";
    r.hint = std::string("a ") + std::string(dim_name(d)) + " is " + std::string(dim_units_help(d));
    return r;
  }
  if (best->dim != d) {
    r.error = "\"" + std::string(unit) + "\" is a unit of " + std::string(dim_name(best->dim)) +
              ", but this value is a " + std::string(dim_name(d));
    r.hint = std::string("write ") + std::string(dim_units_help(d));
    return r;
  }
  r.value = number * best->factor;
  if (d == Dim::count && r.value != std::floor(r.value)) {
    r.error = "must be a whole number";
    return r;
  }
  return r;
}

}  // namespace zonesim
