// Every valid scenario gives finite indicators that obey their identities (researchers among the
// employees, shares within 0-100 %, valid ranks); a non-finite value is a failure, never written.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "model_support.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

const std::string& qingyuan_path() {
  static const std::string p = source_path("scenarios/qingyuan-hightech-2025.yaml");
  return p;
}

// Runs `path` with `overrides` (3 replications) and checks every zone row and the totals row of
// every year and replication.
void require_finite_and_consistent(const std::string& path, std::vector<std::string> overrides) {
  overrides.push_back("replications=3");
  const Scenario s = load_valid(path, overrides);
  const Ensemble e = simulate(s);
  const int Z = static_cast<int>(s.zones.size());
  const double national_zones = s.region[static_cast<std::size_t>(RegionField::national_zone_count)];
  for (std::size_t rep = 0; rep < e.replications.size(); ++rep) {
    const ReplicationResult& r = e.replications[rep];
    for (int y = 0; y <= s.years(); ++y) {
      for (int z = 0; z <= Z; ++z) {
        INFO("replication " << rep << ", year " << s.base_year + y << ", zone row " << z);
        auto v = [&](Ind i) { return r.ind(y, z, i); };
        for (const auto& info : indicator_infos()) {
          INFO(info.key);
          REQUIRE(std::isfinite(v(indicator_by_key(info.key))));
        }
        const double employment = v(Ind::employment);
        CHECK(v(Ind::researchers) >= 0);
        CHECK(v(Ind::researchers) <= employment * (1 + 1e-9));
        CHECK(v(Ind::skilled_employment) <= employment * (1 + 1e-9));
        for (Ind share : {Ind::skilled_share, Ind::hightech_output_share, Ind::hightech_share_above_size}) {
          INFO(indicator_info(share).key);
          CHECK(v(share) >= 0);
          CHECK(v(share) <= 1 + 1e-12);
        }
        CHECK(v(Ind::rank) >= 1);
        CHECK(v(Ind::rank) <= Z);
        CHECK(v(Ind::national_rank) >= 1);
        CHECK(v(Ind::national_rank) <= national_zones);
      }
    }
  }
}

const std::vector<std::string> kTalentAndInstitutes = {
    "levers.new_rd_institutes=1000", "levers.entry_min_investment_per_mu=1e+06 万元/亩",
    "levers.talent_apartments=1e+06", "levers.upper_level_transfer=10000 亿元"};

}  // namespace

TEST_CASE("a sector with no R&D propensity gives finite indicators and valid ranks") {
  // Was 0/0 for its certified firms: NaN in 19 datasets and a national rank of -2147483647.
  require_finite_and_consistent(demo_path(), {"sectors.electronics.rd_propensity=0 %"});
  require_finite_and_consistent(qingyuan_path(), {"sectors.electronics.rd_propensity=0 %"});
}

TEST_CASE("a researcher wage too low for the stated R&D gives no more researchers than employees") {
  // Was 75,000 researchers among 25,000 employees in the base year and a skilled share of 250 %.
  require_finite_and_consistent(demo_path(), {"parameters.wage_researcher=0.1万元"});
  require_finite_and_consistent(qingyuan_path(), {"parameters.wage_researcher=0.1万元"});
}

TEST_CASE("thousands of talent apartments a year give a finite skilled migration") {
  // The location logit overflowed (exp of the apartments' amenity): inf / inf = NaN.
  require_finite_and_consistent(demo_path(), kTalentAndInstitutes);
  require_finite_and_consistent(qingyuan_path(), kTalentAndInstitutes);
}

TEST_CASE("a region without researchers or mobile skilled workers gives finite indicators") {
  // The base-year location constants divided 0 researchers by a pool of 0.
  std::vector<std::string> none;
  for (const char* zone : {"north", "south"})
    for (const char* field :
         {".mobile_skilled_pool=0", ".base_rd=0 yuan", ".base_hightech_firms=0"})
      none.push_back(std::string("zones.") + zone + field);
  require_finite_and_consistent(demo_path(), none);
}

TEST_CASE("a corporate income tax rate of 100 % is out of range, with the reason in its description") {
  // At 100 % the user cost of R&D (which divides by 1 - rate) was 0/0 without a super deduction.
  LoadOptions lo;
  lo.overrides = {"parameters.standard_income_tax_rate=100 %"};
  LoadResult r = load_scenario_file(demo_path(), lo);
  REQUIRE_FALSE(r.scenario.has_value());
  CHECK_THAT(r.diagnostics.format(), Catch::Contains("parameters.standard_income_tax_rate: \"100 %\" is out of range"));
  CHECK_THAT(r.diagnostics.format(), Catch::Contains("valid: 0 % to 90 %"));
  CHECK_THAT(std::string(setting(Param::standard_income_tax_rate).en), Catch::Contains("divides by 1 - rate"));
  require_finite_and_consistent(demo_path(), {"parameters.standard_income_tax_rate=90 %", "levers.rd_super_deduction=0 %"});
}

TEST_CASE("a non-finite indicator is a failure naming the indicator, zone, year and replication") {
  const Scenario s = load_valid(demo_path(), {"replications=1"});
  ReplicationResult r = simulate_replication(s, 0);
  CHECK_NOTHROW(require_finite(s, r, 2, 0));
  r.ind(2, 1, Ind::skilled_net_migration) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(require_finite(s, r, 2, 0),
                    "the model produced a non-finite value (NaN) for indicator skilled_net_migration, zone south, "
                    "year 2022, replication 0: a defect of the model for these settings; nothing was written");
  r.ind(2, 1, Ind::skilled_net_migration) = 0;
  r.sec(4, 2, 0) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(require_finite(s, r, 4, 0), Catch::Contains("(+Inf) for the output of sector " + s.sectors[0].id +
                                                                ", all zones, year 2024"));
}
