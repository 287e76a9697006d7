// The yearly step in firm-years per second, at 10^4..10^7 firms on 1 and 2 threads, and a
// STREAM-like triad as the memory-bandwidth reference of the same run (docs/performance.md).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "synthetic.hpp"
#include "zonesim/model.hpp"

namespace {

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Bytes of firm state one firm-year moves between memory and the core, counted from the passes
// (docs/performance.md, "bytes per firm-year"): pass A reads 47 and writes 16, pass B reads 86
// and writes 52, pass C reads 61 and writes 24 (land_capacity read in B, read and written in C); the 32 bytes pass B writes without reading first
// (output, profit, land_request, employment, researchers) cost a write-allocate read as well.
constexpr double kBytesReadPerFirmYear = 47 + 86 + 61;
constexpr double kBytesWrittenPerFirmYear = 16 + 52 + 24;
constexpr double kBytesMovedPerFirmYear = kBytesReadPerFirmYear + kBytesWrittenPerFirmYear + 32;

// Step: the population is generated outside the timed region; the benchmark's one iteration
// simulates every year of the scenario (the three passes, the zone steps between them and the
// accounting). Counting the alive firms before each year is excluded from the time.
void BM_Step(benchmark::State& state) {
  const auto firms = static_cast<double>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const int years = static_cast<int>(state.range(2));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const zonesim::Scenario sc = zonesim::bench::synthetic_scenario(firms, years);
  // Generation of the base year (parameters drawn, population generated and recorded): outside
  // the step's timed region, reported per firm as its own figure.
  const auto g0 = std::chrono::steady_clock::now();
  const double gc0 = process_cpu_seconds();
  auto stepper = std::make_unique<zonesim::ReplicationStepper>(sc, 0);
  const double gen_cpu = process_cpu_seconds() - gc0;
  const double gen_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
  double firm_years = 0, slots = 0;
  int stepped = 0;
  double cpu = 0;
  for (auto _ : state) {
    for (int y = 0; y < years; ++y) {
      state.PauseTiming();
      firm_years += static_cast<double>(stepper->firms_alive());
      slots += static_cast<double>(stepper->firms());
      state.ResumeTiming();
      const double c0 = process_cpu_seconds();
      if (!stepper->step()) state.SkipWithError("ran past end_year");
      cpu += process_cpu_seconds() - c0;
      ++stepped;
    }
  }
  state.counters["firm_years_per_s"] = benchmark::Counter(firm_years, benchmark::Counter::kIsRate);
  state.counters["per_core"] = benchmark::Counter(firm_years / threads, benchmark::Counter::kIsRate);
  // Per CPU-second of all the process's threads: the per-core rate, robust to other processes
  // sharing the cores (wall-clock rates above fall when they do).
  state.counters["per_cpu_s"] = firm_years / cpu;
  state.counters["state_GBps"] =
      benchmark::Counter(firm_years * kBytesMovedPerFirmYear / 1e9, benchmark::Counter::kIsRate);
  state.counters["firms"] = firms;
  state.counters["slots_per_year"] = slots / stepped;
  state.counters["bytes_per_firm"] = static_cast<double>(stepper->bytes_per_firm());
  state.counters["gen_ns_per_firm"] = 1e9 * gen_wall / firms;       // wall clock
  state.counters["gen_cpu_ns_per_firm"] = 1e9 * gen_cpu / firms;    // CPU time of the process
}

// Years per size: enough work for a stable figure, little enough to keep scripts/bench short.
void StepArgs(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2}) {
    b->Args({10000, threads, 5});
    b->Args({100000, threads, 5});
    b->Args({1000000, threads, 5});
    b->Args({10000000, threads, 3});
  }
  b->ArgNames({"firms", "threads", "years"});
}
BENCHMARK(BM_Step)->Apply(StepArgs)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// STREAM triad a[i] = b[i] + s * c[i] over 3 x 128 MiB (>> the 105 MiB L3), in parallel over
// fixed blocks like the passes. Bytes counted as STREAM does: 24 per element (2 reads, 1 write;
// the write-allocate read of a[] is not counted).
void BM_Triad(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::size_t n = std::size_t{1} << 24;
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  const std::size_t block = 1 << 16;
  tbb::parallel_for(std::size_t{0}, n / block, [&](std::size_t k) {
    for (std::size_t i = k * block; i < (k + 1) * block; ++i) { a[i] = 0; b[i] = 1.0; c[i] = 2.0; }
  });
  const double s = 3.0;
  for (auto _ : state) {
    tbb::parallel_for(std::size_t{0}, n / block, [&](std::size_t k) {
      double* __restrict pa = a.get();
      const double* __restrict pb = b.get();
      const double* __restrict pc = c.get();
      for (std::size_t i = k * block; i < (k + 1) * block; ++i) pa[i] = pb[i] + s * pc[i];
    });
    benchmark::DoNotOptimize(a[n / 2]);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(3 * sizeof(double) * n));
}
BENCHMARK(BM_Triad)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime()->MinTime(1.0)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
