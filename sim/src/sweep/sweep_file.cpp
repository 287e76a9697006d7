// Sweep files: parsing and validation with located errors (file:line:col, key path, hint), in
// the same style as scenario files. Factor keys are checked against the registry and, by
// loading the base scenario with the factor's extreme values, against the scenario's own rules.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "../scenario/yaml_document.hpp"
#include "zonesim/registry.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {
namespace fs = std::filesystem;

namespace {

// The shortest decimal text that reads back as exactly `v` (no exponent: the scenario's number
// syntax has none), e.g. 0.1 rather than 0.10000000000000001.
std::string number_text(double v) {
  char buf[512];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) throw std::logic_error("number_text: value too long");
  return std::string(buf, r.ptr);
}

std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, c)) out.push_back(part);
  return out;
}

struct Parser {
  std::string file;
  Diagnostics& diags;

  void error(const YAML::Node& at, const std::string& path, std::string msg, std::string hint = {}) {
    const auto m = at.Mark();
    diags.add({file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0, path, std::move(msg),
               std::move(hint)});
  }
  void error_at(int line, int col, const std::string& path, std::string msg, std::string hint = {}) {
    diags.add({file, line, col, path, std::move(msg), std::move(hint)});
  }
  // yaml-cpp keeps the first of two equal keys and drops the second silently; scenario files
  // refuse that in the loader, sweep files here (a second `replications:` must not be ignored).
  void check_duplicate_keys(const YAML::Node& n, const std::string& path) {
    if (n.IsSequence()) {
      std::size_t i = 0;
      for (const auto& item : n) check_duplicate_keys(item, path + "[" + std::to_string(i++) + "]");
      return;
    }
    if (!n.IsMap()) return;
    std::vector<std::pair<std::string, int>> seen;  // key, line
    for (const auto& entry : n) {
      if (!entry.first.IsScalar()) continue;
      const std::string k = entry.first.Scalar();
      const std::string child = path.empty() ? k : path + "." + k;
      const auto first = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == k; });
      if (first != seen.end()) {
        error(entry.first, child,
              "duplicate key \"" + k + "\" (first given on line " + std::to_string(first->second) + ")",
              "each key may appear once in a mapping; remove one of them");
        continue;
      }
      seen.emplace_back(k, entry.first.Mark().line + 1);
      check_duplicate_keys(entry.second, child);
    }
  }
  // Unknown keys of a mapping, with the nearest allowed key.
  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string near = nearest_word(k, allowed);
      std::string all;
      for (const auto& a : allowed) all += (all.empty() ? "" : ", ") + a;
      error(it->first, path.empty() ? k : path + "." + k, "unknown key \"" + k + "\"",
            near.empty() ? "valid keys: " + all : "did you mean \"" + near + "\"?");
    }
  }
  std::optional<long long> integer(const YAML::Node& n, const std::string& path, long long lo, long long hi) {
    if (!n.IsScalar()) {
      error(n, path, "expected a whole number", "");
      return std::nullopt;
    }
    const std::string t = n.Scalar();
    char* end = nullptr;
    long long v = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0') {
      error(n, path, "\"" + t + "\" is not a whole number", "");
      return std::nullopt;
    }
    if (v < lo || v > hi) {
      error(n, path, "value " + t + " is outside " + std::to_string(lo) + ".." + std::to_string(hi), "");
      return std::nullopt;
    }
    return v;
  }
};

