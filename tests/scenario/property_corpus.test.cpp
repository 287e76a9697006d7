// The property-based corpus of issue 12 for scenario files and --set (tests/support/corpus.hpp):
// every shipped scenario is mutated deterministically (delete a key, misspell a key, an id or a
// word, replace a value by another unit's, a negative, 0, a huge value, a non-number, nothing,
// a list, a mapping, a fractional year, duplicate a key), directly, through an `extends:`
// variant and through --set; every --set path of the registry gets its boundary values and
// invalid ones. The promises: refused input has located diagnostics (and exit 2 from the CLI,
// with no output file touched); accepted input holds only finite values and, for demo.yaml, runs
// with finite indicators that satisfy the model's identities.
//
// A failing case prints the mutation (route, file, key path, old -> new) and the promise it broke;
// failures are grouped by class (kind, route, promise) with one example each and a count.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "corpus.hpp"
#include "support.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/registry.hpp"

namespace fs = std::filesystem;
using namespace zonesim;
using namespace zonesim::test;
using namespace zonesim::test::corpus;

namespace {

// Runs of accepted mutations are kept small: demo.yaml only, 2 replications, one thread, and no
// scenario that would grow past this many firms (the CLI refuses by memory much later).
constexpr double kMaxRunFirms = 20000;

// Failures grouped by class; one example of each is printed with its count.
class Failures {
 public:
  void add(const std::string& cls, const std::string& example) {
    auto& [n, text] = classes_[cls];
    if (n++ == 0) text = example;
  }
  bool empty() const { return classes_.empty(); }
  std::string report() const {
    std::ostringstream out;
    out << classes_.size() << " failure classes:\n";
    for (const auto& [cls, v] : classes_)
      out << "\n== " << cls << " (" << v.first << " cases)\n   e.g. " << v.second << "\n";
    return out.str();
  }
  const std::map<std::string, std::pair<int, std::string>>& classes() const { return classes_; }

 private:
  std::map<std::string, std::pair<int, std::string>> classes_;
};

struct Outcome {
  LoadResult load;
  std::string loaded_file;  // the file given to the loader
};

Outcome load_mutation(const Mutation& m, const TempDir& tmp, int index) {
  Outcome o;
  LoadOptions lo;
  lo.overrides = m.overrides;
  if (m.route == Route::set) {
    o.loaded_file = source_path(m.source);
  } else {
    o.loaded_file = tmp.write("mutation-" + std::to_string(index) + ".yaml", m.file_text);
  }
  o.load = load_scenario_file(o.loaded_file, lo);
  return o;
}

std::string first_lines(const std::string& text, int n) {
  std::istringstream in(text);
  std::string line, out;
  for (int i = 0; i < n && std::getline(in, line); ++i) out += "\n      " + line;
  return out;
}

// Checks one outcome against the promises; runs accepted demo scenarios. Returns the class of
// the broken promise (empty when kept) and fills `detail`.
std::string judge(const Mutation& m, const Outcome& o, bool run, std::string& detail, Tally& tally) {
  const std::string route(route_name(m.route));
  if (!o.load.scenario) {
    tally.add(route + " refused: " + m.kind);
    std::string broke = check_refusal(o.load.diagnostics, m.route != Route::set);
    if (!broke.empty()) {
      detail = broke + "\n   diagnostics:" + first_lines(o.load.diagnostics.format(), 6);
      return "refused without a location";
    }
    return {};
  }
  tally.add(route + " accepted: " + m.kind);
  if (m.expect == Expect::reject) {
    detail = "accepted (a scenario of " + std::to_string(o.load.scenario->zones.size()) + " zones, " +
             std::to_string(o.load.scenario->sectors.size()) + " sectors); it must be refused";
    return "bad input accepted";
  }
  Scenario s = *o.load.scenario;
  std::string broke = check_scenario_finite(s);
  if (!broke.empty()) {
    detail = broke;
    return "accepted a value that is not finite";
  }
  if (!run) return {};
  // Keeps the corpus from running a valid scenario that grows millions of firms.
  if (s.expected_peak_firms() > kMaxRunFirms) {
    tally.add("valid, not run here (would grow past " + std::to_string(static_cast<int>(kMaxRunFirms)) + " firms)");
    return {};
  }
  s.replications = 2;
  EnsembleOptions eo;
  eo.threads = 1;
  try {
    Ensemble e = run_ensemble(s, eo);
    tally.add("valid, run (2 replications)");
    broke = check_indicators(s, e);
  } catch (const std::exception& e) {
    broke = std::string("the run threw: ") + e.what();
  }
  if (!broke.empty()) {
    detail = broke;
    return "valid input, bad indicators";
  }
  return {};
}

std::vector<std::string> shipped_files(bool sweeps) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("scenarios")))
    if (e.path().extension() == ".yaml" && is_sweep_file(e.path().string()) == sweeps)
      out.push_back("scenarios/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("corpus: mutations of every shipped scenario are refused with a location or give a sound scenario") {
  const auto t0 = std::chrono::steady_clock::now();
  const auto files = shipped_files(false);
  REQUIRE(files.size() >= 10);
  TempDir tmp;
  Tally tally;
  Failures failures;
  int index = 0;
  for (const auto& rel : files) {
    const auto mutations = scenario_mutations(rel, Budget{});
    const bool run = rel == "scenarios/demo.yaml";
    for (const auto& m : mutations) {
      Outcome o = load_mutation(m, tmp, index++);
      std::string detail;
      const std::string cls = judge(m, o, run, detail, tally);
      if (!cls.empty()) failures.add(cls + " | " + std::string(route_name(m.route)) + " | " + m.kind,
                                     m.describe() + "\n   broke: " + detail);
    }
  }
  std::cout << tally.summary("scenario mutations (" + std::to_string(files.size()) + " files)") << "  time "
            << seconds_since(t0) << " s\n";
  INFO(failures.report());
  CHECK(failures.empty());
}

