// Growth of the zones' output by channel, with policy as the difference from counterfactual runs
// in which levers are held at their base-year values (zonesim/decomposition.hpp, docs/model.md 3.2).
#include "zonesim/decomposition.hpp"

#include <cmath>
#include <cstdio>

#include "zonesim/text.hpp"

namespace zonesim {
namespace {

// 亿元 to two decimals; a value that rounds to zero is shown as zero, never "-0.00".
std::string figure(double yuan, bool sign) {
  const double v = std::abs(yuan / 1e8) < 0.005 ? 0.0 : yuan / 1e8;
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.2f" : "%.2f", v);
  return buf;
}

OutputGrowth minus(const OutputGrowth& a, const OutputGrowth& b) {
  OutputGrowth d;
  for (std::size_t k = 0; k < kOutputChannels; ++k) d.channels[k] = a.channels[k] - b.channels[k];
  d.change = a.change - b.change;
  return d;
}

// One row of figures: the channels, then the change of output.
std::vector<std::string> figures_row(std::string head, const OutputGrowth& g, bool sign) {
  std::vector<std::string> row{std::move(head)};
  for (double c : g.channels) row.push_back(figure(c, sign));
  row.push_back(figure(g.change, sign));
  return row;
}

std::string zone_text(const Scenario& s, int zone) {
  return zone < static_cast<int>(s.zones.size()) ? "zone " + s.zones[static_cast<std::size_t>(zone)].id : "all zones";
}

// Channels down, the scenario, the counterfactual without levers and their difference across.
std::string channel_table(const Scenario& s, const OutputDecomposition& d) {
  const OutputGrowth policy = minus(d.scenario, d.without_levers);
  std::vector<std::vector<std::string>> rows{{"channel", "indicator", "scenario", "without levers", "policy"}};
  for (std::size_t k = 0; k <= kOutputChannels; ++k) {
    const bool total = k == kOutputChannels;
    auto pick = [&](const OutputGrowth& g) { return total ? g.change : g.channels[k]; };
    rows.push_back({total ? "change of output" : output_channel_name(k),
                    total ? "gross_output " + std::to_string(s.end_year) + " - " + std::to_string(s.base_year)
                          : std::string(indicator_info(output_channel_indicators()[k]).key),
                    figure(pick(d.scenario), false), figure(pick(d.without_levers), false), figure(pick(policy), true)});
  }
  return format_columns(rows, 2, {false, false, true, true, true});
}

// Levers down (the scenario less the scenario with that lever alone at its base-year value),
// channels across; then what the levers' rows leave of the policy channel (their interactions).
std::string lever_table(const OutputDecomposition& d) {
  std::vector<std::vector<std::string>> rows{{"lever"}};
  for (std::size_t k = 0; k < kOutputChannels; ++k) rows[0].push_back(output_channel_name(k));
  rows[0].push_back("change of output");
  OutputGrowth rest = minus(d.scenario, d.without_levers);
  for (const auto& [l, g] : d.lever_at_base) {
    const OutputGrowth effect = minus(d.scenario, g);
    rows.push_back(figures_row(std::string(lever_settings()[static_cast<std::size_t>(l)].key), effect, true));
    rest = minus(rest, effect);
  }
  if (d.all_changed_levers && d.lever_at_base.size() > 1) rows.push_back(figures_row("interactions", rest, true));
  std::vector<bool> right(rows[0].size(), true);
  right[0] = false;
  return format_columns(rows, 2, right);
}

// Zones down (the policy channel of each zone's output), channels across.
std::string zone_table(const Scenario& s, const OutputDecomposition& d) {
  std::vector<std::vector<std::string>> rows{{"zone"}};
  for (std::size_t k = 0; k < kOutputChannels; ++k) rows[0].push_back(output_channel_name(k));
  rows[0].push_back("change of output");
  for (std::size_t z = 0; z < d.zone_policy.size(); ++z)
    rows.push_back(figures_row(s.zones[z].id, d.zone_policy[z], true));
  std::vector<bool> right(rows[0].size(), true);
  right[0] = false;
  return format_columns(rows, 2, right);
}

}  // namespace

const std::array<Ind, kOutputChannels>& output_channel_indicators() {
  static const std::array<Ind, kOutputChannels> keys = {Ind::output_change_trend, Ind::output_change_reallocation,
                                                        Ind::output_change_entry, Ind::output_change_relocation,
                                                        Ind::output_change_exit_other};
  return keys;
}

const char* output_channel_name(std::size_t k) {
  static const char* const names[kOutputChannels] = {"sector trend", "reallocation", "entry", "relocation",
                                                     "exits and rest"};
  return k < kOutputChannels ? names[k] : "";
}

OutputGrowth output_growth(const Scenario& s, const std::vector<ReplicationResult>& reps, int zone) {
  OutputGrowth g;
  if (reps.empty()) return g;
  const double n = static_cast<double>(reps.size());
  for (const auto& r : reps) {
    for (std::size_t k = 0; k < kOutputChannels; ++k)
      for (int y = 1; y <= s.years(); ++y) g.channels[k] += r.ind(y, zone, output_channel_indicators()[k]) / n;
    g.change += (r.ind(s.years(), zone, Ind::gross_output) - r.ind(0, zone, Ind::gross_output)) / n;
  }
  return g;
}

Scenario with_base_year_policy(const Scenario& s, std::optional<Lever> only) {
  Scenario c = s;
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    if (only && static_cast<std::size_t>(*only) != l) continue;
    for (auto& z : c.zones) z.lever_overrides[l] = Schedule::constant(z.base_year_levers[l]);
  }
  return c;
}

