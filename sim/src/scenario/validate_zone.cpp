// Scenario loading, step 4 (validator.hpp): a zone, its sector shares and the checks between its values.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "observed.hpp"
#include "validator.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

void Validator::read_zones(const Node& root) {
  const Node* zones = root.find("zones");
  if (!zones || !zones->is_map() || zones->map.empty()) {
    error(zones ? *zones : root, "zones", "missing or empty `zones`",
          "declare at least one zone with its base-year values");
    return;
  }
  auto zone_keys = keys_of(zone_settings());
  std::vector<std::string> allowed = zone_keys;
  allowed.insert(allowed.begin(), {"name_en", "name_zh", "sector_shares", "levers"});
  for (const auto& [id, body] : zones->map) read_zone(id, body, allowed);
  // The base year's population sets the markets: at least one zone must exist then.
  const bool any_at_base = std::any_of(sc.zones.begin(), sc.zones.end(), [](const ZoneSpec& z) {
    return z.fields[static_cast<std::size_t>(ZoneField::opens)] == 0.0;
  });
  if (!any_at_base && !sc.zones.empty()) {  // reported at the first zone's `opens`
    const auto& [id, body] = *zones->map.begin();
    const Node* opens = body.is_map() ? body.find("opens") : nullptr;
    const Node* at = !opens ? zones : opens->is_map() && opens->find("value") ? opens->find("value") : opens;
    error(*at, "zones." + id + ".opens", "every zone opens after the base year",
          "at least one zone must be open in the base year " + std::to_string(sc.base_year) +
              " (its firms set the markets): remove `opens` from one zone");
  }
}

// One zone: defaults, then its values, its own levers and sector shares; then the checks
// between its values. `allowed`: the keys a zone may have.
void Validator::read_zone(const std::string& id, const Node& body, const std::vector<std::string>& allowed) {
  std::string path = "zones." + id;
  ZoneSpec z;
  z.id = id;
  if (!valid_id(id) || id == "all")
    key_error(body, path, "\"" + id + "\" is not a valid zone id",
              "use lower-case letters, digits, '-' and '_' (\"all\" is reserved)");
  for (const auto& s : zone_settings()) z.fields[&s - zone_settings().data()] = s.default_value;
  zone_field_invalid.fill(false);
  z.sector_shares.assign(sc.sectors.size(), 0.0);
  for (std::size_t i = 0; i < sc.sectors.size(); ++i)
    z.sector_shares[i] = sc.sectors[i].fields[static_cast<std::size_t>(SectorField::output_share)];
  if (!body.is_map()) {
    error(body, path, "a zone must be a mapping of its values", "");
    sc.zones.push_back(std::move(z));
    return;
  }
  for (const auto& [k, c] : body.map) {
    std::string kp = path + "." + k;
    if (k == "name_en") z.name_en = text_value(c, kp);
    else if (k == "name_zh") z.name_zh = text_value(c, kp);
    else if (k == "levers") levers_block(c, kp, z.lever_overrides);
    else if (k == "sector_shares") read_sector_shares(c, kp, z);
    else if (k == "opens") read_opens(c, kp, z);
    else if (const Setting* s = find_setting(zone_settings(), k)) {
      const auto index = static_cast<std::size_t>(s - zone_settings().data());
      if (auto v = scalar_value(c, kp, *s)) {
        z.fields[index] = *v;
      } else {
        zone_field_invalid[index] = true;
        if (index == static_cast<std::size_t>(ZoneField::base_firms)) explain_firm_limit(c);
      }
    } else {
      unknown_key(c, kp, k, allowed, "zone key");
    }
  }
  check_zone(body, path, z);
  sc.zones.push_back(std::move(z));
}

// A zone's `opens: YEAR`: the zone opens during the run, in a year after the base year and at
// most end_year (docs/model.md 2). Not given (0): the zone is open in the base year. A base file
// that several scenarios extend (a calibration period and a back-test) may give a year after
// this scenario's end_year: the zone then opens after this run and holds nothing in it.
void Validator::read_opens(const Node& raw, const std::string& kp, ZoneSpec& z) {
  const Node* n = unwrap(raw, kp);
  const std::optional<int> year = year_value(*n, kp);
  if (!year || !horizon_valid) return;  // a wrong horizon is reported at end_year
  const bool from_base = n->file && *n->file != sc.file && *n->file != "--set";
  if (*year <= sc.base_year || (*year > sc.end_year && !from_base)) {
    error(*n, kp, "opens " + std::to_string(*year) + " is not within the run's years after the base year",
          "valid: " + std::to_string(sc.base_year + 1) + " to " + std::to_string(sc.end_year) +
              " (base_year " + std::to_string(sc.base_year) + ", end_year " + std::to_string(sc.end_year) +
              "); a zone open in the base year has no `opens`");
    return;
  }
  z.fields[static_cast<std::size_t>(ZoneField::opens)] = *year;
}

