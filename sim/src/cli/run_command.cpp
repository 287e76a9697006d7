#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"
#include "zonesim/reach.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::cli {

namespace fs = std::filesystem;

// ---- run ---------------------------------------------------------------------------------

namespace {

po::options_description run_options() {
  po::options_description opts("zonesim run SCENARIO.yaml [options]\n\nSimulates a scenario, prints the target table and writes one HDF5 file.\n\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "output file (default: out/<scenario name>.h5)")
      ("replications,r", po::value<int>(), "number of replications (overrides the scenario)")
      ("seed,s", po::value<std::string>(), "random seed 0..18446744073709551615 (overrides the scenario)")
      ("threads,t", po::value<int>()->default_value(0), "worker threads (0: all cores); results do not depend on it")
      ("set", po::value<std::vector<std::string>>()->composing(), "override a scenario value: --set levers.rd_subsidy_rate=30% (repeatable)")
      ("force,f", "overwrite the output file if it exists")
      ("firm-panel", po::value<std::string>()->implicit_value("0"), "store the firm-level panel of these replications (e.g. 0 or 0,3,7)")
      ("reach", "after the run, for each target with P(met) below the threshold: the smallest move of each lever alone "
                "that reaches it (\"what it would take\", stored in /reach)")
      ("reach-threshold", po::value<std::string>(), "P(met) a target must reach, in percent, 0 < P <= 100 (default 50); implies --reach")
      ("reach-replications", po::value<int>(), "replications per evaluation of the search (default: the run's, at most 50); implies --reach")
      ("reach-lever", po::value<std::vector<std::string>>()->composing(), "search only these levers (repeatable); implies --reach")
      ("quiet,q", "no progress display");
  return opts;
}

// --firm-panel 0,3,7: the replications whose firms are stored.
std::vector<int> panel_replications(const std::string& list, int replications) {
  std::vector<int> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    int r = -1;
    try {
      r = std::stoi(item);
    } catch (const std::logic_error&) {  // invalid_argument, out_of_range
      throw UsageError("--firm-panel takes replication numbers such as 0 or 0,3");
    }
    if (r < 0 || r >= replications)
      throw UsageError("--firm-panel replication " + item + " is outside 0.." + std::to_string(replications - 1));
    out.push_back(r);
  }
  return out;
}

// --reach and its options; nothing when the search is not asked for.
std::optional<ReachOptions> reach_options(const po::variables_map& vm) {
  if (!vm.count("reach") && !vm.count("reach-threshold") && !vm.count("reach-replications") && !vm.count("reach-lever"))
    return std::nullopt;
  ReachOptions o;
  if (vm.count("reach-threshold")) {
    std::string text = vm["reach-threshold"].as<std::string>();
    const std::string shown = text;
    if (!text.empty() && text.back() == '%') text.pop_back();
    double p = std::nan("");
    std::size_t used = 0;
    try {
      p = std::stod(text, &used);
    } catch (const std::logic_error&) {  // invalid_argument, out_of_range
    }
    if (text.empty() || used != text.size() || !(p > 0 && p <= 100))
      throw UsageError("--reach-threshold \"" + shown + "\" is not a percentage above 0 and at most 100 (e.g. 50 or 50%)");
    o.threshold = p / 100;
  }
  if (vm.count("reach-replications")) {
    o.replications = vm["reach-replications"].as<int>();
    if (o.replications < 1) throw UsageError("--reach-replications must be at least 1");
  }
  if (vm.count("reach-lever"))
    for (const auto& key : vm["reach-lever"].as<std::vector<std::string>>()) o.levers.push_back(lever_option(key));
  return o;
}

// A progress bar of replications on stderr.
std::function<void(int, int)> progress_bar(std::chrono::steady_clock::time_point t0) {
  return [t0](int done, int total) {
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double eta = done > 0 ? el * (total - done) / done : 0;
    int width = 30, filled = total ? width * done / total : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d replications, %.1f s, ETA %.1f s ", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total, el, eta);
    if (done == total) std::fprintf(stderr, "\n");
  };
}

// Calibration fit: the generated base year against the stated values, worst item per zone.
void print_calibration(const Scenario& sc, const Ensemble& ens) {
  std::cout << "calibration of the " << sc.base_year << " population (mean over replications, worst item):\n";
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    double worst = 0;
    std::size_t worst_item = 0;
    for (std::size_t c = 0; c < kCalibrationItems; ++c) {
      double stated = calibration_stated(sc.zones[z], static_cast<CalibrationItem>(c));
      double mean = 0;
      for (const auto& r : ens.replications) mean += r.calibration[z * kCalibrationItems + c];
      mean /= static_cast<double>(ens.replications.size());
      if (std::isnan(stated)) continue;  // not stated by the scenario
      double err = stated != 0 ? std::fabs(mean / stated - 1.0) : 0.0;
      if (err > worst) {
        worst = err;
        worst_item = c;
      }
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-24s %6.2f %% (%s)\n", sc.zones[z].id.c_str(), 100.0 * worst,
                  std::string(calibration_item_key(static_cast<CalibrationItem>(worst_item))).c_str());
    std::cout << buf;
  }
  std::cout << "\n";
}

