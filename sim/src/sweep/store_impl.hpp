// The sweep store's state and HDF5 helpers, shared by its files:
//   store.cpp           opening (fresh or resumed), the journal, writing a finished point
//   store_layout.cpp    the file's layout: every dataset created pre-sized, labelled
//   store_analysis.cpp  the final analysis (sensitivity, frontier, discovery) and the summary
#pragma once

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../io/hdf5_util.hpp"
#include "zonesim/sweep.hpp"

namespace zonesim::sweep {
namespace fs = std::filesystem;

using namespace zonesim::h5;

inline void attr_double(hid_t obj, const char* name, double v) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Hid a(H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &v), "attribute write");
}

inline void attr_int(hid_t obj, const char* name, long long v) {
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

inline std::vector<double> read_all(hid_t file, const std::string& name, std::vector<hsize_t>* shape = nullptr) {
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

  // The file's layout, every dataset pre-sized (store_layout.cpp).
  void create_file();
  void write_header();
  void write_inputs();
  void create_design();
  void write_output_table();
  void write_target_table();
  void create_runs();
  void write_parameter_table();
  void create_points();

  // A finished point (store.cpp).
  void write_design_row(int p, const std::vector<double>& unit);
  void write_h5(int p, const std::vector<double>& unit, const std::vector<double>& rows);
  // Reads the journal's valid records (a torn last record is cut off) into the HDF5 file.
  void replay(const std::string& fp,
              const std::function<void(int, const std::vector<double>&, const std::vector<double>&)>& cb);
  void append_journal(int p, const std::vector<double>& unit, const std::vector<double>& rows);

  // Closes the file and renames it into place (store_analysis.cpp).
  void publish(const std::string& started_at);
};

}  // namespace zonesim::sweep
