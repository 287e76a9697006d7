// Issue 12 from the command line: the exact commands of the report exit 2 with the message and
// write nothing; seeds keep all 64 bits from --seed to the HDF5 file.
#include <hdf5.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <limits>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

namespace {

// The root attribute `seed` of a run file, and whether HDF5 stores it unsigned.
unsigned long long read_seed(const std::string& file, bool& is_unsigned) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
  REQUIRE(a >= 0);
  hid_t t = H5Aget_type(a);
  is_unsigned = H5Tget_class(t) == H5T_INTEGER && H5Tget_sign(t) == H5T_SGN_NONE && H5Tget_size(t) == 8;
  unsigned long long v = 0;
  CHECK(H5Aread(a, H5T_NATIVE_ULLONG, &v) >= 0);
  H5Tclose(t);
  H5Aclose(a);
  H5Fclose(f);
  return v;
}

}  // namespace

TEST_CASE("the issue's misspelt zone in --set exits 2 with the nearest zone and writes nothing") {
  TempDir tmp;
  auto r = run_zonesim("run scenarios/qingyuan-hightech-2025.yaml --set 'zones.qinyuan.levers.land_quota_mu=500 mu' -q -o " +
                       tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK(r.err == "--set: error: zones.qinyuan.levers.land_quota_mu: unknown zone \"qinyuan\"\n"
                 "    hint: did you mean \"qingyuan\"?\n"
                 "1 error; nothing was written.\n");
  CHECK_FALSE(fs::exists(tmp.file("x.h5")));

  r = run_zonesim("validate scenarios/qingyuan-hightech-2025.yaml --set 'zones.qinyuan.levers.land_quota_mu=500 mu'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown zone \"qinyuan\""));
}

TEST_CASE("validate /dev/zero exits 2 at once instead of reading forever") {
  auto r = run_zonesim("validate /dev/zero");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::StartsWith("/dev/zero: error: cannot read file: it is not a regular file (a device, "
                                      "pipe or socket)\n"));
}

TEST_CASE("a --seed of 10000000000000000000 keeps all 64 bits, stored as an unsigned 64-bit attribute") {
  TempDir tmp;
  auto r = run_zonesim("run scenarios/demo.yaml -q -r 2 --seed 10000000000000000000 -o " + tmp.file("s.h5"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("seed 10000000000000000000"));
  bool is_unsigned = false;
  CHECK(read_seed(tmp.file("s.h5"), is_unsigned) == 10000000000000000000ull);
  CHECK(is_unsigned);
}

TEST_CASE("a --seed outside 0 to 2^64-1 or not a whole number exits 2") {
  TempDir tmp;
  for (const char* bad : {"-1", "18446744073709551616", "1.5", "1e3"}) {
    auto r = run_zonesim(std::string("run scenarios/demo.yaml -q -r 2 --seed=") + bad + " -o " + tmp.file("s.h5"));
    CHECK(r.exit_code == 2);
    CHECK(r.err == std::string("zonesim run: --seed \"") + bad +
                       "\" is not a seed; valid: 0 to 18446744073709551615 (a whole number)\n");
    CHECK_FALSE(fs::exists(tmp.file("s.h5")));
  }
}
