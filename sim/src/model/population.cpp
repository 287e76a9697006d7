// The base-year population: firms generated so that zone aggregates equal the scenario's
// stated values (output, value added, R&D, firm counts by size and high-tech status, land,
// employment). Sizes are heavy-tailed (Pareto upper tail, Axtell 2001); productivity is
// log-normally dispersed and correlated with size (Syverson 2011).
//
// Per zone, in this order (one random stream per zone, drawn in this order): firm sizes, the
// high-tech firms, the firms themselves (sector, productivity, age, ownership, R&D, energy,
// exports), R&D scaled to the stated total, capital, calibration scales, land, staff, loss
// history and patents, then the zone's accounts. Then the market's productivity and the
// researchers' location constants.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include <tbb/parallel_for.h>

#include "context.hpp"

namespace zonesim::detail {
namespace {

constexpr double kSizeTailAlpha = 1.05;     // Zipf-like upper tail of output (Axtell 2001)
constexpr double kProductivitySigma = 0.55; // log TFP dispersion: 90/10 ratio ~ 4 (Hsieh-Klenow)
constexpr double kSizeProductivityCorr = 0.3;
constexpr double kLabourProductivityElasticity = 0.7;  // labour saved by productivity
constexpr double kCapitalProductivityElasticity = 0.3; // capital saved by productivity

constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

// One zone being generated: its stated values, its stream, and the firms' draws so far.
// `year`: the year whose values the zone's base values are, and the stream's year (the base
// year, or the year a zone opens: run.year either way).
struct ZoneGen {
  ZoneGen(Run& r, std::size_t zone)
      : run(r), spec(r.sc.zones[zone]), zs(r.zones[zone]), z(zone), year(r.year),
        rng(r.stream(kZoneEntityBase + static_cast<std::uint32_t>(zone), Purpose::population)) {}
  Run& run;
  const ZoneSpec& spec;
  ZoneState& zs;
  const std::size_t z;
  const int year;
  Stream rng;
  std::size_t n = 0, n_above = 0, n_ht = 0;
  // Real firms per model firm (Run::count_scale): draw_sizes draws n real firms that hold 1/k of
  // the zone's output, and each becomes a model firm of k times its size; every rule about a real
  // firm's size then reads a model firm's size / k.
  double count_scale = 1.0;
  std::size_t first = kNoSlot;        // index of the zone's first firm (kNoSlot: append the zone)
  double* size = nullptr;             // output per firm (yuan), in the zone's block of Firms::output; above-size firms first
  std::vector<std::uint8_t> is_ht;    // certified high-tech
  std::vector<std::uint8_t> pipe;     // certification pipeline: passes in year 1 or 2 (0: not)
  std::vector<double> rho;            // R&D intensity
  std::vector<double> rho_own;        // a pipeline firm's own intensity before the zone's scale
  double ht_rd = 0, other_rd_raw = 0, pipe_rd = 0;

