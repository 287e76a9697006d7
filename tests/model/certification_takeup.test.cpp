// Incomplete take-up of the high-tech certificate (parameter certification_takeup_rate, issue
// 18; docs/model.md 3.3): a firm that would newly go for the certificate, not yet reporting R&D
// at its threshold, acts on the plan in a given year with that probability (a draw keyed by
// firm and year) and weighs it again the next year otherwise; a firm already on its way (the
// base year's certification pipeline, last year's applicants, renewals) always goes on. At 100 %
// (the default) every firm acts at once, and a lever switched on makes its applicants start
// together and pass the 3-year test together.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "model_support.hpp"
#include "zonesim/model.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

// First certifications (model firms, all zones) in each simulated year, mean over replications.
std::vector<double> first_certifications(const std::string& scenario, const std::string& takeup,
                                         std::vector<std::string> overrides) {
  overrides.push_back("parameters.certification_takeup_rate=" + takeup);
  const Scenario s = load_valid(source_path(scenario), overrides);
  const Ensemble e = simulate(s);
  std::vector<double> first;
  for (int y = s.base_year + 1; y <= s.end_year; ++y) first.push_back(mean_of(s, e, Ind::hightech_firms_new, y));
  return first;
}

double peak_share(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return *std::max_element(v.begin(), v.end()) / sum;
}

}  // namespace

TEST_CASE("a take-up rate below 100 % spreads the first certifications an award brings over the years") {
  // Qingyuan with an award of 30 万元 per first certification from its base year: at 100 % the
  // firms the award tips all start in the first year and half of the period's first
  // certifications fall in the year their 3-year window passes.
  const std::vector<std::string> award{"replications=8", "levers.hightech_certification_award=30万元"};
  const auto all_at_once = first_certifications("scenarios/qingyuan-hightech-2025.yaml", "100%", award);
  const auto quarter = first_certifications("scenarios/qingyuan-hightech-2025.yaml", "25%", award);
  INFO("largest year's share of the first certifications: " << peak_share(all_at_once) << " at 100 %, "
                                                            << peak_share(quarter) << " at 25 %");
  CHECK(peak_share(all_at_once) > 0.4);
  CHECK(peak_share(quarter) < peak_share(all_at_once) - 0.1);
  // The firms still come, later: in the last year more first certifications than at 100 %.
  CHECK(quarter.back() > 0);
  CHECK(quarter.back() >= 0.9 * all_at_once.back());
}

TEST_CASE("at take-up 0 the base year's certification pipeline still passes and no firm newly starts") {
  // The ETDZ back-test's base year holds firms one and two years into their R&D build-up
  // (base_hightech_growth): they are on their way, so they pass in the first simulated year as
  // at 100 %. The firms the award (20 万元 a real firm, 50 a model firm) tips and that have no R&D history
  // pass the 3-year test in the third year at 100 %, and do not start at 0.
  const std::vector<std::string> reps{"replications=4"};
  const auto all_at_once = first_certifications("scenarios/backtest/etdz-2018-2022.yaml", "100%", reps);
  const auto none = first_certifications("scenarios/backtest/etdz-2018-2022.yaml", "0%", reps);
  INFO("first certifications 2019-2022: " << all_at_once[0] << ", " << all_at_once[1] << ", " << all_at_once[2]
                                          << ", " << all_at_once[3] << " at 100 %; " << none[0] << ", " << none[1]
                                          << ", " << none[2] << ", " << none[3] << " at 0");
  CHECK(none[0] > 50);
  CHECK(none[0] >= 0.9 * all_at_once[0]);
  CHECK(none[2] < 0.5 * all_at_once[2]);
}

TEST_CASE("take-up 100 % is the default: setting it changes no result") {
  const std::string path = source_path("scenarios/qingyuan-hightech-2025.yaml");
  const Scenario a = load_valid(path, {"replications=2"});
  const Scenario b = load_valid(path, {"replications=2", "parameters.certification_takeup_rate=100%"});
  const Ensemble ea = simulate(a), eb = simulate(b);
  for (int y = a.base_year; y <= a.end_year; ++y)
    for (Ind ind : {Ind::hightech_firms, Ind::hightech_firms_new, Ind::rd_expenditure, Ind::gross_output}) {
      INFO("year " << y);
      CHECK(mean_of(a, ea, ind, y) == mean_of(b, eb, ind, y));
    }
  // Below 100 % the draws change who starts, hence the results.
  const Scenario c = load_valid(path, {"replications=2", "parameters.certification_takeup_rate=50%"});
  const Ensemble ec = simulate(c);
  CHECK(mean_of(c, ec, Ind::hightech_firms, c.end_year) != mean_of(a, ea, Ind::hightech_firms, a.end_year));
}
