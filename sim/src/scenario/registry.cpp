#include "zonesim/registry.hpp"

#include <array>

namespace zonesim {
namespace {

constexpr std::array<std::string_view, 4> kLandPriorityWords{"pro_rata", "high_tech_first",
                                                             "output_per_mu", "large_projects_first"};
constexpr std::array<std::string_view, 2> kLevelWords{"national", "provincial"};
constexpr std::array<std::string_view, 2> kKindWords{"hightech", "etdz"};

constexpr std::span<const std::string_view> choices_for(std::string_view key) {
  if (key == "land_priority") return kLandPriorityWords;
  if (key == "level") return kLevelWords;
  if (key == "kind") return kKindWords;
  return {};
}

#define ZONESIM_LEVER_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::lever, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_PARAM_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::parameter, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_ZONE_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::zone, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_REGION_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::region, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},

const std::array kLevers{ZONESIM_LEVERS(ZONESIM_LEVER_ROW)};
const std::array kParams{ZONESIM_PARAMETERS(ZONESIM_PARAM_ROW)};
const std::array kZone{ZONESIM_ZONE_FIELDS(ZONESIM_ZONE_ROW)};
const std::array kRegion{ZONESIM_REGION_FIELDS(ZONESIM_REGION_ROW)};

// Order must follow SectorField.
const std::array kSector{
    Setting{"output_share", SettingGroup::sector, Dim::share, 0.0, 0.0, 1.0,
            "Share of the zones' base-year output in this sector (shares are normalised per zone)",
            "基年产值中该产业占比", {}},
    Setting{"value_added_ratio", SettingGroup::sector, Dim::share, 0.25, 0.01, 1.0,
            "Value added as a share of gross output", "增加值率", {}},
    Setting{"rd_propensity", SettingGroup::sector, Dim::share, 0.02, 0.0, 0.5,
            "Typical R&D/sales of an R&D-performing firm of the sector with no R&D policy",
            "行业研发倾向(研发/销售)", {}},
    Setting{"demand_growth", SettingGroup::sector, Dim::share, 0.06, -0.5, 1.0,
            "Trend growth of the sector's market demand per year", "行业需求年增长率", {}},
    Setting{"capital_output_ratio", SettingGroup::sector, Dim::number, 0.8, 0.05, 20.0,
            "Capital per yuan of output at unit productivity", "资本产出比", {}},
    Setting{"output_per_worker", SettingGroup::sector, Dim::money, 1.5e6, 1e4, 1e9,
            "Output per worker at unit productivity", "人均产值", {}},
    Setting{"energy_intensity_factor", SettingGroup::sector, Dim::number, 1.0, 0.0, 100.0,
            "Energy intensity relative to the zone average", "相对能耗系数", {}},
    Setting{"export_share_factor", SettingGroup::sector, Dim::number, 1.0, 0.0, 10.0,
            "Export share relative to the zone average", "相对出口系数", {}},
    Setting{"hightech", SettingGroup::sector, Dim::boolean, 0.0, 0.0, 1.0,
            "A high-tech or strategic emerging sector (land priority, high-tech product rule)",
            "高技术/战略性新兴产业", {}},
    Setting{"attraction_weight", SettingGroup::sector, Dim::number, 1.0, 0.0, 1000.0,
            "Relative weight of the sector among attracted projects (investment attraction by sector)",
            "招商引资产业权重", {}},
};

const std::array kRun{
    Setting{"base_year", SettingGroup::run, Dim::year, 2020, 1990, 2100,
            "Base year: the starting population matches the zones' values of this year", "基准年", {}},
    Setting{"end_year", SettingGroup::run, Dim::year, 2025, 1991, 2150,
            "Last simulated year", "模拟终止年", {}},
    Setting{"replications", SettingGroup::run, Dim::count, 100, 1, 1e7,
            "Independent replications (Monte Carlo runs)", "重复模拟次数", {}},
    Setting{"seed", SettingGroup::run, Dim::count, 1, 0, 18446744073709551615.0,
            "Seed of the random streams", "随机数种子", {}},
};

}  // namespace

std::span<const Setting> lever_settings() { return kLevers; }
std::span<const Setting> parameter_settings() { return kParams; }
std::span<const Setting> zone_settings() { return kZone; }
std::span<const Setting> region_settings() { return kRegion; }
std::span<const Setting> sector_settings() { return kSector; }
std::span<const Setting> run_settings() { return kRun; }

std::string_view group_name(SettingGroup g) {
  switch (g) {
    case SettingGroup::lever: return "lever";
    case SettingGroup::parameter: return "parameter";
    case SettingGroup::zone: return "zone";
    case SettingGroup::region: return "region";
    case SettingGroup::sector: return "sector";
    case SettingGroup::run: return "run";
  }
  return "?";
}

const Setting& setting(Lever l) { return kLevers[static_cast<std::size_t>(l)]; }
const Setting& setting(Param p) { return kParams[static_cast<std::size_t>(p)]; }
const Setting& setting(ZoneField f) { return kZone[static_cast<std::size_t>(f)]; }

}  // namespace zonesim
