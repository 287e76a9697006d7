// Observed series of a scenario (`observed:`) and posterior draws (`parameters.from_posterior`).
// docs/scenarios.md ("Observed series") and docs/validation.md describe both.
#include "observed.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <numeric>

#include "yaml_document.hpp"
#include "zonesim/units.hpp"

namespace zonesim::detail {
namespace {

namespace fs = std::filesystem;

struct Reader {
  Scenario& sc;
  bool check_years;
  Diagnostics& diags;

  void error(const Node& at, const std::string& path, std::string message, std::string hint = {}) {
    diags.add({at.file ? *at.file : std::string("?"), at.line, at.column, path, std::move(message),
               std::move(hint)});
  }
  void key_error(const Node& at, const std::string& path, std::string message, std::string hint = {}) {
    diags.add({at.file ? *at.file : std::string("?"), at.key_line ? at.key_line : at.line,
               at.key_line ? at.key_column : at.column, path, std::move(message), std::move(hint)});
  }

  std::optional<std::string> text(const Node& n, const std::string& path) {
    if (!n.is_scalar() || n.scalar.empty()) {
      error(n, path, "expected text", "");
      return std::nullopt;
    }
    return n.scalar;
  }

  static std::optional<int> whole_year(const std::string& t) {
    if (t.size() != 4 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoi(t);
  }

  // One observation `YEAR: VALUE` (or `YEAR: {value, source}`) of series `o`, appended to it.
  // False when it is invalid (reported).
  bool observation(const std::string& k, const Node& c, const std::string& path, const std::string& series_source,
                   Dim dim, ObservedSeries& o) {
    bool ok = true;
    const std::string vp = path + ".values." + k;
    Node key_at = c;
    key_at.line = c.key_line;
    key_at.column = c.key_column;
    const auto year = whole_year(k);
    if (!year) {
      error(key_at, vp, "\"" + k + "\" is not a year", "write years as whole numbers, e.g. 2019");
      return false;
    }
    if (check_years && (*year < sc.base_year || *year > sc.end_year)) {
      error(key_at, vp, "year " + k + " is outside the run",
            "valid: " + std::to_string(sc.base_year) + " to " + std::to_string(sc.end_year) + " (base_year " +
                std::to_string(sc.base_year) + ", end_year " + std::to_string(sc.end_year) +
                "); keep later observations in the back-test's own file");
      return false;
    }
    const Node* v = &c;
    std::string source = series_source;
    if (c.is_map()) {
      for (const auto& [ak, ac] : c.map)
        if (ak != "value" && ak != "source" && ak != "note") {
          key_error(ac, vp + "." + ak, "unknown annotation key \"" + ak + "\"",
                    "valid annotation keys: value, source, note");
          ok = false;
        }
      v = c.find("value");
      if (!v) {
        key_error(c, vp, "missing `value`", "write {value: 120 亿元, source: \"...\"}");
        return false;
      }
      if (const Node* s = c.find("source")) {
        if (auto t = text(*s, vp + ".source")) source = *t;
      }
    }
    if (!v->is_scalar()) {
      error(*v, vp, "expected a single " + std::string(dim_name(dim)) + " value",
            "write " + std::string(dim_units_help(dim)));
      return false;
    }
    const ParsedQuantity q = parse_quantity(v->scalar, dim);
    if (!q.ok()) {
      error(*v, vp, "\"" + v->scalar + "\": " + q.error + " (" + std::string(indicator_info(o.indicator).key) +
                        " is " + std::string(dim_name(dim)) + ")",
            q.hint.empty() ? "write " + std::string(dim_units_help(dim)) : q.hint);
      return false;
    }
    if (!(q.value > 0) || !std::isfinite(q.value)) {
      error(*v, vp, "an observed value must be positive (the fit compares logarithms)",
            "leave out a year with no positive observation");
      return false;
    }
    if (source.empty()) {
      key_error(c, vp, "observation without a source",
                "give the series a `source:` or the value one: {value: ..., source: \"...\"}; an unsourced "
                "number is written source: assumption");
      return false;
    }
    o.years.push_back(*year);
    o.values.push_back(q.value);
    o.sources.push_back(source);
    return ok;
  }

  void series(const std::string& id, const Node& body) {
    const std::string path = "observed." + id;
    if (!body.is_map()) {
      error(body, path, "an observed series is a mapping",
            "write {indicator: gross_output, zone: all, source: \"...\", values: {2019: 120 亿元}}");
      return;
    }
    static const std::vector<std::string> kKeys = {"indicator", "zone",     "source",  "values",
                                                   "label_en",  "label_zh", "note"};
    bool ok = true;
    for (const auto& [k, c] : body.map)
      if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
        key_error(c, path + "." + k, "unknown observed-series key \"" + k + "\"",
                  unknown_name_hint(k, kKeys, "valid keys"));
        ok = false;
      }
    ObservedSeries o;
    o.id = id;
    const Node* ind = body.find("indicator");
    if (!ind) {
      key_error(body, path, "missing `indicator`", "e.g. indicator: gross_output (see docs/output.md)");
      return;
    }
    if (auto key = text(*ind, path + ".indicator")) {
      o.indicator = indicator_by_key(*key);
      if (o.indicator == Ind::count) {
        std::vector<std::string> keys;
        for (const auto& i : indicator_infos()) keys.emplace_back(i.key);
        error(*ind, path + ".indicator", "unknown indicator \"" + *key + "\"",
              unknown_name_hint(*key, keys, "valid indicators"));
        return;
      }
    } else {
      return;
    }
    const Dim dim = indicator_info(o.indicator).dim;
    o.unit = std::string(dim_display_unit(dim));
    if (const Node* z = body.find("zone")) {
      if (auto zid = text(*z, path + ".zone"); zid && *zid != "all") {
        std::vector<std::string> ids;
        for (const auto& zz : sc.zones) ids.push_back(zz.id);
        const auto it = std::find(ids.begin(), ids.end(), *zid);
        if (it == ids.end()) {
          ids.push_back("all");
          error(*z, path + ".zone", "unknown zone \"" + *zid + "\"", unknown_name_hint(*zid, ids, "valid zones"));
          ok = false;
        } else {
          o.zone = static_cast<int>(it - ids.begin());
        }
      } else if (!zid) {
        ok = false;
      }
    }
    std::string series_source;
    if (const Node* s = body.find("source")) {
      if (auto t = text(*s, path + ".source")) series_source = *t;
      else ok = false;
    }
    if (const Node* s = body.find("label_en")) o.label_en = text(*s, path + ".label_en").value_or("");
    if (const Node* s = body.find("label_zh")) o.label_zh = text(*s, path + ".label_zh").value_or("");
    const Node* values = body.find("values");
    if (!values || !values->is_map() || values->map.empty()) {
      error(values ? *values : body, path + ".values", values ? "values must map years to values" : "missing `values`",
            "write values: {2019: 120 亿元, 2020: 131 亿元}");
      return;
    }
    for (const auto& [k, c] : values->map) ok = observation(k, c, path, series_source, dim, o) && ok;
    if (!ok) return;
    // Years in increasing order (a YAML mapping keeps the order written).
    std::vector<std::size_t> order(o.years.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return o.years[a] < o.years[b]; });
    ObservedSeries sorted = o;
    for (std::size_t i = 0; i < order.size(); ++i) {
      sorted.years[i] = o.years[order[i]];
      sorted.values[i] = o.values[order[i]];
      sorted.sources[i] = o.sources[order[i]];
    }
    sc.observed.push_back(std::move(sorted));
  }

