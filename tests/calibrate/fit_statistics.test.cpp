// Issue 18: the fit statistics of a run against observed series, and the ABC rejection step,
// on cases whose answer is known by hand.
#include <catch2/catch.hpp>
#include <cmath>

#include "support.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/sweep.hpp"

using zonesim::test::load_valid_text;

namespace {

const char* kScenario =
    "zonesim: 1\nname: fit\nbase_year: 2020\nend_year: 2022\nreplications: 20\nseed: 1\n"
    "sectors:\n  a: {output_share: 100 %}\n"
    "zones:\n  north: {base_output: 100 亿元, base_value_added: 25 亿元}\n"
    "parameters:\n  births_per_carrier: {distribution: uniform, low: 0, high: 10}\n"
    "observed:\n"
    "  output:\n    indicator: gross_output\n    zone: north\n    source: test\n"
    "    values: {2021: 10 亿元, 2022: 25 亿元}\n";

// Replications whose gross output of zone `north` in every year is r+1 亿元 (r = 0..19).
std::vector<zonesim::ReplicationResult> ladder(const zonesim::Scenario& s) {
  std::vector<zonesim::ReplicationResult> reps(20);
  for (int r = 0; r < 20; ++r) {
    auto& rep = reps[static_cast<std::size_t>(r)];
    rep.years = s.years();
    rep.zones = 1;
    rep.indicators.assign(static_cast<std::size_t>(rep.years + 1) * 2 * zonesim::kIndicatorCount, 0.0);
    for (int y = 0; y <= rep.years; ++y) rep.ind(y, 0, zonesim::Ind::gross_output) = (r + 1) * 1e8;
  }
  return reps;
}

}  // namespace

TEST_CASE("the fit of a run gives the log error of the mean and the 90 % band of the replications") {
  const zonesim::Scenario s = load_valid_text(kScenario);
  const auto rows = zonesim::evaluate_fit(s, ladder(s));
  REQUIRE(rows.size() == 2);
  // Values 1..20 亿元: mean 10.5; type-7 quantiles 1.95 (5 %) and 19.05 (95 %).
  CHECK(rows[0].year == 2021);
  CHECK(rows[0].mean == Approx(10.5e8));
  CHECK(rows[0].p05 == Approx(1.95e8));
  CHECK(rows[0].p95 == Approx(19.05e8));
  CHECK(rows[0].log_error == Approx(std::log(10.5 / 10.0)));
  CHECK(rows[0].inside_band);
  CHECK(rows[0].within_10);  // ln 1.05 = 0.049
  // 25 亿元 lies above the band; ln(10.5/25) = -0.867.
  CHECK(rows[1].log_error == Approx(std::log(10.5 / 25.0)));
  CHECK_FALSE(rows[1].inside_band);
  CHECK(rows[1].beyond_25);
  const auto f = zonesim::summarise_fit(rows);
  CHECK(f.observations == 2);
  CHECK(f.within_10_or_band == 1);
  CHECK(f.beyond_25 == 1);
  CHECK(f.mean_band_width == Approx(((19.05 - 1.95) / 10 + (19.05 - 1.95) / 25) / 2));
  CHECK_FALSE(f.goals_met());
  const std::string table = zonesim::format_fit_table(s, rows);
  CHECK(table.find("+0.049") != std::string::npos);
  CHECK(table.find("1 either (50 %), 1 beyond ±25 %") != std::string::npos);
}

TEST_CASE("the ABC distance is the root mean square of the log errors") {
  CHECK(zonesim::fit_distance({2.0, 1.0}, {1.0, 1.0}) == Approx(std::log(2.0) / std::sqrt(2.0)));
  CHECK(zonesim::fit_distance({1.0, 3.0}, {1.0, 3.0}) == 0.0);
  // A simulated value that is not positive counts as a ratio of 1e-6.
  CHECK(zonesim::fit_distance({0.0}, {5.0}) == Approx(-std::log(1e-6)));
}

TEST_CASE("ABC rejection accepts the proposals nearest the observations, with equal weights") {
  using namespace zonesim::sweep;
  CalibrationSpec c;
  c.sweep.base = load_valid_text(kScenario);
  c.sweep.replications = 1;
  Factor f;
  f.key = "parameters.births_per_carrier";
  f.low = 0;
  f.high = 100;
  f.prior = c.sweep.base.params[static_cast<std::size_t>(zonesim::Param::births_per_carrier)];  // uniform(0, 10)
  c.sweep.factors = {f};
  c.params = {zonesim::Param::births_per_carrier};
  zonesim::sweep::OutputSpec out;
  c.sweep.outputs = {out};
  c.observed = {4.0};
  c.accept_quantile = 0.1;
  // 50 proposals u = (i + 0.5) / 50; the simulated output is the parameter itself (10 u), so the
  // distance is |ln(10 u / 4)| and the nearest proposals are those with 10 u nearest 4 in ratio.
  Matrix units;
  std::vector<std::vector<double>> rows;
  const int stride = row_stride(c.sweep);
  for (int i = 0; i < 50; ++i) {
    const double u = (i + 0.5) / 50;
    units.push_back({u});
    std::vector<double> row(static_cast<std::size_t>(stride), 0.0);
    row[0] = 10 * u;
    rows.push_back(row);
  }
  const AbcResult r = abc_rejection(c, units, rows);
  REQUIRE(r.accepted.size() == 5);
  // 10 u = 4.1, 3.9, 4.3, 3.7, 4.5 (ratios 1.025, 0.975, 1.075, 0.925, 1.125).
  CHECK(r.accepted == std::vector<int>{20, 19, 21, 18, 22});
  for (double w : r.weight) CHECK(w == Approx(0.2));
  CHECK(r.post_mean[0] == Approx((4.1 + 3.9 + 4.3 + 3.7 + 4.5) / 5));
  CHECK(r.prior_mean[0] == Approx(5.0).margin(1e-3));
  CHECK(r.tolerance == Approx(std::log(4.5 / 4.0)));
  c.tolerance = 0.05;  // accept every proposal within ln-distance 0.05: 4.1 and 3.9
  CHECK(abc_rejection(c, units, rows).accepted == std::vector<int>{20, 19});
}
