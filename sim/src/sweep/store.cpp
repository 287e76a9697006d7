// Streaming HDF5 output of a sweep, its crash-safe journal, and the final analysis.
//
// Every value is written at its (point, replication) index, never in completion order, so the
// datasets are the same whatever the number of threads or ranks and however often the sweep was
// stopped and resumed. Layout: docs/sweeps.md.
#include <fcntl.h>
#include <hdf5.h>

#include "../io/hdf5_util.hpp"
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "zonesim/engine.hpp"
#include "zonesim/output.hpp"
#include "zonesim/sweep.hpp"
#include "zonesim/text.hpp"

namespace zonesim::sweep {
namespace fs = std::filesystem;

namespace {

using namespace zonesim::h5;

void attr_double(hid_t obj, const char* name, double v) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Hid a(H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &v), "attribute write");
}

void attr_int(hid_t obj, const char* name, long long v) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Hid a(H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_LLONG, &v), "attribute write");
}

template <class T>
std::pair<hid_t, hid_t> types() {
  if constexpr (std::is_same_v<T, double>) return {H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
  else if constexpr (std::is_same_v<T, std::int32_t>) return {H5T_STD_I32LE, H5T_NATIVE_INT32};
  else {
    static_assert(std::is_same_v<T, std::uint8_t>);
    return {H5T_STD_U8LE, H5T_NATIVE_UINT8};
  }
}

// A pre-sized dataset, chunked along the first (point) axis and compressed; unwritten values
// read as the fill value (NaN for doubles).
template <class T>
Hid presized(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims, T fill) {
  auto [file_type, mem_type] = types<T>();
  Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  hsize_t row = 1, total = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) row *= dims[i];
  for (auto d : dims) total *= d;
  if (total > 0) {
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::clamp<hsize_t>(65536 / (row * sizeof(T)), 1, dims[0]);
    check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunk");
    check(H5Pset_shuffle(dcpl), "shuffle");
    check(H5Pset_deflate(dcpl, 4), "deflate");
  }
  check(H5Pset_fill_value(dcpl, mem_type, &fill), "fill value");
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET), "fill time");
  return Hid(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
}

template <class T>
void whole(hid_t parent, const std::string& name, const std::vector<hsize_t>& dims, const std::vector<T>& data) {
  auto [file_type, mem_type] = types<T>();
  Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Hid d(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!data.empty()) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write");
}

// Writes `data` into row `point` (first axis) of an open dataset.
template <class T>
void write_row(hid_t dset, hsize_t point, const std::vector<T>& data) {
  if (data.empty()) return;
  Hid fspace(H5Dget_space(dset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(fspace);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank)), start(rank, 0), count;
  H5Sget_simple_extent_dims(fspace, dims.data(), nullptr);
  count = dims;
  start[0] = point;
  count[0] = 1;
  check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "select");
  hsize_t n = data.size();
  Hid mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
  check(H5Dwrite(dset, types<T>().second, mspace, fspace, H5P_DEFAULT, data.data()), "row write");
}

std::vector<double> read_all(hid_t file, const std::string& name, std::vector<hsize_t>* shape = nullptr) {
  Hid d(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  Hid space(H5Dget_space(d), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (auto x : dims) n *= x;
  std::vector<double> out(n);
  if (n) check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read");
  if (shape) *shape = dims;
  return out;
}

void label(hid_t obj, const std::string& unit, const std::string& en, const std::string& zh, const std::string& dims) {
  attr_string(obj, "unit", unit.empty() ? "1" : unit);
  attr_string(obj, "label_en", en);
  attr_string(obj, "label_zh", zh);
  attr_string(obj, "dims", dims);
}

// ---- journal ---------------------------------------------------------------------------------

constexpr std::uint32_t kRecordMagic = 0x5A535750u;  // "ZSWP"
const char* const kJournalHeader = "zonesim sweep journal 1\n";

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

bool write_fully(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Identifies a sweep: a journal is only resumed by the same sweep of the same base scenario.
std::string fingerprint(const SweepSpec& s, int total_points) {
  std::string all = s.text + "\x1f" + s.base.text + "\x1f" + zonesim_version() + "\x1f" +
                    std::to_string(total_points) + "\x1f" + std::to_string(row_stride(s));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(all.data(), all.size())));
  return buf;
}

}  // namespace

std::string journal_path_for(const std::string& out) { return out + ".journal"; }
std::string partial_path_for(const std::string& out) { return out + ".partial.h5"; }

struct SweepStore::Impl {
  const SweepSpec* spec = nullptr;
  std::string out, partial, journal;
  int P = 0, R = 0, O = 0, T = 0, k = 0, U = 0, stride = 0;
  Options options;
  std::vector<std::uint8_t> done;
  int done_count = 0;
  int journal_fd = -1;
  bool failed = false;  // writing the file or the journal failed (a full disk)
  Hid file;
  Hid d_unit, d_matrix, d_out, d_tval, d_tmet, d_cost, d_param, d_pout, d_ptmean, d_pprob, d_pall, d_preq, d_pcost, d_done;