// A zone's `sector_shares: {sector: share}`; sectors not named get 0.
void Validator::read_sector_shares(const Node& c, const std::string& kp, ZoneSpec& z) {
  if (!c.is_map()) {
    error(c, kp, "sector_shares must map sector ids to shares", "");
    return;
  }
  std::fill(z.sector_shares.begin(), z.sector_shares.end(), 0.0);
  std::vector<std::string> ids;
  for (const auto& s : sc.sectors) ids.push_back(s.id);
  Setting share{"share", SettingGroup::sector, Dim::share, 0, 0, 1, "", "", {}};
  for (const auto& [sid, sv] : c.map) {
    auto it = std::find(ids.begin(), ids.end(), sid);
    if (it == ids.end()) {
      unknown_key(sv, kp + "." + sid, sid, ids, "sector");
      continue;
    }
    if (auto v = scalar_value(sv, kp + "." + sid, share))
      z.sector_shares[static_cast<std::size_t>(it - ids.begin())] = *v;
  }
}

void Validator::check_zone(const Node& at, const std::string& path, ZoneSpec& z) {
  auto f = [&](ZoneField k) -> double& { return z.fields[static_cast<std::size_t>(k)]; };
  double sum = 0;
  for (double s : z.sector_shares) sum += s;
  if (!sc.sectors.empty() && !(sum > 0)) {
    error(at, path + ".sector_shares", "the zone's sector shares add up to 0",
          "give `sector_shares` for the zone or `output_share` for the sectors");
  } else if (sum > 0) {
    for (double& s : z.sector_shares) s /= sum;
  }
  auto whole = [&](ZoneField k) { return std::to_string(static_cast<long long>(f(k))); };
  if (f(ZoneField::base_above_size_firms) > f(ZoneField::base_firms))
    conflict(at, path, {ZoneField::base_above_size_firms, ZoneField::base_firms},
             "more above-size firms (" + whole(ZoneField::base_above_size_firms) +
                 ") than firms (" + whole(ZoneField::base_firms) + ")",
             "base_above_size_firms must not exceed base_firms");
  if (f(ZoneField::base_hightech_firms) > f(ZoneField::base_firms))
    conflict(at, path, {ZoneField::base_hightech_firms, ZoneField::base_firms},
             "more high-tech firms (" + whole(ZoneField::base_hightech_firms) +
                 ") than firms (" + whole(ZoneField::base_firms) + ")",
             "base_hightech_firms must not exceed base_firms");
  const double ht_above = f(ZoneField::base_hightech_above_size_firms);
  if (ht_above >= 0) {
    if (ht_above != std::floor(ht_above))
      error(at, path + ".base_hightech_above_size_firms", "must be a whole number", "");
    else if (ht_above > f(ZoneField::base_above_size_firms) || ht_above > f(ZoneField::base_hightech_firms))
      error(at, path + ".base_hightech_above_size_firms",
            "more above-size high-tech firms than above-size firms or than high-tech firms",
            "it must not exceed base_above_size_firms nor base_hightech_firms");
    else if (f(ZoneField::base_hightech_firms) - ht_above > f(ZoneField::base_firms) - f(ZoneField::base_above_size_firms))
      error(at, path + ".base_hightech_above_size_firms",
            "too few: the other high-tech firms do not fit among the small firms",
            "base_hightech_firms - base_hightech_above_size_firms must not exceed base_firms - base_above_size_firms");
  }
  const auto [pipe1, pipe2] =
      certification_pipeline(f(ZoneField::base_hightech_growth), f(ZoneField::base_hightech_firms));
  if (pipe1 + pipe2 > 0 && static_cast<double>(pipe1 + pipe2) > f(ZoneField::base_firms) - f(ZoneField::base_hightech_firms))
    conflict(at, path, {ZoneField::base_hightech_growth, ZoneField::base_hightech_firms, ZoneField::base_firms},
             "too high: its certification pipeline of " + std::to_string(pipe1 + pipe2) +
                 " firms does not fit among the " + whole(ZoneField::base_firms) + " - " +
                 whole(ZoneField::base_hightech_firms) + " uncertified firms",
             "growth x (2 + growth) x base_hightech_firms must not exceed base_firms - base_hightech_firms");
  auto money = [&](ZoneField k) { return format_quantity(Dim::money, f(k)); };
  if (f(ZoneField::base_value_added) > f(ZoneField::base_output))
    conflict(at, path, {ZoneField::base_value_added, ZoneField::base_output},
             "value added (" + money(ZoneField::base_value_added) + ") exceeds gross output (" +
                 money(ZoneField::base_output) + ")",
             "value added is output less intermediate inputs; it is typically 20-35 % of output");
  if (f(ZoneField::base_rd) > 0.5 * f(ZoneField::base_output))
    conflict(at, path, {ZoneField::base_rd, ZoneField::base_output},
             "R&D (" + money(ZoneField::base_rd) + ") above half of gross output (" +
                 money(ZoneField::base_output) + ") is not plausible",
             "R&D is typically 1-6 % of output");
  // Each above-size firm has revenue >= 20 million yuan; a model firm stands for
  // region.firm_count_scale real ones (read before the zones).
  const double count_scale = sc.region[static_cast<std::size_t>(RegionField::firm_count_scale)];
  double min_output = f(ZoneField::base_above_size_firms) * 2e7 * count_scale;
  if (min_output > f(ZoneField::base_output))
    conflict(at, path, {ZoneField::base_output, ZoneField::base_above_size_firms},
             "base_output " + money(ZoneField::base_output) + " is below what " +
                 whole(ZoneField::base_above_size_firms) + " above-size firms need (" +
                 format_quantity(Dim::money, min_output) + ")",
             count_scale == 1.0
                 ? "above-size firms have revenue of at least 2000 万元 each"
                 : "above-size firms have revenue of at least 2000 万元 each, and each model firm stands for "
                   "region.firm_count_scale real ones");
  double supplied = f(ZoneField::base_land_used_mu) + f(ZoneField::base_land_idle_mu) +
                    f(ZoneField::base_land_available_mu);
  if (supplied > f(ZoneField::land_planned_mu))
    conflict(at, path,
             {ZoneField::land_planned_mu, ZoneField::base_land_used_mu,
              ZoneField::base_land_idle_mu, ZoneField::base_land_available_mu},
             "planned land " + format_quantity(Dim::area, f(ZoneField::land_planned_mu)) +
                 " is less than land already supplied (" + format_quantity(Dim::area, supplied) +
                 ": used + idle + available)",
             "land_planned_mu includes used, idle and available land");
  if (f(ZoneField::base_rd_institutes) > f(ZoneField::base_innovation_carriers))
    conflict(at, path, {ZoneField::base_rd_institutes, ZoneField::base_innovation_carriers},
             "more R&D institutes than innovation carriers",
             "base_innovation_carriers counts incubators, accelerators and R&D institutes");
}

