// The `zonesim` command: subcommands, each with --help. Exit codes: 0 success, 1 a run that
// failed, 2 bad input or usage.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "zonesim/engine.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/output.hpp"
#include "zonesim/scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace zonesim;

namespace {

constexpr int kOk = 0, kRunFailed = 1, kBadInput = 2;

std::atomic<bool> g_cancel{false};
extern "C" void on_signal(int) { g_cancel.store(true); }

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string g_command_line;

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const po::positional_options_description& positional,
                        const po::options_description& hidden = po::options_description()) {
  po::options_description all;
  all.add(visible).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

void print_diagnostics(const Diagnostics& d) {
  std::cerr << d.format();
  std::cerr << d.size() << (d.size() == 1 ? " error" : " errors") << "; nothing was written.\n";
}

// ---- run ---------------------------------------------------------------------------------

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts("zonesim run SCENARIO.yaml [options]\n\nSimulates a scenario, prints the target table and writes one HDF5 file.\n\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "output file (default: out/<scenario name>.h5)")
      ("replications,r", po::value<int>(), "number of replications (overrides the scenario)")
      ("seed,s", po::value<unsigned long long>(), "random seed (overrides the scenario)")
      ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("set", po::value<std::vector<std::string>>()->composing(), "override a scenario value: --set levers.rd_subsidy_rate=30% (repeatable)")
      ("force,f", "overwrite the output file if it exists")
      ("firm-panel", po::value<std::string>()->implicit_value("0"), "store the firm-level panel of these replications (e.g. 0 or 0,3,7)")
      ("quiet,q", "no progress display");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  auto vm = parse(args, opts, pos, hidden);
  if (vm.count("help")) {
    std::cout << opts << "\nExample:\n  zonesim run scenarios/qingyuan-hightech-2025.yaml --set levers.rd_subsidy_rate=30% -o out/rd30.h5\n";
    return kOk;
  }
  if (!vm.count("scenario")) throw UsageError("missing SCENARIO.yaml (see zonesim run --help)");
  const std::string path = vm["scenario"].as<std::string>();

  LoadOptions lo;
  if (vm.count("set")) lo.overrides = vm["set"].as<std::vector<std::string>>();
  if (vm.count("replications")) {
    int r = vm["replications"].as<int>();
    if (r < 1) throw UsageError("--replications must be at least 1");
    lo.overrides.push_back("replications=" + std::to_string(r));
  }
  if (vm.count("seed")) lo.overrides.push_back("seed=" + std::to_string(vm["seed"].as<unsigned long long>()));
  LoadResult loaded = load_scenario_file(path, lo);
  if (!loaded.scenario) {
    print_diagnostics(loaded.diagnostics);
    return kBadInput;
  }
  const Scenario& sc = *loaded.scenario;

  std::string out = vm.count("output") ? vm["output"].as<std::string>() : "out/" + sc.name + ".h5";
  const bool force = vm.count("force") > 0;
  if (!vm.count("output")) {
    std::error_code ec;
    fs::create_directories("out", ec);
  }
  if (std::string problem = check_output_path(out, force); !problem.empty()) {
    std::cerr << "zonesim run: " << problem << "\n";
    return kBadInput;
  }

  EnsembleOptions eo;
  eo.threads = vm["threads"].as<int>();
  if (eo.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
  if (vm.count("firm-panel")) {
    std::stringstream ss(vm["firm-panel"].as<std::string>());
    std::string item;
    while (std::getline(ss, item, ',')) {
      int r = -1;
      try {
        r = std::stoi(item);
      } catch (const std::logic_error&) {  // invalid_argument, out_of_range
        throw UsageError("--firm-panel takes replication numbers such as 0 or 0,3");
      }
      if (r < 0 || r >= sc.replications)
        throw UsageError("--firm-panel replication " + item + " is outside 0.." + std::to_string(sc.replications - 1));
      eo.panel_replications.push_back(r);
    }
  }
  const bool show_progress = !vm.count("quiet") && isatty(STDERR_FILENO);
  auto t0 = std::chrono::steady_clock::now();
  if (show_progress) {
    eo.progress = [t0](int done, int total) {
      double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      double eta = done > 0 ? el * (total - done) / done : 0;
      int width = 30, filled = total ? width * done / total : width;
      std::fprintf(stderr, "\r[%s%s] %d/%d replications, %.1f s, ETA %.1f s ", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), done, total, el, eta);
      if (done == total) std::fprintf(stderr, "\n");
    };
  }
  eo.cancel = &g_cancel;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  Provenance prov;
  prov.command_line = g_command_line;
  prov.started_at = iso_time_now();
  Ensemble ens = run_ensemble(sc, eo);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ens.cancelled || g_cancel.load()) {
    std::cerr << "\nzonesim run: interrupted; no output written (" << out << " untouched)\n";
    return kRunFailed;
  }
  prov.finished_at = iso_time_now();
  prov.threads = ens.threads_used;
  auto targets = evaluate_targets(sc, ens.replications);

  std::cout << "zonesim " << zonesim_version() << ": " << sc.name;
  if (!sc.title_en.empty()) std::cout << " (" << sc.title_en << ")";
  std::cout << "\n" << sc.replications << " replications, " << sc.base_year << "-" << sc.end_year << ", seed "
            << sc.seed << ", " << ens.threads_used << " threads, " << std::fixed;
  std::cout.precision(2);
  std::cout << seconds << " s\n\n";
  std::cout.unsetf(std::ios::fixed);
  std::cout << format_target_table(sc, targets) << "\n";

  WriteOptions wo;
  wo.force = force;
  wo.cancel = &g_cancel;
  if (std::string err = write_run_file(out, sc, ens, targets, prov, wo); !err.empty()) {
    std::cerr << "zonesim run: " << err << "\n";
    return kRunFailed;
  }
  std::cout << "wrote " << out << "\n";
  return kOk;
}

