#include "results.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "zonesim/model.hpp"

namespace zonesim::serve {

namespace {

std::string exact(double v) {  // probabilities and values the tests compare bit for bit
  if (!std::isfinite(v)) return jnum(v);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string display_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// The unit the page shows a lever in: its dimension's display unit, except money levers whose
// range ends at or below 1 亿元 (per-person subsidies and bonuses), shown in 万元 — a 0.5 万元
// subsidy reads "0.5 万元", not "5e-05 亿元".
bool in_wan_yuan(const Setting& setting) { return setting.dim == Dim::money && setting.max <= 1e8; }
std::string_view page_unit(const Setting& setting) {
  return in_wan_yuan(setting) ? std::string_view("万元") : dim_display_unit(setting.dim);
}
double to_page(const Setting& setting, double canonical) {
  return in_wan_yuan(setting) ? canonical / 1e4 : to_display(setting.dim, canonical);
}

std::string scalar_text(const Setting& setting, double canonical) {
  if (setting.dim == Dim::boolean) return canonical > 0.5 ? "true" : "false";
  if (setting.dim == Dim::choice) {
    auto i = static_cast<std::size_t>(canonical);
    return i < setting.choices.size() ? std::string(setting.choices[i]) : "?";
  }
  std::string out = display_number(to_page(setting, canonical));
  auto unit = page_unit(setting);
  if (!unit.empty()) out += " " + std::string(unit);
  return out;
}

std::string schedule_points_json(const Setting& setting, const Schedule& s, int base_year) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    int year = std::max(s.points[i].first, base_year);
    double v = s.points[i].second;
    out += (i ? "," : "") + std::string("{\"year\":") + std::to_string(year) + ",\"value\":" +
           (setting.dim == Dim::choice || setting.dim == Dim::boolean ? jnum(v) : jnum(to_page(setting, v))) +
           ",\"text\":" + jstr(scalar_text(setting, v)) + "}";
  }
  return out + "]";
}

std::string op_text(Comparison c) { return std::string(comparison_text(c)); }

}  // namespace

std::string lever_value_text(const Setting& setting, const Schedule& schedule, int base_year) {
  if (schedule.points.size() == 1) return scalar_text(setting, schedule.points.front().second);
  std::string out = "{";
  for (std::size_t i = 0; i < schedule.points.size(); ++i)
    out += (i ? ", " : "") + std::to_string(std::max(schedule.points[i].first, base_year)) + ": " +
           scalar_text(setting, schedule.points[i].second);
  return out + "}";
}

