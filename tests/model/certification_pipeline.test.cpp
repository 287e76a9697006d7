// The certification pipeline of a growing base year (zone key base_hightech_growth, docs/model.md
// 2): round(g N) uncertified firms with two years of R&D at the notch, which pass the 3-year test
// in the first simulated year, and round(g (1 + g) N) with one year, which pass in the second.
#include <catch2/catch.hpp>

#include <cmath>

#include "model_support.hpp"
#include "zonesim/model.hpp"

using namespace zonesim;
using namespace zonesim::test;

namespace {

double threshold(double revenue) { return revenue <= 5e7 ? 0.05 : revenue <= 2e8 ? 0.04 : 0.03; }

// The national ETDZ back-test (2,000 firms, 440 certified in 2018) with the given growth of
// national_etdz: in the first two simulated years, the
// certified firms among the base year's uncertified firms whose R&D was at 1.05 x their threshold
// (the pipeline), and how many such firms the base year had.
struct PipelineCount {
  int in_pipeline = 0;
  int certified_year1 = 0, certified_year2 = 0;
};

PipelineCount count_pipeline(const char* growth, std::uint32_t replication) {
  Scenario s = load_valid(source_path("scenarios/backtest/etdz-2018-2022.yaml"),
                          {std::string("zones.national_etdz.base_hightech_growth=") + growth, "replications=2"});
  FirmPanel panel;
  simulate_replication(s, replication, &panel);
  // The revenue band is a real firm's: a model firm's output / firm_count_scale (docs/model.md 3.13).
  const double k_scale = s.region[static_cast<std::size_t>(RegionField::firm_count_scale)];
  std::vector<std::int32_t> pipeline;
  for (std::size_t k = 0; k < panel.year.size(); ++k)
    if (panel.year[k] == s.base_year && panel.zone[k] == 0 && !panel.hightech[k] &&
        std::abs(panel.rd_intensity[k] - 1.05 * threshold(panel.output[k] / k_scale)) < 1e-9)
      pipeline.push_back(panel.firm[k]);
  PipelineCount c;
  c.in_pipeline = static_cast<int>(pipeline.size());
  for (std::size_t k = 0; k < panel.year.size(); ++k) {
    if (!panel.hightech[k] || std::find(pipeline.begin(), pipeline.end(), panel.firm[k]) == pipeline.end()) continue;
    if (panel.year[k] == s.base_year + 1) ++c.certified_year1;
    if (panel.year[k] == s.base_year + 2) ++c.certified_year2;
  }
  return c;
}

}  // namespace

TEST_CASE("the pipeline's counts: round(g N) in year 1 and round(g (1 + g) N) in year 2") {
  CHECK(certification_pipeline(0.0, 446) == std::pair<std::size_t, std::size_t>{0, 0});
  CHECK(certification_pipeline(0.22, 446) == std::pair<std::size_t, std::size_t>{98, 120});
  CHECK(certification_pipeline(0.2, 60) == std::pair<std::size_t, std::size_t>{12, 14});
}

TEST_CASE("a growing base year has its pipeline of uncertified firms at the notch, who pass in years 1 and 2") {
  for (std::uint32_t rep : {0u, 1u}) {
    const PipelineCount none = count_pipeline("0%", rep);
    const PipelineCount c = count_pipeline("22%", rep);
    INFO("replication " << rep << ": pipeline " << c.in_pipeline << ", certified in year 1 " << c.certified_year1
                        << ", in year 2 " << c.certified_year2 << " (without: " << none.in_pipeline << ")");
    // 22 % of 440: 97 firms pass in year 1, 22 % x 1.22 x 440 = 118 in year 2; none otherwise.
    CHECK(none.in_pipeline == 0);
    CHECK(c.in_pipeline == 97 + 118);
    // The year-2 firms cannot pass in year 1 (no R&D the year before the base year); each firm
    // still weighs the certificate (demand_rd.cpp) and may drop out: replication 0 has 98 in
    // year 1 and 186 in year 2, replication 1 only 67 and 68 (measured, session 9); with the
    // back-test's firm_count_scale 50 (bands read at real size) 89 and 149, 95 and 187 (session 11);
    // with 440 certified firms stated for 2018 (published), 91 and 150, 93 and 188.
    CHECK(c.certified_year1 <= 97);
    CHECK(c.certified_year1 >= 50);
    CHECK(c.certified_year2 >= c.certified_year1);
  }
}
