// Scenario loading: YAML -> located tree (yaml_document.cpp) -> extends merged (extends.cpp): the
// ScenarioSource, read once; then per run (resolve): overrides (overrides.cpp) -> validated
// Scenario (validator.hpp) -> merged YAML kept (emit_yaml.cpp). Every problem becomes a
// Diagnostic; all of a file's problems are reported together.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "loader_detail.hpp"
#include "validator.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

using detail::Node;
using detail::Validator;
using detail::apply_override;
using detail::load_with_extends;
using detail::node_to_yaml;
using detail::parse_yaml;

namespace {

// Each zone's levers in the base year as the history states them (ZoneSpec::base_year_levers).
// Levers set by an override (a sweep, the planner's page) or by a file that extends another
// change policy, not the base year's history: the root file's levers are resolved once more,
// with the overrides of everything but levers (validate_history). The history is the source's
// for a chain of files; for one file, the file itself. `without`: the history so validated, or
// null when there is none to read (no lever changed) or it does not validate.
void set_base_year_levers(Scenario& sc, const Scenario* without) {
  const Scenario* stated = &sc;
  if (without) {
    // A lever override may be what makes the file valid; then it is the only policy known.
    const bool same_zones = std::equal(sc.zones.begin(), sc.zones.end(), without->zones.begin(),
                                       without->zones.end(),
                                       [](const ZoneSpec& a, const ZoneSpec& b) { return a.id == b.id; });
    if (same_zones) stated = without;
  }
  // A zone that opens during the run was observed in the year it opens (`opens`).
  for (std::size_t z = 0; z < sc.zones.size(); ++z) {
    const int opens = static_cast<int>(sc.zones[z].fields[static_cast<std::size_t>(ZoneField::opens)]);
    const int observed = opens > 0 ? opens : stated->base_year;
    for (std::size_t l = 0; l < kLeverCount; ++l)
      sc.zones[z].base_year_levers[l] = stated->lever(z, static_cast<Lever>(l)).at(observed);
  }
}

// The history document with the plan's overrides of other than levers, validated: the Scenario,
// or nothing when it has errors.
std::optional<Scenario> validate_history(const Node& history_doc, const RunPlan& plan) {
  Node history = history_doc;
  Diagnostics scratch;
  for (const Override& o : plan.overrides)
    if (!o.sets_lever()) apply_override(history, o, scratch);
  Scenario without;
  Validator{scratch, without}.run(history);
  if (!scratch.empty()) return std::nullopt;
  return without;
}

// Refuses a scenario that would need more memory than the machine has, at the base_firms of the
// largest zone: that is the number to reduce.
void check_memory(const Scenario& sc, const Node& root, const std::string& file, Diagnostics& diags) {
  double mem = estimated_memory_bytes(sc, 2);
  constexpr double kMachineBytes = 24.0 * (1ull << 30);
  if (!(mem > 0.8 * kMachineBytes)) return;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "the run would need about %.3g GiB of memory (%.3g firms at the peak), more "
                "than this machine has (24 GiB)",
                mem / (1ull << 30), sc.expected_peak_firms());
  const ZoneSpec* largest = &sc.zones.front();
  for (const auto& z : sc.zones)
    if (z.fields[static_cast<std::size_t>(ZoneField::base_firms)] >
        largest->fields[static_cast<std::size_t>(ZoneField::base_firms)])
      largest = &z;
  const Node* zones = root.find("zones");
  const Node* zone = zones ? zones->find(largest->id) : nullptr;
  const Node* at = zone ? zone->find("base_firms") : nullptr;
  if (at && at->is_map() && at->find("value")) at = at->find("value");
  if (!at) at = zone ? zone : zones;
  diags.add({at && at->file ? *at->file : file, at ? at->line : 0, at ? at->column : 0,
             "zones." + largest->id + ".base_firms", buf, "reduce base_firms, or split the run into a sweep"});
}

}  // namespace

double Schedule::at(int year) const {
  double v = points.empty() ? 0.0 : points.front().second;
  for (const auto& [y, x] : points) {
    if (y > year) break;
    v = x;
  }
  return v;
}

std::string_view comparison_text(Comparison c) {
  switch (c) {
    case Comparison::greater: return ">";
    case Comparison::greater_equal: return ">=";
    case Comparison::less: return "<";
    case Comparison::less_equal: return "<=";
  }
  return "?";
}

bool compare(double value, Comparison c, double threshold) {
  switch (c) {
    case Comparison::greater: return value > threshold;
    case Comparison::greater_equal: return value >= threshold;
    case Comparison::less: return value < threshold;
    case Comparison::less_equal: return value <= threshold;
  }
  return false;
}

// Scenario::expected_peak_firms and estimated_memory_bytes: memory_estimate.cpp.

