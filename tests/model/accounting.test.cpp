// Accounting identities that must hold every year, for any valid scenario.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

// A random but valid set of lever values, drawn within each lever's registered range.
std::vector<std::string> random_levers(std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto pct = [&](double hi) { return std::to_string(100.0 * hi * u(rng)) + "%"; };
  return {
      "levers.rd_subsidy_rate=" + pct(1.0),
      "levers.land_quota_mu=" + std::to_string(static_cast<int>(3000 * u(rng))) + "mu",
      "levers.idle_land_disposal_rate=" + pct(1.0),
      "levers.entry_rd_threshold=" + pct(0.08),
      "levers.exit_min_tax_per_mu=" + std::to_string(20 * u(rng)) + "万元/亩",
      "levers.talent_subsidy_per_person=" + std::to_string(5 * u(rng)) + "万元",
      "levers.new_incubators=" + std::to_string(static_cast<int>(5 * u(rng))),
      "levers.training_places=" + std::to_string(static_cast<int>(3000 * u(rng))),
      "levers.attraction_budget=" + std::to_string(2 * u(rng)) + "亿元",
      "levers.metropolis_relocations_per_year=" + std::to_string(static_cast<int>(4 * u(rng))),
      "levers.plot_ratio=" + std::to_string(0.5 + 2.5 * u(rng)),
      "levers.land_priority=" + std::string(u(rng) < 0.5 ? "high_tech_first" : "output_per_mu"),
      "levers.upper_level_transfer=" + std::to_string(u(rng)) + "亿元",
      "seed=" + std::to_string(rng()),
      "replications=3",
  };
}

}  // namespace

TEST_CASE("land is conserved: used + idle + available + unsupplied = planned, every year") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 12; ++trial) {
    Scenario s = load_valid(demo_path(), random_levers(rng));
    Ensemble e = simulate(s);
    for (const auto& r : e.replications)
      for (int y = 0; y <= s.years(); ++y)
        for (std::size_t z = 0; z < s.zones.size(); ++z) {
          const int zi = static_cast<int>(z);
          double planned = s.zones[z].fields[static_cast<std::size_t>(ZoneField::land_planned_mu)];
          double sum = r.ind(y, zi, Ind::land_used) + r.ind(y, zi, Ind::land_idle) +
                       r.ind(y, zi, Ind::land_available) + r.ind(y, zi, Ind::land_unsupplied);
          INFO("trial " << trial << " year " << y << " zone " << z);
          CHECK(sum == Approx(planned).epsilon(1e-9));
          CHECK(r.ind(y, zi, Ind::land_idle) >= 0);
          CHECK(r.ind(y, zi, Ind::land_available) >= -1e-9);
        }
  }
}

TEST_CASE("zone totals equal the sum over zones and over sectors") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 6; ++trial) {
    Scenario s = load_valid(demo_path(), random_levers(rng));
    Ensemble e = simulate(s);
    const int all = static_cast<int>(s.zones.size());
    for (const auto& r : e.replications)
      for (int y = 0; y <= s.years(); ++y) {
        double by_sector = 0, by_zone = 0;
        for (int sec = 0; sec < r.sectors; ++sec) by_sector += r.sec(y, all, sec);
        for (int z = 0; z < all; ++z) by_zone += r.ind(y, z, Ind::gross_output);
        CHECK(by_sector == Approx(r.ind(y, all, Ind::gross_output)).epsilon(1e-9));
        CHECK(by_zone == Approx(r.ind(y, all, Ind::gross_output)).epsilon(1e-9));
        CHECK(r.ind(y, all, Ind::hightech_above_size_firms) <= r.ind(y, all, Ind::above_size_firms));
        CHECK(r.ind(y, all, Ind::researchers) <= r.ind(y, all, Ind::employment));
      }
  }
}

