// Specifications of `zonesim sweep` and `zonesim optimize` run as a user would: the real binary
// on small sweeps of the demo scenario, reading back the HDF5 output.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

namespace {

// A small sweep file in `dir`, based on the demo scenario (absolute path).
std::string small_sweep(const TempDir& dir, const std::string& design, const std::string& factors = "",
                        int replications = 3) {
  std::string f = factors.empty() ? "  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                                    "  - key: levers.land_quota_mu\n    range: [400 mu, 2500 mu]\n"
                                  : factors;
  return dir.write("sweep.yaml", "base: " + source_path("scenarios/demo.yaml") + "\nfactors:\n" + f +
                                     "design: " + design + "\nreplications: " + std::to_string(replications) +
                                     "\nseed: 11\nbootstrap: 50\noutputs:\n"
                                     "  - {indicator: gross_output, year: 2025}\n"
                                     "  - {indicator: budget_spent, year: 2023, zone: north}\n");
}

const char* kCompared[] = {"design/unit_matrix", "design/matrix",       "runs/outputs",
                           "runs/target_values", "runs/target_met",     "runs/budget_cost",
                           "points/output_mean", "points/target_probability", "points/all_targets_probability",
                           "points/budget_cost_mean", "points/done"};

void require_same(const std::string& a, const std::string& b, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> names(std::begin(kCompared), std::end(kCompared));
  names.insert(names.end(), extra.begin(), extra.end());
  for (const auto& n : names) {
    INFO(n);
    std::vector<unsigned long long> sa, sb;
    auto x = read_dataset(a, n, &sa);
    auto y = read_dataset(b, n, &sb);
    REQUIRE(sa == sb);
    CHECK(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
  }
}

}  // namespace

TEST_CASE("a sweep file error names file, line, column and the nearest key") {
  TempDir tmp;
  std::string f = small_sweep(tmp, "{type: lhs, points: 4}",
                              "  - key: levers.rd_subsdy_rate\n    range: [\"0 %\", \"40 %\"]\n");
  auto r = run_zonesim("sweep " + f + " -q -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(f + ":3:10: error: levers.rd_subsdy_rate: unknown lever \"rd_subsdy_rate\""));
  CHECK_THAT(r.err, Catch::Contains("did you mean \"rd_subsidy_rate\"?"));

  f = small_sweep(tmp, "{type: sobl, base_samples: 4}");
  r = run_zonesim("sweep " + f + " -q -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown design \"sobl\""));
  CHECK_THAT(r.err, Catch::Contains("did you mean \"sobol\"?"));

  f = small_sweep(tmp, "{type: lhs, points: 4}", "  - key: levers.land_quota_mu\n    range: [1 亿元, 2 亿元]\n");
  r = run_zonesim("sweep " + f + " -q -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("levers.land_quota_mu"));
  CHECK_FALSE(fs::exists(tmp.file("x.h5")));
}

TEST_CASE("a sweep file's YAML mistakes get the scenario files' located messages") {
  TempDir tmp;
  const std::string base = "base: " + source_path("scenarios/demo.yaml") + "\n";
  struct Case {
    std::string text, where, message;
  };
  const Case cases[] = {
      {base + "factors:\n\t- key: levers.rd_subsidy_rate\n", ":3:1: error: ", "tab character used for indentation"},
      {base + "design: {type: lhs, points: 4}},\n", ":2:", "YAML syntax error"},
      {base + "---\n" + base, ":2:1: error: ", "the file holds 2 YAML documents; a sweep file holds one"},
  };
  for (const auto& c : cases) {
    const std::string f = tmp.write("bad.yaml", c.text);
    auto r = run_zonesim("sweep " + f + " -q -o " + tmp.file("x.h5"));
    INFO(c.text << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(f + c.where));
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(tmp.file("x.h5")));
  }
}

