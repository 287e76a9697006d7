// The registry's columns that other parts are derived from: each lever's channel indicator and
// budget item (read by `zonesim effects` and docs/model.md), the choice words, the sector
// fields, and the firm fields (the bytes of state per firm, the loader's memory estimate and the
// figure the docs quote).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/model.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {


const std::string& demo() {
  static const std::string p = source_path("scenarios/demo.yaml");
  return p;
}

// Spending on `item` over the simulated years, all zones, mean over replications.
double spending(const Scenario& s, const Ensemble& e, Spend item) {
  double sum = 0;
  for (const auto& r : e.replications)
    for (int y = 1; y <= s.years(); ++y)
      for (int z = 0; z < static_cast<int>(s.zones.size()); ++z) sum += r.spend(y, z, item);
  return sum / static_cast<double>(e.replications.size());
}

// A clearly larger value of a lever than its default, inside its range, as scenario text.
std::string raised(const Setting& s) {
  double v = s.default_value > 0 ? 2 * s.default_value : 0.0;
  if (v == 0.0) {
    switch (s.dim) {
      case Dim::share: v = 0.3; break;
      case Dim::money: v = 1e8; break;
      case Dim::count: v = 10; break;
      default: v = 1; break;
    }
  }
  return format_quantity(s.dim, std::min(v, s.max));
}

}  // namespace

TEST_CASE("every lever's `where it acts` cites sections of docs/model.md that exist") {
  const std::string model = read_file_text(source_path("docs/model.md"));
  const std::regex section(R"((\d+\.\d+))");
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    INFO(lever_settings()[l].key << ": " << c.where);
    const std::string where(c.where);
    CHECK(where.find('|') == std::string::npos);  // a cell of a markdown table
    int cited = 0;
    for (std::sregex_iterator m(where.begin(), where.end(), section), end; m != end; ++m, ++cited)
      CHECK_THAT(model, Catch::Contains("\n### " + m->str(1) + " "));
    CHECK(cited > 0);
  }
}

TEST_CASE("every budget item is charged by some lever, and every lever's channel is an indicator of the run") {
  std::set<Spend> charged;
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    CHECK(static_cast<std::size_t>(c.indicator) < kIndicatorCount);
    CHECK(indicator_by_key(indicator_info(c.indicator).key) == c.indicator);
    if (c.budget_item) charged.insert(*c.budget_item);
  }
  for (std::size_t k = 0; k < kSpendCount; ++k) {
    INFO("budget item " << spend_infos()[k].key);
    CHECK(charged.count(static_cast<Spend>(k)) == 1);
  }
}

TEST_CASE("the JSON listing of levers carries each lever's channel indicator and budget item") {
  const std::string json = settings_listing(ListingFormat::json);
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    const std::string key = "{\"key\":\"" + std::string(lever_settings()[l].key) + "\"";
    const std::size_t at = json.find(key);
    REQUIRE(at != std::string::npos);
    const std::string row = json.substr(at, json.find('\n', at) - at);
    INFO(row);
    CHECK_THAT(row, Catch::Contains("\"channel_indicator\":\"" + std::string(indicator_info(c.indicator).key) + "\""));
    CHECK_THAT(row, Catch::Contains(c.budget_item ? "\"budget_item\":\"" +
                                                       std::string(spend_infos()[static_cast<std::size_t>(*c.budget_item)].key) + "\""
                                                 : std::string("\"budget_item\":null")));
  }
}

TEST_CASE("raising a lever that charges a budget item raises the spending booked to that item") {
  // Common random numbers: the same seed with and without the raised lever.
  const std::vector<std::string> common{"replications=4"};
  const Scenario base = load_valid(demo(), common);
  const Ensemble e0 = run_ensemble(base);
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const LeverChannel& c = lever_channel(static_cast<Lever>(l));
    if (!c.budget_item) continue;
    const Setting& s = lever_settings()[l];
    std::vector<std::string> o = common;
    o.push_back("levers." + std::string(s.key) + "=" + raised(s));
    const Scenario alt = load_valid(demo(), o);
    const Ensemble e1 = run_ensemble(alt);
    const double before = spending(base, e0, *c.budget_item), after = spending(alt, e1, *c.budget_item);
    INFO(o.back() << ": " << spend_infos()[static_cast<std::size_t>(*c.budget_item)].key << " " << before
                  << " -> " << after << " yuan");
    CHECK(after > before);
  }
}

