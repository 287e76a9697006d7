// Specifications of `zonesim run`, `validate`, `levers`, `schema` run as a user would: the real
// binary on real scenario files, reading back the real HDF5 output.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "support.hpp"
#include "zonesim/indicators.hpp"

using namespace zonesim;
using namespace zonesim::test;
namespace fs = std::filesystem;

static const std::string kDemo = "scenarios/demo.yaml";

TEST_CASE("zonesim run prints the target table and writes the HDF5 file") {
  TempDir tmp;
  const std::string out = tmp.file("demo.h5");
  auto r = run_zonesim("run " + kDemo + " --replications 12 --threads 2 -q -o " + out);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("P(met)"));
  CHECK_THAT(r.out, Catch::Contains("output"));
  CHECK_THAT(r.out, Catch::Contains("亿元"));
  CHECK_THAT(r.out, Catch::Contains("12 replications"));
  CHECK_THAT(r.out, Catch::Contains("wrote " + out));
  REQUIRE(fs::exists(out));

  std::vector<unsigned long long> shape;
  auto output = read_dataset(out, "indicators/gross_output", &shape);
  REQUIRE(shape == std::vector<unsigned long long>{6, 3, 12});  // years 2020-2025, 2 zones + all, reps
  CHECK(read_string_attribute(out, "indicators/gross_output", "unit") == "亿元");
  CHECK(read_string_attribute(out, "indicators/gross_output", "label_zh") == "工业总产值");
  CHECK(dataset_exists(out, "scenario/text"));

  // The target table's mean is the mean over replications of the file's 2025 total.
  auto mean = read_dataset(out, "targets/mean");
  double sum = 0;
  for (int rep = 0; rep < 12; ++rep) sum += output[(5 * 3 + 2) * 12 + rep];
  CHECK(mean.at(0) == Approx(sum / 12).epsilon(1e-12));
  // The base year reproduces the scenario's stated total output (300 + 120 亿元).
  for (int rep = 0; rep < 12; ++rep) CHECK(output[(0 * 3 + 2) * 12 + rep] == Approx(420.0).epsilon(1e-9));
}

TEST_CASE("results are bit-identical whatever the number of threads") {
  TempDir tmp;
  // Enough firms for several parallel chunks inside each replication; and with a zone that opens
  // during the run (its block of firms appended in 2023, zones.<id>.opens).
  const std::string opens = GENERATE(std::string(""), std::string("--set zones.south.opens=2023 --set zones.south.base_firms=5000 "));
  INFO(opens);
  const std::string common = "run " + kDemo + " --replications 6 -q --set zones.north.base_firms=9000 " + opens;
  auto a = run_zonesim(common + "--threads 1 -o " + tmp.file("t1.h5"));
  auto b = run_zonesim(common + "--threads 2 -o " + tmp.file("t2.h5"));
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  for (const auto& info : indicator_infos()) {
    std::string name = "indicators/" + std::string(info.key);
    INFO(name);
    auto x = read_dataset(tmp.file("t1.h5"), name);
    auto y = read_dataset(tmp.file("t2.h5"), name);
    REQUIRE(x.size() == y.size());
    CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
  }
  auto x = read_dataset(tmp.file("t1.h5"), "sector_output");
  auto y = read_dataset(tmp.file("t2.h5"), "sector_output");
  CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
}

TEST_CASE("an unknown --set key is an error like in a file, with the nearest key") {
  TempDir tmp;
  auto r = run_zonesim("run " + kDemo + " -q --set levers.rd_subsdy_rate=30% -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("levers.rd_subsdy_rate: unknown lever \"rd_subsdy_rate\""));
  CHECK_THAT(r.err, Catch::Contains("did you mean \"rd_subsidy_rate\"?"));
  CHECK_FALSE(fs::exists(tmp.file("x.h5")));
}

TEST_CASE("a --set value is validated with its unit") {
  TempDir tmp;
  auto r = run_zonesim("run " + kDemo + " -q --set levers.land_quota_mu=5亿元 -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("is a unit of money, but this value is an area"));
}

TEST_CASE("run refuses to overwrite an existing file without --force") {
  TempDir tmp;
  const std::string out = tmp.write("old.h5", "previous results");
  auto r = run_zonesim("run " + kDemo + " -q -r 2 -o " + out);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("exists; pass --force to overwrite it"));
  CHECK(fs::file_size(out) == std::string("previous results").size());
  auto forced = run_zonesim("run " + kDemo + " -q -r 2 --force -o " + out);
  CHECK(forced.exit_code == 0);
  CHECK(fs::file_size(out) > 1000);
}

TEST_CASE("run into a directory that cannot be written fails cleanly and leaves nothing") {
  // /proc refuses new files even for root.
  auto r = run_zonesim("run " + kDemo + " -q -r 2 -o /proc/zonesim-test.h5");
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("zonesim run:"));
  CHECK_FALSE(fs::exists("/proc/zonesim-test.h5"));
  auto missing = run_zonesim("run " + kDemo + " -q -r 2 -o /nonexistent-dir/x.h5");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("output directory /nonexistent-dir does not exist"));
}

TEST_CASE("a run killed midway leaves no output file and the previous file intact") {
  TempDir tmp;
  const std::string out = tmp.write("keep.h5", "previous results");
  // A long run (many replications) killed with SIGTERM after a moment.
  auto r = run_command("'" + std::string(ZONESIM_BINARY) + "' run " + kDemo +
                       " -q -r 200000 --force -o " + out + " & pid=$!; sleep 1; kill -TERM $pid; wait $pid");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("interrupted; no output written"));
  CHECK(fs::file_size(out) == std::string("previous results").size());
  for (const auto& e : fs::directory_iterator(tmp.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("validate reports ok for every shipped scenario") {
  for (const auto& e : fs::directory_iterator(source_path("scenarios"))) {
    if (e.path().extension() != ".yaml") continue;
    if (e.path().filename().string().find("sweep") != std::string::npos ||
        e.path().filename().string().find("sobol") != std::string::npos)
      continue;  // sweep files, checked by `zonesim sweep --validate` in tests/sweep
    auto r = run_zonesim("validate " + e.path().string());
    INFO(e.path() << "\n" << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(": ok ("));
  }
}

TEST_CASE("every subcommand has --help and the tool has --version") {
  for (const char* cmd : {"run", "validate", "levers", "schema"}) {
    auto r = run_zonesim(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains(std::string("zonesim ") + cmd));
  }
  auto v = run_zonesim("--version");
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out, Catch::StartsWith("zonesim 0."));
  auto unknown = run_zonesim("frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command \"frobnicate\""));
  auto bad_option = run_zonesim("run " + kDemo + " --replicatons 3");
  CHECK(bad_option.exit_code == 2);
}
