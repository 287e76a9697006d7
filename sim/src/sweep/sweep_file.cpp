// Sweep files: parsing and validation with located errors (file:line:col, key path, hint), in
// the same style as scenario files. Factor keys are checked against the registry and, by
// loading the base scenario with the factor's extreme values, against the scenario's own rules.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../scenario/yaml_document.hpp"
#include "zonesim/registry.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {
namespace fs = std::filesystem;

namespace {

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  if (std::string(buf).find_first_of("eE") != std::string::npos) std::snprintf(buf, sizeof buf, "%.24f", v);
  return buf;
}

std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, c)) out.push_back(part);
  return out;
}

std::vector<std::string> keys_of(std::span<const Setting> settings) {
  std::vector<std::string> out;
  for (const auto& s : settings) out.emplace_back(s.key);
  return out;
}

const Setting* find_setting(std::span<const Setting> settings, const std::string& key) {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
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
    std::string near = nearest_word(word, cands);
    P.error(at, key, "unknown " + what + " \"" + word + "\"",
            near.empty() ? "see `zonesim levers` for every lever and parameter" : "did you mean \"" + near + "\"?");
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

}  // namespace

// ---- Factor ----------------------------------------------------------------------------------

double Factor::at(double u) const {
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

SweepLoadResult load_sweep_file(const std::string& path) {
  SweepLoadResult result;
  Diagnostics& diags = result.diagnostics;
  Parser P{path, diags};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.add({path, 0, 0, "", "cannot read the sweep file", "check the path"});
    return result;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  SweepSpec s;
  s.file = path;
  s.text = buf.str();
  std::optional<YAML::Node> loaded = detail::load_one_document(
      s.text, path, diags, "sweep file", "remove the `---` line(s) and keep one sweep per file");
  if (!loaded) return result;
  YAML::Node root = *loaded;
  if (!root.IsMap()) {
    diags.add({path, 1, 1, "", "a sweep file is a mapping with base, factors, design, ...",
               "see docs/sweeps.md"});
    return result;
  }
  P.check_keys(root, "", {"zonesim_sweep", "name", "description", "base", "factors", "design", "replications",
                          "seed", "outputs", "optimize", "bootstrap"});
  s.name = root["name"] ? root["name"].as<std::string>() : fs::path(path).stem().string();

  // Run settings first: the base scenario is loaded with them.
  if (auto n = root["replications"]) {
    if (auto v = P.integer(n, "replications", 1, 1000000)) s.replications = static_cast<int>(*v);
  } else {
    P.error_at(1, 1, "replications", "missing `replications` (runs per point)", "e.g. replications: 20");
  }
  if (auto n = root["seed"]) {
    if (auto v = P.integer(n, "seed", 0, 9007199254740991LL)) s.seed = static_cast<std::uint64_t>(*v);
  } else {
    P.error_at(1, 1, "seed", "missing `seed` (every point uses it: common random numbers)", "e.g. seed: 1");
  }
  if (auto n = root["bootstrap"])
    if (auto v = P.integer(n, "bootstrap", 0, 100000)) s.bootstrap = static_cast<int>(*v);

  // Base scenario, relative to the sweep file.
  YAML::Node base_node = root["base"];
  if (!base_node || !base_node.IsScalar()) {
    P.error_at(1, 1, "base", "missing `base` (the scenario the factors change)", "e.g. base: demo.yaml");
    return result;
  }
  fs::path bp(base_node.Scalar());
  if (bp.is_relative()) bp = fs::path(path).parent_path() / bp;
  s.base_path = bp.lexically_normal().string();
  if (!fs::exists(s.base_path)) {
    P.error(base_node, "base", "base scenario " + s.base_path + " does not exist",
            "the path is relative to the sweep file");
    return result;
  }
  const std::vector<std::string> run_overrides = {"replications=" + std::to_string(s.replications),
                                                  "seed=" + std::to_string(s.seed)};
  {
    LoadOptions lo;
    lo.overrides = run_overrides;
    LoadResult lr = load_scenario_file(s.base_path, lo);
    if (!lr.scenario) {
      // The scenario's own errors, plus one at `base:` so the sweep file is named.
      diags.append(lr.diagnostics);
      P.error(base_node, "base", "the base scenario has errors (listed above)", "zonesim validate " + s.base_path);
      return result;
    }
    s.base = std::move(*lr.scenario);
  }

  // Factors: a list of {key, range | values, levels} or a mapping key -> {range | values}.
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
    for (auto& [key_node, spec] : items) {
      Factor f;
      f.key = key_node.as<std::string>();
      f.line = key_node.Mark().line + 1;
      f.column = key_node.Mark().column + 1;
      const std::string fp = "factors." + f.key;
      for (const auto& other : s.factors)
        if (other.key == f.key) P.error(key_node, fp, "factor \"" + f.key + "\" is given twice", "");
      if (!spec.IsMap()) {
        P.error(spec, fp, "expected a mapping with `range` or `values`", "");
        continue;
      }
      P.check_keys(spec, fp, factors.IsSequence() ? std::vector<std::string>{"key", "range", "values", "levels"}
                                                   : std::vector<std::string>{"range", "values", "levels"});
      const Setting* st = resolve_key(P, key_node, f.key, s.base);
      if (!st) continue;
      f.dim = st->dim;
      f.unit = std::string(dim_display_unit(f.dim));
      if (auto n = spec["levels"])
        if (auto v = P.integer(n, fp + ".levels", 1, 1000)) f.levels = static_cast<int>(*v);
      const bool has_range = static_cast<bool>(spec["range"]), has_values = static_cast<bool>(spec["values"]);
      if (has_range == has_values) {
        P.error(spec, fp, has_range ? "give `range` or `values`, not both" : "missing `range` or `values`",
                "range: [low, high] with units, or values: [a, b, ...]");
        continue;
      }
      if (has_range) {
        YAML::Node r = spec["range"];
        if (!r.IsSequence() || r.size() != 2) {
          P.error(r, fp + ".range", "range must be [low, high]", "e.g. range: [\"0 %\", \"40 %\"]");
          continue;
        }
        if (f.dim == Dim::choice || f.dim == Dim::boolean) {
          P.error(r, fp + ".range", "\"" + f.key + "\" is a " + std::string(dim_name(f.dim)) + "; use `values:`",
                  "e.g. values: [pro_rata, high_tech_first]");
          continue;
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
        if (!ok) continue;
        if (!(lh[0] < lh[1])) {
          P.error(r, fp + ".range", "low must be below high", "");
          continue;
        }
        f.low = lh[0];
        f.high = lh[1];
      } else {
        YAML::Node v = spec["values"];
        if (!v.IsSequence() || v.size() < 1) {
          P.error(v, fp + ".values", "values must be a non-empty list", "e.g. values: [500 mu, 800 mu]");
          continue;
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
      }
      // The scenario's own checks, at the extremes (or every listed value).
      std::vector<double> us = f.discrete ? std::vector<double>{} : std::vector<double>{0.0, 1.0};
      for (std::size_t i = 0; f.discrete && i < f.values.size(); ++i)
        us.push_back((i + 0.5) / static_cast<double>(f.values.size()));
      for (double u : us) {
        LoadOptions lo;
        lo.overrides = run_overrides;
        lo.overrides.push_back(f.override_at(u));
        LoadResult lr = load_scenario_file(s.base_path, lo);
        for (const auto& d : lr.diagnostics.items())
          P.error_at(f.line, f.column, fp, "with " + f.override_at(u) + ": " + d.message, d.hint);
        if (!lr.diagnostics.empty()) break;
      }
      s.factors.push_back(std::move(f));
    }
  }
  const int k = static_cast<int>(s.factors.size());

  // Design.
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

  // Outputs of interest (targets are added automatically).
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

  // Policy search settings.
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
  if (diags.empty()) result.spec = std::move(s);
  return result;
}

}  // namespace zonesim::sweep