  double field(ZoneField k) const { return spec.fields[static_cast<std::size_t>(k)]; }
  double real_size(std::size_t i) const { return size[i] / count_scale; }  // a real firm's output
};

// Sizes of n real firms holding 1/k of base_output: small firms below the above-size line, a
// Pareto upper tail above it, rescaled so that the total is right while every above-size firm
// stays >= 20 million yuan.
void draw_sizes(ZoneGen& g) {
  const std::size_t n = g.n, n_above = g.n_above;
  const double target_output = g.field(ZoneField::base_output) / g.count_scale;
  double* const size = g.size;
  std::fill(size, size + n, 0.0);
  double small_total = 0;
  for (std::size_t i = n_above; i < n; ++i) {
    size[i] = kAboveSizeRevenue * (0.05 + 0.9 * g.rng.uniform());
    small_total += size[i];
  }
  const double floor_above = static_cast<double>(n_above) * kAboveSizeRevenue;
  double room = target_output - floor_above;
  if (n_above > 0 && small_total > 0.5 * room) {
    double k = 0.5 * room / small_total;
    for (std::size_t i = n_above; i < n; ++i) size[i] *= k;
    small_total *= k;
  } else if (n_above == 0 && small_total > 0) {
    double k = target_output / small_total;
    for (std::size_t i = 0; i < n; ++i) size[i] *= k;
    small_total = target_output;
  }
  double above_excess = 0;
  for (std::size_t i = 0; i < n_above; ++i) {
    size[i] = std::min(g.rng.pareto(kAboveSizeRevenue, kSizeTailAlpha), 1e13);
    above_excess += size[i] - kAboveSizeRevenue;
  }
  if (n_above > 0) {
    double want_excess = target_output - small_total - floor_above;
    double k = above_excess > 0 ? want_excess / above_excess : 0.0;
    for (std::size_t i = 0; i < n_above; ++i)
      size[i] = kAboveSizeRevenue + (size[i] - kAboveSizeRevenue) * k;
  }
}

// Sorts (key, firm) pairs by key, largest first, ties by firm index: the random order of
// choose_hightech. The keys are uniform on (0, 1), so a counting sort into as many buckets as
// pairs leaves about one pair a bucket (linear time, where std::sort's n log n was a tenth of
// generating a large zone); each bucket is then sorted by the same order.
void sort_random_order(std::vector<std::pair<double, std::size_t>>::iterator first,
                       std::vector<std::pair<double, std::size_t>>::iterator last) {
  auto before = [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  const std::size_t m = static_cast<std::size_t>(last - first);
  if (m < 64) {
    std::sort(first, last, before);
    return;
  }
  // Bucket 0 holds the largest keys: floor((1 - key) m) is non-decreasing as the key falls.
  auto bucket = [m](double key) {
    return std::min(m - 1, static_cast<std::size_t>((1.0 - key) * static_cast<double>(m)));
  };
  std::vector<std::size_t> start(m + 1, 0);
  for (auto it = first; it != last; ++it) ++start[bucket(it->first) + 1];
  for (std::size_t b = 0; b < m; ++b) start[b + 1] += start[b];
  std::vector<std::pair<double, std::size_t>> out(m);
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (auto it = first; it != last; ++it) out[next[bucket(it->first)]++] = *it;
  for (std::size_t b = 0; b < m; ++b)
    if (start[b + 1] - start[b] > 1)
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(start[b]),
                out.begin() + static_cast<std::ptrdiff_t>(start[b + 1]), before);
  std::copy(out.begin(), out.end(), first);
}

// Certified high-tech firms: a random sample without replacement (the firms with the largest of
// a uniform key each), size-neutral within a size class: when the scenario states how many of the
// high-tech firms are above-size, each class is sampled apart, so certification rises with size
// across the above-size line as the statistics say (docs/model.md 2). The stated R&D does not
// choose the sample, it only rules out the draws it contradicts: when the sampled firms could not
// all meet their thresholds (kCertifiedRdMin x) within 80 % of the stated R&D — a heavy-tailed draw
// that put one of the very largest firms in the sample — the sample is the random order's first
// firms that fit, and only when too few fit does it take the rest regardless (the calibration fit
// then shows the gap).
void choose_hightech(ZoneGen& g) {
  const std::size_t n = g.n, n_pick = std::min(g.n_ht, g.n);
  const double stated_above = g.field(ZoneField::base_hightech_above_size_firms);
  std::vector<std::pair<double, std::size_t>> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = {g.rng.uniform(), i};
  g.is_ht.assign(n, 0);
  auto floor_rd = [&](std::size_t i) {
    return kCertifiedRdMin * certification_rd_threshold(g.real_size(i)) * g.size[i];
  };
  // The random order: largest key first, ties (32-bit keys: a few among 10^6 firms) by index.
  auto greater = [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  double budget = 0.8 * g.field(ZoneField::base_rd);
  // k firms of [from, to) in the random order, within the budget where they fit.
  auto take = [&](std::size_t from, std::size_t to, std::size_t k) {
    auto first = keys.begin() + static_cast<std::ptrdiff_t>(from);
    auto last = keys.begin() + static_cast<std::ptrdiff_t>(to);
    k = std::min(k, to - from);
    std::nth_element(first, first + static_cast<std::ptrdiff_t>(k), last, greater);
    double used = 0;
    for (std::size_t j = from; j < from + k; ++j) used += floor_rd(keys[j].second);
    if (used <= budget) {
      for (std::size_t j = from; j < from + k; ++j) g.is_ht[keys[j].second] = 1;
    } else {  // rare: walk the whole random order
      sort_random_order(first, last);
      std::size_t taken = 0;
      used = 0;
      for (std::size_t j = from; j < to && taken < k; ++j) {
        const double r = floor_rd(keys[j].second);
        if (used + r > budget) continue;
        g.is_ht[keys[j].second] = 1;
        used += r;
        ++taken;
      }
      for (std::size_t j = from; j < to && taken < k; ++j) {
        if (g.is_ht[keys[j].second]) continue;
        g.is_ht[keys[j].second] = 1;
        used += floor_rd(keys[j].second);
        ++taken;
      }
    }
    budget = std::max(0.0, budget - used);
  };
  if (stated_above >= 0) {
    const std::size_t pick_above = static_cast<std::size_t>(stated_above);
    // sizes[0, n_above) are the above-size firms; the small ones first (their thresholds are
    // small sums), then the above-size firms within what is left.
    take(g.n_above, n, n_pick - std::min(pick_above, n_pick));
    take(0, g.n_above, pick_above);
  } else {
    take(0, n, n_pick);
  }
}

// The zone's firms, appended: sector, productivity (correlated with size), age, ownership,
// R&D (certified firms above their thresholds, other performers at their sector's propensity,
// scaled later), energy intensity and export share.
void append_firms(ZoneGen& g) {
  Run& run = g.run;
  Firms& f = run.firms;
  const int base = g.year;
  Stream& rng = g.rng;
  g.rho.assign(g.n, 0.0);
  for (std::size_t i = 0; i < g.n; ++i) {
    const std::size_t id = g.first + i;
    f.sector[id] = static_cast<std::uint16_t>(draw_sector(rng, g.spec.sector_shares));
    const double y = g.size[i];
    const std::size_t s = f.sector[id];
    double ln_size = std::log(g.real_size(i) / kAboveSizeRevenue);
    double ln_a = kProductivitySigma * (kSizeProductivityCorr * std::tanh(ln_size / 3.0) * 1.5 +
                                        std::sqrt(1 - kSizeProductivityCorr * kSizeProductivityCorr) *
                                            rng.normal());
    f.set_log_productivity(id, ln_a);
    f.demand[id] = y;  // f.output[id] is y already (draw_sizes writes there)
    // The base population is conditioned on survival: the stated firms are the survivors of
    // their start-up years, so none faces the start-up hazard again (it applies to the firms born
    // in the simulated years). Ages beyond the start-up window are exponential, mean 8 years.
    f.birth_year[id] = static_cast<std::int16_t>(base - kStartupYears -
                                                 static_cast<int>(-std::log(rng.uniform()) * 8.0));
    if (rng.bernoulli(g.field(ZoneField::foreign_firm_share))) f.flags[id] |= kForeign;
    bool performer = g.is_ht[i] || rng.bernoulli(kRdPerformerShare[g.real_size(i) >= kAboveSizeRevenue]);
    if (g.is_ht[i]) {
      g.rho[i] = certification_rd_threshold(g.real_size(i)) * (kCertifiedRdMin + kCertifiedRdSpread * rng.uniform());  // mean 1.3 x threshold
      g.ht_rd += g.rho[i] * y;
      f.cert_until[id] = static_cast<std::int16_t>(base + static_cast<int>(rng.uniform() * 3.0));
      f.last_innovation[id] = static_cast<std::int16_t>(base - static_cast<int>(rng.uniform() * 2.0));
    } else if (performer) {
      g.rho[i] = run.sector(s, SectorField::rd_propensity) * std::exp(kRdDrawSigma * rng.normal() - 0.18);
      g.other_rd_raw += g.rho[i] * y;
    }
    double e = g.field(ZoneField::energy_intensity) * run.sector(s, SectorField::energy_intensity_factor) *
               std::exp(0.4 * rng.normal() - 0.08);
    f.energy_intensity[id] = static_cast<float>(e);
    double x = g.field(ZoneField::export_share) * run.sector(s, SectorField::export_share_factor) *
               ((f.flags[id] & kForeign) ? 2.0 : 0.8) * (0.5 + rng.uniform());
    f.export_share[id] = static_cast<float>(std::clamp(x, 0.0, 1.0));
  }
}

// When the certified firms' R&D alone exceeds the stated R&D (few, large certified firms: a
// zone scaled down to a handful of them), they are brought toward kCertifiedRdMin x their
// thresholds, the least a certified firm spends here, leaving 20 % of the stated R&D to the
// others where the thresholds allow it. Otherwise the draws stand.
void fit_certified_rd(ZoneGen& g) {
  const double base_rd = g.field(ZoneField::base_rd);
  if (!(g.ht_rd > base_rd)) return;
  double floor_rd = 0;
  for (std::size_t i = 0; i < g.n; ++i)
    if (g.is_ht[i]) floor_rd += kCertifiedRdMin * certification_rd_threshold(g.real_size(i)) * g.size[i];
  const double goal = std::max(floor_rd, 0.8 * base_rd);
  const double keep = g.ht_rd > floor_rd ? (goal - floor_rd) / (g.ht_rd - floor_rd) : 0.0;
  g.zs.certified_rd_keep = keep;
  g.ht_rd = 0;
  for (std::size_t i = 0; i < g.n; ++i) {
    if (!g.is_ht[i]) continue;
    const double floor_rho = kCertifiedRdMin * certification_rd_threshold(g.real_size(i));
    g.rho[i] = floor_rho + keep * (g.rho[i] - floor_rho);
    g.ht_rd += g.rho[i] * g.size[i];
  }
}

// The certification pipeline (base_hightech_growth > 0, docs/model.md 2): in a year when
// certified firms grow, some uncertified firms are one or two years into the 3-year cumulative
// R&D test. They are the uncertified R&D performers closest to their notch (own intensity over
// threshold, highest first; then the non-performers in random order), within half of the R&D the
// certified firms leave of base_rd (assumption: the other performers keep the rest; a firm whose
// notch does not fit is passed over, and only when too few fit are the rest taken regardless,
// the least R&D first): first the year-1 firms (R&D at 1.05 x the threshold in the base year and the year
// before), then the year-2 firms (at that level in the base year only). Each keeps its own R&D
// intensity (an R&D performer's draw) as what it would spend without the certificate, so that
// it goes on to the notch only while the certificate is worth it (demand_rd.cpp). No draw when
// the growth is 0 (the stationary base year).
void choose_pipeline(ZoneGen& g) {
  g.pipe.assign(g.n, 0);
  const auto [m1, m2] = certification_pipeline(g.field(ZoneField::base_hightech_growth),
                                               static_cast<double>(g.n_ht));
  if (m1 + m2 == 0) return;
  Run& run = g.run;
  Firms& f = run.firms;
  std::vector<std::pair<double, std::size_t>> keys;
  keys.reserve(g.n);
  for (std::size_t i = 0; i < g.n; ++i)
    if (!g.is_ht[i]) {
      const double u = g.rng.uniform();
      keys.push_back({g.rho[i] > 0 ? g.rho[i] / certification_rd_threshold(g.real_size(i)) : u - 1.0, i});
    }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a > b; });
  auto notch = [&](std::size_t i) { return kCertifiedRdMin * certification_rd_threshold(g.real_size(i)); };
  const double budget = 0.5 * std::max(0.0, g.field(ZoneField::base_rd) - g.ht_rd);
  std::vector<std::size_t> taken;
  double used = 0;
  const std::size_t m = m1 + m2;
  for (const auto& k : keys) {
    if (taken.size() >= m) break;
    const double r = notch(k.second) * g.size[k.second];
    if (used + r > budget) continue;
    taken.push_back(k.second);
    g.pipe[k.second] = 1;  // marks it taken; the year is set below
    used += r;
  }
  if (taken.size() < m) {  // the rest regardless, the least R&D first
    std::vector<std::pair<double, std::size_t>> rest;
    for (const auto& k : keys)
      if (!g.pipe[k.second]) rest.push_back({notch(k.second) * g.size[k.second], k.second});
    std::sort(rest.begin(), rest.end());
    for (std::size_t j = 0; j < rest.size() && taken.size() < m; ++j) {
      taken.push_back(rest[j].second);
      g.pipe[rest[j].second] = 1;
    }
  }
  g.rho_own.assign(g.n, 0.0);
  for (std::size_t j = 0; j < taken.size(); ++j) {
    const std::size_t i = taken[j];
    const std::size_t id = g.first + i;
    g.pipe[i] = j < m1 ? 1 : 2;
    g.other_rd_raw -= g.rho[i] * g.size[i];
    g.rho_own[i] = g.rho[i] > 0 ? g.rho[i]
                                : run.sector(f.sector[id], SectorField::rd_propensity) *
                                      std::exp(kRdDrawSigma * g.rng.normal() - 0.18);
    g.rho[i] = notch(i);
    g.pipe_rd += g.rho[i] * g.size[i];
    // The IP test: an innovation held as a certified firm holds one.
    f.last_innovation[id] = static_cast<std::int16_t>(g.year - static_cast<int>(g.rng.uniform() * 2.0));
  }
}

// R&D: high-tech firms meet their certification threshold; the scale of the other performers'
// R&D so that the zone's R&D equals base_rd (when the high-tech firms alone do not exceed it).
// Intensities are capped at 30 %: where the scale pushes some performers past the cap (few,
// small performers in a zone of a handful of firms), the scale is found by bisection so that the
// capped R&D still sums to the stated total, and when even every performer at the cap falls
// short, the other firms join at their sector's propensity.
double other_rd_scale(ZoneGen& g) {
  const std::size_t n = g.n;
  double want_other = g.field(ZoneField::base_rd) - g.ht_rd - g.pipe_rd;
  double k_rd = (g.other_rd_raw > 0 && want_other > 0) ? want_other / g.other_rd_raw : 0.0;
  auto capped_other = [&](double k) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!g.is_ht[i] && !g.pipe[i]) sum += std::min(g.rho[i] * k, kMaxRdIntensity) * g.size[i];
    return sum;
  };
  if (want_other > 0 && capped_other(k_rd) < want_other * (1 - 1e-9)) {
    if (capped_other(1e300) < want_other)
      for (std::size_t i = 0; i < n; ++i)
        if (!g.is_ht[i] && !g.pipe[i] && g.rho[i] == 0)
          g.rho[i] = g.run.sector(g.run.firms.sector[g.first + i], SectorField::rd_propensity);
    // The bisection's sums over the uncertified firms with R&D only, in firm order: the others'
    // terms are +0 at the finite scales it tries, which leave a sum unchanged, so each sum is
    // capped_other's to the last bit.
    std::vector<std::uint32_t> performers;
    const bool indexed = n <= std::numeric_limits<std::uint32_t>::max();
    if (indexed) {
      std::size_t count = 0;
      for (std::size_t i = 0; i < n; ++i) count += !g.is_ht[i] && !g.pipe[i] && g.rho[i] != 0;
      performers.reserve(count);
      for (std::size_t i = 0; i < n; ++i)
        if (!g.is_ht[i] && !g.pipe[i] && g.rho[i] != 0) performers.push_back(static_cast<std::uint32_t>(i));
    }
    auto capped_performers = [&](double k) {
      if (!indexed) return capped_other(k);
      double sum = 0;
      for (const std::uint32_t i : performers) sum += std::min(g.rho[i] * k, kMaxRdIntensity) * g.size[i];
      return sum;
    };
    double lo = 0, hi = 1;
    while (capped_performers(hi) < want_other && hi < 1e300) hi *= 2;
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      // lo and hi adjacent doubles: mid is one of them and no later round moves hi (lo always
      // falls short), so stopping here gives the 100 rounds' hi, in ~55 rounds.
      if (mid <= lo || mid >= hi) break;
      (capped_performers(mid) < want_other ? lo : hi) = mid;
    }
    k_rd = hi;
  }
  return k_rd;
}

