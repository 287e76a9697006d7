// libFuzzer target for the server's request parser (sim/src/serve/request.cpp): any request must
// give either a route the server can act on or a 4xx answer whose body is a JSON object with an
// "error" message - never a crash, a hang, a leak, undefined behaviour or a 5xx.
//
// The input is an HTTP request: the request line and headers, an empty line, the body. The
// harness replaces Content-Length by the body's real length (so that mutations of the body are
// not lost to a length mismatch), then parses the bytes with Boost.Beast and the limits of the
// server, as the server does, and hands the request to parse_request(). Scenario names resolve
// in the repository's scenarios/ (ZONESIM_FUZZ_SCENARIOS).
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>

#include "request.hpp"

namespace {

namespace http = boost::beast::http;
using zonesim::serve::Route;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_api_request: %s\n", what);
  std::abort();
}

const zonesim::serve::RequestLimits& limits() {
  static const zonesim::serve::RequestLimits l = [] {
    zonesim::serve::RequestLimits r;
    r.scenarios = std::filesystem::canonical(ZONESIM_FUZZ_SCENARIOS);
    r.scenarios_dir = "scenarios";
    return r;  // the server's default run limits
  }();
  return l;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header lines as written, less the framing ones; then the body's real length.
std::string wire(std::string_view input) {
  std::string_view head = input, body;
  if (auto end = input.find("\r\n\r\n"); end != std::string_view::npos) {
    head = input.substr(0, end);
    body = input.substr(end + 4);
  }
  std::string out;
  for (std::size_t pos = 0; pos <= head.size();) {
    std::size_t eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    const std::string l = lower(line.substr(0, 20));
    if (l.rfind("content-length:", 0) != 0 && l.rfind("transfer-encoding:", 0) != 0) {
      out += line;
      out += "\r\n";
    }
    pos = eol + 2;
  }
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = wire(std::string_view(reinterpret_cast<const char*>(data), size));
  // As Session::read() does.
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes), ec);
  if (ec || !parser.is_done()) return 0;  // the server answers malformed HTTP itself (or waits)
  const zonesim::serve::Request req = parser.release();

  auto result = zonesim::serve::parse_request(req, limits());
  if (auto* route = std::get_if<Route>(&result)) {
    if (route->kind == Route::Kind::run) {
      if (!route->run || !route->run->scenario) fail("a run route without a scenario");
      if (!zonesim::serve::inside(limits().scenarios, route->run->file)) fail("a scenario outside the directory");
    }
    if ((route->kind == Route::Kind::scenario || route->kind == Route::Kind::get_run) &&
        !zonesim::serve::safe_name(route->id))
      fail("an unsafe name in a route");
    return 0;
  }
  const auto& res = std::get<zonesim::serve::Response>(result);
  const unsigned status = res.result_int();
  if (status < 400 || status > 499) fail("an error that is not 4xx");
  // The body is a JSON object (UTF-8) with a non-empty "error".
  if (!zonesim::serve::valid_utf8(res.body())) fail("an error body that is not UTF-8");
  boost::property_tree::ptree pt;
  try {
    std::istringstream is(res.body());
    boost::property_tree::read_json(is, pt);
  } catch (const boost::property_tree::json_parser_error&) {
    fail("an error body that is not JSON");
  }
  if (pt.get<std::string>("error", "").empty()) fail("an error body without a message");
  return 0;
}