TEST_CASE("choice words: each word loads as its value, and the largest value is the last word") {
  for (auto group : {&lever_settings, &zone_settings})
    for (std::size_t k = 0; k < (*group)().size(); ++k) {
      const Setting& s = (*group)()[k];
      if (s.dim != Dim::choice) {
        CHECK(s.choices.empty());
        continue;
      }
      INFO(s.key);
      REQUIRE(s.choices.size() >= 2);
      CHECK(s.max == static_cast<double>(s.choices.size() - 1));
      CHECK(s.min == 0.0);
      for (std::size_t w = 0; w < s.choices.size(); ++w) {
        const bool lever = s.group == SettingGroup::lever;
        const std::string path = (lever ? "levers." : "zones.south.") + std::string(s.key);
        const Scenario sc = load_valid(demo(), {path + "=" + std::string(s.choices[w])});
        const double v = lever ? sc.levers[k].at(sc.end_year) : sc.zones[1].fields[k];
        CHECK(v == static_cast<double>(w));
      }
    }
  // The engine's enums follow the words.
  CHECK(setting(Lever::land_priority).choices[static_cast<std::size_t>(LandPriority::output_per_mu)] == "output_per_mu");
  CHECK(setting(ZoneField::level).choices[static_cast<std::size_t>(ZoneLevel::provincial)] == "provincial");
  CHECK(setting(ZoneField::kind).choices[static_cast<std::size_t>(ZoneKind::etdz)] == "etdz");
}

TEST_CASE("every sector value a scenario sets lands in the sector field of its key") {
  const auto sectors = sector_settings();
  REQUIRE(sectors.size() == kSectorFieldCount);
  std::vector<std::string> o;
  std::vector<double> expect;
  for (std::size_t k = 0; k < sectors.size(); ++k) {
    // A valid value of each field, different from its default and from the others.
    const Setting& s = sectors[k];
    double v = s.dim == Dim::boolean ? 1.0 - s.default_value : s.min + (s.max - s.min) * (0.1 + 0.05 * k);
    if (s.key == "output_share") v = 0.5;  // shares are normalised per zone: keep it a share
    expect.push_back(v);
    o.push_back("sectors.machinery." + std::string(s.key) + "=" +
                (s.dim == Dim::boolean ? std::string(v > 0.5 ? "true" : "false") : format_quantity(s.dim, v)));
  }
  const Scenario sc = load_valid(demo(), o);
  const SectorSpec& m = sc.sectors[1];
  REQUIRE(m.id == "machinery");
  for (std::size_t k = 0; k < sectors.size(); ++k) {
    INFO(sectors[k].key);
    // demand_shock is a year schedule (takes_schedule), kept apart from the scalar fields.
    const double got = k == static_cast<std::size_t>(SectorField::demand_shock) ? m.demand_shock.at(sc.end_year) : m.fields[k];
    CHECK(got == Approx(expect[k]).epsilon(1e-5));
  }
  // The engine reads them by the enum, which follows the keys.
  CHECK(sectors[static_cast<std::size_t>(SectorField::hightech)].key == "hightech");
  CHECK(sectors[static_cast<std::size_t>(SectorField::attraction_weight)].key == "attraction_weight");
}

TEST_CASE("the bytes of state per firm are those of the firm arrays a run holds") {
  const Scenario sc = load_valid(demo(), {"replications=1"});
  ReplicationStepper run(sc, 0);
  CHECK(run.bytes_per_firm() == kBytesPerFirm);
  CHECK(Firms::kBytesPerFirm == kBytesPerFirm);
  // The loader's memory estimate: firm slots at the peak x bytes per firm x concurrent runs.
  CHECK(estimated_memory_bytes(sc, 8) == sc.expected_peak_firms() * static_cast<double>(kBytesPerFirm));
}

