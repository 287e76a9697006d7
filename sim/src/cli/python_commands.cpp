#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "commands.hpp"

namespace zonesim::cli {

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

}  // namespace zonesim::cli
