// The one registry of every setting a scenario can hold.
//
// Each list below is declared once, as an X-macro. It yields the enum the engine indexes with
// (so a lever is read as `lv[Lever::rd_subsidy_rate]`, never by string in the hot path) and the
// table that drives validation, `zonesim levers`, the JSON Schema, docs/scenarios.md, the channel
// table of docs/model.md (section 4) and `zonesim effects`.
// Defaults and ranges are in canonical units (see units.hpp): yuan, mu, fractions, tce/万元.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zonesim/indicators.hpp"
#include "zonesim/units.hpp"

namespace zonesim {

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------
// Budget items the zone's spending is booked to (`/spending` in a run file). X(key, english, chinese)
#define ZONESIM_SPENDING(X)                                                              \
  X(rd_subsidy, "R&D subsidy", "研发财政补助")                                           \
  X(innovation_fund, "Innovation fund (innovation points)", "科技创新发展资金")          \
  X(innovation_carriers, "Incubators, accelerators, R&D institutes", "创新载体建设")      \
  X(land_development, "Land development (nine connections, one levelling)", "土地开发")   \
  X(talent, "Talent subsidies, bonuses and apartments", "人才引进与住房")                 \
  X(training, "Vocational training", "职业技能培训")                                     \
  X(investment_attraction, "Investment attraction", "招商引资")                          \
  X(venture_fund, "Guidance fund for start-ups", "政府引导基金")                          \
  X(energy_retrofit, "Energy-saving retrofit subsidies", "节能改造补助")                    \
  X(hightech_award, "Awards to newly certified high-tech enterprises", "高新技术企业认定奖励")

#define ZONESIM_ENUM_ENTRY(key, ...) key,
enum class Spend : unsigned { ZONESIM_SPENDING(ZONESIM_ENUM_ENTRY) count };
#undef ZONESIM_ENUM_ENTRY
inline constexpr std::size_t kSpendCount = static_cast<std::size_t>(Spend::count);

struct SpendInfo {
  std::string_view key, en, zh;
};
std::span<const SpendInfo> spend_infos();

// ---------------------------------------------------------------------------------------------
// Choice words, in the order of their values: X(setting key, enum, words), the words being an
// X-macro W(word). They yield the enum the engine switches on, the words validation accepts and
// the listings show, and the setting's largest value (kLastWord_<key>).
#define ZONESIM_LAND_PRIORITY_WORDS(W) W(pro_rata) W(high_tech_first) W(output_per_mu) W(large_projects_first)
#define ZONESIM_ZONE_LEVEL_WORDS(W) W(national) W(provincial)
#define ZONESIM_ZONE_KIND_WORDS(W) W(hightech) W(etdz)
#define ZONESIM_CHOICES(X)                                     \
  X(land_priority, LandPriority, ZONESIM_LAND_PRIORITY_WORDS) \
  X(level, ZoneLevel, ZONESIM_ZONE_LEVEL_WORDS)                \
  X(kind, ZoneKind, ZONESIM_ZONE_KIND_WORDS)

#define ZONESIM_WORD_ENTRY(word) word,
#define ZONESIM_WORD_COUNT(word) +1
#define ZONESIM_CHOICE_ENUM(name, Enum, WORDS)                 \
  enum class Enum : unsigned { WORDS(ZONESIM_WORD_ENTRY) };    \
  inline constexpr double kLastWord_##name = (0 WORDS(ZONESIM_WORD_COUNT)) - 1.0;
ZONESIM_CHOICES(ZONESIM_CHOICE_ENUM)
#undef ZONESIM_CHOICE_ENUM
#undef ZONESIM_WORD_COUNT
#undef ZONESIM_WORD_ENTRY

// ---------------------------------------------------------------------------------------------
// Levers: what government does. Every lever is a schedule over years and may differ by zone.
// X(key, dimension, default, min, max, english, chinese, channel, budget item, where it acts):
// `channel` is the indicator through which the lever acts first (the one `zonesim effects`
// shows); `budget item` the item of ZONESIM_SPENDING its spending is booked to, or `none` for a
// lever that costs the zone's budget nothing directly (a tax rate, a rule, a quantity given);
// `where it acts` says how, with the sections of docs/model.md (its section 4 is generated from
// these columns by `zonesim levers --format channels`).
#define ZONESIM_LEVERS(X) \
  X(rd_subsidy_rate, share, 0.0, 0.0, 1.0, \
    "Share of a firm's R&D spending reimbursed by the zone budget", "研发财政补助比例", \
    rd_to_gdp, rd_subsidy, "lowers the user cost of R&D (3.3); firms' claims are paid from the budget first (3.11)") \
  X(rd_super_deduction, share, 1.0, 0.0, 3.0, \
    "Extra deduction of R&D expense from taxable income (100 % = R&D deducted twice)", \
    "研发费用加计扣除比例", \
    rd_to_gdp, none, "lowers the user cost of R&D (3.3); deducted from taxable profit, so it costs tax revenue, not budget (3.6)") \
  X(hightech_income_tax_rate, share, 0.15, 0.0, 0.25, \
    "Income tax rate of certified high-tech enterprises (certificate valid 3 years)", \
    "高新技术企业所得税税率", \
    hightech_firms, none, "certified firms' income tax (3.6); the saving makes firms near a threshold raise R&D to it (3.3)") \
  X(hightech_certification_award, money, 0.0, 0.0, 1e8, \
    "One-off award the zone pays a firm in the year it is certified as a high-tech enterprise " \
    "without having held a certificate the year before (first certification; renewals get " \
    "nothing), per real firm: a model firm stands for firm_count_scale real firms and gets that " \
    "many awards; a firm claim, taxable income of the firm (local policies pay about 8-40 万元, " \
    "docs/model.md 3.5)", \
    "高新技术企业认定奖励(首次认定,每家一次性)", \
    hightech_firms, hightech_award, "adds the award, discounted to the year of certification, to the certificate's value for a firm not certified the year before (3.3); paid as a firm claim in that year (3.5, 3.11)") \
  X(innovation_fund, money, 0.0, 0.0, 1e12, \
    "Innovation fund per year, paid to firms in proportion to their innovation points " \
    "(invention patents)", \
    "科技创新发展资金(创新积分制)", \
    rd_to_gdp, innovation_fund, "awards in proportion to last year's invention patents, a share of which firms add to R&D (3.6)") \
  X(new_incubators, count, 0.0, 0.0, 1000.0, "Incubators built per year", "新建孵化器", \
    innovation_carriers, innovation_carriers, "carriers raise start-up births (3.9)") \
  X(new_accelerators, count, 0.0, 0.0, 1000.0, "Accelerators built per year", "新建加速器", \
    innovation_carriers, innovation_carriers, "carriers raise start-up births (3.9)") \
  X(new_rd_institutes, count, 0.0, 0.0, 1000.0, "New-type R&D institutes founded per year", \
    "新建新型研发机构", \
    innovation_carriers, innovation_carriers, "carriers raise start-up births; institutes raise imitation (3.4, 3.9)") \
  X(land_quota_mu, area, 1000.0, 0.0, 1e7, \
    "New industrial land the zone may supply per year (annual land-use plan quota)", \
    "土地利用年度计划指标", \
    land_supplied, land_development, "moves planned land into supply; each mu supplied is developed first (3.7)") \
  X(land_quota_idle_link, number, 0.0, 0.0, 10.0, \
    "Extra quota granted per mu of idle or unsupplied land disposed (quota tied to disposal)", \
    "新增用地指标与处置闲置土地挂钩系数", \
    land_supplied, land_development, "extra quota for the idle land disposed the year before (3.7)") \
  X(idle_land_disposal_rate, share, 0.10, 0.0, 1.0, \
    "Share of the idle land stock recovered per year and returned to supply", \
    "闲置土地年处置比例", \
    land_idle, none, "recovers idle land into supply (3.7)") \
  X(plot_ratio, number, 0.93, 0.3, 5.0, \
    "Industrial floor-area ratio required of new land; higher means less land per unit of " \
    "capital (multi-storey factories)", \
    "工业用地容积率", \
    output_per_mu, none, "more capital per mu of new land: projects need less land (3.7)") \
  X(intensification_rate, share, 0.0, 0.0, 1.0, \
    "Most a firm may raise the capital its own plot holds per year, as a share of it, by building " \
    "up or redeveloping the plot (in-situ intensification; 0 = none)", \
    "存量用地增容(加层、工业上楼、低效用地再开发)年增幅上限", \
    output_per_mu, none, "firms add capital on their own plots, up to plot_ratio_max, before asking for new land (3.7)") \
  X(plot_ratio_max, number, 2.0, 0.3, 10.0, \
    "Highest floor-area ratio an existing industrial plot may be raised to by in-situ " \
    "intensification (the base-year stock stands at 0.93)", \
    "存量工业用地容积率上限", \
    output_per_mu, none, "caps the capital a mu holds after intensification (3.7)") \
  X(land_priority, choice, 0.0, 0.0, kLastWord_land_priority, \
    "Rule for who gets scarce land first: pro_rata, high_tech_first, output_per_mu, " \
    "large_projects_first", \
    "用地重点保障规则", \
    hightech_output_share, none, "who is served first when land is short (3.7)") \
  X(exit_min_tax_per_mu, money_per_area, 0.0, 0.0, 1e9, \
    "Firms paying less tax per mu than this are closed (0 = no floor)", "低效企业退出:亩均税收下限", \
    tax_per_mu, none, "closes firms below the floor, frees their land (3.10)") \
  X(exit_min_output_per_mu, money_per_area, 0.0, 0.0, 1e10, \
    "Firms with less output per mu than this are closed (0 = no floor)", \
    "低效企业退出:亩均产值下限", \
    output_per_mu, none, "closes firms below the floor, frees their land (3.10)") \
  X(exit_max_energy_intensity, energy_per_money, 0.0, 0.0, 100.0, \
    "Firms using more energy per output than this are closed (0 = no ceiling)", \
    "低效企业退出:单位产值能耗上限", \
    energy_per_output, none, "closes firms above the ceiling, frees their land (3.10)") \
  X(exit_enforcement_rate, share, 1.0, 0.0, 1.0, \
    "Share of firms flagged as low-efficiency that are actually closed each year", \
    "低效企业退出执行比例", \
    low_efficiency_exits, none, "share of the flagged firms actually closed (3.10)") \
  X(entry_rd_threshold, share, 0.0, 0.0, 1.0, \
    "New projects must plan R&D of at least this share of sales", "项目准入研发投入占比门槛", \
    projects_entered, none, "filters external projects (3.9)") \
  X(entry_major_project_exemption, money, 0.0, 0.0, 1e13, \
    "Projects investing at least this much are exempt from the R&D rule, \"one case, one " \
    "discussion\" (0 = no exemption)", \
    "重大项目一事一议豁免投资额", \
    projects_entered, none, "filters external projects (3.9)") \
  X(entry_min_investment_per_mu, money_per_area, 0.0, 0.0, 1e10, \
    "New projects must invest at least this per mu of land (0 = no floor)", \
    "项目准入亩均投资强度", \
    projects_entered, none, "filters external projects (3.9)") \
  X(entry_max_energy_intensity, energy_per_money, 0.0, 0.0, 100.0, \
    "New projects above this energy intensity are refused (environmental negative list; " \
    "0 = no ceiling)", \
    "项目准入能耗上限(负面清单)", \
    projects_entered, none, "filters external projects (3.9)") \
  X(talent_subsidy_per_person, money, 0.0, 0.0, 1e7, \
    "Housing and living subsidy per skilled worker (technical or researcher) per year", \
    "人才住房与生活补贴(每人每年)", \
    researchers, talent, "researchers' location choice (3.8)") \
  X(talent_recruitment_bonus, money, 0.0, 0.0, 1e8, \
    "One-off bonus per researcher who moves into the zone", "人才引进奖励(每人)", \
    researchers, talent, "researchers' location choice (3.8)") \
  X(talent_apartments, count, 0.0, 0.0, 1e6, "Talent apartments built per year", "人才公寓(套/年)", \
    researchers, talent, "amenity in researchers' location choice (3.8)") \
  X(training_places, count, 0.0, 0.0, 1e7, \
    "Vocational training places per year (general workers become technical workers)", \
    "职业技能培训名额(人/年)", \
    skilled_share, training, "general workers become technical workers (3.8)") \
  X(attraction_budget, money, 0.0, 0.0, 1e12, \
    "Investment-attraction spending per year (raises the arrival of external projects)", \
    "招商引资经费", \
    projects_arrived, investment_attraction, "more external projects consider the zone (3.9)") \
  X(attraction_projects_per_year, count, 10.0, 0.0, 1e5, \
    "External projects that consider the zone per year without extra attraction spending", \
    "年均洽谈外来项目数", \
    projects_arrived, none, "external projects that consider the zone without spending (3.9)") \
  X(metropolis_relocations_per_year, count, 0.0, 0.0, 1e4, \
    "Firms relocating production from the neighbouring metropolis per year (expected)", \
    "承接中心城市产业转移企业数(年)", \
    relocations, none, "relocations into the zone (3.9)") \
  X(scitech_credit_ratio, share, 0.0, 0.0, 2.0, \
    "Extra credit available to firms as a share of their capital (sci-tech loans, IP pledges)", \
    "科技信贷额度(占企业资本比例)", \
    gross_output, none, "relaxes the finance constraint on investment (3.7)") \
  X(venture_fund, money, 0.0, 0.0, 1e12, \
    "Government guidance fund invested in start-ups per year", "政府引导基金(投向初创企业)", \
    startups, venture_fund, "more start-ups, better survival (3.9, 3.10)") \
  X(energy_retrofit_subsidy_rate, share, 0.0, 0.0, 1.0, \
    "Share of the cost of energy-saving retrofits paid by the zone", "节能技术改造补助比例", \
    energy_per_output, energy_retrofit, "raises the share of firms retrofitting (3.6)") \
  X(shared_land_pool, boolean, 1.0, 0.0, 1.0, \
    "One zone, many parks: the parks share one land pool and one policy", "一区多园共享用地指标", \
    projects_lost_no_land, none, "removes the fragmentation loss of separate park pools (3.7)") \
  X(rank_land_bonus, share, 0.0, 0.0, 2.0, \
    "Extra land quota for the zone ranked first in the evaluation (reward for rank)", \
    "考核排名靠前的用地指标奖励", \
    land_supplied, land_development, "extra quota for the top-ranked zone (3.12)") \
  X(demotion_bottom_years, count, 0.0, 0.0, 10.0, \
    "A national zone in the national bottom five this many years running is demoted to provincial (0 = never)", \
    "连续末位降级年数", \
    national_level, none, "demotes a national zone in the national bottom five, which cuts its quota (3.12)") \
  X(upper_level_transfer, money, 0.0, 0.0, 1e12, \
    "Transfers from the city or province into the zone budget per year", "上级财政转移支付", \
    budget_shortfall, none, "budget revenue (3.11)")

// ---------------------------------------------------------------------------------------------
// Behavioural parameters. Any of them may be given as a distribution; each replication then
// draws its own value. X(key, dimension, default, min, max, english, chinese)
#define ZONESIM_PARAMETERS(X)                                                                     \
  X(standard_income_tax_rate, share, 0.25, 0.0, 0.9,                                             \
    "Corporate income tax rate (at most 90 %: at 100 % no profit is left after tax and the user "  \
    "cost of R&D, which divides by 1 - rate, is undefined)",                                       \
    "企业所得税税率")                                                                             \
  X(vat_rate_on_value_added, share, 0.056, 0.0, 0.5,                                              \
    "Effective VAT as a share of value added (after input credits)", "增值税实际税负(占增加值比例)") \
  X(vat_local_share, share, 0.5, 0.0, 1.0,                                                        \
    "Local governments' share of VAT under tax sharing (the rest goes to the centre)",            \
    "增值税地方分成比例")                                                                         \
  X(cit_local_share, share, 0.4, 0.0, 1.0,                                                        \
    "Local governments' share of corporate income tax under tax sharing", "企业所得税地方分成比例") \
  X(zone_tax_retention, share, 0.5, 0.0, 1.0,                                                     \
    "Share of the local share of the zone's taxes that the zone's own budget keeps (the rest "    \
    "goes to the city)",                                                                          \
    "园区对地方税收的留成比例")                                                                   \
  X(budget_committed_share, share, 0.6, 0.0, 1.0,                                                 \
    "Share of the zone's revenue committed before any lever (staff, upkeep of infrastructure, "   \
    "debt service of the zone's development company)",                                            \
    "园区财政刚性支出比例")                                                                       \
  X(budget_return_years, count, 2.0, 1.0, 20.0,                                                   \
    "Years the zone may carry unspent money over; what is still unspent then returns to the city", \
    "结转资金收回年限")                                                                           \
  X(rd_user_cost_elasticity, number, -1.14, -3.0, 0.0,                                            \
    "Firm-level elasticity of real R&D with respect to its user cost (Chinese firms about -1.14)", \
    "研发投入对研发使用成本的弹性")                                                               \
  X(rd_adjustment_speed, share, 0.5, 0.0, 1.0,                                                    \
    "Share of the gap to its desired R&D intensity a firm closes per year", "研发强度年调整速度") \
  X(innovation_zeta, number, 0.3, 0.0, 10.0,                                                      \
    "Innovation success probability 1 - exp(-zeta * R&D intensity / 2 %)", "创新成功概率参数")    \
  X(imitation_zeta, number, 0.1, 0.0, 10.0,                                                       \
    "Imitation success probability 1 - exp(-zeta * (w * R&D/2 % + spillover + institutes))",     \
    "模仿成功概率参数")                                                                           \
  X(imitation_rd_weight, number, 0.05, 0.0, 10.0,                                                 \
    "Weight w of a firm's own R&D intensity (per 2 %) in its imitation pull (absorptive "          \
    "capacity), relative to the spillovers of innovators and R&D institutes",                    \
    "自身研发对模仿的吸收能力权重")                                                               \
  X(innovation_jump_max, share, 0.15, 0.0, 1.0,                                                   \
    "Productivity jump of an innovation drawn from Beta(3,3) on [-max, +max]; worse draws are "   \
    "not adopted",                                                                                \
    "创新生产率跃升幅度上限")                                                                     \
  X(imitation_catch_up, share, 0.2, 0.0, 1.0,                                                     \
    "Share of the log productivity gap to the zone-sector frontier closed by a successful "       \
    "imitation",                                                                                  \
    "模仿追赶比例")                                                                               \
  X(spillover_strength, number, 1.0, 0.0, 10.0,                                                   \
    "How much the share of innovating firms in a zone-sector raises imitation", "集聚溢出强度")  \
  X(market_productivity_growth, share, 0.02, -0.1, 0.2,                                           \
    "Growth of the market's average productivity (competitors outside the zones)",                \
    "市场平均生产率增长率")                                                                       \
  X(replicator_chi, number, 0.04, 0.0, 5.0,                                                       \
    "Growth of a firm's market share per unit of relative productivity above the sector "         \
    "market's share-weighted mean (replicator dynamics)",                                         \
    "市场份额对相对竞争力的反应速度")                                                             \
  X(macro_shock_sd, share, 0.02, 0.0, 0.5, "Standard deviation of the common demand shock",      \
    "宏观需求冲击标准差")                                                                         \
  X(firm_shock_scale, share, 0.12, 0.0, 1.0,                                                      \
    "Scale of the Laplace-distributed idiosyncratic demand shock of a firm", "企业需求冲击尺度")   \
  X(capital_depreciation, share, 0.08, 0.0, 0.5, "Capital depreciation per year", "资本折旧率")   \
  X(base_credit_ratio, share, 0.3, 0.0, 3.0,                                                      \
    "Credit available to a firm as a share of its capital without sci-tech finance",              \
    "企业基础信贷额度(占资本比例)")                                                              \
  X(capital_per_mu, money_per_area, 6e6, 1e4, 1e9,                                                \
    "Fixed investment per mu of industrial land at a plot ratio of 0.93", "亩均固定资产投资强度") \
  X(new_land_idle_share, share, 0.15, 0.0, 1.0,                                                   \
    "Share of newly granted land left idle at first", "新供地初期闲置比例")                       \
  X(idle_development_rate, share, 0.25, 0.0, 1.0,                                                 \
    "Share of idle land its holders release (transfer or return) each year without disposal", "闲置地自然开发率") \
  X(land_price_per_mu, money_per_area, 3e5, 0.0, 1e9, "Land transfer price per mu",             \
    "工业用地出让价格")                                                                           \
  X(land_development_cost_per_mu, money_per_area, 1.5e5, 0.0, 1e9,                                \
    "Cost of preparing a mu of land before supply (\"nine connections and one levelling\")",      \
    "土地开发成本(九通一平)")                                                                     \
  X(incubator_cost, money, 2e7, 0.0, 1e11, "Cost of building one incubator", "孵化器建设成本")   \
  X(accelerator_cost, money, 5e7, 0.0, 1e11, "Cost of building one accelerator",                 \
    "加速器建设成本")                                                                             \
  X(rd_institute_cost, money, 1e8, 0.0, 1e12, "Cost of founding one new-type R&D institute",     \
    "新型研发机构建设成本")                                                                       \
  X(births_per_carrier, number, 2.0, 0.0, 100.0,                                                  \
    "Start-ups born per year per innovation carrier", "每个创新载体年孵化企业数")                \
  X(institute_spillover, number, 0.05, 0.0, 1.0,                                                  \
    "Rise in imitation spillover per R&D institute in the zone", "研发机构溢出效应")             \
  X(startup_exit_hazard, share, 0.15, 0.0, 1.0,                                                   \
    "Annual exit probability of a start-up younger than three years outside incubators",          \
    "初创企业年退出概率")                                                                         \
  X(incubator_survival_gain, share, 0.5, 0.0, 1.0,                                                \
    "Reduction of start-up exit hazard when incubated or venture-funded", "孵化对初创存活的提升") \
  X(project_size_alpha, number, 1.1, 0.5, 5.0,                                                    \
    "Pareto tail exponent of external project investment", "外来项目投资额帕累托指数")           \
  X(project_min_investment, money, 5e7, 1e5, 1e12, "Smallest external project investment",       \
    "外来项目最小投资额")                                                                         \
  X(attraction_cost_per_project, money, 5e6, 1e3, 1e11,                                           \
    "Attraction spending that brings one more external project per year", "每增加一个项目的招商成本") \
  X(wage_general, money, 6e4, 1e3, 1e7, "Base annual wage of a general worker", "普通工人年工资") \
  X(wage_technical, money, 9e4, 1e3, 1e7, "Base annual wage of a technical worker",              \
    "技术工人年工资")                                                                             \
  X(wage_researcher, money, 4e5, 1e3, 1e8,                                                        \
    "Annual cost of a researcher in the base year (wage and overheads)", "研发人员年人均费用")    \
  X(researcher_pool_growth, share, 0.068, -0.5, 1.0,                                              \
    "Growth of a zone's researcher pool per year (new graduates and R&D staff)",                 \
    "研发人员供给年增长率")                                                                       \
  X(wage_adjustment, share, 0.3, 0.0, 1.0,                                                        \
    "Share of the excess demand for a skill turned into a wage rise per year", "工资调整速度")    \
  X(rd_personnel_share, share, 0.5, 0.01, 1.0, "Share of R&D spending paid to researchers",     \
    "研发支出中人员费用占比")                                                                     \
  X(migration_rate, share, 0.05, 0.0, 1.0,                                                        \
    "Share of the mobile skilled pool that reconsiders its location each year", "人才年流动比例") \
  X(migration_wage_elasticity, number, 2.0, 0.0, 20.0,                                            \
    "Weight of log wages in the location choice of skilled workers (logit)", "人才迁移工资弹性")  \
  X(migration_incentive_weight, number, 1.0, 0.0, 20.0,                                           \
    "Weight of talent incentives (as a share of the wage) in the location choice",                \
    "人才迁移对激励政策的敏感度")                                                                 \
  X(apartment_cost, money, 5e5, 0.0, 1e9, "Cost of one talent apartment", "人才公寓单套成本")   \
  X(apartment_amenity, number, 0.0002, 0.0, 1.0,                                                  \
    "Amenity gain per talent apartment in the location choice", "每套人才公寓的宜居效用")        \
  X(training_cost_per_place, money, 1e4, 0.0, 1e8, "Cost of one vocational training place",      \
    "职业培训单人成本")                                                                           \
  X(retrofit_base_rate, share, 0.03, 0.0, 1.0,                                                    \
    "Share of firms doing an energy-saving retrofit per year without subsidy", "节能改造基础比例") \
  X(retrofit_energy_cut, share, 0.15, 0.0, 0.9,                                                   \
    "Cut in energy intensity from one retrofit", "节能改造降低能耗比例")                         \
  X(retrofit_cost_share, share, 0.02, 0.0, 1.0,                                                   \
    "Cost of a retrofit as a share of the firm's annual output", "节能改造成本(占产值)")          \
  X(loss_years_to_exit, count, 3.0, 1.0, 20.0, "Consecutive loss years after which a firm exits", \
    "连续亏损退出年数")                                                                           \
  X(patent_rd_cost, money, 3e6, 1e3, 1e10, "R&D spending per invention patent of an innovator", \
    "每件发明专利对应研发支出")                                                                   \
  X(innovation_fund_rd_passthrough, share, 0.7, 0.0, 1.0,                                         \
    "Share of an innovation-fund award a firm adds to its R&D", "创新资金转化为研发投入比例")      \
  X(relocated_firm_size, money, 3e8, 1e5, 1e12, "Average output of a firm relocated from the metropolis", \
    "转移企业平均产值")                                                                           \
  X(firm_relocation_rate, share, 0.2, 0.0, 1.0,                                                  \
    "Share of firms denied most of their land that move to a zone with land to spare, per year",  \
    "用地不足企业迁往其他园区的比例")                                                             \
  X(rank_consequence_quota_cut, share, 0.3, 0.0, 1.0,                                             \
    "Cut in land quota of a zone demoted to provincial level", "降级后用地指标削减比例")          \
  X(venture_fund_per_startup, money, 1e7, 1e5, 1e12,                                              \
    "Venture funding that brings one more start-up a year (assumption: 1000 万元)",              \
    "每新增一家初创企业所需创投资金")                                                             \
  X(zones_market_share, share, 0.001, 1e-9, 0.5,                                                  \
    "The zones' firms' share of the national market of their sectors in the base year (the "      \
    "rest of the country holds the remainder)",                                                   \
    "园区企业占全国行业市场份额(基年)")                     \
  X(rd_relabel_share, share, 0.24, 0.0, 0.9,                                                      \
    "Share of the R&D a firm seeking or holding a high-tech certificate reports that is relabelled " \
    "other cost (Chen, Liu, Suarez Serrato & Xu, AER 2021: about 24 %)",                           \
    "高新技术企业研发费用归集中重新归类的比例")                                                   \
  X(certificate_discount_rate, share, 0.08, 0.0, 1.0,                                             \
    "Discount rate of a firm weighing the 3-year high-tech certificate against the R&D it needs "  \
    "(assumption)",                                                                                \
    "企业评估高新技术企业资格价值的贴现率")                                                       \
  X(certification_takeup_rate, share, 1.0, 0.0, 1.0,                                            \
    "Share of the firms that would newly go for the high-tech certificate (not yet reporting R&D " \
    "at their threshold) that act on it in a given year; the others weigh it again the next year " \
    "(incomplete take-up; 100 %: all at once; docs/model.md 3.3)",                                  \
    "新申报高新技术企业意愿的当年实施比例")                                                       \
  X(tfp_shock_sd, number, 0.1, 0.0, 1.0,                                                          \
    "Standard deviation of a firm's yearly idiosyncratic shock to log productivity, mean one in "  \
    "levels: ln A += sd * e - sd^2/2, e standard normal (assumption, docs/model.md 3.4)",          \
    "企业生产率年度特异冲击标准差")

// ---------------------------------------------------------------------------------------------
// Zone descriptions and base-year values (calibration targets of the starting population).
// X(key, dimension, default, min, max, english, chinese)
#define ZONESIM_ZONE_FIELDS(X)                                                                    \
  X(level, choice, 0.0, 0.0, kLastWord_level, "Zone level: national or provincial", "园区级别")              \
  X(kind, choice, 0.0, 0.0, kLastWord_kind, "Zone kind: hightech (high-tech zone) or etdz", "园区类型")      \
  X(parks, count, 1.0, 1.0, 100.0, "Number of parks (one zone, many parks)", "园区数(一区多园)") \
  X(base_output, money, 1e10, 1e6, 1e14, "Gross industrial output in the base year",            \
    "基年工业总产值")                                                                             \
  X(base_value_added, money, 2.5e9, 1e5, 1e14, "Value added of the zone's firms in the base year", \
    "基年园区企业增加值")                                                                  \
  X(base_rd, money, 2e8, 0.0, 1e13, "R&D expenditure in the base year", "基年研发经费")        \
  X(base_firms, count, 300.0, 1.0, 1e9, "Industrial firms in the base year", "基年工业企业数")   \
  X(base_above_size_firms, count, 100.0, 0.0, 1e9,                                                \
    "Above-size firms (revenue >= 20 million yuan) in the base year", "基年规上工业企业数")       \
  X(base_hightech_firms, count, 40.0, 0.0, 1e9, "Certified high-tech firms in the base year",    \
    "基年高新技术企业数")                                                                         \
  X(base_hightech_above_size_firms, number, -1.0, -1.0, 1e9,                                      \
    "Certified high-tech firms among the above-size firms in the base year (-1: not stated, "     \
    "the generator chooses)",                                                                     \
    "基年规上高新技术企业数(-1表示未给出)")                                                       \
  X(base_hightech_growth, share, 0.0, 0.0, 1.0,                                                   \
    "Yearly growth of the certified high-tech firms before the base year (0: certification "      \
    "stationary). The generator gives growth x base_hightech_firms uncertified firms two years of " \
    "R&D at the certification threshold (they pass the 3-year test in the first simulated year) "   \
    "and growth x (1 + growth) x base_hightech_firms one year (they pass in the second): the "      \
    "certification pipeline of a growing zone (docs/model.md 2)",                                  \
    "基年前高新技术企业年增长率(0表示稳态;生成研发累积期中的待认定企业)")                          \
  X(base_land_used_mu, area, 10000.0, 1.0, 1e8, "Industrial land used by firms in the base year", \
    "基年企业已用工业用地")                                                                       \
  X(base_land_idle_mu, area, 1000.0, 0.0, 1e8, "Supplied but idle land in the base year",        \
    "基年闲置土地")                                                                               \
  X(base_land_available_mu, area, 500.0, 0.0, 1e8,                                                \
    "Supplied land ready for new projects in the base year", "基年可供地")                       \
  X(land_planned_mu, area, 30000.0, 1.0, 1e9,                                                     \
    "All industrial land in the zone's plan (used, idle, available and not yet supplied)",       \
    "规划工业用地总量")                                                                           \
  X(base_employment, count, 30000.0, 1.0, 1e9, "Employment in the base year", "基年从业人员")    \
  X(technical_share, share, 0.25, 0.0, 1.0, "Technical workers among employees in the base year", \
    "基年技术工人占比")                                                                           \
  X(base_innovation_carriers, count, 5.0, 0.0, 1e6,                                               \
    "Incubators, accelerators and R&D institutes in the base year", "基年创新载体数")           \
  X(base_rd_institutes, count, 1.0, 0.0, 1e6, "New-type R&D institutes among the carriers",      \
    "基年新型研发机构数")                                                                         \
  X(energy_intensity, energy_per_money, 0.05, 0.0, 100.0,                                         \
    "Energy per output of the zone's firms in the base year", "基年单位产值能耗")               \
  X(export_share, share, 0.2, 0.0, 1.0, "Exports as a share of output", "出口占产值比例")       \
  X(foreign_firm_share, share, 0.1, 0.0, 1.0, "Share of firms that are foreign-invested",        \
    "外资企业占比")                                                                               \
  X(city_gdp, money, 2e11, 1e6, 1e15, "GDP of the city around the zone in the base year",       \
    "所在城市基年地区生产总值")                                                                   \
  X(budget_balance, money, 5e8, 0.0, 1e13, "Zone budget balance at the start", "园区期初财政结余") \
  X(mobile_skilled_pool, count, 2000.0, 0.0, 1e9,                                                 \
    "Skilled workers in the hinterland who would move to this zone", "腹地可流动人才")            \
  X(gdp_to_value_added, number, 1.0, 1.0, 10.0,                                                   \
    "The zone's GDP over its firms' value added (services, construction and other activity the "  \
    "model holds no firms for); GDP is the denominator of R&D/GDP", "园区生产总值与企业增加值之比") \
  X(opens, year, 0.0, 0.0, 0.0,                                                                   \
    "Year the zone opens (approved during the run): no firms, land or budget before it; its base "\
    "values are those of that year (not given: open in the base year; docs/model.md 2)",          \
    "园区设立年份(运行期间获批;此前无企业、土地与财政;基年值为设立当年值)")

// Region-wide settings. X(key, dimension, default, min, max, english, chinese)
#define ZONESIM_REGION_FIELDS(X)                                                                  \
  X(province_trade, money, 0.0, 0.0, 1e15,                                                        \
    "Goods imports and exports of the province in the base year (0 = not modelled)",             \
    "全省货物进出口额")                                                                           \
  X(province_trade_growth, share, 0.05, -0.5, 1.0, "Growth of the province's trade per year",    \
    "全省进出口年增长率")                                                                         \
  X(province_manufacturing_fdi, money, 0.0, 0.0, 1e14,                                            \
    "Investment by foreign-invested manufacturing firms in the province in the base year, in the " \
    "terms of the indicator fdi (not the statistical FDI actually used; 0 = not modelled)",       \
    "全省制造业外资企业投资额(模型口径,基年)")                                                   \
  X(province_fdi_growth, share, 0.03, -0.5, 1.0, "Growth of the province's manufacturing FDI",   \
    "全省制造业外资年增长率")                                                                     \
  X(national_zone_count, count, 230.0, 1.0, 10000.0,                                              \
    "Zones in the national evaluation (for national ranks)", "参加全国考核的园区数")             \
  X(national_index_median, number, 0.0, -10.0, 10.0,                                              \
    "Median composite index of the national reference zones", "全国参照园区综合指数中位数")      \
  X(national_index_spread, number, 1.0, 0.01, 10.0,                                               \
    "Spread (logistic scale) of the national reference zones' index", "全国参照园区综合指数离散度") \
  X(firm_count_scale, number, 1.0, 1.0, 1e6,                                                     \
    "Count scale k, in real firms per model firm: a scenario whose base firm counts are the real " \
    "ones / k (money, land and employment real) sets k; entry flows arrive at counts / k and "    \
    "sizes x k, and the size rules read a firm's size / k (docs/model.md 3.13)",                   \
    "企业数量比例(每个模型企业代表的真实企业数)")                                                 \
  X(hinterland_growth, share, 0.0, -0.5, 0.5, "Growth of the hinterland's mobile skilled pool",  \
    "腹地人才年增长率")                                                                           \
  X(demand_shock, share, 0.0, -0.5, 0.5,                                                          \
    "Common shock to every sector's demand growth, added to its trend: a year schedule like a "   \
    "lever's (each value holds until the next year given), e.g. {2019: 0 %, 2020: -3.5 %, 2021: 0 %}", \
    "需求共同冲击(按年,叠加于各产业需求增长趋势)")

// Sector attributes (keys of `sectors.<id>`). X(key, dimension, default, min, max, english, chinese)
#define ZONESIM_SECTOR_FIELDS(X)                                                                  \
  X(output_share, share, 0.0, 0.0, 1.0,                                                           \
    "Share of the zones' base-year output in this sector (shares are normalised per zone)",       \
    "基年产值中该产业占比")                                                                       \
  X(value_added_ratio, share, 0.25, 0.01, 1.0, "Value added as a share of gross output", "增加值率") \
  X(rd_propensity, share, 0.02, 0.0, 0.5,                                                         \
    "Typical R&D/sales of an R&D-performing firm of the sector with no R&D policy",               \
    "行业研发倾向(研发/销售)")                                                                    \
  X(demand_growth, share, 0.06, -0.5, 1.0, "Trend growth of the sector's market demand per year", \
    "行业需求年增长率")                                                                           \
  X(capital_output_ratio, number, 0.8, 0.05, 20.0, "Capital per yuan of output at unit productivity", \
    "资本产出比")                                                                                 \
  X(output_per_worker, money, 1.5e6, 1e4, 1e9, "Output per worker at unit productivity", "人均产值") \
  X(energy_intensity_factor, number, 1.0, 0.0, 100.0, "Energy intensity relative to the zone average", \
    "相对能耗系数")                                                                               \
  X(export_share_factor, number, 1.0, 0.0, 10.0, "Export share relative to the zone average",     \
    "相对出口系数")                                                                               \
  X(hightech, boolean, 0.0, 0.0, 1.0,                                                             \
    "A high-tech or strategic emerging sector (land priority, high-tech product rule)",           \
    "高技术/战略性新兴产业")                                                                      \
  X(attraction_weight, number, 1.0, 0.0, 1000.0,                                                  \
    "Relative weight of the sector among attracted projects (investment attraction by sector)",   \
    "招商引资产业权重")                                                                           \
  X(demand_shock, share, 0.0, -0.5, 0.5,                                                          \
    "The sector's own shock to its demand growth, added to its trend and to region.demand_shock: " \
    "a year schedule like a lever's, e.g. {2020: -5 %, 2021: 4 %} (docs/model.md 3.2)",           \
    "产业需求冲击(按年,叠加于该产业需求增长趋势)")

#define ZONESIM_ENUM_ENTRY(key, ...) key,
enum class Lever : unsigned { ZONESIM_LEVERS(ZONESIM_ENUM_ENTRY) count };
enum class Param : unsigned { ZONESIM_PARAMETERS(ZONESIM_ENUM_ENTRY) count };
enum class ZoneField : unsigned { ZONESIM_ZONE_FIELDS(ZONESIM_ENUM_ENTRY) count };
enum class RegionField : unsigned { ZONESIM_REGION_FIELDS(ZONESIM_ENUM_ENTRY) count };
enum class SectorField : unsigned { ZONESIM_SECTOR_FIELDS(ZONESIM_ENUM_ENTRY) count };
#undef ZONESIM_ENUM_ENTRY

inline constexpr std::size_t kLeverCount = static_cast<std::size_t>(Lever::count);
inline constexpr std::size_t kParamCount = static_cast<std::size_t>(Param::count);
inline constexpr std::size_t kZoneFieldCount = static_cast<std::size_t>(ZoneField::count);
inline constexpr std::size_t kRegionFieldCount = static_cast<std::size_t>(RegionField::count);
inline constexpr std::size_t kSectorFieldCount = static_cast<std::size_t>(SectorField::count);

enum class SettingGroup { lever, parameter, zone, region, sector, run };

struct Setting {
  std::string_view key;
  SettingGroup group;
  Dim dim;
  double default_value;
  double min;
  double max;
  std::string_view en;
  std::string_view zh;
  std::span<const std::string_view> choices;  // for Dim::choice; value = index
};

std::span<const Setting> lever_settings();
std::span<const Setting> parameter_settings();
std::span<const Setting> zone_settings();
std::span<const Setting> region_settings();
std::span<const Setting> sector_settings();
std::span<const Setting> run_settings();
std::string_view group_name(SettingGroup g);
// The keys of a group of settings (for "valid: ..." hints), and the setting named `key` in it
// (nullptr when there is none).
std::vector<std::string> keys_of(std::span<const Setting> settings);
const Setting* find_setting(std::span<const Setting> settings, std::string_view key);

const Setting& setting(Lever l);
const Setting& setting(Param p);
const Setting& setting(ZoneField f);

// How a lever acts (the last three columns of ZONESIM_LEVERS).
struct LeverChannel {
  Ind indicator;                     // the indicator it acts through first (`zonesim effects`)
  std::optional<Spend> budget_item;  // the budget item it charges; none: no budget spending
  std::string_view where;            // how it acts, with sections of docs/model.md
};
const LeverChannel& lever_channel(Lever l);

// A key that was removed from the scenario format, and what to write instead: the loader refuses
// it with this hint rather than calling it unknown. Empty for any other key.
std::string_view retired_setting(std::string_view key);

// Whether a setting takes a year schedule ({year: value, ...}) as well as a single value: every
// lever, and the region's and each sector's demand_shock.
bool takes_schedule(const Setting& s);

}  // namespace zonesim
