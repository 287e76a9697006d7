#include <algorithm>
#include <cmath>
#include <cstdio>

#include "zonesim/engine.hpp"
#include "zonesim/text.hpp"

namespace zonesim {

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

double target_value(const Scenario& s, const ReplicationResult& r, const TargetSpec& t) {
  const int yi = t.year - s.base_year;
  const int Z = static_cast<int>(s.zones.size());
  const int row = t.zone < 0 ? Z : t.zone;
  switch (t.kind) {
    case TargetSpec::Kind::indicator: return r.ind(yi, row, t.indicator);
    case TargetSpec::Kind::change_from_base: return r.ind(yi, row, t.indicator) - r.ind(0, row, t.indicator);
    case TargetSpec::Kind::clusters: {
      double count = 0;
      for (int z = 0; z < Z; ++z) {
        if (t.zone >= 0 && z != t.zone) continue;
        for (int sec = 0; sec < r.sectors; ++sec)
          if (r.sec(yi, z, sec) >= t.cluster_threshold) count += 1;
      }
      return count;
    }
    case TargetSpec::Kind::zones_in_top: {
      double count = 0;
      for (int z = 0; z < Z; ++z) {
        if (t.zone >= 0 && z != t.zone) continue;
        // Only zones holding national status take part in the national evaluation.
        if (r.ind(yi, z, Ind::national_level) < 0.5) continue;
        if (r.ind(yi, z, Ind::national_rank) <= t.top_n) count += 1;
      }
      return count;
    }
  }
  return 0.0;
}

std::vector<TargetResult> evaluate_targets(const Scenario& s, const std::vector<ReplicationResult>& reps) {
  std::vector<TargetResult> out;
  for (const auto& t : s.targets) {
    TargetResult r;
    r.spec = &t;
    double met = 0, sum = 0;
    for (const auto& rep : reps) {
      double v = target_value(s, rep, t);
      r.values.push_back(v);
      bool ok = compare(v, t.op, t.value);
      r.met.push_back(ok ? 1 : 0);
      met += ok;
      sum += v;
    }
    const double n = static_cast<double>(std::max<std::size_t>(reps.size(), 1));
    r.mean = sum / n;
    r.p05 = quantile(r.values, 0.05);
    r.p50 = quantile(r.values, 0.50);
    r.p95 = quantile(r.values, 0.95);
    r.probability = met / n;
    out.push_back(std::move(r));
  }
  return out;
}

double target_display(const TargetSpec& t, double canonical) { return to_display(t.value_dim, canonical); }

std::string_view target_unit(const TargetSpec& t) {
  if (t.kind == TargetSpec::Kind::clusters) return "clusters";
  if (t.kind == TargetSpec::Kind::zones_in_top) return "zones";
  auto u = dim_display_unit(t.value_dim);
  return u;
}

TargetTable target_table(const Scenario& s, const std::vector<TargetResult>& targets, std::size_t replications) {
  static const char* kinds[] = {"indicator", "clusters", "zones_in_top", "change_from_base"};
  const std::size_t T = targets.size(), R = replications;
  TargetTable tt;
  tt.replications = R;
  tt.values.resize(T * R);
  tt.met.resize(T * R);
  for (std::size_t k = 0; k < T; ++k) {
    const TargetResult& tr = targets[k];
    const TargetSpec& t = *tr.spec;
    tt.id.push_back(t.id);
    tt.kind.emplace_back(kinds[static_cast<int>(t.kind)]);
    tt.indicator.emplace_back(t.kind == TargetSpec::Kind::indicator || t.kind == TargetSpec::Kind::change_from_base
                                  ? std::string(indicator_info(t.indicator).key)
                                  : std::string());
    tt.zone.push_back(t.zone < 0 ? "all" : s.zones[static_cast<std::size_t>(t.zone)].id);
    tt.comparison.emplace_back(comparison_text(t.op));
    tt.unit.emplace_back(target_unit(t).empty() ? "1" : std::string(target_unit(t)));
    tt.source.push_back(t.source);
    tt.label_en.push_back(target_label(s, t, false));
    tt.label_zh.push_back(target_label(s, t, true));
    tt.value.push_back(target_display(t, t.value));
    tt.mean.push_back(target_display(t, tr.mean));
    tt.p05.push_back(target_display(t, tr.p05));
    tt.p50.push_back(target_display(t, tr.p50));
    tt.p95.push_back(target_display(t, tr.p95));
    tt.probability.push_back(tr.probability);
    tt.year.push_back(t.year);
    tt.cluster_threshold.push_back(t.kind == TargetSpec::Kind::clusters ? t.cluster_threshold / 1e8 : 0.0);
    tt.top_n.push_back(t.kind == TargetSpec::Kind::zones_in_top ? t.top_n : 0);
    for (std::size_t r = 0; r < R; ++r) {
      tt.values[k * R + r] = target_display(t, tr.values[r]);
      tt.met[k * R + r] = tr.met[r];
    }
  }
  return tt;
}

std::string target_label(const Scenario& s, const TargetSpec& t, bool chinese) {
  if (chinese && !t.label_zh.empty()) return t.label_zh;
  if (!chinese && !t.label_en.empty()) return t.label_en;
  std::string what;
  switch (t.kind) {
    case TargetSpec::Kind::indicator:
      what = std::string(chinese ? indicator_info(t.indicator).zh : indicator_info(t.indicator).en);
      break;
    case TargetSpec::Kind::change_from_base:
      what = std::string(chinese ? indicator_info(t.indicator).zh : indicator_info(t.indicator).en) +
             (chinese ? "(较基年变化)" : " (change from base year)");
      break;
    case TargetSpec::Kind::clusters:
      what = (chinese ? "产值超过" : "clusters with output >= ") + format_quantity(Dim::money, t.cluster_threshold) +
             (chinese ? "的产业集群数" : "");
      break;
    case TargetSpec::Kind::zones_in_top:
      what = chinese ? "全国排名前" + std::to_string(t.top_n) + "的园区数"
                     : "zones in the national top " + std::to_string(t.top_n);
      break;
  }
  std::string zone = t.zone < 0 ? (chinese ? "全部园区" : "all zones")
                                 : (chinese && !s.zones[static_cast<std::size_t>(t.zone)].name_zh.empty()
                                        ? s.zones[static_cast<std::size_t>(t.zone)].name_zh
                                        : s.zones[static_cast<std::size_t>(t.zone)].id);
  return what + ", " + zone;
}


std::string format_target_table(const Scenario& s, const std::vector<TargetResult>& results) {
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"target", "year", "goal", "mean", "5%", "95%", "P(met)"});
  for (const auto& r : results) {
    const TargetSpec& t = *r.spec;
    std::string unit(target_unit(t));
    std::string u = unit.empty() ? "" : " " + unit;
    rows.push_back({t.id, std::to_string(t.year),
                    std::string(comparison_text(t.op)) + " " + short_number(target_display(t, t.value)) + u,
                    short_number(target_display(t, r.mean)) + u, short_number(target_display(t, r.p05)),
                    short_number(target_display(t, r.p95)),
                    short_number(100.0 * r.probability) + " %"});
  }
  std::array<std::size_t, 7> w{};
  for (const auto& row : rows)
    for (std::size_t c = 0; c < 7; ++c) w[c] = std::max(w[c], display_width(row[c]));
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t c = 0; c < 7; ++c) {
      out += pad_to_width(rows[i][c], w[c], c >= 3);
      out += c + 1 < 7 ? "  " : "\n";
    }
    if (i == 0) {
      std::size_t total = 0;
      for (auto x : w) total += x + 2;
      out += std::string(total - 2, '-') + "\n";
    }
  }
  for (const auto& r : results) {
    out += "  " + r.spec->id + ": " + target_label(s, *r.spec, false);
    if (!r.spec->source.empty()) out += "  [" + r.spec->source + "]";
    out += "\n";
  }
  return out;
}

}  // namespace zonesim
