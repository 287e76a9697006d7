// The award for a first high-tech certification (lever hightech_certification_award, issue 18;
// docs/model.md 3.3, 3.5, 3.11): a one-off sum the zone pays a firm in the year it is certified
// without a certificate the year before. It adds to the certificate's value in the firm's
// choice (discounted to the year of certification), and the zone pays it per real firm as a
// firm claim.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "../../sim/src/model/passes/step.hpp"
#include "model_support.hpp"
#include "zonesim/model.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

// A firm in the 3 % band (sales 3 亿元) with a 5 % margin, its last two years at the threshold,
// under the default policy (as in certification.test.cpp): desired R&D 0.5 % of sales, so the
// extra R&D costs more than the tax saving and it does not go for the certificate unaided.
detail::CertChoice far_below() {
  const double sales = 3e8;
  detail::CertChoice c{0.005, sales, 0.05 * sales, sales, sales, 0.031 * sales, 0.031 * sales,
                       0.10, 0.7, 0.24, 0.08, 0.15};
  return c;
}

// The certificate's net value (value - cost) to the firm without an award: with an award A
// large enough to make it pursue, surplus = value + beta^wait A - cost.
double net_value_without_award(detail::CertChoice c, double discount) {
  c.award = 1e12;
  const detail::CertPlan p = detail::plan_certification(c);
  REQUIRE(p.pursue);
  return p.surplus - discount * c.award;
}

}  // namespace

TEST_CASE("an award larger than the certificate's shortfall makes a firm far below the notch go for it, a smaller one does not") {
  detail::CertChoice c = far_below();
  REQUIRE_FALSE(detail::plan_certification(c).pursue);
  // Its history meets the 3-year test, so it would be certified this year: the award is not
  // discounted. The shortfall is what the model computes for this firm.
  const double shortfall = -net_value_without_award(c, 1.0);
  INFO("the certificate falls short of its R&D cost by " << shortfall / 1e4 << " 万元");
  REQUIRE(shortfall > 0);
  c.award = 1.01 * shortfall;
  const detail::CertPlan with = detail::plan_certification(c);
  CHECK(with.pursue);
  CHECK(with.surplus == Approx(0.01 * shortfall));
  c.award = 0.99 * shortfall;
  CHECK_FALSE(detail::plan_certification(c).pursue);
}

TEST_CASE("the award is discounted to the year the firm would be certified") {
  // Without R&D in the last two years the firm must hold the notch two years before its window
  // passes (wait 2): the award counts at beta^2.
  detail::CertChoice c = far_below();
  c.rd_last = c.rd_before = 0.0;
  const double beta = 1.0 / 1.08;
  const double net = net_value_without_award(c, beta * beta);
  c.award = 1e9;
  CHECK(detail::plan_certification(c).surplus == Approx(net + beta * beta * 1e9));
}

TEST_CASE("a renewal gets no award: only a firm without a certificate the year before it is certified counts on it") {
  detail::CertChoice c = far_below();
  c.award = 1e9;  // far more than the shortfall
  // Never certified, or certificate ended two years ago: certified this year, a first certification.
  CHECK(detail::plan_certification(c).pursue);
  c.years_since_certificate = 2;
  CHECK(detail::plan_certification(c).pursue);
  // Certificate ended last year (up for renewal) or still running: no award.
  for (int since : {1, 0, -1}) {
    c.years_since_certificate = since;
    CHECK_FALSE(detail::plan_certification(c).pursue);
  }
  // Certificate ended last year but the firm's window passes only next year: then it holds no
  // certificate in the year before its certification, and the award counts (at beta).
  c.years_since_certificate = 1;
  c.rd_before = 0.0;
  c.rd_last = 0.031 * c.sales;
  CHECK(detail::plan_certification(c).pursue);
}

TEST_CASE("a firm with no taxable profit weighs the award alone") {
  detail::CertChoice c = far_below();
  c.taxable_profit = 0.0;
  CHECK_FALSE(detail::plan_certification(c).pursue);
  c.award = 1e9;
  CHECK(detail::plan_certification(c).pursue);
}