  ~Impl() {
    // A file that cannot be flushed is abandoned, not closed: HDF5 1.10 frees a file whose close
    // fails to write but keeps its identifier, and its shutdown then crashes on it (main() turns
    // that shutdown off). The journal keeps the finished points for --resume.
    if (!failed && file >= 0 && H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) failed = true;
    if (failed) abandon();
    if (journal_fd >= 0) ::close(journal_fd);
  }

  // Forgets the file's handles without closing them and removes the partial file.
  void abandon() {
    for (Hid* h : {&d_unit, &d_matrix, &d_out, &d_tval, &d_tmet, &d_cost, &d_pout, &d_ptmean, &d_pprob, &d_pall,
                   &d_preq, &d_pcost, &d_done, &file})
      h->release();
    std::error_code ec;
    fs::remove(partial, ec);
  }

  // Runs a write; a failure marks the store failed and says what to suspect.
  template <class F>
  auto guarded(F&& f) {
    try {
      return f();
    } catch (const std::invalid_argument&) {
      throw;  // a journal of another sweep: the user's input, nothing failed to write
    } catch (const std::exception& e) {
      failed = true;
      throw std::runtime_error(std::string(e.what()) + " (is the disk full or the directory read-only?)");
    }
  }

  void create_file() {
    const SweepSpec& s = *spec;
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), "libver");
    file = Hid(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose);
    attr_int(file, "format_version", kFormatVersion);
    attr_string(file, "kind", "sweep");
    attr_string(file, "zonesim_version", zonesim_version());
    attr_string(file, "git_revision", zonesim_git_revision());
    attr_string(file, "sweep_name", s.name);
    attr_string(file, "scenario_name", s.base.name);
    attr_string(file, "design", std::string(design_name(s.design)));
    h5::attr_u64(file, "seed", s.seed);
    attr_int(file, "replications", R);
    attr_int(file, "points", P);
    attr_int(file, "base_year", s.base.base_year);
    attr_int(file, "end_year", s.base.end_year);
    attr_int(file, "threads", options.threads);
    attr_int(file, "ranks", options.ranks);
    attr_string(file, "command_line", options.command_line);
    {
      Hid g = group(file, "sweep");
      dataset_string(g, "text", s.text);
      attr_string(g, "file", s.file);
    }
    {
      Hid g = group(file, "scenario");
      dataset_string(g, "text", s.base.text);
      dataset_string(g, "resolved", resolved_scenario_json(s.base));
      attr_string(g, "file", s.base_path);
    }
    {
      Hid g = group(file, "design");
      std::vector<std::string> key, unit, values, sets;
      std::vector<double> low, high;
      std::vector<std::uint8_t> discrete;
      for (const auto& f : s.factors) {
        key.push_back(f.key);
        unit.push_back(f.discrete ? "index" : (f.unit.empty() ? "1" : f.unit));
        std::string v;
        for (const auto& x : f.values) v += (v.empty() ? "" : "|") + x;
        values.push_back(v);
        low.push_back(f.display_at(0.0));
        high.push_back(f.display_at(1.0));
        discrete.push_back(f.discrete ? 1 : 0);
      }
      dataset_strings(g, "factor", key);
      dataset_strings(g, "unit", unit);
      dataset_strings(g, "values", values);
      whole<double>(g, "low", {static_cast<hsize_t>(k)}, low);
      whole<double>(g, "high", {static_cast<hsize_t>(k)}, high);
      whole<std::uint8_t>(g, "discrete", {static_cast<hsize_t>(k)}, discrete);
      const double nan = std::numeric_limits<double>::quiet_NaN();
      d_unit = presized<double>(g, "unit_matrix", {hsize_t(P), hsize_t(k)}, nan);
      label(d_unit, "1", "Design points in the unit cube", "设计点(单位超立方体坐标)", "point,factor");
      d_matrix = presized<double>(g, "matrix", {hsize_t(P), hsize_t(k)}, nan);
      label(d_matrix, "see /design/unit", "Factor values of each point (display units; index for word lists)",
            "各设计点的因子取值", "point,factor");
      attr_string(g, "type", std::string(design_name(s.design)));
      attr_int(g, "levels", s.design == DesignKind::morris ? s.morris_levels : s.levels);
      attr_int(g, "lhs_points", s.points);
      attr_int(g, "base_samples", s.base_samples);
      attr_int(g, "trajectories", s.trajectories);
    }
    {
      Hid g = group(file, "outputs");
      std::vector<std::string> name, ind, zone, unit, en, zh;
      std::vector<std::int32_t> year;
      for (const auto& o : s.outputs) {
        const auto& info = indicator_info(o.ind);
        name.push_back(o.name);
        ind.push_back(o.indicator);
        zone.push_back(o.zone);
        year.push_back(o.year);
        unit.push_back(info.dim == Dim::count ? "count" : (dim_display_unit(info.dim).empty() ? "1" : std::string(dim_display_unit(info.dim))));
        en.emplace_back(info.en);
        zh.emplace_back(info.zh);
      }
      dataset_strings(g, "name", name);
      dataset_strings(g, "indicator", ind);
      dataset_strings(g, "zone", zone);
      dataset_strings(g, "unit", unit);
      dataset_strings(g, "label_en", en);
      dataset_strings(g, "label_zh", zh);
      whole<std::int32_t>(g, "year", {hsize_t(O)}, year);
    }
    {
      Hid g = group(file, "targets");
      std::vector<std::string> id, en, zh, unit, comparison;
      std::vector<double> value;
      std::vector<std::int32_t> year;
      for (const auto& t : s.base.targets) {
        id.push_back(t.id);
        en.push_back(target_label(s.base, t, false));
        zh.push_back(target_label(s.base, t, true));
        unit.push_back(target_unit(t).empty() ? "1" : std::string(target_unit(t)));
        comparison.emplace_back(comparison_text(t.op));
        value.push_back(target_display(t, t.value));
        year.push_back(t.year);
      }
      dataset_strings(g, "id", id);
      dataset_strings(g, "label_en", en);
      dataset_strings(g, "label_zh", zh);
      dataset_strings(g, "unit", unit);
      dataset_strings(g, "comparison", comparison);
      whole<double>(g, "value", {hsize_t(T)}, value);
      whole<std::int32_t>(g, "year", {hsize_t(T)}, year);
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    {
      Hid g = group(file, "runs");
      d_out = presized<double>(g, "outputs", {hsize_t(P), hsize_t(R), hsize_t(O)}, nan);
      label(d_out, "see /outputs/unit", "Outputs of interest per point and replication", "各设计点各重复的关注指标",
            "point,replication,output");
      d_tval = presized<double>(g, "target_values", {hsize_t(P), hsize_t(R), hsize_t(T)}, nan);
      label(d_tval, "see /targets/unit", "Target indicator values", "目标指标取值", "point,replication,target");
      d_tmet = presized<std::uint8_t>(g, "target_met", {hsize_t(P), hsize_t(R), hsize_t(T)}, 255);
      label(d_tmet, "1", "1 when the target is met (255: not run yet)", "是否达标(1=达标)", "point,replication,target");
      d_cost = presized<double>(g, "budget_cost", {hsize_t(P), hsize_t(R)}, nan);
      label(d_cost, "亿元", "Budget spent on levers, all zones, summed over years", "政策支出合计(各年之和)",
            "point,replication");
      d_param = presized<double>(g, "parameters", {hsize_t(P), hsize_t(R), hsize_t(U)}, nan);
      label(d_param, "see /parameters/unit", "Value of each uncertain parameter in each run",
            "各设计点各重复的不确定参数取值", "point,replication,parameter");
    }
    {
      Hid g = group(file, "parameters");  // the base scenario's uncertain parameters
      std::vector<std::string> name, unit;
      for (Param p : uncertain_parameters(*spec)) {
        const Setting& st = setting(p);
        name.emplace_back(st.key);
        unit.push_back(st.dim == Dim::count ? "count"
                                            : (dim_display_unit(st.dim).empty() ? "1" : std::string(dim_display_unit(st.dim))));
      }
      dataset_strings(g, "name", name);
      dataset_strings(g, "unit", unit);
    }
    {
      Hid g = group(file, "points");
      d_pout = presized<double>(g, "output_mean", {hsize_t(P), hsize_t(O)}, nan);
      label(d_pout, "see /outputs/unit", "Mean over replications of each output of interest", "关注指标均值", "point,output");
      d_ptmean = presized<double>(g, "target_mean", {hsize_t(P), hsize_t(T)}, nan);
      label(d_ptmean, "see /targets/unit", "Mean over replications of each target's indicator", "目标指标均值", "point,target");
      d_pprob = presized<double>(g, "target_probability", {hsize_t(P), hsize_t(T)}, nan);
      label(d_pprob, "1", "Share of replications that meet the target", "达标概率", "point,target");
      d_pall = presized<double>(g, "all_targets_probability", {hsize_t(P)}, nan);
      label(d_pall, "1", "Share of replications that meet every target", "全部目标同时达标概率", "point");
      d_preq = presized<double>(g, "required_targets_probability", {hsize_t(P)}, nan);
      label(d_preq, "1", "Share of replications that meet every target the policy search requires (optimize.targets; all by default)",
            "政策搜索所要求目标同时达标概率", "point");
      d_pcost = presized<double>(g, "budget_cost_mean", {hsize_t(P)}, nan);
      label(d_pcost, "亿元", "Mean budget cost (sum over years of budget_spent, all zones)", "平均政策支出合计", "point");
      d_done = presized<std::uint8_t>(g, "done", {hsize_t(P)}, 0);
      label(d_done, "1", "1 when the point has been run", "是否已完成", "point");
    }
  }

  void write_design_row(int p, const std::vector<double>& unit) {
    std::vector<double> disp(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) disp[i] = spec->factors[i].display_at(unit[i]);
    write_row(d_unit, p, unit);
    write_row(d_matrix, p, disp);
  }

  void write_h5(int p, const std::vector<double>& unit, const std::vector<double>& rows) {
    write_design_row(p, unit);
    std::vector<double> out(static_cast<std::size_t>(R) * O), tval(static_cast<std::size_t>(R) * T), cost(R),
        param(static_cast<std::size_t>(R) * U);
    std::vector<std::uint8_t> met(static_cast<std::size_t>(R) * T);
    for (int r = 0; r < R; ++r) {
      const double* row = &rows[static_cast<std::size_t>(r) * stride];
      for (int o = 0; o < O; ++o) out[r * O + o] = row[o];
      for (int t = 0; t < T; ++t) {
        tval[r * T + t] = row[O + t];
        met[r * T + t] = row[O + T + t] > 0.5 ? 1 : 0;
      }
      cost[r] = row[O + 2 * T];
      for (int u = 0; u < U; ++u) param[static_cast<std::size_t>(r) * U + u] = row[O + 2 * T + 1 + u];
    }
    write_row(d_out, p, out);
    write_row(d_tval, p, tval);
    write_row(d_tmet, p, met);
    write_row(d_cost, p, cost);
    write_row(d_param, p, param);
    PointSummary sum = summarise_point(*spec, rows);
    write_row(d_pout, p, sum.output_mean);
    write_row(d_ptmean, p, sum.target_mean);
    write_row(d_pprob, p, sum.target_probability);
    write_row(d_pall, p, std::vector<double>{sum.all_targets_probability});
    write_row(d_preq, p, std::vector<double>{sum.required_targets_probability});
    write_row(d_pcost, p, std::vector<double>{sum.budget_cost_mean});
    write_row(d_done, p, std::vector<std::uint8_t>{1});
    if (!done[p]) {
      done[p] = 1;
      ++done_count;
    }
  }

  // Reads the journal's valid records (a torn last record is cut off) into the HDF5 file.
  void replay(const std::string& fp,
              const std::function<void(int, const std::vector<double>&, const std::vector<double>&)>& cb) {
    int fd = ::open(journal.c_str(), O_RDWR);
    if (fd < 0) throw std::runtime_error("cannot open " + journal + ": " + std::strerror(errno));
    std::string header = std::string(kJournalHeader) + fp + "\n";
    std::string got(header.size(), '\0');
    if (::read(fd, got.data(), got.size()) != static_cast<ssize_t>(got.size()) || got != header) {
      ::close(fd);
      throw std::invalid_argument("the journal " + journal +
                                  " belongs to a different sweep (the sweep file, base scenario or zonesim "
                                  "version changed); use --force to start over");
    }
    off_t good = static_cast<off_t>(header.size());
    const std::size_t nvals = static_cast<std::size_t>(k) + static_cast<std::size_t>(R) * stride;
    std::vector<double> payload(nvals);
    while (true) {
      std::uint32_t magic = 0, count = 0;
      std::int64_t point = 0;
      std::uint64_t sum = 0;
      if (::read(fd, &magic, 4) != 4 || magic != kRecordMagic) break;
      if (::read(fd, &point, 8) != 8 || ::read(fd, &count, 4) != 4 || count != nvals) break;
      const auto bytes = static_cast<ssize_t>(nvals * sizeof(double));
      if (::read(fd, payload.data(), static_cast<std::size_t>(bytes)) != bytes) break;
      if (::read(fd, &sum, 8) != 8) break;
      std::uint64_t h = fnv1a(&point, 8);
      h = fnv1a(payload.data(), static_cast<std::size_t>(bytes), h);
      if (h != sum || point < 0 || point >= P) break;
      good = ::lseek(fd, 0, SEEK_CUR);
      std::vector<double> unit(payload.begin(), payload.begin() + k), rows(payload.begin() + k, payload.end());
      write_h5(static_cast<int>(point), unit, rows);
      if (cb) cb(static_cast<int>(point), unit, rows);
    }
    if (::ftruncate(fd, good) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot truncate " + journal);
    }
    ::lseek(fd, good, SEEK_SET);
    journal_fd = fd;
  }

  void append_journal(int p, const std::vector<double>& unit, const std::vector<double>& rows) {
    std::vector<char> rec;
    auto put = [&](const void* d, std::size_t n) {
      const char* c = static_cast<const char*>(d);
      rec.insert(rec.end(), c, c + n);
    };
    const std::uint32_t magic = kRecordMagic;
    const std::int64_t point = p;
    const auto count = static_cast<std::uint32_t>(unit.size() + rows.size());
    std::uint64_t h = fnv1a(&point, 8);
    h = fnv1a(unit.data(), unit.size() * sizeof(double), h);
    h = fnv1a(rows.data(), rows.size() * sizeof(double), h);
    put(&magic, 4);
    put(&point, 8);
    put(&count, 4);
    put(unit.data(), unit.size() * sizeof(double));
    put(rows.data(), rows.size() * sizeof(double));
    put(&h, 8);
    if (!write_fully(journal_fd, rec.data(), rec.size()) || ::fdatasync(journal_fd) != 0)
      throw std::runtime_error("cannot write the journal " + journal + ": " + std::strerror(errno));
  }
};