// A firm count above the registry's limit is refused by the range check; say what such a run
// would cost, so the limit does not look arbitrary.
void Validator::explain_firm_limit(const Node& raw) {
  const Node* n = raw.is_map() && raw.find("value") ? raw.find("value") : &raw;
  if (!n->is_scalar()) return;
  const ParsedQuantity q = parse_quantity(n->scalar, Dim::count);
  if (!q.ok() || q.value <= setting(ZoneField::base_firms).max) return;
  Scenario probe;
  probe.base_year = sc.base_year;
  probe.end_year = sc.end_year;
  probe.replications = sc.replications;
  probe.zones.resize(1);
  probe.zones[0].fields[static_cast<std::size_t>(ZoneField::base_firms)] = q.value;
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "; a run with %.3g firms would need about %.3g GiB of memory (%.3g firms at the "
                "peak)",
                q.value, estimated_memory_bytes(probe, 2) / (1ull << 30),
                probe.expected_peak_firms());
  diags.back().hint += buf;
}

// Reports values of a zone that contradict each other. The error goes to the field the user's
// own file sets (after `extends:` that is the likely edit), else to the first field given,
// else to the zone. No report when one of the fields was already reported as invalid: its
// default would then make the contradiction up.
void Validator::conflict(const Node& zone, const std::string& path, std::initializer_list<ZoneField> fields,
              std::string message, std::string hint) {
  for (ZoneField k : fields)
    if (zone_field_invalid[static_cast<std::size_t>(k)]) return;
  const Node* at = nullptr;
  ZoneField at_field = *fields.begin();
  for (ZoneField k : fields) {
    const Node* n = zone.find(std::string(setting(k).key));
    if (!n) continue;
    const bool own = n->file && *n->file == sc.file;
    if (!at || own) {
      at = n;
      at_field = k;
    }
    if (own) break;
  }
  const std::string key_path = path + "." + std::string(setting(at_field).key);
  if (!at) {
    key_error(zone, key_path, std::move(message), std::move(hint));
    return;
  }
  const Node* value = at->is_map() && at->find("value") ? at->find("value") : at;
  error(*value, key_path, std::move(message), std::move(hint));
}

}  // namespace zonesim::detail