// Registry entry for a factor key; an error (with the nearest valid key) otherwise.
const Setting* resolve_key(Parser& P, const YAML::Node& at, const std::string& key, const Scenario& base) {
  auto parts = split(key, '.');
  auto unknown = [&](const std::string& what, const std::string& word, const std::vector<std::string>& cands) {
    // Zones and sectors are the base scenario's: name them (as --set and variants do).
    std::string hint = what == "zone" || what == "sector" ? unknown_name_hint(word, cands, "valid " + what + "s")
                                                          : unknown_name_hint(word, cands, "");
    if (hint.starts_with(": ")) hint = "see `zonesim levers` for every lever and parameter";
    P.error(at, key, "unknown " + what + " \"" + word + "\"", hint);
    return nullptr;
  };
  std::vector<std::string> zone_ids, sector_ids;
  for (const auto& z : base.zones) zone_ids.push_back(z.id);
  for (const auto& s : base.sectors) sector_ids.push_back(s.id);
  const std::vector<std::string> groups = {"levers", "parameters", "region", "zones", "sectors"};
  if (parts.empty() || std::find(groups.begin(), groups.end(), parts[0]) == groups.end()) {
    std::string near = parts.empty() ? "" : nearest_word(parts[0], groups);
    P.error(at, key, "a factor must be a lever, parameter, region, zone or sector setting",
            near.empty() ? "write e.g. levers.rd_subsidy_rate or parameters.innovation_zeta"
                         : "did you mean \"" + near + "." + (parts.size() > 1 ? parts[1] : "...") + "\"?");
    return nullptr;
  }
  auto need = [&](std::size_t n) {
    if (parts.size() == n) return true;
    P.error(at, key, "\"" + key + "\" should have " + std::to_string(n) + " parts separated by dots",
            "e.g. levers.rd_subsidy_rate, zones.<zone>.levers.land_quota_mu, zones.<zone>.base_firms");
    return false;
  };
  const std::string& g = parts[0];
  if (g == "levers" || g == "parameters" || g == "region") {
    if (!need(2)) return nullptr;
    auto settings = g == "levers" ? lever_settings() : g == "parameters" ? parameter_settings() : region_settings();
    if (const Setting* s = find_setting(settings, parts[1])) return s;
    return unknown(g == "levers" ? "lever" : g == "parameters" ? "parameter" : "region setting", parts[1],
                   keys_of(settings));
  }
  if (parts.size() < 3) {
    need(3);
    return nullptr;
  }
  const auto& ids = g == "zones" ? zone_ids : sector_ids;
  if (std::find(ids.begin(), ids.end(), parts[1]) == ids.end())
    return unknown(g == "zones" ? "zone" : "sector", parts[1], ids);
  if (g == "zones" && parts[2] == "levers") {
    if (!need(4)) return nullptr;
    if (const Setting* s = find_setting(lever_settings(), parts[3])) return s;
    return unknown("lever", parts[3], keys_of(lever_settings()));
  }
  if (!need(3)) return nullptr;
  auto settings = g == "zones" ? zone_settings() : sector_settings();
  if (const Setting* s = find_setting(settings, parts[2])) return s;
  auto cands = keys_of(settings);
  if (g == "zones") cands.push_back("levers");
  return unknown(g == "zones" ? "zone setting" : "sector setting", parts[2], cands);
}

// Limits that refuse a sweep this machine cannot hold, before it starts: the design matrix is
// kept in memory and the runs' results are read back whole for the analysis.
constexpr std::uint64_t kMaxPoints = 1000000;
constexpr double kMaxResultBytes = 4.0 * (1ull << 30);  // points x replications x values x 8 bytes
// The scenario's own checks are run on every point of designs up to this size, otherwise on
// every combination of the factors' extremes up to this many, otherwise on each pair of factors
// at their extremes (the other factors at the middle of their ranges).
constexpr std::size_t kMaxCheckedPoints = 256;

// a * b, or nothing when it would exceed `limit`.
std::optional<std::uint64_t> times(std::uint64_t a, std::uint64_t b, std::uint64_t limit) {
  if (a != 0 && b > limit / a) return std::nullopt;
  return a * b;
}

// The design's point count, or nothing (with an error) when it exceeds kMaxPoints.
std::optional<std::uint64_t> point_count(Parser& P, const YAML::Node& design, const SweepSpec& s) {
  const std::uint64_t k = s.factors.size();
  std::optional<std::uint64_t> n;
  std::string formula;
  double approx = 0;  // the count as a double, for the message when it overflows
  switch (s.design) {
    case DesignKind::grid: {
      n = 1;
      approx = 1;
      for (const auto& f : s.factors) {
        const std::uint64_t l = f.discrete ? f.values.size() : static_cast<std::uint64_t>(f.levels > 0 ? f.levels : s.levels);
        formula += (formula.empty() ? "" : " x ") + std::to_string(l);
        approx *= static_cast<double>(l);
        if (n) n = times(*n, l, kMaxPoints);
      }
      formula = "a grid of " + (formula.empty() ? std::string("1") : formula) + " levels";
      break;
    }
    case DesignKind::lhs:
      n = static_cast<std::uint64_t>(s.points);
      approx = static_cast<double>(*n);
      formula = "a Latin hypercube of " + std::to_string(s.points) + " points";
      break;
    case DesignKind::sobol:
      n = times(static_cast<std::uint64_t>(s.base_samples), k + 2, kMaxPoints);
      approx = static_cast<double>(s.base_samples) * static_cast<double>(k + 2);
      formula = "Saltelli's scheme: " + std::to_string(s.base_samples) + " base samples x (" + std::to_string(k) +
                " factors + 2)";
      break;
    case DesignKind::morris:
      n = times(static_cast<std::uint64_t>(s.trajectories), k + 1, kMaxPoints);
      approx = static_cast<double>(s.trajectories) * static_cast<double>(k + 1);
      formula = std::to_string(s.trajectories) + " trajectories x (" + std::to_string(k) + " factors + 1)";
      break;
    case DesignKind::optimize: {
      const auto refine = times(static_cast<std::uint64_t>(s.optimize.rounds),
                                static_cast<std::uint64_t>(s.optimize.points_per_round), kMaxPoints);
      if (refine) n = static_cast<std::uint64_t>(s.optimize.initial_points) + *refine;
      approx = s.optimize.initial_points + static_cast<double>(s.optimize.rounds) * s.optimize.points_per_round;
      formula = std::to_string(s.optimize.initial_points) + " initial points + " +
                std::to_string(s.optimize.rounds) + " rounds x " + std::to_string(s.optimize.points_per_round) +
                " points";
      break;
    }
  }
  if (n && *n <= kMaxPoints) return n;
  char count[64];
  std::snprintf(count, sizeof count, "%.4g", approx);
  P.error(design, "design",
          "the design has " + std::string(count) + " points (" + formula + "); at most " +
              std::to_string(kMaxPoints) + " points",
          s.design == DesignKind::grid ? "give fewer levels or factors, or sample the space: design: {type: lhs, points: 1000}"
                                       : "give fewer points (or factors), or run the sweep in parts");
  return std::nullopt;
}

