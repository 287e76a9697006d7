// Scenario loading: YAML -> located tree (yaml_document.cpp) -> extends merged (extends.cpp) ->
// overrides (overrides.cpp) -> validated Scenario (validator.hpp) -> merged YAML kept
// (emit_yaml.cpp). Every problem becomes a Diagnostic; all of a file's problems are reported
// together.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "loader_detail.hpp"
#include "validator.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

using detail::Node;
using detail::Validator;
using detail::apply_overrides;
using detail::load_with_extends;
using detail::node_to_yaml;
using detail::parse_yaml;

namespace {

LoadResult finish(std::optional<Node> root, std::optional<Node> history, Diagnostics diags,
                  const LoadOptions& options, const std::string& file, std::vector<std::string> texts) {
  LoadResult result;
  if (!root) {
    result.diagnostics = std::move(diags);
    return result;
  }
  // Levers set by --set (a sweep, the planner's page) or by a file that extends another change
  // policy, not the base year's history (ZoneSpec::base_year_levers): the root file's levers are
  // resolved once more, with the overrides of everything but levers. `history` comes from
  // load_with_extends for a chain of files; for one file it is the file itself.
  std::vector<std::string> history_overrides;
  for (const auto& o : options.overrides) {
    const std::string key = o.substr(0, o.find('='));
    if (!key.starts_with("levers.") && key.find(".levers.") == std::string::npos)
      history_overrides.push_back(o);
  }
  if (!history && history_overrides.size() != options.overrides.size()) history = *root;
  apply_overrides(*root, options.overrides, diags);
  Scenario sc;
  sc.file = file;
  sc.source_texts = std::move(texts);
  Validator v{diags, sc};
  v.run(*root);
  if (diags.empty()) {
    const Scenario* stated = &sc;
    Scenario without;
    if (history) {
      Diagnostics scratch;
      apply_overrides(*history, history_overrides, scratch);
      Validator{scratch, without}.run(*history);
      // A lever override may be what makes the file valid; then it is the only policy known.
      const bool same_zones = std::equal(sc.zones.begin(), sc.zones.end(), without.zones.begin(),
                                         without.zones.end(),
                                         [](const ZoneSpec& a, const ZoneSpec& b) { return a.id == b.id; });
      if (scratch.empty() && same_zones) stated = &without;
    }
    for (std::size_t z = 0; z < sc.zones.size(); ++z)
      for (std::size_t l = 0; l < kLeverCount; ++l)
        sc.zones[z].base_year_levers[l] = stated->lever(z, static_cast<Lever>(l)).at(stated->base_year);

    double mem = estimated_memory_bytes(sc, 2);
    constexpr double kMachineBytes = 24.0 * (1ull << 30);
    if (mem > 0.8 * kMachineBytes) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "the run would need about %.3g GiB of memory (%.3g firms at the peak), more "
                    "than this machine has (24 GiB)",
                    mem / (1ull << 30), sc.expected_peak_firms());
      // Point at the base_firms of the largest zone: that is the number to reduce.
      const ZoneSpec* largest = &sc.zones.front();
      for (const auto& z : sc.zones)
        if (z.fields[static_cast<std::size_t>(ZoneField::base_firms)] >
            largest->fields[static_cast<std::size_t>(ZoneField::base_firms)])
          largest = &z;
      const Node* zones = root->find("zones");
      const Node* zone = zones ? zones->find(largest->id) : nullptr;
      const Node* at = zone ? zone->find("base_firms") : nullptr;
      if (at && at->is_map() && at->find("value")) at = at->find("value");
      if (!at) at = zone ? zone : zones;
      diags.add({at && at->file ? *at->file : file, at ? at->line : 0, at ? at->column : 0,
                 "zones." + largest->id + ".base_firms", buf,
                 "reduce base_firms, or split the run into a sweep"});
    }
  }
  std::string merged = node_to_yaml(*root, 0);
  if (!merged.empty() && merged.front() == '\n') merged.erase(0, 1);
  sc.text = merged;
  result.diagnostics = std::move(diags);
  if (result.diagnostics.empty()) result.scenario = std::move(sc);
  return result;
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

LoadResult load_scenario_file(const std::string& path, const LoadOptions& options) {
  Diagnostics diags;
  std::vector<std::string> chain, texts;
  std::optional<Node> history;
  auto root = load_with_extends(path, path, chain, diags, texts, nullptr, history);
  return finish(std::move(root), std::move(history), std::move(diags), options, path, std::move(texts));
}

LoadResult load_scenario_text(const std::string& text, const std::string& name_for_errors,
                              const LoadOptions& options) {
  Diagnostics diags;
  auto root = parse_yaml(text, name_for_errors, diags);
  if (root && root->find("extends")) {
    const Node* e = root->find("extends");
    diags.add({name_for_errors, e->line, e->column, "extends",
               "extends is only available for scenario files", "save the scenario as a file"});
    root.reset();
  }
  return finish(std::move(root), std::nullopt, std::move(diags), options, name_for_errors, {text});
}

}  // namespace zonesim
