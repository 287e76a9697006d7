// Every indicator a run computes, per year, per zone (and for all zones), per replication.
// Declared once; drives accounting, the HDF5 layout, target validation and the docs.
// Values are stored in canonical units (yuan, mu, fractions) in memory and written to HDF5 in
// the display unit of their dimension (亿元, mu, %, 万元/亩, tce/万元).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "zonesim/units.hpp"

namespace zonesim {

// X(key, dimension, english, chinese)
#define ZONESIM_INDICATORS(X)                                                                     \
  X(gross_output, money, "Gross industrial output", "工业总产值")                                \
  X(value_added, money, "Value added of the zone's firms", "企业增加值")                        \
  X(gdp, money, "GDP of the zone: firms' value added x gdp_to_value_added", "地区生产总值")      \
  X(rd_expenditure, money, "R&D expenditure", "研发经费支出")                                    \
  X(rd_to_gdp, share, "R&D expenditure / GDP", "研发经费占地区生产总值比重")              \
  X(rd_relabelled, money, "Reported R&D that is relabelled other cost (in rd_expenditure)",        \
    "研发经费中重新归类的其他费用")                                                               \
  X(firms, count, "Firms", "企业数")                                                             \
  X(above_size_firms, count, "Above-size firms (revenue >= 20 million yuan)", "规上企业数")       \
  X(hightech_firms, count, "Certified high-tech firms", "高新技术企业数")                          \
  X(hightech_above_size_firms, count, "Certified high-tech above-size firms", "规上高新技术企业数") \
  X(hightech_firms_new, count,                                                                    \
    "Firms certified this year that held no certificate the year before (first certifications)",  \
    "本年新认定高新技术企业数")                                                                   \
  X(entries, count, "Firms entering this year", "新增企业数")                                    \
  X(exits, count, "Firms exiting this year", "退出企业数")                                       \
  X(low_efficiency_exits, count, "Firms closed by the low-efficiency exit rule", "低效退出企业数") \
  X(hightech_share_above_size, share, "Certified high-tech firms among above-size firms",         \
    "规上高新技术企业占规上企业比重")                                                             \
  X(hightech_output_share, share, "High-tech firms' share of industrial output",                 \
    "高新技术企业工业总产值占比")                                                                 \
  X(innovation_carriers, count, "Innovation carriers (incubators, accelerators, R&D institutes)", \
    "创新创业载体数")                                                                             \
  X(new_innovation_carriers, count, "Innovation carriers added since the base year",             \
    "新增创新创业载体数(累计)")                                                                  \
  X(invention_patents, count, "Invention patents granted this year", "发明专利授权数")          \
  X(employment, count, "Employment", "从业人员")                                                 \
  X(skilled_employment, count, "Skilled employment (technical workers and researchers)",         \
    "技术与研发人员")                                                                             \
  X(researchers, count, "Researchers", "研发人员")                                               \
  X(skilled_share, share, "Skilled share of employment", "技术与研发人员占比")                   \
  X(output_per_mu, money_per_area, "Output per mu of used land", "亩均产值")                     \
  X(tax_per_mu, money_per_area, "Tax per mu of used land", "亩均税收")                           \
  X(value_added_per_mu, money_per_area, "Value added per mu of used land", "亩均增加值")          \
  X(land_supplied, area, "Land supplied to date (used + idle + available)", "累计供地")          \
  X(land_used, area, "Land used by firms", "企业已用土地")                                       \
  X(land_idle, area, "Idle land (supplied, not used)", "闲置土地")                               \
  X(land_available, area, "Supplied land ready for projects", "可供土地")                        \
  X(land_unsupplied, area, "Planned land not yet supplied", "未供规划用地")                      \
  X(land_disposed, area, "Idle land recovered this year", "本年处置闲置土地")                    \
  X(energy_use, energy, "Energy use", "能源消费量")                                              \
  X(energy_per_output, energy_per_money, "Energy per output", "单位产值能耗")                   \
  X(exports, money, "Exports", "出口额")                                                         \
  X(fdi, money, "Investment by foreign-invested firms (not the statistical FDI actually used)",   \
    "外资企业投资额(非统计口径实际使用外资)")                                                     \
  X(tax_revenue, money, "Taxes paid by the zone's firms", "企业税收")                            \
  X(budget_revenue, money, "Zone budget revenue (retained taxes, land, transfers)",              \
    "园区财政收入")                                                                               \
  X(budget_spent, money, "Budget spent on levers", "政策支出")                                   \
  X(budget_shortfall, money, "Lever spending asked for but not paid (budget short)",              \
    "政策资金缺口")                                                                               \
  X(budget_balance, money, "Budget balance at year end", "年末财政结余")                          \
  X(budget_committed, money, "Revenue committed before any lever (staff, upkeep, debt service)", \
    "刚性支出")                                                                                   \
  X(budget_returned, money, "Unspent money returned to the city after the carry-over years",    \
    "结转收回资金")                                                                               \
  X(projects_arrived, count, "External projects that considered the zone", "洽谈外来项目数")     \
  X(projects_entered, count, "External projects that entered", "落地外来项目数")                 \
  X(projects_refused_threshold, count, "Projects refused by the entry threshold",                \
    "未达准入门槛项目数")                                                                         \
  X(projects_lost_no_land, count, "Projects lost for lack of land", "因无地流失项目数")          \
  X(startups, count, "Start-ups born in innovation carriers", "孵化初创企业数")                 \
  X(relocations, count, "Firms relocated from the metropolis", "承接转移企业数")                \
  X(firms_moved_in, count, "Firms that moved in from another zone for land", "从其他园区迁入企业数") \
  X(firms_moved_out, count, "Firms that moved out to another zone for land", "迁往其他园区企业数") \
  X(wage_researcher, money, "Researcher wage", "研发人员工资")                                  \
  X(skilled_net_migration, count, "Net skilled in-migration", "人才净流入")                      \
  X(trade_share_of_province, share, "Zones' share of the province's goods trade",              \
    "占全省进出口比重")                                                                           \
  X(fdi_share_of_province, share,                                                               \
    "Zones' share of the province's investment by foreign-invested manufacturing firms",          \
    "占全省制造业外资企业投资额比重")                                                             \
  X(evaluation_index, number, "Composite evaluation index (5 dimensions)", "综合考核评价指数")   \
  X(rank, count, "Rank among the scenario's zones (1 = best)", "园区排名")                       \
  X(national_rank, count, "Estimated rank in the national evaluation", "全国考核排名(估计)")    \
  X(national_level, count, "1 while the zone holds national status", "国家级园区(1=是)") \
  X(output_change_trend, money, "Change of output: market trend of continuing firms",           \
    "产值变动:市场趋势")                                                                          \
  X(output_change_reallocation, money, "Change of output: continuing firms' market shares",     \
    "产值变动:市场份额再配置")                                                                    \
  X(output_change_entry, money, "Change of output: firms producing for the first time",         \
    "产值变动:新进入企业")                                                                        \
  X(output_change_relocation, money, "Change of output: firms moved in less firms moved out",   \
    "产值变动:园区间迁移")                                                                        \
  X(output_change_exit_other, money, "Change of output: exits and the rest",                     \
    "产值变动:退出及其他")

#define ZONESIM_ENUM_ENTRY(key, ...) key,
enum class Ind : unsigned { ZONESIM_INDICATORS(ZONESIM_ENUM_ENTRY) count };
#undef ZONESIM_ENUM_ENTRY
inline constexpr std::size_t kIndicatorCount = static_cast<std::size_t>(Ind::count);

struct IndicatorInfo {
  std::string_view key;
  Dim dim;
  std::string_view en;
  std::string_view zh;
};

std::span<const IndicatorInfo> indicator_infos();
inline const IndicatorInfo& indicator_info(Ind i) {
  return indicator_infos()[static_cast<std::size_t>(i)];
}
// Returns Ind::count when the key is unknown.
Ind indicator_by_key(std::string_view key);

}  // namespace zonesim