TEST_CASE("corpus: the mutations are deterministic and cover every kind") {
  const auto a = scenario_mutations("scenarios/demo.yaml", Budget{});
  const auto b = scenario_mutations("scenarios/demo.yaml", Budget{});
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].describe() == b[i].describe());
    CHECK(a[i].file_text == b[i].file_text);
  }
  std::map<std::string, int> kinds;
  for (const auto& m : a) ++kinds[std::string(route_name(m.route)) + " " + m.kind];
  for (const char* k : {"file delete key", "file misspelt key", "file value: another unit", "file value: huge",
                        "file value: empty", "file value: list", "file value: mapping", "file duplicate key",
                        "file year key: fractional", "extends misspelt key", "--set value: another unit",
                        "extends value: huge"}) {
    INFO(k);
    CHECK(kinds[k] > 0);
  }
  // Ids: demo.yaml names zones in targets? It names none, but the definitions are mutated.
  CHECK(kinds["file misspelt zone id (definition)"] + kinds["file misspelt sector id (definition)"] > 0);
  CHECK(kinds["--set misspelt zone id (definition)"] + kinds["--set misspelt sector id (definition)"] > 0);
}

// ---- every --set path of the registry ----------------------------------------------------------

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// A value in the setting's own unit.
std::string in_unit(const Setting& s, double canonical) {
  switch (s.dim) {
    case Dim::share: return number(canonical * 100) + " %";
    case Dim::money: return number(canonical) + " yuan";
    case Dim::area: return number(canonical) + " mu";
    case Dim::money_per_area: return number(canonical) + " yuan/mu";
    case Dim::energy: return number(canonical) + " tce";
    case Dim::energy_per_money: return number(canonical) + " tce/万元";
    case Dim::boolean: return canonical > 0.5 ? "true" : "false";
    case Dim::choice: {
      std::size_t i = static_cast<std::size_t>(std::lround(canonical));
      return std::string(s.choices[std::min(i, s.choices.size() - 1)]);
    }
    case Dim::count:
    case Dim::year: return number(std::round(canonical));
    default: return number(canonical);
  }
}

