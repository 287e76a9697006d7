// The `zonesim` command: subcommands, each with --help. Exit codes: 0 success, 1 a run that
// failed, 2 bad input or usage.
#include <hdf5.h>

#include <functional>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "zonesim/output.hpp"

using namespace zonesim;
using namespace zonesim::cli;

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  std::function<int(const std::vector<std::string>&)> run;
};

// Every subcommand, once: dispatch and the usage text come from this table.
const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "SCENARIO.yaml       simulate, print the target table, write an HDF5 file", cmd_run},
      {"validate", "FILE...        check scenario files; every error with file:line:column", cmd_validate},
      {"sweep", "SWEEP.yaml        run a design of scenarios (grid, lhs, sobol, morris); mpirun-able", cmd_sweep},
      {"optimize", "SWEEP.yaml     cheapest lever settings meeting the targets with probability p", cmd_optimize},
      {"calibrate", "CALIB.yaml    fit uncertain parameters to observed series (ABC); mpirun-able", cmd_calibrate},
      {"effects", "SCENARIO.yaml   what each lever does here: channel indicator, target probabilities, cost", cmd_effects},
      {"levers", "                 list every lever and parameter (unit, default, range)", cmd_levers},
      {"schema", "                 print the JSON Schema of scenario files", cmd_schema},
      {"serve", "                 the planner's page: a local web server (levers, targets, fans, budget)", cmd_serve},
      {"report", "OUT.h5           write a self-contained HTML report",
       [](const auto& a) { return run_python("zonesim_analysis.report", a); }},
      {"compare", "BASE.h5 ALT.h5  an alternative against a baseline, target by target",
       [](const auto& a) { return run_python("zonesim_analysis.compare", a); }},
      {"export", "OUT.h5 --csv DIR tidy CSV files for spreadsheets",
       [](const auto& a) { return run_python("zonesim_analysis.export", a); }},
  };
  return table;
}

std::string usage() {
  std::string out =
      "zonesim: simulate development zones, their firms and policy levers\n\n"
      "usage: zonesim <command> [options]   (zonesim <command> --help for details)\n\ncommands:\n";
  for (const auto& c : commands()) out += "  " + std::string(c.name) + " " + std::string(c.summary) + "\n";
  out += "\noptions: --version, --help\nexit codes: 0 success, 1 a run that failed, 2 bad input or usage\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // No HDF5 shutdown at exit. When a file cannot be written (a full disk), HDF5 1.10 frees it on
  // the failed close but keeps its identifier, and the shutdown then crashes on that identifier
  // (H5F__close_cb; HDFGroup/hdf5#2291, fixed in later releases); a sweep file that cannot be
  // written is abandoned unclosed (sweep/store.cpp), which the shutdown would try to close again.
  // Every file zonesim writes is closed explicitly, and checked, before it is renamed into place.
  H5dont_atexit();
  for (int i = 0; i < argc; ++i) g_command_line += (i ? " " : "") + std::string(argv[i]);
  if (argc < 2) {
    std::cerr << usage();
    return kBadInput;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--version" || cmd == "version") {
    std::cout << "zonesim " << zonesim_version() << " (" << zonesim_git_revision() << ")\n";
    return kOk;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << usage();
    return kOk;
  }
  try {
    for (const auto& c : commands())
      if (c.name == cmd) return c.run(args);
    std::cerr << "zonesim: unknown command \"" << cmd << "\"\n\n" << usage();
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
