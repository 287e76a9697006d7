// Growth of output by channel with policy as a counterfactual (zonesim/decomposition.hpp,
// docs/model.md 3.2): what `zonesim effects` prints adds up, and its figures are the model's.
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>

#include "support.hpp"
#include "zonesim/decomposition.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

struct ChannelRow {
  double scenario = 0, without = 0, policy = 0;
};

// The rows of the channel table: "sector trend  output_change_trend  140.57  135.20  +5.37".
std::map<std::string, ChannelRow> channel_rows(const std::string& out) {
  std::map<std::string, ChannelRow> rows;
  const std::regex re(R"((^|\n)([a-z ]+?)  +(output_change_\w+|gross_output \d+ - \d+)  +(-?[\d.]+)  +(-?[\d.]+)  +([-+][\d.]+))");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator(); ++it)
    rows[(*it)[2]] = {std::stod((*it)[4]), std::stod((*it)[5]), std::stod((*it)[6])};
  return rows;
}

// The six signed figures of a row of the zone or lever table ("north  +0.02 ... +0.37").
std::vector<double> figures_of(const std::string& out, const std::string& head) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("\n" + head + R"(((?: +[-+][\d.]+){6})\n)")));
  std::istringstream figures(m[1].str());
  std::vector<double> row((std::istream_iterator<double>(figures)), std::istream_iterator<double>());
  REQUIRE(row.size() == 6);
  return row;
}

double mean_change(const Scenario& s, const Ensemble& e) {
  const int all = static_cast<int>(s.zones.size());
  double sum = 0;
  for (const auto& r : e.replications) sum += r.ind(s.years(), all, Ind::gross_output) - r.ind(0, all, Ind::gross_output);
  return sum / static_cast<double>(e.replications.size()) / 1e8;
}

}  // namespace

TEST_CASE("zonesim effects prints the growth of output by channel, adding up to the model's change of output") {
  auto r = run_zonesim("effects " + source_path("scenarios/demo.yaml") + " -r 6 -t 2 --lever rd_subsidy_rate");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("output growth by channel, all zones, 2020-2025 (亿元, mean over 6 replications)"));
  const auto rows = channel_rows(r.out);
  REQUIRE(rows.size() == 6);
  const char* channels[] = {"sector trend", "reallocation", "entry", "relocation", "exits and rest"};
  ChannelRow sum;
  for (const char* c : channels) {
    REQUIRE(rows.count(c));
    const ChannelRow& row = rows.at(c);
    sum.scenario += row.scenario;
    sum.without += row.without;
    sum.policy += row.policy;
    CHECK(row.policy == Approx(row.scenario - row.without).margin(0.011));  // printed to 0.01 亿元
  }
  const ChannelRow& total = rows.at("change of output");
  CHECK(sum.scenario == Approx(total.scenario).margin(0.03));
  CHECK(sum.without == Approx(total.without).margin(0.03));
  CHECK(sum.policy == Approx(total.policy).margin(0.03));
  CHECK(rows.at("relocation").scenario == 0.0);  // cancels over the scenario's zones
  // The totals are the model's change of gross output in the run and in the run with every lever
  // held at its base-year value (the demo raises rd_subsidy_rate from 5 % to 10 % in 2022).
  const Scenario s = load_valid(source_path("scenarios/demo.yaml"), {"replications=6"});
  CHECK(total.scenario == Approx(mean_change(s, run_ensemble(s))).margin(0.006));
  const Scenario off = with_base_year_policy(s);
  CHECK(total.without == Approx(mean_change(off, run_ensemble(off))).margin(0.006));
  // One lever changes in the demo, so its row is the whole policy channel.
  CHECK_THAT(r.out, Catch::Contains("policy channel by lever (亿元)"));
  const std::vector<double> lever_row = figures_of(r.out, "rd_subsidy_rate");
  CHECK(lever_row[0] == rows.at("sector trend").policy);
  CHECK(lever_row[5] == total.policy);
  // The zones' policy channels add up to that of all zones; relocation cancels between them.
  CHECK_THAT(r.out, Catch::Contains("policy channel by zone (亿元)"));
  const std::vector<double> north = figures_of(r.out, "north"), south = figures_of(r.out, "south");
  for (std::size_t k = 0; k < 5; ++k) CHECK(north[k] + south[k] == Approx(rows.at(channels[k]).policy).margin(0.021));
  CHECK(north[5] + south[5] == Approx(total.policy).margin(0.021));
  CHECK(north[3] + south[3] == Approx(0.0).margin(0.011));
}

TEST_CASE("the policy channel is the difference from the run with levers at their base-year values") {
  Scenario s = load_valid(source_path("scenarios/demo.yaml"), {"replications=4"});
  REQUIRE(levers_changed(s) == std::vector<Lever>{Lever::rd_subsidy_rate});
  // A scenario whose levers are already at their base-year values: the counterfactual is the same
  // run (common random numbers), so the policy channel is exactly zero and no lever changes.
  const Scenario unchanged = with_base_year_policy(s);
  CHECK(levers_changed(unchanged).empty());
  const Ensemble e = run_ensemble(unchanged);
  const auto d = decompose_output_growth(unchanged, e, {}, EnsembleOptions{});
  REQUIRE(d);
  CHECK(d->lever_at_base.empty());
  for (std::size_t k = 0; k < kOutputChannels; ++k) CHECK(d->scenario.channels[k] == d->without_levers.channels[k]);
  CHECK(d->scenario.change == d->without_levers.change);
  CHECK_THAT(format_output_decomposition(unchanged, *d), Catch::Contains("No lever differs from its 2020 value"));
  // Every zone's channels add up to its change of output.
  for (int z = 0; z <= static_cast<int>(s.zones.size()); ++z) {
    const OutputGrowth g = output_growth(unchanged, e.replications, z);
    double sum = 0;
    for (double c : g.channels) sum += c;
    CHECK(sum == Approx(g.change).margin(1e-9 * std::abs(g.change)));
  }
}
