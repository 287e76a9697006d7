// The server's request parser (sim/src/serve/request.cpp) without a server: what a request body
// or target may be, and the exact answer when it is refused. tests/serve/test_api.py checks the
// same promises against the running server; tests/fuzz/fuzz_api_request.cpp fuzzes the parser.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <variant>

#include "json_text.hpp"
#include "request.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace zonesim::serve;
using Catch::Matchers::Contains;
using zonesim::test::source_path;

namespace {

RequestLimits repo_limits() {
  RequestLimits l;
  l.scenarios = fs::canonical(source_path("scenarios"));
  l.scenarios_dir = "scenarios";
  return l;
}

Request post(const std::string& body, const std::string& target = "/api/run") {
  Request r{http::verb::post, target, 11};
  r.set(http::field::content_type, "application/json");
  r.body() = body;
  r.prepare_payload();
  return r;
}

Response refused(const std::variant<Route, Response>& result) {
  REQUIRE(std::holds_alternative<Response>(result));
  return std::get<Response>(result);
}

}  // namespace

TEST_CASE("a request body nested 50,000 deep is a 400, not a stack overflow") {
  // 48 KiB, under the body limit: Boost.PropertyTree's parser recursed once per `[` and
  // overflowed the stack (the server died with SIGSEGV).
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  for (const std::string& body : {std::string(50000, '['), objects}) {
    const Response res = refused(parse_request(post(body), repo_limits()));
    CHECK(res.result_int() == 400);
    CHECK_THAT(res.body(), Contains("\"error\":\"invalid request\""));
    CHECK_THAT(res.body(), Contains("\"line\":1,\"column\":" + std::to_string(body[0] == '[' ? 17 : 81) + ",\"key_path\":\"\",\"message\":\"the body is not JSON: "
                                    "arrays or objects nest more than 16 deep\""));
  }
  // Inside a valid-looking request, too.
  const std::string deep = "{\"scenario\": \"demo\", \"overrides\": {\"levers.x\": " + std::string(20, '[') +
                           std::string(20, ']') + "}}";
  CHECK_THAT(refused(parse_request(post(deep), repo_limits())).body(), Contains("nest more than 16 deep"));
}

TEST_CASE("the JSON parser keeps the types, the order and the text of numbers") {
  JsonError error;
  auto v = parse_json(R"( {"s": "a\"[\u00e9\ud83d\ude00", "n": -1.5e3, "t": true, "z": null, "a": [[], {}], "s": ""} )", 16, error);
  REQUIRE(v);
  REQUIRE(v->members.size() == 6);
  CHECK(v->members[0].value.text == "a\"[é😀");
  CHECK((v->members[1].value.type == JsonValue::Type::number && v->members[1].value.text == "-1.5e3"));
  CHECK(v->members[2].value.type == JsonValue::Type::boolean);
  CHECK(v->members[3].value.type == JsonValue::Type::null);
  CHECK(v->members[4].value.items.size() == 2);
  CHECK(v->members[5].key == "s");  // a repeated key is kept: the caller refuses it
  CHECK(parse_json(std::string(16, '[') + std::string(16, ']'), 16, error));
  CHECK_FALSE(parse_json(std::string(17, '[') + std::string(17, ']'), 16, error));
  CHECK(error.message == "arrays or objects nest more than 16 deep");
  CHECK(error.column == 17);
}

