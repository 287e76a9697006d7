// The property-based corpus of issue 12 for sweep files (tests/support/corpus.hpp): every shipped
// sweep file is mutated deterministically (the generic mutations of the scenario corpus, plus
// factors out of their registry range, reversed ranges, factor combinations that make points
// invalid, huge level counts and sample sizes). The promises: a refused sweep has located
// diagnostics and `zonesim sweep --validate` exits 2 with the location; a sweep that validates
// has a design whose size fits the counters and whose every point loads (what the sweep would
// run), and a tiny valid sweep runs through the binary.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <climits>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "corpus.hpp"
#include "support.hpp"
#include "zonesim/registry.hpp"
#include "zonesim/sweep.hpp"

namespace fs = std::filesystem;
using namespace zonesim;
using namespace zonesim::test;
using namespace zonesim::test::corpus;

namespace {

constexpr int kPointsChecked = 16;  // points of an accepted design loaded (evenly spread)
constexpr long double kMaterialise = 20000;  // designs up to this size are built in process

std::vector<std::string> sweep_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("scenarios")))
    if (e.path().extension() == ".yaml" && is_sweep_file(e.path().string()))
      out.push_back("scenarios/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The shipped sweep with `base:` made absolute, to be changed and written to a temporary dir.
YNode shipped(const std::string& rel) {
  YNode t = parse_yaml_file(source_path(rel));
  YNode* b = t.find("base");
  if (b && fs::path(b->scalar).is_relative())
    b->scalar = (fs::path(source_path(rel)).parent_path() / b->scalar).lexically_normal().string();
  return t;
}

std::string quantity_text(const Setting& s, double canonical) {
  char buf[64];
  switch (s.dim) {
    case Dim::share: std::snprintf(buf, sizeof buf, "%.17g %%", canonical * 100); break;
    case Dim::money: std::snprintf(buf, sizeof buf, "%.17g yuan", canonical); break;
    case Dim::area: std::snprintf(buf, sizeof buf, "%.17g mu", canonical); break;
    case Dim::money_per_area: std::snprintf(buf, sizeof buf, "%.17g yuan/mu", canonical); break;
    default: std::snprintf(buf, sizeof buf, "%.17g", canonical);
  }
  return buf;
}

const Setting* setting_of_key(const std::string& key) {
  const std::string last = key.substr(key.rfind('.') + 1);
  for (auto group : {lever_settings(), parameter_settings(), zone_settings(), region_settings(), sector_settings()})
    for (const auto& s : group)
      if (s.key == last) return &s;
  return nullptr;
}

YNode range(const std::string& lo, const std::string& hi) {
  YNode r;
  r.kind = YNode::Kind::seq;
  r.seq = {YNode::text(lo), YNode::text(hi)};
  return r;
}

YNode factor(const std::string& key, YNode r) {
  YNode f = YNode::mapping();
  f.map.emplace_back("key", YNode::text(key));
  f.map.emplace_back("range", std::move(r));
  return f;
}

Mutation sweep_mutation(const std::string& rel, const std::string& kind, const std::string& path,
                        const std::string& old_value, const std::string& new_value, Expect e, const YNode& tree) {
  Mutation m;
  m.kind = kind;
  m.source = rel;
  m.path = path;
  m.old_value = old_value;
  m.new_value = new_value;
  m.expect = e;
  m.file_text = emit_yaml(tree);
  return m;
}

// Factor-level mutations of a sweep: out of range, reversed, invalid combinations, huge designs.
std::vector<Mutation> sweep_specific(const std::string& rel) {
  std::vector<Mutation> out;
  const YNode base = shipped(rel);
  const YNode* factors = base.find("factors");
  REQUIRE(factors);
  REQUIRE(factors->is_seq());
  for (std::size_t i = 0; i < factors->seq.size(); ++i) {
    const std::string key = factors->seq[i].find("key")->scalar;
    const Setting* s = setting_of_key(key);
    if (!s || !std::isfinite(s->max)) continue;
    const std::string fp = "factors[" + std::to_string(i) + "].range";
    const std::string old = flow_text(*factors->seq[i].find("range"));
    auto with_range = [&](YNode r) {
      YNode t = base;
      *t.find("factors")->seq[i].find("range") = std::move(r);
      return t;
    };
    YNode above = range(quantity_text(*s, s->min), quantity_text(*s, s->max * 2 + 1));
    out.push_back(sweep_mutation(rel, "factor above its maximum", fp, old, flow_text(above), Expect::reject,
                                 with_range(above)));
    YNode below = range(quantity_text(*s, s->min - std::max(0.01, std::fabs(s->max) * 0.1)), quantity_text(*s, s->max));
    out.push_back(sweep_mutation(rel, "factor below its minimum", fp, old, flow_text(below), Expect::reject,
                                 with_range(below)));
    YNode reversed = *factors->seq[i].find("range");
    std::swap(reversed.seq[0], reversed.seq[1]);
    out.push_back(sweep_mutation(rel, "factor range reversed", fp, old, flow_text(reversed), Expect::reject,
                                 with_range(reversed)));
    YNode huge = range(reversed.seq[1].scalar, "1e301 " + std::string(dim_display_unit(s->dim)));
    out.push_back(sweep_mutation(rel, "factor range to 1e301", fp, old, flow_text(huge), Expect::reject, with_range(huge)));
  }
  // Factor combinations that make some points invalid: more above-size firms than firms, value
  // added above output. Either refused up front or every point loads.
  LoadResult b = load_scenario_file(base.find("base")->scalar);
  REQUIRE(b.scenario);
  const ZoneSpec& z = b.scenario->zones.front();
  const double firms = z.fields[static_cast<std::size_t>(ZoneField::base_firms)];
  const double output = z.fields[static_cast<std::size_t>(ZoneField::base_output)];
  {
    YNode t = base;
    t.find("factors")->seq.push_back(factor("zones." + z.id + ".base_above_size_firms",
                                            range("0", std::to_string(static_cast<long long>(firms * 2)))));
    out.push_back(sweep_mutation(rel, "invalid combination (above-size firms above all firms)", "factors", "",
                                 "+ zones." + z.id + ".base_above_size_firms [0, 2 x base_firms]", Expect::either, t));
  }
  {
    YNode t = base;
    char hi[64];
    std::snprintf(hi, sizeof hi, "%.17g yuan", output * 1.5);
    t.find("factors")->seq.push_back(factor("zones." + z.id + ".base_value_added", range("1 亿元", hi)));
    out.push_back(sweep_mutation(rel, "invalid combination (value added above output)", "factors", "",
                                 "+ zones." + z.id + ".base_value_added [1 亿元, 1.5 x base_output]", Expect::either, t));
  }
  {
    YNode t = base;
    t.find("factors")->seq.push_back(factor("parameters.rd_user_cost_elasticity", range("0", "1")));
    t.find("factors")->seq.back().find("key")->scalar = "parameters.wage_researcher";
    *t.find("factors")->seq.back().find("range") = range("1000 yuan", "1e8 yuan");
    out.push_back(sweep_mutation(rel, "extreme but valid factor (wage_researcher 1000 yuan .. 1e8 yuan)", "factors", "",
                                 "+ parameters.wage_researcher", Expect::either, t));
  }
  // Huge designs: a grid of 8 factors x 512 levels (512^8 points) and a huge Sobol sample.
  {
    YNode t = base;
    YNode& fs_ = *t.find("factors");
    const char* levers[] = {"levers.rd_subsidy_rate", "levers.rd_super_deduction", "levers.new_incubators",
                            "levers.new_accelerators", "levers.plot_ratio", "levers.training_places",
                            "levers.talent_apartments", "levers.exit_enforcement_rate"};
    fs_.seq.clear();
    for (const char* key : levers) {
      const Setting* s = setting_of_key(key);
      fs_.seq.push_back(factor(key, range(quantity_text(*s, s->min), quantity_text(*s, s->max))));
    }
    YNode d = YNode::mapping();
    d.map.emplace_back("type", YNode::text("grid"));
    d.map.emplace_back("levels", YNode::text("512"));
    *t.find("design") = d;
    out.push_back(sweep_mutation(rel, "huge grid (8 factors x 512 levels)", "design", "", "{type: grid, levels: 512}",
                                 Expect::either, t));
    *t.find("design")->find("levels") = YNode::text("1000");
    out.push_back(sweep_mutation(rel, "huge grid (8 factors x 1000 levels)", "design", "", "{type: grid, levels: 1000}",
                                 Expect::either, t));
  }
  {
    YNode t = base;
    YNode d = YNode::mapping();
    d.map.emplace_back("type", YNode::text("sobol"));
    d.map.emplace_back("base_samples", YNode::text("10000000"));
    *t.find("design") = d;
    out.push_back(sweep_mutation(rel, "huge Sobol sample (10^7 base samples)", "design", "", "{type: sobol, base_samples: 1e7}",
                                 Expect::either, t));
  }
  for (const char* reps : {"0", "-1", "1000000000000"}) {
    YNode t = base;
    *t.find("replications") = YNode::text(reps);
    out.push_back(sweep_mutation(rel, "replications out of range", "replications", "", reps, Expect::reject, t));
  }
  {
    YNode t = base;
    *t.find("seed") = YNode::text("10000000000000000000");
    out.push_back(sweep_mutation(rel, "seed above 2^63", "seed", "", "10000000000000000000", Expect::either, t));
  }
  return out;
}

// Exact number of points of a design (long double: no overflow), or -1 for optimize.
long double design_size(const sweep::SweepSpec& s) {
  const long double k = static_cast<long double>(s.factors.size());
  switch (s.design) {
    case sweep::DesignKind::grid: {
      long double n = 1;
      for (const auto& f : s.factors) n *= f.discrete ? f.values.size() : (f.levels > 0 ? f.levels : s.levels);
      return n;
    }
    case sweep::DesignKind::lhs: return s.points;
    case sweep::DesignKind::sobol: return static_cast<long double>(s.base_samples) * (k + 2);
    case sweep::DesignKind::morris: return static_cast<long double>(s.trajectories) * (k + 1);
    case sweep::DesignKind::optimize:
      return s.optimize.initial_points + static_cast<long double>(s.optimize.rounds) * s.optimize.points_per_round;
  }
  return 0;
}

// The promises for an accepted sweep; empty when kept.
std::string check_accepted_sweep(const sweep::SweepSpec& s, int& points_loaded) {
  std::string broke = check_scenario_finite(s.base);
  if (!broke.empty()) return "base scenario: " + broke;
  const long double n = design_size(s);
  if (n < 1) return "the design has no point";
  if (n > static_cast<long double>(INT_MAX)) {
    std::ostringstream o;
    o << "the design has " << static_cast<double>(n) << " points, more than the sweep's counters hold (2^31 - 1); "
      << "it validates but cannot run";
    return o.str();
  }
  if (n > kMaterialise) return {};
  const sweep::Matrix design = sweep::make_design(s);
  if (static_cast<long double>(design.size()) != n) return "make_design gives " + std::to_string(design.size()) + " points";
  const std::size_t step = std::max<std::size_t>(1, design.size() / kPointsChecked);
  for (std::size_t i = 0; i < design.size(); i += step) {
    const RunPlan plan = sweep::point_plan(s, design[i]);
    LoadResult r = resolve(s.source, plan);
    ++points_loaded;
    if (!r.scenario) {
      std::string sets;
      for (const auto& o : plan.overrides) sets += " --set '" + o.text + "'";
      return "the sweep validates but point " + std::to_string(i) + " does not load:" + sets + "\n      " +
             r.diagnostics.format();
    }
    broke = check_scenario_finite(*r.scenario);
    if (!broke.empty()) return "point " + std::to_string(i) + ": " + broke;
  }
  return {};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("corpus: mutations of every shipped sweep file are refused with a location or every point loads") {
  const auto t0 = std::chrono::steady_clock::now();
  const auto files = sweep_files();
  REQUIRE(files.size() >= 2);
  TempDir tmp;
  Tally tally;
  std::map<std::string, std::pair<int, std::string>> failures;
  int index = 0, points_loaded = 0;
  std::vector<std::pair<Mutation, std::string>> refused_sample;  // first refused of each kind, for the CLI
  for (const auto& rel : files) {
    auto mutations = sweep_mutations(rel, Budget{});
    for (auto& m : sweep_specific(rel)) mutations.push_back(std::move(m));
    for (const auto& m : mutations) {
      const std::string file = tmp.write("sweep-" + std::to_string(index++) + ".yaml", m.file_text);
      sweep::SweepLoadResult r = sweep::load_sweep_file(file);
      std::string cls, detail;
      if (!r.spec) {
        tally.add("refused: " + m.kind);
        detail = check_refusal(r.diagnostics, true);
        if (!detail.empty()) {
          cls = "refused without a location";
          detail += "\n   diagnostics:\n" + r.diagnostics.format();
        } else if (std::none_of(refused_sample.begin(), refused_sample.end(),
                                [&](const auto& p) { return p.first.kind == m.kind; })) {
          refused_sample.emplace_back(m, file);
        }
      } else {
        tally.add("accepted: " + m.kind);
        if (m.expect == Expect::reject) {
          cls = "bad input accepted";
          detail = "accepted; it must be refused";
        } else {
          detail = check_accepted_sweep(*r.spec, points_loaded);
          if (!detail.empty()) cls = "validates, but the sweep cannot run as validated";
        }
      }
      if (!cls.empty()) {
        auto& [n, text] = failures[cls + " | " + m.kind];
        if (n++ == 0) text = m.describe() + "\n   broke: " + detail;
      }
    }
  }
  std::cout << tally.summary("sweep mutations (" + std::to_string(files.size()) + " files)") << "  points loaded "
            << points_loaded << ", time "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  std::ostringstream report;
  report << failures.size() << " failure classes:\n";
  for (const auto& [cls, v] : failures) report << "\n== " << cls << " (" << v.first << " cases)\n   e.g. " << v.second << "\n";
  INFO(report.str());
  CHECK(failures.empty());

  // The CLI on a sample of the refused ones: `zonesim sweep --validate` exits 2 with the location,
  // and a sweep with -o writes nothing.
  REQUIRE(refused_sample.size() >= 5);
  int shown = 0;
  for (const auto& [m, file] : refused_sample) {
    if (shown++ == 8) break;
    sweep::SweepLoadResult r = sweep::load_sweep_file(file);
    const auto& d = r.diagnostics.items().front();
    const std::string where = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ":";
    auto v = run_zonesim("sweep " + shell_quote(file) + " --validate");
    INFO(m.describe() << "\nexit " << v.exit_code << "\n" << v.err);
    CHECK(v.exit_code == 2);
    CHECK(v.err.find(where) != std::string::npos);
    const fs::path dir = tmp.path() / ("out-" + std::to_string(shown));
    fs::create_directories(dir);
    auto s = run_zonesim("sweep " + shell_quote(file) + " -q --threads 1 -o " + shell_quote((dir / "out.h5").string()));
    CHECK(s.exit_code == 2);
    CHECK(fs::is_empty(dir));
  }
}

TEST_CASE("corpus: a tiny mutated sweep that validates runs to the end through the binary") {
  TempDir tmp;
  YNode t = shipped("scenarios/demo-sweep.yaml");
  // A factor at the edge of its range and a zone lever, 3 LHS points, 1 replication.
  t.find("factors")->seq[0] = factor("levers.rd_subsidy_rate", range("0 %", "100 %"));
  t.find("factors")->seq.push_back(factor("zones.south.levers.land_quota_mu", range("0 mu", "3000 mu")));
  YNode d = YNode::mapping();
  d.map.emplace_back("type", YNode::text("lhs"));
  d.map.emplace_back("points", YNode::text("3"));
  *t.find("design") = d;
  *t.find("replications") = YNode::text("1");
  const std::string file = tmp.write("tiny-sweep.yaml", emit_yaml(t));
  auto v = run_zonesim("sweep " + shell_quote(file) + " --validate");
  INFO(v.out << v.err);
  REQUIRE(v.exit_code == 0);
  const std::string out = tmp.file("tiny.h5");
  auto r = run_zonesim("sweep " + shell_quote(file) + " -q --threads 1 -o " + shell_quote(out));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(out));
  std::vector<unsigned long long> shape;
  const auto design = read_dataset(out, "design/unit_matrix", &shape);
  CHECK_FALSE(design.empty());
}