std::string wrong_unit(const Setting& s) {
  switch (s.dim) {
    case Dim::money: return "5 mu";
    case Dim::area: return "5 亿元";
    case Dim::share: return "5 mu";
    case Dim::money_per_area: return "5 mu";
    case Dim::energy_per_money: return "5 mu";
    case Dim::year: return "2022 亿元";
    default: return "5 亿元";
  }
}

struct SetCase {
  std::string kind;
  std::string key, value;
  Expect expect;
};

std::vector<SetCase> registry_cases() {
  std::vector<SetCase> out;
  auto add_setting = [&](const std::string& prefix, const Setting& s, const std::string& group) {
    const std::string key = prefix + std::string(s.key);
    const double mid = s.dim == Dim::choice ? std::floor((s.min + s.max) / 2) : s.min + (s.max - s.min) / 2;
    out.push_back({group + ": min", key, in_unit(s, s.min), Expect::either});
    out.push_back({group + ": max", key, in_unit(s, s.max), Expect::either});
    out.push_back({group + ": midpoint", key, in_unit(s, mid), Expect::either});
    if (s.dim == Dim::boolean) {
      out.push_back({group + ": not a boolean", key, "maybe", Expect::reject});
    } else if (s.dim == Dim::choice) {
      out.push_back({group + ": misspelt choice", key, misspell(std::string(s.choices[0]), 1, {}), Expect::reject});
    } else {
      if (std::isfinite(s.min)) {
        const double below = s.min - std::max(1.0, std::fabs(s.min));
        out.push_back({group + ": below min", key, in_unit(s, s.dim == Dim::share ? s.min - 0.01 : below), Expect::reject});
      }
      if (std::isfinite(s.max))
        out.push_back({group + ": above max", key, in_unit(s, s.max + std::max(1.0, std::fabs(s.max))), Expect::reject});
      out.push_back({group + ": wrong unit", key, wrong_unit(s), Expect::reject});
    }
    const std::string bad = misspell(std::string(s.key), 7, {});
    out.push_back({group + ": misspelt key", prefix + bad, in_unit(s, s.default_value), Expect::reject});
  };
  for (const auto& s : lever_settings()) {
    add_setting("levers.", s, "lever");
    out.push_back({"zone lever: midpoint", "zones.south.levers." + std::string(s.key),
                   in_unit(s, s.min + (s.dim == Dim::choice ? 1 : (s.max - s.min) / 2)), Expect::either});
    out.push_back({"zone lever: misspelt zone id", "zones.souht.levers." + std::string(s.key), in_unit(s, s.default_value),
                   Expect::reject});
  }
  for (const auto& s : parameter_settings()) add_setting("parameters.", s, "parameter");
  for (const auto& s : zone_settings()) {
    add_setting("zones.north.", s, "zone field");
    out.push_back({"zone field: misspelt zone id", "zones.nort." + std::string(s.key), in_unit(s, s.default_value),
                   Expect::reject});
  }
  for (const auto& s : region_settings()) add_setting("region.", s, "region");
  for (const auto& s : sector_settings()) {
    add_setting("sectors.electronics.", s, "sector field");
    out.push_back({"sector field: misspelt sector id", "sectors.electronic." + std::string(s.key),
                   in_unit(s, s.default_value), Expect::reject});
  }
  for (const auto& s : run_settings()) add_setting("", s, "run setting");
  // Seeds beyond a double's 53 bits: kept exactly or refused.
  out.push_back({"run setting: seed 2^53 + 1", "seed", "9007199254740993", Expect::either});
  out.push_back({"run setting: seed 10^19", "seed", "10000000000000000000", Expect::either});
  return out;
}

}  // namespace

