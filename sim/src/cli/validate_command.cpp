#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::cli {

// ---- validate ----------------------------------------------------------------------------

namespace {
std::string count(std::size_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

// A calibration file starts a line with `zonesim_calibrate:` (its first key by convention).
bool is_calibration_file(const std::string& path) {
  std::error_code ec;  // only regular files are read (a FIFO or a device would block or never end)
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path);
  std::string line;
  for (int i = 0; i < 200 && std::getline(in, line); ++i)
    if (line.rfind("zonesim_calibrate:", 0) == 0) return true;
  return false;
}
}  // namespace

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts(
      "zonesim validate FILE.yaml... [options]\n\nChecks scenario files and sweep files (with the scenario each varies and the checks of\n"
      "`zonesim sweep --validate`) and reports every error with file, line and column.\n\nOptions");
  opts.add_options()("help,h", "show this help")("set", po::value<std::vector<std::string>>()->composing(),
                                                  "apply an override to the scenarios before checking (repeatable; not to sweep files)")
      ("json", "print errors as JSON");
  auto vm = parse_with_operands(args, opts, "files", -1);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  if (!vm.count("files")) throw UsageError("give at least one scenario file (see zonesim validate --help)");
  const RunPlan plan = RunPlan::parse(scenario_overrides(vm));
  int bad = 0;
  Diagnostics all;
  for (const auto& f : vm["files"].as<std::vector<std::string>>()) {
    if (sweep::is_sweep_file(f)) {
      sweep::SweepLoadResult r = sweep::load_sweep_file(f);
      std::string summary, problem;
      if (r.spec) problem = sweep::check_runnable(*r.spec, r.spec->design, summary);
      if (r.spec && problem.empty()) {
        if (!vm.count("json"))
          std::cout << f << ": ok (sweep of " << r.spec->base_path << ": " << summary << ")\n";
        continue;
      }
      if (r.spec) r.diagnostics.add({f, 0, 0, "design", problem, "add targets to the base scenario"});
      ++bad;
      all.append(r.diagnostics);
      if (!vm.count("json")) std::cerr << r.diagnostics.format();
      continue;
    }
    if (is_calibration_file(f)) {  // `zonesim calibrate` input (docs/validation.md)
      sweep::CalibrationLoadResult c = sweep::load_calibration_file(f);
      if (c.spec) {
        if (!vm.count("json"))
          std::cout << f << ": ok (calibration of " << c.spec->sweep.base_path << ": "
                    << count(c.spec->params.size(), "parameter") << ", " << c.spec->sweep.points << " proposals x "
                    << c.spec->sweep.replications << ", " << count(c.spec->observed.size(), "observation")
                    << " up to " << c.spec->last_observed_year << ")\n";
        continue;
      }
      ++bad;
      all.append(c.diagnostics);
      if (!vm.count("json")) std::cerr << c.diagnostics.format();
      continue;
    }
    LoadResult r = resolve(ScenarioSource::read_file(f), plan);
    if (r.scenario) {
      const Scenario& s = *r.scenario;
      if (!vm.count("json"))
        std::cout << f << ": ok (" << count(s.zones.size(), "zone") << ", " << count(s.sectors.size(), "sector")
                  << ", " << count(s.targets.size(), "target") << ", " << s.base_year << "-" << s.end_year << ")\n";
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

}  // namespace zonesim::cli
