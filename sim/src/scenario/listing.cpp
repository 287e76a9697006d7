// Listings generated from the registry: `zonesim levers` (table, markdown, JSON), the JSON
// Schema of scenario files, the key reference in docs/scenarios.md and the channel table of
// docs/model.md (`zonesim levers --format channels`).
#include <cmath>
#include <cstdio>
#include <string>

#include "zonesim/listing.hpp"

namespace zonesim {
namespace {

struct Group {
  const char* title;
  const char* yaml_path;
  std::span<const Setting> settings;
};

std::vector<Group> groups() {
  return {{"Levers", "levers.<key> (or zones.<id>.levers.<key>)", lever_settings()},
          {"Behavioural parameters", "parameters.<key>", parameter_settings()},
          {"Zone values", "zones.<id>.<key>", zone_settings()},
          {"Sector values", "sectors.<id>.<key>", sector_settings()},
          {"Region values", "region.<key>", region_settings()},
          {"Run settings", "<key>", run_settings()}};
}

// A zone's `opens` has no fixed range: a year after the scenario's base year, up to its end year.
bool run_year_setting(const Setting& s) { return s.group == SettingGroup::zone && s.dim == Dim::year; }

std::string shown(const Setting& s, double v) {
  if (run_year_setting(s) && v == 0.0) return "none (open in the base year)";
  if (s.dim == Dim::boolean) return v > 0.5 ? "true" : "false";
  if (s.dim == Dim::choice) {
    auto i = static_cast<std::size_t>(v);
    return i < s.choices.size() ? std::string(s.choices[i]) : "?";
  }
  return format_quantity(s.dim, v);
}

std::string range_text(const Setting& s) {
  if (run_year_setting(s)) return "base_year + 1 .. end_year";
  if (s.dim == Dim::boolean) return "true, false";
  if (s.dim == Dim::choice) {
    std::string out;
    for (std::size_t i = 0; i < s.choices.size(); ++i) out += (i ? ", " : "") + std::string(s.choices[i]);
    return out;
  }
  // The seed's range ends at 2^64-1, which a double would show as 1.84467e+19.
  if (s.dim == Dim::count && s.max >= 0x1p64) return format_quantity(s.dim, s.min) + " .. 18446744073709551615";
  return format_quantity(s.dim, s.min) + " .. " + format_quantity(s.dim, s.max);
}

// docs/model.md, section 4: one row per lever, from the registry's channel columns.
std::string channel_table() {
  std::string out =
      "| lever | where it acts | channel indicator (`zonesim effects`) | budget item it charges |\n"
      "|---|---|---|---|\n";
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    const std::string item =
        c.budget_item ? "`" + std::string(spend_infos()[static_cast<std::size_t>(*c.budget_item)].key) + "`" : "none";
    out += "| `" + std::string(lever_settings()[l].key) + "` | " + std::string(c.where) + " | `" +
           std::string(indicator_info(c.indicator).key) + "` | " + item + " |\n";
  }
  return out;
}

// A lever's channel columns for the JSON listing, as docs/model.md section 4 shows them.
std::string lever_channel_json(std::string_view key) {
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    if (lever_settings()[l].key != key) continue;
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    const std::string item =
        c.budget_item ? "\"" + std::string(spend_infos()[static_cast<std::size_t>(*c.budget_item)].key) + "\"" : "null";
    return ",\"where\":\"" + json_escape(std::string(c.where)) + "\",\"channel_indicator\":\"" +
           std::string(indicator_info(c.indicator).key) + "\",\"budget_item\":" + item;
  }
  return {};
}

}  // namespace

