// One replication from the base year to the end year, and the pieces it is made of.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "context.hpp"

namespace zonesim {

void Firms::reserve(std::size_t n) {
  for_each_array([n](auto& v) { v.reserve(n); });
}

std::size_t Firms::append(std::uint16_t zone_id, std::uint16_t sector_id, int year) {
#define ZONESIM_FIRM_PUSH(name, type, init, doc) name.push_back(static_cast<type>(init));
  ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_PUSH)
#undef ZONESIM_FIRM_PUSH
  return zone.size() - 1;
}

void Firms::assign(const Firms& from) {
#define ZONESIM_FIRM_ASSIGN(name, type, init, doc) name.assign(from.name.begin(), from.name.end());
  ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_ASSIGN)
#undef ZONESIM_FIRM_ASSIGN
}

std::size_t Firms::grow(std::size_t n, std::uint16_t zone_id, int year) {
  const std::size_t first = size();
  [[maybe_unused]] constexpr std::uint16_t sector_id = 0;
#define ZONESIM_FIRM_GROW(name, type, init, doc) name.resize(first + n, static_cast<type>(init));
  ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_GROW)
#undef ZONESIM_FIRM_GROW
  return first;
}

// A^0.3 and A^0.7 as exp(0.3 ln A), exp(0.7 ln A): two exp cost less than two pow (each pow is
// a log and an exp inside), and agree with pow to the last bits.
void Firms::set_productivity(std::size_t i, double a) {
  const double ln_a = std::log(a);
  productivity[i] = a;
  log_productivity[i] = ln_a;
  productivity_03[i] = std::exp(0.3 * ln_a);
  productivity_07[i] = std::exp(0.7 * ln_a);
}

void Firms::set_log_productivity(std::size_t i, double ln_a) {
  productivity[i] = std::exp(ln_a);
  log_productivity[i] = ln_a;
  productivity_03[i] = std::exp(0.3 * ln_a);
  productivity_07[i] = std::exp(0.7 * ln_a);
}

std::string_view calibration_item_key(CalibrationItem c) {
  switch (c) {
    case CalibrationItem::output: return "gross_output";
    case CalibrationItem::value_added: return "value_added";
    case CalibrationItem::rd: return "rd_expenditure";
    case CalibrationItem::firms: return "firms";
    case CalibrationItem::above_size_firms: return "above_size_firms";
    case CalibrationItem::hightech_firms: return "hightech_firms";
    case CalibrationItem::hightech_above_size_firms: return "hightech_above_size_firms";
    case CalibrationItem::land_used: return "land_used";
    case CalibrationItem::employment: return "employment";
    case CalibrationItem::count: break;
  }
  return "?";
}

Dim calibration_dim(CalibrationItem c) {
  switch (c) {
    case CalibrationItem::output:
    case CalibrationItem::value_added:
    case CalibrationItem::rd: return Dim::money;
    case CalibrationItem::land_used: return Dim::area;
    default: return Dim::count;
  }
}

double calibration_stated(const ZoneSpec& z, CalibrationItem c) {
  auto f = [&](ZoneField k) { return z.fields[static_cast<std::size_t>(k)]; };
  switch (c) {
    case CalibrationItem::output: return f(ZoneField::base_output);
    case CalibrationItem::value_added: return f(ZoneField::base_value_added);
    case CalibrationItem::rd: return f(ZoneField::base_rd);
    case CalibrationItem::firms: return f(ZoneField::base_firms);
    case CalibrationItem::above_size_firms: return f(ZoneField::base_above_size_firms);
    case CalibrationItem::hightech_firms: return f(ZoneField::base_hightech_firms);
    case CalibrationItem::hightech_above_size_firms: {
      double v = f(ZoneField::base_hightech_above_size_firms);
      return v >= 0 ? v : std::numeric_limits<double>::quiet_NaN();
    }
    case CalibrationItem::land_used: return f(ZoneField::base_land_used_mu);
    case CalibrationItem::employment: return f(ZoneField::base_employment);
    case CalibrationItem::count: break;
  }
  return 0;
}

// Stream entity of the choice of a posterior draw (the parameters' own draws use entity k).
constexpr std::uint32_t kPosteriorEntity = 0xFFFFFF00u;