TEST_CASE("the JSON parser refuses what RFC 8259 does not allow, saying where") {
  const std::pair<const char*, const char*> cases[] = {
      {"", "the text ends where a value was expected"},
      {"{\"a\": 1,}", "expected a key in double quotes"},
      {"{'a': 1}", "expected a key in double quotes"},
      {"[1 2]", "expected ',' or ']' in an array"},
      {"{\"a\" 1}", "expected ':' after an object key"},
      {"01", "unexpected text after the JSON value"},
      {"-", "expected digits in a number"},
      {"1.", "expected digits after '.' in a number"},
      {"1e+", "expected digits in a number's exponent"},
      {"NaN", "unexpected `N` where a value was expected"},
      {"\"\\x\"", "a backslash before `x` is not an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX are)"},
      {"\"\\ud800\"", "a \\u escape is a high surrogate without its low surrogate"},
      {"\"\\udc00\"", "a \\u escape is a lone low surrogate"},
      {"\"\\u12\"", "expected four hexadecimal digits after \\u"},
      {"\"a\nb\"", "a control character in a string (write it as \\n, \\t or \\u00XX)"},
      {"\"abc", "a string is not closed"},
      {"{} {}", "unexpected text after the JSON value"},
      {"\xe4\xba\xbf", "unexpected a non-ASCII character where a value was expected"},
  };
  for (const auto& [text, message] : cases) {
    JsonError error;
    CAPTURE(text);
    CHECK_FALSE(parse_json(text, 16, error));
    CHECK(error.message == message);
    CHECK(error.line >= 1);
  }
  JsonError error;
  CHECK_FALSE(parse_json("{\n  \"a\": tru\n}", 16, error));
  CHECK((error.line == 2 && error.column == 8));
}

TEST_CASE("a run request nested as deep as the limit is parsed, not refused for its depth") {
  // 16 levels of objects: the parser reads it, and the request is judged on its fields.
  std::string body;
  for (int i = 0; i < 15; ++i) body += "{\"a\":";
  body += "{}";
  for (int i = 0; i < 15; ++i) body += "}";
  const Response res = refused(parse_request(post(body), repo_limits()));
  CHECK(res.result_int() == 400);
  CHECK_THAT(res.body(), Contains("unknown field \\\"a\\\""));
  CHECK_THAT(res.body(), Contains("missing \\\"scenario\\\""));
}

TEST_CASE("a field of a run request of the wrong JSON type is a 400 naming the type") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"scenario": 5})", "\"scenario\" must be a name from GET /api/scenarios, not a number"},
      {R"({"scenario": ""})", "\"scenario\" must be a name from GET /api/scenarios, not an empty string"},
      {R"({"scenario": "demo", "overrides": ""})", "\"overrides\" must be an object {\"levers.KEY\": \"VALUE\"}, not a string"},
      {R"({"scenario": "demo", "overrides": []})", "\"overrides\" must be an object {\"levers.KEY\": \"VALUE\"}, not an array"},
      {R"({"scenario": "demo", "overrides": {"levers.new_incubators": true}})",
       "the value of an override must be a string or a number, not a boolean"},
      {R"({"scenario": "demo", "overrides": {"levers.new_incubators": null}})",
       "the value of an override must be a string or a number, not null"},
      {R"({"scenario": "demo", "replications": "20"})", "\"replications\" must be a whole number of at least 1"},
      {R"({"scenario": "demo", "replications": 2.5})", "\"replications\" must be a whole number of at least 1"},
      {R"({"scenario": "demo", "seed": -1})", "\"seed\" must be a whole number from 0 to 18446744073709551615"},
      {R"({"scenario": "demo", "seed": 99999999999999999999})", "\"seed\" must be a whole number from 0 to 18446744073709551615"},
      {"[\"demo\"]", "the body must be a JSON object, not an array"},
  };
  for (const auto& [body, message] : cases) {
    CAPTURE(body);
    const Response res = refused(parse_request(post(body), repo_limits()));
    CHECK(res.result_int() == 400);
    CHECK_THAT(res.body(), Contains("\"message\":" + jstr(message)));
  }
}

TEST_CASE("a valid run request gives the scenario with its overrides, replications and seed") {
  auto result = parse_request(
      post(R"({"scenario": "demo", "overrides": {"levers.rd_subsidy_rate": "30 %", "levers.new_incubators": 3},
               "replications": 7, "seed": 3})"),
      repo_limits());
  REQUIRE(std::holds_alternative<Route>(result));
  const Route& route = std::get<Route>(result);
  REQUIRE(route.kind == Route::Kind::run);
  REQUIRE(route.run);
  CHECK(route.run->scenario_id == "demo");
  CHECK(route.run->scenario_file == "scenarios/demo.yaml");
  CHECK(route.run->file == fs::canonical(source_path("scenarios/demo.yaml")));
  CHECK(route.run->scenario->replications == 7);
  CHECK(route.run->scenario->seed == 3);
  REQUIRE(route.run->overrides.size() == 2);
  CHECK(route.run->overrides[0] == std::pair<std::string, std::string>{"levers.rd_subsidy_rate", "30 %"});
  CHECK(route.run->overrides[1] == std::pair<std::string, std::string>{"levers.new_incubators", "3"});
}