std::string settings_listing(ListingFormat format) {
  if (format == ListingFormat::channels) return channel_table();
  std::string out;
  if (format == ListingFormat::json) {
    out = "[";
    bool first = true;
    for (const auto& g : groups())
      for (const auto& s : g.settings) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "  {\"key\":\"" + std::string(s.key) + "\",\"group\":\"" + std::string(group_name(s.group)) +
               "\",\"dimension\":\"" + std::string(dim_name(s.dim)) + "\",\"unit\":\"" +
               json_escape(std::string(dim_display_unit(s.dim))) + "\",\"default\":\"" +
               json_escape(shown(s, s.default_value)) + "\",\"range\":\"" + json_escape(range_text(s)) +
               "\",\"default_value\":" + (std::isfinite(s.default_value) ? std::to_string(s.default_value) : "null") +
               ",\"min\":" + (std::isfinite(s.min) ? std::to_string(s.min) : "null") +
               ",\"max\":" + (std::isfinite(s.max) ? std::to_string(s.max) : "null") + ",\"choices\":[";
        for (std::size_t i = 0; i < s.choices.size(); ++i)
          out += (i ? ",\"" : "\"") + std::string(s.choices[i]) + "\"";
        out += "],\"en\":\"" + json_escape(std::string(s.en)) + "\",\"zh\":\"" + json_escape(std::string(s.zh)) + "\"";
        if (s.group == SettingGroup::lever) out += lever_channel_json(s.key);
        out += "}";
      }
    return out + "\n]\n";
  }
  for (const auto& g : groups()) {
    if (format == ListingFormat::markdown) {
      out += std::string("### ") + g.title + "\n\nWritten as `" + g.yaml_path + "`.\n\n";
      out += "| key | unit | default | valid | description | 说明 |\n|---|---|---|---|---|---|\n";
      for (const auto& s : g.settings) {
        std::string unit = s.dim == Dim::choice || s.dim == Dim::boolean ? std::string(dim_name(s.dim))
                                                                           : std::string(dim_name(s.dim));
        if (!dim_display_unit(s.dim).empty()) unit += " (" + std::string(dim_display_unit(s.dim)) + ")";
        out += "| `" + std::string(s.key) + "` | " + unit + " | " + shown(s, s.default_value) + " | " +
               range_text(s) + " | " + std::string(s.en) + " | " + std::string(s.zh) + " |\n";
      }
      out += "\n";
    } else {
      out += std::string(g.title) + "  [" + g.yaml_path + "]\n";
      for (const auto& s : g.settings) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "  %-32s %-16s default %s", std::string(s.key).c_str(),
                      std::string(dim_name(s.dim)).c_str(), shown(s, s.default_value).c_str());
        out += buf;
        out += "  (" + range_text(s) + ")\n      " + std::string(s.en) + " / " + std::string(s.zh) + "\n";
      }
      out += "\n";
    }
  }
  return out;
}