// Final R&D intensities, the propensities backed out from them, capital; then the zone's
// calibration scales (labour, value added, capital per mu, energy). Firms' R&D propensities are
// backed out under the policy the base-year R&D was observed under (the file's base-year
// levers), not under an override of those levers. Returns the energy scale.
double calibrate_zone(ZoneGen& g, double k_rd) {
  Run& run = g.run;
  Firms& f = run.firms;
  const double eps = run.param(Param::rd_user_cost_elasticity);
  const double tax_std = run.param(Param::standard_income_tax_rate);
  const double level_subsidy = g.spec.base_year_levers[static_cast<std::size_t>(Lever::rd_subsidy_rate)];
  const double deduction = g.spec.base_year_levers[static_cast<std::size_t>(Lever::rd_super_deduction)];
  const double tax_ht = g.spec.base_year_levers[static_cast<std::size_t>(Lever::hightech_income_tax_rate)];
  ZoneState& zs = g.zs;
  // Entrants draw their R&D from this distribution and back their propensity out under the same
  // base-year user cost (entry.cpp).
  zs.rd_scale = k_rd;
  for (int c = 0; c < 2; ++c)
    zs.base_user_cost_pow[c] = std::pow(rd_user_cost(level_subsidy, c ? tax_ht : tax_std, deduction), eps);
  double firms_in[2] = {0, 0}, certified_in[2] = {0, 0};
  for (std::size_t i = 0; i < g.n; ++i) {
    const int above = g.real_size(i) >= kAboveSizeRevenue;
    firms_in[above] += 1;
    certified_in[above] += g.is_ht[i];
  }
  for (int c = 0; c < 2; ++c) zs.certified_share[c] = firms_in[c] > 0 ? certified_in[c] / firms_in[c] : 0.0;
  double out_sum = 0, va_raw = 0, labour_raw = 0, capital_sum = 0, energy_w = 0;
  for (std::size_t i = 0; i < g.n; ++i) {
    std::size_t id = g.first + i;
    if (!g.is_ht[i] && !g.pipe[i]) g.rho[i] *= k_rd;
    g.rho[i] = std::min(g.rho[i], kMaxRdIntensity);
    f.rd_intensity[id] = g.rho[i];
    // History for the 3-year cumulative R&D test: the base year's R&D and sales before it.
    f.rd_last[id] = static_cast<float>(g.rho[i] * f.output[id]);
    // A year-2 pipeline firm began its build-up in the base year: no R&D the year before.
    f.rd_before[id] = g.pipe[i] == 2 ? 0.0f : f.rd_last[id];
    f.sales_before[id] = static_cast<float>(f.output[id]);
    const std::size_t s = f.sector[id];
    const double y = f.output[id];
    // A pipeline firm's propensity is that of its own intensity at the zone's scale: what it
    // would spend without the certificate.
    const double own = g.pipe[i] ? std::min(g.rho_own[i] * k_rd, kMaxRdIntensity) : g.rho[i];
    f.rd_propensity[id] =
        own > 0 ? own / (rd_sector_factor(run.sector(s, SectorField::rd_propensity)) *
                         zs.base_user_cost_pow[g.is_ht[i]])
                : 0.0;
    // capital_need and labour_need with the firm's cached A^0.3 and A^0.7 (no pow per firm).
    f.capital[id] = y * run.sector(s, SectorField::capital_output_ratio) / (f.productivity_03[id] * kBaseUtilisation);
    capital_sum += f.capital[id];
    out_sum += y;
    va_raw += run.sector(s, SectorField::value_added_ratio) * y;
    labour_raw += y / (run.sector(s, SectorField::output_per_worker) * 1.0 * f.productivity_07[id]);
    energy_w += static_cast<double>(f.energy_intensity[id]) * y;
  }
  zs.labour_scale = labour_raw / g.field(ZoneField::base_employment);
  zs.value_added_scale = g.field(ZoneField::base_value_added) / va_raw;
  zs.capital_density = capital_sum / g.field(ZoneField::base_land_used_mu);
  zs.base_energy_intensity = g.field(ZoneField::energy_intensity);
  return energy_w > 0 ? g.field(ZoneField::energy_intensity) * out_sum / energy_w : 1.0;
}

