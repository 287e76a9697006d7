// The step's functions in SIMD lanes (sim/src/model/vmath.hpp, issue 17): fdlibm's exp, log and
// cos(2 pi u) within 1 ulp of glibc on the ranges the firm passes use (cos: within 2e-16 of the
// exact value), the same bits at every lane width the CPU has and for any block length, and the
// demand pass's shock and Box-Muller's normal as the scalar formulas (Stream::laplace,
// Stream::normal) give them, to the last bits.
#include <catch2/catch.hpp>

#include <zonesim/rng.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

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
  const double shock_scale = 0.25, chi = 0.3, count_scale = 5;
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

  const auto z = at_every_width(n, [&](double* out) { vmath::normal(n, u.data(), v.data(), out); });
  worst = 0;
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
