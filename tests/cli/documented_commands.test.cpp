// Issue 15, "documented commands that fail or mislead": validate takes the sweep files in
// scenarios/, a result file given as YAML is recognised, the line optimize prints can be pasted,
// terminal tables align by display width, and optimize --help shows optimize.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support.hpp"
#include "zonesim/sweep.hpp"
#include "zonesim/text.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Display column at which each cell of a table row starts (cells separated by two or more
// spaces; a cell's own single spaces are kept).
std::vector<std::size_t> cell_starts(const std::string& line) {
  std::vector<std::size_t> starts;
  std::size_t col = 0, i = 0, spaces = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++spaces;
      ++col;
      ++i;
      continue;
    }
    if (starts.empty() || spaces >= 2) starts.push_back(col);
    spaces = 0;
    std::size_t j = i + 1;
    while (j < line.size() && (static_cast<unsigned char>(line[j]) & 0xC0) == 0x80) ++j;
    col += zonesim::display_width(line.substr(i, j - i));
    i = j;
  }
  return starts;
}

}  // namespace

TEST_CASE("validate checks the shipped sweep files in scenarios/ with the scenario each varies and exits 0") {
  auto r = run_zonesim("validate scenarios/*.yaml");
  CHECK(r.err == "");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("scenarios/demo-sweep.yaml: ok (sweep of scenarios/demo.yaml: 3 factors, design "
                                    "sobol, 40 points x 4 replications = 160 runs)\n"));
  CHECK_THAT(r.out, Catch::Contains("scenarios/qingyuan-sobol.yaml: ok (sweep of scenarios/qingyuan-hightech-2025.yaml: "
                                    "3 factors, design sobol, 320 points x 20 replications = 6400 runs)\n"));
  CHECK_THAT(r.out, Catch::Contains("scenarios/suizhou-zones.yaml: ok (1 zone, 5 sectors, 4 targets, 2017-2025)\n"));
}

TEST_CASE("validate reports a sweep file's errors as sweep --validate does and exits 2") {
  TempDir tmp;
  const std::string sweep = tmp.write("bad.yaml", "zonesim_sweep: 1\nbase: " + source_path("scenarios/demo.yaml") +
                                                      "\nfactors:\n  - key: levers.rd_subsidy\n    range: [\"0 %\", \"40 %\"]\n"
                                                      "design: {type: lhs, points: 4}\nreplications: 2\nseed: 1\n");
  const std::string error = sweep + ":4:10: error: levers.rd_subsidy: unknown lever \"rd_subsidy\"\n"
                                    "    hint: did you mean \"rd_subsidy_rate\"?\n";
  auto v = run_zonesim("validate " + sweep);
  CHECK(v.exit_code == 2);
  CHECK(v.err == error + "1 error in 1 file\n");
  auto s = run_zonesim("sweep " + sweep + " --validate");
  CHECK(s.exit_code == 2);
  CHECK(s.err == error + "1 error; nothing was written.\n");

  // A policy search needs targets: the base scenario here has none.
  std::string demo = read_file_text(source_path("scenarios/demo.yaml"));
  REQUIRE(demo.find("\ntargets:") != std::string::npos);  // the last section of demo.yaml
  const std::string base = tmp.write("no-targets.yaml", demo.substr(0, demo.find("\ntargets:") + 1));
  const std::string search = tmp.write("search.yaml", "zonesim_sweep: 1\nbase: no-targets.yaml\nfactors:\n"
                                                      "  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                                                      "design: optimize\nreplications: 2\nseed: 1\n");
  REQUIRE(load_valid(base).targets.empty());
  v = run_zonesim("validate " + search);
  s = run_zonesim("sweep " + search + " --validate");
  CHECK(s.exit_code == 2);
  CHECK(v.exit_code == 2);
  CHECK(v.err == search + ": error: design: the base scenario has no targets; a policy search needs them\n"
                          "    hint: add targets to the base scenario\n1 error in 1 file\n");
}

TEST_CASE("a result file given where YAML is expected says it is HDF5 and to run zonesim report, exit 2") {
  TempDir tmp;
  const std::string h5 = tmp.file("base.h5");
  REQUIRE(run_zonesim("run scenarios/demo.yaml -r 2 -q -o " + h5).exit_code == 0);
  const std::string what = h5 + ": error: cannot read file: it is an HDF5 file (a zonesim result?), not YAML text\n"
                                "    hint: to read a result, run `zonesim report " + h5 +
                           "` (an HTML report) or see docs/output.md; give a YAML file here\n";
  auto r = run_zonesim("run " + h5 + " -o " + tmp.file("x.h5"));
  CHECK(r.exit_code == 2);
  CHECK(r.err == what + "1 error; nothing was written.\n");
  CHECK_FALSE(fs::exists(tmp.file("x.h5")));
  r = run_zonesim("validate " + h5);
  CHECK(r.exit_code == 2);
  CHECK(r.err == what + "1 error in 1 file\n");
  r = run_zonesim("sweep " + h5 + " --validate");
  CHECK(r.exit_code == 2);
  CHECK(r.err == h5 + ": error: cannot read the sweep file: it is an HDF5 file (a zonesim result?), not YAML text\n"
                      "    hint: to read a result, run `zonesim report " + h5 +
                     "` (an HTML report) or see docs/output.md; give a YAML file here\n1 error; nothing was written.\n");
  // A scenario extending a result file names the extends line.
  const std::string ext = tmp.write("ext.yaml", "extends: base.h5\nname: x\n");
  r = run_zonesim("validate " + ext);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot use base scenario \"base.h5\": it is an HDF5 file (a zonesim result?)"));
}