namespace {

// Runs every registry case of the groups named by `prefix` ("lever", "parameter", ...): accepted
// values at a bound (min, max) run; midpoints and the rest are loaded only (runs are what cost).
void registry_corpus(const std::vector<std::string>& groups, const std::string& title) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<SetCase> cases;
  for (const auto& c : registry_cases())
    for (const auto& g : groups)
      if (c.kind.rfind(g + ":", 0) == 0) cases.push_back(c);
  REQUIRE(cases.size() > 40);
  Tally tally;
  Failures failures;
  TempDir tmp;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const SetCase& c = cases[i];
    Mutation m;
    m.kind = c.kind;
    m.route = Route::set;
    m.source = "scenarios/demo.yaml";
    m.path = c.key;
    m.new_value = c.value;
    m.expect = c.expect;
    m.overrides = {c.key + "=" + c.value};
    const auto tc = std::chrono::steady_clock::now();
    Outcome o = load_mutation(m, tmp, static_cast<int>(i));
    const bool bound = c.kind.ends_with(": min") || c.kind.ends_with(": max");
    std::string detail;
    std::string cls = judge(m, o, bound, detail, tally);
    // A seed is kept exactly (it is a whole number up to 1.8e19, not a double).
    if (cls.empty() && c.key == "seed" && o.load.scenario) {
      const auto asked = static_cast<unsigned long long>(std::stold(c.value));
      if (o.load.scenario->seed != asked) {
        cls = "valid input, value changed";
        detail = "seed " + c.value + " is stored as " + std::to_string(o.load.scenario->seed) + " (asked " +
                 std::to_string(asked) + ")";
      }
    }
    if (!cls.empty()) failures.add(cls + " | " + c.kind, m.describe() + "\n   broke: " + detail);
    if (seconds_since(tc) > 5) std::cout << "slow case (" << seconds_since(tc) << " s): " << m.overrides[0] << "\n";
  }
  std::cout << tally.summary("--set paths of the registry: " + title) << "  time " << seconds_since(t0) << " s\n";
  INFO(failures.report());
  CHECK(failures.empty());
}

}  // namespace

TEST_CASE("corpus: every lever as a --set path at its bounds and beyond on demo.yaml") {
  registry_corpus({"lever", "zone lever"}, "levers");
}

TEST_CASE("corpus: every parameter as a --set path at its bounds and beyond on demo.yaml") {
  registry_corpus({"parameter"}, "parameters");
}

TEST_CASE("corpus: every zone sector region and run setting as a --set path at its bounds and beyond") {
  registry_corpus({"zone field", "sector field", "region", "run setting"}, "zone, sector, region and run settings");
}

// ---- the CLI: exit 2 with a location, and no output file touched --------------------------------

TEST_CASE("corpus: a sample of refused mutations exits 2 from the CLI with a location and writes nothing") {
  TempDir tmp;
  // One refused mutation of each of these kinds (the first in corpus order), file and --set.
  const std::vector<std::pair<Route, std::string>> wanted = {
      {Route::file, "misspelt key"},          {Route::file, "value: another unit"},
      {Route::file, "value: empty"},          {Route::file, "duplicate key"},
      {Route::file, "year key: fractional"},  {Route::extends, "misspelt key"},
      {Route::set, "value: another unit"},    {Route::set, "value: not a number"}};
  std::vector<Mutation> sample;
  for (const auto& rel : {std::string("scenarios/demo.yaml"), std::string("scenarios/qingyuan-hightech-2025.yaml")}) {
    const auto ms = scenario_mutations(rel, Budget{});
    for (const auto& [route, kind] : wanted)
      for (const auto& m : ms)
        if (m.route == route && m.kind == kind) {
          sample.push_back(m);
          break;
        }
  }
  REQUIRE(sample.size() >= 12);
  int index = 0;
  for (const auto& m : sample) {
    Outcome o = load_mutation(m, tmp, 1000 + index);
    INFO(m.describe() << "\n" << o.load.diagnostics.format());
    REQUIRE_FALSE(o.load.scenario.has_value());
    REQUIRE_FALSE(o.load.diagnostics.empty());
    std::string sets;
    for (const auto& s : m.overrides) sets += " --set " + shell_quote(s);
    const auto& d = o.load.diagnostics.items().front();
    const std::string where = d.file == "--set" ? std::string("--set") : d.file + ":" + std::to_string(d.line) + ":" +
                                                                             std::to_string(d.column) + ":";
    auto v = run_zonesim("validate " + shell_quote(o.loaded_file) + sets);
    INFO("validate: exit " << v.exit_code << "\n" << v.err);
    CHECK(v.exit_code == 2);
    CHECK(v.err.find(where) != std::string::npos);
    // run -o: refused before anything is written; an existing file (with --force) is untouched.
    const fs::path dir = tmp.path() / ("out-" + std::to_string(index));
    fs::create_directories(dir);
    auto r = run_zonesim("run " + shell_quote(o.loaded_file) + sets + " -r 2 -q -o " + shell_quote((dir / "new.h5").string()));
    INFO("run: exit " << r.exit_code << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(fs::is_empty(dir));
    const std::string keep = tmp.write("out-" + std::to_string(index) + "/old.h5", "not an HDF5 file, must survive");
    auto f = run_zonesim("run " + shell_quote(o.loaded_file) + sets + " -r 2 -q --force -o " + shell_quote(keep));
    CHECK(f.exit_code == 2);
    std::ifstream in(keep);
    std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(kept == "not an HDF5 file, must survive");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
    CHECK(files == 1);
    ++index;
  }
}

TEST_CASE("corpus: a run whose output cannot be written leaves no file and exits 2") {
  TempDir tmp;
  const std::string demo = source_path("scenarios/demo.yaml");
  // A directory that does not exist, and one that is read-only.
  auto r = run_zonesim("run " + shell_quote(demo) + " -r 2 -q -o " + shell_quote(tmp.file("missing/dir/out.h5")));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(tmp.file("missing")));
  const fs::path ro = tmp.path() / "read-only";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(ro.c_str(), W_OK) != 0) {  // not when run as root
    auto w = run_zonesim("run " + shell_quote(demo) + " -r 2 -q -o " + shell_quote((ro / "out.h5").string()));
    INFO(w.err);
    CHECK(w.exit_code == 2);
    CHECK(fs::is_empty(ro));
  }
  fs::permissions(ro, fs::perms::owner_all);
}