std::optional<std::uint64_t> parse_seed(std::string_view text) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;  // above 2^64-1
  return v;
}

std::string seed_range_hint() {
  return "valid: 0 to " + std::to_string(std::numeric_limits<std::uint64_t>::max()) + " (a whole number)";
}

namespace detail {
// ScenarioSource::stated_: validate_history's results by the plan's overrides of other than
// levers (their texts), at most kMaxEntries of them (a sweep over settings other than levers
// would give each point its own; those points validate their history as before).
struct StatedHistories {
  static constexpr std::size_t kMaxEntries = 8;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const std::optional<Scenario>>> entries;
};
}  // namespace detail

namespace {
// The validated history for `plan` (see set_base_year_levers), from the source's cache when the
// same overrides of other than levers were resolved before.
std::shared_ptr<const std::optional<Scenario>> stated_history(detail::StatedHistories* cache, const Node& history_doc,
                                                              const RunPlan& plan) {
  if (!cache) return std::make_shared<const std::optional<Scenario>>(validate_history(history_doc, plan));
  std::string key;
  for (const Override& o : plan.overrides)
    if (!o.sets_lever()) key += std::to_string(o.text.size()) + ":" + o.text;
  {
    std::lock_guard<std::mutex> lock(cache->mutex);
    auto it = cache->entries.find(key);
    if (it != cache->entries.end()) return it->second;
  }
  auto v = std::make_shared<const std::optional<Scenario>>(validate_history(history_doc, plan));
  std::lock_guard<std::mutex> lock(cache->mutex);
  if (cache->entries.size() < detail::StatedHistories::kMaxEntries) cache->entries.emplace(key, v);
  return v;
}
}  // namespace

ScenarioSource ScenarioSource::read_file(const std::string& path) {
  ScenarioSource src;
  src.stated_ = std::make_shared<detail::StatedHistories>();
  src.file_ = path;
  std::vector<std::string> chain;
  std::optional<Node> history;
  auto root = load_with_extends(path, path, chain, src.diagnostics_, src.texts_, nullptr, history);
  if (root) src.root_ = std::make_shared<const Node>(std::move(*root));
  if (root && history) src.history_ = std::make_shared<const Node>(std::move(*history));
  return src;
}

ScenarioSource ScenarioSource::from_text(const std::string& text, const std::string& name_for_errors) {
  ScenarioSource src;
  src.stated_ = std::make_shared<detail::StatedHistories>();
  src.file_ = name_for_errors;
  src.texts_ = {text};
  auto root = parse_yaml(text, name_for_errors, src.diagnostics_);
  if (root && root->find("extends")) {
    const Node* e = root->find("extends");
    src.diagnostics_.add({name_for_errors, e->line, e->column, "extends",
                          "extends is only available for scenario files", "save the scenario as a file"});
    root.reset();
  }
  if (root) src.root_ = std::make_shared<const Node>(std::move(*root));
  return src;
}

LoadResult resolve(const ScenarioSource& source, const RunPlan& plan, ResolveFor use) {
  LoadResult result;
  Diagnostics diags = source.diagnostics_;
  if (!source.root_) {
    result.diagnostics = std::move(diags);
    return result;
  }
  Node root = *source.root_;
  const bool sets_levers = std::any_of(plan.overrides.begin(), plan.overrides.end(),
                                       [](const Override& o) { return o.sets_lever(); });
  // The history: the chain's, or for one file the file before the overrides (when they set levers).
  const Node* history = source.history_ ? source.history_.get() : sets_levers ? source.root_.get() : nullptr;
  for (const Override& o : plan.overrides) apply_override(root, o, diags);
  Scenario sc;
  sc.file = source.file_;
  sc.source_texts = source.texts_;
  Validator{diags, sc}.run(root);
  if (diags.empty()) {
    std::shared_ptr<const std::optional<Scenario>> without;
    if (history) without = stated_history(source.stated_.get(), *history, plan);
    set_base_year_levers(sc, without && *without ? &**without : nullptr);
    check_memory(sc, root, source.file_, diags);
  }
  if (use == ResolveFor::full) {
    std::string merged = node_to_yaml(root, 0);
    if (!merged.empty() && merged.front() == '\n') merged.erase(0, 1);
    sc.text = merged;
  }
  result.diagnostics = std::move(diags);
  if (result.diagnostics.empty()) result.scenario = std::move(sc);
  return result;
}

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options) {
  return resolve(ScenarioSource::read_file(path), RunPlan::parse(options.overrides));
}

LoadResult load_scenario_text(const std::string& text, const std::string& name_for_errors,
                              const LoadOptions& options) {
  return resolve(ScenarioSource::from_text(text, name_for_errors), RunPlan::parse(options.overrides));
}

}  // namespace zonesim
