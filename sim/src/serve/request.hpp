// The API's request parser: an HTTP request -> what to do (a validated route, for POST /api/run a
// loaded scenario with its overrides) or the error to answer. No sockets, threads or runs: the
// server calls it for every request and tests/fuzz/fuzz_api_request.cpp fuzzes it.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "zonesim/diagnostics.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::serve {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Responses with a body (the server adds its common headers when it sends them).
Response make_response(unsigned status, std::string body,
                       std::string content_type = "application/json; charset=utf-8");
Response json_response(unsigned status, std::string body);
Response error_response(unsigned status, const std::string& message);  // {"error": message}
// {"error": message, "diagnostics": [...]}: the same diagnostics as a scenario file.
Response diagnostics_response(const Diagnostics& d, const std::string& message = "invalid request",
                              unsigned status = 400);
// 400 with one diagnostic about `key_path` of the request.
Response request_error(const std::string& key_path, const std::string& message, const std::string& hint = "");

std::string percent_decode(std::string_view s, bool& ok);
// "a=1&b=%2F" -> {a: 1, b: /}; `ok` is false when an item's percent-encoding is malformed or
// not UTF-8.
std::map<std::string, std::string> parse_query(std::string_view q, bool& ok);
// A scenario or run name from a URL or request: letters, digits, '-', '_', '.', no "..".
bool safe_name(const std::string& s);
// True when `s` is well-formed UTF-8 (shortest forms, no surrogates).
bool valid_utf8(std::string_view s);
// True when `p` (canonical) is inside the directory `dir` (canonical).
bool inside(const std::filesystem::path& dir, const std::filesystem::path& p);

// Arrays and objects may nest this deep in a request body (a run request nests 2 deep).
constexpr std::size_t kMaxJsonDepth = 16;

struct RequestLimits {
  std::filesystem::path scenarios;  // canonical
  std::string scenarios_dir;        // as given on the command line (shown in commands)
  int max_replications = 1000;
  int max_years = 50;
};

// The file of scenario `id` if it can be run: a *.yaml directly in the scenarios directory,
// after symbolic links are followed. Otherwise the error to answer (400 or 404).
std::optional<std::filesystem::path> scenario_path(const RequestLimits& limits, const std::string& id,
                                                   std::optional<Response>& error);

// POST /api/run, validated: the scenario with the overrides, replications and seed applied.
struct RunRequest {
  std::string scenario_id;
  std::filesystem::path file;        // the scenario file (canonical)
  std::string scenario_file;         // as shown in the equivalent command
  std::shared_ptr<const ScenarioSource> source;  // the file as read for this request
  std::shared_ptr<const Scenario> scenario;
  std::vector<std::pair<std::string, std::string>> overrides;  // in request order
};

// What a request asks for.
struct Route {
  enum class Kind { static_file, health, levers, scenarios, scenario, run, get_run };
  Kind kind = Kind::static_file;
  std::string path;  // static_file: the decoded path ("/", "/app.js")
  std::string id;    // scenario: its name; get_run: the run id
  std::string what;  // get_run: "", "output.h5" or "report.html"
  std::string lang;  // get_run report.html: "en" or "zh"
  std::optional<RunRequest> run;
};

// The whole of a request's validation: method, target, query, body. Either a route the server
// can act on without further checks (other than whether a run id exists), or the error to answer
// (always 4xx with a JSON body {"error": ...}).
std::variant<Route, Response> parse_request(const Request& req, const RequestLimits& limits);

// The body of POST /api/run -> the run, or the 4xx to answer.
std::variant<RunRequest, Response> parse_run_request(const Request& req, const RequestLimits& limits);

}  // namespace zonesim::serve