// Loss history: a firm losing money in the base year has already lost for 0-2 years, so that
// exits for persistent losses are spread over time rather than all in year three.
void loss_history(ZoneGen& g, std::size_t id, double value_added) {
  Run& run = g.run;
  Firms& f = run.firms;
  const double tech = g.field(ZoneField::technical_share);
  const double wages = f.employment[id] * ((1.0 - tech) * run.param(Param::wage_general) +
                                           tech * run.param(Param::wage_technical));
  const double rd = f.rd_intensity[id] * f.output[id];
  const double profit = value_added * (1.0 - run.param(Param::vat_rate_on_value_added)) - wages -
                        run.param(Param::capital_depreciation) * f.capital[id] - rd;
  f.profit[id] = profit;
  if (profit < 0) f.loss_years[id] = static_cast<std::uint8_t>(g.rng.uniform() * 3.0);
}

// Energy, land, employment and researchers of each firm at the zone's scales; loss history and
// the base year's patents. Returns the zone's researchers.
double staff_and_land(ZoneGen& g, double e_scale) {
  Run& run = g.run;
  Firms& f = run.firms;
  const ZoneState& zs = g.zs;
  const double wage_r = run.param(Param::wage_researcher);
  const double rd_personnel = run.param(Param::rd_personnel_share);
  double researchers = 0;
  for (std::size_t i = 0; i < g.n; ++i) {
    std::size_t id = g.first + i;
    const std::size_t s = f.sector[id];
    f.energy_intensity[id] = static_cast<float>(f.energy_intensity[id] * e_scale);
    f.land_mu[id] = f.capital[id] / zs.capital_density;
    f.land_capacity[id] = f.capital[id];  // the base-year stock fills its land
    f.employment[id] = static_cast<float>(  // labour_need with the cached A^0.7
        f.output[id] / (run.sector(s, SectorField::output_per_worker) * zs.labour_scale * f.productivity_07[id]));
    const double value_added = run.sector(s, SectorField::value_added_ratio) * f.output[id] * zs.value_added_scale;
    // R&D staff paid from the firm's R&D personnel spending at the researcher wage, and among
    // its employees: a wage too low for its R&D cannot give it more researchers than workers.
    f.researchers[id] = std::min(
        static_cast<float>(f.rd_intensity[id] * f.output[id] * rd_personnel / wage_r), f.employment[id]);
    researchers += f.researchers[id];
    loss_history(g, id, value_added);
    if (f.last_innovation[id] == g.year)
      f.patents[id] = static_cast<std::uint16_t>(
          std::min(std::round(g.count_scale), 5000.0) + std::min<double>(g.rng.poisson(f.rd_intensity[id] * f.output[id] /
                                             run.param(Param::patent_rd_cost)), 60000.0));
  }
  return researchers;
}

