#include <iostream>

#include "commands.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::cli {

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

}  // namespace zonesim::cli
