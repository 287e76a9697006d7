// Specifications of the sweep's designs and estimators, on functions with known answers.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "zonesim/sweep.hpp"

using namespace zonesim::sweep;

TEST_CASE("Sobol points are the Joe-Kuo sequence and stratify every dimension") {
  Matrix p = sobol_points(sobol_max_dims(), 0, 64);
  REQUIRE(sobol_max_dims() >= 20);
  // The first points of new-joe-kuo-6.21201 (as in scipy.stats.qmc.Sobol(scramble=False)).
  CHECK(p[0][0] == 0.0);
  for (int d = 0; d < sobol_max_dims(); ++d) CHECK(p[1][d] == 0.5);
  CHECK(p[2][0] == 0.75);
  CHECK(p[2][1] == 0.25);
  CHECK(p[3][0] == 0.25);
  CHECK(p[3][1] == 0.75);
  // (0, m, s)-net property in one dimension: 2^m points fill each of 2^m intervals once.
  for (int d = 0; d < sobol_max_dims(); ++d) {
    std::set<int> cells;
    for (const auto& x : p) cells.insert(static_cast<int>(x[d] * 64));
    CHECK(cells.size() == 64);
  }
  // Random access: points 10.. equal the tail of points 0..
  Matrix q = sobol_points(5, 10, 4);
  Matrix all = sobol_points(5, 0, 14);
  for (int j = 0; j < 4; ++j) CHECK(q[j] == all[10 + j]);
}

TEST_CASE("Saltelli design has N*(k+2) points with the A, AB_i, B structure") {
  const int k = 3, N = 16;
  Matrix d = saltelli_design(k, N);
  REQUIRE(d.size() == static_cast<std::size_t>(N * (k + 2)));
  for (int j = 0; j < N; ++j) {
    const auto& a = d[j * (k + 2)];
    const auto& b = d[j * (k + 2) + k + 1];
    for (int i = 0; i < k; ++i) {
      const auto& ab = d[j * (k + 2) + 1 + i];
      for (int c = 0; c < k; ++c) CHECK(ab[c] == (c == i ? b[c] : a[c]));
    }
  }
}

TEST_CASE("Sobol indices of the Ishigami function match the known values") {
  // f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3, a = 7, b = 0.1.
  const int k = 3, N = 4096;
  Matrix d = saltelli_design(k, N);
  std::vector<double> y;
  for (const auto& u : d) {
    double x[3];
    for (int i = 0; i < 3; ++i) x[i] = -M_PI + 2 * M_PI * u[i];
    y.push_back(std::sin(x[0]) + 7 * std::pow(std::sin(x[1]), 2) + 0.1 * std::pow(x[2], 4) * std::sin(x[0]));
  }
  SobolIndices s = sobol_indices(y, k, N, 200, 42);
  // Analytic: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437. With N = 4096 quasi-random
  // base samples the estimators' error is about 0.01; allow 0.03.
  const double S1[] = {0.3139, 0.4424, 0.0}, ST[] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < k; ++i) {
    INFO("factor " << i << " S1 " << s.S1[i] << " [" << s.S1_low[i] << ", " << s.S1_high[i] << "] ST " << s.ST[i]);
    CHECK(s.S1[i] == Approx(S1[i]).margin(0.03));
    CHECK(s.ST[i] == Approx(ST[i]).margin(0.03));
    CHECK(s.S1_low[i] <= s.S1[i]);
    CHECK(s.S1_high[i] >= s.S1[i]);
    CHECK(s.S1_high[i] - s.S1_low[i] < 0.15);
    CHECK(s.ST_low[i] <= s.ST[i]);
    CHECK(s.ST_high[i] >= s.ST[i]);
  }
  // The bootstrap is seeded: the same intervals every time.
  SobolIndices again = sobol_indices(y, k, N, 200, 42);
  CHECK(again.S1_low == s.S1_low);
  CHECK(again.ST_high == s.ST_high);
}

TEST_CASE("Morris elementary effects of a function with known effects") {
  // y = 2 x1 + 0 x2 + x3^2 on the unit cube: mu*_1 = 2 exactly, mu*_2 = 0, x3 non-linear.
  const int k = 3, r = 20, p = 4;
  Matrix d = morris_design(k, r, p, 9);
  REQUIRE(d.size() == static_cast<std::size_t>(r * (k + 1)));
  std::vector<double> y;
  for (const auto& x : d) y.push_back(2 * x[0] + x[2] * x[2]);
  MorrisIndices m = morris_indices(d, y, k, r);
  CHECK(m.mu_star[0] == Approx(2.0));
  CHECK(m.sigma[0] == Approx(0.0).margin(1e-12));
  CHECK(m.mu_star[1] == 0.0);
  CHECK(m.mu_star[2] > 0.5);
  CHECK(m.sigma[2] > 0.0);
  // Every trajectory moves one factor at a time by the Morris step p / (2 (p - 1)).
  for (int t = 0; t < r; ++t)
    for (int s = 0; s < k; ++s) {
      int moved = 0;
      for (int i = 0; i < k; ++i) {
        double dx = std::fabs(d[t * (k + 1) + s + 1][i] - d[t * (k + 1) + s][i]);
        if (dx > 0) {
          ++moved;
          CHECK(dx == Approx(p / (2.0 * (p - 1))));
        }
      }
      CHECK(moved == 1);
    }
}

TEST_CASE("Latin hypercube: one point per stratum per factor, reproducible from the seed") {
  Matrix a = lhs_design(4, 50, 123), b = lhs_design(4, 50, 123), c = lhs_design(4, 50, 124);
  CHECK(a == b);
  CHECK(a != c);
  for (int i = 0; i < 4; ++i) {
    std::set<int> strata;
    for (const auto& x : a) strata.insert(static_cast<int>(x[i] * 50));
    CHECK(strata.size() == 50);
  }
}

TEST_CASE("grid design: full factorial, last factor fastest") {
  Matrix g = grid_design({2, 3});
  REQUIRE(g.size() == 6);
  CHECK(g[0] == std::vector<double>{0.0, 0.0});
  CHECK(g[1] == std::vector<double>{0.0, 0.5});
  CHECK(g[5] == std::vector<double>{1.0, 1.0});
}

TEST_CASE("Pareto front of cost against probability") {
  std::vector<double> cost = {5, 3, 4, 1, 2, 6}, prob = {0.9, 0.5, 0.8, 0.1, 0.1, 0.95};
  CHECK(pareto_front(cost, prob) == std::vector<int>{3, 1, 2, 0, 5});
}

TEST_CASE("PRIM finds the box where the outcome is likely") {
  Matrix x;
  std::vector<std::uint8_t> y;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j) {
      double a = (i + 0.5) / 40, b = (j + 0.5) / 40;
      x.push_back({a, b});
      y.push_back(a > 0.6 && b < 0.8 ? 1 : 0);
    }
  PrimBox box = prim(x, y);
  CHECK(box.density > 0.95);
  CHECK(box.restricted[0] == 1);
  CHECK(box.low[0] == Approx(0.6).margin(0.05));
  CHECK(box.mass >= 0.1);
  CHECK(box.coverage > 0.5);
}
