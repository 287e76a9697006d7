// The baseline firm population shows the stylized facts of industrial dynamics (model brief,
// "validation suite"), each checked against a stated numeric range. Figures in docs/model.md.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

struct Panels {
  Scenario s;
  std::vector<FirmPanel> panels;
  std::vector<ReplicationResult> results;
};

const Panels& baseline_panels() {
  static const Panels p = [] {
    Panels out{load_valid(demo_path(), {"replications=6"}), {}, {}};
    for (std::uint32_t r = 0; r < 6; ++r) {
      FirmPanel panel;
      out.results.push_back(simulate_replication(out.s, r, &panel));
      out.panels.push_back(std::move(panel));
    }
    return out;
  }();
  return p;
}

// Values of `field` by firm for one year of a panel.
std::map<int, double> by_firm(const FirmPanel& p, const std::vector<double>& field, int year) {
  std::map<int, double> out;
  for (std::size_t i = 0; i < p.year.size(); ++i)
    if (p.year[i] == year && (p.exit_year[i] == 0 || p.exit_year[i] > year)) out[p.firm[i]] = field[i];
  return out;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace

TEST_CASE("firm sizes have a heavy Zipf-like upper tail (Hill exponent near 1)") {
  const auto& p = baseline_panels();
  for (const auto& panel : p.panels) {
    std::vector<double> sizes;
    for (auto [firm, y] : by_firm(panel, panel.output, p.s.end_year))
      if (y > 0) sizes.push_back(y);
    std::sort(sizes.rbegin(), sizes.rend());
    const std::size_t k = sizes.size() / 10;  // top decile
    double sum = 0;
    for (std::size_t i = 0; i < k; ++i) sum += std::log(sizes[i] / sizes[k]);
    const double hill = static_cast<double>(k) / sum;
    INFO("Hill tail exponent " << hill);
    CHECK(hill > 0.7);
    CHECK(hill < 1.6);
  }
}

TEST_CASE("annual growth rates are fat-tailed (Laplace-like, excess kurtosis well above 0)") {
  const auto& p = baseline_panels();
  std::vector<double> growth;
  for (const auto& panel : p.panels)
    for (int y = p.s.base_year + 2; y <= p.s.end_year; ++y) {
      auto before = by_firm(panel, panel.output, y - 1), after = by_firm(panel, panel.output, y);
      for (auto [firm, x1] : after) {
        auto it = before.find(firm);
        if (it != before.end() && it->second > 0 && x1 > 0) growth.push_back(std::log(x1 / it->second));
      }
    }
  double mean = 0;
  for (double g : growth) mean += g / static_cast<double>(growth.size());
  double m2 = 0, m4 = 0;
  for (double g : growth) {
    m2 += std::pow(g - mean, 2) / static_cast<double>(growth.size());
    m4 += std::pow(g - mean, 4) / static_cast<double>(growth.size());
  }
  const double excess_kurtosis = m4 / (m2 * m2) - 3.0;
  INFO("excess kurtosis " << excess_kurtosis << " over " << growth.size() << " firm-years, sd " << std::sqrt(m2));
  CHECK(excess_kurtosis > 1.0);  // normal: 0, Laplace: 3
  CHECK(std::sqrt(m2) > 0.05);
  CHECK(std::sqrt(m2) < 0.6);
}

TEST_CASE("productivity dispersion is wide and persistent") {
  const auto& p = baseline_panels();
  for (const auto& panel : p.panels) {
    auto start = by_firm(panel, panel.productivity, p.s.base_year);
    auto end = by_firm(panel, panel.productivity, p.s.end_year);
    std::vector<double> v;
    for (auto [f, a] : end) v.push_back(a);
    const double ratio = percentile(v, 0.9) / percentile(v, 0.1);
    INFO("TFP 90/10 ratio " << ratio);
    CHECK(ratio > 2.0);  // about 2 in US industries, about 5 in China (Syverson 2011)
    CHECK(ratio < 9.0);
    // Persistence: share of base-year top-quintile firms still in the top quintile at the end.
    std::vector<double> s0, s1;
    for (auto [f, a] : start)
      if (end.count(f)) {
        s0.push_back(a);
        s1.push_back(end[f]);
      }
    const double q0 = percentile(s0, 0.8), q1 = percentile(s1, 0.8);
    double top = 0, stay = 0;
    for (std::size_t i = 0; i < s0.size(); ++i)
      if (s0[i] >= q0) {
        top += 1;
        stay += s1[i] >= q1;
      }
    INFO("top-quintile persistence " << stay / top);
    CHECK(stay / top > 0.2);  // random re-sorting would give 0.2
    CHECK(stay / top < 0.9);
  }
}

TEST_CASE("entry and exit rates are a few percent a year") {
  const auto& p = baseline_panels();
  const int all = static_cast<int>(p.s.zones.size());
  double entry = 0, exit = 0;
  int n = 0;
  for (const auto& r : p.results)
    for (int y = 1; y <= p.s.years(); ++y) {
      entry += r.ind(y, all, Ind::entries) / r.ind(y - 1, all, Ind::firms);
      exit += r.ind(y, all, Ind::exits) / r.ind(y - 1, all, Ind::firms);
      ++n;
    }
  INFO("entry rate " << entry / n << ", exit rate " << exit / n);
  CHECK(entry / n > 0.01);
  CHECK(entry / n < 0.12);
  CHECK(exit / n > 0.005);
  CHECK(exit / n < 0.12);
}

TEST_CASE("R&D is concentrated in a minority of firms") {
  const auto& p = baseline_panels();
  for (const auto& panel : p.panels) {
    std::vector<double> rd;
    auto out = by_firm(panel, panel.output, p.s.end_year);
    auto rho = by_firm(panel, panel.rd_intensity, p.s.end_year);
    double total = 0;
    for (auto [f, y] : out) {
      rd.push_back(y * rho[f]);
      total += rd.back();
    }
    std::sort(rd.rbegin(), rd.rend());
    double top = 0;
    for (std::size_t i = 0; i < rd.size() / 10; ++i) top += rd[i];
    INFO("top decile's share of R&D " << top / total);
    CHECK(top / total > 0.5);
  }
}
