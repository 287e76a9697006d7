// Analysis of sweep results: Sobol indices (Saltelli 2010 first order, Jansen total), Morris
// elementary effects, the cost-probability Pareto front and refinement of the policy search,
// and PRIM scenario discovery.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "zonesim/engine.hpp"
#include "zonesim/rng.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {
namespace {

constexpr auto kBootstrapPurpose = static_cast<Purpose>(0x42);
constexpr std::uint32_t kRefineSalt = 0x5EF1E000u;

struct Estimates {
  std::vector<double> s1, st;
};

// Estimates over the sample indices `js` (with repetition for the bootstrap).
Estimates estimate(const std::vector<double>& y, int k, const std::vector<int>& js) {
  const std::size_t stride = static_cast<std::size_t>(k) + 2;
  auto fA = [&](int j) { return y[j * stride]; };
  auto fB = [&](int j) { return y[j * stride + k + 1]; };
  auto fAB = [&](int j, int i) { return y[j * stride + 1 + i]; };
  const double n = static_cast<double>(js.size());
  // Total variance over the A and B samples together. The first-order estimator is applied to
  // centred outputs: same expectation, much smaller variance when the mean is large.
  double mean = 0;
  for (int j : js) mean += fA(j) + fB(j);
  mean /= 2 * n;
  double var = 0;
  for (int j : js) var += (fA(j) - mean) * (fA(j) - mean) + (fB(j) - mean) * (fB(j) - mean);
  var /= 2 * n - 1;
  Estimates e;
  e.s1.assign(k, 0.0);
  e.st.assign(k, 0.0);
  for (int i = 0; i < k; ++i) {
    double v1 = 0, vt = 0;
    for (int j : js) {
      const double d = fAB(j, i) - fA(j);
      v1 += (fB(j) - mean) * d;  // Saltelli et al. 2010, table 2 (b)
      vt += 0.5 * d * d;     // Jansen 1999
    }
    e.s1[i] = var > 0 ? v1 / n / var : 0.0;
    e.st[i] = var > 0 ? vt / n / var : 0.0;
  }
  return e;
}

}  // namespace

SobolIndices sobol_indices(const std::vector<double>& y, int k, int N, int bootstrap, std::uint64_t seed) {
  SobolIndices out;
  std::vector<int> all(static_cast<std::size_t>(N));
  std::iota(all.begin(), all.end(), 0);
  Estimates point = estimate(y, k, all);
  out.S1 = point.s1;
  out.ST = point.st;
  {
    double mean = 0, var = 0;
    const std::size_t stride = static_cast<std::size_t>(k) + 2;
    for (int j = 0; j < N; ++j) mean += y[j * stride] + y[j * stride + k + 1];
    mean /= 2.0 * N;
    for (int j = 0; j < N; ++j)
      var += std::pow(y[j * stride] - mean, 2) + std::pow(y[j * stride + k + 1] - mean, 2);
    out.variance = N > 0 ? var / (2.0 * N - 1) : 0.0;
  }
  out.S1_low = out.S1_high = out.S1;
  out.ST_low = out.ST_high = out.ST;
  if (bootstrap <= 1 || N < 2) return out;
  std::vector<std::vector<double>> b1(k), bt(k);
  std::vector<int> js(static_cast<std::size_t>(N));
  for (int b = 0; b < bootstrap; ++b) {
    Stream rng(seed, static_cast<std::uint32_t>(b), 0, 0, kBootstrapPurpose);
    for (auto& j : js) j = std::min(static_cast<int>(rng.uniform() * N), N - 1);
    Estimates e = estimate(y, k, js);
    for (int i = 0; i < k; ++i) {
      b1[i].push_back(e.s1[i]);
      bt[i].push_back(e.st[i]);
    }
  }
  for (int i = 0; i < k; ++i) {
    out.S1_low[i] = quantile(b1[i], 0.025);
    out.S1_high[i] = quantile(b1[i], 0.975);
    out.ST_low[i] = quantile(bt[i], 0.025);
    out.ST_high[i] = quantile(bt[i], 0.975);
  }
  return out;
}