// The zone's land, labour, innovation and budget accounts in the base year.
void open_zone_accounts(ZoneGen& g, double researchers) {
  Run& run = g.run;
  ZoneState& zs = g.zs;
  const double wage_r = run.param(Param::wage_researcher);
  zs.land_idle = g.field(ZoneField::base_land_idle_mu);
  zs.land_available = g.field(ZoneField::base_land_available_mu);
  zs.land_unsupplied = g.field(ZoneField::land_planned_mu) - g.field(ZoneField::base_land_used_mu) -
                       zs.land_idle - zs.land_available;
  const double employment = g.field(ZoneField::base_employment);
  // The researchers the base year's R&D employs: supply equals demand in the base year.
  zs.researchers_pool = researchers;
  zs.technical_pool = g.field(ZoneField::technical_share) * employment;
  zs.wage_general = run.param(Param::wage_general);
  zs.wage_technical = run.param(Param::wage_technical);
  zs.wage_researcher = wage_r;
  zs.carriers = g.field(ZoneField::base_innovation_carriers);
  zs.carriers_base = zs.carriers;
  zs.institutes = g.field(ZoneField::base_rd_institutes);
  zs.budget_balance = g.field(ZoneField::budget_balance);
  zs.budget_vintage.assign(1, zs.budget_balance);  // received in the base year
  zs.city_gdp = g.field(ZoneField::city_gdp);
  zs.national = g.field(ZoneField::level) == static_cast<double>(ZoneLevel::national);
}

