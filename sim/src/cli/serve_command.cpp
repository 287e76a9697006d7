#include <unistd.h>

#include <climits>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "serve/serve.hpp"

namespace zonesim::cli {

namespace fs = std::filesystem;

// ---- serve -------------------------------------------------------------------------------

int cmd_serve(const std::vector<std::string>& args) {
  po::options_description opts(
      "zonesim serve [options]\n\nThe planner's page: a local web server (http://127.0.0.1:8080/) where each lever of a\n"
      "scenario is a control; runs show the targets, their probabilities and the change from the\n"
      "baseline, fan charts and the budget. Bound to 127.0.0.1 unless --host says otherwise.\n\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("port,p", po::value<int>()->default_value(8080), "TCP port (0: any free port, printed on start)")
      ("host", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on (127.0.0.1 or ::1 keeps it local)")
      ("scenarios", po::value<std::string>(), "directory of scenario files (default: ./scenarios)")
      ("output,o", po::value<std::string>()->default_value("out/serve"), "directory for run files (HDF5, reports)")
      ("max-replications", po::value<int>()->default_value(1000), "largest run a request may ask for")
      ("max-runs", po::value<int>()->default_value(2), "runs executing at once")
      ("max-queue", po::value<int>()->default_value(4), "runs waiting for a slot; more get HTTP 429")
      ("threads,t", po::value<int>()->default_value(0), "worker threads per run (0: all cores)")
      ("keep-runs", po::value<int>()->default_value(64), "runs kept (memory and files); older ones are deleted")
      ("web", po::value<std::string>(), "serve the page from this directory instead of the built-in copy (development)")
      ("quiet,q", "no request log");
  auto vm = parse(args, opts, po::positional_options_description());
  if (vm.count("help")) {
    std::cout << opts << "\nExample:\n  zonesim serve --port 8080 --scenarios scenarios --output out/serve\n";
    return kOk;
  }
  serve::ServeOptions o;
  int port = vm["port"].as<int>();
  if (port < 0 || port > 65535) throw UsageError("--port must be 0..65535");
  o.port = static_cast<unsigned short>(port);
  o.host = vm["host"].as<std::string>();
  if (vm.count("scenarios")) {
    o.scenarios_dir = vm["scenarios"].as<std::string>();
  } else {
    o.scenarios_dir = "scenarios";
    std::error_code ec;
    if (!fs::is_directory(o.scenarios_dir, ec) && fs::is_directory(ZONESIM_SOURCE_SCENARIOS, ec))
      o.scenarios_dir = ZONESIM_SOURCE_SCENARIOS;
  }
  o.output_dir = vm["output"].as<std::string>();
  if (vm.count("web")) o.web_dir = vm["web"].as<std::string>();
  o.max_replications = vm["max-replications"].as<int>();
  o.max_runs = vm["max-runs"].as<int>();
  o.max_queue = vm["max-queue"].as<int>();
  o.threads = vm["threads"].as<int>();
  o.keep_runs = vm["keep-runs"].as<int>();
  o.quiet = vm.count("quiet") > 0;
  if (o.max_replications < 1) throw UsageError("--max-replications must be at least 1");
  if (o.max_runs < 1 || o.max_runs > 64) throw UsageError("--max-runs must be 1..64");
  if (o.max_queue < 0 || o.max_queue > 1000) throw UsageError("--max-queue must be 0..1000");
  if (o.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
  if (o.keep_runs < 1) throw UsageError("--keep-runs must be at least 1");
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  o.self_exe = n > 0 ? std::string(exe, static_cast<std::size_t>(n)) : "zonesim";
  install_signal_handlers();
  return serve::run_server(o, g_cancel);
}

}  // namespace zonesim::cli
