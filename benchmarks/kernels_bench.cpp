// What a vectorised step would gain, kernel by kernel (docs/performance.md, "What bounds the
// step"): the per-firm random block and the libm calls of the step, as the step does them now
// (one zonesim::Stream per firm, glibc pow/log/exp one value at a time) and in SIMD lanes
// (Philox4x32-10 over 16 firms' counters at once; xsimd's pow/log/exp on 8 doubles). The
// batched Philox gives exactly the scalar numbers (checked before timing: the lanes change only
// how they are computed, so results would stay bit-identical); xsimd's libm does not (within a
// few ulp), so adopting it changes results in their last bits.
//
// Built with -march=native (its own program, so that no other code is compiled for this
// machine only): zonesim_kernels [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "zonesim/rng.hpp"

namespace {

constexpr std::size_t kN = 4096;  // one chunk of a firm pass
constexpr std::uint64_t kSeed = 4242;
constexpr std::uint32_t kRep = 0;
constexpr int kYear = 2023;

// What pass A does for each firm: a stream keyed by (seed, replication, firm, year, demand) and
// its first uniform. Kept scalar as in the step, where the stream is made inside a firm body
// the compiler does not vectorise (here it would: -O3 -march=native turns this loop into the
// lanes below by itself).
__attribute__((optimize("no-tree-vectorize"))) void scalar_uniforms(std::uint32_t first, double* out) {
  for (std::size_t i = 0; i < kN; ++i) {
    zonesim::Stream rng(kSeed, kRep, first + static_cast<std::uint32_t>(i), kYear, zonesim::Purpose::demand);
    out[i] = rng.uniform();
  }
}

// The same first blocks, 16 firms' counters a round, as plain loops over lanes that the
// compiler turns into vector multiplies (vpmuludq). Philox4x32-10: R123's constants.
constexpr std::size_t kLanes = 16;
inline void philox_lanes(std::uint32_t c0[kLanes], std::uint32_t c1[kLanes], std::uint32_t c2[kLanes],
                         std::uint32_t c3[kLanes], std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
  for (int r = 0; r < 10; ++r) {
    for (std::size_t j = 0; j < kLanes; ++j) {
      const std::uint64_t p0 = std::uint64_t{M0} * c0[j], p1 = std::uint64_t{M1} * c2[j];
      const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
      const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
      const std::uint32_t n0 = hi1 ^ c1[j] ^ k0, n2 = hi0 ^ c3[j] ^ k1;
      c0[j] = n0;
      c1[j] = lo1;
      c2[j] = n2;
      c3[j] = lo0;
    }
    k0 += W0;
    k1 += W1;
  }
}

void batched_uniforms(std::uint32_t first, double* out) {
  const auto k0 = static_cast<std::uint32_t>(kSeed), k1 = static_cast<std::uint32_t>(kSeed >> 32);
  const std::uint32_t word2 = (static_cast<std::uint32_t>(kYear) << 8) |
                              static_cast<std::uint32_t>(zonesim::Purpose::demand);
  for (std::size_t b = 0; b < kN; b += kLanes) {
    alignas(64) std::uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (std::size_t j = 0; j < kLanes; ++j) {
      c0[j] = first + static_cast<std::uint32_t>(b + j);
      c1[j] = kRep;
      c2[j] = word2;
      c3[j] = 0;
    }
    philox_lanes(c0, c1, c2, c3, k0, k1);
    for (std::size_t j = 0; j < kLanes; ++j) out[b + j] = (static_cast<double>(c0[j]) + 0.5) * 0x1p-32;
  }
}

void BM_PhiloxPerFirmStream(benchmark::State& state) {
  std::vector<double> out(kN);
  std::uint32_t first = 0;
  for (auto _ : state) {
    scalar_uniforms(first, out.data());
    benchmark::DoNotOptimize(out.data());
    first += kN;
  }
  state.counters["ns_per_firm"] = benchmark::Counter(static_cast<double>(state.iterations() * kN),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PhiloxPerFirmStream);

void BM_PhiloxLanes(benchmark::State& state) {
  std::vector<double> out(kN), ref(kN);
  for (std::uint32_t first : {0u, 123456u, 4000000000u}) {  // bit-identical to the streams
    scalar_uniforms(first, ref.data());
    batched_uniforms(first, out.data());
    for (std::size_t i = 0; i < kN; ++i)
      if (out[i] != ref[i]) {
        state.SkipWithError("batched Philox differs from zonesim::Stream");
        return;
      }
  }
  std::uint32_t first = 0;
  for (auto _ : state) {
    batched_uniforms(first, out.data());
    benchmark::DoNotOptimize(out.data());
    first += kN;
  }
  state.counters["ns_per_firm"] = benchmark::Counter(static_cast<double>(state.iterations() * kN),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PhiloxLanes);

// Demand sizes spread like a synthetic zone's (10^5 .. 10^10 yuan).
std::vector<double> demands() {
  std::vector<double> d(kN);
  zonesim::Stream rng(1, 0, 0, 0, zonesim::Purpose::population);
  for (double& x : d) x = std::exp(std::log(1e5) + rng.uniform() * std::log(1e5));
  return d;
}

// Pass A's libm work per firm: b = (d / 1e8)^-0.15, the Laplace shock's log, ln(1 - b^2), the
// replicator's log and the growth's exp (1 pow, 3 log, 1 exp).
void BM_PassALibmScalar(benchmark::State& state) {
  const std::vector<double> d = demands();
  std::vector<double> out(kN);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) {
      const double b = 0.12 * std::pow(d[i] / 1e8, -0.15);
      const double x = std::log(1.0 - b) + std::log(1.0 - b * b) + std::log(1.0 + 1e-3 * b);
      out[i] = std::exp(0.05 + x);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_firm"] = benchmark::Counter(static_cast<double>(state.iterations() * kN),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PassALibmScalar);

void BM_PassALibmXsimd(benchmark::State& state) {
  using B = xsimd::batch<double>;
  const std::vector<double> d = demands();
  std::vector<double> out(kN);
  double max_rel = 0;  // against glibc, for the docs: how far the last bits move
  for (std::size_t i = 0; i + B::size <= kN; i += B::size) {
    const B b = B(0.12) * xsimd::pow(B::load_unaligned(&d[i]) / B(1e8), B(-0.15));
    const B x = xsimd::log(B(1.0) - b) + xsimd::log(B(1.0) - b * b) + xsimd::log(B(1.0) + B(1e-3) * b);
    alignas(64) double v[B::size];
    xsimd::exp(B(0.05) + x).store_aligned(v);
    for (std::size_t j = 0; j < B::size; ++j) {
      const double bb = 0.12 * std::pow(d[i + j] / 1e8, -0.15);
      const double r = std::exp(0.05 + std::log(1.0 - bb) + std::log(1.0 - bb * bb) + std::log(1.0 + 1e-3 * bb));
      max_rel = std::max(max_rel, std::fabs(v[j] - r) / r);
    }
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i + B::size <= kN; i += B::size) {
      const B b = B(0.12) * xsimd::pow(B::load_unaligned(&d[i]) / B(1e8), B(-0.15));
      const B x = xsimd::log(B(1.0) - b) + xsimd::log(B(1.0) - b * b) + xsimd::log(B(1.0) + B(1e-3) * b);
      xsimd::exp(B(0.05) + x).store_unaligned(&out[i]);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns_per_firm"] = benchmark::Counter(static_cast<double>(state.iterations() * kN),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["lanes"] = static_cast<double>(B::size);
  state.counters["max_rel_diff_vs_glibc"] = max_rel;
}
BENCHMARK(BM_PassALibmXsimd);

}  // namespace

BENCHMARK_MAIN();
