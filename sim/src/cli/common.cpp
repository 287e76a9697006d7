#include <csignal>
#include <iostream>

#include "commands.hpp"

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

void print_diagnostics(const Diagnostics& d) {
  std::cerr << d.format();
  std::cerr << d.size() << (d.size() == 1 ? " error" : " errors") << "; nothing was written.\n";
}

}  // namespace zonesim::cli
