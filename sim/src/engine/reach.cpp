// What it would take (zonesim/reach.hpp, docs/scenarios.md): per target out of reach and per
// lever moved alone, the lever's bound first, then a bisection on common random numbers.
#include "zonesim/reach.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "zonesim/text.hpp"

namespace zonesim {

// ---- moving a lever ----------------------------------------------------------------------

std::string lever_value_text(const Setting& s, double v) {
  char buf[64];
  switch (s.dim) {
    case Dim::boolean: return v > 0.5 ? "true" : "false";
    case Dim::choice: return std::string(s.choices[static_cast<std::size_t>(v) % s.choices.size()]);
    case Dim::share: std::snprintf(buf, sizeof buf, "%.6g%%", v * 100); break;
    case Dim::money: std::snprintf(buf, sizeof buf, "%.6g万元", v / 1e4); break;
    case Dim::area: std::snprintf(buf, sizeof buf, "%.6gmu", v); break;
    case Dim::money_per_area: std::snprintf(buf, sizeof buf, "%.6g万元/亩", v / 1e4); break;
    case Dim::energy_per_money: std::snprintf(buf, sizeof buf, "%.6gtce/万元", v); break;
    default: std::snprintf(buf, sizeof buf, "%.6g", v); break;
  }
  return buf;
}

LeverMove move_lever(const Scenario& s, Lever l, const std::function<std::string(double current)>& to) {
  const Setting& set = setting(l);
  const std::size_t li = static_cast<std::size_t>(l);
  const std::string region_to = to(s.levers[li].at(s.end_year));
  LeverMove m;
  m.overrides.push_back("levers." + std::string(set.key) + "=" + region_to);
  bool per_zone = false;
  for (std::size_t z = 0; z < s.zones.size(); ++z) {
    std::string zone_to = region_to;
    if (s.zones[z].lever_overrides[li]) {
      zone_to = to(s.lever(z, l).at(s.end_year));
      m.overrides.push_back("zones." + s.zones[z].id + ".levers." + std::string(set.key) + "=" + zone_to);
    }
    per_zone = per_zone || zone_to != region_to;
    m.shown += (z ? "/" : "") + zone_to;
  }
  if (!per_zone) m.shown = region_to;
  return m;
}

double horizon_spending(const Scenario& s, const Ensemble& e) {
  const int all = static_cast<int>(s.zones.size());
  double sum = 0;
  int n = 0;
  for (const auto& r : e.replications)
    for (int y = 1; y <= s.years(); ++y) {
      sum += r.ind(y, all, Ind::budget_spent);
      ++n;
    }
  return n ? sum / n * s.years() : 0.0;  // the mean per year times the years, as `zonesim effects` printed it
}

// ---- the search --------------------------------------------------------------------------
namespace {

// One evaluation: P(met) of every target and the spending over the horizon, or why the scenario
// refuses the value.
struct Point {
  bool valid = false;
  std::string message;
  std::vector<double> probability;
  double spending = 0;
};

// Quantities that span decades (an amount of money, land, a count of carriers) are bisected on
// their logarithm when moved up from (or from near) zero: the scale of the smallest move that
// matters is not known in advance. `floor` is the smallest move tried from zero.
double log_floor(Dim d) {
  switch (d) {
    case Dim::money: return 1e6;           // 100 万元
    case Dim::area: return 1;              // 1 mu
    case Dim::count: return 1;             // one
    case Dim::money_per_area: return 1e3;  // 0.1 万元/亩
    default: return 0;
  }
}

class Search {
 public:
  Search(const ScenarioSource& source, const RunPlan& plan, const Scenario& s, const ReachOptions& o, int reps)
      : source_(source), plan_(plan), s_(s), options_(o), reps_(reps) {}