MorrisIndices morris_indices(const Matrix& design, const std::vector<double>& y, int k, int r) {
  MorrisIndices out;
  out.mu.assign(k, 0.0);
  out.mu_star.assign(k, 0.0);
  out.sigma.assign(k, 0.0);
  std::vector<std::vector<double>> ee(k);
  for (int t = 0; t < r; ++t) {
    for (int s = 0; s < k; ++s) {
      const std::size_t a = static_cast<std::size_t>(t) * (k + 1) + s, b = a + 1;
      for (int i = 0; i < k; ++i) {
        const double dx = design[b][i] - design[a][i];
        if (dx != 0.0) ee[i].push_back((y[b] - y[a]) / dx);  // per whole factor range
      }
    }
  }
  for (int i = 0; i < k; ++i) {
    const auto& e = ee[i];
    if (e.empty()) continue;
    double m = 0, ms = 0;
    for (double v : e) {
      m += v;
      ms += std::fabs(v);
    }
    m /= e.size();
    ms /= e.size();
    double var = 0;
    for (double v : e) var += (v - m) * (v - m);
    out.mu[i] = m;
    out.mu_star[i] = ms;
    out.sigma[i] = e.size() > 1 ? std::sqrt(var / (e.size() - 1)) : 0.0;
  }
  return out;
}

std::vector<int> pareto_front(const std::vector<double>& cost, const std::vector<double>& probability) {
  std::vector<int> idx;
  for (int i = 0; i < static_cast<int>(cost.size()); ++i)
    if (std::isfinite(cost[i]) && std::isfinite(probability[i])) idx.push_back(i);
  // By increasing cost, then decreasing probability, then index (deterministic ties).
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    if (cost[a] != cost[b]) return cost[a] < cost[b];
    if (probability[a] != probability[b]) return probability[a] > probability[b];
    return a < b;
  });
  std::vector<int> front;
  double best = -1.0;
  for (int i : idx)
    if (probability[i] > best) {
      front.push_back(i);
      best = probability[i];
    }
  return front;
}

int optimize_total_points(const SweepSpec& s) {
  return s.optimize.initial_points + s.optimize.rounds * s.optimize.points_per_round;
}

Matrix refine_points(const SweepSpec& s, const Matrix& evaluated, const std::vector<double>& cost,
                     const std::vector<double>& probability, int round) {
  const int k = static_cast<int>(s.factors.size());
  const double p = s.optimize.probability;
  // Centres: the cheapest feasible points; if fewer than wanted, the most probable others.
  std::vector<int> order(evaluated.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const bool fa = probability[a] >= p, fb = probability[b] >= p;
    if (fa != fb) return fa;
    if (fa) return cost[a] != cost[b] ? cost[a] < cost[b] : a < b;
    return probability[a] != probability[b] ? probability[a] > probability[b]
                                            : (cost[a] != cost[b] ? cost[a] < cost[b] : a < b);
  });
  const int centres = std::max(1, std::min<int>(s.optimize.centres, static_cast<int>(order.size())));
  // Box half-width shrinks by half each round: 0.25, 0.125, ...
  const double half = 0.5 * std::pow(0.5, round);
  Matrix u = lhs_design(k, s.optimize.points_per_round, s.seed, kRefineSalt + static_cast<std::uint32_t>(round));
  Matrix out;
  for (int j = 0; j < s.optimize.points_per_round; ++j) {
    const auto& c = evaluated[order[j % centres]];
    std::vector<double> x(k);
    for (int i = 0; i < k; ++i) {
      double lo = std::max(0.0, c[i] - half), hi = std::min(1.0, c[i] + half);
      x[i] = lo + (hi - lo) * u[j][i];
    }
    out.push_back(x);
  }
  return out;
}

// ---- PRIM ------------------------------------------------------------------------------------