std::string combination_text(const SweepSpec& s, const std::vector<double>& unit) {
  std::string out;
  for (std::size_t i = 0; i < s.factors.size(); ++i)
    out += (i ? ", " : "") + s.factors[i].key + " = " + s.factors[i].describe(s.factors[i].at(unit[i]));
  return out;
}

// Unit coordinates of a factor's extremes: both ends of a range, every listed value.
std::vector<double> extremes(const Factor& f) {
  if (!f.discrete) return {0.0, 1.0};
  std::vector<double> us;
  for (std::size_t i = 0; i < f.values.size(); ++i) us.push_back((i + 0.5) / static_cast<double>(f.values.size()));
  return us;
}

// The points whose scenarios are checked before the sweep starts (see kMaxCheckedPoints), and
// what they are called in messages ("point 12" or "the combination").
std::vector<std::vector<double>> points_to_check(const SweepSpec& s, std::uint64_t points, bool& design_points) {
  const std::size_t k = s.factors.size();
  design_points = s.design != DesignKind::optimize && points <= kMaxCheckedPoints;
  if (design_points) return make_design(s);
  std::vector<std::vector<double>> out;
  // Every combination of extremes (a constraint that is linear in the factors, as the
  // scenario's are, holds in the whole box when it holds at its corners).
  std::uint64_t corners = 1;
  for (const auto& f : s.factors) corners = times(corners, extremes(f).size(), kMaxCheckedPoints + 1).value_or(kMaxCheckedPoints + 1);
  if (corners <= kMaxCheckedPoints) {
    std::vector<double> u(k);
    std::function<void(std::size_t)> fill = [&](std::size_t i) {
      if (i == k) {
        out.push_back(u);
        return;
      }
      for (double e : extremes(s.factors[i])) {
        u[i] = e;
        fill(i + 1);
      }
    };
    fill(0);
    return out;
  }
  // Too many corners: each pair of factors at their extremes, the others in the middle.
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j)
      for (double a : extremes(s.factors[i]))
        for (double b : extremes(s.factors[j])) {
          std::vector<double> u(k, 0.5);
          u[i] = a;
          u[j] = b;
          out.push_back(std::move(u));
        }
  return out;
}

// Loads the base scenario at each point to check and reports the points it refuses, with the
// factor values, so that a sweep does not stop half-way on an invalid combination.
void check_combinations(Parser& P, const YAML::Node& design, const SweepSpec& s, std::uint64_t points) {
  bool design_points = false;
  const auto to_check = points_to_check(s, points, design_points);
  constexpr int kShown = 5;
  int refused = 0;
  for (std::size_t p = 0; p < to_check.size(); ++p) {
    const LoadResult lr = resolve(s.source, point_plan(s, to_check[p]), ResolveFor::points);
    if (lr.diagnostics.empty()) continue;
    if (++refused > kShown) continue;
    const Diagnostic& d = lr.diagnostics.items().front();
    P.error(design, "design",
            (design_points ? "point " + std::to_string(p) : std::string("the combination")) + " (" +
                combination_text(s, to_check[p]) + ") is not a valid scenario: " + d.key_path +
                (d.key_path.empty() ? "" : ": ") + d.message,
            "narrow the factors' ranges so that every combination is valid" +
                (d.hint.empty() ? std::string() : " (" + d.hint + ")"));
  }
  if (refused > kShown)
    P.error(design, "design",
            std::to_string(refused - kShown) + " more " + (design_points ? "points" : "combinations") +
                " of the " + std::to_string(to_check.size()) + " checked are not valid scenarios",
            "narrow the factors' ranges so that every combination is valid");
}

}  // namespace

