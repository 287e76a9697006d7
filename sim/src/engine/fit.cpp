// The fit of a run to a scenario's observed series (docs/validation.md): per series-year the log
// error of the mean and whether the observation lies in the 90 % replication band.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "zonesim/engine.hpp"
#include "zonesim/text.hpp"

namespace zonesim {

std::vector<FitRow> evaluate_fit(const Scenario& s, const std::vector<ReplicationResult>& reps) {
  std::vector<FitRow> out;
  if (reps.empty()) return out;
  const int Z = static_cast<int>(s.zones.size());
  for (const auto& o : s.observed) {
    const int row = o.zone < 0 ? Z : o.zone;
    for (std::size_t i = 0; i < o.years.size(); ++i) {
      FitRow f;
      f.series = &o;
      f.year = o.years[i];
      f.observed = o.values[i];
      const int yi = f.year - s.base_year;
      std::vector<double> v;
      v.reserve(reps.size());
      double sum = 0;
      for (const auto& r : reps) {
        v.push_back(r.ind(yi, row, o.indicator));
        sum += v.back();
      }
      f.mean = sum / static_cast<double>(reps.size());
      f.p05 = quantile(v, 0.05);
      f.p50 = quantile(v, 0.50);
      f.p95 = quantile(v, 0.95);
      f.log_error = f.mean > 0 ? std::log(f.mean / f.observed) : NAN;
      f.inside_band = f.p05 <= f.observed && f.observed <= f.p95;
      f.within_10 = std::fabs(f.log_error) <= 0.1;
      f.beyond_25 = !(std::fabs(f.log_error) <= 0.25);
      out.push_back(f);
    }
  }
  return out;
}

bool FitSummary::goals_met() const {
  if (observations == 0) return false;
  const double n = observations;
  const double coverage = inside_band / n;
  return within_10_or_band >= 0.8 * n && beyond_25 == 0 && coverage >= 0.7;
}

FitSummary summarise_fit(const std::vector<FitRow>& rows) {
  FitSummary s;
  for (const auto& r : rows) {
    ++s.observations;
    s.within_10 += r.within_10;
    s.inside_band += r.inside_band;
    s.within_10_or_band += r.within_10 || r.inside_band;
    s.beyond_25 += r.beyond_25;
    s.mean_abs_log_error += std::isfinite(r.log_error) ? std::fabs(r.log_error) : 0.0;
    s.mean_band_width += (r.p95 - r.p05) / r.observed;
  }
  if (s.observations > 0) {
    s.mean_abs_log_error /= s.observations;
    s.mean_band_width /= s.observations;
  }
  return s;
}

double fit_distance(const std::vector<double>& simulated, const std::vector<double>& observed) {
  if (observed.empty()) return 0.0;
  double ss = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double ratio = simulated[i] > 0 && std::isfinite(simulated[i]) ? simulated[i] / observed[i] : 1e-6;
    const double e = std::log(std::max(ratio, 1e-6));
    ss += e * e;
  }
  return std::sqrt(ss / static_cast<double>(observed.size()));
}


std::string format_fit_table(const Scenario& s, const std::vector<FitRow>& rows) {
  if (rows.empty()) return {};
  std::vector<std::vector<std::string>> t;
  t.push_back({"observed", "zone", "year", "observed", "mean", "5%", "95%", "ln(sim/obs)", "in band"});
  for (const auto& r : rows) {
    const Dim d = indicator_info(r.series->indicator).dim;
    const std::string unit = r.series->unit.empty() ? "" : " " + r.series->unit;
    char le[32];
    std::snprintf(le, sizeof le, "%+.3f", r.log_error);
    t.push_back({r.series->id, r.series->zone < 0 ? "all" : s.zones[static_cast<std::size_t>(r.series->zone)].id,
                 std::to_string(r.year), short_number(to_display(d, r.observed)) + unit, short_number(to_display(d, r.mean)) + unit,
                 short_number(to_display(d, r.p05)), short_number(to_display(d, r.p95)), std::isfinite(r.log_error) ? le : "n/a",
                 r.inside_band ? "yes" : "no"});
  }
  std::string out = format_columns(t, 2, {false, false, false, true, true, true, true, true, false});
  // The rule under the header, as in the target table.
  const std::size_t nl = out.find('\n');
  out.insert(nl + 1, std::string(display_width(out.substr(0, nl)), '-') + "\n");
  const FitSummary f = summarise_fit(rows);
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "fit: %d observations; %d within ±10 %% (|ln(sim/obs)| <= 0.1), %d inside the 90 %% band, "
                "%d either (%.0f %%), %d beyond ±25 %%; mean |ln(sim/obs)| %.3f, mean band width %.0f %% of "
                "the observation\n",
                f.observations, f.within_10, f.inside_band, f.within_10_or_band,
                100.0 * f.within_10_or_band / std::max(f.observations, 1), f.beyond_25, f.mean_abs_log_error,
                100.0 * f.mean_band_width);
  return out + buf;
}

}  // namespace zonesim
