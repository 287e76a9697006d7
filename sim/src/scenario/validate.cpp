// Scenario loading, step 4 (validator.hpp): the top level of a scenario, group by group.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "observed.hpp"
#include "validator.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

// Reads the whole tree, group by group: zones after sectors (their shares default to the
// sectors'), targets after zones (they name them).
void Validator::run(const Node& root) {
  if (!read_header(root)) return;
  read_run_settings(root);
  read_region(root);
  read_sectors(root);
  read_levers(root);
  read_parameters(root);
  read_zones(root);
  read_targets(root);
}

// The sweep-file check, the top-level keys, format version, name and title. False for a sweep
// file, which is not read further.
bool Validator::read_header(const Node& root) {
  if (const Node* sweep = root.find("zonesim_sweep")) {  // a sweep file given as a scenario
    key_error(*sweep, "", "this is a sweep file (it starts with `zonesim_sweep:`), not a scenario",
              "run it with `zonesim sweep FILE`; the scenario it varies is checked there");
    return false;
  }
  if (const Node* calibration = root.find("zonesim_calibrate")) {  // a calibration file given as a scenario
    key_error(*calibration, "", "this is a calibration file (it starts with `zonesim_calibrate:`), not a scenario",
              "run it with `zonesim calibrate FILE`; the scenario it fits is checked there");
    return false;
  }
  static const std::vector<std::string> kTop = {
      "zonesim", "name", "title", "source", "notes", "base_year", "end_year", "replications",
      "seed", "region", "sectors", "zones", "levers", "parameters", "targets", "observed"};
  for (const auto& [k, c] : root.map)
    if (std::find(kTop.begin(), kTop.end(), k) == kTop.end())
      unknown_key(c, k, k, kTop, "top-level key");

  if (const Node* v = root.find("zonesim")) {
    if (!v->is_scalar() || v->scalar != "1")
      error(*v, "zonesim", "unsupported scenario format version \"" + v->scalar + "\"",
            "this zonesim reads format 1");
  }
  if (const Node* v = root.find("name")) {
    sc.name = text_value(*v, "name");
    if (!valid_id(sc.name))
      error(*v, "name", "\"" + sc.name + "\" is not a valid scenario name",
            "use lower-case letters, digits, '-' and '_' (it names the output file)");
  } else {
    error(root, "name", "missing key `name`", "add e.g. `name: my-scenario`");
  }
  if (const Node* t = root.find("title")) {
    if (t->is_map()) {
      for (const auto& [k, c] : t->map) {
        if (k == "en") sc.title_en = text_value(c, "title.en");
        else if (k == "zh") sc.title_zh = text_value(c, "title.zh");
        else unknown_key(c, "title." + k, k, {"en", "zh"}, "title language");
      }
    } else {
      sc.title_en = text_value(*t, "title");
    }
  }
  return true;
}

// base_year, end_year, replications and seed.
void Validator::read_run_settings(const Node& root) {
  // Reads a run setting; false when it is given but invalid (and reported).
  auto run_setting = [&](const char* key, double& out) {
    const Setting* s = find_setting(run_settings(), key);
    out = s->default_value;
    const Node* v = root.find(key);
    if (!v) return true;
    auto x = scalar_value(*v, key, *s);
    if (x) out = *x;
    return x.has_value();
  };
  double base = 0, end = 0, reps = 0;
  // Year checks against a horizon that is itself wrong would only repeat the error.
  if (!run_setting("base_year", base)) horizon_valid = false;
  if (!run_setting("end_year", end)) horizon_valid = false;
  run_setting("replications", reps);
  sc.base_year = static_cast<int>(base);
  sc.end_year = static_cast<int>(end);
  sc.replications = static_cast<int>(reps);
  sc.seed = static_cast<std::uint64_t>(find_setting(run_settings(), "seed")->default_value);
  if (const Node* raw = root.find("seed")) {  // exactly, not through a double
    const Node* n = unwrap(*raw, "seed");
    const auto seed = n->is_scalar() ? parse_seed(n->scalar) : std::nullopt;
    if (seed)
      sc.seed = *seed;
    else
      error(*n, "seed", n->is_scalar() ? "\"" + n->scalar + "\" is not a seed" : "expected a single seed",
            seed_range_hint());
  }
  if (sc.end_year <= sc.base_year) {
    const Node* at = root.find("end_year");
    if (!at) at = root.find("base_year");
    if (!at) at = &root;
    error(*at, "end_year", "end_year " + std::to_string(sc.end_year) +
                               " is not after base_year " + std::to_string(sc.base_year),
          "the run simulates the years after base_year up to end_year");
    sc.end_year = sc.base_year + 1;
    horizon_valid = false;
  } else if (sc.end_year - sc.base_year > kMaxYears) {
    error(*root.find("end_year"), "end_year", "horizon of " +
                                                  std::to_string(sc.end_year - sc.base_year) +
                                                  " years is too long",
          "at most " + std::to_string(kMaxYears) + " years");
  }
}