PrimBox prim(const Matrix& x, const std::vector<std::uint8_t>& y, double alpha, double min_mass) {
  const std::size_t n = y.size();
  const int k = n ? static_cast<int>(x[0].size()) : 0;
  PrimBox box;
  box.low.assign(k, -INFINITY);
  box.high.assign(k, INFINITY);
  box.restricted.assign(k, 0);
  if (n == 0) return box;
  for (int i = 0; i < k; ++i) {
    box.low[i] = x[0][i];
    box.high[i] = x[0][i];
    for (const auto& r : x) {
      box.low[i] = std::min(box.low[i], r[i]);
      box.high[i] = std::max(box.high[i], r[i]);
    }
  }
  const double total_pos = std::accumulate(y.begin(), y.end(), 0.0);
  auto inside = [&](const PrimBox& b, std::size_t r) {
    for (int i = 0; i < k; ++i)
      if (x[r][i] < b.low[i] || x[r][i] > b.high[i]) return false;
    return true;
  };
  auto stats = [&](PrimBox& b) {
    double m = 0, pos = 0;
    for (std::size_t r = 0; r < n; ++r)
      if (inside(b, r)) {
        m += 1;
        pos += y[r];
      }
    b.mass = m / n;
    b.density = m > 0 ? pos / m : 0.0;
    b.coverage = total_pos > 0 ? pos / total_pos : 0.0;
  };
  stats(box);
  PrimBox best = box;
  PrimBox cur = box;
  while (true) {
    std::vector<std::size_t> in;
    for (std::size_t r = 0; r < n; ++r)
      if (inside(cur, r)) in.push_back(r);
    if (static_cast<double>(in.size()) / n <= min_mass) break;
    PrimBox cand_best;
    bool found = false;
    for (int i = 0; i < k; ++i) {
      std::vector<double> v;
      for (auto r : in) v.push_back(x[r][i]);
      std::sort(v.begin(), v.end());
      for (int side = 0; side < 2; ++side) {
        PrimBox c = cur;
        if (side == 0) {
          // Peel the lowest alpha share (at least the runs at the lowest value: discrete factors).
          auto above = std::upper_bound(v.begin(), v.end(), quantile(v, alpha));
          if (above == v.end()) continue;
          c.low[i] = *above;
        } else {
          auto below = std::lower_bound(v.begin(), v.end(), quantile(v, 1 - alpha));
          if (below == v.begin()) continue;
          c.high[i] = *(below - 1);
        }
        if (c.low[i] > c.high[i]) continue;
        stats(c);
        if (c.mass < min_mass || c.mass == 0) continue;
        if (!found || c.density > cand_best.density ||
            (c.density == cand_best.density && c.mass > cand_best.mass)) {
          cand_best = c;
          found = true;
        }
      }
    }
    if (!found) break;
    cand_best.restricted = cur.restricted;
    for (int i = 0; i < k; ++i)
      if (cand_best.low[i] != cur.low[i] || cand_best.high[i] != cur.high[i]) cand_best.restricted[i] = 1;
    cur = cand_best;
    if (cur.density > best.density) best = cur;
  }
  // Pasting back: drop a restriction when that does not lower the density.
  for (int i = 0; i < k; ++i) {
    if (!best.restricted[i]) continue;
    PrimBox c = best;
    c.low[i] = box.low[i];
    c.high[i] = box.high[i];
    c.restricted[i] = 0;
    stats(c);
    if (c.density >= best.density) best = c;
  }
  return best;
}

std::string describe_box(const SweepSpec& s, const PrimBox& b, const std::vector<double>& col_low,
                         const std::vector<double>& col_high) {
  std::string out;
  auto num = [](double v, const std::string& unit) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return unit.empty() ? std::string(buf) : std::string(buf) + " " + unit;
  };
  for (std::size_t i = 0; i < s.factors.size(); ++i) {
    if (!b.restricted[i]) continue;
    const Factor& f = s.factors[i];
    const bool lo = b.low[i] > col_low[i], hi = b.high[i] < col_high[i];
    if (!lo && !hi) continue;
    std::string part;
    if (f.discrete) {
      part = f.short_name() + " in {";
      bool first = true;
      for (std::size_t v = 0; v < f.values.size(); ++v)
        if (static_cast<double>(v) >= b.low[i] && static_cast<double>(v) <= b.high[i]) {
          part += (first ? "" : ", ") + f.values[v];
          first = false;
        }
      part += "}";
    } else if (lo && hi) {
      part = f.short_name() + " between " + num(b.low[i], f.unit) + " and " + num(b.high[i], f.unit);
    } else if (lo) {
      part = f.short_name() + " above " + num(b.low[i], f.unit);
    } else {
      part = f.short_name() + " below " + num(b.high[i], f.unit);
    }
    out += (out.empty() ? "" : " and ") + part;
  }
  return out.empty() ? "whatever the factor values" : out;
}

}  // namespace zonesim::sweep