std::string json_schema() {
  // A scalar with a unit is a string (or a number where a plain number is valid); every value
  // may be annotated as {value: ..., source: ...}. Schedules map years to values.
  auto value_schema = [](const Setting& s, bool schedule) {
    std::string scalar;
    switch (s.dim) {
      case Dim::boolean: scalar = "{\"type\":\"boolean\"}"; break;
      case Dim::choice: {
        scalar = "{\"enum\":[";
        for (std::size_t i = 0; i < s.choices.size(); ++i) scalar += (i ? ",\"" : "\"") + std::string(s.choices[i]) + "\"";
        scalar += "]}";
        break;
      }
      case Dim::count:
      case Dim::number:
      case Dim::year:
      case Dim::years: scalar = "{\"type\":[\"number\",\"string\"]}"; break;
      case Dim::share: scalar = "{\"type\":[\"number\",\"string\"],\"pattern\":\"%|percent\"}"; break;
      default: scalar = "{\"type\":\"string\"}"; break;
    }
    std::string desc = json_escape(std::string(s.en) + " / " + std::string(s.zh) + ". Unit: " +
                                   std::string(dim_units_help(s.dim)) + ". Default " + shown(s, s.default_value) +
                                   "; valid " + range_text(s) + ".");
    std::string annotated = "{\"type\":\"object\",\"properties\":{\"value\":{},\"source\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"}},\"required\":[\"value\"],\"additionalProperties\":false}";
    std::string any = "[" + scalar + "," + annotated;
    if (schedule)
      any += ",{\"type\":\"object\",\"patternProperties\":{\"^[0-9]{4}$\":" + scalar + "},\"additionalProperties\":false}";
    any += "]";
    return "{\"description\":\"" + desc + "\",\"anyOf\":" + any + "}";
  };
  auto object_of = [&](std::span<const Setting> settings, bool schedule, const std::string& extra) {
    std::string out = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" + extra;
    bool first = extra.empty();
    for (const auto& s : settings) {
      out += (first ? "" : ",") + std::string("\"") + std::string(s.key) + "\":" + value_schema(s, schedule || takes_schedule(s));
      first = false;
    }
    return out + "}}";
  };
  std::string levers = object_of(lever_settings(), true, "");
  std::string zone = object_of(zone_settings(), false,
                               "\"name_en\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"},"
                               "\"sector_shares\":{\"type\":\"object\"},\"levers\":" + levers);
  std::string sector = object_of(sector_settings(), false,
                                 "\"name_en\":{\"type\":\"string\"},\"name_zh\":{\"type\":\"string\"}");
  std::string region = object_of(region_settings(), false, "");
  std::string indicators = "[";
  for (std::size_t i = 0; i < indicator_infos().size(); ++i)
    indicators += (i ? ",\"" : "\"") + std::string(indicator_infos()[i].key) + "\"";
  indicators += "]";
  std::string target =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"comparison\",\"value\",\"year\"],"
      "\"properties\":{\"indicator\":{\"enum\":" + indicators + "},"
      "\"kind\":{\"enum\":[\"indicator\",\"change_from_base\",\"clusters\",\"zones_in_top\"]},"
      "\"zone\":{\"type\":\"string\"},\"comparison\":{\"enum\":[\">\",\">=\",\"<\",\"<=\"]},"
      "\"value\":{\"type\":[\"number\",\"string\"]},\"year\":{\"type\":\"integer\"},"
      "\"source\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"},\"label_en\":{\"type\":\"string\"},"
      "\"label_zh\":{\"type\":\"string\"},\"cluster_threshold\":{\"type\":\"string\"},\"top\":{\"type\":\"integer\"}}}";
  std::string observed =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"indicator\",\"values\"],"
      "\"properties\":{\"indicator\":{\"enum\":" + indicators + "},\"zone\":{\"type\":\"string\"},"
      "\"source\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"},\"label_en\":{\"type\":\"string\"},"
      "\"label_zh\":{\"type\":\"string\"},\"values\":{\"type\":\"object\",\"patternProperties\":{\"^[0-9]{4}$\":{}},"
      "\"additionalProperties\":false}}}";
  std::string distribution =
      "{\"type\":\"object\",\"required\":[\"distribution\"],\"properties\":{\"distribution\":{\"enum\":"
      "[\"normal\",\"lognormal\",\"uniform\",\"triangular\"]}}}";
  // Parameters: each key accepts a value or a distribution.
  std::string params_any = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{";
  for (std::size_t k = 0; k < parameter_settings().size(); ++k) {
    const Setting& s = parameter_settings()[k];
    params_any += (k ? "," : "") + std::string("\"") + std::string(s.key) + "\":{\"anyOf\":[" +
                  value_schema(s, false) + "," + distribution + "]}";
  }
  params_any += ",\"from_posterior\":{\"type\":\"string\",\"description\":\"A zonesim calibrate output: each "
                "replication draws one accepted parameter vector by its weight\"}}}";
  std::string out =
      "{\n\"$schema\":\"http://json-schema.org/draft-07/schema#\",\n"
      "\"$id\":\"https://zonesim.invalid/zonesim.schema.json\",\n"
      "\"title\":\"zonesim scenario (format 1)\",\n"
      "\"description\":\"Generated from the zonesim registry by `zonesim schema`; do not edit.\",\n"
      "\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"name\",\"sectors\",\"zones\"],\n"
      "\"properties\":{\n"
      "\"zonesim\":{\"const\":1},\n\"extends\":{\"type\":\"string\"},\n\"name\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9_-]+$\"},\n"
      "\"title\":{\"type\":[\"string\",\"object\"]},\n\"source\":{},\n\"notes\":{},\n"
      "\"base_year\":{\"type\":\"integer\"},\n\"end_year\":{\"type\":\"integer\"},\n"
      "\"replications\":{\"type\":\"integer\",\"minimum\":1},\n\"seed\":{\"type\":\"integer\",\"minimum\":0},\n"
      "\"region\":" + region + ",\n"
      "\"sectors\":{\"type\":\"object\",\"additionalProperties\":" + sector + "},\n"
      "\"zones\":{\"type\":\"object\",\"additionalProperties\":" + zone + "},\n"
      "\"levers\":" + levers + ",\n"
      "\"parameters\":" + params_any + ",\n"
      "\"targets\":{\"type\":\"object\",\"additionalProperties\":" + target + "},\n"
      "\"observed\":{\"anyOf\":[{\"type\":\"string\",\"description\":\"a YAML file holding observed:\"},"
      "{\"type\":\"object\",\"additionalProperties\":" + observed + "}]}\n"
      "}\n}\n";
  return out;
}

}  // namespace zonesim
