#include <cmath>
#include <cstdio>

#include "zonesim/output.hpp"

namespace zonesim {
namespace {

std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? "1e308" : "-1e308";
  if (std::isnan(v)) return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string quoted(std::string_view s) { return "\"" + json_escape(std::string(s)) + "\""; }

std::string schedule_json(const Schedule& s) {
  if (s.points.size() == 1) return num(s.points.front().second);
  std::string out = "{";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    int year = i == 0 ? -1 : s.points[i].first;  // -1: from the start
    out += (i ? "," : "") + quoted(i == 0 ? "start" : std::to_string(year)) + ":" + num(s.points[i].second);
  }
  return out + "}";
}

std::string param_json(const ParamSpec& p) {
  switch (p.kind) {
    case ParamSpec::Kind::fixed: return num(p.a);
    case ParamSpec::Kind::normal: return "{\"distribution\":\"normal\",\"mean\":" + num(p.a) + ",\"sd\":" + num(p.b) + "}";
    case ParamSpec::Kind::lognormal: return "{\"distribution\":\"lognormal\",\"median\":" + num(p.a) + ",\"sigma\":" + num(p.b) + "}";
    case ParamSpec::Kind::uniform: return "{\"distribution\":\"uniform\",\"low\":" + num(p.a) + ",\"high\":" + num(p.b) + "}";
    case ParamSpec::Kind::triangular:
      return "{\"distribution\":\"triangular\",\"low\":" + num(p.a) + ",\"high\":" + num(p.b) + ",\"mode\":" + num(p.c) + "}";
  }
  return "null";
}

}  // namespace

std::string resolved_scenario_json(const Scenario& s) {
  std::string out = "{\"units\":\"canonical: money in yuan, land in mu, shares as fractions, energy per output in tce/万元\"";
  out += ",\"name\":" + quoted(s.name) + ",\"base_year\":" + std::to_string(s.base_year) +
         ",\"end_year\":" + std::to_string(s.end_year) + ",\"replications\":" +
         std::to_string(s.replications) + ",\"seed\":" + std::to_string(s.seed);
  out += ",\"levers\":{";
  for (std::size_t l = 0; l < kLeverCount; ++l)
    out += (l ? "," : "") + quoted(lever_settings()[l].key) + ":" + schedule_json(s.levers[l]);
  out += "},\"parameters\":{";
  for (std::size_t k = 0; k < kParamCount; ++k)
    out += (k ? "," : "") + quoted(parameter_settings()[k].key) + ":" + param_json(s.params[k]);
  out += "},\"region\":{";
  for (std::size_t k = 0; k < kRegionFieldCount; ++k)
    out += (k ? "," : "") + quoted(region_settings()[k].key) + ":" +
           (k == static_cast<std::size_t>(RegionField::demand_shock) ? schedule_json(s.demand_shock) : num(s.region[k]));
  out += "},\"sectors\":{";
  for (std::size_t i = 0; i < s.sectors.size(); ++i) {
    out += (i ? "," : "") + quoted(s.sectors[i].id) + ":{";
    for (std::size_t k = 0; k < kSectorFieldCount; ++k)
      out += (k ? "," : "") + quoted(sector_settings()[k].key) + ":" +
             (k == static_cast<std::size_t>(SectorField::demand_shock) ? schedule_json(s.sectors[i].demand_shock)
                                                                       : num(s.sectors[i].fields[k]));
    out += "}";
  }
  out += "},\"zones\":{";
  for (std::size_t z = 0; z < s.zones.size(); ++z) {
    const ZoneSpec& zs = s.zones[z];
    out += (z ? "," : "") + quoted(zs.id) + ":{";
    for (std::size_t k = 0; k < kZoneFieldCount; ++k)
      out += (k ? "," : "") + quoted(zone_settings()[k].key) + ":" + num(zs.fields[k]);
    out += ",\"sector_shares\":{";
    for (std::size_t i = 0; i < s.sectors.size(); ++i)
      out += (i ? "," : "") + quoted(s.sectors[i].id) + ":" + num(zs.sector_shares[i]);
    out += "},\"levers\":{";
    bool first = true;
    for (std::size_t l = 0; l < kLeverCount; ++l) {
      if (!zs.lever_overrides[l]) continue;
      out += (first ? "" : ",") + quoted(lever_settings()[l].key) + ":" + schedule_json(*zs.lever_overrides[l]);
      first = false;
    }
    out += "}}";
  }
  out += "}}";
  return out;
}

}  // namespace zonesim