// ---- Factor ----------------------------------------------------------------------------------

double Factor::at(double u) const {
  if (prior) return prior_quantile(*prior, u, low, high);
  if (discrete) {
    const int n = static_cast<int>(values.size());
    return std::min(static_cast<int>(std::floor(u * n)), n - 1);
  }
  double v = low + (high - low) * u;
  if (dim == Dim::count || dim == Dim::year) v = std::round(v);
  return v;
}

std::string Factor::override_at(double u) const {
  if (discrete) return key + "=" + values[static_cast<std::size_t>(at(u))];
  std::string text = number_text(to_display(dim, at(u)));
  return key + "=" + text + (unit.empty() ? "" : " " + unit);
}

double Factor::display_at(double u) const { return discrete ? at(u) : to_display(dim, at(u)); }

std::string Factor::describe(double v) const {
  if (discrete) return values[static_cast<std::size_t>(std::clamp<double>(v, 0, values.size() - 1))];
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", to_display(dim, v));
  return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
}

std::string Factor::short_name() const {
  auto p = key.rfind('.');
  std::string last = p == std::string::npos ? key : key.substr(p + 1);
  // Zone-specific factors keep the zone: "north land_quota_mu".
  if (key.rfind("zones.", 0) == 0) return split(key, '.')[1] + " " + last;
  return last;
}

// ---- loading ---------------------------------------------------------------------------------

bool is_sweep_file(const std::string& path) {
  detail::InputFile input = detail::read_input_file(path);
  if (input.status != detail::InputFile::Status::ok) return false;
  Diagnostics scratch;
  std::optional<YAML::Node> root = detail::load_one_document(input.text, path, scratch, "file", "");
  if (!root || !root->IsMap()) return false;
  return (*root)["zonesim_sweep"] || ((*root)["base"] && (*root)["factors"] && !(*root)["zonesim"]);
}

std::string check_runnable(const SweepSpec& s, DesignKind design, std::string& summary) {
  if (design == DesignKind::optimize && s.base.targets.empty())
    return "the base scenario has no targets; a policy search needs them";
  SweepSpec as_run = s;
  as_run.design = design;
  const long long points = design == DesignKind::optimize ? optimize_total_points(as_run)
                                                          : static_cast<long long>(make_design(as_run).size());
  summary = std::to_string(s.factors.size()) + " factors, design " + std::string(design_name(design)) + ", " +
            std::to_string(points) + " points x " + std::to_string(s.replications) +
            " replications = " + std::to_string(points * s.replications) + " runs";
  return "";
}