SweepStore::SweepStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SweepStore::~SweepStore() = default;
int SweepStore::total_points() const { return impl_->P; }
int SweepStore::done_points() const { return impl_->done_count; }
bool SweepStore::done(int p) const { return impl_->done[p] != 0; }
std::string SweepStore::journal_path() const { return impl_->journal; }

std::unique_ptr<SweepStore> SweepStore::open(
    const std::string& out, const SweepSpec& s, int total_points, const Options& o, OpenError& error,
    const std::function<void(int, const std::vector<double>&, const std::vector<double>&)>& replayed) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->spec = &s;
  impl->out = out;
  impl->partial = partial_path_for(out);
  impl->journal = journal_path_for(out);
  impl->P = total_points;
  impl->R = s.replications;
  impl->O = static_cast<int>(s.outputs.size());
  impl->T = static_cast<int>(s.base.targets.size());
  impl->k = static_cast<int>(s.factors.size());
  impl->U = static_cast<int>(uncertain_parameters(s).size());
  impl->stride = row_stride(s);
  impl->options = o;
  impl->done.assign(static_cast<std::size_t>(total_points), 0);
  error.bad_input = true;
  // The output, and the journal and partial file beside it, are replaced only when regular files.
  for (const std::string& p : {out, impl->journal, impl->partial}) {
    std::string problem = p == out ? check_output_path(out, o.force) : not_a_regular_file(p);
    if (!problem.empty()) {
      error.message = problem;
      return nullptr;
    }
  }
  const bool have_journal = fs::exists(impl->journal);
  if (have_journal && !o.resume && !o.force) {
    error.message = "an interrupted sweep exists (" + impl->journal + "); pass --resume to continue it or --force to start over";
    return nullptr;
  }
  const bool fresh = !(have_journal && o.resume);
  const std::string fp = fingerprint(s, total_points);
  try {
    impl->guarded([&] {
      impl->create_file();
      if (!fresh) {
        impl->replay(fp, replayed);
      } else {
        impl->journal_fd = ::open(impl->journal.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (impl->journal_fd < 0) throw std::runtime_error("cannot create " + impl->journal + ": " + std::strerror(errno));
        std::string header = std::string(kJournalHeader) + fp + "\n";
        if (!write_fully(impl->journal_fd, header.data(), header.size()) || ::fdatasync(impl->journal_fd) != 0)
          throw std::runtime_error("cannot write " + impl->journal + ": " + std::strerror(errno));
      }
      check(H5Fflush(impl->file, H5F_SCOPE_GLOBAL), "flush");
    });
  } catch (const std::invalid_argument& e) {
    error.message = e.what();
    return nullptr;
  } catch (const std::exception& e) {
    error.bad_input = false;
    error.message = std::string("cannot start the sweep output: ") + e.what();
    if (fresh) {  // a journal without a point in it is no use
      if (impl->journal_fd >= 0) ::close(impl->journal_fd);
      impl->journal_fd = -1;
      std::error_code ec;
      fs::remove(impl->journal, ec);
    }
    return nullptr;  // ~Impl removes the partial file
  }
  return std::unique_ptr<SweepStore>(new SweepStore(std::move(impl)));
}

