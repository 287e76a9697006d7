// `zonesim effects SCENARIO.yaml`: what each lever does in this scenario. Every lever is moved
// one step from its scenario value (common random numbers: same seed and replications) and the
// change in its channel indicator, in each target's probability and in budget spending is shown.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <algorithm>
#include <map>

#include "commands.hpp"
#include "zonesim/decomposition.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/reach.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"
#include "zonesim/text.hpp"

namespace zonesim::cli {
namespace {

// One step from the current value: half as much again, or a modest amount where it is zero;
// choices move to the next word; booleans flip. The step stays inside the valid range.
std::string step_value(const Setting& s, double current) {
  double v = current;
  switch (s.dim) {
    case Dim::boolean: return current > 0.5 ? "false" : "true";
    case Dim::choice: return std::string(s.choices[(static_cast<std::size_t>(current) + 1) % s.choices.size()]);
    case Dim::share: v = current > 0 ? current * 1.5 : 0.1 * std::min(1.0, s.max); break;
    case Dim::money: v = current > 0 ? current * 1.5 : 1e8; break;
    case Dim::area: v = current > 0 ? current * 1.5 : 1000; break;
    case Dim::count: v = current > 0 ? std::ceil(current * 1.5) : 5; break;
    case Dim::money_per_area: v = current > 0 ? current * 1.5 : 1e5; break;
    case Dim::energy_per_money: v = current > 0 ? current * 0.75 : 0.1; break;  // a stricter ceiling
    default: v = current > 0 ? current * 1.5 : 1; break;
  }
  return lever_value_text(s, std::clamp(v, s.min, s.max));
}

// Left-aligned in `width` terminal columns (CJK units take two), at least one space after.
std::string cell(const std::string& text, int width) {
  const auto w = static_cast<std::size_t>(width);
  return display_width(text) < w ? pad_to_width(text, w) : text + " ";
}

double mean_total(const Scenario& s, const Ensemble& e, Ind ind, bool over_years) {
  const int all = static_cast<int>(s.zones.size());
  double sum = 0;
  int n = 0;
  for (const auto& r : e.replications)
    for (int y = over_years ? 1 : s.years(); y <= s.years(); ++y) {
      sum += r.ind(y, all, ind);
      ++n;
    }
  return n ? sum / n : 0.0;
}

// Growth of output by channel, with the policy channel against the scenario's levers held at their
// base-year values (engine/decomposition.cpp); per lever for the levers asked for. False when cancelled.
bool print_output_decomposition(const Scenario& sc, const Ensemble& e0, const EnsembleOptions& eo,
                                const std::vector<std::string>& only) {
  std::vector<Lever> levers;
  for (std::size_t l = 0; l < kLeverCount; ++l)
    if (only.empty() || std::find(only.begin(), only.end(), std::string(lever_settings()[l].key)) != only.end())
      levers.push_back(static_cast<Lever>(l));
  const auto d = decompose_output_growth(sc, e0, levers, eo);
  if (!d || g_cancel.load()) return false;
  std::printf("\n%s", format_output_decomposition(sc, *d).c_str());
  return true;
}

}  // namespace

int cmd_effects(const std::vector<std::string>& args) {
  po::options_description opts(
      "zonesim effects SCENARIO.yaml [options]\n\nMoves each lever one step from its value in the scenario, "
      "zone by zone (half as much again, or a modest amount where it is zero) with the same seed, and prints the change in "
      "the lever's channel indicator (last year, all zones), in each target's probability and in budget "
      "spending over the horizon; then the growth of output by channel (sector trend, reallocation, entry, relocation, "
      "exits) against the scenario with every lever held at its base-year value, whose difference is the policy "
      "channel, and that difference per lever.\n\nOptions");
  opts.add_options()("help,h", "show this help")("replications,r", po::value<int>(), "replications per run")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a scenario value first (repeatable)")(
      "threads,t", po::value<int>()->default_value(0), "worker threads")("lever", po::value<std::vector<std::string>>()->composing(),
                                                                          "only these levers (repeatable)");
  auto vm = parse_with_operands(args, opts, "scenario", 1);
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  if (!vm.count("scenario")) throw UsageError("missing SCENARIO.yaml (see zonesim effects --help)");
  // The file is read once; each lever's run resolves its own plan from it.
  const ScenarioSource source = ScenarioSource::read_file(vm["scenario"].as<std::string>());
  const RunPlan plan = RunPlan::parse(scenario_overrides(vm));
  LoadResult base = resolve(source, plan);
  if (!base.scenario) {
    print_diagnostics(base.diagnostics);
    return kBadInput;
  }
  std::vector<std::string> only;
  if (vm.count("lever")) {
    only = vm["lever"].as<std::vector<std::string>>();
    for (const auto& l : only) lever_option(l);
  }
  EnsembleOptions eo;
  eo.threads = threads_option(vm);
  eo.cancel = &g_cancel;
  install_signal_handlers();
  const Scenario& sc = *base.scenario;
  Ensemble e0 = run_ensemble(sc, eo);
  auto t0 = evaluate_targets(sc, e0.replications);
  const double spent0 = horizon_spending(sc, e0);

