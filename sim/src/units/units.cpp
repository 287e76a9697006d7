#include "zonesim/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "zonesim/diagnostics.hpp"

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

namespace {

// The unit as the user wrote it (spaces inside kept), given its spelling without spaces: the
// shortest suffix of `text` that holds the same non-space characters.
std::string written_unit(std::string_view text, std::string_view stripped_unit) {
  std::size_t count = 0, pos = text.size();
  while (pos > 0 && count < stripped_unit.size()) {
    --pos;
    if (text[pos] != ' ' && text[pos] != '\t') ++count;
  }
  std::string_view unit = text.substr(pos);
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t')) unit.remove_suffix(1);
  return std::string(unit);
}

// "an area", "an energy intensity": the dimension as a noun phrase in a sentence.
std::string_view with_article(Dim d) {
  switch (d) {
    case Dim::money: return "an amount of money";
    case Dim::area: return "an area";
    case Dim::money_per_area: return "an amount of money per area";
    case Dim::energy: return "an amount of energy";
    case Dim::energy_per_money: return "an energy intensity";
    case Dim::share: return "a share";
    case Dim::count: return "a count";
    case Dim::number: return "a plain number";
    case Dim::years: return "a number of years";
    case Dim::year: return "a year";
    default: return dim_name(d);
  }
}

std::string whole_number_hint(double number) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "write a whole number, such as %.15g or %.15g", std::floor(number),
                std::ceil(number));
  return buf;
}

}  // namespace

namespace {

// A number written without a unit: fine for shares (a fraction), counts, years and plain numbers.
ParsedQuantity plain_number(double number, Dim d, const std::string& write_help) {
  ParsedQuantity r;
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
        r.hint = whole_number_hint(number);
        return r;
      }
      r.value = number;
      return r;
    case Dim::number:
    case Dim::years:
      r.value = number;
      return r;
    case Dim::money: {
      r.error = "an amount of money needs a unit";
      char buf[160];
      if (std::fabs(number) >= 1e6)  // a large plain amount is most likely in yuan
        std::snprintf(buf, sizeof buf, "add a unit: \"%.15g yuan\" (= %s)", number,
                      format_quantity(Dim::money, number).c_str());
      else
        std::snprintf(buf, sizeof buf,
                      "add a unit: \"%.15g 亿元\", \"%.15g 万元\" or \"%.15g yuan\" (1 亿元 = "
                      "10^8 yuan)",
                      number, number, number);
      r.hint = buf;
      return r;
    }
    default:
      r.error = std::string(with_article(d)) + " needs a unit";
      r.hint = write_help;
      return r;
  }
}

// An unknown unit: the nearest unit of the dimension, if any, in the hint.
ParsedQuantity unknown_unit(std::string_view text, std::string_view unit, Dim d, const std::string& write_help) {
  ParsedQuantity r;
  r.error = "unknown unit \"" + written_unit(text, unit) + "\"";
  std::vector<std::string> same_dim;
  for (const auto& u : kUnits)
    if (u.dim == d) same_dim.emplace_back(u.text);
  std::string near = nearest_word(std::string(unit), same_dim);
  // Case slips ("Mu", "cny") are not misspellings to nearest_word; catch them here.
  for (const auto& u : same_dim)
    if (near.empty() && u.size() == unit.size() &&
        std::equal(u.begin(), u.end(), unit.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      near = u;
  r.hint = (near.empty() ? std::string() : "did you mean \"" + near + "\"? ") + write_help;
  return r;
}

// The hint for a value that is finite as written but not in canonical units ("1e301 亿元").
std::string out_of_range_hint(double number, double factor, Dim d) {
  const char* canonical = d == Dim::money           ? "yuan"
                          : d == Dim::area            ? "mu"
                          : d == Dim::money_per_area  ? "yuan/mu"
                          : d == Dim::energy          ? "tce"
                          : d == Dim::share           ? "as a fraction"
                                                      : "canonical units";
  char buf[160];
  std::snprintf(buf, sizeof buf, "that is about 1e%+.0f %s, beyond what can be computed with; write a smaller value",
                std::floor(std::log10(std::fabs(number)) + std::log10(factor)), canonical);
  return buf;
}

}  // namespace

ParsedQuantity parse_quantity(std::string_view text, Dim d) {
  ParsedQuantity r;
  const std::string s = strip_spaces(text);
  const std::string write_help = std::string("write ") + std::string(dim_units_help(d));
  if (s.empty()) {
    r.error = "empty value";
    r.hint = write_help;
    return r;
  }
  // Leading number (from_chars accepts no '+', so skip it).
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (*begin == '+') ++begin;
  double number = 0.0;
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec == std::errc::result_out_of_range) {
    r.error = "number out of range";
    r.hint = write_help;
    return r;
  }
  if (ec != std::errc() || !std::isfinite(number)) {
    r.error = "not a number";
    r.hint = write_help;
    return r;
  }
  std::string_view unit(ptr, static_cast<size_t>(end - ptr));

  if (unit.empty()) return plain_number(number, d, write_help);

  const UnitSpelling* best = nullptr;
  for (const auto& u : kUnits)
    if (unit == u.text) best = &u;
  if (!best) return unknown_unit(text, unit, d, write_help);
  if (best->dim != d) {
    r.error = "\"" + written_unit(text, unit) + "\" is a unit of " + std::string(dim_name(best->dim)) +
              ", but this value is " + std::string(with_article(d));
    r.hint = write_help;
    return r;
  }
  r.value = number * best->factor;
  if (!std::isfinite(r.value)) {  // e.g. "1e301 亿元": finite as written, not in yuan
    r.error = "number out of range";
    r.hint = out_of_range_hint(number, best->factor, d);
    return r;
  }
  if (d == Dim::count && r.value != std::floor(r.value)) {
    r.error = "must be a whole number";
    r.hint = whole_number_hint(r.value);
    return r;
  }
  return r;
}

}  // namespace zonesim
