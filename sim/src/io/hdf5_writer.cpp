#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <stdexcept>

#include "hdf5_fit.hpp"
#include "hdf5_reach.hpp"
#include "hdf5_util.hpp"
#include "zonesim/output.hpp"
#include "zonesim_build_info.hpp"

namespace zonesim {
namespace {

namespace fs = std::filesystem;

using namespace zonesim::h5;

template <class T>
void attr_number(hid_t obj, const char* name, T value) {
  hid_t mem = std::is_floating_point_v<T> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_LLONG;
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid a(H5Acreate2(obj, name, mem, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if constexpr (std::is_floating_point_v<T>) {
    double v = value;
    check(H5Awrite(a, mem, &v), "attribute write");
  } else {
    long long v = static_cast<long long>(value);
    check(H5Awrite(a, mem, &v), "attribute write");
  }
}

// A numeric dataset, chunked and compressed when large enough to matter.
template <class T>
Hid dataset(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims,
            const std::vector<T>& data, const std::vector<hsize_t>& chunk = {}) {
  hid_t file_type, mem_type;
  if constexpr (std::is_same_v<T, double>) {
    file_type = H5T_IEEE_F64LE;
    mem_type = H5T_NATIVE_DOUBLE;
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    file_type = H5T_STD_I32LE;
    mem_type = H5T_NATIVE_INT32;
  } else {
    static_assert(std::is_same_v<T, std::uint8_t>);
    file_type = H5T_STD_U8LE;
    mem_type = H5T_NATIVE_UINT8;
  }
  Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t total = 1;
  for (auto d : dims) total *= d;
  if (!chunk.empty() && total > 0) {
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk");
    check(H5Pset_shuffle(dcpl), "shuffle");
    check(H5Pset_deflate(dcpl, 4), "deflate");
  }
  Hid d(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
  if (total > 0) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write");
  return d;
}

// The /dims coordinates as HDF5 dimension scales (H5DS), attached to the axes of the labelled
// arrays: netCDF-4 readers (xarray with h5netcdf) see named dims year, zone, replication, ...
// A scale the arrays outside /dims use is also linked at the root (a hard link: one object, two
// names), where netCDF-4 readers look for the dimensions of /indicators, /spending and
// /sector_output (a group sees the dimensions of its ancestors, not of its siblings).
Hid make_scale(hid_t dims_group, const char* name, hid_t link_at_root = -1) {
  Hid d(H5Dopen2(dims_group, name, H5P_DEFAULT), H5Dclose);
  check(H5DSset_scale(d, name), "dimension scale");  // H5DSmake_scale from HDF5 1.12 on
  if (link_at_root >= 0)
    check(H5Lcreate_hard(dims_group, name, link_at_root, name, H5P_DEFAULT, H5P_DEFAULT), "link dimension scale");
  return d;
}

void attach_scales(hid_t dataset, std::initializer_list<hid_t> scales) {
  unsigned axis = 0;
  for (hid_t scale : scales) check(H5DSattach_scale(dataset, scale, axis++), "attach dimension scale");
}

void attach_scale_by_name(hid_t dims_group, const char* name, hid_t scale) {
  Hid d(H5Dopen2(dims_group, name, H5P_DEFAULT), H5Dclose);
  attach_scales(d, {scale});
}

// The sizes of a run's arrays: replications, years (base year included), zones (and "all"),
// sectors; replications per chunk.
struct Shape {
  hsize_t R, Y, Z, S, rchunk;
};

// The dimension scales in /dims that the labelled arrays attach to.
struct Scales {
  Hid year, zone, rep, sector;
};

// The file's attributes: what ran, when, with which seed, threads and ranks.
void write_attributes(hid_t file, const Scenario& s, hsize_t R, const Provenance& prov) {
  attr_number(file, "format_version", kFormatVersion);
  attr_string(file, "zonesim_version", zonesim_version());
  attr_string(file, "git_revision", zonesim_git_revision());
  attr_string(file, "scenario_name", s.name);
  attr_string(file, "title_en", s.title_en);
  attr_string(file, "title_zh", s.title_zh);
  attr_u64(file, "seed", s.seed);
  attr_number(file, "replications", static_cast<long long>(R));
  attr_number(file, "base_year", s.base_year);
  attr_number(file, "end_year", s.end_year);
  // Real firms per model firm: the firm counts of the file are model counts (docs/output.md).
  attr_number(file, "firm_count_scale", s.region[static_cast<std::size_t>(RegionField::firm_count_scale)]);
  attr_number(file, "threads", prov.threads);
  attr_number(file, "ranks", prov.ranks);
  attr_string(file, "started_at", prov.started_at);
  attr_string(file, "finished_at", prov.finished_at);
  attr_string(file, "command_line", prov.command_line);
  attr_string(file, "kind", "run");
}

// /scenario: the scenario as run (merged YAML), its source files, the resolved values.
void write_scenario(hid_t file, const Scenario& s) {
  Hid g = group(file, "scenario");
  dataset_string(g, "text", s.text);
  dataset_strings(g, "source_texts", s.source_texts);
  dataset_string(g, "resolved", resolved_scenario_json(s));
  attr_string(g, "file", s.file);
}

// /dims: years, replications, zones, sectors, spending items, as dimension scales.
Scales write_dims(hid_t file, const Scenario& s, const Shape& sh) {
  const auto R = sh.R, Y = sh.Y;
  Scales sc;
  Hid g = group(file, "dims");
  std::vector<std::int32_t> years, reps;
  for (int y = s.base_year; y <= s.end_year; ++y) years.push_back(y);
  for (hsize_t r = 0; r < R; ++r) reps.push_back(static_cast<std::int32_t>(r));
  dataset(g, "year", {Y}, years);
  dataset(g, "replication", {R}, reps);
  std::vector<std::string> zones, zones_zh, zones_en, sectors, sectors_zh, spend, spend_zh, spend_en;
  for (const auto& z : s.zones) {
    zones.push_back(z.id);
    zones_zh.push_back(z.name_zh.empty() ? z.id : z.name_zh);
    zones_en.push_back(z.name_en.empty() ? z.id : z.name_en);
  }
  zones.push_back("all");
  zones_zh.push_back("全部园区");
  zones_en.push_back("All zones");
  for (const auto& x : s.sectors) {
    sectors.push_back(x.id);
    sectors_zh.push_back(x.name_zh.empty() ? x.id : x.name_zh);
  }
  for (const auto& x : spend_infos()) {
    spend.emplace_back(x.key);
    spend_zh.emplace_back(x.zh);
    spend_en.emplace_back(x.en);
  }
  dataset_strings(g, "zone", zones);
  dataset_strings(g, "zone_name_zh", zones_zh);
  dataset_strings(g, "zone_name_en", zones_en);
  dataset_strings(g, "sector", sectors);
  dataset_strings(g, "sector_name_zh", sectors_zh);
  dataset_strings(g, "spending", spend);
  dataset_strings(g, "spending_name_zh", spend_zh);
  dataset_strings(g, "spending_name_en", spend_en);
  sc.year = make_scale(g, "year", file);
  sc.zone = make_scale(g, "zone", file);
  sc.rep = make_scale(g, "replication", file);
  sc.sector = make_scale(g, "sector", file);
  Hid spending_dim = make_scale(g, "spending");  // only /dims uses it
  attach_scale_by_name(g, "zone_name_zh", sc.zone);
  attach_scale_by_name(g, "zone_name_en", sc.zone);
  attach_scale_by_name(g, "sector_name_zh", sc.sector);
  attach_scale_by_name(g, "spending_name_zh", spending_dim);
  attach_scale_by_name(g, "spending_name_en", spending_dim);
  return sc;
}

// /indicators: [year, zone, replication], chunks of all years and zones for a block of
// replications, so both "X for all replications in year Y" and "X over years for R" read one
// or a few chunks.
void write_indicators(hid_t file, const Ensemble& e, const Shape& sh, const Scales& sc, const WriteOptions& options) {
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  const auto R = sh.R, Y = sh.Y, Z = sh.Z, rchunk = sh.rchunk;
  Hid g = group(file, "indicators");
  std::vector<double> buf(Y * Z * R);
  for (std::size_t i = 0; i < kIndicatorCount; ++i) {
    if (cancelled()) throw std::runtime_error("cancelled");
    const IndicatorInfo& info = indicator_infos()[i];
    for (hsize_t y = 0; y < Y; ++y)
      for (hsize_t z = 0; z < Z; ++z)
        for (hsize_t r = 0; r < R; ++r)
          buf[(y * Z + z) * R + r] = to_display(
              info.dim, e.replications[r].ind(static_cast<int>(y), static_cast<int>(z), static_cast<Ind>(i)));
    Hid d = dataset(g, std::string(info.key), {Y, Z, R}, buf, {Y, Z, rchunk});
    label(d, dim_unit_text(info.dim), info.en, info.zh, "year,zone,replication");
    attach_scales(d, {sc.year, sc.zone, sc.rep});
  }
}

// /sector_output: [year, zone, sector, replication].
void write_sector_output(hid_t file, const Ensemble& e, const Shape& sh, const Scales& sc) {
  const auto R = sh.R, Y = sh.Y, Z = sh.Z, S = sh.S, rchunk = sh.rchunk;
  std::vector<double> buf(Y * Z * S * R);
  for (hsize_t y = 0; y < Y; ++y)
    for (hsize_t z = 0; z < Z; ++z)
      for (hsize_t sec = 0; sec < S; ++sec)
        for (hsize_t r = 0; r < R; ++r)
          buf[((y * Z + z) * S + sec) * R + r] =
              e.replications[r].sec(static_cast<int>(y), static_cast<int>(z), static_cast<int>(sec)) / 1e8;
  Hid d = dataset(file, "sector_output", {Y, Z, S, R}, buf, {Y, Z, S, rchunk});
  label(d, "亿元", "Gross industrial output by sector", "分产业工业总产值", "year,zone,sector,replication");
  attach_scales(d, {sc.year, sc.zone, sc.sector, sc.rep});
}

// /spending: per budget item, [year, zone, replication].
void write_spending(hid_t file, const Ensemble& e, const Shape& sh, const Scales& sc) {
  const auto R = sh.R, Y = sh.Y, Z = sh.Z, rchunk = sh.rchunk;
  Hid g = group(file, "spending");
  std::vector<double> buf(Y * Z * R);
  for (std::size_t k = 0; k < kSpendCount; ++k) {
    for (hsize_t y = 0; y < Y; ++y)
      for (hsize_t z = 0; z < Z; ++z)
        for (hsize_t r = 0; r < R; ++r)
          buf[(y * Z + z) * R + r] =
              e.replications[r].spend(static_cast<int>(y), static_cast<int>(z), static_cast<Spend>(k)) / 1e8;
    const SpendInfo& info = spend_infos()[k];
    Hid d = dataset(g, std::string(info.key), {Y, Z, R}, buf, {Y, Z, rchunk});
    label(d, "亿元", info.en, info.zh, "year,zone,replication");
    attach_scales(d, {sc.year, sc.zone, sc.rep});
  }
}

// /targets: each target, its value per replication and whether it is met.
void write_targets(hid_t file, const Scenario& s, const std::vector<TargetResult>& targets, const Shape& sh) {
  const auto R = sh.R, rchunk = sh.rchunk;
  Hid g = group(file, "targets");
  const auto T = static_cast<hsize_t>(targets.size());
  const TargetTable tt = target_table(s, targets, static_cast<std::size_t>(R));
  dataset_strings(g, "id", tt.id);
  dataset_strings(g, "kind", tt.kind);
  dataset_strings(g, "indicator", tt.indicator);
  dataset_strings(g, "zone", tt.zone);
  dataset_strings(g, "comparison", tt.comparison);
  dataset_strings(g, "unit", tt.unit);
  dataset_strings(g, "source", tt.source);
  dataset_strings(g, "label_en", tt.label_en);
  dataset_strings(g, "label_zh", tt.label_zh);
  dataset(g, "year", {T}, tt.year);
  dataset(g, "value", {T}, tt.value);
  dataset(g, "mean", {T}, tt.mean);
  dataset(g, "p05", {T}, tt.p05);
  dataset(g, "p50", {T}, tt.p50);
  dataset(g, "p95", {T}, tt.p95);
  Hid dp = dataset(g, "probability", {T}, tt.probability);
  attr_string(dp, "unit", "1");
  attr_string(dp, "label_en", "Share of replications that meet the target");
  attr_string(dp, "label_zh", "达标概率");
  Hid dct = dataset(g, "cluster_threshold", {T}, tt.cluster_threshold);
  attr_string(dct, "unit", "亿元");
  dataset(g, "top_n", {T}, tt.top_n);
  Hid dv = dataset(g, "values", {T, R}, tt.values, T && R ? std::vector<hsize_t>{T, rchunk} : std::vector<hsize_t>{});
  attr_string(dv, "dims", "target,replication");
  Hid dm = dataset(g, "met", {T, R}, tt.met, T && R ? std::vector<hsize_t>{T, rchunk} : std::vector<hsize_t>{});
  attr_string(dm, "dims", "target,replication");
}

// /calibration: the base-year values stated per zone against those generated.
void write_calibration(hid_t file, const Scenario& s, const Ensemble& e, const Shape& sh) {
  const auto R = sh.R, Z = sh.Z;
  Hid g = group(file, "calibration");
  const auto K = static_cast<hsize_t>(kCalibrationItems);
  const hsize_t Zr = Z - 1;
  std::vector<std::string> items, units;
  for (std::size_t c = 0; c < kCalibrationItems; ++c) {
    items.emplace_back(calibration_item_key(static_cast<CalibrationItem>(c)));
    units.push_back(dim_unit_text(calibration_dim(static_cast<CalibrationItem>(c))));
  }
  std::vector<double> stated(Zr * K), mean(Zr * K, 0.0), rel(Zr * K), gen(R * Zr * K);
  for (hsize_t z = 0; z < Zr; ++z)
    for (hsize_t c = 0; c < K; ++c) {
      auto item = static_cast<CalibrationItem>(c);
      stated[z * K + c] = to_display(calibration_dim(item), calibration_stated(s.zones[z], item));
      for (hsize_t r = 0; r < R; ++r) {
        double v = to_display(calibration_dim(item), e.replications[r].calibration[z * K + c]);
        gen[(r * Zr + z) * K + c] = v;
        mean[z * K + c] += v / static_cast<double>(R);
      }
      rel[z * K + c] = stated[z * K + c] != 0 ? mean[z * K + c] / stated[z * K + c] - 1.0 : 0.0;
    }
  dataset_strings(g, "item", items);
  dataset_strings(g, "unit", units);
  Hid ds = dataset(g, "stated", {Zr, K}, stated);
  attr_string(ds, "dims", "zone,item");
  Hid dgm = dataset(g, "generated_mean", {Zr, K}, mean);
  attr_string(dgm, "dims", "zone,item");
  Hid dr = dataset(g, "relative_error", {Zr, K}, rel);
  attr_string(dr, "unit", "1");
  attr_string(dr, "dims", "zone,item");
  Hid dg = dataset(g, "generated", {R, Zr, K}, gen);
  attr_string(dg, "dims", "replication,zone,item");
}

// /parameters: each parameter and its draw per replication.
void write_parameters(hid_t file, const Scenario& s, const Ensemble& e, hsize_t R) {
  Hid g = group(file, "parameters");
  const auto P = static_cast<hsize_t>(kParamCount);
  std::vector<std::string> names, units;
  std::vector<std::uint8_t> uncertain;
  std::vector<double> draws(R * P);
  for (std::size_t k = 0; k < kParamCount; ++k) {
    const Setting& st = setting(static_cast<Param>(k));
    names.emplace_back(st.key);
    units.push_back(dim_unit_text(st.dim));
    uncertain.push_back(s.params[k].uncertain() ? 1 : 0);
    for (hsize_t r = 0; r < R; ++r) draws[r * P + k] = to_display(st.dim, e.replications[r].params[k]);
  }
  dataset_strings(g, "name", names);
  dataset_strings(g, "unit", units);
  dataset(g, "uncertain", {P}, uncertain);
  Hid d = dataset(g, "draws", {R, P}, draws);
  attr_string(d, "dims", "replication,parameter");
}

// /firm_panel: the firms of the replications asked for, one row per firm and year.
void write_firm_panel(hid_t file, const Ensemble& e) {
  Hid g = group(file, "firm_panel");
  for (std::size_t k = 0; k < e.panels.size(); ++k) {
    const FirmPanel& p = e.panels[k];
    Hid rg = group(g, "replication_" + std::to_string(e.panel_replications[k]));
    const auto N = static_cast<hsize_t>(p.year.size());
    std::vector<hsize_t> ch = N ? std::vector<hsize_t>{std::min<hsize_t>(N, 65536)} : std::vector<hsize_t>{};
    dataset(rg, "year", {N}, p.year, ch);
    dataset(rg, "firm", {N}, p.firm, ch);
    dataset(rg, "zone", {N}, p.zone, ch);
    dataset(rg, "sector", {N}, p.sector, ch);
    dataset(rg, "birth_year", {N}, p.birth_year, ch);
    dataset(rg, "exit_year", {N}, p.exit_year, ch);
    std::vector<double> out(p.output.size()), land = p.land_mu, rd(p.rd_intensity.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = p.output[i] / 1e4;
    for (std::size_t i = 0; i < rd.size(); ++i) rd[i] = p.rd_intensity[i] * 100.0;
    Hid d1 = dataset(rg, "output", {N}, out, ch);
    attr_string(d1, "unit", "万元");
    Hid d2 = dataset(rg, "rd_intensity", {N}, rd, ch);
    attr_string(d2, "unit", "%");
    std::vector<double> relabelled(p.rd_relabelled_share.size());
    for (std::size_t i = 0; i < relabelled.size(); ++i) relabelled[i] = p.rd_relabelled_share[i] * 100.0;
    Hid d2r = dataset(rg, "rd_relabelled_share", {N}, relabelled, ch);
    attr_string(d2r, "unit", "%");
    Hid d3 = dataset(rg, "land", {N}, land, ch);
    attr_string(d3, "unit", "mu");
    dataset(rg, "productivity", {N}, p.productivity, ch);
    dataset(rg, "employment", {N}, p.employment, ch);
    dataset(rg, "hightech", {N}, p.hightech, ch);
  }
}

void write_contents(hid_t file, const Scenario& s, const Ensemble& e,
                    const std::vector<TargetResult>& targets, const Provenance& prov,
                    const WriteOptions& options) {
  Shape sh;
  sh.R = static_cast<hsize_t>(e.replications.size());
  sh.Y = static_cast<hsize_t>(s.years() + 1);
  sh.Z = static_cast<hsize_t>(s.zones.size() + 1);
  sh.S = static_cast<hsize_t>(s.sectors.size());
  sh.rchunk = std::min<hsize_t>(sh.R, 512);
  write_attributes(file, s, sh.R, prov);
  write_scenario(file, s);
  const Scales sc = write_dims(file, s, sh);
  write_indicators(file, e, sh, sc, options);
  write_sector_output(file, e, sh, sc);
  write_spending(file, e, sh, sc);
  write_targets(file, s, targets, sh);
  write_calibration(file, s, e, sh);
  write_parameters(file, s, e, sh.R);
  if (!e.panels.empty()) write_firm_panel(file, e);
}

}  // namespace

std::string dim_unit_text(Dim d) {
  if (d == Dim::count) return "count";
  auto u = dim_display_unit(d);
  return u.empty() ? "1" : std::string(u);
}

std::string iso_time_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string zonesim_version() { return ZONESIM_VERSION_STRING; }
std::string zonesim_git_revision() { return ZONESIM_GIT_REVISION; }

std::string not_a_regular_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);  // a symbolic link is judged by its target
  const char* kind = nullptr;
  switch (st.type()) {
    case fs::file_type::not_found:
    case fs::file_type::regular: return {};
    case fs::file_type::directory: kind = "a directory"; break;
    case fs::file_type::fifo: kind = "a FIFO (named pipe)"; break;
    case fs::file_type::character: kind = "a character device"; break;
    case fs::file_type::block: kind = "a block device"; break;
    case fs::file_type::socket: kind = "a socket"; break;
    case fs::file_type::none:
      return "cannot inspect output path " + path + ": " + ec.message();
    default: kind = "not a regular file"; break;
  }
  return "output path " + path + " is " + kind +
         ", not a regular file; give a file name such as out/run.h5 (only a regular file is ever replaced, "
         "even with --force)";
}

void create_default_output_dir(const std::string& path) {
  if (fs::path(path).parent_path() != "out") return;
  std::error_code ec;
  fs::create_directory("out", ec);  // when it fails, check_output_path says why
}

std::string check_output_path(const std::string& path, bool force) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) return "output path " + path + " is a directory; give a file name such as out/run.h5";
  if (std::string problem = not_a_regular_file(path); !problem.empty()) return problem;
  if (fs::exists(p, ec) && !force)
    return "output file " + path + " exists; pass --force to overwrite it";
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::exists(dir, ec)) return "output directory " + dir.string() + " does not exist";
  if (access(dir.c_str(), W_OK) != 0)
    return "output directory " + dir.string() + " is not writable (" + std::strerror(errno) + ")";
  return {};
}

