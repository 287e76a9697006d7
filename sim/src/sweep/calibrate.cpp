// `zonesim calibrate`: approximate Bayesian computation by rejection on the sweep engine
// (docs/validation.md). The proposals are sweep points (factors: the calibrated parameters drawn
// from their priors; outputs: the observations), so they run on threads and MPI ranks with the
// sweep's determinism, streaming and resume; the acceptance is computed from every point's rows
// in point order, so it is the same whatever ran where.
#include <hdf5.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "../io/hdf5_util.hpp"
#include "../scenario/yaml_document.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/sweep.hpp"
#include "zonesim/text.hpp"

namespace zonesim::sweep {

namespace fs = std::filesystem;

double prior_quantile(const ParamSpec& p, double u, double low, double high) {
  return std::clamp(p.quantile(std::clamp(u, 1e-12, 1.0 - 1e-12)), low, high);
}

namespace {

struct Reader {
  std::string path;
  Diagnostics& diags;
  void error(const YAML::Node& at, const std::string& key, std::string message, std::string hint = {}) {
    diags.add({path, at ? at.Mark().line + 1 : 1, at ? at.Mark().column + 1 : 1, key, std::move(message),
               std::move(hint)});
  }
  void error_at_top(const std::string& key, std::string message, std::string hint = {}) {
    diags.add({path, 1, 1, key, std::move(message), std::move(hint)});
  }
};

// Mean and standard deviation of a prior by its quantile function (clamping included):
// 2000 midpoints, enough for a summary shown beside the posterior.
std::pair<double, double> prior_moments(const Factor& f) {
  constexpr int n = 2000;
  double s = 0, ss = 0;
  for (int i = 0; i < n; ++i) {
    const double v = f.at((i + 0.5) / n);
    s += v;
    ss += v * v;
  }
  const double m = s / n;
  return {m, std::sqrt(std::max(ss / n - m * m, 0.0))};
}

double weighted_quantile(std::vector<std::pair<double, double>> vw, double q) {
  if (vw.empty()) return NAN;
  std::sort(vw.begin(), vw.end());
  double total = 0;
  for (const auto& [v, w] : vw) total += w;
  double acc = 0;
  for (const auto& [v, w] : vw) {
    acc += w;
    if (acc >= q * total) return v;
  }
  return vw.back().first;
}

}  // namespace

namespace {

// The run settings: proposals, replications, seed, and the acceptance rule.
void read_settings(Reader& P, const YAML::Node& root, CalibrationSpec& c) {
  SweepSpec& s = c.sweep;
  auto integer = [&](const char* key, long long lo, long long hi, long long fallback) -> long long {
    const YAML::Node n = root[key];
    if (!n) return fallback;
    long long v = 0;
    try {
      if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
      std::size_t used = 0;
      v = std::stoll(n.Scalar(), &used);
      if (used != n.Scalar().size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      P.error(n, key, "expected a whole number", "valid: " + std::to_string(lo) + " to " + std::to_string(hi));
      return fallback;
    }
    if (v < lo || v > hi) {
      P.error(n, key, std::to_string(v) + " is out of range", "valid: " + std::to_string(lo) + " to " + std::to_string(hi));
      return fallback;
    }
    return v;
  };
  s.design = DesignKind::lhs;
  s.points = static_cast<int>(integer("proposals", 10, 10000000, 1000));
  s.replications = static_cast<int>(integer("replications", 1, 10000, 1));
  if (auto n = root["seed"]) {
    const auto seed = n.IsScalar() ? parse_seed(n.Scalar()) : std::nullopt;
    if (seed) s.seed = *seed;
    else P.error(n, "seed", "not a seed", seed_range_hint());
  } else {
    P.error_at_top("seed", "missing `seed`", "e.g. seed: 2016");
  }
  if (auto n = root["accept"]) {
    // `accept: 1 %` (share of the proposals, nearest first) or `accept: {tolerance: 0.08}`.
    if (n.IsMap() && n["tolerance"] && n["tolerance"].IsScalar()) {
      const ParsedQuantity q = parse_quantity(n["tolerance"].Scalar(), Dim::number);
      if (!q.ok() || !(q.value > 0)) P.error(n["tolerance"], "accept.tolerance", "expected a positive distance", "e.g. 0.08 (RMS of ln(sim/obs))");
      else c.tolerance = q.value;
    } else if (n.IsScalar()) {
      const ParsedQuantity q = parse_quantity(n.Scalar(), Dim::share);
      if (!q.ok() || !(q.value > 0) || q.value > 1)
        P.error(n, "accept", "expected a share of the proposals, e.g. 1 %", "or accept: {tolerance: 0.08}");
      else c.accept_quantile = q.value;
    } else {
      P.error(n, "accept", "expected a share of the proposals or {tolerance: d}", "e.g. accept: 1 %");
    }
  }
}

// The scenario to calibrate, relative to the calibration file; it needs observed series and
// priors. False when it cannot be used (reported).
bool read_scenario(Reader& P, const YAML::Node& sn, const std::string& path, SweepSpec& s) {
  if (!sn || !sn.IsScalar()) {
    P.error_at_top("scenario", "missing `scenario` (the scenario to calibrate, with its observed series)",
                   "e.g. scenario: hightech-2012-2016.yaml");
    return false;
  }
  fs::path bp(sn.Scalar());
  if (bp.is_relative()) bp = fs::path(path).parent_path() / bp;
  s.base_path = bp.lexically_normal().string();
  if (std::error_code ec; !fs::is_regular_file(s.base_path, ec)) {
    P.error(sn, "scenario", "scenario " + s.base_path + " does not exist", "the path is relative to the calibration file");
    return false;
  }
  s.source = ScenarioSource::read_file(s.base_path);
  {
    LoadResult lr = resolve(s.source, sweep_run_plan(s));
    if (!lr.scenario) {
      P.diags.append(lr.diagnostics);
      P.error(sn, "scenario", "the scenario has errors (listed above)", "zonesim validate " + s.base_path);
      return false;
    }
    s.base = std::move(*lr.scenario);
  }
  if (s.base.observed.empty()) {
    P.error(sn, "scenario", "the scenario has no `observed:` series to calibrate to",
            "add observed series of the calibration period (docs/scenarios.md)");
  }
  if (s.base.posterior) {
    P.error(sn, "scenario", "the scenario draws its parameters from a posterior already",
            "calibrate a scenario whose parameters have prior distributions");
  }
  return true;
}

// Calibrated parameters: those listed, or every parameter with a distribution (its prior).
void read_parameters(Reader& P, const YAML::Node& root, const YAML::Node& sn, CalibrationSpec& c) {
  SweepSpec& s = c.sweep;
  std::vector<std::string> listed;
  if (auto n = root["parameters"]) {
    if (!n.IsSequence() || n.size() == 0) P.error(n, "parameters", "expected a list of parameter keys", "e.g. [replicator_chi, innovation_zeta]");
    else
      for (const auto& k : n) listed.push_back(k.Scalar());
  }
  std::vector<std::string> keys;
  for (const auto& st : parameter_settings()) keys.emplace_back(st.key);
  for (std::size_t k = 0; k < kParamCount; ++k) {
    const ParamSpec& ps = s.base.params[k];
    const std::string key = keys[k];
    const bool named = std::find(listed.begin(), listed.end(), key) != listed.end();
    if (!(listed.empty() ? ps.uncertain() : named)) continue;
    if (!ps.uncertain()) {
      P.error(root["parameters"], "parameters", "parameter \"" + key + "\" has no prior in the scenario",
              "give it a distribution in the scenario's parameters: (normal, lognormal, uniform, triangular)");
      continue;
    }
    const Setting& st = parameter_settings()[k];
    Factor f;
    f.key = "parameters." + key;
    f.dim = st.dim;
    f.unit = std::string(dim_display_unit(st.dim));
    f.low = st.min;
    f.high = st.max;
    f.prior = ps;
    s.factors.push_back(f);
    c.params.push_back(static_cast<Param>(k));
  }
  for (const auto& k : listed)
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      P.error(root["parameters"], "parameters", "unknown parameter \"" + k + "\"", unknown_name_hint(k, keys, "valid parameters"));
  if (s.factors.empty() && P.diags.empty())
    P.error(sn, "scenario", "the scenario has no parameter with a prior distribution",
            "give the behavioural parameters to calibrate a distribution (their prior)");
}

// Outputs: one per observation, in series and year order.
void add_observations(CalibrationSpec& c) {
  SweepSpec& s = c.sweep;
  const int Z = static_cast<int>(s.base.zones.size());
  for (const auto& o : s.base.observed)
    for (std::size_t i = 0; i < o.years.size(); ++i) {
      OutputSpec out;
      out.ind = o.indicator;
      out.indicator = std::string(indicator_info(o.indicator).key);
      out.year = o.years[i];
      out.zone = o.zone < 0 ? "all" : s.base.zones[static_cast<std::size_t>(o.zone)].id;
      out.zone_row = o.zone < 0 ? Z : o.zone;
      out.name = out.indicator + "@" + out.zone + "@" + std::to_string(out.year);
      s.outputs.push_back(out);
      c.observed.push_back(to_display(indicator_info(o.indicator).dim, o.values[i]));
      c.observation_series.push_back(o.id);
      c.last_observed_year = std::max(c.last_observed_year, o.years[i]);
    }
}

}  // namespace

CalibrationLoadResult load_calibration_file(const std::string& path) {
  CalibrationLoadResult result;
  Diagnostics& diags = result.diagnostics;
  Reader P{path, diags};
  detail::InputFile input = detail::read_input_file(path);
  if (input.status != detail::InputFile::Status::ok) {
    diags.add({path, 0, 0, "", input.status == detail::InputFile::Status::cannot_open
                                   ? "cannot read the calibration file"
                                   : "cannot read the calibration file: " + input.problem,
               "check the path"});
    return result;
  }
  CalibrationSpec c;
  SweepSpec& s = c.sweep;
  s.file = path;
  s.text = input.text;
  std::optional<YAML::Node> loaded =
      detail::load_one_document(s.text, path, diags, "calibration file", "keep one calibration per file");
  if (!loaded) return result;
  const YAML::Node root = *loaded;
  if (!root.IsMap()) {
    P.error_at_top("", "a calibration file is a mapping with scenario, proposals, accept, ...",
                   "see docs/validation.md");
    return result;
  }
  // A scenario or a sweep file given as a calibration: say which file it is, not every key it has.
  if (detail::wrong_file_kind(root, detail::FileKind::calibration, path, diags)) return result;
  static const std::vector<std::string> kKeys = {"zonesim_calibrate", "name", "description", "scenario",
                                                 "parameters", "proposals", "replications", "seed", "accept"};
  for (const auto& e : root) {
    const std::string k = e.first.Scalar();
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end())
      P.error(e.first, k, "unknown key \"" + k + "\"", unknown_name_hint(k, kKeys, "valid keys"));
  }
  if (auto n = root["zonesim_calibrate"]; n && !(n.IsScalar() && n.Scalar() == "1"))
    P.error(n, "zonesim_calibrate", "unsupported calibration format", "write `zonesim_calibrate: 1`");
  s.name = root["name"] && root["name"].IsScalar() ? root["name"].Scalar() : fs::path(path).stem().string();
  read_settings(P, root, c);
  const YAML::Node sn = root["scenario"];
  if (!read_scenario(P, sn, path, s)) return result;
  read_parameters(P, root, sn, c);
  add_observations(c);
  if (!diags.empty()) return result;
  result.spec = std::move(c);
  return result;
}

AbcResult abc_rejection(const CalibrationSpec& c, const Matrix& units, const std::vector<std::vector<double>>& rows) {
  const SweepSpec& s = c.sweep;
  const int P = static_cast<int>(rows.size());
  const int O = static_cast<int>(s.outputs.size());
  const int R = s.replications;
  const int stride = row_stride(s);
  const std::size_t K = c.params.size();
  AbcResult r;
  r.distance.assign(static_cast<std::size_t>(P), NAN);
  for (int p = 0; p < P; ++p) {
    const auto& row = rows[static_cast<std::size_t>(p)];
    std::vector<double> mean(static_cast<std::size_t>(O), 0.0);
    for (int rep = 0; rep < R; ++rep)  // replication order: the same sums on every machine
      for (int o = 0; o < O; ++o) mean[static_cast<std::size_t>(o)] += row[static_cast<std::size_t>(rep) * stride + o];
    for (auto& m : mean) m /= R;
    r.distance[static_cast<std::size_t>(p)] = fit_distance(mean, c.observed);
  }
  std::vector<int> order(static_cast<std::size_t>(P));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return r.distance[static_cast<std::size_t>(a)] < r.distance[static_cast<std::size_t>(b)];
  });
  if (c.tolerance >= 0) {
    for (int p : order)
      if (r.distance[static_cast<std::size_t>(p)] <= c.tolerance) r.accepted.push_back(p);
  } else {
    const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(c.accept_quantile * P - 1e-9)));
    r.accepted.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(n, order.size())));
  }
  const std::size_t A = r.accepted.size();
  r.weight.assign(A, A ? 1.0 / static_cast<double>(A) : 0.0);
  r.tolerance = A ? r.distance[static_cast<std::size_t>(r.accepted.back())] : NAN;
  r.values.assign(A * K, 0.0);
  for (std::size_t a = 0; a < A; ++a)
    for (std::size_t j = 0; j < K; ++j)
      r.values[a * K + j] = s.factors[j].at(units[static_cast<std::size_t>(r.accepted[a])][j]);
  for (std::size_t j = 0; j < K; ++j) {
    const auto [pm, psd] = prior_moments(s.factors[j]);
    r.prior_mean.push_back(pm);
    r.prior_sd.push_back(psd);
    double m = 0, ss = 0;
    std::vector<std::pair<double, double>> vw;
    for (std::size_t a = 0; a < A; ++a) {
      const double v = r.values[a * K + j];
      m += r.weight[a] * v;
      ss += r.weight[a] * v * v;
      vw.emplace_back(v, r.weight[a]);
    }
    r.post_mean.push_back(A ? m : NAN);
    r.post_sd.push_back(A ? std::sqrt(std::max(ss - m * m, 0.0)) : NAN);
    r.post_p05.push_back(weighted_quantile(vw, 0.05));
    r.post_p50.push_back(weighted_quantile(vw, 0.50));
    r.post_p95.push_back(weighted_quantile(vw, 0.95));
  }
  return r;
}

