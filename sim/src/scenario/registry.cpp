#include "zonesim/registry.hpp"

#include <array>

namespace zonesim {
namespace {

// Each choice setting's words (ZONESIM_CHOICES), as text.
#define ZONESIM_WORD_TEXT(word) #word,
#define ZONESIM_CHOICE_WORDS(name, Enum, WORDS) constexpr std::string_view k_##name##_words[]{WORDS(ZONESIM_WORD_TEXT)};
ZONESIM_CHOICES(ZONESIM_CHOICE_WORDS)
#undef ZONESIM_CHOICE_WORDS
#undef ZONESIM_WORD_TEXT

constexpr std::span<const std::string_view> choices_for(std::string_view key) {
#define ZONESIM_CHOICE_LOOKUP(name, Enum, WORDS) \
  if (key == #name) return k_##name##_words;
  ZONESIM_CHOICES(ZONESIM_CHOICE_LOOKUP)
#undef ZONESIM_CHOICE_LOOKUP
  return {};
}

#define ZONESIM_SPEND_ROW(key, en, zh) SpendInfo{#key, en, zh},
const std::array kSpendInfos{ZONESIM_SPENDING(ZONESIM_SPEND_ROW)};
#undef ZONESIM_SPEND_ROW

// The budget-item column of ZONESIM_LEVERS: a key of ZONESIM_SPENDING, or none.
namespace budget_item {
#define ZONESIM_SPEND_ITEM(key, ...) constexpr std::optional<Spend> key = Spend::key;
ZONESIM_SPENDING(ZONESIM_SPEND_ITEM)
#undef ZONESIM_SPEND_ITEM
constexpr std::optional<Spend> none = std::nullopt;
}  // namespace budget_item

#define ZONESIM_LEVER_ROW(key, dim, def, lo, hi, en, zh, channel, budget, where) \
  Setting{#key, SettingGroup::lever, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_LEVER_CHANNEL_ROW(key, dim, def, lo, hi, en, zh, channel, budget, where) \
  LeverChannel{Ind::channel, budget_item::budget, where},
#define ZONESIM_PARAM_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::parameter, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_ZONE_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::zone, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_REGION_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::region, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},
#define ZONESIM_SECTOR_ROW(key, dim, def, lo, hi, en, zh) \
  Setting{#key, SettingGroup::sector, Dim::dim, def, lo, hi, en, zh, choices_for(#key)},

const std::array kLevers{ZONESIM_LEVERS(ZONESIM_LEVER_ROW)};
const std::array kLeverChannels{ZONESIM_LEVERS(ZONESIM_LEVER_CHANNEL_ROW)};
const std::array kParams{ZONESIM_PARAMETERS(ZONESIM_PARAM_ROW)};
const std::array kZone{ZONESIM_ZONE_FIELDS(ZONESIM_ZONE_ROW)};
const std::array kRegion{ZONESIM_REGION_FIELDS(ZONESIM_REGION_ROW)};
const std::array kSector{ZONESIM_SECTOR_FIELDS(ZONESIM_SECTOR_ROW)};

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

std::span<const SpendInfo> spend_infos() { return kSpendInfos; }
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

std::vector<std::string> keys_of(std::span<const Setting> settings) {
  std::vector<std::string> out;
  for (const auto& s : settings) out.emplace_back(s.key);
  return out;
}

const Setting* find_setting(std::span<const Setting> settings, std::string_view key) {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

const Setting& setting(Lever l) { return kLevers[static_cast<std::size_t>(l)]; }
const Setting& setting(Param p) { return kParams[static_cast<std::size_t>(p)]; }
const Setting& setting(ZoneField f) { return kZone[static_cast<std::size_t>(f)]; }
const LeverChannel& lever_channel(Lever l) { return kLeverChannels[static_cast<std::size_t>(l)]; }

bool takes_schedule(const Setting& s) {
  return s.group == SettingGroup::lever ||
         ((s.group == SettingGroup::region || s.group == SettingGroup::sector) && s.key == "demand_shock");
}

std::string_view retired_setting(std::string_view key) {
  if (key == "researcher_share")
    return "removed: a zone's researchers in the base year are those its firms' R&D employs (R&D x "
           "rd_personnel_share / wage_researcher); the pool grows by the parameter "
           "researcher_pool_growth (docs/model.md 2, 3.8). Delete the line";
  if (key == "local_tax_retention")
    return "removed: the zone keeps zone_tax_retention of the local shares of its taxes "
           "(vat_local_share of VAT, cit_local_share of income tax) (docs/model.md 3.11)";
  return {};
}

}  // namespace zonesim