namespace {

// Run settings: replications, seed, bootstrap resamples. Read first: the base scenario is
// loaded with them.
void read_run_settings(Parser& P, const YAML::Node& root, SweepSpec& s) {
  if (auto n = root["replications"]) {
    if (auto v = P.integer(n, "replications", 1, 1000000)) s.replications = static_cast<int>(*v);
  } else {
    P.error_at(1, 1, "replications", "missing `replications` (runs per point)", "e.g. replications: 20");
  }
  if (auto n = root["seed"]) {
    const auto seed = n.IsScalar() ? parse_seed(n.Scalar()) : std::nullopt;
    if (seed)
      s.seed = *seed;
    else
      P.error(n, "seed", n.IsScalar() ? "\"" + n.Scalar() + "\" is not a seed" : "expected a single seed",
              seed_range_hint());
  } else {
    P.error_at(1, 1, "seed", "missing `seed` (every point uses it: common random numbers)", "e.g. seed: 1");
  }
  if (auto n = root["bootstrap"])
    if (auto v = P.integer(n, "bootstrap", 0, 100000)) s.bootstrap = static_cast<int>(*v);
}

// The base scenario, relative to the sweep file, loaded with the sweep's replications and seed.
// False when it cannot be used (reported).
bool read_base(Parser& P, const YAML::Node& root, const std::string& path, SweepSpec& s) {
  YAML::Node base_node = root["base"];
  if (!base_node || !base_node.IsScalar()) {
    P.error_at(1, 1, "base", "missing `base` (the scenario the factors change)", "e.g. base: demo.yaml");
    return false;
  }
  fs::path bp(base_node.Scalar());
  if (bp.is_relative()) bp = fs::path(path).parent_path() / bp;
  s.base_path = bp.lexically_normal().string();
  if (std::error_code ec; !fs::is_regular_file(s.base_path, ec)) {
    P.error(base_node, "base",
            "base scenario " + s.base_path +
                (fs::exists(s.base_path, ec) ? " is not a file (a directory, device or pipe)" : " does not exist"),
            "the path is relative to the sweep file");
    return false;
  }
  s.source = ScenarioSource::read_file(s.base_path);
  {
    LoadResult lr = resolve(s.source, sweep_run_plan(s));
    if (!lr.scenario) {
      // The scenario's own errors, plus one at `base:` so the sweep file is named.
      P.diags.append(lr.diagnostics);
      P.error(base_node, "base", "the base scenario has errors (listed above)", "zonesim validate " + s.base_path);
      return false;
    }
    s.base = std::move(*lr.scenario);
  }
  return true;
}

// A factor's `range: [low, high]` (false when invalid, reported).
bool factor_range(Parser& P, const YAML::Node& spec, const std::string& fp, Factor& f) {
  YAML::Node r = spec["range"];
  if (!r.IsSequence() || r.size() != 2) {
    P.error(r, fp + ".range", "range must be [low, high]", "e.g. range: [\"0 %\", \"40 %\"]");
    return false;
  }
  if (f.dim == Dim::choice || f.dim == Dim::boolean) {
    P.error(r, fp + ".range", "\"" + f.key + "\" is a " + std::string(dim_name(f.dim)) + "; use `values:`",
            "e.g. values: [pro_rata, high_tech_first]");
    return false;
  }
  bool ok = true;
  double lh[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    auto q = parse_quantity(r[i].Scalar(), f.dim);
    if (!q.ok()) {
      P.error(r[i], fp + ".range", q.error, q.hint.empty() ? std::string(dim_units_help(f.dim)) : q.hint);
      ok = false;
    }
    lh[i] = q.value;
  }
  if (!ok) return false;
  if (!(lh[0] < lh[1])) {
    P.error(r, fp + ".range", "low must be below high", "");
    return false;
  }
  f.low = lh[0];
  f.high = lh[1];
  return true;
}

// A factor's `values: [a, b, ...]` (false when invalid, reported).
bool factor_values(Parser& P, const YAML::Node& spec, const std::string& fp, Factor& f) {
  YAML::Node v = spec["values"];
  if (!v.IsSequence() || v.size() < 1) {
    P.error(v, fp + ".values", "values must be a non-empty list", "e.g. values: [500 mu, 800 mu]");
    return false;
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar()) {
      P.error(v[i], fp + ".values", "each value must be a scalar", "");
      continue;
    }
    f.values.push_back(v[i].Scalar());
  }
  f.discrete = true;
  f.low = 0;
  f.high = static_cast<double>(f.values.size()) - 1;
  return true;
}

// The scenario's own checks of a factor, at its extremes (or every listed value).
void check_factor(Parser& P, const SweepSpec& s, const std::string& fp, const Factor& f) {
  const RunPlan run_plan = sweep_run_plan(s);
  std::vector<double> us = f.discrete ? std::vector<double>{} : std::vector<double>{0.0, 1.0};
  for (std::size_t i = 0; f.discrete && i < f.values.size(); ++i)
    us.push_back((i + 0.5) / static_cast<double>(f.values.size()));
  for (double u : us) {
    LoadResult lr = resolve(s.source, run_plan.with({f.override_at(u)}), ResolveFor::points);
    for (const auto& d : lr.diagnostics.items())
      P.error_at(f.line, f.column, fp, "with " + f.override_at(u) + ": " + d.message, d.hint);
    if (!lr.diagnostics.empty()) break;
  }
}

// One factor: its key (a setting of the base scenario), then `range` or `values`, checked
// against the scenario's rules. False when it is not added (reported).
bool read_factor(Parser& P, const YAML::Node& key_node, const YAML::Node& spec, bool in_list, SweepSpec& s) {
  Factor f;
  f.key = key_node.as<std::string>();
  f.line = key_node.Mark().line + 1;
  f.column = key_node.Mark().column + 1;
  const std::string fp = "factors." + f.key;
  for (const auto& other : s.factors)
    if (other.key == f.key) P.error(key_node, fp, "factor \"" + f.key + "\" is given twice", "");
  if (!spec.IsMap()) {
    P.error(spec, fp, "expected a mapping with `range` or `values`", "");
    return false;
  }
  P.check_keys(spec, fp, in_list ? std::vector<std::string>{"key", "range", "values", "levels"}
                           : std::vector<std::string>{"range", "values", "levels"});
  const Setting* st = resolve_key(P, key_node, f.key, s.base);
  if (!st) return false;
  f.dim = st->dim;
  f.unit = std::string(dim_display_unit(f.dim));
  if (auto n = spec["levels"])
    if (auto v = P.integer(n, fp + ".levels", 1, 1000)) f.levels = static_cast<int>(*v);
  const bool has_range = static_cast<bool>(spec["range"]), has_values = static_cast<bool>(spec["values"]);
  if (has_range == has_values) {
    P.error(spec, fp, has_range ? "give `range` or `values`, not both" : "missing `range` or `values`",
            "range: [low, high] with units, or values: [a, b, ...]");
    return false;
  }
  if (has_range ? !factor_range(P, spec, fp, f) : !factor_values(P, spec, fp, f)) return false;
  check_factor(P, s, fp, f);
  s.factors.push_back(std::move(f));
  return true;
}

