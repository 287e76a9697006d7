// Internal: the transcendental functions of the yearly step's firm passes, evaluated for many
// firms at once in SIMD lanes (issue 17; docs/performance.md).
//
// exp, log, sin and cos are fdlibm's algorithms (the polynomials of Sun's fdlibm 5.3, as in
// musl and FreeBSD's libm; error < 1 ulp) written without branches, on GCC vector types of 2,
// 4 or 8 doubles. Every operation is an IEEE addition, multiplication, division or an integer
// operation on the bits, and the file is compiled without contraction into FMA
// (-ffp-contract=off), so a value does not depend on the lane width chosen at run time
// (SSE2, AVX2, AVX-512), nor on the lane or block a firm falls in: results are bit-identical
// across machines of x86-64, thread counts and MPI ranks. They differ from glibc's libm in the
// last bit of some values (tests/model/vmath.test.cpp: at most 1 ulp from glibc on the ranges
// the step uses).
//
// Each kernel reads and writes arrays of n values (any n; no allocation).
#pragma once

#include <cstddef>
#include <cstdint>

namespace zonesim::detail::vmath {

// Lanes in use: 8 (AVX-512F), 4 (AVX2) or 2 (SSE2), chosen from the CPU at the first call.
// use_lanes(w) forces the widest of 8, 4, 2 that is at most w and the CPU has (tests: every width
// gives the same bits).
int lanes();
void use_lanes(int w);

// out[k] = exp(x[k]) (x below -745 gives 0, above 709.78 +inf; finite x only).
void exp(std::size_t n, const double* x, double* out);
// out[k] = log(x[k]), x positive and normal.
void log(std::size_t n, const double* x, double* out);
// out[k] = cos(2 pi u[k]) for u in [0, 1] (the reduction is exact in u).
void cos_2pi(std::size_t n, const double* u, double* out);

// The demand pass's shock and growth for a block of firms (demand_rd.cpp; the rule of
// docs/model.md 3.2, written as there):
//   b = clamp(shock_scale (max(d / count_scale, 1e4) / 1e8)^-0.15, 0.02, 0.6)
//   e = -b sgn(u) ln(1 - 2|u|) + ln(1 - b^2)           (u = the stream's uniform - 1/2)
//   g = growth[k] + ln max(1e-6, 1 + chi (ratio[k] - 1)) + e
//   d' = d exp(clamp(g, -3, 3))
// d is read and written; x^-0.15 is exp(-0.15 ln x); count_scale: region.firm_count_scale (a
// real firm's size is a model firm's / k).
void demand_shock(std::size_t n, double* d, const double* u, const double* ratio, const double* growth,
                  double shock_scale, double chi, double count_scale);

// Box-Muller's standard normal from two uniforms, as Stream::normal: sqrt(-2 ln u1) cos(2 pi u2).
void normal(std::size_t n, const double* u1, const double* u2, double* out);

// A, A^0.3, A^0.7 from ln A: exp(ln_a), exp(0.3 ln_a), exp(0.7 ln_a) (Firms::set_log_productivity).
void productivity_powers(std::size_t n, const double* ln_a, double* a, double* a03, double* a07);

// The first Philox4x32-10 block of the streams Stream(seed, replication, first + k, year,
// purpose) for k < n (substream 0), as the uniforms the stream's first two uniform() calls
// return: u0[k] and u1[k] (u1 may be null). The same numbers as zonesim::Stream
// (tests/model/vmath.test.cpp), computed for a block of firms at once.
void first_uniforms(std::size_t n, std::uint64_t seed, std::uint32_t replication, std::uint32_t first,
                    int year, std::uint32_t purpose, double* u0, double* u1);

}  // namespace zonesim::detail::vmath