void Validator::read_region(const Node& root) {
  for (const auto& s : region_settings()) sc.region[&s - region_settings().data()] = s.default_value;
  if (const Node* r = root.find("region")) {
    if (!r->is_map()) {
      error(*r, "region", "region must be a mapping", "");
    } else {
      for (const auto& [k, c] : r->map) {
        const Setting* s = find_setting(region_settings(), k);
        if (!s) {
          unknown_key(c, "region." + k, k, keys_of(region_settings()), "region key");
          continue;
        }
        const auto idx = static_cast<std::size_t>(s - region_settings().data());
        if (idx == static_cast<std::size_t>(RegionField::demand_shock)) {  // a schedule (takes_schedule)
          if (auto sch = schedule_value(c, "region." + k, *s)) sc.demand_shock = std::move(*sch);
        } else if (auto v = scalar_value(c, "region." + k, *s)) {
          sc.region[idx] = *v;
        }
      }
    }
  }
}

void Validator::read_sectors(const Node& root) {
  const Node* sectors = root.find("sectors");
  if (!sectors || !sectors->is_map() || sectors->map.empty()) {
    error(sectors ? *sectors : root, "sectors", "missing or empty `sectors`",
          "declare at least one sector, e.g. `sectors: {electronics: {output_share: 100 %}}`");
  } else {
    auto sector_keys = keys_of(sector_settings());
    std::vector<std::string> allowed = sector_keys;
    allowed.insert(allowed.begin(), {"name_en", "name_zh"});
    for (const auto& [id, body] : sectors->map) {
      std::string path = "sectors." + id;
      SectorSpec sp;
      sp.id = id;
      if (!valid_id(id))
        key_error(body, path, "\"" + id + "\" is not a valid sector id",
                  "use lower-case letters, digits, '-' and '_'");
      for (const auto& s : sector_settings()) sp.fields[&s - sector_settings().data()] = s.default_value;
      if (!body.is_map()) {
        error(body, path, "a sector must be a mapping", "");
      } else {
        for (const auto& [k, c] : body.map) {
          if (k == "name_en") sp.name_en = text_value(c, path + ".name_en");
          else if (k == "name_zh") sp.name_zh = text_value(c, path + ".name_zh");
          else if (const Setting* s = find_setting(sector_settings(), k)) {
            const auto idx = static_cast<std::size_t>(s - sector_settings().data());
            if (idx == static_cast<std::size_t>(SectorField::demand_shock)) {  // a schedule (takes_schedule)
              if (auto sch = schedule_value(c, path + "." + k, *s)) sp.demand_shock = std::move(*sch);
            } else if (auto v = scalar_value(c, path + "." + k, *s)) {
              sp.fields[idx] = *v;
            }
          } else {
            unknown_key(c, path + "." + k, k, allowed, "sector key");
          }
        }
      }
      sc.sectors.push_back(std::move(sp));
    }
  }
}

// The region-wide levers (a zone's own are read with the zone).
void Validator::read_levers(const Node& root) {
  for (const auto& s : lever_settings())
    sc.levers[&s - lever_settings().data()] = Schedule::constant(s.default_value);
  if (const Node* l = root.find("levers")) {
    std::array<std::optional<Schedule>, kLeverCount> given;
    levers_block(*l, "levers", given);
    for (std::size_t i = 0; i < kLeverCount; ++i)
      if (given[i]) sc.levers[i] = std::move(*given[i]);
  }
}

void Validator::read_parameters(const Node& root) {
  for (const auto& s : parameter_settings()) {
    ParamSpec p;
    p.a = s.default_value;
    sc.params[&s - parameter_settings().data()] = p;
  }
  if (const Node* p = root.find("parameters")) {
    if (!p->is_map()) {
      error(*p, "parameters", "parameters must be a mapping", "");
    } else {
      auto keys = keys_of(parameter_settings());
      for (const auto& [k, c] : p->map) {
        if (k == "from_posterior") {  // observed.cpp
          detail::read_posterior(c, sc, diags);
          continue;
        }
        const Setting* s = find_setting(parameter_settings(), k);
        if (!s) {
          unknown_key(c, "parameters." + k, k, keys, "parameter");
          continue;
        }
        if (auto v = param_value(c, "parameters." + k, *s))
          sc.params[static_cast<std::size_t>(s - parameter_settings().data())] = *v;
      }
    }
  }
}

// Targets and observed values (after zones, which they name).
void Validator::read_targets(const Node& root) {
  if (const Node* t = root.find("targets")) {
    if (!t->is_map()) {
      error(*t, "targets", "targets must be a mapping of target id: {indicator, comparison, value, year}", "");
    } else {
      for (const auto& [id, body] : t->map) target("targets." + id, id, body);
    }
  }
  if (const Node* o = root.find("observed")) detail::read_observed(*o, sc, horizon_valid, diags);  // observed.cpp
}

}  // namespace zonesim::detail
