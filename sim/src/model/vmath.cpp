// The step's transcendental functions in SIMD lanes (vmath.hpp). fdlibm's exp, log, sin and cos
// without branches, on GCC vector types of W = 2, 4 or 8 doubles; the width is chosen once per
// process from the CPU (AVX-512F: 8, AVX2: 4, else 2). Compiled with -ffp-contract=off
// (sim/CMakeLists.txt): only correctly rounded IEEE operations, so every width gives the same bits.
#include "vmath.hpp"

#include <immintrin.h>  // declares the x86 builtins (__builtin_ia32_pmuludq*) used below

#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>

#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of the inlined helpers

namespace zonesim::detail::vmath {
namespace {

template <int W> struct Lanes;
template <> struct Lanes<2> {
  typedef double D __attribute__((vector_size(16)));
  typedef std::int64_t I __attribute__((vector_size(16)));
  typedef std::uint64_t U __attribute__((vector_size(16)));
};
template <> struct Lanes<4> {
  typedef double D __attribute__((vector_size(32)));
  typedef std::int64_t I __attribute__((vector_size(32)));
  typedef std::uint64_t U __attribute__((vector_size(32)));
};
template <> struct Lanes<8> {
  typedef double D __attribute__((vector_size(64)));
  typedef std::int64_t I __attribute__((vector_size(64)));
  typedef std::uint64_t U __attribute__((vector_size(64)));
};

#define ZS_INLINE inline __attribute__((always_inline))

template <class D> ZS_INLINE D splat(double v) { return D{} + v; }
// A vector's bits as another vector type of the same size (GCC's vector cast; std::bit_cast on
// 512-bit vectors draws UBSan's "load of null pointer" in the -O0 sanitizer build).
template <class D, class I> ZS_INLINE I bits(const D& x) { return (I)x; }
template <class D, class I> ZS_INLINE D from_bits(const I& x) { return (D)x; }

constexpr double kShifter = 0x1.8p52;          // adding it rounds |x| < 2^51 to an integer
constexpr std::int64_t kShifterBits = 0x4338000000000000;

// fdlibm e_exp.c, for all x at once (k = round(x / ln 2); no special cases but the thresholds).
template <class D, class I> ZS_INLINE D exp_v(const D& x) {
  constexpr double o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02;
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double invln2 = 1.44269504088896338700e+00;
  constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
                   P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
                   P5 = 4.13813679705723846039e-08;
  const D xc = x < -746.0 ? splat<D>(-746.0) : (x > 710.0 ? splat<D>(710.0) : x);
  const D kd_s = xc * invln2 + kShifter;
  const I k = bits<D, I>(kd_s) - kShifterBits;
  const D kd = kd_s - kShifter;
  const D hi = xc - kd * ln2_hi;
  const D lo = kd * ln2_lo;
  const D r = hi - lo;
  const D t = r * r;
  const D c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const D y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  // y 2^k as y 2^k1 2^k2 (k1 = floor(k / 2)): both factors normal for k in [-1075, 1024].
  const I k1 = k >> 1, k2 = k - k1;
  const D s1 = from_bits<D, I>((k1 + 1023) << 52), s2 = from_bits<D, I>((k2 + 1023) << 52);
  D res = y * s1 * s2;
  res = x > o_threshold ? splat<D>(std::numeric_limits<double>::infinity()) : res;
  res = x < u_threshold ? splat<D>(0.0) : res;
  return res;
}

// fdlibm e_log.c for positive normal x (its shortcut for |f| < 2^-20 left out: the general
// formula holds there too).
template <class D, class I> ZS_INLINE D log_v(const D& x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  const I b = bits<D, I>(x);
  const I high = b >> 32;
  I k = (high >> 20) - 1023;
  const I hx = high & 0x000fffff;
  const I i = (hx + 0x95f64) & 0x100000;
  // x or x/2 normalised into [sqrt(2)/2, sqrt(2)).
  const D xm = from_bits<D, I>(((hx | (i ^ 0x3ff00000)) << 32) | (b & 0xffffffff));
  k += i >> 20;
  const D f = xm - 1.0;
  const D s = f / (2.0 + f);
  const D dk = from_bits<D, I>(k + kShifterBits) - kShifter;
  const D z = s * s;
  const D w = z * z;
  const D t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const D t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const D R = t2 + t1;
  const D hfsq = 0.5 * f * f;
  const D with_hfsq = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  const D without = dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
  return ((hx - 0x6147a) | (0x6b851 - hx)) > 0 ? with_hfsq : without;
}

// fdlibm k_cos.c and k_sin.c (FreeBSD's form) for |x| <= pi/4, tail y = 0.
template <class D> ZS_INLINE D kcos(const D& x) {
  constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                   C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                   C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const D z = x * x;
  const D w = z * z;
  const D r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const D hz = 0.5 * z;
  const D v = 1.0 - hz;
  return v + (((1.0 - v) - hz) + z * r);
}
template <class D> ZS_INLINE D ksin(const D& x) {
  constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                   S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                   S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const D z = x * x;
  const D w = z * z;
  const D r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const D v = z * x;
  return x + v * (S1 + z * r);
}
// cos(2 pi u): u in quarter turns, t = 4u = q + r exactly (|r| <= 1/2), angle r pi/2.
template <class D, class I> ZS_INLINE D cos_2pi_v(const D& u) {
  constexpr double pio2 = 1.57079632679489661923e+00;
  const D t = u * 4.0;
  const D q_s = t + kShifter;
  const I q = (bits<D, I>(q_s) - kShifterBits) & 3;
  const D r = t - (q_s - kShifter);
  const D a = r * pio2;
  const D c = kcos(a), s = ksin(a);
  const D lo = q == 0 ? c : -s;  // quadrants 0, 1
  const D hi = q == 2 ? -c : s;  // quadrants 2, 3
  return q < 2 ? lo : hi;
}

template <class D> ZS_INLINE D sqrt_v(const D& x) {
  D r;
  for (std::size_t j = 0; j < sizeof(D) / sizeof(double); ++j) r[j] = __builtin_sqrt(x[j]);
  return r;
}
template <class D> ZS_INLINE D clamp_v(const D& v, double lo, double hi) {  // std::clamp's order
  return v < lo ? splat<D>(lo) : (hi < v ? splat<D>(hi) : v);
}
template <class D> ZS_INLINE D max_v(const D& a, double b) { return a < b ? splat<D>(b) : a; }  // std::max(a, b)
template <class D> ZS_INLINE D max_v(double a, const D& b) { return a < b ? b : splat<D>(a); }  // std::max(a, b)
template <class D> ZS_INLINE D max_v(const D& a, const D& b) { return a < b ? b : a; }  // std::max(a, b)
template <class D> ZS_INLINE D min_v(const D& a, const D& b) { return b < a ? b : a; }  // std::min(a, b)
// A real firm's value of a model firm's x, x / count_scale, without the division when the
// scale is 1 (x / 1 = x for every x): most scenarios, whose divisions by their scale would cost
// as much as any other (the divider takes ≈ 2 cycles a double at every width).
template <class D> ZS_INLINE D per_real_firm(const D& x, double count_scale) {
  if (count_scale == 1.0) return x;
  return x / count_scale;
}
// certification_rd_threshold (context.hpp) of each lane's revenue.
template <class D> ZS_INLINE D cert_threshold_v(const D& revenue) {
  return revenue <= 5e7 ? splat<D>(0.05) : (revenue <= 2e8 ? splat<D>(0.04) : splat<D>(0.03));
}

// x, as a value GCC cannot see into (an empty asm statement that may change it, in a vector
// register): it keeps the select that made x from being folded with the operations after it.
template <class D> ZS_INLINE D opaque(D x) {
  __asm__("" : "+v"(x));
  return x;
}

// Runs fn over n values in blocks of W lanes; the last block is padded with `fill`.
template <int W, std::size_t NIn, std::size_t NOut, class Fn>
ZS_INLINE void over_lanes(std::size_t n, const double* const (&in)[NIn], const double (&fill)[NIn],
                          double* const (&out)[NOut], Fn&& fn) {
  using D = typename Lanes<W>::D;
  std::size_t k = 0;
  D a[NIn], r[NOut];
  for (; k + W <= n; k += W) {
    // Unrolled (GCC leaves loops of more than a few arrays rolled, through a copy on the stack).
#pragma GCC unroll 32
    for (std::size_t j = 0; j < NIn; ++j) std::memcpy(&a[j], in[j] + k, sizeof(D));
    fn(a, r);
#pragma GCC unroll 32
    for (std::size_t j = 0; j < NOut; ++j) std::memcpy(out[j] + k, &r[j], sizeof(D));
  }
  if (k < n) {
    for (std::size_t j = 0; j < NIn; ++j) {
      a[j] = splat<D>(fill[j]);
      std::memcpy(&a[j], in[j] + k, (n - k) * sizeof(double));
    }
    fn(a, r);
    for (std::size_t j = 0; j < NOut; ++j) std::memcpy(out[j] + k, &r[j], (n - k) * sizeof(double));
  }
}

template <int W> struct Kernels {
  using D = typename Lanes<W>::D;
  using I = typename Lanes<W>::I;
  static ZS_INLINE void exp(std::size_t n, const double* x, double* out) {
    over_lanes<W, 1, 1>(n, {x}, {0.0}, {out},
                        [](const D* a, D* r) __attribute__((always_inline)) { r[0] = exp_v<D, I>(a[0]); });
  }
  static ZS_INLINE void log(std::size_t n, const double* x, double* out) {
    over_lanes<W, 1, 1>(n, {x}, {1.0}, {out},
                        [](const D* a, D* r) __attribute__((always_inline)) { r[0] = log_v<D, I>(a[0]); });
  }
  static ZS_INLINE void cos_2pi(std::size_t n, const double* u, double* out) {
    over_lanes<W, 1, 1>(n, {u}, {0.0}, {out},
                        [](const D* a, D* r) __attribute__((always_inline)) { r[0] = cos_2pi_v<D, I>(a[0]); });
  }
  static ZS_INLINE void demand_shock(std::size_t n, double* d, const double* u, const double* ratio,
                                     const double* growth, double shock_scale, double chi,
                                     double count_scale) {
    over_lanes<W, 4, 1>(n, {d, u, ratio, growth}, {1e8, 0.25, 1.0, 0.0}, {d},
                        [&](const D* a, D* r) __attribute__((always_inline)) {
      const D dd = a[0], uu = a[1];
      const D x = max_v(per_real_firm(dd, count_scale), 1e4) / 1e8;
      const D b = clamp_v(shock_scale * exp_v<D, I>(-0.15 * log_v<D, I>(x)), 0.02, 0.6);
      const D au = uu < 0.0 ? -uu : uu;
      const D sign = uu < 0.0 ? splat<D>(-1.0) : splat<D>(1.0);
      const D e = -b * sign * log_v<D, I>(1.0 - 2.0 * au) + log_v<D, I>(1.0 - b * b);
      const D share = max_v(1e-6, 1.0 + chi * (a[2] - 1.0));
      const D g = a[3] + log_v<D, I>(share) + e;
      r[0] = dd * exp_v<D, I>(clamp_v(g, -3.0, 3.0));
    });
  }
  static ZS_INLINE void normal(std::size_t n, const double* u1, const double* u2, double* out) {
    over_lanes<W, 2, 1>(n, {u1, u2}, {0.5, 0.0}, {out}, [](const D* a, D* r) __attribute__((always_inline)) {
      r[0] = sqrt_v(-2.0 * log_v<D, I>(a[0])) * cos_2pi_v<D, I>(a[1]);
    });
  }
  // passes/production.cpp's output_and_rd and the exponents of its hazards.
  static ZS_INLINE void output_and_rd(std::size_t first, std::size_t n, const OutputRdLanes& b) {
    constexpr double ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::size_t f = first;
    over_lanes<W, 9, 10>(
        n, {b.capital + f, b.p03 + f, b.k_ratio + f, b.demand + f, b.patents + f, b.rd_intensity + f, b.queue + f,
            b.relabelled + f, b.spill + f},
        ones,
        {b.y + f, b.award + f, b.award_paid + f, b.rd_intensity_capped + f, b.rd + f, b.rd_relabelled + f,
         b.rd_real + f, b.x_in + f, b.x_im + f, b.real_demand + f},
        [&](const D* a, D* r) __attribute__((always_inline)) {
          const D capital = a[0], p03 = a[1], k_ratio = a[2], demand = a[3], patents = a[4], rho0 = a[5];
          const D q = a[6], relabelled = a[7], spill = a[8];
          const D cap = capital * p03 / k_ratio;
          const D y = min_v(demand, cap);
          const D award = b.patents_last > 0 ? b.fund * patents / b.patents_last : splat<D>(0.0);
          const D award_paid = award * b.claims_paid_share;
          // capped_rd_intensity (step.hpp) with keeper_share's threshold
          const D real_demand = per_real_firm(demand, b.count_scale);
          const D kept = min_v(rho0, cert_threshold_v(real_demand) * 1.02);
          const D keeper = kept * b.cap_keep + (rho0 - kept) * b.cap;
          const D rdi = q == 1.0 ? rho0 : (q == 2.0 ? keeper : rho0 * b.cap);
          const D rd = rdi * y + b.passthrough * award_paid;
          const D rd_relabelled = relabelled * rdi * y;
          const D rd_real = rd - rd_relabelled;
          const D rho = y > 0.0 ? rd_real / y : splat<D>(0.0);
          r[0] = y, r[1] = award, r[2] = award_paid, r[3] = rdi, r[4] = rd, r[5] = rd_relabelled, r[6] = rd_real;
          r[7] = -b.zeta_in * rho / b.rd_norm;
          r[8] = -b.zeta_im * (b.im_rd_weight * rho / b.rd_norm + spill + b.institutes_pull);
          r[9] = real_demand;
        });
  }
  // passes/production.cpp's staff, certify, retrofit (its money), accounts and plan_investment.
  static ZS_INLINE void accounts(std::size_t first, std::size_t n, const AccountsLanes& b) {
    constexpr double ones[22] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::size_t f = first;
    over_lanes<W, 22, 16>(
        n, {b.y + f, b.rd_real + f, b.rd_intensity + f, b.rd + f, b.award_paid + f, b.p07 + f, b.p03 + f,
            b.capital + f, b.demand + f, b.opw + f, b.va_ratio + f, b.growth + f, b.k_ratio + f, b.y_last + f,
            b.sales_before + f, b.rd_before + f, b.rd_last + f, b.cert_until + f, b.last_innovation + f,
            b.draw + f, b.held + f, b.land_mu + f},
        ones,
        {b.labour + f, b.researchers + f, b.certified + f, b.newly_certified + f, b.first_certified + f, b.retrofits + f,
         b.retro_subsidy + f, b.retro_cost_firm + f, b.va + f, b.tax + f, b.profit + f, b.land_request + f,
         b.held_after + f, b.real_y + f, b.y_per_mu + f, b.tax_per_mu + f},
        [&](const D* a, D* r) __attribute__((always_inline)) {
          const D y = a[0], rd_real = a[1], rdi = a[2], rd = a[3], award_paid = a[4], p07 = a[5], p03 = a[6];
          const D capital = a[7], demand = a[8], opw = a[9], va_ratio = a[10], growth = a[11], k_ratio = a[12];
          const D y_last = a[13], sales_before = a[14], rd_before = a[15], rd_last = a[16];
          const D cert_until = a[17], last_innovation = a[18], draw = a[19], held = a[20], land_mu = a[21];
          // staff
          const D labour = y / (opw * p07);
          const D researchers = rd_real * b.theta / b.wage_researcher;
          // certify
          const D rd_3y = rd_before + rd_last + rd;
          const D sales_3y = sales_before + y_last + y;
          const D real_y = per_real_firm(y, b.count_scale);
          // The conditions as 1.0 / 0.0 combined by products (exact: 1 x 1 = 1, 1 x 0 = 0 x 0 =
          // +0; the same comparisons, so the same answers for every input, NaN and infinities
          // included). The `&` of comparison masks, and products of selects (GCC folds them back
          // into that `&`), were computed an element at a time at AVX-512 (100 scalar vcomisd);
          // each select is passed through `opaque`, which GCC cannot see into.
          const D one = splat<D>(1.0), zero = splat<D>(0.0);
          const D meets = opaque(rd_3y >= cert_threshold_v(real_y) * sales_3y ? one : zero) *
                          opaque(researchers + b.tech_science * labour >= b.cert_researcher_share * (labour + researchers) ? one : zero) *
                          opaque(last_innovation > b.year - b.lookback ? one : zero);
          const D newly_v = opaque(cert_until < b.year ? one : zero) * opaque(y > 0.0 ? one : zero) * meets;
          const D first_cert_v = newly_v * opaque(cert_until < b.year - 1.0 ? one : zero);
          const auto newly = newly_v != 0.0;
          const auto first_cert = first_cert_v != 0.0;
          const D until = newly ? splat<D>(b.year + b.certificate_years - 1.0) : cert_until;
          const auto certified = until >= b.year;
          // retrofit
          const auto retrofits = draw < b.retro_threshold;
          const D cost = b.retro_cost * y;
          const D subsidy_retro = b.retro_rate * cost;
          const D cost_firm = cost - subsidy_retro * b.claims_paid_share;
          const D retro_subsidy = retrofits ? subsidy_retro : splat<D>(0.0);
          const D retro_cost_firm = retrofits ? cost_firm : splat<D>(0.0);
          // accounts
          const D va = va_ratio * y * b.value_added_scale;
          const D wages = labour * b.wage_mix;
          const D subsidy = b.subsidy_rate_paid * rdi * y;
          const D vat_paid = b.vat * va;
          D pre_tax = va - wages - b.delta * capital - rd_real + subsidy + award_paid - retro_cost_firm - vat_paid;
          // The certification award, taxable income; the firm counts on the share of claims paid.
          if (b.cert_award > 0) pre_tax = first_cert ? pre_tax + b.cert_award * b.claims_paid_share : pre_tax;
          const D taxable = pre_tax - b.super_deduction * rd;
          const D tax_rate = certified ? splat<D>(b.tax_certified) : splat<D>(b.tax_std);
          const D cit = tax_rate * max_v(0.0, taxable);
          const D profit = pre_tax - cit;
          const D tax = vat_paid + cit;
          // plan_investment
          const D k_star = demand * (1.0 + growth) * k_ratio / (p03 * b.base_utilisation);
          const D wanted = max_v(0.0, k_star - (1.0 - b.delta) * capital);
          const D credit = b.credit_rate * capital;
          const D invest = min_v(wanted, max_v(0.0, profit) + credit);
          const D k_after = (1.0 - b.delta) * capital + invest;
          // insitu_capacity_added (step.hpp): max(0, min({planned - held, rate held, ceiling - held}))
          const D ceiling = land_mu * b.density_max;
          D added = k_after - held;
          added = min_v(added, b.insitu_rate * held);
          added = min_v(added, ceiling - held);
          added = max_v(0.0, added);
          const D held_after = b.insitu_rate > 0 ? (k_after > held ? held + added : held) : held;
          const D request = max_v(0.0, k_after - held_after) / b.density_new;
          r[0] = labour, r[1] = researchers;
          r[2] = certified ? splat<D>(1.0) : splat<D>(0.0);
          r[3] = newly_v, r[4] = first_cert_v;
          r[5] = retrofits ? splat<D>(1.0) : splat<D>(0.0);
          r[6] = retro_subsidy, r[7] = retro_cost_firm, r[8] = va, r[9] = tax, r[10] = profit;
          r[11] = invest > 0.0 ? request : splat<D>(0.0);
          r[12] = held_after;
          r[13] = real_y, r[14] = y / land_mu, r[15] = tax / land_mu;
        });
  }
  // passes/grants_exits.cpp's land grant and investment.
  static ZS_INLINE void grant(std::size_t first, std::size_t n, const GrantLanes& b) {
    constexpr double ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::size_t f = first;
    over_lanes<W, 10, 5>(
        n, {b.land_request + f, b.fraction + f, b.demand + f, b.growth + f, b.k_ratio + f, b.p03 + f,
            b.capital + f, b.profit + f, b.held + f, b.land_mu + f},
        ones, {b.idle + f, b.held_after + f, b.invest + f, b.capital_after + f, b.land_after + f},
        [&](const D* a, D* r) __attribute__((always_inline)) {
          const D land_request = a[0], fraction = a[1], demand = a[2], growth = a[3], k_ratio = a[4];
          const D p03 = a[5], capital = a[6], profit = a[7], held = a[8], land = a[9];
          const D granted = land_request * fraction;
          const D used = granted * (1.0 - b.idle_share);
          const D k_star = demand * (1.0 + growth) * k_ratio / (p03 * b.base_utilisation);
          const D credit = b.credit_rate * capital / (1.0 - b.delta);
          const D finance = max_v(0.0, profit) + credit;
          const D capacity = held + used * b.density_new;
          const D room = capacity - capital;
          // max(0, min({k_star - capital, finance, room}))
          D invest = k_star - capital;
          invest = min_v(invest, finance);
          invest = min_v(invest, room);
          invest = max_v(0.0, invest);
          r[0] = granted - used, r[1] = capacity, r[2] = invest, r[3] = capital + invest, r[4] = land + used;
        });
  }
  // passes/demand_rd.cpp's R&D choice: the firm body's arithmetic and plan_certification (step.hpp).
  static ZS_INLINE void rd_choice(std::size_t first, std::size_t n, const RdChoiceLanes& b) {
    constexpr double ones[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::size_t f = first;
    over_lanes<W, 12, 8>(
        n, {b.demand + f, b.mu + f, b.sector_rd + f, b.cert_until + f, b.output + f, b.profit + f,
            b.rd_intensity + f, b.opw + f, b.p07 + f, b.sales_before + f, b.rd_last + f, b.rd_before + f},
        ones,
        {b.rho + f, b.queue + f, b.relabelled + f, b.surplus + f, b.adjusted + f, b.keep_researchers + f,
         b.researchers + f, b.technical + f},
        [&](const D* a, D* r) __attribute__((always_inline)) {
          const D d = a[0], mu = a[1], sector_rd = a[2], cert_until = a[3], output = a[4], profit = a[5];
          const D rho0 = a[6], opw = a[7], p07 = a[8], sales_before = a[9], rd_last = a[10], rd_before = a[11];
          // desired: sector factor x mu x P^eps of the firm's certification status
          const D desired = sector_rd * mu * (cert_until >= b.year ? splat<D>(b.user_cost_pow1) : splat<D>(b.user_cost_pow0));
          // expected taxable profit: max(0, profit) / (1 - tax_std) x d / output, 0 without output
          const D taxable = output > 0.0 ? max_v(0.0, profit) / (1.0 - b.tax_std) * d / output : splat<D>(0.0);
          // plan_certification: the band d / count_scale, the threshold aimed at (x 1.02, the
          // margin) and the test's; its first test
          const D test = cert_threshold_v(per_real_firm(d, b.count_scale));
          const D thr = test * 1.02;
          // (conditions as 1.0 / 0.0, combined by products, each select through `opaque`: GCC 12
          // computes the `&` of comparison masks, or products or nested selects it folds into
          // them, an element at a time at AVX-512; see accounts)
          const D one = splat<D>(1.0), zero = splat<D>(0.0);
          D weighs = opaque(desired >= 0.0 ? one : zero) * opaque(desired < thr ? one : zero) *
                     opaque(d > 0.0 ? one : zero);
          if (!(b.award > 0)) weighs = weighs * opaque(taxable > 0.0 ? one : zero);
          // the years it waits (0, 1 or 2) until the 3-year window passes at thr a year
          const auto wait0 = thr * d + rd_last + rd_before >= test * (d + output + sales_before);
          const auto wait1 = 2.0 * thr * d + rd_last >= test * (2.0 * d + output);
          const D real = max_v(desired, (1.0 - b.relabel_share) * thr);
          // The loop over years k < wait + 3, for wait = 0, 1 and 2, selected by wait: the cost
          // of years 0 .. wait + 2 (running sums, in the loop's order), the value of the
          // certificate's years wait .. wait + 2, the award (when it counts) added in year wait.
          const D yearly_cost = (real - desired) * b.after_tax_cost - (thr - real) * b.relabel_gain;
          D cost[3], value[3];
          {
            D c = splat<D>(0.0);
            for (int k = 0; k < 5; ++k) {
              c = c + b.discount[k] * yearly_cost * d;
              if (k >= 2) cost[k - 2] = c;
            }
          }
          const D years_since = b.year - cert_until;
          for (int w = 0; w < 3; ++w) {
            D v = splat<D>(0.0) + b.discount[w] * b.tax_saving_rate * taxable;
            if (b.award > 0) v = years_since + static_cast<double>(w) >= 2.0 ? v + b.discount[w] * b.award : v;
            v = v + b.discount[w + 1] * b.tax_saving_rate * taxable;
            value[w] = v + b.discount[w + 2] * b.tax_saving_rate * taxable;
          }
          const D value_w = wait0 ? value[0] : (wait1 ? value[1] : value[2]);
          const D cost_w = wait0 ? cost[0] : (wait1 ? cost[1] : cost[2]);
          const D pursues = weighs * opaque(value_w > 0.0 ? one : zero) * opaque(value_w > cost_w ? one : zero);
          const auto pursue = pursues != 0.0;
          // partial adjustment, clamped to [0, max]; a pursuer reports thr
          const D adjusted = clamp_v(rho0 + b.speed * (desired - rho0), 0.0, b.max_intensity);
          const D rho = pursue ? clamp_v(thr, 0.0, b.max_intensity) : adjusted;
          // a non-pursuer keeping its R&D at or above its threshold: the keepers' queue
          D keeps = (one - pursues) * opaque(cert_until >= b.year - 1.0 ? one : zero) *
                    opaque(taxable > 0.0 ? one : zero) * opaque(adjusted >= test ? one : zero);
          if (!(b.tax_saving_rate > 0)) keeps = zero;
          const auto keeper = keeps != 0.0;
          const D kept = min_v(adjusted, test * 1.02);  // keeper_share
          // researchers(intensity, 0): intensity (1 - 0) d theta / wage
          r[0] = rho;
          r[1] = pursues + 2.0 * keeps;
          r[2] = pursue ? 1.0 - real / thr : splat<D>(0.0);
          r[3] = pursue ? value_w - cost_w : splat<D>(0.0);
          r[4] = adjusted;
          r[5] = kept * d * b.theta / b.wage_researcher;
          r[6] = (keeper ? adjusted - kept : adjusted) * d * b.theta / b.wage_researcher;
          r[7] = b.tech_share * (d / (opw * p07));
        });
  }
  static ZS_INLINE void productivity_powers(std::size_t n, const double* ln_a, double* a, double* a03,
                                            double* a07) {
    over_lanes<W, 1, 3>(n, {ln_a}, {0.0}, {a, a03, a07}, [](const D* x, D* r) __attribute__((always_inline)) {
      r[0] = exp_v<D, I>(x[0]);
      r[1] = exp_v<D, I>(0.3 * x[0]);
      r[2] = exp_v<D, I>(0.7 * x[0]);
    });
  }
};

// The 64-bit products of the low 32-bit halves of a's and m's lanes: one (v)pmuludq per
// vector. GCC's generic 64-bit vector multiply needs three (it cannot see that the high halves
// are zero) and AVX-512F has no full 64-bit multiply; the product is the same. The builtins,
// unlike the intrinsics, inline into the per-width entry points below with their `target`.
template <int W> struct Mul32;
template <> struct Mul32<2> {
  typedef int V __attribute__((vector_size(16)));
  static ZS_INLINE Lanes<2>::U even(const Lanes<2>::U& a, const Lanes<2>::U& m) {
    return (Lanes<2>::U)__builtin_ia32_pmuludq128((V)a, (V)m);
  }
};
template <> struct Mul32<4> {
  typedef int V __attribute__((vector_size(32)));
  static ZS_INLINE Lanes<4>::U even(const Lanes<4>::U& a, const Lanes<4>::U& m) {
    return (Lanes<4>::U)__builtin_ia32_pmuludq256((V)a, (V)m);
  }
};
template <> struct Mul32<8> {
  typedef int V __attribute__((vector_size(64)));
  typedef long long Q __attribute__((vector_size(64)));
  static ZS_INLINE Lanes<8>::U even(const Lanes<8>::U& a, const Lanes<8>::U& m) {
    return (Lanes<8>::U)__builtin_ia32_pmuludq512_mask((V)a, (V)m, Q{}, static_cast<unsigned char>(0xff));
  }
};

// Philox4x32-10 (Random123's rounds and constants) over W counters at once, 32-bit words held in
// 64-bit lanes (every word < 2^32) so that a multiply of the low halves gives the whole product.
template <int W> struct Philox {
  using U = typename Lanes<W>::U;
  using D = typename Lanes<W>::D;
  static ZS_INLINE void first_uniforms(std::size_t n, std::uint64_t seed, std::uint32_t replication,
                                       std::uint32_t first, int year, std::uint32_t purpose, double* u0,
                                       double* u1) {
    constexpr std::uint64_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    constexpr std::uint64_t low = 0xffffffffu;
    const std::uint64_t word2 = (static_cast<std::uint32_t>(year) << 8) | purpose;
    // The multipliers as vectors, built once (GCC 12 rebuilt them in every round otherwise, with
    // eight masked broadcasts each at AVX-512).
    const U m0 = U{} + M0, m1 = U{} + M1;
    U lane;  // 0, 1, ..., W - 1
    for (int j = 0; j < W; ++j) lane[j] = static_cast<std::uint64_t>(j);
    // The rounds' keys (the key schedule, the same for every counter).
    std::uint64_t key0[10], key1[10];
    key0[0] = seed & low, key1[0] = seed >> 32;
    for (int r = 1; r < 10; ++r) key0[r] = (key0[r - 1] + W0) & low, key1[r] = (key1[r - 1] + W1) & low;
    // Two vectors of counters at a time (2 W firms): their rounds are independent chains, so the
    // core overlaps one's multiply latency with the other's (a round is a multiply, a shift and
    // xors, each waiting for the one before).
    for (std::size_t k = 0; k < n; k += 2 * W) {
      // The counters' first words, (first + k + j) mod 2^32, computed in the 64-bit lanes (built
      // element by element, GCC stored them in halves and loaded them whole: a stalled forward).
      U a0 = ((U{} + static_cast<std::uint64_t>(first + k)) + lane) & low;
      U b0 = (a0 + static_cast<std::uint64_t>(W)) & low;
      U a1 = U{} + std::uint64_t{replication}, a2 = U{} + word2, a3 = U{};
      U b1 = a1, b2 = a2, b3 = a3;
#pragma GCC unroll 10
      for (int r = 0; r < 10; ++r) {
        round(a0, a1, a2, a3, m0, m1, key0[r], key1[r]);
        round(b0, b1, b2, b3, m0, m1, key0[r], key1[r]);
      }
      store(n, k, a0 & low, a1 & low, u0, u1);
      if (k + W < n) store(n, k + W, b0 & low, b1 & low, u0, u1);
    }
  }
  // One round. Only the words' low 32 bits are kept clean: the multiplies read only those
  // (pmuludq), and the xors never carry the high bits down, so c1 and c3 keep the whole product
  // (its low half is the word) and the caller masks the words it converts.
  static ZS_INLINE void round(U& c0, U& c1, U& c2, U& c3, const U& m0, const U& m1, std::uint64_t k0,
                              std::uint64_t k1) {
    const U p0 = Mul32<W>::even(c0, m0), p1 = Mul32<W>::even(c2, m1);
    const U n0 = (p1 >> 32) ^ c1 ^ k0, n2 = (p0 >> 32) ^ c3 ^ k1;
    c1 = p1;
    c3 = p0;
    c0 = n0;
    c2 = n2;
  }
  // The uniforms of words c0 and c1 of the firms k ... k + W - 1 (those below n).
  static ZS_INLINE void store(std::size_t n, std::size_t k, const U& c0, const U& c1, double* u0, double* u1) {
    // (word + 0.5) 2^-32 as Stream::uniform; the word (< 2^32) converted exactly through 2^52.
    const D w0 = (D)(c0 | 0x4330000000000000u) - 0x1p52;
    const D w1 = (D)(c1 | 0x4330000000000000u) - 0x1p52;
    const D v0 = (w0 + 0.5) * 0x1p-32, v1 = (w1 + 0.5) * 0x1p-32;
    // Whole vectors stored as such (a copy of variable length had become `rep movsq`, slower
    // than the rounds); the last, partial one element by element.
    if (n - k >= static_cast<std::size_t>(W)) {
      std::memcpy(u0 + k, &v0, sizeof(D));
      if (u1) std::memcpy(u1 + k, &v1, sizeof(D));
    } else {
      for (std::size_t j = 0; j < n - k; ++j) u0[k + j] = v0[j];
      if (u1)
        for (std::size_t j = 0; j < n - k; ++j) u1[k + j] = v1[j];
    }
  }
};

// One entry point per kernel and width; the widths' code is generated for their instruction set.
#define ZS_WIDTHS(name, params, args)                                                       \
  __attribute__((target("avx512f"), flatten)) void name##_8 params { Kernels<8>::name args; } \
  __attribute__((target("avx2"), flatten)) void name##_4 params { Kernels<4>::name args; }    \
  __attribute__((flatten)) void name##_2 params { Kernels<2>::name args; }

// The kernels of Kernels<W>, each once: name, parameters, arguments.
#define ZS_KERNELS(X)                                                                                      \
  X(exp, (std::size_t n, const double* x, double* out), (n, x, out))                                     \
  X(log, (std::size_t n, const double* x, double* out), (n, x, out))                                     \
  X(cos_2pi, (std::size_t n, const double* x, double* out), (n, x, out))                                 \
  X(demand_shock,                                                                                        \
    (std::size_t n, double* d, const double* u, const double* ratio, const double* growth,               \
     double shock_scale, double chi, double count_scale),                                                \
    (n, d, u, ratio, growth, shock_scale, chi, count_scale))                                             \
  X(normal, (std::size_t n, const double* u1, const double* u2, double* out), (n, u1, u2, out))          \
  X(productivity_powers, (std::size_t n, const double* ln_a, double* a, double* a03, double* a07),       \
    (n, ln_a, a, a03, a07))                                                                              \
  X(output_and_rd, (std::size_t first, std::size_t n, const OutputRdLanes& b), (first, n, b))            \
  X(accounts, (std::size_t first, std::size_t n, const AccountsLanes& b), (first, n, b))                 \
  X(grant, (std::size_t first, std::size_t n, const GrantLanes& b), (first, n, b))                     \
  X(rd_choice, (std::size_t first, std::size_t n, const RdChoiceLanes& b), (first, n, b))

ZS_KERNELS(ZS_WIDTHS)

#define ZS_PHILOX_ARGS                                                                              \
  (std::size_t n, std::uint64_t seed, std::uint32_t replication, std::uint32_t first, int year, \
   std::uint32_t purpose, double* u0, double* u1)
__attribute__((target("avx512f"), flatten)) void first_uniforms_8 ZS_PHILOX_ARGS {
  Philox<8>::first_uniforms(n, seed, replication, first, year, purpose, u0, u1);
}
__attribute__((target("avx2"), flatten)) void first_uniforms_4 ZS_PHILOX_ARGS {
  Philox<4>::first_uniforms(n, seed, replication, first, year, purpose, u0, u1);
}
__attribute__((flatten)) void first_uniforms_2 ZS_PHILOX_ARGS {
  Philox<2>::first_uniforms(n, seed, replication, first, year, purpose, u0, u1);
}

int detect_width() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return 8;
  if (__builtin_cpu_supports("avx2")) return 4;
  return 2;
}
std::atomic<int> width_in_use{0};
int width() {
  int w = width_in_use.load(std::memory_order_relaxed);
  if (w == 0) {  // every thread finds the same value
    w = detect_width();
    width_in_use.store(w, std::memory_order_relaxed);
  }
  return w;
}

}  // namespace

int lanes() { return width(); }
void use_lanes(int w) {  // never wider than the CPU has
  const int widest = detect_width();
  width_in_use.store(w >= 8 && widest >= 8 ? 8 : w >= 4 && widest >= 4 ? 4 : 2, std::memory_order_relaxed);
}

#define ZS_DISPATCH(name, params, args)         \
  void name params {                            \
    switch (width()) {                          \
      case 8: name##_8 args; return;            \
      case 4: name##_4 args; return;            \
      default: name##_2 args; return;           \
    }                                           \
  }

ZS_KERNELS(ZS_DISPATCH)
ZS_DISPATCH(first_uniforms, ZS_PHILOX_ARGS, (n, seed, replication, first, year, purpose, u0, u1))

}  // namespace zonesim::detail::vmath
