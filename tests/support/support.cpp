#include "support.hpp"

#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace zonesim::test {

namespace fs = std::filesystem;

std::string read_file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  std::string full = "(" + command + ") >" + tmp.file("out") + " 2>" + tmp.file("err") + " </dev/null";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file_text(tmp.file("out"));
  r.err = read_file_text(tmp.file("err"));
  return r;
}

CommandResult run_zonesim(const std::string& args) {
  return run_command(std::string("'") + ZONESIM_BINARY + "' " + args);
}

std::string source_path(const std::string& relative) {
  return (fs::path(ZONESIM_SOURCE_DIR) / relative).string();
}

TempDir::TempDir() {
  static std::random_device rd;
  std::string name = "zonesim-test-" + std::to_string(getpid()) + "-" + std::to_string(rd());
  path_ = fs::temp_directory_path() / name;
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::string p = file(name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

Scenario load_valid(const std::string& path, const std::vector<std::string>& overrides) {
  LoadOptions lo;
  lo.overrides = overrides;
  LoadResult r = load_scenario_file(path, lo);
  INFO(r.diagnostics.format());
  REQUIRE(r.scenario.has_value());
  return *r.scenario;
}

Scenario load_valid_text(const std::string& text, const std::vector<std::string>& overrides) {
  LoadOptions lo;
  lo.overrides = overrides;
  LoadResult r = load_scenario_text(text, "test.yaml", lo);
  INFO(r.diagnostics.format());
  REQUIRE(r.scenario.has_value());
  return *r.scenario;
}

std::vector<double> read_dataset(const std::string& file, const std::string& name,
                                 std::vector<unsigned long long>* shape) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t space = H5Dget_space(d);
  int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (auto x : dims) n *= x;
  std::vector<double> out(n);
  if (n) REQUIRE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0);
  if (shape) shape->assign(dims.begin(), dims.end());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return out;
}

std::string read_string_attribute(const std::string& file, const std::string& object,
                                  const std::string& attribute) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t a = H5Aopen_by_name(f, object.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(a >= 0);
  hid_t type = H5Aget_type(a);
  hid_t mem = H5Tcopy(H5T_C_S1);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  char* value = nullptr;
  REQUIRE(H5Aread(a, mem, &value) >= 0);
  std::string out = value ? value : "";
  H5free_memory(value);
  H5Tclose(mem);
  H5Tclose(type);
  H5Aclose(a);
  H5Fclose(f);
  return out;
}

bool dataset_exists(const std::string& file, const std::string& name) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return false;
  htri_t ok = H5Lexists(f, name.c_str(), H5P_DEFAULT);
  H5Fclose(f);
  return ok > 0;
}

}  // namespace zonesim::test