TEST_CASE("other binary files given as a scenario are named as binary, exit 2") {
  TempDir tmp;
  const std::string nul = tmp.write("nul.yaml", std::string("name: x\n\0\0\0", 11));
  auto r = run_zonesim("validate " + nul);
  CHECK(r.exit_code == 2);
  CHECK(r.err == nul + ": error: cannot read file: it is a binary file (it holds NUL bytes), not YAML text\n"
                       "    hint: give a YAML file\n1 error in 1 file\n");
  const std::string gz = tmp.write("s.yaml.gz", std::string("\x1f\x8b\x08\x00", 4));
  r = run_zonesim("run " + gz);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("it is a gzip-compressed file, not YAML text"));
  const std::string utf16 = tmp.write("utf16.yaml", std::string("\xff\xfen\0a\0m\0e\0", 10));
  r = run_zonesim("validate " + utf16);
  CHECK(r.exit_code == 2);
  CHECK(r.err == utf16 + ": error: cannot read file: it is UTF-16 text, not UTF-8\n    hint: save it as UTF-8\n1 error in 1 file\n");
}

TEST_CASE("factor values in overrides are shortest round-trip numbers") {
  auto loaded = zonesim::sweep::load_sweep_file(source_path("scenarios/demo-sweep.yaml"));
  REQUIRE(loaded.spec);
  const auto& f = loaded.spec->factors.at(0);  // levers.rd_subsidy_rate, 0 % .. 40 %
  // 0.1 % is 0.001 canonical: %.17g printed it as 0.10000000000000001.
  CHECK(f.override_at(0.0025) == "levers.rd_subsidy_rate=0.1 %");
  CHECK(f.override_at(0.5) == "levers.rd_subsidy_rate=20 %");
  const auto& land = loaded.spec->factors.at(1);  // 400 .. 2500 mu
  CHECK(land.override_at(0.1) == "levers.land_quota_mu=610 mu");
}