namespace {
using namespace zonesim::h5;

void doubles(hid_t g, const char* name, const std::vector<double>& v, std::vector<hsize_t> dims) {
  Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Hid d(H5Dcreate2(g, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!v.empty()) check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "calibration write");
}
void ints(hid_t g, const char* name, const std::vector<int>& v) {
  hsize_t dims[1] = {v.size()};
  Hid space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Hid d(H5Dcreate2(g, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!v.empty()) check(H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "calibration write");
}
void attr_double(hid_t obj, const char* name, double value) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid a(H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), "attribute write");
}
}  // namespace

void write_calibration_group(std::int64_t file, const CalibrationSpec& c, const AbcResult& r) {
  const SweepSpec& s = c.sweep;
  Hid g = group(static_cast<hid_t>(file), "posterior");
  const std::size_t K = c.params.size(), A = r.accepted.size();
  std::vector<std::string> keys, units, priors;
  for (std::size_t j = 0; j < K; ++j) {
    const Factor& f = s.factors[j];
    keys.push_back(f.key.substr(std::string("parameters.").size()));
    units.push_back(f.unit.empty() ? "1" : f.unit);
    const ParamSpec& p = *f.prior;
    auto d = [&](double v) { return f.describe(v); };
    switch (p.kind) {
      case ParamSpec::Kind::normal: priors.push_back("normal(mean " + d(p.a) + ", sd " + d(p.b) + ")"); break;
      case ParamSpec::Kind::lognormal: {
        char b[64];
        std::snprintf(b, sizeof b, "%.4g", p.b);
        priors.push_back("lognormal(median " + d(p.a) + ", sigma " + b + ")");
        break;
      }
      case ParamSpec::Kind::uniform: priors.push_back("uniform(" + d(p.a) + ", " + d(p.b) + ")"); break;
      case ParamSpec::Kind::triangular:
        priors.push_back("triangular(" + d(p.a) + ", mode " + d(p.c) + ", " + d(p.b) + ")");
        break;
      case ParamSpec::Kind::fixed: priors.push_back("fixed"); break;
    }
  }
  dataset_strings(g, "parameter", keys);
  dataset_strings(g, "unit", units);
  dataset_strings(g, "prior", priors);
  std::vector<double> disp(A * K);
  for (std::size_t a = 0; a < A; ++a)
    for (std::size_t j = 0; j < K; ++j) disp[a * K + j] = to_display(s.factors[j].dim, r.values[a * K + j]);
  ints(g, "accepted_point", r.accepted);
  doubles(g, "accepted_values", disp, {A, K});
  doubles(g, "accepted_values_canonical", r.values, {A, K});
  doubles(g, "weight", r.weight, {A});
  std::vector<double> acc_d;
  for (int p : r.accepted) acc_d.push_back(r.distance[static_cast<std::size_t>(p)]);
  doubles(g, "accepted_distance", acc_d, {A});
  doubles(g, "distance", r.distance, {r.distance.size()});
  auto disp_of = [&](const std::vector<double>& v) {
    std::vector<double> out(v.size());
    for (std::size_t j = 0; j < v.size(); ++j) out[j] = to_display(s.factors[j].dim, v[j]);
    return out;
  };
  // Standard deviations scale like values (display units are linear in canonical ones).
  doubles(g, "prior_mean", disp_of(r.prior_mean), {K});
  doubles(g, "prior_sd", disp_of(r.prior_sd), {K});
  doubles(g, "posterior_mean", disp_of(r.post_mean), {K});
  doubles(g, "posterior_sd", disp_of(r.post_sd), {K});
  doubles(g, "posterior_p05", disp_of(r.post_p05), {K});
  doubles(g, "posterior_p50", disp_of(r.post_p50), {K});
  doubles(g, "posterior_p95", disp_of(r.post_p95), {K});
  std::vector<std::string> obs_name;
  std::vector<int> obs_year;
  for (std::size_t o = 0; o < s.outputs.size(); ++o) {
    obs_name.push_back(c.observation_series[o] + "@" + s.outputs[o].zone);
    obs_year.push_back(s.outputs[o].year);
  }
  dataset_strings(g, "observation", obs_name);
  ints(g, "observation_year", obs_year);
  doubles(g, "observed", c.observed, {c.observed.size()});
  attr_string(g, "method", "ABC rejection (Pritchard et al. 1999): proposals from the priors by a Latin hypercube; "
                           "distance = RMS over observations of ln(mean simulated / observed); equal weights");
  attr_string(g, "scenario", s.base_path);
  attr_double(g, "tolerance", r.tolerance);
  attr_double(g, "accept_quantile", c.tolerance >= 0 ? NAN : c.accept_quantile);
  attr_double(g, "requested_tolerance", c.tolerance >= 0 ? c.tolerance : NAN);
  attr_double(g, "proposals", static_cast<double>(r.distance.size()));
  attr_double(g, "last_observed_year", c.last_observed_year);
}