  void block(const Node& n) {
    if (!n.is_map()) {
      error(n, "observed", "observed must map series ids to series, or name a file",
            "write observed: {gdp: {indicator: value_added, zone: all, source: ..., values: {...}}} or "
            "observed: observed.yaml");
      return;
    }
    for (const auto& [id, body] : n.map) series(id, body);
  }
};

// yaml-cpp -> Node, keeping positions (a small copy of the loader's converter; files of observed
// series are small, with no extends and no overrides).
Node convert(const YAML::Node& y, const std::shared_ptr<const std::string>& file, int depth = 0) {
  Node n;
  n.file = file;
  n.line = y.Mark().line + 1;
  n.column = y.Mark().column + 1;
  if (depth > 16) return n;
  if (y.IsScalar()) {
    n.kind = Node::Kind::scalar;
    n.scalar = y.Scalar();
  } else if (y.IsMap()) {
    n.kind = Node::Kind::map;
    for (const auto& entry : y) {
      if (!entry.first.IsScalar()) continue;
      Node child = convert(entry.second, file, depth + 1);
      child.key_line = entry.first.Mark().line + 1;
      child.key_column = entry.first.Mark().column + 1;
      if (child.kind == Node::Kind::null) {
        child.line = child.key_line;
        child.column = child.key_column;
      }
      n.map.emplace_back(entry.first.Scalar(), std::move(child));
    }
  } else if (y.IsSequence()) {
    n.kind = Node::Kind::seq;
    for (const auto& item : y) n.seq.push_back(convert(item, file, depth + 1));
  }
  return n;
}

// The path of a file named in a scenario (relative to the file that names it) and as shown.
std::pair<std::string, std::string> named_path(const Node& at) {
  const fs::path base = at.file ? fs::path(*at.file).parent_path() : fs::path();
  const std::string p = (base / at.scalar).lexically_normal().string();
  return {p, p};
}

}  // namespace