// The productivity frontier, innovator share and patents of each of the zone's sectors.
void open_innovation_system(ZoneGen& g) {
  const Firms& f = g.run.firms;
  const std::size_t S = g.run.sc.sectors.size();
  const int base = g.year;
  ZoneState& zs = g.zs;
  zs.frontier.assign(S, 0.0);
  zs.innovator_share.assign(S, 0.0);
  std::vector<double> firms_in(S, 0.0);
  for (std::size_t i = g.first; i < g.first + g.n; ++i) {
    std::size_t s = f.sector[i];
    zs.frontier[s] = std::max(zs.frontier[s], f.productivity[i]);
    firms_in[s] += 1;
    if (f.last_innovation[i] == base) zs.innovator_share[s] += 1;
    zs.patents_last += f.patents[i];
  }
  for (std::size_t s = 0; s < firms_in.size(); ++s)
    if (firms_in[s] > 0) zs.innovator_share[s] /= firms_in[s];
}

// The zone's firms from its stated base values, as of run.year (the base year, or the year the
// zone opens), appended as one block after the firms there are, or written into the block from
// `first` that Firms::grow made for them. The zone reads only its own stream and writes only its
// firms and its ZoneState, so zones can be generated concurrently with the same result. It reads
// no lever of the year (the policy the base values were observed under is base_year_levers):
// open_zone_policy sets those after it, so a sweep's points that differ only in levers share
// what this makes (BaseYearCache).
void generate_zone(Run& run, std::size_t z, std::size_t first = kNoSlot) {
  ZoneGen g(run, z);
  g.first = first;
  g.n = static_cast<std::size_t>(g.field(ZoneField::base_firms));
  g.n_above = static_cast<std::size_t>(g.field(ZoneField::base_above_size_firms));
  g.n_ht = static_cast<std::size_t>(g.field(ZoneField::base_hightech_firms));
  g.count_scale = run.count_scale();
  if (g.first == kNoSlot) g.first = run.firms.grow(g.n, static_cast<std::uint16_t>(z), g.year);
  g.size = run.firms.output.data() + g.first;
  draw_sizes(g);
  if (g.count_scale != 1.0)
    for (std::size_t i = 0; i < g.n; ++i) g.size[i] *= g.count_scale;  // a model firm: k real firms of one size
  choose_hightech(g);
  append_firms(g);
  fit_certified_rd(g);
  choose_pipeline(g);
  const double k_rd = other_rd_scale(g);
  const double e_scale = calibrate_zone(g, k_rd);
  const double researchers = staff_and_land(g, e_scale);
  open_zone_accounts(g, researchers);
  open_innovation_system(g);
}