std::string format_posterior(const CalibrationSpec& c, const AbcResult& r) {
  std::vector<std::vector<std::string>> t;
  t.push_back({"parameter", "prior", "prior mean", "posterior mean", "sd", "5%", "50%", "95%"});
  auto num = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", v);
    return std::string(b);
  };
  for (std::size_t j = 0; j < c.params.size(); ++j) {
    const Factor& f = c.sweep.factors[j];
    auto d = [&](double v) { return num(to_display(f.dim, v)); };
    const ParamSpec& p = *f.prior;
    static const char* kinds[] = {"fixed", "normal", "lognormal", "uniform", "triangular"};
    t.push_back({f.short_name() + (f.unit.empty() ? "" : " (" + f.unit + ")"), kinds[static_cast<int>(p.kind)],
                 d(r.prior_mean[j]), d(r.post_mean[j]), d(r.post_sd[j]), d(r.post_p05[j]), d(r.post_p50[j]),
                 d(r.post_p95[j])});
  }
  std::string out = format_columns(t, 2, {false, false, true, true, true, true, true, true});
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "accepted %zu of %zu proposals (distance <= %.4g: RMS of ln(sim/obs) over %zu observations up to %d)\n",
                r.accepted.size(), r.distance.size(), r.tolerance, c.observed.size(), c.last_observed_year);
  return out + buf;
}

}  // namespace zonesim::sweep
