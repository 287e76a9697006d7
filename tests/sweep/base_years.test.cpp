// A sweep's points share replication r's base year when they differ only in levers (the
// generator reads none): BaseYearCache keeps it from the first point and the others copy it. The
// rows must be the same bits as when every run generates its own; a factor the generator reads
// (a parameter, a zone's base value) must miss the cache's key and generate.
#include <catch2/catch.hpp>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstring>
#include <string>
#include <vector>

#include "support.hpp"
#include "zonesim/sweep.hpp"

using namespace zonesim;
using zonesim::test::TempDir;

namespace {

// The demo with two parameters drawn per replication, both read by the generator (the R&D
// propensities are backed out with the elasticity; the researchers' wage sets their numbers),
// so that replication r's draws are part of what its base year is made from.
const char* kUncertainDemo =
    "extends: demo.yaml\nname: demo-uncertain\nparameters:\n"
    "  rd_user_cost_elasticity: {distribution: normal, mean: -1.0, sd: 0.2}\n"
    "  wage_researcher: {distribution: triangular, low: 30 万元, mode: 40 万元, high: 50 万元}\n";

// A sweep of 5 Latin-hypercube points x 3 replications of `base` over `factors` (YAML list items).
std::string sweep_text(const std::string& base, const std::string& factors) {
  return "base: " + base + "\nfactors:\n" + factors +
         "design: {type: lhs, points: 5}\nreplications: 3\nseed: 11\noutputs:\n"
         "  - {indicator: gross_output, year: 2025}\n  - {indicator: rd_expenditure, year: 2021}\n"
         "  - {indicator: budget_spent, year: 2021}\n  - {indicator: budget_revenue, year: 2020}\n"
         "  - {indicator: value_added, year: 2020}\n";
}

const char* kLeverFactors =
    "  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
    "  - key: zones.north.levers.land_quota_mu\n    range: [400 mu, 2500 mu]\n"
    "  - key: levers.new_incubators\n    range: [0, 4]\n";

struct Sweep {
  TempDir dir;
  sweep::SweepSpec spec;
  sweep::Matrix design;
};

std::unique_ptr<Sweep> load(const std::string& factors, const std::string& base_variant = kUncertainDemo) {
  auto out = std::make_unique<Sweep>();
  out->dir.write("demo.yaml", test::read_file_text(test::source_path("scenarios/demo.yaml")));
  out->dir.write("variant.yaml", base_variant);
  auto loaded = sweep::load_sweep_file(out->dir.write("sweep.yaml", sweep_text("variant.yaml", factors)));
  INFO(loaded.diagnostics.format());
  REQUIRE(loaded.spec);
  out->spec = *loaded.spec;
  out->design = sweep::make_design(out->spec);
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Every point's rows, the points one after the other.
std::vector<std::vector<double>> rows_of(const Sweep& w, int threads, BaseYearCache* base_years) {
  std::vector<std::vector<double>> rows;
  for (const auto& unit : w.design) rows.push_back(sweep::evaluate_point(w.spec, unit, threads, base_years));
  return rows;
}

// Every point's rows, two points at a time and each point's replications in parallel, as
// `zonesim sweep -t 2` runs them: runs of one replication race for its slot.
std::vector<std::vector<double>> rows_in_parallel(const Sweep& w, BaseYearCache* base_years) {
  std::vector<std::vector<double>> rows(w.design.size());
  tbb::task_arena arena(2);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, w.design.size(),
                      [&](std::size_t p) { rows[p] = sweep::evaluate_point(w.spec, w.design[p], 0, base_years); });
  });
  return rows;
}

void check_same_rows(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t p = 0; p < a.size(); ++p) {
    INFO("point " << p);
    CHECK(same_bits(a[p], b[p]));
  }
}

}  // namespace

TEST_CASE("a sweep over levers gives the same rows bit for bit whether its points share base years or generate them") {
  std::string variant = kUncertainDemo;
  SECTION("the demo with drawn parameters") {}
  SECTION("a zone that opens during the run (its firms generated in 2023, not shared)") {
    variant += "zones:\n  south:\n    opens: 2023\n";
  }
  INFO("base:\n" << variant);
  const auto w = load(kLeverFactors, variant);
  const std::size_t P = w->design.size(), R = static_cast<std::size_t>(w->spec.replications);
  const auto generated = rows_of(*w, 1, nullptr);
  REQUIRE_FALSE(same_bits(generated[0], generated[1]));  // the levers matter to the rows

  const std::unique_ptr<BaseYearCache> cache = sweep::make_base_year_cache(w->spec);
  REQUIRE(cache);
  check_same_rows(rows_of(*w, 1, cache.get()), generated);
  CHECK(cache->reused() == (P - 1) * R);  // every point after the first copied every replication's
  CHECK(cache->bytes_held() > 0);
  check_same_rows(rows_of(*w, 2, cache.get()), generated);  // a filled cache, replications in parallel
  CHECK(cache->reused() == (2 * P - 1) * R);

  const std::unique_ptr<BaseYearCache> raced = sweep::make_base_year_cache(w->spec);
  check_same_rows(rows_in_parallel(*w, raced.get()), generated);
  CHECK(raced->reused() <= (P - 1) * R);
}

TEST_CASE("a sweep over a generator's input gives the rows of generation: the base years' key misses") {
  std::string factors;
  SECTION("a parameter the generator reads") {
    factors = "  - key: parameters.rd_user_cost_elasticity\n    range: [-1.4, -0.6]\n";
  }
  SECTION("a zone's base value, with a lever") {
    factors = "  - key: zones.north.base_output\n    range: [280 亿元, 330 亿元]\n" + std::string(kLeverFactors);
  }
  SECTION("a sector's value") {
    factors = "  - key: sectors.electronics.rd_propensity\n    range: [\"2 %\", \"5 %\"]\n";
  }
  INFO("factors:\n" << factors);
  const auto w = load(factors);
  // The sweep keeps no base years for such factors; a cache given anyway must miss every time.
  CHECK_FALSE(sweep::make_base_year_cache(w->spec));
  const auto generated = rows_of(*w, 1, nullptr);
  BaseYearCache cache(w->spec.replications, sweep::kBaseYearCacheBudget);
  check_same_rows(rows_of(*w, 1, &cache), generated);
  CHECK(cache.reused() == 0);
  // The same point again finds its own base years.
  check_same_rows(rows_of(*w, 2, &cache), generated);
  CHECK(cache.reused() == static_cast<std::size_t>(w->spec.replications));
  BaseYearCache raced(w->spec.replications, sweep::kBaseYearCacheBudget);
  check_same_rows(rows_in_parallel(*w, &raced), generated);
  CHECK(raced.reused() == 0);
}

TEST_CASE("the base years a sweep keeps stay within the memory budget") {
  const auto w = load(kLeverFactors);
  const int R = w->spec.replications;
  const double per_replication = BaseYearCache::bytes_for_firms(600);  // the demo's 400 + 200 base firms
  const auto budget = static_cast<std::size_t>(R * per_replication);
  CHECK(sweep::make_base_year_cache(w->spec, budget));
  CHECK_FALSE(sweep::make_base_year_cache(w->spec, budget - 1));

  // A cache too small for every replication keeps what fits and generates the rest: the same rows.
  const auto one = static_cast<std::size_t>(1.5 * per_replication);
  BaseYearCache cache(R, one);
  check_same_rows(rows_of(*w, 1, &cache), rows_of(*w, 1, nullptr));
  CHECK(cache.bytes_held() <= one);
  CHECK(cache.reused() == w->design.size() - 1);  // one replication kept, copied by every later point
}
