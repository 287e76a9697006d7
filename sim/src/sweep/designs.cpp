// Designs of experiments in the unit cube: Sobol (Joe-Kuo), Saltelli, Latin hypercube, grid,
// Morris. Everything is a pure function of its arguments (and the seed), so a sweep's points
// are the same on every machine, rank and thread count.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "zonesim/rng.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {
namespace {

// Direction numbers of S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008), file new-joe-kuo-6.21201,
// dimensions 2..21: degree s, coefficient a, initial m_1..m_s. Dimension 1 is van der Corput.
struct JoeKuo {
  unsigned s, a;
  std::array<unsigned, 8> m;
};
constexpr JoeKuo kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
};
constexpr int kBits = 32;
constexpr int kMaxDims = 1 + static_cast<int>(sizeof kJoeKuo / sizeof kJoeKuo[0]);

// V[d][i]: direction number i (0-based bit) of dimension d, scaled to 32 bits.
const std::array<std::array<std::uint32_t, kBits>, kMaxDims>& directions() {
  static const auto table = [] {
    std::array<std::array<std::uint32_t, kBits>, kMaxDims> v{};
    for (int i = 0; i < kBits; ++i) v[0][i] = 1u << (kBits - 1 - i);
    for (int d = 1; d < kMaxDims; ++d) {
      const JoeKuo& jk = kJoeKuo[d - 1];
      const unsigned s = jk.s;
      for (unsigned i = 0; i < s && i < kBits; ++i) v[d][i] = jk.m[i] << (kBits - 1 - i);
      for (unsigned i = s; i < kBits; ++i) {
        std::uint32_t x = v[d][i - s] ^ (v[d][i - s] >> s);
        for (unsigned k = 1; k < s; ++k)
          if ((jk.a >> (s - 1 - k)) & 1u) x ^= v[d][i - k];
        v[d][i] = x;
      }
    }
    return v;
  }();
  return table;
}

// Purposes of the sweep's own streams (outside the model's Purpose values, below 256).
constexpr auto kLhsPurpose = static_cast<Purpose>(0x40);
constexpr auto kMorrisPurpose = static_cast<Purpose>(0x41);

}  // namespace

int sobol_max_dims() { return kMaxDims; }

Matrix sobol_points(int dims, std::uint64_t first, std::uint64_t n) {
  if (dims < 1 || dims > kMaxDims)
    throw std::invalid_argument("Sobol sequence supports 1.." + std::to_string(kMaxDims) + " dimensions");
  const auto& v = directions();
  Matrix out(n, std::vector<double>(static_cast<std::size_t>(dims)));
  for (std::uint64_t j = 0; j < n; ++j) {
    const std::uint64_t idx = first + j;
    const std::uint64_t gray = idx ^ (idx >> 1);
    for (int d = 0; d < dims; ++d) {
      std::uint32_t x = 0;
      for (int b = 0; b < kBits; ++b)
        if ((gray >> b) & 1u) x ^= v[d][b];
      out[j][d] = std::ldexp(static_cast<double>(x), -kBits);
    }
  }
  return out;
}

Matrix saltelli_design(int k, int N) {
  // Skip the origin (point 0), as SALib and Saltelli et al. do.
  Matrix base = sobol_points(2 * k, 1, static_cast<std::uint64_t>(N));
  Matrix out;
  out.reserve(static_cast<std::size_t>(N) * (k + 2));
  for (int j = 0; j < N; ++j) {
    std::vector<double> a(base[j].begin(), base[j].begin() + k), b(base[j].begin() + k, base[j].end());
    out.push_back(a);
    for (int i = 0; i < k; ++i) {
      auto ab = a;
      ab[i] = b[i];
      out.push_back(ab);
    }
    out.push_back(b);
  }
  return out;
}