void read_observed(const Node& node, Scenario& sc, bool check_years, Diagnostics& diags) {
  Reader r{sc, check_years, diags};
  if (!node.is_scalar()) {
    r.block(node);
    return;
  }
  const auto [path, shown] = named_path(node);
  InputFile input = read_input_file(path);
  if (input.status != InputFile::Status::ok) {
    r.error(node, "observed", "cannot read observed series \"" + node.scalar + "\" (looked for " + path + ")",
            "observed: takes a YAML file path relative to the scenario file");
    return;
  }
  auto doc = load_one_document(input.text, shown, diags, "observed-series file", "keep one document per file");
  if (!doc) return;
  Node root = convert(*doc, std::make_shared<const std::string>(shown));
  const Node* obs = root.is_map() ? root.find("observed") : nullptr;
  if (!obs) {
    diags.add({shown, root.line, root.column, "observed", "the file holds no `observed:` mapping",
               "write observed: {series-id: {indicator: ..., zone: ..., source: ..., values: {...}}}"});
    return;
  }
  for (const auto& [k, c] : root.map)
    if (k != "observed" && k != "source" && k != "notes")
      r.key_error(c, k, "unknown key \"" + k + "\" in an observed-series file", "valid: observed, source, notes");
  r.block(*obs);
}

namespace {

// Reads /posterior of a `zonesim calibrate` output: parameter keys, accepted draws and weights.
std::string read_posterior_file(const std::string& path, PosteriorDraws& out) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (!fs::is_regular_file(path)) return "cannot read posterior file";
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return "not an HDF5 file";
  std::string problem;
  auto read_doubles = [&](const char* name, std::vector<double>& v, std::vector<hsize_t>& dims) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return false;
    hid_t sp = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(sp);
    dims.assign(static_cast<std::size_t>(std::max(rank, 0)), 0);
    if (rank > 0) H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
    hsize_t n = 1;
    for (auto x : dims) n *= x;
    v.assign(n, 0.0);
    const bool ok = n == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0;
    H5Sclose(sp);
    H5Dclose(d);
    return ok;
  };
  std::vector<std::string> keys;
  {
    hid_t d = H5Dopen2(f, "/posterior/parameter", H5P_DEFAULT);
    if (d < 0) {
      H5Fclose(f);
      return "it has no /posterior group (is it a `zonesim calibrate` output?)";
    }
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp, &n, nullptr);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    std::vector<char*> ptrs(n, nullptr);
    if (n && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >= 0) {
      for (char* p : ptrs) keys.emplace_back(p ? p : "");
      H5Dvlen_reclaim(t, sp, H5P_DEFAULT, ptrs.data());
    }
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
  }
  std::vector<double> values, weights;
  std::vector<hsize_t> vd, wd;
  if (!read_doubles("/posterior/accepted_values_canonical", values, vd) || vd.size() != 2 ||
      !read_doubles("/posterior/weight", weights, wd) || wd.size() != 1 || vd[0] != wd[0] ||
      vd[1] != keys.size())
    problem = "its /posterior group is incomplete";
  H5Fclose(f);
  if (!problem.empty()) return problem;
  if (weights.empty()) return "the calibration accepted no draws";
  for (const auto& k : keys) {
    const auto& ps = parameter_settings();
    const auto it = std::find_if(ps.begin(), ps.end(), [&](const Setting& s) { return s.key == k; });
    if (it == ps.end()) return "it calibrates an unknown parameter \"" + k + "\"";
    out.params.push_back(static_cast<Param>(it - ps.begin()));
  }
  double total = 0;
  for (double w : weights) total += (w > 0 && std::isfinite(w)) ? w : 0.0;
  if (!(total > 0)) return "its weights are not positive";
  double acc = 0;
  for (double w : weights) {
    acc += (w > 0 && std::isfinite(w)) ? w / total : 0.0;
    out.cumulative.push_back(acc);
  }
  out.cumulative.back() = 1.0;
  out.values = std::move(values);
  return {};
}

}  // namespace

void read_posterior(const Node& node, Scenario& sc, Diagnostics& diags) {
  Reader r{sc, true, diags};
  if (!node.is_scalar() || node.scalar.empty()) {
    r.error(node, "parameters.from_posterior", "expected the path of a `zonesim calibrate` output",
            "write parameters: {from_posterior: ../out/calibration.h5}");
    return;
  }
  PosteriorDraws post;
  const auto [path, shown] = named_path(node);
  // Read once per process and file version: a sweep loads its scenario for every point on worker
  // threads, and the HDF5 library is not thread-safe (the first load, on the main thread before
  // any worker starts, fills the cache).
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, PosteriorDraws>> cache;
  std::error_code ec;
  const std::string key = fs::weakly_canonical(path, ec).string() + "|" +
                          std::to_string(fs::exists(path, ec) ? fs::last_write_time(path, ec).time_since_epoch().count() : 0) +
                          "|" + std::to_string(fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0);
  std::string problem;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(key);
    if (it == cache.end()) {
      PosteriorDraws read;
      std::string p = read_posterior_file(path, read);
      it = cache.emplace(key, std::make_pair(std::move(p), std::move(read))).first;
    }
    problem = it->second.first;
    post = it->second.second;
  }
  post.file = node.scalar;
  if (!problem.empty()) {
    r.error(node, "parameters.from_posterior", "cannot use posterior \"" + node.scalar + "\" (" + path + "): " + problem,
            "run `zonesim calibrate CALIB.yaml -o FILE` first; the path is relative to the scenario file");
    return;
  }
  sc.posterior = std::move(post);
}

}  // namespace zonesim::detail
