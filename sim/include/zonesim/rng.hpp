// Counter-based random streams (Random123 Philox4x32-10).
// A stream is keyed by (seed, replication, entity, year, purpose), never by thread, so a result
// does not depend on how work is scheduled.
#pragma once

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace zonesim {

// What a stream is used for; part of the counter so different uses never share numbers. Each
// kind of event draws from its own purpose (and, for the k-th of several events of one
// entity-year, its own substream), so that adding or changing one kind of event never shifts the
// draws of another: e.g. a higher R&D subsidy makes more innovations (more draws from
// `innovation`) but leaves every firm's imitation, retrofit and exit draws as they were
// (tests/model/streams.test.cpp). New purposes go at the end: the values are part of the counter.
enum class Purpose : std::uint32_t {
  demand = 1,        // a firm's demand shock
  innovation,        // a firm's innovation success, jump and patents
  retrofit,          // a firm's energy-saving retrofit
  exit,              // a firm's start-up mortality
  population,        // the base-year generator (one stream per zone)
  zone_events,       // a zone's start-up births
  project_arrivals,  // how many external projects arrive in a zone
  parameter_draw,
  macro,
  project,           // the k-th external project's draws (substream k)
  relocation,
  startup,           // the k-th start-up's draws (substream k)
  imitation,         // a firm's imitation
  exit_enforcement,  // whether a firm flagged by the low-efficiency rule is closed
  tfp_shock,         // a firm's idiosyncratic productivity shock
  certification_takeup,  // whether a firm newly weighing the high-tech certificate acts on it this year
};

// Entity ids for streams that belong to a zone or to the whole region, not a firm.
inline constexpr std::uint32_t kZoneEntityBase = 0xFFFF0000u;
inline constexpr std::uint32_t kRegionEntity = 0xFFFFFFF0u;

class Stream {
 public:
  // `substream` separates independent draws of one entity-year-purpose (e.g. the k-th project
  // arriving in a zone), so that adding one draw never shifts the numbers of another.
  Stream(std::uint64_t seed, std::uint32_t replication, std::uint32_t entity, int year,
         Purpose purpose, std::uint32_t substream = 0)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{entity, replication,
              (static_cast<std::uint32_t>(year) << 8) | static_cast<std::uint32_t>(purpose),
              substream << 16}} {}

  // Uniform in (0, 1), never exactly 0 or 1.
  double uniform() {
    if (used_ == 4) refill();
    return (static_cast<double>(buf_[used_++]) + 0.5) * 0x1p-32;
  }
  double normal() {
    // Box-Muller; the second variate is discarded to keep streams simple to reason about.
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Laplace(0, scale): fat-tailed, tent-shaped in logs (Stanley et al. 1996).
  double laplace(double scale) {
    double u = uniform() - 0.5;
    return -scale * (u < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::fabs(u));
  }
  // Beta(3,3) as the median of five uniforms.
  double beta33() {
    double v[5];
    for (double& x : v) x = uniform();
    // The 3rd smallest (the median), by minima and maxima (no branch on the random values to
    // mispredict): the 2nd and 3rd smallest of the first four are the larger of their pairs'
    // minima and the smaller of their maxima; the median of five is the median of those two and
    // the fifth (dropping the least and the greatest of the four drops one value at or below
    // the median and one at or above it). The same value as a selection sort's v[2].
    const double lo = std::max(std::min(v[0], v[1]), std::min(v[2], v[3]));
    const double hi = std::min(std::max(v[0], v[1]), std::max(v[2], v[3]));
    return std::max(std::min(lo, hi), std::min(std::max(lo, hi), v[4]));
  }
  // Poisson(mean): inversion for small means, a rounded normal approximation for large ones.
  std::uint32_t poisson(double mean) {
    if (!(mean > 0.0)) return 0;
    if (mean > 40.0) {
      double x = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
      return x < 0 ? 0u : static_cast<std::uint32_t>(x);
    }
    double u = uniform();
    double p = std::exp(-mean), cdf = p;
    std::uint32_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  // Pareto with minimum xm and tail exponent alpha.
  double pareto(double xm, double alpha) { return xm * std::pow(uniform(), -1.0 / alpha); }
  bool bernoulli(double p) { return uniform() < p; }

 private:
  void refill() {
    auto out = gen_(ctr_, key_);
    for (int i = 0; i < 4; ++i) buf_[i] = out.v[i];
    ctr_.v[3] += 1;
    used_ = 0;
  }
  r123::Philox4x32 gen_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  std::uint32_t buf_[4] = {0, 0, 0, 0};
  int used_ = 4;
};

}  // namespace zonesim