TEST_CASE("the budget never spends more than it has; shortfalls are reported") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 8; ++trial) {
    auto levers = random_levers(rng);
    // Make some trials starve the budget: costly programmes and no transfers.
    if (trial % 2 == 0) {
      levers.push_back("levers.new_rd_institutes=20");
      levers.push_back("levers.venture_fund=50亿元");
      levers.push_back("levers.upper_level_transfer=0亿元");
    }
    Scenario s = load_valid(demo_path(), levers);
    Ensemble e = simulate(s);
    bool any_shortfall = false;
    for (const auto& r : e.replications)
      for (std::size_t z = 0; z < s.zones.size(); ++z) {
        const int zi = static_cast<int>(z);
        double balance = s.zones[z].fields[static_cast<std::size_t>(ZoneField::budget_balance)];
        for (int y = 1; y <= s.years(); ++y) {
          double revenue = r.ind(y, zi, Ind::budget_revenue);
          double spent = r.ind(y, zi, Ind::budget_spent);
          double spent_by_item = 0;
          for (std::size_t k = 0; k < kSpendCount; ++k) spent_by_item += r.spend(y, zi, static_cast<Spend>(k));
          CHECK(spent == Approx(spent_by_item).epsilon(1e-9));
          const double committed = r.ind(y, zi, Ind::budget_committed);
          const double returned = r.ind(y, zi, Ind::budget_returned);
          CHECK(spent <= balance + revenue - committed + 1e-6);
          CHECK(returned >= 0);
          balance = balance + revenue - committed - spent - returned;
          CHECK(r.ind(y, zi, Ind::budget_balance) == Approx(balance).margin(1e-3));
          CHECK(r.ind(y, zi, Ind::budget_shortfall) >= 0);
          any_shortfall = any_shortfall || r.ind(y, zi, Ind::budget_shortfall) > 0;
        }
      }
    if (trial % 2 == 0) CHECK(any_shortfall);
  }
}

TEST_CASE("no NaN or infinity for extreme lever values") {
  const std::vector<std::vector<std::string>> extremes = {
      {"levers.rd_subsidy_rate=0%", "levers.land_quota_mu=0mu", "levers.idle_land_disposal_rate=0%"},
      {"levers.rd_subsidy_rate=100%", "levers.rd_super_deduction=300%", "levers.hightech_income_tax_rate=0%"},
      {"levers.land_quota_mu=10000000mu", "levers.plot_ratio=5", "levers.idle_land_disposal_rate=100%"},
      {"levers.upper_level_transfer=10000亿元", "levers.innovation_fund=1000亿元", "levers.venture_fund=1000亿元",
       "levers.new_incubators=1000"},
      {"levers.entry_rd_threshold=100%", "levers.exit_min_tax_per_mu=10000万元/亩", "levers.exit_enforcement_rate=100%"},
      {"levers.exit_max_energy_intensity=0.0001tce/万元", "levers.energy_retrofit_subsidy_rate=100%",
       "levers.talent_subsidy_per_person=1000万元", "levers.training_places=10000000"},
  };
  for (const auto& levers : extremes) {
    auto with_reps = levers;
    with_reps.push_back("replications=3");
    Scenario s = load_valid(demo_path(), with_reps);
    Ensemble e = simulate(s);
    for (const auto& r : e.replications) {
      for (double v : r.indicators) REQUIRE(std::isfinite(v));
      for (double v : r.sector_output) REQUIRE(std::isfinite(v));
      for (double v : r.spending) REQUIRE(std::isfinite(v));
    }
  }
}

TEST_CASE("the generator reproduces the stated base year within 1 % on average") {
  // Every shipped seed scenario, including Zhejiang's zones scaled down to a handful of large firms
  // (where the certified firms' thresholds and the 30 % intensity cap bind).
  const std::string file = GENERATE(as<std::string>{}, "demo.yaml", "qingyuan-hightech-2025.yaml",
                                    "guangdong-national-etdz-2020.yaml", "zhejiang-zones-2027.yaml",
                                    "guangzhou-etdz-2020.yaml", "suizhou-zones.yaml");
  INFO(file);
  Scenario s = load_valid(source_path("scenarios/" + file), {"replications=20"});
  Ensemble e = simulate(s);
  for (std::size_t z = 0; z < s.zones.size(); ++z)
    for (std::size_t c = 0; c < kCalibrationItems; ++c) {
      auto item = static_cast<CalibrationItem>(c);
      double stated = calibration_stated(s.zones[z], item);
      if (std::isnan(stated)) continue;  // not stated by the scenario
      double mean = 0;
      for (const auto& r : e.replications) mean += r.calibration[z * kCalibrationItems + c] / 20.0;
      INFO(s.zones[z].id << " " << calibration_item_key(item));
      CHECK(mean == Approx(stated).epsilon(0.01));
    }
}