ParamValues draw_parameters(const Scenario& s, std::uint32_t replication) {
  ParamValues out{};
  for (std::size_t k = 0; k < kParamCount; ++k) {
    const ParamSpec& p = s.params[k];
    const Setting& st = setting(static_cast<Param>(k));
    if (!p.uncertain()) {
      out[k] = p.a;
      continue;
    }
    Stream rng(s.seed, replication, static_cast<std::uint32_t>(k), 0, Purpose::parameter_draw);
    const double u = rng.uniform();
    const double v = p.quantile(u);
    // A draw outside the parameter's valid range is clamped to it (documented in docs/model.md).
    out[k] = std::clamp(v, st.min, st.max);
  }
  if (s.posterior && s.posterior->draws() > 0) {  // one accepted draw of a calibration, by weight
    const PosteriorDraws& post = *s.posterior;
    Stream rng(s.seed, replication, kPosteriorEntity, 0, Purpose::parameter_draw);
    const double u = rng.uniform();
    const auto it = std::lower_bound(post.cumulative.begin(), post.cumulative.end(), u);
    const auto d = std::min(static_cast<std::size_t>(it - post.cumulative.begin()), post.draws() - 1);
    for (std::size_t j = 0; j < post.params.size(); ++j)
      out[static_cast<std::size_t>(post.params[j])] = post.values[d * post.params.size() + j];
  }
  return out;
}

// Every value a year leaves in the results must be a number: a NaN or an infinity is a failure
// of the model on this scenario, reported (exit 1) rather than written. Cheap: one pass over
// the year's rows (zones x indicators).
void require_finite(const Scenario& s, const ReplicationResult& r, int yi, std::uint32_t replication) {
  const int Z = r.zones;
  auto zone_name = [&](int z) { return z < Z ? "zone " + s.zones[static_cast<std::size_t>(z)].id : std::string("all zones"); };
  auto fail = [&](const std::string& what, int z, double v) {
    const char* value = std::isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    throw std::runtime_error(std::string("the model produced a non-finite value (") + value + ") for " + what +
                             ", " + zone_name(z) + ", year " + std::to_string(s.base_year + yi) + ", replication " +
                             std::to_string(replication) +
                             ": a defect of the model for these settings; nothing was written");
  };
  for (int z = 0; z <= Z; ++z) {
    for (std::size_t i = 0; i < kIndicatorCount; ++i) {
      const double v = r.ind(yi, z, static_cast<Ind>(i));
      if (!std::isfinite(v)) fail("indicator " + std::string(indicator_infos()[i].key), z, v);
    }
    for (int sec = 0; sec < r.sectors; ++sec)
      if (!std::isfinite(r.sec(yi, z, sec)))
        fail("the output of sector " + s.sectors[static_cast<std::size_t>(sec)].id, z, r.sec(yi, z, sec));
    for (std::size_t k = 0; k < kSpendCount; ++k)
      if (!std::isfinite(r.spend(yi, z, static_cast<Spend>(k))))
        fail("spending on " + std::string(spend_infos()[k].key), z, r.spend(yi, z, static_cast<Spend>(k)));
  }
}

namespace {

// The result's arrays sized for the scenario and zeroed.
void size_result(ReplicationResult& result, const Scenario& s) {
  result.years = s.years();
  result.zones = static_cast<int>(s.zones.size());
  result.sectors = static_cast<int>(s.sectors.size());
  const std::size_t rows = static_cast<std::size_t>(result.years + 1) * (s.zones.size() + 1);
  result.indicators.assign(rows * kIndicatorCount, 0.0);
  result.sector_output.assign(rows * s.sectors.size(), 0.0);
  result.spending.assign(rows * kSpendCount, 0.0);
}

// The base year: the drawn parameters kept, the population generated (or copied from an earlier
// run's: BaseYearCache) and recorded.
void start_replication(detail::Run& run, ReplicationResult& result, BaseYearCache* base_years = nullptr) {
  result.params = run.p;
  if (base_years) {
    base_years->base_year(run);
  } else {
    detail::generate_population(run);
    detail::record_base_year(run);
  }
  require_finite(run.sc, result, 0, run.replication);
}

}  // namespace