TEST_CASE("on Qingyuan an award of 30 万元 per first certification raises the number of certified firms") {
  const std::string path = source_path("scenarios/qingyuan-hightech-2025.yaml");
  Scenario none = load_valid(path, {"replications=8"});
  Scenario award = load_valid(path, {"replications=8", "levers.hightech_certification_award=30万元"});
  const Ensemble e0 = simulate(none), e1 = simulate(award);
  double first0 = 0, first1 = 0;
  for (int y = none.base_year + 1; y <= none.end_year; ++y) {
    first0 += mean_of(none, e0, Ind::hightech_firms_new, y);
    first1 += mean_of(award, e1, Ind::hightech_firms_new, y);
  }
  const double end0 = mean_of(none, e0, Ind::hightech_firms, none.end_year);
  const double end1 = mean_of(award, e1, Ind::hightech_firms, award.end_year);
  INFO("first certifications " << none.base_year + 1 << "-" << none.end_year << ": " << first0 << " without, "
                               << first1 << " with the award; certified firms in " << none.end_year << ": "
                               << end0 << " -> " << end1 << " (mean of 8 replications)");
  CHECK(first1 > first0);
  CHECK(end1 > end0);
  // The same random numbers: with award 0 nothing is paid.
  for (const auto& r : e0.replications)
    for (int yi = 0; yi <= none.years(); ++yi)
      CHECK(r.spend(yi, static_cast<int>(none.zones.size()), Spend::hightech_award) == 0.0);
}

TEST_CASE("the zone pays the award times its newly certified real firms (count scale 5)") {
  // Guangzhou ETDZ: a model firm stands for 5 real firms (region.firm_count_scale), so each
  // newly certified model firm is paid 5 awards. A large transfer lets the zone pay every claim.
  const std::string path = source_path("scenarios/guangzhou-etdz-2020.yaml");
  Scenario s = load_valid(path, {"replications=2", "levers.hightech_certification_award=30万元",
                                 "levers.upper_level_transfer=500亿元"});
  const double k = s.region[static_cast<std::size_t>(RegionField::firm_count_scale)];
  REQUIRE(k == 5.0);
  const Ensemble e = simulate(s);
  double paid = 0, first = 0;
  for (std::size_t rep = 0; rep < e.replications.size(); ++rep)
    for (int yi = 0; yi <= s.years(); ++yi)
      for (int z = 0; z <= static_cast<int>(s.zones.size()); ++z) {
        const ReplicationResult& r = e.replications[rep];
        INFO("replication " << rep << ", year " << s.base_year + yi << ", zone row " << z);
        REQUIRE(r.ind(yi, z, Ind::budget_shortfall) == 0.0);
        CHECK(r.spend(yi, z, Spend::hightech_award) == Approx(3e5 * k * r.ind(yi, z, Ind::hightech_firms_new)));
        paid += r.spend(yi, z, Spend::hightech_award);
        first += r.ind(yi, z, Ind::hightech_firms_new);
      }
  INFO("paid " << paid / 1e8 << " 亿元 for " << first << " first certifications (model firms, all rows)");
  CHECK(first > 0);
}

TEST_CASE("hightech_firms_new counts the firms certified this year that were not certified the year before") {
  // Cross-check against the firm panel of one replication of the ETDZ back-test with an award of
  // 20 万元 a real firm, 50 a model firm (region.firm_count_scale 50): 1,000 万元 a model firm, the
  // award this test had when the back-test stated it per model firm by hand. Its zone
  // approved_2021 opens in 2021 with certified firms of its own, which are not counted.
  Scenario s = load_valid(source_path("scenarios/backtest/etdz-2018-2022.yaml"),
                          {"replications=1", "levers.hightech_certification_award=20万元"});
  FirmPanel panel;
  const ReplicationResult r = simulate_replication(s, 0, &panel);
  std::map<std::pair<std::int32_t, std::int32_t>, bool> certified;  // (firm, year) -> certified
  for (std::size_t k = 0; k < panel.year.size(); ++k) certified[{panel.firm[k], panel.year[k]}] = panel.hightech[k];
  for (int y = s.base_year + 1; y <= s.end_year; ++y) {
    double first = 0;
    for (const auto& [key, cert] : certified) {
      if (key.second != y || !cert) continue;
      // A firm not in the panel the year before belongs to a zone that opened this year
      // (approved_2021): generated with its certificate, not certified by the zone.
      auto before = certified.find({key.first, y - 1});
      if (before != certified.end() && !before->second) ++first;
    }
    INFO("year " << y);
    CHECK(r.ind(y - s.base_year, static_cast<int>(s.zones.size()), Ind::hightech_firms_new) == first);
  }
}
