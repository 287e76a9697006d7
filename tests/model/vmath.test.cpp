// The step's functions in SIMD lanes (sim/src/model/vmath.hpp, issue 17): fdlibm's exp, log and
// cos(2 pi u) within 1 ulp of glibc on the ranges the firm passes use (cos: within 2e-16 of the
// exact value), the same bits at every lane width the CPU has and for any block length, and the
// demand pass's shock and Box-Muller's normal as the scalar formulas (Stream::laplace,
// Stream::normal) give them, to the last bits.
#include <catch2/catch.hpp>

#include <zonesim/rng.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../../sim/src/model/passes/step.hpp"
#include "../../sim/src/model/vmath.hpp"

using namespace zonesim;
namespace vmath = zonesim::detail::vmath;

namespace {

std::int64_t ulps(double a, double b) {
  std::int64_t x, y;
  std::memcpy(&x, &a, 8);
  std::memcpy(&y, &b, 8);
  return x > y ? x - y : y - x;
}

std::vector<double> uniforms(std::size_t n, std::uint32_t purpose_substream) {
  Stream s(7, 0, 1, 2024, Purpose::demand, purpose_substream);
  std::vector<double> u(n);
  for (double& v : u) v = s.uniform();
  return u;
}

// Runs kernel(out) at every lane width the CPU has; requires the same bits from each.
template <class Kernel>
std::vector<double> at_every_width(std::size_t n, Kernel&& kernel) {
  const int widest = vmath::lanes();
  std::vector<double> first(n), other(n);
  vmath::use_lanes(2);
  kernel(first.data());
  for (int w : {4, 8}) {
    if (w > widest) break;
    vmath::use_lanes(w);
    kernel(other.data());
    REQUIRE(std::memcmp(first.data(), other.data(), n * sizeof(double)) == 0);
  }
  vmath::use_lanes(widest);
  return first;
}

}  // namespace

TEST_CASE("vmath exp and log are within 1 ulp of glibc and the same at every lane width", "[vmath]") {
  const std::size_t n = 20011;  // not a multiple of any width: the padded last block is checked too
  const std::vector<double> u = uniforms(n, 1);
  std::vector<double> x(n);
  for (double lo_hi : {1.0, 40.0, 700.0}) {
    for (std::size_t k = 0; k < n; ++k) x[k] = lo_hi * (2 * u[k] - 1);
    const auto e = at_every_width(n, [&](double* out) { vmath::exp(n, x.data(), out); });
    std::int64_t worst = 0;
    for (std::size_t k = 0; k < n; ++k) worst = std::max(worst, ulps(e[k], std::exp(x[k])));
    CHECK(worst <= 1);
  }
  for (std::size_t k = 0; k < n; ++k) x[k] = std::exp(60 * (u[k] - 0.5));
  const auto l = at_every_width(n, [&](double* out) { vmath::log(n, x.data(), out); });
  std::int64_t worst = 0;
  for (std::size_t k = 0; k < n; ++k) worst = std::max(worst, ulps(l[k], std::log(x[k])));
  CHECK(worst <= 1);

  double edge[] = {-800.0, 800.0, 0.0, -745.2, 709.7};
  double out[5];
  vmath::exp(5, edge, out);
  CHECK(out[0] == 0.0);
  CHECK(std::isinf(out[1]));
  CHECK(out[2] == 1.0);
  CHECK(ulps(out[4], std::exp(709.7)) <= 1);
  double one = 1.0, zero = -1.0;
  vmath::log(1, &one, &zero);
  CHECK(zero == 0.0);
}

TEST_CASE("vmath cos(2 pi u) is within 2e-16 of the exact value", "[vmath]") {
  const std::size_t n = 10007;
  const std::vector<double> u = uniforms(n, 2);
  const auto c = at_every_width(n, [&](double* out) { vmath::cos_2pi(n, u.data(), out); });
  double worst = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const long double exact = cosl(6.283185307179586476925286766559L * u[k]);
    worst = std::max(worst, static_cast<double>(fabsl(c[k] - exact)));
  }
  CHECK(worst < 2e-16);
  double q[] = {0.0, 0.25, 0.5, 0.75, 1.0}, out[5];
  vmath::cos_2pi(5, q, out);
  CHECK(out[0] == 1.0);
  CHECK(out[1] == 0.0);
  CHECK(out[2] == -1.0);
  CHECK(out[3] == 0.0);
  CHECK(out[4] == 1.0);
}

