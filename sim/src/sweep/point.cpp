// One point of a sweep: the base scenario (read once, SweepSpec::source) with the factor values
// applied as a run plan (run_plan.hpp), run
// for the sweep's replications with the sweep's seed (replication r of every point shares its
// random streams: common random numbers), reduced to the summary rows stored in the file.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cctype>
#include <stdexcept>
#include <string_view>

#include "zonesim/engine.hpp"
#include "zonesim/model.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {

std::vector<Param> uncertain_parameters(const SweepSpec& s) {
  std::vector<Param> out;
  for (std::size_t k = 0; k < kParamCount; ++k)
    if (s.base.params[k].uncertain()) out.push_back(static_cast<Param>(k));
  return out;
}

int row_stride(const SweepSpec& s) {
  return static_cast<int>(s.outputs.size() + 2 * s.base.targets.size() + 1 + uncertain_parameters(s).size());
}

RunPlan sweep_run_plan(const SweepSpec& s) {
  return RunPlan::parse({"replications=" + std::to_string(s.replications), "seed=" + std::to_string(s.seed)});
}

RunPlan point_plan(const SweepSpec& s, const std::vector<double>& unit) {
  RunPlan plan = sweep_run_plan(s);
  for (std::size_t i = 0; i < s.factors.size(); ++i) plan.overrides.push_back(parse_override(s.factors[i].override_at(unit[i])));
  return plan;
}

namespace {
// A word as the shell reads it: quoted unless every character is plain (non-ASCII text such as
// units in Chinese needs no quotes).
std::string shell_word(const std::string& w) {
  bool plain = !w.empty();
  for (unsigned char c : w)
    if (!(c >= 0x80 || std::isalnum(c) || std::string_view("_./=%:,+-@").find(static_cast<char>(c)) != std::string_view::npos))
      plain = false;
  if (plain) return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

std::string reproduce_command(const SweepSpec& s, const std::vector<double>& unit) {
  std::string cmd = "zonesim run " + shell_word(s.base_path) + " -r " + std::to_string(s.replications) +
                    " --seed " + std::to_string(s.seed);
  for (std::size_t i = 0; i < s.factors.size(); ++i) cmd += " --set " + shell_word(s.factors[i].override_at(unit[i]));
  return cmd;
}

std::unique_ptr<BaseYearCache> make_base_year_cache(const SweepSpec& s, std::size_t budget_bytes) {
  for (const Factor& f : s.factors)
    if (!parse_override(f.override_at(0.5)).sets_lever()) return nullptr;
  double base_firms = 0;  // of the zones that exist in the base year (the others open later)
  for (const ZoneSpec& z : s.base.zones)
    if (z.fields[static_cast<std::size_t>(ZoneField::opens)] <= s.base.base_year)
      base_firms += z.fields[static_cast<std::size_t>(ZoneField::base_firms)];
  if (s.replications * BaseYearCache::bytes_for_firms(base_firms) > static_cast<double>(budget_bytes)) return nullptr;
  return std::make_unique<BaseYearCache>(s.replications, budget_bytes);
}

std::vector<double> evaluate_point(const SweepSpec& s, const std::vector<double>& unit, int threads,
                                   BaseYearCache* base_years) {
  LoadResult lr = resolve(s.source, point_plan(s, unit), ResolveFor::points);
  if (!lr.scenario) throw std::runtime_error("a sweep point does not load:\n" + lr.diagnostics.format());
  const Scenario& sc = *lr.scenario;
  const int R = s.replications;
  const int O = static_cast<int>(s.outputs.size());
  const int T = static_cast<int>(sc.targets.size());
  const int stride = row_stride(s);
  const int Z = static_cast<int>(sc.zones.size());
  const std::vector<Param> uncertain = uncertain_parameters(s);
  std::vector<double> rows(static_cast<std::size_t>(R) * stride);
  auto body = [&](int rep) {
    ReplicationResult r = simulate_replication(sc, static_cast<std::uint32_t>(rep), nullptr, base_years);
    double* row = &rows[static_cast<std::size_t>(rep) * stride];
    for (int o = 0; o < O; ++o) {
      const OutputSpec& out = s.outputs[o];
      row[o] = to_display(indicator_info(out.ind).dim, r.ind(out.year - sc.base_year, out.zone_row, out.ind));
    }
    for (int t = 0; t < T; ++t) {
      const TargetSpec& ts = sc.targets[t];
      const double v = target_value(sc, r, ts);
      row[O + t] = target_display(ts, v);
      row[O + T + t] = compare(v, ts.op, ts.value) ? 1.0 : 0.0;
    }
    double cost = 0;  // every simulated year's lever spending, all zones
    for (int y = 0; y <= sc.years(); ++y) cost += r.ind(y, Z, Ind::budget_spent);
    row[O + 2 * T] = to_display(Dim::money, cost);
    for (std::size_t u = 0; u < uncertain.size(); ++u)
      row[O + 2 * T + 1 + u] = to_display(setting(uncertain[u]).dim, r.params[static_cast<std::size_t>(uncertain[u])]);
  };
  if (threads == 1) {
    for (int rep = 0; rep < R; ++rep) body(rep);
  } else if (threads <= 0) {  // in the caller's task arena
    tbb::parallel_for(0, R, body);
  } else {
    tbb::task_arena arena(threads);
    arena.execute([&] { tbb::parallel_for(0, R, body); });
  }
  return rows;
}

PointSummary summarise_point(const SweepSpec& s, const std::vector<double>& rows) {
  const int R = s.replications;
  const int O = static_cast<int>(s.outputs.size());
  const int T = static_cast<int>(s.base.targets.size());
  const int stride = row_stride(s);
  PointSummary p;
  p.output_mean.assign(O, 0.0);
  p.target_mean.assign(T, 0.0);
  p.target_probability.assign(T, 0.0);
  double all = 0, required = 0, cost = 0;
  std::vector<char> needed(static_cast<std::size_t>(T), s.optimize.required_targets.empty() ? 1 : 0);
  for (int t : s.optimize.required_targets) needed[static_cast<std::size_t>(t)] = 1;
  for (int r = 0; r < R; ++r) {  // in replication order: the same sums on every machine
    const double* row = &rows[static_cast<std::size_t>(r) * stride];
    for (int o = 0; o < O; ++o) p.output_mean[o] += row[o];
    bool every = true, every_needed = true;
    for (int t = 0; t < T; ++t) {
      p.target_mean[t] += row[O + t];
      p.target_probability[t] += row[O + T + t];
      every = every && row[O + T + t] > 0.5;
      every_needed = every_needed && (!needed[static_cast<std::size_t>(t)] || row[O + T + t] > 0.5);
    }
    all += every ? 1 : 0;
    required += every_needed ? 1 : 0;
    cost += row[O + 2 * T];
  }
  for (auto& v : p.output_mean) v /= R;
  for (auto& v : p.target_mean) v /= R;
  for (auto& v : p.target_probability) v /= R;
  p.all_targets_probability = all / R;
  p.required_targets_probability = required / R;
  p.budget_cost_mean = cost / R;
  return p;
}

}  // namespace zonesim::sweep
