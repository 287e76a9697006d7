// Small RAII helpers for the HDF5 C API, shared by the run writer and the sweep store.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zonesim::h5 {

// RAII handle for HDF5 identifiers.
class Hid {
 public:
  Hid() = default;
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5 call failed");
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Hid& operator=(Hid&& o) noexcept {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
    return *this;
  }
  ~Hid() { reset(); }
  void reset() { close(); }
  // Closes now; returns the close function's status (negative on failure).
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && close_) status = close_(id_);
    id_ = -1;
    return status;
  }
  // Forgets the identifier without closing it: for a file that can no longer be written (a full
  // disk), whose close would fail (see SweepStore::Impl::abandon).
  void release() { id_ = -1; }
  operator hid_t() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

inline void check(herr_t status, const char* what) {
  if (status < 0) throw std::runtime_error(std::string("HDF5: ") + what);
}

inline Hid group(hid_t parent, const std::string& name) {
  return Hid(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
}

inline Hid utf8_string_type() {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose);
  check(H5Tset_size(t, H5T_VARIABLE), "string size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "string charset");
  return t;
}

inline void attr_string(hid_t obj, const char* name, const std::string& value) {
  Hid type = utf8_string_type();
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Hid a(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a, type, &p), "attribute write");
}

// The attributes of a labelled array: its unit ("1" when it has none), English and Chinese
// labels, and the names of its axes.
inline void label(hid_t obj, std::string_view unit, std::string_view en, std::string_view zh, std::string_view dims) {
  attr_string(obj, "unit", std::string(unit.empty() ? "1" : unit));
  attr_string(obj, "label_en", std::string(en));
  attr_string(obj, "label_zh", std::string(zh));
  attr_string(obj, "dims", std::string(dims));
}

inline void dataset_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  Hid type = utf8_string_type();
  hsize_t dims[1] = {values.size()};
  Hid space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Hid d(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!values.empty()) check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "strings write");
}

inline void dataset_string(hid_t parent, const std::string& name, const std::string& value) {
  Hid type = utf8_string_type();
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid d(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  const char* p = value.c_str();
  check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "string write");
}

// An unsigned 64-bit attribute (seeds: 0 .. 2^64-1 do not fit a signed one).
inline void attr_u64(hid_t obj, const char* name, unsigned long long value) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Hid a(H5Acreate2(obj, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_ULLONG, &value), "attribute write");
}

// A double attribute.
inline void attr_f64(hid_t obj, const char* name, double value) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid a(H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), "attribute write");
}

// A column of doubles with its unit (none: `unit` null) and English label (/fit, /reach).
inline void dataset_doubles(hid_t g, const char* name, const std::vector<double>& v, const char* unit,
                            const char* label_en) {
  hsize_t dims[1] = {v.size()};
  Hid space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Hid d(H5Dcreate2(g, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!v.empty()) check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "column write");
  if (unit) attr_string(d, "unit", unit);
  attr_string(d, "label_en", label_en);
}

// A column of integers (file and memory types given) with its English label (/fit, /reach).
template <class T>
void dataset_integers(hid_t g, const char* name, const std::vector<T>& v, hid_t file_type, hid_t mem_type,
                      const char* label_en) {
  hsize_t dims[1] = {v.size()};
  Hid space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Hid d(H5Dcreate2(g, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!v.empty()) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "column write");
  attr_string(d, "label_en", label_en);
}

}  // namespace zonesim::h5