TEST_CASE("vmath's demand shock and normal are the scalar formulas to the last bits", "[vmath]") {
  const std::size_t n = 5003;
  const std::vector<double> u = uniforms(n, 3), v = uniforms(n, 4), w = uniforms(n, 5);
  std::vector<double> d0(n), uu(n), ratio(n), growth(n);
  for (std::size_t k = 0; k < n; ++k) {
    d0[k] = std::exp(10 + 16 * u[k]);  // 2e4 - 2e11 yuan
    uu[k] = v[k] - 0.5;
    ratio[k] = 0.2 + 3 * w[k];
    growth[k] = 0.1 * (u[k] - 0.3);
  }
  const double shock_scale = 0.25, chi = 0.3;
  for (const double count_scale : {5.0, 1.0}) {  // (a scale of 1: no division)
    const auto d = at_every_width(n, [&](double* out) {
      std::copy(d0.begin(), d0.end(), out);
      vmath::demand_shock(n, out, uu.data(), ratio.data(), growth.data(), shock_scale, chi, count_scale);
    });
    double worst = 0;
    for (std::size_t k = 0; k < n; ++k) {  // demand_rd.cpp's scalar form before issue 17's lanes
      const double b = std::clamp(shock_scale * std::pow(std::max(d0[k] / count_scale, 1e4) / 1e8, -0.15), 0.02, 0.6);
      const double e = -b * (uu[k] < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::fabs(uu[k])) + std::log(1.0 - b * b);
      const double g = growth[k] + std::log(std::max(1e-6, 1.0 + chi * (ratio[k] - 1.0))) + e;
      const double ref = d0[k] * std::exp(std::clamp(g, -3.0, 3.0));
      worst = std::max(worst, std::fabs(d[k] / ref - 1));
    }
    CHECK(worst < 1e-14);
  }

  const auto z = at_every_width(n, [&](double* out) { vmath::normal(n, u.data(), v.data(), out); });
  double worst = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double ref = std::sqrt(-2.0 * std::log(u[k])) * std::cos(6.283185307179586 * v[k]);
    worst = std::max(worst, std::fabs(z[k] - ref));
  }
  CHECK(worst < 1e-14);

  const auto a = at_every_width(n, [&](double* out) {
    std::vector<double> a03(n), a07(n);
    vmath::productivity_powers(n, growth.data(), out, a03.data(), a07.data());
    for (std::size_t k = 0; k < n; ++k) {
      CHECK(ulps(a03[k], std::exp(0.3 * growth[k])) <= 1);
      CHECK(ulps(a07[k], std::exp(0.7 * growth[k])) <= 1);
    }
  });
  for (std::size_t k = 0; k < n; ++k) CHECK(ulps(a[k], std::exp(growth[k])) <= 1);
}

TEST_CASE("vmath's first Philox blocks are zonesim::Stream's numbers", "[vmath]") {
  const std::size_t n = 1001;
  const std::uint64_t seed = 0x123456789abcdefULL;
  const std::uint32_t first = 0xFFFFFF00u;  // entity ids wrap as Stream's do
  std::vector<double> u1(n);
  const auto u0 = at_every_width(n, [&](double* out) {
    vmath::first_uniforms(n, seed, 3, first, 2031, static_cast<std::uint32_t>(Purpose::tfp_shock), out, u1.data());
  });
  for (std::size_t k = 0; k < n; ++k) {
    Stream s(seed, 3, static_cast<std::uint32_t>(first + k), 2031, Purpose::tfp_shock);
    REQUIRE(u0[k] == s.uniform());
    REQUIRE(u1[k] == s.uniform());
  }
}

// Arrays of the kernels' tests: n uniforms of substream `sub` on [lo, hi); the certification
// threshold by revenue band (docs/model.md 3.5).
namespace {
constexpr std::size_t kRunArrays = 1003;
std::vector<double> uniforms_in(std::size_t n, std::uint32_t sub, double lo, double hi) {
  std::vector<double> v = uniforms(n, sub);
  for (double& x : v) x = lo + (hi - lo) * x;
  return v;
}
double thr(double revenue) { return revenue <= 5e7 ? 0.05 : revenue <= 2e8 ? 0.04 : 0.03; }
}  // namespace