TEST_CASE("a Sobol sweep writes runs, points and sensitivity indices, the same for any thread count") {
  TempDir tmp;
  std::string f = small_sweep(tmp, "{type: sobol, base_samples: 4}");
  auto a = run_zonesim("sweep " + f + " -q -t 1 -o " + tmp.file("t1.h5"));
  auto b = run_zonesim("sweep " + f + " -q -t 2 -o " + tmp.file("t2.h5"));
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK_THAT(a.out, Catch::Contains("Sobol indices"));
  CHECK_THAT(a.out, Catch::Contains("runs/s"));
  std::vector<unsigned long long> shape;
  read_dataset(tmp.file("t1.h5"), "runs/outputs", &shape);
  CHECK(shape == std::vector<unsigned long long>{16, 3, 2});  // 4 x (2 + 2) points, 3 reps, 2 outputs
  read_dataset(tmp.file("t1.h5"), "sensitivity/sobol/S1", &shape);
  CHECK(shape[1] == 2);
  CHECK(read_string_attribute(tmp.file("t1.h5"), "runs/budget_cost", "unit") == "亿元");
  CHECK(read_string_attribute(tmp.file("t1.h5"), "design/matrix", "dims") == "point,factor");
  require_same(tmp.file("t1.h5"), tmp.file("t2.h5"),
               {"sensitivity/sobol/S1", "sensitivity/sobol/ST", "sensitivity/sobol/S1_low", "discovery/density"});
  // Factor values are set with their units: 0..40 % and 400..2500 mu.
  auto m = read_dataset(tmp.file("t1.h5"), "design/matrix");
  for (std::size_t i = 0; i < m.size(); i += 2) {
    CHECK(m[i] >= 0.0);
    CHECK(m[i] <= 40.0);
    CHECK(m[i + 1] >= 400.0);
    CHECK(m[i + 1] <= 2500.0);
  }
  CHECK(fs::exists(tmp.file("t1.h5")));
  CHECK_FALSE(fs::exists(tmp.file("t1.h5.journal")));
  CHECK_FALSE(fs::exists(tmp.file("t1.h5.partial.h5")));
}

TEST_CASE("a sweep killed with kill -9 resumes to the same file as an uninterrupted one") {
  TempDir tmp;
  std::string f = small_sweep(tmp, "{type: grid, levels: 6}", "", 4);  // 36 points
  auto ref = run_zonesim("sweep " + f + " -q -t 2 -o " + tmp.file("ref.h5"));
  INFO(ref.err);
  REQUIRE(ref.exit_code == 0);

  const std::string out = tmp.file("cut.h5");
  // Start, wait until a few points are journaled, then kill -9.
  auto k = run_command("'" + std::string(ZONESIM_BINARY) + "' sweep " + f + " -q -t 1 -o " + out +
                       " & pid=$!; for i in $(seq 1 500); do "
                       "s=$(stat -c %s " + out + ".journal 2>/dev/null || echo 0); "
                       "[ \"$s\" -gt 1500 ] && break; sleep 0.01; done; kill -9 $pid; wait $pid; echo killed");
  CHECK_THAT(k.out, Catch::Contains("killed"));
  REQUIRE(fs::exists(out + ".journal"));
  REQUIRE_FALSE(fs::exists(out));

  auto refused = run_zonesim("sweep " + f + " -q -o " + out);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--resume"));

  auto res = run_zonesim("sweep " + f + " -t 2 --resume -o " + out);
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  CHECK_THAT(res.err, Catch::Contains("resuming:"));
  require_same(tmp.file("ref.h5"), out, {"discovery/density", "discovery/low"});
  CHECK_FALSE(fs::exists(out + ".journal"));
}

