// /fit: one row per observation (series-year) of the scenario's observed series, in display units.
#include "hdf5_fit.hpp"

#include <cstdint>

#include "hdf5_util.hpp"

namespace zonesim {

using namespace zonesim::h5;

void write_fit_group(hid_t file, const Scenario& s, const Ensemble& e) {
  if (s.observed.empty()) return;
  const std::vector<FitRow> rows = evaluate_fit(s, e.replications);
  Hid g = group(file, "fit");
  std::vector<std::string> series, indicator, zone, unit, source;
  std::vector<std::int32_t> year;
  std::vector<double> observed, mean, p05, p50, p95, log_error;
  std::vector<std::uint8_t> inside;
  for (const auto& r : rows) {
    const Dim d = indicator_info(r.series->indicator).dim;
    series.push_back(r.series->id);
    indicator.emplace_back(indicator_info(r.series->indicator).key);
    zone.push_back(r.series->zone < 0 ? "all" : s.zones[static_cast<std::size_t>(r.series->zone)].id);
    unit.push_back(r.series->unit.empty() ? "1" : r.series->unit);
    const auto& o = *r.series;
    for (std::size_t i = 0; i < o.years.size(); ++i)
      if (o.years[i] == r.year) source.push_back(o.sources[i]);
    year.push_back(r.year);
    observed.push_back(to_display(d, r.observed));
    mean.push_back(to_display(d, r.mean));
    p05.push_back(to_display(d, r.p05));
    p50.push_back(to_display(d, r.p50));
    p95.push_back(to_display(d, r.p95));
    log_error.push_back(r.log_error);
    inside.push_back(r.inside_band ? 1 : 0);
  }
  dataset_strings(g, "series", series);
  dataset_strings(g, "indicator", indicator);
  dataset_strings(g, "zone", zone);
  dataset_strings(g, "unit", unit);
  dataset_strings(g, "source", source);
  dataset_integers(g, "year", year, H5T_STD_I32LE, H5T_NATIVE_INT32, "Year of the observation");
  dataset_doubles(g, "observed", observed, nullptr, "Observed value (unit: the row's unit)");
  dataset_doubles(g, "mean", mean, nullptr, "Mean over replications (unit: the row's unit)");
  dataset_doubles(g, "p05", p05, nullptr, "5 % quantile over replications");
  dataset_doubles(g, "p50", p50, nullptr, "Median over replications");
  dataset_doubles(g, "p95", p95, nullptr, "95 % quantile over replications");
  dataset_doubles(g, "log_error", log_error, "1", "ln(mean / observed); NaN when the mean is not positive");
  dataset_integers(g, "inside_band", inside, H5T_STD_U8LE, H5T_NATIVE_UINT8, "1 when p05 <= observed <= p95");
  const FitSummary f = summarise_fit(rows);
  attr_f64(g, "observations", f.observations);
  attr_f64(g, "within_10", f.within_10);
  attr_f64(g, "inside_band", f.inside_band);
  attr_f64(g, "within_10_or_band", f.within_10_or_band);
  attr_f64(g, "beyond_25", f.beyond_25);
  attr_f64(g, "mean_abs_log_error", f.mean_abs_log_error);
  attr_f64(g, "mean_band_width", f.mean_band_width);
}

}  // namespace zonesim