std::string write_run_file(const std::string& path, const Scenario& s, const Ensemble& e,
                           const std::vector<TargetResult>& targets, const Provenance& prov,
                           const WriteOptions& options, const ReachResult* reach) {
  if (std::string problem = check_output_path(path, options.force); !problem.empty()) return problem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  fs::path tmp = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, once
  if (std::string problem = not_a_regular_file(tmp.string()); !problem.empty()) return problem;
  std::string error;
  try {
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), "libver");
    hid_t raw = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (raw < 0) throw std::runtime_error("cannot create " + tmp.string());
    {
      Hid file(raw, H5Fclose);
      write_contents(file, s, e, targets, prov, options);
      write_fit_group(file, s, e);  // hdf5_fit.cpp
      if (reach) write_reach_group(file, s, *reach);  // hdf5_reach.cpp
      check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
      check(file.close(), "close");
    }
    if (options.cancel && options.cancel->load()) throw std::runtime_error("cancelled");
    // Make the data durable before the rename makes it visible.
    // (A full disk may only show here, when delayed allocation finally needs the blocks.)
    if (FILE* fp = std::fopen(tmp.c_str(), "rb")) {
      const bool synced = fsync(fileno(fp)) == 0;
      const int err = errno;
      std::fclose(fp);
      if (!synced) throw std::runtime_error("HDF5 file " + tmp.string() + " not stored: " + std::strerror(err));
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw std::runtime_error("cannot rename the finished file into place: " + ec.message());
  } catch (const std::exception& ex) {
    error = std::string("writing ") + path + " failed: " + ex.what();
    if (std::string(ex.what()).find("HDF5") != std::string::npos)
      error += " (is the disk full or the directory read-only?)";
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  return error;
}

}  // namespace zonesim