TEST_CASE("a Morris sweep stores mu* and sigma per quantity and factor") {
  TempDir tmp;
  std::string f = small_sweep(tmp, "{type: morris, trajectories: 3, levels: 4}", "", 2);
  auto r = run_zonesim("sweep " + f + " -q -o " + tmp.file("m.h5"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<unsigned long long> shape;
  read_dataset(tmp.file("m.h5"), "sensitivity/morris/mu_star", &shape);
  // outputs (2) + targets of demo (3) + all targets + budget cost, x 2 factors
  CHECK(shape == std::vector<unsigned long long>{7, 2});
  CHECK_THAT(r.out, Catch::Contains("Morris"));
}

TEST_CASE("zonesim optimize reports the cost-probability frontier and the cheapest feasible point") {
  TempDir tmp;
  std::string f = tmp.write("opt.yaml", "base: " + source_path("scenarios/demo.yaml") +
                                            "\nfactors:\n  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                                            "  - key: levers.new_incubators\n    values: [0, 2, 4]\n"
                                            "replications: 3\nseed: 5\ndesign: optimize\n"
                                            "optimize: {probability: 0.3, initial_points: 6, rounds: 1, points_per_round: 4}\n");
  auto r = run_zonesim("optimize " + f + " -q -t 2 -o " + tmp.file("o.h5"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Cost-probability frontier"));
  std::vector<unsigned long long> shape;
  auto done = read_dataset(tmp.file("o.h5"), "points/done", &shape);
  CHECK(shape == std::vector<unsigned long long>{10});
  for (double d : done) CHECK(d == 1.0);
  auto front = read_dataset(tmp.file("o.h5"), "optimize/frontier");
  CHECK_FALSE(front.empty());
}

TEST_CASE("zonesim optimize with optimize.targets requires only the listed targets") {
  TempDir tmp;
  std::string f = tmp.write("opt.yaml", "base: " + source_path("scenarios/demo.yaml") +
                                            "\nfactors:\n  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                                            "replications: 4\nseed: 5\ndesign: optimize\n"
                                            "optimize: {probability: 0.5, initial_points: 6, rounds: 1, points_per_round: 3,\n"
                                            "           targets: [output]}\n");
  auto r = run_zonesim("optimize " + f + " -q -t 2 -o " + tmp.file("o.h5"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("every required target (output)"));
  CHECK(read_string_attribute(tmp.file("o.h5"), "optimize", "required_targets") == "output");
  std::vector<unsigned long long> shape;
  const auto per_target = read_dataset(tmp.file("o.h5"), "points/target_probability", &shape);
  const auto required = read_dataset(tmp.file("o.h5"), "points/required_targets_probability");
  const auto all = read_dataset(tmp.file("o.h5"), "points/all_targets_probability");
  REQUIRE(shape.size() == 2);
  REQUIRE(required.size() == shape[0]);
  // demo.yaml's targets are output, rd_intensity, hightech_share: "output" is column 0.
  for (std::size_t p = 0; p < required.size(); ++p) {
    CHECK(required[p] == per_target[p * shape[1]]);
    CHECK(required[p] >= all[p]);
  }
  // The frontier is built on the required probability.
  const auto front_p = read_dataset(tmp.file("o.h5"), "optimize/frontier_probability");
  const auto front = read_dataset(tmp.file("o.h5"), "optimize/frontier");
  REQUIRE(front.size() == front_p.size());
  for (std::size_t i = 0; i < front.size(); ++i) CHECK(front_p[i] == required[static_cast<std::size_t>(front[i])]);
}

TEST_CASE("zonesim optimize: an unknown id in optimize.targets is a located error with the nearest id") {
  TempDir tmp;
  std::string f = tmp.write("opt.yaml", "base: " + source_path("scenarios/demo.yaml") +
                                            "\nfactors:\n  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                                            "replications: 2\nseed: 1\ndesign: optimize\n"
                                            "optimize:\n  targets: [output, rd_intensty]\n");
  auto r = run_zonesim("optimize " + f + " -q -o " + tmp.file("o.h5"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("opt.yaml:9:21: error: optimize.targets[1]: \"rd_intensty\" is not a target of the "
                                    "base scenario"));
  CHECK_THAT(r.err, Catch::Contains("did you mean \"rd_intensity\"? the base has: output, rd_intensity, hightech_share"));
  CHECK_FALSE(std::filesystem::exists(tmp.file("o.h5")));
}