// ---- validate ----------------------------------------------------------------------------

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts("zonesim validate SCENARIO.yaml... [options]\n\nChecks scenario files and reports every error with file, line and column.\n\nOptions");
  opts.add_options()("help,h", "show this help")("set", po::value<std::vector<std::string>>()->composing(),
                                                  "apply an override before checking (repeatable)")
      ("json", "print errors as JSON");
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>(), "files");
  po::positional_options_description pos;
  pos.add("files", -1);
  auto vm = parse(args, opts, pos, hidden);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  if (!vm.count("files")) throw UsageError("give at least one scenario file (see zonesim validate --help)");
  LoadOptions lo;
  if (vm.count("set")) lo.overrides = vm["set"].as<std::vector<std::string>>();
  int bad = 0;
  Diagnostics all;
  for (const auto& f : vm["files"].as<std::vector<std::string>>()) {
    LoadResult r = load_scenario_file(f, lo);
    if (r.scenario) {
      const Scenario& s = *r.scenario;
      if (!vm.count("json"))
        std::cout << f << ": ok (" << s.zones.size() << " zones, " << s.sectors.size() << " sectors, "
                  << s.targets.size() << " targets, " << s.base_year << "-" << s.end_year << ")\n";
    } else {
      ++bad;
      all.append(r.diagnostics);
      if (!vm.count("json")) std::cerr << r.diagnostics.format();
    }
  }
  if (vm.count("json")) std::cout << all.to_json() << "\n";
  if (bad && !vm.count("json"))
    std::cerr << all.size() << (all.size() == 1 ? " error" : " errors") << " in " << bad
              << (bad == 1 ? " file\n" : " files\n");
  return bad ? kBadInput : kOk;
}

// ---- levers / schema ---------------------------------------------------------------------

