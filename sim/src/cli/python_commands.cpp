#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "commands.hpp"

namespace zonesim::cli {

// ---- commands implemented by the analysis package -------------------------------------------

namespace {

// The .h5 arguments of a command, for the message of a crash.
std::string h5_arguments(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args)
    if (a.size() > 3 && a.compare(a.size() - 3, 3, ".h5") == 0) out += (out.empty() ? "" : ", ") + a;
  return out.empty() ? "the input files" : out;
}

}  // namespace

// Runs `python3 -m module args...` as a child and returns its exit code. The analysis package
// reports bad input itself (one line, exit 2) and opens every HDF5 file in a child process first,
// because HDF5 crashes on some damaged files; should the command still die of a signal, this
// says so in one line instead of leaving the shell's "Segmentation fault".
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
  std::fflush(stderr);
  const std::string command = "zonesim " + module.substr(module.rfind('.') + 1);
  const pid_t pid = fork();
  if (pid < 0) {
    std::cerr << command << ": cannot start " << python << " (" << std::strerror(errno) << ")\n";
    return kRunFailed;
  }
  if (pid == 0) {
    execv(python.c_str(), cargv.data());
    std::cerr << "zonesim: cannot start " << python << " (" << std::strerror(errno)
              << "); reports need Debian's python3 with h5py, numpy, pandas and matplotlib (scripts/setup)\n";
    _exit(kRunFailed);
  }
  // Ctrl-C reaches the child too (same process group); this process waits for it to finish.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::cerr << command << ": lost the Python process (" << std::strerror(errno) << ")\n";
      return kRunFailed;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int sig = WTERMSIG(status);
  if (sig == SIGINT || sig == SIGTERM) return 128 + sig;
  std::cerr << command << ": the analysis stopped on signal " << sig << " (" << strsignal(sig)
            << ") reading " << h5_arguments(args)
            << "; HDF5 crashes on some damaged files: check them with h5ls -r\n";
  return kBadInput;
}

}  // namespace zonesim::cli