// What ran, the target table, the fit to observed series and the calibration.
void print_run(const Scenario& sc, const Ensemble& ens, const std::vector<TargetResult>& targets, double seconds) {
  std::cout << "zonesim " << zonesim_version() << ": " << sc.name;
  if (!sc.title_en.empty()) std::cout << " (" << sc.title_en << ")";
  std::cout << "\n" << sc.replications << " replications, " << sc.base_year << "-" << sc.end_year << ", seed "
            << sc.seed << ", " << ens.threads_used << " threads, " << std::fixed;
  std::cout.precision(2);
  std::cout << seconds << " s\n\n";
  std::cout.unsetf(std::ios::fixed);
  std::cout << format_target_table(sc, targets) << "\n";
  if (!sc.observed.empty()) std::cout << format_fit_table(sc, evaluate_fit(sc, ens.replications)) << "\n";
  print_calibration(sc, ens);
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  po::options_description opts = run_options();
  auto vm = parse_with_operands(args, opts, "scenario", 1);
  if (vm.count("help")) {
    std::cout << opts << "\nExample:\n  zonesim run scenarios/qingyuan-hightech-2025.yaml --set levers.rd_subsidy_rate=30% -o out/rd30.h5\n";
    return kOk;
  }
  if (!vm.count("scenario")) throw UsageError("missing SCENARIO.yaml (see zonesim run --help)");
  const std::string path = vm["scenario"].as<std::string>();

  std::optional<ReachOptions> reach = reach_options(vm);
  const ScenarioSource source = ScenarioSource::read_file(path);
  const RunPlan plan = RunPlan::parse(scenario_overrides(vm));
  LoadResult loaded = resolve(source, plan);
  if (!loaded.scenario) {
    print_diagnostics(loaded.diagnostics);
    return kBadInput;
  }
  const Scenario& sc = *loaded.scenario;

  std::string out = vm.count("output") ? vm["output"].as<std::string>() : "out/" + sc.name + ".h5";
  const bool force = vm.count("force") > 0;
  create_default_output_dir(out);
  if (std::string problem = check_output_path(out, force); !problem.empty()) {
    std::cerr << "zonesim run: " << problem << "\n";
    return kBadInput;
  }

  EnsembleOptions eo;
  eo.threads = threads_option(vm);
  if (vm.count("firm-panel")) eo.panel_replications = panel_replications(vm["firm-panel"].as<std::string>(), sc.replications);
  auto t0 = std::chrono::steady_clock::now();
  if (!vm.count("quiet") && isatty(STDERR_FILENO)) eo.progress = progress_bar(t0);
  eo.cancel = &g_cancel;
  install_signal_handlers();

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
  print_run(sc, ens, targets, seconds);
  std::optional<ReachResult> reached;
  if (reach) {
    reach->ensemble.threads = eo.threads;
    reach->ensemble.cancel = &g_cancel;
    if (eo.progress)
      reach->progress = [t1 = std::chrono::steady_clock::now()](int done, int total) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        std::fprintf(stderr, "\rwhat it would take: %d/%d levers, %.1f s ", done, total, el);
        if (done == total) std::fprintf(stderr, "\n");
      };
    std::cout.flush();  // the target table before the search's minute
    reached = find_reach(source, plan, sc, targets, *reach);
    if (!reached || g_cancel.load()) {
      std::cerr << "\nzonesim run: interrupted; no output written (" << out << " untouched)\n";
      return kRunFailed;
    }
    std::cout << format_reach_table(sc, *reached) << "\n";
  }

  WriteOptions wo;
  wo.force = force;
  wo.cancel = &g_cancel;
  if (std::string err = write_run_file(out, sc, ens, targets, prov, wo, reached ? &*reached : nullptr); !err.empty()) {
    std::cerr << "zonesim run: " << err << "\n";
    return kRunFailed;
  }
  std::cout << "wrote " << out << "\n";
  return kOk;
}

}  // namespace zonesim::cli
