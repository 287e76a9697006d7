#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "commands.hpp"

namespace zonesim::cli {

// ---- commands implemented by the analysis package -------------------------------------------

// The package is found either way: from the source tree (ZONESIM_ANALYSIS_DIR, put first on
// PYTHONPATH when it holds the package) or installed (`pip install ./analysis`, docs/python.md).
// ZONESIM_PYTHON in the environment picks another interpreter, e.g. a venv's python with the
// package installed.
int run_python(const std::string& module, const std::vector<std::string>& args) {
  std::string python = ZONESIM_PYTHON;
  if (const char* env = std::getenv("ZONESIM_PYTHON"); env && *env) python = env;
  std::string analysis = ZONESIM_ANALYSIS_DIR;
  if (const char* env = std::getenv("ZONESIM_ANALYSIS_DIR")) analysis = env;
  std::vector<std::string> argv = {python, "-m", module};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  if (access((analysis + "/zonesim_analysis/__init__.py").c_str(), R_OK) == 0) {
    std::string pp = analysis;
    if (const char* old = std::getenv("PYTHONPATH"); old && *old) pp += std::string(":") + old;
    setenv("PYTHONPATH", pp.c_str(), 1);
  }
  std::fflush(stdout);
  execv(python.c_str(), cargv.data());
  std::cerr << "zonesim: cannot start " << python << " (" << std::strerror(errno)
            << "); reports need Debian's python3 with h5py, numpy, pandas and matplotlib (scripts/setup)\n";
  return kRunFailed;
}

}  // namespace zonesim::cli