bool SweepStore::failed() const { return impl_->failed; }

void SweepStore::write_design(int point, const std::vector<double>& unit) {
  impl_->guarded([&] { impl_->write_design_row(point, unit); });
}

void SweepStore::write_point(int point, const std::vector<double>& unit, const std::vector<double>& rows) {
  impl_->guarded([&] {
    impl_->append_journal(point, unit, rows);
    impl_->write_h5(point, unit, rows);
  });
}

// ---- final analysis --------------------------------------------------------------------------

namespace {

std::string fmt(double v, int prec = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", prec, v);
  return buf;
}

}  // namespace

std::string SweepStore::finish(const std::string& started_at, const std::function<void(std::int64_t)>& extra) {
  return impl_->guarded([&] { return finish_file(started_at, extra); });
}

std::string SweepStore::finish_file(const std::string& started_at, const std::function<void(std::int64_t)>& extra) {
  Impl& m = *impl_;
  // Checked again at the end of a sweep that may have run for hours: the rename replaces only a
  // regular file. Not a write failure: the partial file and the journal stay for --resume.
  if (std::string problem = not_a_regular_file(m.out); !problem.empty()) throw std::invalid_argument(problem);
  const SweepSpec& s = *m.spec;
  const int P = m.P, k = m.k, O = m.O, T = m.T, R = m.R;
  std::ostringstream report;
  std::vector<hsize_t> shape;
  const std::vector<double> unit = read_all(m.file, "design/unit_matrix");
  const std::vector<double> matrix = read_all(m.file, "design/matrix");
  const std::vector<double> pout = read_all(m.file, "points/output_mean");
  const std::vector<double> pprob = read_all(m.file, "points/target_probability");
  const std::vector<double> pall = read_all(m.file, "points/all_targets_probability");
  const std::vector<double> preq = read_all(m.file, "points/required_targets_probability");
  const std::vector<double> pcost = read_all(m.file, "points/budget_cost_mean");

  // Quantities analysed: outputs of interest, each target's probability, all targets, cost.
  std::vector<std::string> qname;
  std::vector<std::vector<double>> qval;
  for (int o = 0; o < O; ++o) {
    qname.push_back(s.outputs[o].name);
    std::vector<double> v(P);
    for (int p = 0; p < P; ++p) v[p] = pout[static_cast<std::size_t>(p) * O + o];
    qval.push_back(v);
  }
  for (int t = 0; t < T; ++t) {
    qname.push_back("P(" + s.base.targets[t].id + ")");
    std::vector<double> v(P);
    for (int p = 0; p < P; ++p) v[p] = pprob[static_cast<std::size_t>(p) * T + t];
    qval.push_back(v);
  }
  qname.push_back("P(all targets)");
  qval.push_back(pall);
  qname.push_back("budget_cost");
  qval.push_back(pcost);
  const auto Q = static_cast<hsize_t>(qname.size());

  // Tables of quantity x factor, aligned by display width (CJK units take two columns).
  std::vector<std::string> factor_header = {"quantity"};
  for (const auto& f : s.factors) factor_header.push_back(f.short_name());

  if (s.design == DesignKind::sobol || s.design == DesignKind::morris) {
    Hid g = group(m.file, "sensitivity");
    dataset_strings(g, "quantity", qname);
    std::vector<std::string> fac;
    for (const auto& f : s.factors) fac.push_back(f.key);
    dataset_strings(g, "factor", fac);
    if (s.design == DesignKind::sobol) {
      Hid sg = group(g, "sobol");
      std::vector<double> S1, S1l, S1h, ST, STl, STh, var;
      report << "Sobol indices (first order S1 [95 % CI] / total ST; Saltelli 2010, Jansen; N = "
             << s.base_samples << ", " << s.bootstrap << " bootstrap resamples)\n";
      std::vector<std::vector<std::string>> table = {factor_header};
      for (hsize_t q = 0; q < Q; ++q) {
        SobolIndices si = sobol_indices(qval[q], k, s.base_samples, s.bootstrap, s.seed);
        S1.insert(S1.end(), si.S1.begin(), si.S1.end());
        S1l.insert(S1l.end(), si.S1_low.begin(), si.S1_low.end());
        S1h.insert(S1h.end(), si.S1_high.begin(), si.S1_high.end());
        ST.insert(ST.end(), si.ST.begin(), si.ST.end());
        STl.insert(STl.end(), si.ST_low.begin(), si.ST_low.end());
        STh.insert(STh.end(), si.ST_high.begin(), si.ST_high.end());
        var.push_back(si.variance);
        std::vector<std::string> row = {qname[q]};
        if (si.variance == 0) {
          row.push_back("(no variation)");
        } else {
          for (int i = 0; i < k; ++i)
            row.push_back(fmt(si.S1[i], 2) + " [" + fmt(si.S1_low[i], 2) + "," + fmt(si.S1_high[i], 2) + "] / " +
                          fmt(si.ST[i], 2));
        }
        table.push_back(std::move(row));
      }
      report << format_columns(table);
      const std::vector<hsize_t> dims = {Q, hsize_t(k)};
      whole(sg, "S1", dims, S1);
      whole(sg, "S1_low", dims, S1l);
      whole(sg, "S1_high", dims, S1h);
      whole(sg, "ST", dims, ST);
      whole(sg, "ST_low", dims, STl);
      whole(sg, "ST_high", dims, STh);
      whole(sg, "variance", {Q}, var);
      attr_string(sg, "method", "Saltelli 2010 first-order and Jansen total-effect estimators on N*(k+2) "
                                "Saltelli points; 95 % percentile bootstrap over the N base samples");
      attr_int(sg, "base_samples", s.base_samples);
      attr_int(sg, "bootstrap", s.bootstrap);
      attr_string(sg, "dims", "quantity,factor");
    } else {
      Hid mg = group(g, "morris");
      Matrix design(static_cast<std::size_t>(P), std::vector<double>(k));
      for (int p = 0; p < P; ++p)
        for (int i = 0; i < k; ++i) design[p][i] = unit[static_cast<std::size_t>(p) * k + i];
      std::vector<double> mu, mus, sig;
      report << "Morris elementary effects (mu* / sigma, per whole factor range; r = " << s.trajectories
             << ", p = " << s.morris_levels << ")\n";
      std::vector<std::vector<std::string>> table = {factor_header};
      for (hsize_t q = 0; q < Q; ++q) {
        MorrisIndices mi = morris_indices(design, qval[q], k, s.trajectories);
        mu.insert(mu.end(), mi.mu.begin(), mi.mu.end());
        mus.insert(mus.end(), mi.mu_star.begin(), mi.mu_star.end());
        sig.insert(sig.end(), mi.sigma.begin(), mi.sigma.end());
        std::vector<std::string> row = {qname[q]};
        for (int i = 0; i < k; ++i) row.push_back(fmt(mi.mu_star[i]) + " / " + fmt(mi.sigma[i]));
        table.push_back(std::move(row));
      }
      report << format_columns(table);
      const std::vector<hsize_t> dims = {Q, hsize_t(k)};
      whole(mg, "mu", dims, mu);
      whole(mg, "mu_star", dims, mus);
      whole(mg, "sigma", dims, sig);
      attr_string(mg, "method", "Morris elementary effects, Campolongo et al. mu*; effects per whole factor range");
      attr_int(mg, "trajectories", s.trajectories);
      attr_int(mg, "levels", s.morris_levels);
      attr_string(mg, "dims", "quantity,factor");
    }
  }

  if (s.design == DesignKind::optimize) {
    Hid g = group(m.file, "optimize");
    // What must be met: every target, or the optimize.targets subset.
    std::string required = "every target";
    std::string required_ids;
    for (int t : s.optimize.required_targets)
      required_ids += (required_ids.empty() ? "" : ", ") + s.base.targets[static_cast<std::size_t>(t)].id;
    if (!s.optimize.required_targets.empty()) required = "every required target (" + required_ids + ")";
    std::vector<int> front = pareto_front(pcost, preq);
    int best = -1;
    for (int p = 0; p < P; ++p)
      if (preq[p] >= s.optimize.probability && (best < 0 || pcost[p] < pcost[best])) best = p;
    std::vector<std::int32_t> fidx(front.begin(), front.end());
    std::vector<double> fcost, fprob;
    for (int p : front) {
      fcost.push_back(pcost[p]);
      fprob.push_back(preq[p]);
    }
    whole<std::int32_t>(g, "frontier", {hsize_t(front.size())}, fidx);
    Hid dc(H5Dopen2(g, "frontier", H5P_DEFAULT), H5Dclose);
    label(dc, "1", "Points on the cost-probability Pareto front, by increasing cost", "成本-概率帕累托前沿上的设计点", "frontier");
    whole(g, "frontier_cost", {hsize_t(front.size())}, fcost);
    whole(g, "frontier_probability", {hsize_t(front.size())}, fprob);
    attr_int(g, "best_point", best);
    attr_double(g, "probability", s.optimize.probability);
    attr_string(g, "required_targets", required_ids.empty() ? std::string("all") : required_ids);
    attr_string(g, "method", "Latin hypercube of initial_points, then rounds of points_per_round Latin-hypercube "
                             "points in boxes (half-width 0.5^(round+1) of each range) around the cheapest "
                             "feasible points (or the most probable when none is feasible)");
    report << "Cost-probability frontier (P(" << required << " met) against budget cost; " << front.size()
           << " of " << P << " points):\n";
    std::vector<std::vector<std::string>> table = {
        {"point", "cost 亿元", s.optimize.required_targets.empty() ? "P(all)" : "P(req)"}};
    for (const auto& f : s.factors) table[0].push_back(f.short_name());
    table[0].push_back("");
    for (int p : front) {
      std::vector<std::string> row = {std::to_string(p), fmt(pcost[p], 4), fmt(preq[p], 3)};
      for (int i = 0; i < k; ++i) row.push_back(s.factors[i].describe(s.factors[i].at(unit[static_cast<std::size_t>(p) * k + i])));
      row.push_back(p == best ? "<- cheapest with P >= " + fmt(s.optimize.probability) : "");
      table.push_back(std::move(row));
    }
    report << format_columns(table);
    if (best < 0)
      report << "No evaluated point meets " << required << " with probability >= " << fmt(s.optimize.probability)
             << "; the frontier shows the best found.\n";
    else {
      report << "Cheapest setting meeting " << required << " with probability >= " << fmt(s.optimize.probability)
             << ": point " << best << ", cost " << fmt(pcost[best], 4) << " 亿元, P = " << fmt(preq[best])
             << "\nthe point's runs (its replications and seed):\n  "
             << reproduce_command(s, std::vector<double>(unit.begin() + static_cast<std::ptrdiff_t>(best) * k,
                                                         unit.begin() + static_cast<std::ptrdiff_t>(best + 1) * k))
             << "\n";
    }
  }

  // Scenario discovery: per target (and all targets), PRIM over the runs.
  if (T > 0 && k > 0) {
    const std::vector<double> met = read_all(m.file, "runs/target_met");
    Hid g = group(m.file, "discovery");
    Matrix x;
    x.reserve(static_cast<std::size_t>(P) * R);
    for (int p = 0; p < P; ++p)
      for (int r = 0; r < R; ++r)
        x.emplace_back(matrix.begin() + static_cast<std::ptrdiff_t>(p) * k,
                       matrix.begin() + static_cast<std::ptrdiff_t>(p + 1) * k);
    std::vector<double> col_low(k), col_high(k);
    for (int i = 0; i < k; ++i) {
      col_low[i] = INFINITY;
      col_high[i] = -INFINITY;
      for (int p = 0; p < P; ++p) {
        col_low[i] = std::min(col_low[i], matrix[static_cast<std::size_t>(p) * k + i]);
        col_high[i] = std::max(col_high[i], matrix[static_cast<std::size_t>(p) * k + i]);
      }
    }
    std::vector<std::string> names, texts;
    std::vector<double> dens, cov, mass, base, lo, hi;
    std::vector<std::uint8_t> restricted;
    report << "Scenario discovery (PRIM, peeling 5 % at a time, boxes with at least 10 % of the runs):\n";
    for (int t = 0; t <= T; ++t) {
      std::vector<std::uint8_t> y(static_cast<std::size_t>(P) * R);
      for (int p = 0; p < P; ++p)
        for (int r = 0; r < R; ++r) {
          bool v = true;
          if (t < T) v = met[(static_cast<std::size_t>(p) * R + r) * T + t] == 1.0;
          else
            for (int u = 0; u < T; ++u) v = v && met[(static_cast<std::size_t>(p) * R + r) * T + u] == 1.0;
          y[static_cast<std::size_t>(p) * R + r] = v ? 1 : 0;
        }
      double share = 0;
      for (auto v : y) share += v;
      share /= std::max<std::size_t>(y.size(), 1);
      PrimBox b = prim(x, y);
      const std::string name = t < T ? s.base.targets[t].id : "all targets";
      char pct[32];
      std::snprintf(pct, sizeof pct, "%.0f", 100 * b.mass);
      std::string text = describe_box(s, b, col_low, col_high) + ": " + (t < T ? "target " + name : name) +
                         " met with probability " + fmt(b.density, 2) + " in " + pct +
                         " % of the runs (overall " + fmt(share, 2) + ")";
      report << "  " << text << "\n";
      names.push_back(name);
      texts.push_back(text);
      dens.push_back(b.density);
      cov.push_back(b.coverage);
      mass.push_back(b.mass);
      base.push_back(share);
      lo.insert(lo.end(), b.low.begin(), b.low.end());
      hi.insert(hi.end(), b.high.begin(), b.high.end());
      restricted.insert(restricted.end(), b.restricted.begin(), b.restricted.end());
    }
    const auto D = static_cast<hsize_t>(names.size());
    dataset_strings(g, "target", names);
    dataset_strings(g, "text", texts);
    whole(g, "density", {D}, dens);
    whole(g, "coverage", {D}, cov);
    whole(g, "mass", {D}, mass);
    whole(g, "overall_probability", {D}, base);
    whole(g, "low", {D, hsize_t(k)}, lo);
    whole(g, "high", {D, hsize_t(k)}, hi);
    whole(g, "restricted", {D, hsize_t(k)}, restricted);
    attr_string(g, "method", "PRIM (Friedman and Fisher 1999): peeling alpha = 0.05, minimum mass 0.1, pasting");
  }

  if (extra) extra(m.file);
  attr_string(m.file, "started_at", started_at);
  attr_string(m.file, "finished_at", iso_time_now());
  check(H5Fflush(m.file, H5F_SCOPE_GLOBAL), "flush");
  m.d_unit.reset(); m.d_matrix.reset(); m.d_out.reset(); m.d_tval.reset(); m.d_tmet.reset(); m.d_cost.reset();
  m.d_pout.reset(); m.d_ptmean.reset(); m.d_pprob.reset(); m.d_pall.reset(); m.d_preq.reset(); m.d_pcost.reset(); m.d_done.reset();
  check(m.file.close(), "close");
  if (FILE* fp = std::fopen(m.partial.c_str(), "rb")) {
    const bool synced = fsync(fileno(fp)) == 0;
    const int err = errno;
    std::fclose(fp);
    if (!synced) throw std::runtime_error("cannot store " + m.partial + ": " + std::strerror(err));
  }
  std::error_code ec;
  fs::rename(m.partial, m.out, ec);
  if (ec) throw std::runtime_error("cannot rename " + m.partial + " to " + m.out + ": " + ec.message());
  if (m.journal_fd >= 0) ::close(m.journal_fd);
  m.journal_fd = -1;
  fs::remove(m.journal, ec);
  return report.str();
}

}  // namespace zonesim::sweep
