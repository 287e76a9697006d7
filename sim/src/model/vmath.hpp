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

// The production pass's arithmetic (passes/production.cpp, which states the rules) for firms
// [first, first + n) of a block, all of one zone: the same IEEE operations in the same order as
// the scalar rules, with branches as selects, so every firm gets the scalar code's bits. Inputs
// and outputs are the block's arrays (indices first ... first + n - 1); a dead firm's lanes are
// computed but not used.
struct OutputRdLanes {
  // in: capital, A^0.3, the sector's capital/output ratio, demand, patents last year, R&D
  // intensity before the talent cap, researcher queue (CertQueue), relabelled share, the
  // zone-sector's spillover share
  const double *capital, *p03, *k_ratio, *demand, *patents, *rd_intensity, *queue, *relabelled, *spill;
  // out: output, award, award paid, R&D intensity after the cap, R&D, relabelled and real R&D,
  // the exponents of the innovation and imitation hazards, a real firm's demand (demand / count_scale)
  double *y, *award, *award_paid, *rd_intensity_capped, *rd, *rd_relabelled, *rd_real, *x_in, *x_im, *real_demand;
  double fund, patents_last, claims_paid_share, cap_keep, cap, institutes_pull;  // the zone's
  double passthrough, count_scale, zeta_in, zeta_im, im_rd_weight, rd_norm;
};
void output_and_rd(std::size_t first, std::size_t n, const OutputRdLanes& b);

struct AccountsLanes {
  // in: this year's output, real R&D, R&D intensity, R&D, award paid, A^0.7 and A^0.3 (after
  // this year's change), capital, demand, the zone-sector's output per worker, the sector's
  // value added ratio, expected growth and capital/output ratio, last year's output, the
  // window's sales_before, rd_before, rd_last, cert_until, last_innovation, the retrofit draw,
  // the capital the firm's land holds, its land
  const double *y, *rd_real, *rd_intensity, *rd, *award_paid, *p07, *p03, *capital, *demand, *opw;
  const double *va_ratio, *growth, *k_ratio, *y_last, *sales_before, *rd_before, *rd_last;
  const double *cert_until, *last_innovation, *draw, *held, *land_mu;
  // out: labour, researchers, certified (1/0), newly certified (1/0), first certified (1/0: newly
  // certified without a certificate the year before; it claims the award), retrofits (1/0), the
  // retrofit subsidy and its cost to the firm, value added, taxes, profit, land request, the
  // capital the land holds after in-situ intensification; a real firm's output (y / count_scale),
  // output and taxes per mu (y / land, tax / land: whatever the land, used where it is positive)
  double *labour, *researchers, *certified, *newly_certified, *first_certified, *retrofits, *retro_subsidy, *retro_cost_firm;
  double *va, *tax, *profit, *land_request, *held_after, *real_y, *y_per_mu, *tax_per_mu;
  // the zone's
  double wage_researcher, tech_science, retro_rate, retro_threshold, claims_paid_share, value_added_scale;
  double wage_mix, subsidy_rate_paid, super_deduction, tax_certified, credit_rate, density_new;
  double insitu_rate, density_max;
  double cert_award;  // the certification award per model firm (ZoneRates::cert_award)
  // the run's and the year's
  double theta, retro_cost, vat, delta, tax_std, count_scale, year, lookback, certificate_years;
  double cert_researcher_share, base_utilisation;
};
void accounts(std::size_t first, std::size_t n, const AccountsLanes& b);

// The land grants' arithmetic (passes/grants_exits.cpp, which states the rules) for firms
// [first, first + n) of a block, all of one zone, as output_and_rd above.
struct GrantLanes {
  // in: land asked for, the share of it granted (its zone and class), demand, the sector's
  // expected growth and capital/output ratio, A^0.3, capital, profit, the capital its land holds,
  // its land
  const double *land_request, *fraction, *demand, *growth, *k_ratio, *p03, *capital, *profit, *held, *land_mu;
  // out: granted land left idle, the capital the land holds with the new land, investment,
  // capital and land after it
  double *idle, *held_after, *invest, *capital_after, *land_after;
  double credit_rate, density_new;                           // the zone's
  double idle_share, delta, base_utilisation;                // the run's
};
void grant(std::size_t first, std::size_t n, const GrantLanes& b);

// The demand pass's R&D choice (passes/demand_rd.cpp, which states the rules) for firms
// [first, first + n) of a block, all of one zone, as output_and_rd above: the desired intensity,
// the expected taxable profit, the certification plan (plan_certification, step.hpp: its waiting
// years, value and cost over the same years in the same order, its loop's 3-5 years as selects),
// the partial adjustment, the R&D intensity chosen, the researcher queue, and the researchers and
// technical workers asked for.
struct RdChoiceLanes {
  // in: this year's demand (sales), the firm's R&D propensity mu, the sector's R&D factor,
  // cert_until, last year's output (sales) and profit, last year's R&D intensity, the
  // zone-sector's output per worker, A^0.7, the 3-year window's sales_before, rd_last, rd_before
  const double *demand, *mu, *sector_rd, *cert_until, *output, *profit, *rd_intensity, *opw, *p07;
  const double *sales_before, *rd_last, *rd_before;
  // out: the R&D intensity chosen, the researcher queue (CertQueue: 0 other, 1 applicant, 2
  // keeper), the relabelled share, the certificate's surplus (an applicant's), the adjusted
  // intensity (an applicant's fallback), researchers asked for in the keepers' queue (a
  // keeper's) and in the others' (a keeper's or another's; not an applicant's), technical workers
  double *rho, *queue, *relabelled, *surplus, *adjusted, *keep_researchers, *researchers, *technical;
  // the zone's: P^eps uncertified and certified, the standard tax rate, the tax saving rate, a
  // certified firm's after-tax cost of R&D, the relabelling gain, the award after tax, the
  // researcher wage, the technical share
  double user_cost_pow0, user_cost_pow1, tax_std, tax_saving_rate, after_tax_cost, relabel_gain, award;
  double wage_researcher, tech_share;
  // the run's and the year's: the adjustment speed, the R&D personnel share, count_scale, the
  // year, kMaxRdIntensity, rd_relabel_share, the discount factors beta^k (k < 5, as
  // plan_certification's loop forms them: w = 1, then w *= beta)
  double speed, theta, count_scale, year, max_intensity, relabel_share;
  double discount[5];
};
void rd_choice(std::size_t first, std::size_t n, const RdChoiceLanes& b);

}  // namespace zonesim::detail::vmath