  std::printf("lever effects in %s (%d replications, seed %llu; each lever moved alone)\n\n", sc.name.c_str(),
              sc.replications, static_cast<unsigned long long>(sc.seed));
  std::printf("%s%s%s%12s %12s", cell("lever", 33).c_str(), cell("to", 16).c_str(),
              cell("channel indicator (last year)", 29).c_str(), "baseline", "change");
  for (const auto& t : sc.targets) std::printf(" %10s", ("P " + t.id).substr(0, 10).c_str());
  std::printf(" %14s\n", "budget 亿元");
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    if (g_cancel.load()) return kRunFailed;
    const Setting& s = lever_settings()[l];
    if (!only.empty() && std::find(only.begin(), only.end(), std::string(s.key)) == only.end()) continue;
    // Each zone's lever moves one step from its own value in the last year: a zone that sets the
    // lever itself (e.g. 100 talent apartments a year) is stepped from that value, not from the
    // region-wide one. `to` shows the new values, zone by zone ("150/60") where they differ.
    const LeverMove move = move_lever(sc, static_cast<Lever>(l), [&](double current) { return step_value(s, current); });
    const std::string& to = move.shown;
    LoadResult r = resolve(source, plan.with(move.overrides));
    if (!r.scenario) {
      std::printf("%s%s(not valid here: %s)\n", cell(std::string(s.key), 33).c_str(), cell(to, 16).c_str(),
                  r.diagnostics.items().front().message.c_str());
      continue;
    }
    Ensemble e1 = run_ensemble(*r.scenario, eo);
    auto t1 = evaluate_targets(*r.scenario, e1.replications);
    const Ind ind = lever_channel(static_cast<Lever>(l)).indicator;  // the registry's channel column
    const auto& info = indicator_info(ind);
    const double b = to_display(info.dim, mean_total(sc, e0, ind, false));
    const double a = to_display(info.dim, mean_total(*r.scenario, e1, ind, false));
    const std::string unit(dim_display_unit(info.dim));
    std::printf("%s%s%s%12.4g %+12.4g", cell(std::string(s.key), 33).c_str(), cell(to, 16).c_str(),
                cell(std::string(info.key) + (unit.empty() ? "" : " (" + unit + ")"), 29).c_str(), b, a - b);
    for (std::size_t k = 0; k < t0.size(); ++k) std::printf(" %+10.3f", t1[k].probability - t0[k].probability);
    const double spent1 = horizon_spending(*r.scenario, e1);
    std::printf(" %+14.3f\n", (spent1 - spent0) / 1e8);
  }
  std::printf("\nP columns: change in the probability of meeting each target; budget: change in total spending "
              "%d-%d.\n", sc.base_year + 1, sc.end_year);
  if (!print_output_decomposition(sc, e0, eo, only)) return kRunFailed;
  return kOk;
}

}  // namespace zonesim::cli