TEST_CASE("the zonesim run line optimize prints can be pasted and gives the point's probabilities") {
  TempDir tmp;
  const std::string sweep = tmp.write(
      "search.yaml", "zonesim_sweep: 1\nname: search\nbase: " + source_path("scenarios/demo.yaml") +
                         "\nfactors:\n  - key: levers.rd_subsidy_rate\n    range: [\"0 %\", \"40 %\"]\n"
                         "  - key: zones.north.levers.land_quota_mu\n    range: [400 mu, 2500 mu]\n"
                         "design: optimize\nreplications: 4\nseed: 7\n"
                         "optimize: {probability: 0.25, targets: [output], initial_points: 6, rounds: 1, points_per_round: 4}\n");
  const std::string out = tmp.file("search.h5");
  auto r = run_zonesim("optimize " + sweep + " -q -t 2 -o " + out);
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  auto at = std::find(lines.begin(), lines.end(), "the point's runs (its replications and seed):");
  REQUIRE(at != lines.end());
  REQUIRE(at + 1 != lines.end());
  const std::string command = *(at + 1);
  CAPTURE(command);
  // One --set per factor, each value as short as reads back exactly.
  CHECK(std::regex_search(command, std::regex("^  zonesim run \\S+demo\\.yaml -r 4 --seed 7 "
                                              "--set 'levers\\.rd_subsidy_rate=[0-9.]+ %' "
                                              "--set 'zones\\.north\\.levers\\.land_quota_mu=[0-9.]+ mu'$")));
  std::smatch best;
  REQUIRE(std::regex_search(r.out, best, std::regex(": point ([0-9]+), cost")));
  const std::size_t point = std::stoul(best[1]);

  const std::string bin_dir = fs::path(ZONESIM_BINARY).parent_path().string();
  const std::string run_file = tmp.file("point.h5");
  auto pasted = run_command("cd " + tmp.path().string() + " && PATH='" + bin_dir + "':$PATH " + command + " -q -o " + run_file);
  CHECK(pasted.err == "");
  REQUIRE(pasted.exit_code == 0);
  std::vector<unsigned long long> shape;
  const auto points = read_dataset(out, "points/target_probability", &shape);
  REQUIRE(shape.size() == 2);
  const auto probability = read_dataset(run_file, "targets/probability");
  REQUIRE(probability.size() == shape[1]);
  for (std::size_t t = 0; t < probability.size(); ++t) CHECK(probability[t] == points[point * shape[1] + t]);
}

TEST_CASE("the Sobol table of sweep aligns its columns by display width") {
  TempDir tmp;
  auto r = run_zonesim("sweep scenarios/demo-sweep.yaml -q -t 2 -o " + tmp.file("s.h5"));
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  auto head = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("quantity ", 0) == 0; });
  REQUIRE(head != lines.end());
  const auto columns = cell_starts(*head);
  REQUIRE(columns.size() == 4);  // quantity and three factors
  int rows = 0;
  for (auto it = head + 1; it != lines.end() && it->rfind("Scenario discovery", 0) != 0; ++it) {
    if (it->find("(no variation)") != std::string::npos) continue;
    CAPTURE(*head, *it);
    CHECK(cell_starts(*it) == columns);
    ++rows;
  }
  CHECK(rows >= 4);
}

TEST_CASE("display width counts CJK characters as two columns and tables pad by it") {
  CHECK(zonesim::display_width("清府〔2021〕26号") == 16);
  CHECK(zonesim::display_width("0.4993 亿元") == 11);
  CHECK(zonesim::display_width("é") == 1);
  CHECK(zonesim::format_columns({{"cost 亿元", "P"}, {"12.5", "0.85"}}) == "cost 亿元  P\n12.5       0.85\n");
  CHECK(zonesim::pad_to_width("亩", 4, true) == "  亩");
}

TEST_CASE("optimize --help shows optimize examples, not sweep examples") {
  auto r = run_zonesim("optimize --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("zonesim optimize scenarios/qingyuan-sobol.yaml -o out/optimize.h5"));
  CHECK_THAT(r.out, !Catch::Contains("zonesim sweep "));
}

TEST_CASE("run and sweep create out/ for their output in a fresh checkout; other missing directories are errors") {
  TempDir tmp;
  const std::string cd = "cd '" + tmp.path().string() + "' && '" + ZONESIM_BINARY + "' ";
  auto r = run_command(cd + "run " + source_path("scenarios/demo.yaml") + " -r 2 -q -o out/base.h5");
  CHECK(r.err == "");
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(tmp.file("out/base.h5")));
  fs::remove_all(tmp.file("out"));
  r = run_command(cd + "sweep " + source_path("scenarios/demo-sweep.yaml") + " -q -t 2 -o out/demo-sweep.h5");
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(tmp.file("out/demo-sweep.h5")));
  r = run_command(cd + "sweep " + source_path("scenarios/demo-sweep.yaml") + " -q -o results/demo-sweep.h5");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "zonesim sweep: output directory results does not exist\n");
  CHECK_FALSE(fs::exists(tmp.file("results")));
}
