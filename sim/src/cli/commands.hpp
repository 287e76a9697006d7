// Shared pieces of the `zonesim` subcommands.
#pragma once

#include <boost/program_options.hpp>
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "zonesim/diagnostics.hpp"
#include "zonesim/registry.hpp"

namespace zonesim::cli {

namespace po = boost::program_options;

inline constexpr int kOk = 0, kRunFailed = 1, kBadInput = 2;

// Set by SIGINT/SIGTERM; long work checks it and stops without leaving partial output.
extern std::atomic<bool> g_cancel;
void install_signal_handlers();
// The exact command line, for provenance.
extern std::string g_command_line;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const po::positional_options_description& positional,
                        const po::options_description& hidden = po::options_description());
// `parse` for a command whose operands are one (max_count 1) or any number (-1) of positional
// arguments stored under `name` (hidden from --help, which lists them in its usage line).
po::variables_map parse_with_operands(const std::vector<std::string>& args, const po::options_description& visible,
                                      const char* name, int max_count);
void print_diagnostics(const Diagnostics& d);
// --threads (0: all cores), refused when negative.
int threads_option(const po::variables_map& vm);
// The scenario overrides given by --set, --replications and --seed (each when the command has
// it), in that order; a bad --replications or --seed is a UsageError.
std::vector<std::string> scenario_overrides(const po::variables_map& vm);
// The lever named by a --lever option; an unknown name is a UsageError.
Lever lever_option(const std::string& key);

// One function per subcommand; each handles --help itself.
int cmd_run(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_levers(const std::vector<std::string>& args);
int cmd_schema(const std::vector<std::string>& args);
int cmd_effects(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_optimize(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);
int cmd_serve(const std::vector<std::string>& args);
// report, compare and export are implemented by the Python analysis package.
int run_python(const std::string& module, const std::vector<std::string>& args);

}  // namespace zonesim::cli
