// The Qingyuan scenario end to end: 1000 replications (run_ensemble), target evaluation, and
// writing the HDF5 file (write_run_file), each timed, with writing's share of the total.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void BM_Qingyuan(benchmark::State& state) {
  const int reps = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  zonesim::LoadResult lr =
      zonesim::load_scenario_file(ZONESIM_SOURCE_DIR "/scenarios/qingyuan-hightech-2025.yaml");
  if (!lr.scenario) {
    state.SkipWithError(lr.diagnostics.format().c_str());
    return;
  }
  zonesim::Scenario sc = std::move(*lr.scenario);
  sc.replications = reps;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("zonesim-bench-" + std::to_string(getpid()) + ".h5")).string();
  double t_run = 0, t_targets = 0, t_write = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    zonesim::EnsembleOptions eo;
    eo.threads = threads;
    zonesim::Ensemble e = zonesim::run_ensemble(sc, eo);
    t_run += seconds_since(t0);
    t0 = Clock::now();
    auto targets = zonesim::evaluate_targets(sc, e.replications);
    t_targets += seconds_since(t0);
    t0 = Clock::now();
    zonesim::Provenance prov;
    prov.command_line = "zonesim_bench";
    prov.threads = threads;
    zonesim::WriteOptions wo;
    wo.force = true;
    std::string err = zonesim::write_run_file(path, sc, e, targets, prov, wo);
    t_write += seconds_since(t0);
    if (!err.empty()) state.SkipWithError(err.c_str());
  }
  std::filesystem::remove(path);
  const double n = static_cast<double>(state.iterations());
  state.counters["runs_per_s"] = reps * n / (t_run + t_targets + t_write);
  state.counters["ensemble_s"] = t_run / n;
  state.counters["targets_s"] = t_targets / n;
  state.counters["write_s"] = t_write / n;
  state.counters["write_share"] = t_write / (t_run + t_targets + t_write);
}
BENCHMARK(BM_Qingyuan)
    ->Args({1000, 2})
    ->ArgNames({"replications", "threads"})
    ->Iterations(1)
    ->Repetitions(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