Matrix lhs_design(int k, int n, std::uint64_t seed, std::uint32_t salt) {
  Matrix out(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(k)));
  for (int i = 0; i < k; ++i) {
    // Stream keyed by (seed, salt, factor): one permutation and n jitters per factor.
    Stream rng(seed, salt, static_cast<std::uint32_t>(i), 0, kLhsPurpose);
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    for (int j = n - 1; j > 0; --j) {  // Fisher-Yates
      int r = static_cast<int>(rng.uniform() * (j + 1));
      if (r > j) r = j;
      std::swap(perm[j], perm[r]);
    }
    for (int j = 0; j < n; ++j) out[j][i] = (perm[j] + rng.uniform()) / n;
  }
  return out;
}

Matrix grid_design(const std::vector<int>& levels) {
  std::size_t total = 1;
  for (int l : levels) {  // load_sweep_file refuses large grids; this guards other callers
    const auto n = static_cast<std::size_t>(std::max(l, 1));
    if (total > std::numeric_limits<std::size_t>::max() / n) throw std::length_error("grid design: too many points");
    total *= n;
  }
  const std::size_t k = levels.size();
  Matrix out(total, std::vector<double>(k));
  for (std::size_t p = 0; p < total; ++p) {
    std::size_t rest = p;
    for (std::size_t i = k; i-- > 0;) {
      const int l = std::max(levels[i], 1);
      const std::size_t idx = rest % static_cast<std::size_t>(l);
      rest /= static_cast<std::size_t>(l);
      out[p][i] = l == 1 ? 0.5 : static_cast<double>(idx) / (l - 1);
    }
  }
  return out;
}

Matrix morris_design(int k, int r, int p, std::uint64_t seed) {
  const double delta = p / (2.0 * (p - 1));
  Matrix out;
  out.reserve(static_cast<std::size_t>(r) * (k + 1));
  for (int t = 0; t < r; ++t) {
    Stream rng(seed, static_cast<std::uint32_t>(t), 0, 0, kMorrisPurpose);
    std::vector<double> x(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      // Base levels from which a step of +delta stays inside [0, 1]: 0 .. p/2 - 1 (of p - 1).
      int lv = static_cast<int>(rng.uniform() * (p / 2));
      x[i] = static_cast<double>(std::min(lv, p / 2 - 1)) / (p - 1);
    }
    std::vector<int> order(static_cast<std::size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    for (int j = k - 1; j > 0; --j) {
      int q = std::min(static_cast<int>(rng.uniform() * (j + 1)), j);
      std::swap(order[j], order[q]);
    }
    // Half of the trajectories start at the top and step down, for balance.
    const bool down = rng.uniform() < 0.5;
    if (down)
      for (auto& v : x) v = std::min(1.0, v + delta);
    out.push_back(x);
    for (int i : order) {
      x[i] += down ? -delta : delta;
      x[i] = std::clamp(x[i], 0.0, 1.0);
      out.push_back(x);
    }
  }
  return out;
}

Matrix make_design(const SweepSpec& s) {
  const int k = static_cast<int>(s.factors.size());
  switch (s.design) {
    case DesignKind::grid: {
      std::vector<int> levels;
      for (const auto& f : s.factors)
        levels.push_back(f.discrete ? static_cast<int>(f.values.size()) : (f.levels > 0 ? f.levels : s.levels));
      return grid_design(levels);
    }
    case DesignKind::lhs: return lhs_design(k, s.points, s.seed);
    case DesignKind::sobol: return saltelli_design(k, s.base_samples);
    case DesignKind::morris: return morris_design(k, s.trajectories, s.morris_levels, s.seed);
    case DesignKind::optimize: return lhs_design(k, s.optimize.initial_points, s.seed);
  }
  return {};
}

std::string_view design_name(DesignKind d) {
  switch (d) {
    case DesignKind::grid: return "grid";
    case DesignKind::lhs: return "lhs";
    case DesignKind::sobol: return "sobol";
    case DesignKind::morris: return "morris";
    case DesignKind::optimize: return "optimize";
  }
  return "?";
}

}  // namespace zonesim::sweep