std::vector<Lever> levers_changed(const Scenario& s) {
  std::vector<Lever> out;
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    bool changed = false;
    for (std::size_t z = 0; z < s.zones.size() && !changed; ++z)
      for (int t = s.base_year; t <= s.end_year && !changed; ++t)
        changed = s.lever(z, static_cast<Lever>(l)).at(t) != s.zones[z].base_year_levers[l];
    if (changed) out.push_back(static_cast<Lever>(l));
  }
  return out;
}

std::optional<OutputDecomposition> decompose_output_growth(const Scenario& s, const Ensemble& run,
                                                           const std::vector<Lever>& levers,
                                                           const EnsembleOptions& options) {
  OutputDecomposition d;
  d.zone = static_cast<int>(s.zones.size());
  d.scenario = output_growth(s, run.replications, d.zone);
  const Scenario off = with_base_year_policy(s);
  Ensemble e = run_ensemble(off, options);
  if (e.cancelled) return std::nullopt;
  d.without_levers = output_growth(off, e.replications, d.zone);
  for (int z = 0; z < d.zone; ++z)
    d.zone_policy.push_back(minus(output_growth(s, run.replications, z), output_growth(off, e.replications, z)));
  const std::vector<Lever> changed = levers_changed(s);
  for (Lever l : changed) {
    bool wanted = false;
    for (Lever w : levers) wanted = wanted || w == l;
    d.all_changed_levers = d.all_changed_levers && wanted;
    if (!wanted) continue;
    const Scenario one = with_base_year_policy(s, l);
    Ensemble el = run_ensemble(one, options);
    if (el.cancelled) return std::nullopt;
    d.lever_at_base.emplace_back(l, output_growth(one, el.replications, d.zone));
  }
  return d;
}

std::string format_output_decomposition(const Scenario& s, const OutputDecomposition& d) {
  const std::string base = std::to_string(s.base_year), end = std::to_string(s.end_year);
  std::string out = "output growth by channel, " + zone_text(s, d.zone) + ", " + base + "-" + end +
                    " (亿元, mean over " + std::to_string(s.replications) + " replications)\n\n";
  out += channel_table(s, d);
  out += "\nwithout levers: every lever held at each zone's " + base +
         " value (the policy the base year was observed under),\nsame seed and replications; "
         "policy = scenario - without levers (docs/model.md 3.2).\n";
  for (const auto& z : s.zones)
    if (const double opens = z.fields[static_cast<std::size_t>(ZoneField::opens)]; opens > 0)
      out += "zone " + z.id + " opens in " + std::to_string(static_cast<int>(opens)) +
             ": its levers are held at that year's values (the policy it was observed under).\n";
  if (d.zone_policy.size() > 1) {
    out += "\npolicy channel by zone (亿元): scenario - without levers; relocation moves output between zones\n\n";
    out += zone_table(s, d);
  }
  if (d.lever_at_base.empty()) {
    out += d.all_changed_levers ? "No lever differs from its " + base + " value: the policy channel is zero.\n"
                                : "";
    return out;
  }
  out += "\npolicy channel by lever (亿元): the scenario less the scenario with that lever alone held at its " +
         base + " value\n\n";
  out += lever_table(d);
  if (d.all_changed_levers && d.lever_at_base.size() > 1)
    out += "\ninteractions: the policy channel less the levers' rows (levers that reinforce or offset each other).\n";
  return out;
}

}  // namespace zonesim