TEST_CASE("the docs quote the bytes of state per firm that the firm fields add up to") {
  const std::regex figure(R"((\d+) bytes of state per firm)");
  for (const char* doc : {"docs/performance.md", "docs/architecture.md"}) {
    const std::string text = read_file_text(source_path(doc));
    int quoted = 0;
    for (std::sregex_iterator m(text.begin(), text.end(), figure), end; m != end; ++m, ++quoted) {
      INFO(doc << ": \"" << m->str(0) << "\"");
      CHECK(std::stoul(m->str(1)) == kBytesPerFirm);
    }
    INFO(doc);
    CHECK(quoted > 0);
  }
}

TEST_CASE("the peak firm count bounds the firm slots of a run, entrants included") {
  // Start-ups from new carriers and the guidance fund, attracted projects and relocations: a
  // scenario that grows fast (the old estimate, 15 % a year, fell short of it).
  const std::vector<std::vector<std::string>> cases{
      {"replications=3"},
      {"replications=3", "levers.new_incubators=20", "levers.venture_fund=5 亿元", "levers.attraction_budget=5 亿元",
       "levers.metropolis_relocations_per_year=30", "levers.land_quota_mu=20000 mu"},
  };
  for (const auto& o : cases) {
    const Scenario sc = load_valid(demo(), o);
    double base = 0;
    for (const auto& z : sc.zones) base += z.fields[static_cast<std::size_t>(ZoneField::base_firms)];
    double most = 0;
    for (std::uint32_t r = 0; r < 3; ++r) {
      ReplicationStepper run(sc, r);
      while (run.step()) {
      }
      most = std::max(most, static_cast<double>(run.firms()));
    }
    INFO(o.back() << ": base " << base << ", most slots " << most << ", bound " << sc.expected_peak_firms());
    CHECK(most <= sc.expected_peak_firms());
    CHECK(most > base);
    if (o.size() > 1) CHECK(most > base * std::pow(1.15, sc.years()));
  }
}

TEST_CASE("at a count scale the peak firm count counts the entrants at counts / k") {
  // Guangzhou ETDZ (k = 5) with fast-growing flows: they are real counts and bring a fifth of
  // the model firms they would at k = 1, so the bound's entrants are a fifth, and it still
  // bounds the slots.
  const std::vector<std::string> fast{"replications=3", "levers.new_incubators=20", "levers.venture_fund=5 亿元",
                                      "levers.attraction_budget=5 亿元", "levers.land_quota_mu=20000 mu"};
  std::vector<std::string> unscaled = fast;
  unscaled.push_back("region.firm_count_scale=1");
  const std::string path = source_path("scenarios/guangzhou-etdz-2020.yaml");
  const Scenario five = load_valid(path, fast), one = load_valid(path, unscaled);
  REQUIRE(five.region[static_cast<std::size_t>(RegionField::firm_count_scale)] == 5.0);
  double base = 0;
  for (const auto& z : five.zones) base += z.fields[static_cast<std::size_t>(ZoneField::base_firms)];
  // firms + entrants + 4 sqrt(entrants): the entrants of each bound.
  auto entrants = [base](double bound) {
    const double r = -2.0 + std::sqrt(4.0 + (bound - base));  // sqrt(entrants)
    return r * r;
  };
  INFO("bound at k = 1: " << one.expected_peak_firms() << ", at k = 5: " << five.expected_peak_firms());
  CHECK(entrants(five.expected_peak_firms()) == Approx(entrants(one.expected_peak_firms()) / 5));
  double most = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    ReplicationStepper run(five, r);
    while (run.step()) {
    }
    most = std::max(most, static_cast<double>(run.firms()));
  }
  INFO("most slots at k = 5: " << most);
  CHECK(most <= five.expected_peak_firms());
  CHECK(most > base);
}