TEST_CASE("the channels of the change of output add up to the change of gross output") {
  // trend + reallocation + entry + relocation + exit/other = output this year - output last year,
  // for every zone and the total, every year; relocation cancels over zones; with every other
  // channel counted firm by firm, what is left is the output of last year's exits (never positive).
  const Ind channels[] = {Ind::output_change_trend, Ind::output_change_reallocation,
                          Ind::output_change_entry, Ind::output_change_relocation,
                          Ind::output_change_exit_other};
  std::mt19937 rng(19);
  for (int trial = 0; trial < 6; ++trial) {
    Scenario s = load_valid(demo_path(), random_levers(rng));
    Ensemble e = simulate(s);
    const int Z = static_cast<int>(s.zones.size());
    for (const auto& r : e.replications)
      for (int y = 1; y <= s.years(); ++y) {
        double relocation = 0;
        for (int zi = 0; zi <= Z; ++zi) {
          double sum = 0;
          for (Ind c : channels) {
            CHECK(std::isfinite(r.ind(y, zi, c)));
            sum += r.ind(y, zi, c);
          }
          const double change = r.ind(y, zi, Ind::gross_output) - r.ind(y - 1, zi, Ind::gross_output);
          const double scale = r.ind(y - 1, zi, Ind::gross_output);
          INFO("trial " << trial << " year " << y << " zone " << zi);
          CHECK(sum == Approx(change).margin(1e-9 * scale));
          CHECK(r.ind(y, zi, Ind::output_change_exit_other) <= 1e-9 * scale);
          CHECK(r.ind(y, zi, Ind::output_change_entry) >= 0);
          if (zi < Z) relocation += r.ind(y, zi, Ind::output_change_relocation);
        }
        CHECK(relocation == Approx(0.0).margin(1e-9 * r.ind(y - 1, Z, Ind::gross_output)));
        CHECK(r.ind(y, Z, Ind::output_change_relocation) == Approx(0.0).margin(1e-9 * r.ind(y - 1, Z, Ind::gross_output)));
      }
  }
}

TEST_CASE("gdp_to_value_added scales the zone's GDP and R&D/GDP, and moves no firm") {
  Scenario base = load_valid(demo_path(), {"replications=4"});
  Scenario wider = load_valid(demo_path(), {"replications=4", "zones.south.gdp_to_value_added=2.5"});
  Ensemble a = simulate(base);
  Ensemble b = simulate(wider);
  const int north = 0, south = 1, all = 2;
  for (std::size_t r = 0; r < a.replications.size(); ++r)
    for (int y = 0; y <= base.years(); ++y) {
      const auto& ra = a.replications[r];
      const auto& rb = b.replications[r];
      INFO("replication " << r << " year " << y);
      // Firms are untouched: the ratio enters no firm's accounts.
      CHECK(rb.ind(y, all, Ind::gross_output) == ra.ind(y, all, Ind::gross_output));
      CHECK(rb.ind(y, all, Ind::value_added) == ra.ind(y, all, Ind::value_added));
      CHECK(rb.ind(y, all, Ind::rd_expenditure) == ra.ind(y, all, Ind::rd_expenditure));
      CHECK(ra.ind(y, south, Ind::gdp) == ra.ind(y, south, Ind::value_added));
      CHECK(rb.ind(y, south, Ind::gdp) == Approx(2.5 * rb.ind(y, south, Ind::value_added)));
      CHECK(rb.ind(y, north, Ind::gdp) == rb.ind(y, north, Ind::value_added));
      CHECK(rb.ind(y, south, Ind::rd_to_gdp) == Approx(ra.ind(y, south, Ind::rd_to_gdp) / 2.5));
      const double gdp_all = rb.ind(y, north, Ind::gdp) + rb.ind(y, south, Ind::gdp);
      CHECK(rb.ind(y, all, Ind::gdp) == Approx(gdp_all));
      CHECK(rb.ind(y, all, Ind::rd_to_gdp) == Approx(rb.ind(y, all, Ind::rd_expenditure) / gdp_all));
      CHECK(rb.ind(y, all, Ind::rd_to_gdp) < ra.ind(y, all, Ind::rd_to_gdp));
    }
}
