// Scenario loading, step 4 (validator.hpp): reporting, and reading one value of a setting.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "observed.hpp"
#include "validator.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

void Validator::error(const Node& at, const std::string& path, std::string message, std::string hint) {
  diags.add({at.file ? *at.file : std::string("?"), at.line, at.column, path, std::move(message),
             std::move(hint)});
}

void Validator::key_error(const Node& at, const std::string& path, std::string message,
               std::string hint) {
  diags.add({at.file ? *at.file : std::string("?"), at.key_line ? at.key_line : at.line,
             at.key_line ? at.key_column : at.column, path, std::move(message), std::move(hint)});
}

void Validator::unknown_key(const Node& at, const std::string& path, const std::string& key,
                 const std::vector<std::string>& valid, const std::string& what) {
  if (const std::string_view retired = retired_setting(key); !retired.empty()) {
    key_error(at, path, what + " \"" + key + "\" is no longer part of the scenario format", std::string(retired));
    return;
  }
  const std::string hint = unknown_name_hint(key, valid, "valid " + what);
  key_error(at, path, "unknown " + what + " \"" + key + "\"", hint);
}

void Validator::diags_fix_last_location(const Node& at) {
  if (diags.empty()) return;
  diags.back().line = at.line;
  diags.back().column = at.column;
}

// Strips a {value: X, source: "..."} annotation.
const Node* Validator::unwrap(const Node& n, const std::string& path) {
  if (!n.is_map()) return &n;
  const Node* v = n.find("value");
  if (!v) return &n;
  for (const auto& [k, c] : n.map) {
    if (k != "value" && k != "source" && k != "note")
      unknown_key(c, path + "." + k, k, {"value", "source", "note"}, "annotation key");
  }
  return v;
}

std::optional<double> Validator::scalar_value(const Node& raw, const std::string& path, const Setting& s) {
  const Node* n = unwrap(raw, path);
  if (n->kind != Node::Kind::scalar) {
    error(*n, path, "expected a single " + std::string(dim_name(s.dim)) + " value",
          std::string("write ") + std::string(dim_units_help(s.dim)));
    return std::nullopt;
  }
  const std::string& text = n->scalar;
  double v = 0.0;
  if (s.dim == Dim::boolean) {
    if (text == "true" || text == "yes" || text == "on") v = 1.0;
    else if (text == "false" || text == "no" || text == "off") v = 0.0;
    else {
      error(*n, path, "\"" + text + "\" is not true or false", "write true or false");
      return std::nullopt;
    }
    return v;
  }
  if (s.dim == Dim::choice) {
    for (std::size_t i = 0; i < s.choices.size(); ++i)
      if (text == s.choices[i]) return static_cast<double>(i);
    std::vector<std::string> words(s.choices.begin(), s.choices.end());
    std::string hint = "valid: ";
    for (std::size_t i = 0; i < words.size(); ++i) hint += (i ? ", " : "") + words[i];
    std::string near = nearest_word(text, words);
    if (!near.empty()) hint = "did you mean \"" + near + "\"? " + hint;
    error(*n, path, "\"" + text + "\" is not a valid choice", hint);
    return std::nullopt;
  }
  ParsedQuantity q = parse_quantity(text, s.dim);
  if (!q.ok()) {
    error(*n, path, "\"" + text + "\": " + q.error, q.hint);
    return std::nullopt;
  }
  if (q.value < s.min || q.value > s.max) {
    error(*n, path,
          "\"" + text + "\" is out of range",
          "valid: " + format_quantity(s.dim, s.min) + " to " + format_quantity(s.dim, s.max));
    return std::nullopt;
  }
  return q.value;
}