std::string scenario_detail_json(const std::string& id, const Scenario& s) {
  std::string out = "{\"id\":" + jstr(id) + ",\"name\":" + jstr(s.name) + ",\"title\":{\"en\":" + jstr(s.title_en) +
                    ",\"zh\":" + jstr(s.title_zh) + "},\"base_year\":" + std::to_string(s.base_year) +
                    ",\"end_year\":" + std::to_string(s.end_year) + ",\"replications\":" +
                    std::to_string(s.replications) + ",\"seed\":" + std::to_string(s.seed) +
                    ",\"seed_text\":" + jstr(std::to_string(s.seed));  // exact beyond 2^53
  out += ",\"zones\":[";
  for (std::size_t z = 0; z < s.zones.size(); ++z)
    out += (z ? "," : "") + std::string("{\"id\":") + jstr(s.zones[z].id) + ",\"en\":" + jstr(s.zones[z].name_en) +
           ",\"zh\":" + jstr(s.zones[z].name_zh) + "}";
  out += "],\"levers\":[";
  const auto settings = lever_settings();
  for (std::size_t l = 0; l < kLeverCount; ++l) {
    const Setting& st = settings[l];
    const bool plain = st.dim != Dim::choice && st.dim != Dim::boolean;
    out += (l ? "," : "") + std::string("{\"key\":") + jstr(st.key) + ",\"dimension\":" + jstr(dim_name(st.dim)) +
           ",\"unit\":" + jstr(plain ? page_unit(st) : "") +
           ",\"min\":" + (plain && std::isfinite(st.min) ? jnum(to_page(st, st.min)) : "null") +
           ",\"max\":" + (plain && std::isfinite(st.max) ? jnum(to_page(st, st.max)) : "null") +
           ",\"integer\":" + (st.dim == Dim::count ? "true" : "false") +
           ",\"default\":" + (plain ? jnum(to_page(st, st.default_value)) : jnum(st.default_value)) +
           ",\"default_text\":" + jstr(scalar_text(st, st.default_value)) + ",\"choices\":[";
    if (st.dim == Dim::boolean) out += "\"false\",\"true\"";
    for (std::size_t i = 0; i < st.choices.size(); ++i) out += (i ? "," : "") + jstr(st.choices[i]);
    const Schedule& sch = s.levers[l];
    out += "],\"en\":" + jstr(st.en) + ",\"zh\":" + jstr(st.zh) + ",\"value_text\":" + jstr(lever_value_text(st, sch, s.base_year)) +
           ",\"schedule\":" + schedule_points_json(st, sch, s.base_year) + ",\"zones\":{";
    bool first = true;
    for (const auto& z : s.zones) {
      if (!z.lever_overrides[l]) continue;
      out += (first ? "" : ",") + jstr(z.id) + ":" + jstr(lever_value_text(st, *z.lever_overrides[l], s.base_year));
      first = false;
    }
    out += "}}";
  }
  out += "],\"targets\":[";
  for (std::size_t i = 0; i < s.targets.size(); ++i) {
    const TargetSpec& t = s.targets[i];
    out += (i ? "," : "") + std::string("{\"id\":") + jstr(t.id) + ",\"label_en\":" + jstr(target_label(s, t, false)) +
           ",\"label_zh\":" + jstr(target_label(s, t, true)) + ",\"year\":" + std::to_string(t.year) +
           ",\"op\":" + jstr(op_text(t.op)) + ",\"goal\":" + jnum(target_display(t, t.value)) +
           ",\"unit\":" + jstr(target_unit(t)) + ",\"source\":" + jstr(t.source) + "}";
  }
  return out + "]}";
}

