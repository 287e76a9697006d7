// Productivity growth bought by R&D: the private rate of return to R&D that innovation and
// imitation give (docs/model.md 3.4, the calibration of imitation_rd_weight in section 5).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

// The rate-of-return regression of the literature (Griliches; Hall, Mairesse & Mohnen 2010):
// OLS of a continuing firm's yearly change of ln A on its R&D intensity that year (R&D / sales,
// as reported), with the means of each zone-sector-year removed (so the spillovers common to a
// zone-sector and the market do not count). Returns the slope: d(TFP growth)/d(R&D/sales).
double rate_of_return(const std::vector<FirmPanel>& panels) {
  double sxy = 0, sxx = 0;
  for (const FirmPanel& p : panels) {
    // (firm, year) -> row
    std::map<std::pair<int, int>, std::size_t> row;
    for (std::size_t i = 0; i < p.year.size(); ++i) row[{p.firm[i], p.year[i]}] = i;
    // groups of (zone, sector, year): x = intensity, y = change of ln A from the year before
    std::map<std::tuple<int, int, int>, std::vector<std::pair<double, double>>> groups;
    for (std::size_t i = 0; i < p.year.size(); ++i) {
      auto prev = row.find({p.firm[i], p.year[i] - 1});
      if (prev == row.end()) continue;
      const std::size_t j = prev->second;
      groups[{p.zone[i], p.sector[i], p.year[i]}].push_back(
          {p.rd_intensity[i], std::log(p.productivity[i]) - std::log(p.productivity[j])});
    }
    for (const auto& [key, v] : groups) {
      if (v.size() < 2) continue;
      double mx = 0, my = 0;
      for (auto [x, y] : v) mx += x, my += y;
      mx /= static_cast<double>(v.size());
      my /= static_cast<double>(v.size());
      for (auto [x, y] : v) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
    }
  }
  return sxx > 0 ? sxy / sxx : 0.0;
}

}  // namespace

TEST_CASE("the private rate of return to R&D is within the literature's range") {
  // Qingyuan, where the base-year R&D was re-based to four times its earlier value and the
  // incumbents' TFP growth rose with it (issue 14), a point of R&D/sales bought 1.14 points of
  // TFP growth a year (imitation was pulled by own R&D at the weight of the spillovers) and this
  // test failed. The survey of Hall, Mairesse & Mohnen (2010) puts private rates of return "more
  // likely" at 20-30 % and at most about 75 %; the model gives 0.28 (40 replications; docs/model.md
  // 5). Bounds: above 0.1 (half the survey's likely range: R&D must still raise productivity
  // measurably) and below 0.75 (the survey's highest).
  // With 8 replications the slope's sampling error is about 0.02 (n ~ 60,000 firm-years).
  Scenario s = load_valid(source_path("scenarios/qingyuan-hightech-2025.yaml"), {"replications=8"});
  std::vector<FirmPanel> panels(8);
  for (std::uint32_t r = 0; r < 8; ++r) simulate_replication(s, r, &panels[r]);
  const double r = rate_of_return(panels);
  INFO("rate of return to R&D " << r);
  CHECK(r > 0.10);
  CHECK(r < 0.75);
}

TEST_CASE("the idiosyncratic productivity shock is mean one in levels with the stated s.d.") {
  // With no innovation jump and no imitation, a firm's productivity moves only by its shock:
  // ln A += sd e - sd^2/2, e standard normal (docs/model.md 3.4). Demo scenario, 2 replications,
  // about 6,000 firm-years: the s.d. of the change of ln A is within 5 % of tfp_shock_sd and the
  // mean change of A within 0.5 % of zero (sampling errors about 1 % and 0.15 %).
  auto changes = [](const char* sd) {
    Scenario s = load_valid(demo_path(), {"replications=2", "parameters.innovation_jump_max=0%",
                                          "parameters.imitation_zeta=0",
                                          std::string("parameters.tfp_shock_sd=") + sd});
    std::vector<double> d;
    for (std::uint32_t r = 0; r < 2; ++r) {
      FirmPanel p;
      simulate_replication(s, r, &p);
      std::map<std::pair<int, int>, double> a;
      for (std::size_t i = 0; i < p.year.size(); ++i)
        if (p.exit_year[i] == 0 || p.year[i] <= p.exit_year[i]) a[{p.firm[i], p.year[i]}] = p.productivity[i];
      for (const auto& [key, x] : a) {
        auto prev = a.find({key.first, key.second - 1});
        if (prev != a.end()) d.push_back(std::log(x / prev->second));
      }
    }
    return d;
  };
  const std::vector<double> d = changes("0.1");
  double m = 0, level = 0;
  for (double x : d) m += x / static_cast<double>(d.size()), level += std::exp(x) / static_cast<double>(d.size());
  double v = 0;
  for (double x : d) v += (x - m) * (x - m) / static_cast<double>(d.size() - 1);
  INFO(d.size() << " firm-years, s.d. of the change of ln A " << std::sqrt(v) << ", mean change of A "
                << level - 1.0);
  CHECK(d.size() > 2000);
  CHECK(std::sqrt(v) > 0.095);
  CHECK(std::sqrt(v) < 0.105);
  CHECK(std::fabs(level - 1.0) < 0.005);
  // Without the shock nothing moves productivity in this setting.
  double largest = 0;
  for (double x : changes("0")) largest = std::max(largest, std::fabs(x));
  CHECK(largest == 0.0);
}