int cmd_levers(const std::vector<std::string>& args) {
  po::options_description opts("zonesim levers [--format table|markdown|json]\n\nLists every lever and parameter with unit, default and valid range.\n\nOptions");
  opts.add_options()("help,h", "show this help")("format", po::value<std::string>()->default_value("table"),
                                                  "table, markdown or json");
  po::positional_options_description pos;
  auto vm = parse(args, opts, pos);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  std::string f = vm["format"].as<std::string>();
  ListingFormat lf;
  if (f == "table") lf = ListingFormat::table;
  else if (f == "markdown") lf = ListingFormat::markdown;
  else if (f == "json") lf = ListingFormat::json;
  else throw UsageError("--format must be table, markdown or json, not \"" + f + "\"");
  std::cout << settings_listing(lf);
  return kOk;
}

int cmd_schema(const std::vector<std::string>& args) {
  po::options_description opts("zonesim schema\n\nPrints the JSON Schema of scenario files (scenarios/zonesim.schema.json).\n\nOptions");
  opts.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  auto vm = parse(args, opts, pos);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  std::cout << json_schema();
  return kOk;
}

// ---- commands implemented by the analysis package -------------------------------------------

int run_python(const std::string& module, const std::vector<std::string>& args) {
  std::string analysis = ZONESIM_ANALYSIS_DIR;
  if (const char* env = std::getenv("ZONESIM_ANALYSIS_DIR")) analysis = env;
  std::vector<std::string> argv = {ZONESIM_PYTHON, "-m", module};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::string pp = analysis;
  if (const char* old = std::getenv("PYTHONPATH")) pp += std::string(":") + old;
  setenv("PYTHONPATH", pp.c_str(), 1);
  std::fflush(stdout);
  execv(ZONESIM_PYTHON, cargv.data());
  std::cerr << "zonesim: cannot start " << ZONESIM_PYTHON << " (" << std::strerror(errno)
            << "); reports need Debian's python3 with h5py, numpy, pandas and matplotlib (scripts/setup)\n";
  return kRunFailed;
}

const char* kUsage =
    "zonesim: simulate development zones, their firms and policy levers\n\n"
    "usage: zonesim <command> [options]   (zonesim <command> --help for details)\n\n"
    "commands:\n"
    "  run SCENARIO.yaml       simulate, print the target table, write an HDF5 file\n"
    "  validate FILE...        check scenario files; every error with file:line:column\n"
    "  levers                  list every lever and parameter (unit, default, range)\n"
    "  schema                  print the JSON Schema of scenario files\n"
    "  report OUT.h5           write a self-contained HTML report\n"
    "  compare BASE.h5 ALT.h5  an alternative against a baseline, target by target\n"
    "  export OUT.h5 --csv DIR tidy CSV files for spreadsheets\n\n"
    "options: --version, --help\n"
    "exit codes: 0 success, 1 a run that failed, 2 bad input or usage\n";

}  // namespace

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) g_command_line += (i ? " " : "") + std::string(argv[i]);
  if (argc < 2) {
    std::cerr << kUsage;
    return kBadInput;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--version" || cmd == "version") {
    std::cout << "zonesim " << zonesim_version() << " (" << zonesim_git_revision() << ")\n";
    return kOk;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return kOk;
  }
  try {
    if (cmd == "run") return cmd_run(args);
    if (cmd == "validate") return cmd_validate(args);
    if (cmd == "levers") return cmd_levers(args);
    if (cmd == "schema") return cmd_schema(args);
    if (cmd == "report") return run_python("zonesim_analysis.report", args);
    if (cmd == "compare") return run_python("zonesim_analysis.compare", args);
    if (cmd == "export") return run_python("zonesim_analysis.export", args);
    std::cerr << "zonesim: unknown command \"" << cmd << "\"\n\n" << kUsage;
    return kBadInput;
  } catch (const UsageError& e) {
    std::cerr << "zonesim " << cmd << ": " << e.what() << "\n";
    return kBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "zonesim " << cmd << ": out of memory\n";
    return kRunFailed;
  } catch (const std::exception& e) {
    std::cerr << "zonesim " << cmd << ": " << e.what() << "\n";
    return kRunFailed;
  }
}