  // The scenario with lever `l` at `v` in every year and zone (nullopt: the scenario as it is).
  // Nothing when cancelled.
  std::optional<Point> eval(std::optional<Lever> l, double v) {
    std::vector<std::string> extra{"replications=" + std::to_string(reps_)};
    if (l) {
      const Setting& set = setting(*l);
      const auto m = move_lever(s_, *l, [&](double) { return lever_value_text(set, v); });
      extra.insert(extra.end(), m.overrides.begin(), m.overrides.end());
    }
    LoadResult r = resolve(source_, plan_.with(extra), ResolveFor::points);  // no Scenario::text needed
    Point p;
    if (!r.scenario) {
      p.message = r.diagnostics.items().empty() ? "refused" : r.diagnostics.items().front().message;
      return p;
    }
    Ensemble e = run_ensemble(*r.scenario, options_.ensemble);
    ++evaluations_;
    if (e.cancelled || (options_.ensemble.cancel && options_.ensemble.cancel->load())) return std::nullopt;
    p.valid = true;
    for (const auto& t : evaluate_targets(*r.scenario, e.replications)) p.probability.push_back(t.probability);
    p.spending = horizon_spending(*r.scenario, e);
    return p;
  }
  int evaluations() const { return evaluations_; }

 private:
  const ScenarioSource& source_;
  const RunPlan& plan_;
  const Scenario& s_;
  const ReachOptions& options_;
  int reps_;
  int evaluations_ = 0;
};

// `v` with three significant figures in its display unit (a count: a whole number), so that the
// value evaluated is the value shown ("37.5 %", "1.23 亿元") and the value an override states.
double snap(const Setting& set, double v) {
  if (set.dim == Dim::count) return std::round(v);
  const double scale = to_display(set.dim, 1.0);
  const double d = v * scale;
  if (d == 0 || !std::isfinite(d)) return v;
  const double unit = std::pow(10.0, std::floor(std::log10(std::fabs(d))) - 2);
  return std::round(d / unit) * unit / scale;
}

// The next value of a bisection between a failing `lo` and a passing `hi`: halfway, or on a log
// scale the geometric mean (from `log_floor` when `lo` is below it).
double midpoint(const Setting& set, double lo, double hi, bool log_scale) {
  if (log_scale) {
    const double f = log_floor(set.dim);
    return snap(set, std::sqrt(std::max(lo, f) * std::max(hi, f)));
  }
  return snap(set, lo + (hi - lo) / 2);
}

}  // namespace

std::optional<ReachResult> find_reach(const ScenarioSource& source, const RunPlan& plan, const Scenario& s,
                                      const std::vector<TargetResult>& targets, const ReachOptions& o) {
  ReachResult res;
  res.threshold = o.threshold;
  res.replications = o.replications > 0 ? o.replications : std::min(s.replications, 50);
  res.steps = o.steps;
  for (std::size_t k = 0; k < targets.size(); ++k)
    if (targets[k].probability < o.threshold) res.targets.push_back(k);
  if (res.targets.empty()) return res;

  Search search(source, plan, s, o, res.replications);
  const auto base = search.eval(std::nullopt, 0);
  if (!base) return std::nullopt;
  if (!base->valid) return res;  // cannot happen: `s` is this plan resolved
  res.probability_search = base->probability;
  res.spending = base->spending;

  std::vector<Lever> levers = o.levers;
  if (levers.empty())
    for (std::size_t l = 0; l < kLeverCount; ++l) levers.push_back(static_cast<Lever>(l));
  std::vector<ReachRow> rows;  // lever-major while searching; sorted target-major below
  int done = 0;
  for (const Lever l : levers) {
    if (o.progress) o.progress(done++, static_cast<int>(levers.size()));
    const Setting& set = setting(l);
    const double from = s.levers[static_cast<std::size_t>(l)].at(s.end_year);
    std::map<double, Point> points;  // every value evaluated for this lever
    auto at = [&](double v) -> const Point* {
      auto it = points.find(v);
      if (it != points.end()) return &it->second;
      auto p = search.eval(l, v);
      if (!p) return nullptr;
      return &points.emplace(v, std::move(*p)).first->second;
    };
    // The candidate ends: the registry's bounds, or for a boolean / choice every other value.
    std::vector<double> ends;
    if (set.dim == Dim::boolean) {
      ends.push_back(from > 0.5 ? 0.0 : 1.0);
    } else if (set.dim == Dim::choice) {
      for (std::size_t c = 0; c < set.choices.size(); ++c)
        if (static_cast<double>(c) != from) ends.push_back(static_cast<double>(c));
    } else {
      if (set.max != from) ends.push_back(set.max);
      if (set.min != from) ends.push_back(set.min);
    }
    for (double e : ends)
      if (!at(e)) return std::nullopt;
    for (const std::size_t k : res.targets) {
      ReachRow row;
      row.target = k;
      row.lever = l;
      row.from = from;
      // The helpful end: the highest P(met) there; on a tie the first (the maximum).
      const Point* best = nullptr;
      double bound = from;
      std::string refused;
      for (double e : ends) {
        const Point& p = points.at(e);
        if (!p.valid) {
          if (refused.empty()) refused = p.message;
          continue;
        }
        if (!best || p.probability[k] > best->probability[k]) {
          best = &p;
          bound = e;
        }
      }
      if (!best) {  // no end of the range is valid here
        row.outcome = ReachOutcome::not_valid;
        row.message = refused.empty() ? "the lever cannot move" : refused;
        row.bound = row.value = from;
        row.probability = row.probability_bound = base->probability[k];
        rows.push_back(row);
        continue;
      }
      row.upward = bound >= from;
      row.bound = bound;
      row.probability_bound = best->probability[k];
      if (best->probability[k] < o.threshold) {
        row.outcome = ReachOutcome::out_of_range;
        row.value = bound;
        row.probability = best->probability[k];
        row.budget_change = best->spending - base->spending;
        rows.push_back(row);
        continue;
      }
      row.outcome = ReachOutcome::reached;
      double lo = from, hi = bound;
      double p_lo = base->probability[k];
      const Point* p_hi = best;
      if (p_lo >= o.threshold) {  // met at the scenario's value with the search's replications
        hi = from;
        p_hi = &*base;
      } else if (set.dim != Dim::boolean && set.dim != Dim::choice) {
        const double f = log_floor(set.dim);
        const bool log_scale = row.upward && f > 0 && hi / std::max(lo, f) >= 100;
        for (int step = 0; step < o.steps; ++step) {
          const double mid = midpoint(set, lo, hi, log_scale);
          if (mid == lo || mid == hi) break;  // a count one apart, or no finer value
          const Point* p = at(mid);
          if (!p) return std::nullopt;
          if (p->valid && p->probability[k] >= o.threshold) {
            hi = mid;
            p_hi = p;
          } else {
            lo = mid;
            p_lo = p->valid ? p->probability[k] : 0.0;
          }
        }
      }
      row.value = hi;
      row.probability = p_hi->probability[k];
      row.budget_change = p_hi->spending - base->spending;
      // Met at the scenario's value with the search's replications: no value short of it.
      const bool met_already = hi == from;
      row.value_short = met_already ? NAN : lo;
      row.probability_short = met_already ? NAN : p_lo;
      rows.push_back(row);
    }
  }
  if (o.progress) o.progress(done, static_cast<int>(levers.size()));
  for (const std::size_t k : res.targets)
    for (const auto& r : rows)
      if (r.target == k) res.rows.push_back(r);
  res.evaluations = search.evaluations();
  return res;
}

std::string reach_value_display(const Setting& set, double v) {
  if (set.dim == Dim::boolean || set.dim == Dim::choice) return lever_value_text(set, v);
  char buf[64];
  const double d = to_display(set.dim, v);
  if (set.dim == Dim::money && std::fabs(d) < 0.01 && d != 0) {  // as `zonesim levers` prints it
    std::snprintf(buf, sizeof buf, "%.4g 万元", v / 1e4);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.4g", d);
  std::string out = buf;
  const auto unit = dim_display_unit(set.dim);
  if (!unit.empty()) out += " " + std::string(unit);
  return out;
}

std::string format_reach_table(const Scenario& s, const ReachResult& r) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf,
                "what it would take: each lever moved alone, in every year and zone, from the scenario's value to "
                "the smallest value found\nat which P(met) >= %.0f %% (%d replications per evaluation, seed %llu; "
                "%d runs)\n",
                r.threshold * 100, r.replications, static_cast<unsigned long long>(s.seed), r.evaluations);
  out += buf;
  if (r.targets.empty()) {
    std::snprintf(buf, sizeof buf, "every target has P(met) >= %.0f %%.\n", r.threshold * 100);
    return out + buf;
  }
  // The levers that reach a target, and those the scenario refuses, one row each; per target, one
  // line for the levers that do not reach it within their valid range (every row is in /reach).
  std::vector<std::vector<std::string>> rows{{"target", "P(met) now", "lever", "from", "to", "P(met)", "budget 亿元", ""}};
  std::vector<std::string> beyond;
  for (const std::size_t k : r.targets) {
    const std::string& id = s.targets[k].id;
    std::snprintf(buf, sizeof buf, "%.2f", r.probability_search.empty() ? 0.0 : r.probability_search[k]);
    const std::string now = buf;
    int out_of_range = 0, levers = 0;
    const ReachRow* closest = nullptr;
    for (const auto& row : r.rows) {
      if (row.target != k) continue;
      ++levers;
      const Setting& set = setting(row.lever);
      std::vector<std::string> cells{id, now, std::string(set.key), reach_value_display(set, row.from)};
      if (row.outcome == ReachOutcome::out_of_range) {
        ++out_of_range;
        if (!closest || row.probability_bound > closest->probability_bound) closest = &row;
        continue;
      }
      if (row.outcome == ReachOutcome::reached) {
        cells.push_back(reach_value_display(set, row.value));
        std::snprintf(buf, sizeof buf, "%.2f", row.probability);
        cells.emplace_back(buf);
        std::snprintf(buf, sizeof buf, "%+.2f", row.budget_change / 1e8);
        cells.emplace_back(buf);
        cells.emplace_back(row.value == row.from ? "met at the scenario's value with these replications" : "");
      } else {
        cells.insert(cells.end(), {"-", "-", "-", "not valid here: " + row.message});
      }
      rows.push_back(std::move(cells));
    }
    if (out_of_range) {
      const Setting& set = setting(closest->lever);
      const std::string which = out_of_range < levers ? std::to_string(out_of_range) + (out_of_range == 1 ? " lever" : " levers")
                                : levers == 1 ? "the lever" : "every lever (" + std::to_string(levers) + ")";
      std::snprintf(buf, sizeof buf, "  %s: %s (highest P = %.2f: %s at %s %s)", id.c_str(), which.c_str(),
                    closest->probability_bound, std::string(set.key).c_str(), closest->upward ? "max" : "min",
                    reach_value_display(set, closest->bound).c_str());
      beyond.emplace_back(buf);
    }
  }
  if (rows.size() > 1) out += "\n" + format_columns(rows, 2, {false, true, false, true, true, true, true, false});
  if (!beyond.empty()) {
    out += "\nnot within the valid range (P(met) below the threshold at the end of the range that helps most):\n";
    for (const auto& line : beyond) out += line + "\n";
  }
  std::snprintf(buf, sizeof buf,
                "\nP(met) now and at the value found; budget: change in total spending %d-%d against the scenario "
                "(all with %d replications).\nThe value found is the smallest the bisection reached; P(met) need not "
                "rise steadily with a lever.\nA programme is paid only as far as the zones' money goes (what it asks beyond "
                "that is cut pro rata,\ndocs/model.md 3.11), so a large setting can cost little and deliver less than it "
                "asks. Every lever's row: /reach in the file.\n",
                s.base_year + 1, s.end_year, r.replications);
  return out + buf;
}

}  // namespace zonesim
