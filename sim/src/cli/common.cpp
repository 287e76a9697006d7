#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::cli {

std::atomic<bool> g_cancel{false};
std::string g_command_line;

namespace {
extern "C" void on_signal(int) { g_cancel.store(true); }
}  // namespace

void install_signal_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& visible,
                        const po::positional_options_description& positional,
                        const po::options_description& hidden) {
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

po::variables_map parse_with_operands(const std::vector<std::string>& args, const po::options_description& visible,
                                      const char* name, int max_count) {
  po::options_description hidden;
  if (max_count == 1)
    hidden.add_options()(name, po::value<std::string>(), name);
  else
    hidden.add_options()(name, po::value<std::vector<std::string>>(), name);
  po::positional_options_description pos;
  pos.add(name, max_count);
  return parse(args, visible, pos, hidden);
}

int threads_option(const po::variables_map& vm) {
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
  return threads;
}

std::vector<std::string> scenario_overrides(const po::variables_map& vm) {
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  if (vm.count("replications")) {
    int r = vm["replications"].as<int>();
    if (r < 1) throw UsageError("--replications must be at least 1");
    overrides.push_back("replications=" + std::to_string(r));
  }
  if (vm.count("seed")) {
    // Read as text: program_options would turn "-1" into 2^64-1 and a double would round.
    const std::string text = vm["seed"].as<std::string>();
    const auto seed = parse_seed(text);
    if (!seed) throw UsageError("--seed \"" + text + "\" is not a seed; " + seed_range_hint());
    overrides.push_back("seed=" + std::to_string(*seed));
  }
  return overrides;
}

Lever lever_option(const std::string& key) {
  for (std::size_t l = 0; l < kLeverCount; ++l)
    if (lever_settings()[l].key == key) return static_cast<Lever>(l);
  throw UsageError("unknown lever \"" + key + "\" (see zonesim levers)");
}

void print_diagnostics(const Diagnostics& d) {
  std::cerr << d.format();
  std::cerr << d.size() << (d.size() == 1 ? " error" : " errors") << "; nothing was written.\n";
}

}  // namespace zonesim::cli