// passes/production.cpp's and grants_exits.cpp's arithmetic in lanes (vmath::output_and_rd,
// vmath::accounts, vmath::grant) against the scalar form of the rules they replaced (the passes
// before the lanes), bit for bit, at every width, for any run [first, first + n) of a block.
namespace {
void production_kernels(const double scale) {
  const std::size_t n = kRunArrays;
  const auto draw = [](std::uint32_t sub, double lo, double hi) { return uniforms_in(kRunArrays, sub, lo, hi); };

  // output_and_rd
  const std::vector<double> capital = draw(10, 1e5, 1e10), p03 = draw(11, 0.5, 1.5), k_ratio = draw(12, 0.5, 3),
                            demand = draw(13, 0, 2e9), rho0 = draw(15, 0, 0.1), relab = draw(17, 0, 0.3),
                            spill = draw(18, 0, 0.2);
  std::vector<double> patents(n), queue(n);
  for (std::size_t k = 0; k < n; ++k) patents[k] = static_cast<double>(k % 7), queue[k] = static_cast<double>(k % 3);
  const double fund = 3e7, patents_last = 40, paid = 0.8, cap_keep = 0.95, cap = 0.7, inst = 0.01;
  const double pass = 0.5, zeta_in = 0.3, zeta_im = 0.2, w = 0.5, norm = 0.02;
  const std::size_t first = 5, m = n - 9;  // a run inside the arrays
  const auto o = at_every_width(10 * n, [&](double* out) {
    std::fill(out, out + 10 * n, 0.0);
    vmath::OutputRdLanes b{capital.data(), p03.data(), k_ratio.data(), demand.data(), patents.data(), rho0.data(),
                           queue.data(), relab.data(), spill.data(), out, out + n, out + 2 * n, out + 3 * n,
                           out + 4 * n, out + 5 * n, out + 6 * n, out + 7 * n, out + 8 * n, out + 9 * n,
                           fund, patents_last, paid, cap_keep, cap, inst, pass, scale, zeta_in, zeta_im, w, norm};
    vmath::output_and_rd(first, m, b);
  });
  std::size_t differ = 0;
  for (std::size_t k = first; k < first + m; ++k) {
    const double c = capital[k] * p03[k] / k_ratio[k];
    const double y = std::min(demand[k], c);
    const double award = patents_last > 0 ? fund * patents[k] / patents_last : 0.0;
    const double award_paid = award * paid;
    const double sales = demand[k] / scale;
    double rdi = rho0[k] * cap;
    if (queue[k] == 1) rdi = rho0[k];
    if (queue[k] == 2) {
      const double kept = std::min(rho0[k], thr(sales) * 1.02);
      rdi = kept * cap_keep + (rho0[k] - kept) * cap;
    }
    const double rd = rdi * y + pass * award_paid;
    const double rd_relabelled = relab[k] * rdi * y;
    const double rd_real = rd - rd_relabelled;
    const double rho = y > 0 ? rd_real / y : 0.0;
    const double ref[10] = {y, award, award_paid, rdi, rd, rd_relabelled, rd_real, -zeta_in * rho / norm,
                            -zeta_im * (w * rho / norm + spill[k] + inst), sales};
    for (std::size_t j = 0; j < 10; ++j) differ += std::memcmp(&ref[j], &o[j * n + k], 8) != 0;
  }
  CHECK(differ == 0);
  CHECK(o[first - 1] == 0.0);  // nothing written outside the run
  CHECK(o[first + m] == 0.0);

  // accounts
  const std::vector<double> y = draw(20, 0, 2e9), rd_real = draw(21, 0, 5e7), rdi = draw(22, 0, 0.1),
                            rd = draw(23, 0, 6e7), award_paid = draw(24, 0, 1e6), p07 = draw(25, 0.5, 1.5),
                            opw = draw(26, 1e5, 1e6), va_ratio = draw(27, 0.2, 0.4), growth = draw(28, 0, 0.1),
                            y_last = draw(29, 0, 2e9), sales_before = draw(30, 0, 2e9), rd_before = draw(31, 0, 6e7),
                            rd_last = draw(32, 0, 6e7), u = draw(33, 0, 1), held = draw(34, 1e5, 1e10),
                            land = draw(35, 0, 200);
  std::vector<double> cert_until(n), last_innovation(n);
  for (std::size_t k = 0; k < n; ++k) {
    cert_until[k] = 2020 + static_cast<double>(k % 9);
    last_innovation[k] = k % 5 ? 2024 - static_cast<double>(k % 31) : -32768;
  }
  struct Zone {
    double wage_r, tech_science, retro_rate, retro_threshold, paid, va_scale, wage_mix, srp, sd, tax_ht, credit,
        density_new, insitu, density_max, cert_award;
  };
  for (const Zone& zp : {Zone{2e5, 0.05, 0.2, 0.3, 0.9, 1.1, 8e4, 0.1, 1.0, 0.15, 0.3, 2e6, 0.08, 5e6, 0.0},
                        Zone{2e5, 0.05, 0.0, 0.1, 1.0, 1.0, 8e4, 0.0, 1.0, 0.15, 0.3, 2e6, 0.0, 5e6, 0.0},
                        Zone{2e5, 0.05, 0.2, 0.3, 0.9, 1.1, 8e4, 0.1, 1.0, 0.15, 0.3, 2e6, 0.08, 5e6, 9e5}}) {
    const double theta = 0.5, retro_cost = 0.02, vat = 0.13, delta = 0.08, tax_std = 0.25, year = 2025;
    const auto r = at_every_width(16 * n, [&](double* out) {
      std::fill(out, out + 16 * n, 0.0);
      double* q[16];
      for (std::size_t j = 0; j < 16; ++j) q[j] = out + j * n;
      vmath::AccountsLanes b{y.data(), rd_real.data(), rdi.data(), rd.data(), award_paid.data(), p07.data(),
                             p03.data(), capital.data(), demand.data(), opw.data(), va_ratio.data(), growth.data(),
                             k_ratio.data(), y_last.data(), sales_before.data(), rd_before.data(), rd_last.data(),
                             cert_until.data(), last_innovation.data(), u.data(), held.data(), land.data(),
                             q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11], q[12], q[13], q[14],
                             q[15], zp.wage_r, zp.tech_science, zp.retro_rate, zp.retro_threshold, zp.paid, zp.va_scale,
                             zp.wage_mix, zp.srp, zp.sd, zp.tax_ht, zp.credit, zp.density_new, zp.insitu,
                             zp.density_max, zp.cert_award, theta, retro_cost, vat, delta, tax_std, scale, year, 20, 3, 0.10, 0.9};
      vmath::accounts(first, m, b);
    });
    differ = 0;
    std::size_t first_certifications = 0;
    for (std::size_t k = first; k < first + m; ++k) {
      const double labour = y[k] / (opw[k] * p07[k]);
      const double researchers = rd_real[k] * theta / zp.wage_r;
      double until = cert_until[k];
      bool newly = false, first_cert = false;
      if (until < year && y[k] > 0) {
        const double rd_3y = rd_before[k] + rd_last[k] + rd[k];
        const double sales_3y = sales_before[k] + y_last[k] + y[k];
        newly = rd_3y >= thr(y[k] / scale) * sales_3y &&
                researchers + zp.tech_science * labour >= 0.10 * (labour + researchers) &&
                last_innovation[k] > year - 20;
        first_cert = newly && until < year - 1;
        first_certifications += first_cert;
        if (newly) until = year + 3 - 1;
      }
      const bool certified = until >= year;
      double retro_subsidy = 0, retro_cost_firm = 0;
      const bool retrofits = u[k] < zp.retro_threshold;
      if (retrofits) {
        const double cost = retro_cost * y[k];
        retro_subsidy = zp.retro_rate * cost;
        retro_cost_firm = cost - retro_subsidy * zp.paid;
      }
      const double va = va_ratio[k] * y[k] * zp.va_scale;
      const double wages = labour * zp.wage_mix;
      const double subsidy = zp.srp * rdi[k] * y[k];
      const double vat_paid = vat * va;
      double pre_tax = va - wages - delta * capital[k] - rd_real[k] + subsidy + award_paid[k] -
                       retro_cost_firm - vat_paid;
      if (first_cert && zp.cert_award > 0) pre_tax += zp.cert_award * zp.paid;
      const double taxable = pre_tax - zp.sd * rd[k];
      const double cit = (certified ? zp.tax_ht : tax_std) * std::max(0.0, taxable);
      const double profit = pre_tax - cit, tax = vat_paid + cit;
      const double k_star = demand[k] * (1.0 + growth[k]) * k_ratio[k] / (p03[k] * 0.9);
      const double wanted = std::max(0.0, k_star - (1.0 - delta) * capital[k]);
      const double invest = std::min(wanted, std::max(0.0, profit) + zp.credit * capital[k]);
      const double k_after = (1.0 - delta) * capital[k] + invest;
      double h = held[k];
      if (zp.insitu > 0 && k_after > h)
        h += std::max(0.0, std::min({k_after - h, zp.insitu * h, land[k] * zp.density_max - h}));
      const double request = std::max(0.0, k_after - h) / zp.density_new;
      const double ref[16] = {labour, researchers, certified ? 1.0 : 0.0, newly ? 1.0 : 0.0, first_cert ? 1.0 : 0.0,
                              retrofits ? 1.0 : 0.0, retro_subsidy, retro_cost_firm, va, tax, profit, invest > 0 ? request : 0.0, h,
                              y[k] / scale, y[k] / land[k], tax / land[k]};
      for (std::size_t j = 0; j < 16; ++j) differ += std::memcmp(&ref[j], &r[j * n + k], 8) != 0;
    }
    CHECK(differ == 0);
    CHECK(first_certifications > 0);  // the award's branch is exercised
  }