std::string run_json(const Scenario& s, const Ensemble& e, const std::vector<TargetResult>& targets,
                     const RunMeta& meta) {
  const int years = s.years();
  const int Z = static_cast<int>(s.zones.size());
  const auto& reps = e.replications;
  std::string out = "{\"id\":" + jstr(meta.id) + ",\"scenario\":" + jstr(meta.scenario_id) + ",\"name\":" + jstr(s.name) +
                    ",\"baseline\":" + (meta.baseline ? "true" : "false") + ",\"title\":{\"en\":" + jstr(s.title_en) +
                    ",\"zh\":" + jstr(s.title_zh) + "},\"replications\":" + std::to_string(s.replications) +
                    ",\"seed\":" + std::to_string(s.seed) + ",\"seed_text\":" + jstr(std::to_string(s.seed)) + ",\"threads\":" + std::to_string(meta.threads) +
                    ",\"seconds\":" + jnum(meta.seconds) + ",\"started_at\":" + jstr(meta.started_at) +
                    ",\"base_year\":" + std::to_string(s.base_year) + ",\"end_year\":" + std::to_string(s.end_year);
  out += ",\"overrides\":{";
  for (std::size_t i = 0; i < meta.overrides.size(); ++i)
    out += (i ? "," : "") + jstr(meta.overrides[i].first) + ":" + jstr(meta.overrides[i].second);
  out += "},\"command\":" + jstr(equivalent_command(meta.scenario_file.empty() ? s.file : meta.scenario_file, meta, s.replications, s.seed));
  out += ",\"years\":[";
  for (int y = 0; y <= years; ++y) out += (y ? "," : "") + std::to_string(s.base_year + y);
  out += "],\"targets\":[";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const TargetResult& r = targets[i];
    const TargetSpec& t = *r.spec;
    out += (i ? "," : "") + std::string("{\"id\":") + jstr(t.id) + ",\"label_en\":" + jstr(target_label(s, t, false)) +
           ",\"label_zh\":" + jstr(target_label(s, t, true)) + ",\"source\":" + jstr(t.source) +
           ",\"year\":" + std::to_string(t.year) + ",\"op\":" + jstr(op_text(t.op)) +
           ",\"goal\":" + jnum(target_display(t, t.value)) + ",\"unit\":" + jstr(target_unit(t)) +
           ",\"mean\":" + exact(target_display(t, r.mean)) + ",\"p05\":" + exact(target_display(t, r.p05)) +
           ",\"p50\":" + exact(target_display(t, r.p50)) + ",\"p95\":" + exact(target_display(t, r.p95)) +
           ",\"probability\":" + exact(r.probability);
    // Fan: the target's quantity in every year, over replications.
    std::array<std::string, 5> q;
    const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    TargetSpec ty = t;
    std::vector<double> values(reps.size());
    for (int y = 0; y <= years; ++y) {
      ty.year = s.base_year + y;
      for (std::size_t k = 0; k < reps.size(); ++k) values[k] = target_value(s, reps[k], ty);
      for (int j = 0; j < 5; ++j) q[j] += (y ? "," : "") + jnum(target_display(t, quantile(values, qs[j])));
    }
    out += ",\"fan\":{\"p05\":[" + q[0] + "],\"p25\":[" + q[1] + "],\"p50\":[" + q[2] + "],\"p75\":[" + q[3] +
           "],\"p95\":[" + q[4] + "]}}";
  }
  // Spending per budget item per year, mean over replications, all zones, in 亿元.
  out += "],\"spending\":{\"unit\":" + jstr(dim_display_unit(Dim::money)) + ",\"items\":[";
  const auto infos = spend_infos();
  std::vector<double> total(static_cast<std::size_t>(years + 1), 0.0);
  const double n = static_cast<double>(std::max<std::size_t>(reps.size(), 1));
  for (std::size_t k = 0; k < kSpendCount; ++k) {
    std::string per_year;
    double sum = 0;
    for (int y = 0; y <= years; ++y) {
      double v = 0;
      for (const auto& r : reps) v += r.spend(y, Z, static_cast<Spend>(k));
      v = to_display(Dim::money, v / n);
      total[static_cast<std::size_t>(y)] += v;
      sum += v;
      per_year += (y ? "," : "") + jnum(v);
    }
    out += (k ? "," : "") + std::string("{\"key\":") + jstr(infos[k].key) + ",\"en\":" + jstr(infos[k].en) +
           ",\"zh\":" + jstr(infos[k].zh) + ",\"per_year\":[" + per_year + "],\"total\":" + jnum(sum) + "}";
  }
  out += "],\"total_per_year\":[";
  double all = 0;
  for (std::size_t y = 0; y < total.size(); ++y) {
    out += (y ? "," : "") + jnum(total[y]);
    all += total[y];
  }
  out += "],\"total\":" + jnum(all) + "}";
  out += ",\"table\":" + jstr(format_target_table(s, targets));
  out += ",\"files\":{\"h5\":" + jstr("/api/runs/" + meta.id + "/output.h5") + ",\"report\":" +
         jstr("/api/runs/" + meta.id + "/report.html") + "}}";
  return out;
}

std::string equivalent_command(const std::string& scenario_file, const RunMeta& meta, int replications,
                               unsigned long long seed) {
  auto quote = [](const std::string& a) {
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/=%:-") == std::string::npos;
    if (plain) return a;
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd = "zonesim run " + quote(scenario_file);
  for (const auto& [k, v] : meta.overrides) cmd += " --set " + quote(k + "=" + v);
  cmd += " -r " + std::to_string(replications) + " --seed " + std::to_string(seed);
  return cmd;
}

}  // namespace zonesim::serve