TEST_CASE("a run request reads its scenario file once: its baseline resolves from the same text") {
  zonesim::test::TempDir dir;
  const std::string demo = zonesim::test::read_file_text(source_path("scenarios/demo.yaml"));
  dir.write("plan.yaml", demo);
  RequestLimits limits;
  limits.scenarios = fs::canonical(dir.path());
  limits.scenarios_dir = "scenarios";
  auto result = parse_request(post(R"({"scenario": "plan", "overrides": {"levers.rd_subsidy_rate": "30 %"}})"), limits);
  REQUIRE(std::holds_alternative<Route>(result));
  const RunRequest& run = *std::get<Route>(result).run;
  REQUIRE(run.source);
  fs::remove(dir.file("plan.yaml"));  // the page's baseline (Api::baseline) runs after this
  const auto baseline = zonesim::resolve(*run.source, zonesim::RunPlan::parse({"replications=2", "seed=5"}));
  REQUIRE(baseline.scenario);
  CHECK(baseline.scenario->source_texts.front() == demo);
  CHECK(baseline.scenario->seed == 5);
}

TEST_CASE("a run request's seed spans the unsigned 64-bit range, as on the command line") {
  auto result = parse_request(post(R"({"scenario": "demo", "replications": 2, "seed": 18446744073709551615})"),
                              repo_limits());
  REQUIRE(std::holds_alternative<Route>(result));
  REQUIRE(std::get<Route>(result).run);
  CHECK(std::get<Route>(result).run->scenario->seed == 18446744073709551615ull);
  for (const char* seed : {"18446744073709551616", "-1", "1.5"}) {
    INFO(seed);
    const Response res =
        refused(parse_request(post(std::string(R"({"scenario": "demo", "seed": )") + seed + "}"), repo_limits()));
    CHECK(res.result_int() == 400);
    CHECK_THAT(res.body(), Contains(R"(\"seed\" must be a whole number from 0 to 18446744073709551615)"));
  }
}

TEST_CASE("an override key that is not a key path is refused, not split at its '='") {
  // "zones.north=.levers.x" passed the levers-only check and reached the loader as
  // "zones.north" = ".levers.x=..." (it splits at the first '=').
  for (const std::string key : {"zones.north=.levers.x", "levers.rd subsidy", "levers..x", "levers.x\\n"}) {
    const Response res = refused(parse_request(
        post("{\"scenario\": \"demo\", \"overrides\": {\"" + key + "\": \"{base_firms: 1}\"}}"), repo_limits()));
    CHECK(res.result_int() == 400);
    CHECK_THAT(res.body(), Contains("is not a key path"));
  }
}

TEST_CASE("a field or an override given twice in a run request is an error") {
  Response res = refused(parse_request(post(R"({"scenario": "demo", "scenario": "guangzhou-etdz-2020"})"), repo_limits()));
  CHECK_THAT(res.body(), Contains("\"key_path\":\"scenario\",\"message\":\"the field \\\"scenario\\\" is given twice\""));
  res = refused(parse_request(
      post(R"({"scenario": "demo", "overrides": {"levers.land_quota_mu": "1 mu", "levers.land_quota_mu": "2 mu"}})"),
      repo_limits()));
  CHECK_THAT(res.body(), Contains("\"message\":\"the override \\\"levers.land_quota_mu\\\" is given twice\""));
}

TEST_CASE("a run request body that is not a UTF-8 JSON object is a 400 with a message") {
  for (const std::string& body : {std::string("{\"scenario\": \"d\xff\"}"), std::string("[\"demo\"]"),
                                 std::string("\"demo\""), std::string("42"), std::string("")}) {
    const Response res = refused(parse_request(post(body), repo_limits()));
    CHECK(res.result_int() == 400);
    CHECK(valid_utf8(res.body()));
    CHECK_THAT(res.body(), Contains("\"error\":\"invalid request\""));
  }
  CHECK_THAT(refused(parse_request(post("{\"scenario\": \"d\xff\"}"), repo_limits())).body(),
             Contains("the body is not UTF-8 text"));
}