  // grant (grants_exits.cpp)
  const std::vector<double> request = draw(40, 0, 50), fraction = draw(41, 0, 1), profit = draw(42, -1e8, 1e8);
  const double credit_rate = 0.3, density_new = 2e6, idle_share = 0.2, delta = 0.08;
  const auto g = at_every_width(5 * n, [&](double* out) {
    std::fill(out, out + 5 * n, 0.0);
    vmath::grant(first, m,
                 vmath::GrantLanes{request.data(), fraction.data(), demand.data(), growth.data(), k_ratio.data(),
                                   p03.data(), capital.data(), profit.data(), held.data(), land.data(), out,
                                   out + n, out + 2 * n, out + 3 * n, out + 4 * n, credit_rate, density_new,
                                   idle_share, delta, 0.9});
  });
  differ = 0;
  for (std::size_t k = first; k < first + m; ++k) {
    const double granted = request[k] * fraction[k];
    const double used = granted * (1.0 - idle_share);
    const double k_star = demand[k] * (1.0 + growth[k]) * k_ratio[k] / (p03[k] * 0.9);
    const double credit = credit_rate * capital[k] / (1.0 - delta);
    const double finance = std::max(0.0, profit[k]) + credit;
    const double capacity = held[k] + used * density_new;
    const double invest = std::max(0.0, std::min({k_star - capital[k], finance, capacity - capital[k]}));
    const double ref[5] = {granted - used, capacity, invest, capital[k] + invest, land[k] + used};
    for (std::size_t j = 0; j < 5; ++j) differ += std::memcmp(&ref[j], &g[j * n + k], 8) != 0;
  }
  CHECK(differ == 0);
}
}  // namespace

