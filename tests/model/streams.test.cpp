// Random streams: each kind of event draws from its own stream (Purpose in rng.hpp), so that
// adding or changing one kind of event never shifts the draws of another (issue 13, item 5).
// Each model case changes a lever or parameter that changes how many numbers one kind of event
// draws in the first simulated year, and checks that another kind of event drew the same numbers:
// its outcome in that year is bit-identical.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "model_support.hpp"
#include "zonesim/rng.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

// The demo scenario with a few replications (the cases look at its first simulated year).
Scenario first_year(std::vector<std::string> overrides) {
  overrides.push_back("replications=4");
  return load_valid(demo_path(), overrides);
}

// Values of an indicator in the first simulated year, per replication and zone.
std::vector<double> first_year_values(const Scenario& s, const Ensemble& e, Ind ind) {
  std::vector<double> v;
  for (const auto& r : e.replications)
    for (int z = 0; z < static_cast<int>(s.zones.size()); ++z) v.push_back(r.ind(1, z, ind));
  return v;
}

}  // namespace

TEST_CASE("the draws of one purpose do not depend on how many numbers another purpose drew") {
  const std::uint64_t seed = 20201;
  // Draw k numbers from a firm's innovation stream (as a firm that innovates draws more), then
  // its imitation and retrofit numbers: the same whatever k.
  auto after = [&](int k, Purpose purpose) {
    Stream innovation(seed, 0, 17, 2021, Purpose::innovation);
    for (int j = 0; j < k; ++j) innovation.uniform();
    return Stream(seed, 0, 17, 2021, purpose).uniform();
  };
  for (Purpose p : {Purpose::imitation, Purpose::tfp_shock, Purpose::retrofit, Purpose::exit,
                    Purpose::exit_enforcement}) {
    const double first = after(0, p);
    for (int k : {1, 6, 9, 40}) CHECK(after(k, p) == first);
  }
  // Different purposes (and substreams) of one entity-year are different numbers.
  std::set<double> firsts;
  for (Purpose p : {Purpose::demand, Purpose::innovation, Purpose::retrofit, Purpose::exit,
                    Purpose::imitation, Purpose::exit_enforcement, Purpose::zone_events,
                    Purpose::project_arrivals, Purpose::tfp_shock})
    firsts.insert(Stream(seed, 0, 17, 2021, p).uniform());
  CHECK(firsts.size() == 9);
  CHECK(Stream(seed, 0, 17, 2021, Purpose::project, 1).uniform() !=
        Stream(seed, 0, 17, 2021, Purpose::project, 2).uniform());
}

TEST_CASE("changing the R&D subsidy leaves every firm's retrofit draws unchanged") {
  // A higher subsidy raises R&D, so more firms innovate and draw their jump and patents from the
  // innovation stream. Which firms retrofit must not change: first-year output does not depend on
  // R&D, so the zones' energy use is then bit-identical.
  const Scenario lo = first_year({"levers.rd_subsidy_rate=0%"});
  const Scenario hi = first_year({"levers.rd_subsidy_rate=60%"});
  const Ensemble a = simulate(lo), b = simulate(hi);
  CHECK(first_year_values(lo, a, Ind::gross_output) == first_year_values(hi, b, Ind::gross_output));
  // The subsidy did change the innovation draws...
  CHECK(first_year_values(lo, a, Ind::invention_patents) != first_year_values(hi, b, Ind::invention_patents));
  // ...but not the retrofit draws.
  CHECK(first_year_values(lo, a, Ind::energy_use) == first_year_values(hi, b, Ind::energy_use));
}

TEST_CASE("more innovation draws leave every firm's imitation and shock draws unchanged") {
  // With no productivity jump, productivity changes only by imitation and the idiosyncratic
  // shock. A ten times higher innovation hazard makes many more firms draw a jump and patents;
  // every firm's productivity after the first year (that is, its imitation and shock draws) is
  // the same.
  const std::vector<std::string> common = {"parameters.innovation_jump_max=0%"};
  auto with = [&](const char* zeta) {
    auto o = common;
    o.push_back(std::string("parameters.innovation_zeta=") + zeta);
    return first_year(o);
  };
  const Scenario lo = with("0.3"), hi = with("3");
  FirmPanel pa, pb;
  const ReplicationResult ra = simulate_replication(lo, 0, &pa);
  const ReplicationResult rb = simulate_replication(hi, 0, &pb);
  CHECK(ra.ind(1, 0, Ind::invention_patents) != rb.ind(1, 0, Ind::invention_patents));
  // Productivity of each firm in a year of a panel.
  auto of_year = [](const FirmPanel& p, int year) {
    std::map<std::int32_t, double> m;
    for (std::size_t k = 0; k < p.year.size(); ++k)
      if (p.year[k] == year) m[p.firm[k]] = p.productivity[k];
    return m;
  };
  const auto base = of_year(pa, 2020), a = of_year(pa, 2021), b = of_year(pb, 2021);
  std::size_t compared = 0, moved = 0;
  for (const auto& [firm, before] : base) {
    if (!a.count(firm) || !b.count(firm)) continue;  // exited in the base year's accounts
    CHECK(a.at(firm) == b.at(firm));
    moved += a.at(firm) != before;
    ++compared;
  }
  CHECK(compared > 100);
  CHECK(moved > 0);
}

TEST_CASE("more start-up births leave the zones' project arrivals unchanged") {
  // A large guidance fund makes many start-ups (a Poisson draw with a large mean, which uses more
  // numbers than a small one); the number of projects arriving is drawn from its own stream.
  const Scenario lo = first_year({"levers.venture_fund=0亿元"});
  const Scenario hi = first_year({"levers.venture_fund=20亿元"});
  const Ensemble a = simulate(lo), b = simulate(hi);
  CHECK(first_year_values(lo, a, Ind::startups) != first_year_values(hi, b, Ind::startups));
  CHECK(first_year_values(lo, a, Ind::projects_arrived) == first_year_values(hi, b, Ind::projects_arrived));
}

// Stream::beta33 by minima and maxima (issue 17) is the median the partial selection sort it
// replaced returns, for every stream; and the stream goes on from the same place.
TEST_CASE("Stream::beta33 is the median of its five uniforms") {
  for (std::uint32_t entity = 0; entity < 20000; ++entity) {
    Stream s(11, 2, entity, 2030, Purpose::innovation), copy = s;
    double v[5];
    for (double& x : v) x = copy.uniform();
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 5; ++j)
        if (v[j] < v[i]) std::swap(v[i], v[j]);
    REQUIRE(s.beta33() == v[2]);
    REQUIRE(s.uniform() == copy.uniform());
  }
}