// Factors: a list of {key, range | values, levels} or a mapping key -> {range | values}.
void read_factors(Parser& P, const YAML::Node& root, SweepSpec& s) {
  YAML::Node factors = root["factors"];
  if (!factors || factors.size() == 0 || !(factors.IsSequence() || factors.IsMap())) {
    P.error_at(1, 1, "factors", "missing or empty `factors`",
               "e.g. factors: [{key: levers.rd_subsidy_rate, range: [0 %, 40 %]}]");
  } else {
    std::vector<std::pair<YAML::Node, YAML::Node>> items;  // (key node, spec node)
    if (factors.IsSequence()) {
      for (std::size_t i = 0; i < factors.size(); ++i) {
        const YAML::Node f = factors[i];
        const std::string fp = "factors[" + std::to_string(i) + "]";
        if (!f.IsMap() || !f["key"]) {
          P.error(f, fp, "a factor needs `key` and `range` or `values`",
                  "e.g. {key: levers.rd_subsidy_rate, range: [0 %, 40 %]}");
          continue;
        }
        items.emplace_back(f["key"], f);
      }
    } else {
      for (auto it = factors.begin(); it != factors.end(); ++it) items.emplace_back(it->first, it->second);
    }
    for (auto& [key_node, spec] : items) read_factor(P, key_node, spec, factors.IsSequence(), s);
  }
}

// The design: grid, lhs, sobol, morris or optimize, with its settings.
void read_design(Parser& P, const YAML::Node& root, SweepSpec& s) {
  const int k = static_cast<int>(s.factors.size());
  YAML::Node design = root["design"];
  if (!design) {
    P.error_at(1, 1, "design", "missing `design`", "design: {type: sobol, base_samples: 64} (or grid, lhs, morris, optimize)");
  } else {
    std::string type;
    YAML::Node type_node = design;
    if (design.IsScalar()) {
      type = design.Scalar();
    } else if (design.IsMap() && design["type"]) {
      type_node.reset(design["type"]);  // (operator= would assign into `design`)
      type = type_node.Scalar();
      P.check_keys(design, "design", {"type", "levels", "points", "base_samples", "trajectories"});
    } else {
      P.error(design, "design", "design must be a word or {type: ..., ...}", "e.g. design: {type: lhs, points: 100}");
    }
    const std::vector<std::string> kinds = {"grid", "lhs", "sobol", "morris", "optimize"};
    auto get = [&](const char* key, long long lo, long long hi, long long dflt, bool required) -> long long {
      if (design.IsMap() && design[key]) {
        auto v = P.integer(design[key], std::string("design.") + key, lo, hi);
        return v ? *v : dflt;
      }
      if (required)
        P.error(design, "design", "design " + type + " needs `" + key + "`",
                "e.g. design: {type: " + type + ", " + key + ": " + std::to_string(dflt) + "}");
      return dflt;
    };
    if (type == "grid") {
      s.design = DesignKind::grid;
      s.levels = static_cast<int>(get("levels", 1, 1000, 3, false));
    } else if (type == "lhs") {
      s.design = DesignKind::lhs;
      s.points = static_cast<int>(get("points", 1, 10000000, 100, true));
    } else if (type == "sobol") {
      s.design = DesignKind::sobol;
      s.base_samples = static_cast<int>(get("base_samples", 2, 10000000, 64, true));
      if (2 * k > sobol_max_dims())
        P.error(type_node, "design", "Sobol design supports at most " + std::to_string(sobol_max_dims() / 2) +
                                          " factors (2k Sobol dimensions); this sweep has " + std::to_string(k),
                "use fewer factors or a Morris screening first");
    } else if (type == "morris") {
      s.design = DesignKind::morris;
      s.trajectories = static_cast<int>(get("trajectories", 2, 1000000, 10, true));
      s.morris_levels = static_cast<int>(get("levels", 2, 100, 4, false));
      if (s.morris_levels % 2) P.error(design, "design.levels", "Morris levels must be even", "e.g. levels: 4");
    } else if (type == "optimize") {
      s.design = DesignKind::optimize;
    } else if (!type.empty()) {
      std::string near = nearest_word(type, kinds);
      P.error(type_node, "design", "unknown design \"" + type + "\"",
              near.empty() ? "one of grid, lhs, sobol, morris, optimize" : "did you mean \"" + near + "\"?");
    }
  }
}