// A calendar year written as a whole number (2022, not 2022.0 or 2022.5), 1900 .. 2200.
std::optional<int> Validator::whole_year(const std::string& text) {
  if (text.empty() || text.size() > 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int year = std::stoi(text);
  if (year < 1900 || year > 2200) return std::nullopt;
  return year;
}

std::optional<int> Validator::year_value(const Node& n, const std::string& path) {
  if (!n.is_scalar()) {
    error(n, path, "expected a year", "write a calendar year such as 2025");
    return std::nullopt;
  }
  const auto year = whole_year(n.scalar);
  if (!year) {
    error(n, path, "\"" + n.scalar + "\" is not a calendar year", "write a year such as 2025");
    return std::nullopt;
  }
  return *year;
}

bool Validator::year_in_horizon(const Node& at, const std::string& path, int year, bool allow_base) {
  if (!horizon_valid) return true;  // already reported at end_year; do not cascade
  int lo = allow_base ? sc.base_year : sc.base_year + 1;
  if (year < lo || year > sc.end_year) {
    error(at, path, "year " + std::to_string(year) + " is outside the horizon",
          "valid: " + std::to_string(lo) + " to " + std::to_string(sc.end_year) +
              " (base_year " + std::to_string(sc.base_year) + ", end_year " +
              std::to_string(sc.end_year) + ")");
    return false;
  }
  return true;
}

std::optional<Schedule> Validator::schedule_value(const Node& raw, const std::string& path,
                                       const Setting& s) {
  const Node* n = unwrap(raw, path);
  if (!n->is_map()) {
    auto v = scalar_value(*n, path, s);
    if (!v) return std::nullopt;
    return Schedule::constant(*v);
  }
  Schedule sch;
  bool ok = true;
  for (const auto& [k, child] : n->map) {
    std::string child_path = path + "." + k;
    Node key_at = child;
    key_at.line = child.key_line;
    key_at.column = child.key_column;
    const auto whole = whole_year(k);
    if (!whole) {
      // 2022.0 and 2022 would be two points of the same year; 2022.5 is no year at all.
      const ParsedQuantity number = parse_quantity(k, Dim::number);
      error(key_at, child_path, "\"" + k + "\" is not a year",
            number.ok() && number.value >= 1900 && number.value <= 2200
                ? "write years as whole numbers, e.g. {2021: 10 %, 2023: 20 %}"
                : "a schedule maps years to values, e.g. {2021: 10 %, 2023: 20 %}");
      ok = false;
      continue;
    }
    // Only the plain form is a year, so one year has one spelling: a year given twice is a
    // duplicate key, reported when the file is read.
    const int year = *whole;
    if (!year_in_horizon(key_at, child_path, year, true)) {
      ok = false;
      continue;
    }
    auto v = scalar_value(child, child_path, s);
    if (!v) {
      ok = false;
      continue;
    }
    sch.points.emplace_back(year, *v);
  }
  if (!ok) return std::nullopt;
  if (sch.points.empty()) {
    error(*n, path, "empty schedule", "give at least one {year: value}");
    return std::nullopt;
  }
  std::sort(sch.points.begin(), sch.points.end());
  // Before the first year given, the first value holds.
  sch.points.front().first = -100000;
  return sch;
}

std::optional<ParamSpec> Validator::param_value(const Node& raw, const std::string& path, const Setting& s) {
  const Node* n = unwrap(raw, path);
  if (!n->is_map()) {
    auto v = scalar_value(*n, path, s);
    if (!v) return std::nullopt;
    ParamSpec p;
    p.a = *v;
    return p;
  }
  const Node* dist = n->find("distribution");
  if (!dist || !dist->is_scalar()) {
    error(*n, path, "a parameter is a value or a distribution",
          "write a value, or {distribution: normal, mean: ..., sd: ...}; distributions: normal, "
          "lognormal, uniform, triangular");
    return std::nullopt;
  }
  ParamSpec p;
  std::vector<std::string> keys;
  if (dist->scalar == "normal") {
    p.kind = ParamSpec::Kind::normal;
    keys = {"mean", "sd"};
  } else if (dist->scalar == "lognormal") {
    p.kind = ParamSpec::Kind::lognormal;
    keys = {"median", "sigma"};
  } else if (dist->scalar == "uniform") {
    p.kind = ParamSpec::Kind::uniform;
    keys = {"low", "high"};
  } else if (dist->scalar == "triangular") {
    p.kind = ParamSpec::Kind::triangular;
    keys = {"low", "high", "mode"};
  } else {
    static const std::vector<std::pair<std::string, std::string>> kOtherNames = {
        {"gaussian", "normal"}, {"gauss", "normal"},         {"log-normal", "lognormal"},
        {"log_normal", "lognormal"}, {"triangle", "triangular"}, {"flat", "uniform"}};
    std::string near = nearest_word(dist->scalar, {"normal", "lognormal", "uniform", "triangular"});
    for (const auto& [other, name] : kOtherNames)
      if (dist->scalar == other) near = name;
    error(*dist, path + ".distribution", "unknown distribution \"" + dist->scalar + "\"",
          (near.empty() ? std::string() : "did you mean \"" + near + "\"? ") +
              "valid: normal, lognormal, uniform, triangular");
    return std::nullopt;
  }
  std::vector<std::string> allowed = keys;
  allowed.push_back("distribution");
  allowed.push_back("source");
  allowed.push_back("note");
  bool ok = true;
  for (const auto& [k, c] : n->map)
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      unknown_key(c, path + "." + k, k, allowed, "distribution key");
      ok = false;
    }
  double vals[3] = {0, 0, 0};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Node* c = n->find(keys[i]);
    if (!c) {
      key_error(raw, path, "distribution " + dist->scalar + " needs `" + keys[i] + "`",
            "give " + keys[0] + (keys.size() > 1 ? ", " + keys[1] : "") +
                (keys.size() > 2 ? ", " + keys[2] : ""));
      ok = false;
      continue;
    }
    // A spread is bounded by the width of the parameter's range (draws are clamped to the
    // range, so a wider normal only piles up at its ends), a lognormal sigma by
    // kMaxLogSigma: beyond, the draws overflow in Boost.Math at run time.
    Setting spread = s;
    bool is_spread = keys[i] == "sd" || keys[i] == "sigma";
    if (is_spread) {
      spread.min = 0.0;
      spread.max = std::isfinite(s.max - s.min) ? s.max - s.min : kMaxMagnitude;
      if (keys[i] == "sigma") {
        spread.dim = Dim::number;
        spread.max = kMaxLogSigma;
      }
    }
    auto v = scalar_value(*c, path + "." + keys[i], spread);
    if (!v) {
      ok = false;
      continue;
    }
    vals[i] = *v;
  }
  if (!ok) return std::nullopt;
  p.a = vals[0];
  p.b = vals[1];
  p.c = vals[2];
  if ((p.kind == ParamSpec::Kind::uniform || p.kind == ParamSpec::Kind::triangular) && !(p.a < p.b)) {
    error(*n, path, "low must be below high", "");
    return std::nullopt;
  }
  if (p.kind == ParamSpec::Kind::triangular && (p.c < p.a || p.c > p.b)) {
    error(*n, path, "mode must lie between low and high", "");
    return std::nullopt;
  }
  if (p.kind == ParamSpec::Kind::lognormal && p.a <= 0.0) {
    error(*n, path, "a lognormal median must be positive", "");
    return std::nullopt;
  }
  return p;
}

std::string Validator::text_value(const Node& raw, const std::string& path) {
  const Node* n = unwrap(raw, path);
  if (!n->is_scalar()) {
    error(*n, path, "expected text", "");
    return {};
  }
  return n->scalar;
}

bool Validator::valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '_' || c == '-'))
      return false;
  return true;
}

void Validator::levers_block(const Node& n, const std::string& path,
                  std::array<std::optional<Schedule>, kLeverCount>& out) {
  if (!n.is_map()) {
    error(n, path, "levers must be a mapping of lever: value", "see `zonesim levers`");
    return;
  }
  auto keys = keys_of(lever_settings());
  for (const auto& [k, c] : n.map) {
    const Setting* s = find_setting(lever_settings(), k);
    if (!s) {
      unknown_key(c, path + "." + k, k, keys, "lever");
      continue;
    }
    auto idx = static_cast<std::size_t>(s - lever_settings().data());
    if (auto sch = schedule_value(c, path + "." + k, *s)) out[idx] = std::move(*sch);
  }
}

}  // namespace zonesim::detail