TEST_CASE("a request target that is not UTF-8 or not percent-encoded right is a 400, not echoed") {
  Request r{http::verb::get, "/api/scenarios/%ff%fe", 11};
  const Response res = refused(parse_request(r, repo_limits()));
  CHECK(res.result_int() == 400);
  CHECK(res.body() == "{\"error\":\"bad request target\"}");
  // Nor a query that is not percent-encoded right (it was dropped: ?lang=%ZZ gave the default).
  for (const char* target : {"/api/runs/demo-1-abcdef/report.html?lang=%ZZ", "/api/health?x=%ff"}) {
    Request q{http::verb::get, target, 11};
    CHECK(refused(parse_request(q, repo_limits())).body() == "{\"error\":\"bad request target\"}");
  }
}

TEST_CASE("an override whose parse error quotes part of a character still answers in UTF-8") {
  // Found by fuzz_api_request: yaml-cpp's message for the escape "\u0000" before 元 quotes the
  // character's first byte alone; the answer must stay UTF-8 JSON (the byte becomes U+FFFD).
  const std::string body = "{\"scenario\": \"demo\", \"overrides\": {\"levers.rd_subsidy_rate\": "
                           "\"25 \xe4\xb8\x87\\u0000\xe5\x85\x83\"}}";
  const Response res = refused(parse_request(post(body), repo_limits()));
  CHECK(res.result_int() == 400);
  CHECK(valid_utf8(res.body()));
  CHECK_THAT(res.body(), Contains("\"error\":\"invalid overrides\""));
  CHECK_THAT(res.body(), Contains("unknown escape character: \xef\xbf\xbd"));
}

TEST_CASE("diagnostics and JSON text are kept UTF-8, a stray byte becoming U+FFFD") {
  CHECK(zonesim::valid_utf8_text("a\xe5" "b 亿元") == "a\xef\xbf\xbd" "b 亿元");
  CHECK(zonesim::json_escape("\xff\"x") == "\xef\xbf\xbd\\\"x");
  zonesim::Diagnostics d;
  d.add({"f.yaml", 1, 2, "k", "value \"\xe4\xba\"", "hint \xc0\xaf"});
  CHECK(d.items().front().message == "value \"\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK(d.items().front().hint == "hint \xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("well-formed UTF-8 is told from malformed") {
  CHECK(valid_utf8("demo 亿元 😀"));
  CHECK_FALSE(valid_utf8("\xff"));
  CHECK_FALSE(valid_utf8("\xe4\xba"));          // truncated
  CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST_CASE("a scenario reached by a symbolic link out of the scenarios directory cannot be run") {
  zonesim::test::TempDir dir;
  fs::create_directories(dir.path() / "scenarios");
  fs::copy_file(source_path("scenarios/demo.yaml"), dir.path() / "scenarios" / "demo.yaml");
  fs::copy_file(source_path("scenarios/demo.yaml"), dir.path() / "outside.yaml");
  fs::create_symlink(dir.path() / "outside.yaml", dir.path() / "scenarios" / "linked.yaml");
  fs::create_symlink("demo.yaml", dir.path() / "scenarios" / "alias.yaml");
  RequestLimits limits;
  limits.scenarios = fs::canonical(dir.path() / "scenarios");
  std::optional<Response> error;
  CHECK_FALSE(scenario_path(limits, "linked", error));
  REQUIRE(error);
  CHECK(error->result_int() == 400);
  CHECK_THAT(error->body(), Contains("\\\"linked\\\" is outside the scenarios directory"));
  error.reset();
  CHECK(scenario_path(limits, "alias", error) == limits.scenarios / "demo.yaml");  // a link inside
  CHECK(scenario_path(limits, "demo", error) == limits.scenarios / "demo.yaml");
  CHECK_FALSE(error);
}