// The zone's levers in run.year (the year it is generated).
void open_zone_policy(Run& run, std::size_t z) {
  ZoneState& zs = run.zones[z];
  for (std::size_t l = 0; l < kLeverCount; ++l)
    zs.lever[l] = run.sc.lever(z, static_cast<Lever>(l)).at(run.year);
}

// The market's average productivity: output-weighted geometric mean of the base firms, so that
// relative productivity alone does not move aggregate demand in the base year.
void open_market(Run& run) {
  const Firms& f = run.firms;
  double w = 0, wl = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    w += f.output[i];
    wl += f.output[i] * f.log_productivity[i];  // ln A, cached
  }
  run.market.productivity = w > 0 ? std::exp(wl / w) : 1.0;
  run.market.demand_growth.assign(run.sc.sectors.size(), 0.0);
}

// Location choice of researchers: the logit constant of zone z that makes its share of the
// researchers stationary in the year it is generated (the hinterland's and the zones' pools of
// that year).
void calibrate_migration_zone(Run& run, std::size_t z, double hinterland, double total_r) {
  const double beta_w = run.param(Param::migration_wage_elasticity);
  ZoneState& zs = run.zones[z];
  double share_z = zs.researchers_pool > 0 ? zs.researchers_pool / total_r : 0.0;  // none: never chosen
  double share_0 = std::max(hinterland, 1.0) / total_r;
  double u_z = beta_w * std::log(zs.wage_researcher);
  double u_0 = beta_w * std::log(kHinterlandWageRatio * run.param(Param::wage_researcher));
  zs.migration_constant = std::log(share_z / share_0) - (u_z - u_0);
}