TEST_CASE("corpus: -o onto something that is not a regular file is refused and left as it was") {
  TempDir tmp;
  const std::string demo = source_path("scenarios/demo.yaml");
  const std::string fifo = tmp.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto r = run_zonesim("run " + shell_quote(demo) + " -r 2 -q --force -o " + shell_quote(fifo));
  INFO("run -o FIFO --force: exit " << r.exit_code << "\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(fs::is_fifo(fifo));
  fs::create_directories(tmp.file("dir"));
  auto d = run_zonesim("run " + shell_quote(demo) + " -r 2 -q --force -o " + shell_quote(tmp.file("dir")));
  INFO("run -o DIRECTORY --force: exit " << d.exit_code << "\n" << d.err);
  CHECK(d.exit_code == 2);
  CHECK(fs::is_directory(tmp.file("dir")));
}

TEST_CASE("corpus: a run that hits the file size limit fails cleanly and leaves no file") {
  TempDir tmp;
  const std::string out = tmp.file("big.h5");
  // 100 blocks of 512 bytes: the HDF5 file of 20 replications does not fit (issue 12, defect 3).
  auto r = run_command("trap '' XFSZ; ulimit -f 100; '" + std::string(ZONESIM_BINARY) + "' run " +
                       shell_quote(source_path("scenarios/demo.yaml")) + " -r 20 -t 1 -q -o " + shell_quote(out));
  INFO("exit " << r.exit_code << "\n" << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code < 128);  // not killed by a signal
  CHECK_FALSE(r.err.empty());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path())) ++files;
  CHECK(files == 0);
}

TEST_CASE("corpus: extends naming something that is not a regular file is refused at the extends line") {
  TempDir tmp;
  fs::create_directories(tmp.file("dir"));
  for (const std::string& target : {tmp.file("dir"), std::string("/dev/null")}) {
    const std::string variant = tmp.write("variant.yaml", "name: variant\nextends: " + target + "\n");
    LoadResult r = load_scenario_file(variant);
    INFO("extends: " << target << "\n" << r.diagnostics.format());
    CHECK_FALSE(r.scenario.has_value());
    REQUIRE_FALSE(r.diagnostics.empty());
    const auto& d = r.diagnostics.items().front();
    CHECK(d.file == variant);
    CHECK(d.line == 2);
    CHECK(d.column > 0);
  }
}