ReplicationResult simulate_replication(const Scenario& s, std::uint32_t replication, FirmPanel* panel,
                                       BaseYearCache* base_years) {
  ReplicationResult result;
  size_result(result, s);
  detail::Run run{s, replication, draw_parameters(s, replication), {}, {}, {}, s.base_year, &result};
  start_replication(run, result, base_years);

  // Calibration fit: what the generator produced for each stated base-year aggregate (of a zone
  // that opens during the run, in the year it opens).
  result.calibration.assign(s.zones.size() * kCalibrationItems, 0.0);
  auto record_calibration = [&](std::size_t z) {
    const int zi = static_cast<int>(z);
    const int opens = static_cast<int>(s.zones[z].fields[static_cast<std::size_t>(ZoneField::opens)]);
    const int yi = opens > 0 && opens <= s.end_year ? opens - s.base_year : 0;
    const Ind map[kCalibrationItems] = {Ind::gross_output,     Ind::value_added,
                                        Ind::rd_expenditure,   Ind::firms,
                                        Ind::above_size_firms, Ind::hightech_firms,
                                        Ind::hightech_above_size_firms, Ind::land_used,
                                        Ind::employment};
    for (std::size_t c = 0; c < kCalibrationItems; ++c)
      result.calibration[z * kCalibrationItems + c] = result.ind(yi, zi, map[c]);
  };
  for (std::size_t z = 0; z < s.zones.size(); ++z) record_calibration(z);

  auto snapshot = [&](int year) {
    if (!panel) return;
    const Firms& f = run.firms;
    for (std::size_t i = 0; i < f.size(); ++i) {
      bool alive_this_year = f.birth_year[i] <= year && (f.exit_year[i] == kNoYear || f.exit_year[i] >= year);
      if (!alive_this_year) continue;
      panel->year.push_back(year);
      panel->firm.push_back(static_cast<std::int32_t>(i));
      panel->zone.push_back(f.zone[i]);
      panel->sector.push_back(f.sector[i]);
      panel->birth_year.push_back(f.birth_year[i]);
      panel->exit_year.push_back(f.exit_year[i] == kNoYear ? 0 : f.exit_year[i]);
      panel->output.push_back(f.output[i]);
      panel->rd_intensity.push_back(f.rd_intensity[i]);
      panel->rd_relabelled_share.push_back(f.rd_relabelled[i]);
      panel->land_mu.push_back(f.land_mu[i]);
      panel->productivity.push_back(f.productivity[i]);
      panel->employment.push_back(f.employment[i]);
      panel->hightech.push_back(f.cert_until[i] >= year ? 1 : 0);
    }
  };
  snapshot(s.base_year);
  for (int year = s.base_year + 1; year <= s.end_year; ++year) {
    run.year = year;
    detail::simulate_year(run);
    require_finite(s, result, year - s.base_year, replication);
    snapshot(year);
  }
  for (std::size_t z = 0; z < s.zones.size(); ++z) {
    const double opens = s.zones[z].fields[static_cast<std::size_t>(ZoneField::opens)];
    if (opens > 0 && opens <= s.end_year) record_calibration(z);
  }
  return result;
}

// ---- Benchmark hook -------------------------------------------------------------------------
struct ReplicationStepper::Impl {
  ReplicationResult result;
  detail::Run run;
  Impl(const Scenario& s, std::uint32_t replication)
      : run{s, replication, draw_parameters(s, replication), {}, {}, {}, s.base_year, &result} {
    size_result(result, s);
    start_replication(run, result);
  }
};

ReplicationStepper::ReplicationStepper(const Scenario& s, std::uint32_t replication)
    : impl_(std::make_unique<Impl>(s, replication)) {}
ReplicationStepper::~ReplicationStepper() = default;

bool ReplicationStepper::step() {
  detail::Run& run = impl_->run;
  if (run.year >= run.sc.end_year) return false;
  run.year += 1;
  detail::simulate_year(run);
  require_finite(run.sc, impl_->result, run.year - run.sc.base_year, run.replication);
  return true;
}

std::size_t ReplicationStepper::firms() const { return impl_->run.firms.size(); }
std::size_t ReplicationStepper::firms_alive() const {
  const Firms& f = impl_->run.firms;
  std::size_t n = 0;
  for (std::size_t i = 0; i < f.size(); ++i) n += f.alive(i);
  return n;
}
const ReplicationResult& ReplicationStepper::result() const { return impl_->result; }

std::size_t ReplicationStepper::bytes_per_firm() const {
  std::size_t b = 0;
  impl_->run.firms.for_each_array([&](const auto& v) { b += sizeof(v[0]); });
  return b;
}
std::size_t ReplicationStepper::firm_capacity_bytes() const {
  std::size_t b = 0;
  impl_->run.firms.for_each_array([&](const auto& v) { b += sizeof(v[0]) * v.capacity(); });
  return b;
}

}  // namespace zonesim
