// `zonesim serve`: a local HTTP server (Boost.Beast) with the planner's page and a small JSON API.
//
//   GET  /                           the page (static assets embedded in the binary)
//   GET  /api/health                 {"ok":true,...}
//   GET  /api/levers                 the registry listing (same as `zonesim levers --format json`)
//   GET  /api/scenarios              the *.yaml of the scenarios directory (id, name, title)
//   GET  /api/scenarios/ID           levers (unit, range, current value), targets, zones
//   POST /api/run                    {scenario, overrides: {"levers.x": "30 %"}, replications, seed}
//   GET  /api/runs/RUN               results of a run (targets, fans, spending, baseline)
//   GET  /api/runs/RUN/output.h5     the HDF5 file of a run
//   GET  /api/runs/RUN/report.html   the HTML report of a run (made by `zonesim report`)
//
// Requests are validated like scenario files (Diagnostics as JSON, HTTP 400) by request.hpp's
// parser, which needs no sockets (tests/fuzz/fuzz_api_request.cpp fuzzes it); a refused request
// always gets a 4xx with a JSON {"error": ...}. Bodies, JSON nesting, runs and concurrency are
// bounded; a run or baseline whose clients all left is cancelled; the server reads only its
// scenarios directory (GET /api/scenarios lists only files it would run) and writes only its
// output directory.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

namespace zonesim::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;        // 0: any free port (printed on start)
  std::string scenarios_dir = "scenarios";
  std::string output_dir = "out/serve";
  std::string web_dir;               // serve the page from here instead of the embedded copy
  std::string self_exe;              // the zonesim binary (for `zonesim report`)
  std::size_t max_body = 64 * 1024;  // bytes of a request body
  int max_replications = 1000;
  int max_years = 50;
  int max_runs = 2;       // runs (or reports) executing at once
  int max_queue = 4;      // runs waiting for a slot; beyond that: 429
  int threads = 0;        // TBB threads per run (0: all cores)
  int keep_runs = 64;     // runs kept in memory and on disk; older ones are deleted
  int max_connections = 256;
  int report_timeout_s = 300;
  bool quiet = false;
};

// Runs until `stop` is set (or SIGINT/SIGTERM). Returns a process exit code. Prints
// "zonesim serve: listening on http://HOST:PORT/" on stdout once ready.
int run_server(const ServeOptions& options, std::atomic<bool>& stop);

// The embedded static assets (generated at build time from sim/src/serve/web/).
struct Asset {
  const char* path;  // "/index.html"
  const char* content_type;
  const unsigned char* data;
  std::size_t size;
};
const Asset* find_embedded_asset(const std::string& path);

}  // namespace zonesim::serve
