// Memory of a large run: bytes of state per firm (the element sizes of every per-firm array) and
// the peak resident memory (VmHWM) of generating and stepping one replication.
//   zonesim_memory [FIRMS=10000000] [YEARS=3]
#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "synthetic.hpp"
#include "zonesim/model.hpp"

static long status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::string(key).size() + 1, nullptr, 10);
  return -1;
}

int main(int argc, char** argv) {
  const double firms = argc > 1 ? std::atof(argv[1]) : 1e7;
  const int years = argc > 2 ? std::atoi(argv[2]) : 3;
  if (!(firms >= 400) || years < 2 || years > 30) {  // the synthetic levers change in 2022
    std::fprintf(stderr, "usage: zonesim_memory [FIRMS >= 400] [YEARS 2-30]   (default 10000000 3)\n");
    return 2;
  }
  const zonesim::Scenario sc = zonesim::bench::synthetic_scenario(firms, years);
  const long before = status_kib("VmHWM:");
  auto t0 = std::chrono::steady_clock::now();
  zonesim::ReplicationStepper run(sc, 0);
  auto t1 = std::chrono::steady_clock::now();
  while (run.step()) {
  }
  auto t2 = std::chrono::steady_clock::now();
  const long hwm = status_kib("VmHWM:");
  const double slots = static_cast<double>(run.firms());
  std::printf("firms_base=%.0f firm_slots_end=%.0f years=%d\n", firms, slots, years);
  std::printf("bytes_per_firm_state=%zu\n", run.bytes_per_firm());
  std::printf("firm_arrays_reserved_MiB=%.1f\n", run.firm_capacity_bytes() / 1048576.0);
  std::printf("generation_s=%.2f steps_s=%.2f\n", std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());
  std::printf("VmHWM_before_run_MiB=%.1f VmHWM_MiB=%.1f peak_bytes_per_base_firm=%.1f\n", before / 1024.0,
              hwm / 1024.0, hwm * 1024.0 / firms);
  return 0;
}
