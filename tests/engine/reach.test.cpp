// What it would take (engine/reach.cpp): the value the search returns reaches the threshold when
// run directly, a value one bisection step short of it does not, a lever that cannot reach a
// target says so, and the result does not depend on the thread count.
#include <cstdio>

#include <catch2/catch.hpp>

#include "support.hpp"
#include "zonesim/reach.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

constexpr int kReplications = 20;

struct Demo {
  ScenarioSource source = ScenarioSource::read_file(source_path("scenarios/demo.yaml"));
  RunPlan plan = RunPlan::parse({"replications=" + std::to_string(kReplications)});
  Scenario scenario = *resolve(source, plan).scenario;
  std::vector<TargetResult> targets;
  Demo() {
    EnsembleOptions eo;
    eo.threads = 1;
    targets = evaluate_targets(scenario, run_ensemble(scenario, eo).replications);
  }
  std::size_t target(const std::string& id) const {
    for (std::size_t k = 0; k < scenario.targets.size(); ++k)
      if (scenario.targets[k].id == id) return k;
    FAIL("no target " << id);
    return 0;
  }
  // P(met) of target `k` with `override` set, run directly (not through the search).
  double probability(const std::string& override, std::size_t k, int replications) const {
    LoadResult r = resolve(source, plan.with({override, "replications=" + std::to_string(replications)}));
    REQUIRE(r.scenario);
    EnsembleOptions eo;
    eo.threads = 2;
    return evaluate_targets(*r.scenario, run_ensemble(*r.scenario, eo).replications)[k].probability;
  }
  ReachResult search(std::vector<Lever> levers, int threads) const {
    ReachOptions o;
    o.levers = std::move(levers);
    o.replications = kReplications;  // the run's: the target is out of reach at these
    o.ensemble.threads = threads;
    auto r = find_reach(source, plan, scenario, targets, o);
    REQUIRE(r);
    return *r;
  }
};

const ReachRow& row_of(const ReachResult& r, std::size_t target, Lever l) {
  for (const auto& row : r.rows)
    if (row.target == target && row.lever == l) return row;
  FAIL("no row");
  return r.rows.front();
}

// The R&D subsidy rate as a user writes it, in percent.
std::string subsidy(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "levers.rd_subsidy_rate=%.6g %%", v * 100);
  return buf;
}

}  // namespace

TEST_CASE("the reach search finds the smallest R&D subsidy rate that makes the demo's output target likely") {
  const Demo demo;
  const std::size_t output = demo.target("output");
  REQUIRE(demo.targets[output].probability < 0.5);  // out of reach in the demo as it is
  const ReachResult r = demo.search({Lever::rd_subsidy_rate}, 1);
  CHECK(r.replications == kReplications);
  const ReachRow& row = row_of(r, output, Lever::rd_subsidy_rate);
  REQUIRE(row.outcome == ReachOutcome::reached);
  CHECK(row.upward);
  CHECK(row.value > row.from);
  CHECK(row.value_short < row.value);
  // Run directly with the search's replications: the value found meets the threshold, the last
  // value short of it does not.
  CHECK(demo.probability(subsidy(row.value), output, kReplications) >= 0.5);
  CHECK(demo.probability(subsidy(row.value), output, kReplications) == row.probability);
  CHECK(demo.probability(subsidy(row.value_short), output, kReplications) < 0.5);
  CHECK(row.budget_change > 0);  // the budget reimburses more of firms' R&D
}

TEST_CASE("the reach search says when no value in the valid range reaches a target") {
  const Demo demo;
  const std::size_t share = demo.target("hightech_share");
  REQUIRE(demo.targets[share].probability < 0.5);
  const ReachResult r = demo.search({Lever::rd_subsidy_rate}, 1);
  const ReachRow& row = row_of(r, share, Lever::rd_subsidy_rate);
  CHECK(row.outcome == ReachOutcome::out_of_range);
  CHECK(row.probability_bound < 0.5);
  CHECK(row.value == row.bound);
  CHECK_THAT(format_reach_table(demo.scenario, r),
             Catch::Contains("not within the valid range (P(met) below the threshold at the end of the range that helps most):\n  hightech_share: the lever (highest P = "));
}

TEST_CASE("the reach search gives the same result with one thread and with two") {
  const Demo demo;
  const ReachResult one = demo.search({Lever::land_quota_mu, Lever::rd_subsidy_rate}, 1);
  const ReachResult two = demo.search({Lever::land_quota_mu, Lever::rd_subsidy_rate}, 2);
  REQUIRE(one.rows.size() == two.rows.size());
  CHECK(one.evaluations == two.evaluations);
  for (std::size_t i = 0; i < one.rows.size(); ++i) {
    CHECK(one.rows[i].value == two.rows[i].value);
    CHECK(one.rows[i].probability == two.rows[i].probability);
    CHECK(one.rows[i].budget_change == two.rows[i].budget_change);
    CHECK(one.rows[i].value_short == two.rows[i].value_short);
  }
  CHECK(format_reach_table(demo.scenario, one) == format_reach_table(demo.scenario, two));
}