// The hinterland's mobile researchers and all researchers (hinterland and zones) in run.year,
// over the zones that exist then (migration.cpp counts the same).
std::pair<double, double> researcher_totals(const Run& run) {
  const Scenario& sc = run.sc;
  const double growth = std::pow(1.0 + sc.region[static_cast<std::size_t>(RegionField::hinterland_growth)],
                                 run.year - sc.base_year);
  double hinterland = 0, zone_r = 0;
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    if (!run.zone_exists(z)) continue;
    hinterland += run.year == sc.base_year ? sc.zones[z].fields[static_cast<std::size_t>(ZoneField::mobile_skilled_pool)]
                                           : sc.zones[z].fields[static_cast<std::size_t>(ZoneField::mobile_skilled_pool)] * growth;
    zone_r += run.zones[z].researchers_pool;
  }
  return {hinterland, hinterland + zone_r};
}

// Location choice of researchers: logit constants that make the base year stationary.
void calibrate_migration(Run& run) {
  const auto [hinterland, total_r] = researcher_totals(run);
  for (std::size_t z = 0; z < run.sc.zones.size(); ++z)
    if (run.zone_exists(z)) calibrate_migration_zone(run, z, hinterland, total_r);
}

}  // namespace

double labour_need(double output, double productivity, double output_per_worker, double scale) {
  return output / (output_per_worker * scale * std::pow(productivity, kLabourProductivityElasticity));
}
double capital_need(double output, double productivity, double capital_output_ratio) {
  return output * capital_output_ratio /
         (std::pow(productivity, kCapitalProductivityElasticity) * kBaseUtilisation);
}
double capacity_of(double capital, double productivity, double capital_output_ratio) {
  return capital * std::pow(productivity, kCapitalProductivityElasticity) / capital_output_ratio;
}

void reserve_base_year(Run& run) {
  run.year = run.sc.base_year;
  run.firms.reserve(static_cast<std::size_t>(run.sc.expected_peak_firms()) + 64);
}

void generate_base_year(Run& run) {
  const Scenario& sc = run.sc;
  reserve_base_year(run);
  run.zones.assign(sc.zones.size(), ZoneState{});
  // Each zone's block of firms in zone order (the indices a zone-by-zone generation gives), then
  // the zones in parallel: a large run's generation is one replication on every core.
  std::vector<std::size_t> present, first;
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    // A zone that opens later holds no firms until then (open_zone); its per-sector state exists.
    run.zones[z].frontier.assign(sc.sectors.size(), 0.0);
    run.zones[z].innovator_share.assign(sc.sectors.size(), 0.0);
    if (!run.zone_exists(z)) continue;
    present.push_back(z);
    first.push_back(run.firms.grow(static_cast<std::size_t>(sc.zones[z].fields[static_cast<std::size_t>(ZoneField::base_firms)]),
                                   static_cast<std::uint16_t>(z), run.year));
  }
  tbb::parallel_for(std::size_t{0}, present.size(), [&](std::size_t k) { generate_zone(run, present[k], first[k]); });
  open_market(run);
  calibrate_migration(run);
}

void open_base_year_policy(Run& run) {
  for (std::size_t z = 0; z < run.sc.zones.size(); ++z)
    if (run.zone_exists(z)) open_zone_policy(run, z);
}

void generate_population(Run& run) {
  generate_base_year(run);
  open_base_year_policy(run);
}

// Every input of generate_base_year besides the drawn parameters (Run::p) and the replication,
// as bits: the seed and base year (the streams), the region (count scale), every zone's values,
// sector shares and base-year levers, every sector's values. Keep it in step with the generator:
// a value it reads that is missing here would let two scenarios share a base year they do not
// share. Conservative: whole arrays, of which the generator reads only some values.
std::vector<std::uint64_t> base_year_inputs(const Scenario& sc) {
  std::vector<std::uint64_t> key;
  auto put = [&key](double v) { key.push_back(std::bit_cast<std::uint64_t>(v)); };
  key.push_back(sc.seed);
  key.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(sc.base_year)));
  key.push_back(sc.zones.size());
  key.push_back(sc.sectors.size());
  for (const double v : sc.region) put(v);
  for (const SectorSpec& sector : sc.sectors)
    for (const double v : sector.fields) put(v);
  for (const ZoneSpec& zone : sc.zones) {
    for (const double v : zone.fields) put(v);
    key.push_back(zone.sector_shares.size());
    for (const double v : zone.sector_shares) put(v);
    for (const double v : zone.base_year_levers) put(v);
  }
  return key;
}

std::pair<std::size_t, std::size_t> open_zone(Run& run, std::size_t z) {
  run.zones[z] = ZoneState{};
  const std::size_t first = run.firms.size();
  generate_zone(run, z);
  open_zone_policy(run, z);
  const auto [hinterland, total_r] = researcher_totals(run);
  calibrate_migration_zone(run, z, hinterland, total_r);
  return {first, run.firms.size()};
}

}  // namespace zonesim::detail