// Outputs of interest (targets are added automatically).
void read_outputs(Parser& P, const YAML::Node& root, SweepSpec& s) {
  if (YAML::Node outs = root["outputs"]) {
    if (!outs.IsSequence()) {
      P.error(outs, "outputs", "outputs must be a list", "e.g. outputs: [{indicator: gross_output, year: 2025}]");
    } else {
      std::vector<std::string> ind_keys, zone_ids = {"all"};
      for (const auto& info : indicator_infos()) ind_keys.emplace_back(info.key);
      for (const auto& z : s.base.zones) zone_ids.push_back(z.id);
      for (std::size_t i = 0; i < outs.size(); ++i) {
        const YAML::Node o = outs[i];
        const std::string op = "outputs[" + std::to_string(i) + "]";
        if (!o.IsMap() || !o["indicator"]) {
          P.error(o, op, "an output needs `indicator` (and optionally year, zone)",
                  "e.g. {indicator: gross_output, year: 2025, zone: all}");
          continue;
        }
        P.check_keys(o, op, {"indicator", "year", "zone"});
        OutputSpec out;
        out.indicator = o["indicator"].Scalar();
        out.ind = indicator_by_key(out.indicator);
        bool ok = true;
        if (out.ind == Ind::count) {
          std::string near = nearest_word(out.indicator, ind_keys);
          P.error(o["indicator"], op + ".indicator", "unknown indicator \"" + out.indicator + "\"",
                  near.empty() ? "see docs/output.md" : "did you mean \"" + near + "\"?");
          ok = false;
        }
        out.year = s.base.end_year;
        if (o["year"]) {
          if (auto y = P.integer(o["year"], op + ".year", s.base.base_year, s.base.end_year)) out.year = static_cast<int>(*y);
          else ok = false;
        }
        if (o["zone"]) out.zone = o["zone"].Scalar();
        auto zit = std::find(zone_ids.begin(), zone_ids.end(), out.zone);
        if (zit == zone_ids.end()) {
          std::string near = nearest_word(out.zone, zone_ids);
          P.error(o["zone"], op + ".zone", "unknown zone \"" + out.zone + "\"",
                  near.empty() ? "a zone of the base scenario or all" : "did you mean \"" + near + "\"?");
          ok = false;
        } else {
          out.zone_row = zit == zone_ids.begin() ? static_cast<int>(s.base.zones.size())
                                                 : static_cast<int>(zit - zone_ids.begin() - 1);
        }
        out.name = out.indicator + "@" + out.zone + "@" + std::to_string(out.year);
        if (ok) s.outputs.push_back(out);
      }
    }
  }
}

// Policy search settings.
void read_optimize(Parser& P, const YAML::Node& root, SweepSpec& s) {
  if (YAML::Node o = root["optimize"]) {
    if (!o.IsMap()) {
      P.error(o, "optimize", "optimize must be a mapping", "e.g. optimize: {probability: 0.8}");
    } else {
      P.check_keys(o, "optimize", {"probability", "initial_points", "rounds", "points_per_round", "centres", "targets"});
      if (auto list = o["targets"]) {
        std::vector<std::string> ids;
        for (const auto& t : s.base.targets) ids.push_back(t.id);
        std::string all;
        for (const auto& id : ids) all += (all.empty() ? "" : ", ") + id;
        if (!list.IsSequence() || list.size() == 0) {
          P.error(list, "optimize.targets", "targets must be a non-empty list of target ids of the base scenario",
                  "e.g. targets: [" + (ids.empty() ? std::string("output") : ids.front()) + "]; the base has: " + all);
        } else {
          for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node item = list[i];
            const std::string path = "optimize.targets[" + std::to_string(i) + "]";
            const std::string id = item.IsScalar() ? item.Scalar() : std::string();
            auto it = std::find(ids.begin(), ids.end(), id);
            if (it == ids.end()) {
              const std::string near = nearest_word(id, ids);
              P.error(item, path, "\"" + id + "\" is not a target of the base scenario",
                      near.empty() ? "the base has: " + all : "did you mean \"" + near + "\"? the base has: " + all);
              continue;
            }
            const int index = static_cast<int>(it - ids.begin());
            if (std::find(s.optimize.required_targets.begin(), s.optimize.required_targets.end(), index) ==
                s.optimize.required_targets.end())
              s.optimize.required_targets.push_back(index);
          }
          std::sort(s.optimize.required_targets.begin(), s.optimize.required_targets.end());
        }
      }
      if (auto p = o["probability"]) {
        auto q = parse_quantity(p.Scalar(), Dim::share);
        if (!q.ok() || q.value <= 0 || q.value > 1)
          P.error(p, "optimize.probability", "probability must be in (0, 1]", "e.g. 0.8 or 80 %");
        else
          s.optimize.probability = q.value;
      }
      if (auto n = o["initial_points"])
        if (auto v = P.integer(n, "optimize.initial_points", 2, 10000000)) s.optimize.initial_points = static_cast<int>(*v);
      if (auto n = o["rounds"])
        if (auto v = P.integer(n, "optimize.rounds", 0, 100)) s.optimize.rounds = static_cast<int>(*v);
      if (auto n = o["points_per_round"])
        if (auto v = P.integer(n, "optimize.points_per_round", 1, 10000000)) s.optimize.points_per_round = static_cast<int>(*v);
      if (auto n = o["centres"])
        if (auto v = P.integer(n, "optimize.centres", 1, 1000)) s.optimize.centres = static_cast<int>(*v);
    }
  }
}