TEST_CASE("vmath's production and grant kernels are the scalar rules to the last bit", "[vmath]") {
  production_kernels(3);
  production_kernels(1);  // a scale of 1: no division
}

// passes/demand_rd.cpp's R&D choice in lanes (vmath::rd_choice) against the scalar form of the
// firm body it replaced (the pass before the lanes: desired intensity, expected taxable profit,
// plan_certification itself, the partial adjustment, the queue, the researchers and technical
// workers asked for), bit for bit, at every width, for a run [first, first + n) of a block.
namespace {
void rd_choice_kernel(const double scale) {
  const std::size_t n = kRunArrays;
  const auto draw = [](std::uint32_t sub, double lo, double hi) { return uniforms_in(kRunArrays, sub, lo, hi); };
  const double year = 2025, speed = 0.4, theta = 0.6, max_rho = 0.3, relabel_share = 0.4;
  const double discount_rate = 0.1;
  const std::vector<double> d = draw(50, -1e6, 1.5e9), mu = draw(51, -0.2, 2), sector_rd = draw(52, 0.001, 0.03),
                            profit = draw(54, -1e8, 2e8), rho0 = draw(55, 0, 0.35), opw = draw(56, 1e5, 1e6),
                            p07 = draw(57, 0.5, 1.5), u = draw(58, 0, 1);
  // the window's float fields, as the firm arrays hold them
  std::vector<double> output = draw(53, -2e8, 2e9), cert_until(n), sales_before(n), rd_last(n), rd_before(n);
  for (std::size_t k = 0; k < n; ++k) {
    cert_until[k] = k % 4 ? 2020 + static_cast<double>(k % 9) : -32768;
    if (k % 11 == 0) output[k] = 0;
    sales_before[k] = static_cast<float>(output[k] * (0.5 + u[k]));
    rd_last[k] = static_cast<float>(std::max(0.0, output[k]) * 0.06 * u[(k * 7) % n]);
    rd_before[k] = static_cast<float>(sales_before[k] * 0.06 * u[(k * 13) % n]);
  }
  double discount[5];
  {
    const double beta = 1.0 / (1.0 + discount_rate);
    double w = 1;
    for (double& v : discount) v = w, w *= beta;
  }
  struct Zone {
    double ucp0, ucp1, tax_std, tax_saving, after_tax_cost, relabel_gain, award, wage_r, tech_share;
  };
  for (const Zone& zp : {Zone{1.1, 0.8, 0.25, 0.1, 0.6, 0.15, 0.0, 2e5, 0.2},
                         Zone{1.0, 1.0, 0.25, 0.0, 0.7, 0.05, 0.0, 2.5e5, 0.1},
                         Zone{1.1, 0.8, 0.25, 0.1, 0.6, 0.15, 3e5, 2e5, 0.2},
                         Zone{1.1, 0.8, 0.25, 0.0, 0.6, 0.15, 2e6, 2e5, 0.2}}) {
    const std::size_t first = 5, m = n - 9;  // a run inside the arrays
    const auto r = at_every_width(8 * n, [&](double* out) {
      std::fill(out, out + 8 * n, 0.0);
      vmath::RdChoiceLanes b{d.data(), mu.data(), sector_rd.data(), cert_until.data(), output.data(), profit.data(),
                             rho0.data(), opw.data(), p07.data(), sales_before.data(), rd_last.data(),
                             rd_before.data(), out, out + n, out + 2 * n, out + 3 * n, out + 4 * n, out + 5 * n,
                             out + 6 * n, out + 7 * n, zp.ucp0, zp.ucp1, zp.tax_std, zp.tax_saving,
                             zp.after_tax_cost, zp.relabel_gain, zp.award, zp.wage_r, zp.tech_share, speed, theta,
                             scale, year, max_rho, relabel_share, {}};
      std::copy(std::begin(discount), std::end(discount), b.discount);
      vmath::rd_choice(first, m, b);
    });
    std::size_t differ = 0, pursuers = 0, keepers = 0, others = 0;
    for (std::size_t k = first; k < first + m; ++k) {
      const int t = 2025, until = static_cast<int>(cert_until[k]);
      const int certified = until >= t;
      const double desired = sector_rd[k] * mu[k] * (certified ? zp.ucp1 : zp.ucp0);
      const double taxable = output[k] > 0 ? std::max(0.0, profit[k]) / (1.0 - zp.tax_std) * d[k] / output[k] : 0.0;
      const detail::CertPlan plan = detail::plan_certification(
          {desired, d[k], taxable, output[k], sales_before[k], rd_last[k], rd_before[k], zp.tax_saving,
           zp.after_tax_cost, relabel_share, discount_rate, zp.relabel_gain, scale, zp.award, t - until});
      const double adjusted = std::clamp(rho0[k] + speed * (desired - rho0[k]), 0.0, max_rho);
      const double rho = plan.pursue ? std::clamp(plan.reported, 0.0, max_rho) : adjusted;
      auto researchers = [&](double intensity, double relabelled_share) {
        return intensity * (1.0 - relabelled_share) * d[k] * theta / zp.wage_r;
      };
      double queue = plan.pursue ? 1 : 0;
      if (!plan.pursue && until >= t - 1 && zp.tax_saving > 0 && taxable > 0 && rho >= thr(d[k] / scale)) queue = 2;
      const double kept = std::min(rho, thr(d[k] / scale) * 1.02);  // keeper_share
      const double ref[8] = {rho, queue, plan.relabelled, plan.surplus, adjusted, researchers(kept, 0.0),
                             queue == 2 ? researchers(rho - kept, 0.0) : researchers(rho, 0.0),
                             zp.tech_share * (d[k] / (opw[k] * p07[k]))};
      for (std::size_t j = 0; j < 8; ++j) {
        if (queue == 1 && (j == 5 || j == 6)) continue;  // not used for an applicant
        if (queue != 2 && j == 5) continue;             // used for a keeper only
        differ += std::memcmp(&ref[j], &r[j * n + k], 8) != 0;
      }
      pursuers += queue == 1, keepers += queue == 2, others += queue == 0;
    }
    CHECK(differ == 0);
    if (zp.tax_saving > 0 || zp.award > 0) CHECK(pursuers > 0);  // every queue exercised
    CHECK(others > 0);
    if (zp.tax_saving > 0) CHECK(keepers > 0);
    CHECK(r[first - 1] == 0.0);  // nothing written outside the run
    CHECK(r[first + m] == 0.0);
  }
}
}  // namespace

TEST_CASE("vmath's demand-pass R&D choice is the scalar rule to the last bit", "[vmath]") {
  rd_choice_kernel(3);
  rd_choice_kernel(1);  // a scale of 1: no division
}
