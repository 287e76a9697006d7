#include "request.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "json_text.hpp"

namespace zonesim::serve {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

Response make_response(unsigned status, std::string body, std::string content_type) {
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(unsigned status, std::string body) { return make_response(status, std::move(body)); }

Response error_response(unsigned status, const std::string& message) {
  return json_response(status, "{\"error\":" + jstr(message) + "}");
}

Response diagnostics_response(const Diagnostics& d, const std::string& message, unsigned status) {
  return json_response(status, "{\"error\":" + jstr(message) + ",\"diagnostics\":" + d.to_json() + "}");
}

Response request_error(const std::string& key_path, const std::string& message, const std::string& hint) {
  Diagnostics d;
  d.add({"request", 0, 0, key_path, message, hint});
  return diagnostics_response(d);
}

std::string percent_decode(std::string_view s, bool& ok) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  ok = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) {
        ok = false;
        return out;
      }
      int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h < 0 || l < 0) {
        ok = false;
        return out;
      }
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q, bool& ok) {
  std::map<std::string, std::string> out;
  ok = true;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto item = q.substr(0, amp);
    auto eq = item.find('=');
    bool ok1 = true, ok2 = true;
    std::string k = percent_decode(item.substr(0, eq), ok1);
    std::string v = eq == std::string_view::npos ? "" : percent_decode(item.substr(eq + 1), ok2);
    if (ok1 && ok2 && valid_utf8(k) && valid_utf8(v)) out[k] = v;
    else ok = false;
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

bool safe_name(const std::string& s) {
  if (s.empty() || s.size() > 120 || s.front() == '.') return false;
  if (s.find("..") != std::string::npos) return false;
  return s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == std::string::npos;
}

bool inside(const fs::path& dir, const fs::path& p) {
  auto d = dir.begin(), q = p.begin();
  for (; d != dir.end(); ++d, ++q)
    if (q == p.end() || *d != *q) return false;
  return q != p.end();
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

bool parse_int(const std::string& s, long long& v) {
  if (s.empty() || s.size() > 19) return false;
  std::size_t i = 0;
  if (s[0] == '-') i = 1;
  if (i == s.size()) return false;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  try {
    v = std::stoll(s);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// A key path part of an override: what scenario keys and zone ids are made of.
bool key_part(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == std::string::npos;
}

const char* const kRunExample =
    "send {\"scenario\": \"demo\", \"overrides\": {\"levers.rd_subsidy_rate\": \"30 %\"}, \"replications\": 50}";

}  // namespace

std::optional<fs::path> scenario_path(const RequestLimits& limits, const std::string& id,
                                      std::optional<Response>& error) {
  if (!safe_name(id)) {
    error = request_error("scenario", "\"" + id + "\" is not a scenario name",
                          "names are the file names of the scenarios directory without .yaml (letters, digits, - _ .)");
    return std::nullopt;
  }
  std::error_code ec;
  fs::path p = fs::weakly_canonical(limits.scenarios / (id + ".yaml"), ec);
  if (ec || !inside(limits.scenarios, p) || p.parent_path() != limits.scenarios) {
    error = request_error("scenario", "\"" + id + "\" is outside the scenarios directory");
    return std::nullopt;
  }
  if (!fs::is_regular_file(p, ec)) {
    Diagnostics d;
    d.add({"request", 0, 0, "scenario", "no scenario \"" + id + "\" in the scenarios directory",
           "GET /api/scenarios lists them"});
    error = diagnostics_response(d, "no scenario \"" + id + "\"", 404);
    return std::nullopt;
  }
  return p;
}

namespace {

using Fields = std::map<std::string, const JsonValue*>;

// The request's body as a JSON object, or the answer that refuses it.
std::variant<JsonValue, Response> json_body(const Request& req) {
  std::string_view ct(req[http::field::content_type].data(), req[http::field::content_type].size());
  if (ct.substr(0, 16) != "application/json")
    return error_response(415, "POST a JSON body with Content-Type: application/json");
  Diagnostics diags;
  if (!valid_utf8(req.body())) {  // JSON is UTF-8 (RFC 8259); the answers echo names from it
    diags.add({"request", 0, 0, "", "the body is not UTF-8 text", kRunExample});
    return diagnostics_response(diags);
  }
  // The parser's depth limit bounds its recursion (50,000 nested `[` overflowed the stack of
  // Boost.PropertyTree's parser, which has none).
  JsonError json_error;
  std::optional<JsonValue> body = parse_json(req.body(), kMaxJsonDepth, json_error);
  if (!body) {
    diags.add({"request", json_error.line, json_error.column, "", "the body is not JSON: " + json_error.message,
               kRunExample});
    return diagnostics_response(diags);
  }
  if (body->type != JsonValue::Type::object) {
    diags.add({"request", 0, 0, "", std::string("the body must be a JSON object, not ") + json_type_name(body->type),
               kRunExample});
    return diagnostics_response(diags);
  }
  return std::move(*body);
}

const JsonValue* field_of(const Fields& given, const std::string& name) {
  auto it = given.find(name);
  return it == given.end() ? nullptr : it->second;
}

// The body's fields by name; unknown or repeated fields are reported.
Fields request_fields(const JsonValue& body, Diagnostics& diags) {
  const std::vector<std::string> fields = {"scenario", "overrides", "replications", "seed"};
  std::map<std::string, const JsonValue*> given;
  for (const auto& [k, v] : body.members) {
    if (std::find(fields.begin(), fields.end(), k) == fields.end()) {
      std::string near = nearest_word(k, fields);
      diags.add({"request", 0, 0, k, "unknown field \"" + k + "\"",
                 near.empty() ? "fields: scenario, overrides, replications, seed" : "did you mean \"" + near + "\"?"});
    } else if (!given.emplace(k, &v).second) {
      diags.add({"request", 0, 0, k, "the field \"" + k + "\" is given twice", ""});
    }
  }
  return given;
}

// "overrides": {"levers.KEY": "VALUE"}: only policy levers and behavioural parameters.
void read_overrides(const JsonValue* ov, Diagnostics& diags, std::vector<std::string>& texts, RunRequest& run) {
  if (ov->type != JsonValue::Type::object)
    diags.add({"request", 0, 0, "overrides",
               std::string("\"overrides\" must be an object {\"levers.KEY\": \"VALUE\"}, not ") + json_type_name(ov->type),
               ""});
  if (ov->members.size() > 300) diags.add({"request", 0, 0, "overrides", "too many overrides (at most 300)", ""});
  std::set<std::string> keys;
  for (const auto& [key, value] : ov->members) {
    if (value.type != JsonValue::Type::string && value.type != JsonValue::Type::number) {
      diags.add({"request", 0, 0, key,
                 std::string("the value of an override must be a string or a number, not ") + json_type_name(value.type),
                 "write a schedule as text: \"{2021: 10 %, 2023: 20 %}\""});
      continue;
    }
    // Only policy levers and behavioural parameters; never extends, base values or run size.
    std::vector<std::string> parts;
    for (std::size_t s = 0;;) {
      auto dot = key.find('.', s);
      parts.push_back(key.substr(s, dot == std::string::npos ? std::string::npos : dot - s));
      if (dot == std::string::npos) break;
      s = dot + 1;
    }
    if (!std::all_of(parts.begin(), parts.end(), key_part)) {
      diags.add({"request", 0, 0, key, "\"" + key + "\" is not a key path",
                 "keys joined by dots, each of letters, digits, _ and -: levers.KEY, zones.ZONE.levers.KEY or "
                 "parameters.KEY"});
      continue;
    }
    bool allowed = (parts.size() == 2 && (parts[0] == "levers" || parts[0] == "parameters")) ||
                   (parts.size() == 4 && parts[0] == "zones" && parts[2] == "levers");
    if (!allowed) {
      diags.add({"request", 0, 0, key, "\"" + key + "\" cannot be changed from the page",
                 "change levers.KEY, zones.ZONE.levers.KEY or parameters.KEY; edit the scenario file for anything else"});
      continue;
    }
    if (!keys.insert(key).second) {
      diags.add({"request", 0, 0, key, "the override \"" + key + "\" is given twice", ""});
      continue;
    }
    texts.push_back(key + "=" + value.text);
    run.overrides.emplace_back(key, value.text);
  }
}

// "replications" and "seed"; the scenario's unless asked, at most --max-replications.
void read_run_size(const Fields& given, const RequestLimits& limits, Diagnostics& diags, std::vector<std::string>& texts) {
  auto field = [&](const std::string& name) { return field_of(given, name); };
  long long replications = 0;
  if (const JsonValue* r = field("replications")) {
    if (r->type != JsonValue::Type::number || !parse_int(r->text, replications) || replications < 1)
      diags.add({"request", 0, 0, "replications", "\"replications\" must be a whole number of at least 1", ""});
    else if (replications > limits.max_replications)
      diags.add({"request", 0, 0, "replications",
                 std::to_string(replications) + " replications is more than this server runs (" +
                     std::to_string(limits.max_replications) + ")",
                 "use zonesim run for large ensembles, or start the server with --max-replications"});
    else
      texts.push_back("replications=" + std::to_string(replications));
  }
  if (const JsonValue* sd = field("seed")) {
    // Seeds span the whole unsigned 64-bit range (the CLI's and the files'): read exactly.
    const auto seed = sd->type == JsonValue::Type::number ? parse_seed(sd->text) : std::nullopt;
    if (!seed)
      diags.add({"request", 0, 0, "seed", "\"seed\" must be a whole number from 0 to 18446744073709551615",
                 seed_range_hint()});
    else
      texts.push_back("seed=" + std::to_string(*seed));
  }
}

}  // namespace

std::variant<RunRequest, Response> parse_run_request(const Request& req, const RequestLimits& limits) {
  auto parsed = json_body(req);
  if (auto* refused = std::get_if<Response>(&parsed)) return std::move(*refused);
  const JsonValue* body = &std::get<JsonValue>(parsed);
  Diagnostics diags;
  const Fields given = request_fields(*body, diags);
  auto field = [&](const std::string& name) { return field_of(given, name); };
  const JsonValue* scenario = field("scenario");
  if (!scenario || scenario->type != JsonValue::Type::string || scenario->text.empty()) {
    diags.add({"request", 0, 0, "scenario",
               !scenario ? "missing \"scenario\" (a name from GET /api/scenarios)"
                         : std::string("\"scenario\" must be a name from GET /api/scenarios, not ") +
                               (scenario->type == JsonValue::Type::string ? "an empty string" : json_type_name(scenario->type)),
               ""});
    return diagnostics_response(diags);
  }
  RunRequest run;
  run.scenario_id = scenario->text;
  std::optional<Response> err;
  auto path = scenario_path(limits, run.scenario_id, err);
  if (!path) return std::move(*err);
  run.file = *path;
  run.scenario_file = (fs::path(limits.scenarios_dir) / (run.scenario_id + ".yaml")).string();

  std::vector<std::string> overrides;
  if (const JsonValue* ov = field("overrides")) read_overrides(ov, diags, overrides, run);
  read_run_size(given, limits, diags, overrides);
  if (!diags.empty()) return diagnostics_response(diags);

  // Read once: the run and its baseline (Api::baseline) resolve from the same text.
  run.source = std::make_shared<const ScenarioSource>(ScenarioSource::read_file(path->string()));
  LoadResult lr = resolve(*run.source, RunPlan::parse(overrides));
  if (!lr.scenario)
    return diagnostics_response(lr.diagnostics, run.overrides.empty() ? "the scenario file has errors" : "invalid overrides");
  auto sc = std::make_shared<const Scenario>(std::move(*lr.scenario));
  if (sc->replications > limits.max_replications)
    return request_error("replications",
                         "the scenario runs " + std::to_string(sc->replications) +
                             " replications, more than this server runs (" + std::to_string(limits.max_replications) + ")",
                         "ask for fewer with \"replications\"");
  if (sc->years() > limits.max_years)
    return request_error("end_year", "the scenario spans more than " + std::to_string(limits.max_years) + " years");
  run.scenario = std::move(sc);
  return run;
}

std::variant<Route, Response> parse_request(const Request& req, const RequestLimits& limits) {
  std::string_view target(req.target().data(), req.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view qs = target.size() > path.size() ? target.substr(path.size() + 1) : std::string_view{};
  bool ok = true, query_ok = true;
  std::string p = percent_decode(path, ok);
  const auto query = parse_query(qs, query_ok);
  if (!ok || !query_ok || p.empty() || p[0] != '/' || p.find('\0') != std::string::npos || !valid_utf8(p))
    return error_response(400, "bad request target");
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  Route route;
  if (p.rfind("/api/", 0) != 0) {
    if (!get) return error_response(405, "method not allowed");
    route.kind = Route::Kind::static_file;
    route.path = std::move(p);
    return route;
  }
  // Split /api/a/b/c
  std::vector<std::string> parts;
  for (std::size_t s = 5; s <= p.size();) {
    auto slash = p.find('/', s);
    parts.push_back(p.substr(s, slash == std::string::npos ? std::string::npos : slash - s));
    if (slash == std::string::npos) break;
    s = slash + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.empty()) return error_response(404, "unknown API path");
  const std::string& head = parts[0];
  if (head == "run" || (head == "runs" && parts.size() == 1 && req.method() == http::verb::post)) {
    if (req.method() != http::verb::post) return error_response(405, "POST a run");
    auto run = parse_run_request(req, limits);
    if (auto* error = std::get_if<Response>(&run)) return std::move(*error);
    route.kind = Route::Kind::run;
    route.run = std::move(std::get<RunRequest>(run));
    return route;
  }
  if (!get) return error_response(405, "method not allowed");
  if (head == "health" && parts.size() == 1) {
    route.kind = Route::Kind::health;
    return route;
  }
  if (head == "levers" && parts.size() == 1) {
    route.kind = Route::Kind::levers;
    return route;
  }
  if (head == "scenarios" && parts.size() == 1) {
    route.kind = Route::Kind::scenarios;
    return route;
  }
  if (head == "scenarios" && parts.size() == 2) {
    std::optional<Response> err;
    if (!scenario_path(limits, parts[1], err)) return std::move(*err);
    route.kind = Route::Kind::scenario;
    route.id = parts[1];
    return route;
  }
  if (head == "runs" && (parts.size() == 2 || parts.size() == 3)) {
    if (!safe_name(parts[1])) return request_error("run", "\"" + parts[1] + "\" is not a run id");
    route.kind = Route::Kind::get_run;
    route.id = parts[1];
    route.what = parts.size() == 3 ? parts[2] : "";
    if (route.what == "report.html") {
      route.lang = "zh";
      if (auto it = query.find("lang"); it != query.end()) route.lang = it->second;
      if (route.lang != "zh" && route.lang != "en") return request_error("lang", "lang must be en or zh");
    } else if (!route.what.empty() && route.what != "output.h5") {
      return error_response(404, "unknown resource \"" + route.what + "\"");
    }
    return route;
  }
  if (head == "scenarios" && parts.size() > 2)
    return request_error("scenario", "\"" + p.substr(15) + "\" is not a scenario name", "names have no '/'");
  return error_response(404, "unknown API path");
}

}  // namespace zonesim::serve