// The design's size, then the scenario's rules at its points (or the factors' extremes).
void check_size(Parser& P, const YAML::Node& root, SweepSpec& s) {
  if (P.diags.empty() && root["design"]) {
    if (auto points = point_count(P, root["design"], s)) {
      const double bytes = static_cast<double>(*points) * s.replications * row_stride(s) * sizeof(double);
      if (bytes > kMaxResultBytes) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "%llu points x %d replications = %.4g runs, whose results would need %.3g GiB; at most "
                      "%.3g GiB",
                      static_cast<unsigned long long>(*points), s.replications,
                      static_cast<double>(*points) * s.replications, bytes / (1ull << 30),
                      kMaxResultBytes / (1ull << 30));
        P.error(root["design"], "design", buf, "give fewer points or replications, or run the sweep in parts");
      } else {
        check_combinations(P, root["design"], s, *points);
      }
    }
  }
}

}  // namespace

SweepLoadResult load_sweep_file(const std::string& path) {
  SweepLoadResult result;
  Diagnostics& diags = result.diagnostics;
  Parser P{path, diags};
  detail::InputFile input = detail::read_input_file(path);
  if (input.status != detail::InputFile::Status::ok) {
    diags.add({path, 0, 0, "",
               input.status == detail::InputFile::Status::cannot_open
                   ? "cannot read the sweep file"
                   : "cannot read the sweep file: " + input.problem,
               input.status == detail::InputFile::Status::cannot_open ? "check the path"
               : input.hint.empty()                                   ? "give a sweep file (YAML)"
                                                                      : input.hint});
    return result;
  }
  SweepSpec s;
  s.file = path;
  s.text = std::move(input.text);
  std::optional<YAML::Node> loaded = detail::load_one_document(
      s.text, path, diags, "sweep file", "remove the `---` line(s) and keep one sweep per file");
  if (!loaded) return result;
  YAML::Node root = *loaded;
  if (!root.IsMap()) {
    diags.add({path, 1, 1, "", "a sweep file is a mapping with base, factors, design, ...",
               "see docs/sweeps.md"});
    return result;
  }
  P.check_duplicate_keys(root, "");
  // A scenario or a calibration file given as a sweep: say which file it is, not every key it has.
  if (detail::wrong_file_kind(root, detail::FileKind::sweep, path, diags)) return result;
  if (auto n = root["zonesim_sweep"]; n && !(n.IsScalar() && n.Scalar() == "1"))
    P.error(n, "zonesim_sweep",
            n.IsScalar() ? "unsupported sweep format \"" + n.Scalar() + "\"" : "expected a format version",
            "this zonesim reads sweep files of format 1: write `zonesim_sweep: 1` or leave the line out");
  P.check_keys(root, "", {"zonesim_sweep", "name", "description", "base", "factors", "design", "replications",
                          "seed", "outputs", "optimize", "bootstrap"});
  s.name = root["name"] ? root["name"].as<std::string>() : fs::path(path).stem().string();

  read_run_settings(P, root, s);
  if (!read_base(P, root, path, s)) return result;
  read_factors(P, root, s);
  read_design(P, root, s);
  read_outputs(P, root, s);
  read_optimize(P, root, s);
  check_size(P, root, s);
  if (diags.empty()) result.spec = std::move(s);
  return result;
}

}  // namespace zonesim::sweep
