// Scenario loading, step 3: overrides (`--set KEY=VALUE`, a sweep point's factors, the planner's
// page) parsed once into a typed Override (run_plan.hpp), then applied to the merged tree.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loader_detail.hpp"
#include "zonesim/run_plan.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

using detail::Node;

namespace {

// Command-line values have no line or column: a diagnostic about one names only "--set".
void clear_positions(Node& n) {
  n.line = n.column = n.key_line = n.key_column = 0;
  for (auto& entry : n.map) clear_positions(entry.second);
  for (auto& item : n.seq) clear_positions(item);
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// The value text as a tree without positions, or nothing with the problem added to `problems`.
std::optional<Node> parse_value(const std::string& key, const std::string& value, Diagnostics& problems) {
  const auto file = std::make_shared<const std::string>("--set");
  Node value_node;
  std::vector<YAML::Node> documents;
  try {
    const detail::DocumentStarts starts = detail::scan_documents(value);
    if (starts.stalled()) {
      problems.add({"--set", 0, 0, key,
                    "cannot parse value \"" + value + "\": unexpected `" + detail::text_at(value, starts.marks.back()) + "`",
                    "`,` separates items only inside `[...]` or `{...}`; quote the value or write "
                    "it like in a scenario file"});
      return std::nullopt;
    }
    if (starts.marks.size() == 1) documents.push_back(YAML::Load(value));
  } catch (const YAML::ParserException& e) {
    problems.add({"--set", 0, 0, key, "cannot parse value \"" + value + "\": " + e.msg,
                  "quote the value or write it like in a scenario file"});
    return std::nullopt;
  }
  if (documents.size() == 1 && !documents.front().IsNull()) {
    detail::Converter conv{file, problems};
    value_node = conv.convert(documents.front(), key);
    if (!problems.empty()) return std::nullopt;
  } else {  // "key=" or a value YAML reads as nothing: keep the text, validation judges it
    value_node.kind = Node::Kind::scalar;
    value_node.scalar = value;
    value_node.file = file;
  }
  clear_positions(value_node);
  return value_node;
}

}  // namespace

bool Override::sets_lever() const {
  return key.starts_with("levers.") || key.find(".levers.") != std::string::npos;
}

Override parse_override(const std::string& text) {
  Override o;
  o.text = text;
  const auto eq = text.find('=');
  o.key = text.substr(0, eq);
  if (eq == std::string::npos || eq == 0) {
    o.problems.add({"--set", 0, 0, "", "\"" + text + "\" is not KEY=VALUE",
                    "write e.g. --set levers.rd_subsidy_rate=30%"});
    return o;
  }
  o.path = split_key(o.key);
  if (std::any_of(o.path.begin(), o.path.end(), [](const std::string& p) { return p.empty(); })) {
    o.problems.add({"--set", 0, 0, o.key, "\"" + o.key + "\" is not a key path",
                    "write keys joined by dots, e.g. zones.north.base_output=300亿元"});
    return o;
  }
  const bool in_zone = o.path.size() >= 3 && o.path[0] == "zones";
  o.zone = in_zone ? o.path[1] : "";
  o.setting = in_zone ? o.key.substr(o.path[0].size() + o.path[1].size() + 2) : o.key;
  if (auto value = parse_value(o.key, text.substr(eq + 1), o.problems))
    o.value = std::make_shared<const Node>(std::move(*value));
  return o;
}

RunPlan RunPlan::parse(const std::vector<std::string>& texts) { return RunPlan{}.with(texts); }

RunPlan RunPlan::with(const std::vector<std::string>& texts) const {
  RunPlan plan = *this;
  for (const auto& t : texts) plan.overrides.push_back(parse_override(t));
  return plan;
}

namespace detail {

// Applies one override to the tree: its problems, or the value at its key path.
void apply_override(Node& root, const Override& o, Diagnostics& diags) {
  if (!o.value) {
    diags.append(o.problems);
    return;
  }
  const auto& parts = o.path;
  // An override changes what the scenario declares; it does not declare new zones, sectors
  // or targets (a misspelt id would otherwise be run as a new zone with default values).
  if (parts.size() >= 2) {
    const IdMap* m = nullptr;
    for (const IdMap& candidate : kIdMaps)
      if (parts[0] == candidate.key) m = &candidate;
    const Node* have = root.find(parts[0]);
    if (m && !(have && have->is_map() && have->find(parts[1]))) {
      Diagnostic d = unknown_id(*m, parts[1], ids_of(have), "in the scenario file, not with --set");
      d.file = "--set";
      d.key_path = o.key;
      diags.add(std::move(d));
      return;
    }
  }
  // Walk/create the path.
  Node* cur = &root;
  for (const auto& part : parts) {
    if (cur->kind != Node::Kind::map) {
      Node fresh;
      fresh.kind = Node::Kind::map;
      fresh.file = o.value->file;
      *cur = std::move(fresh);
    }
    Node* next = cur->find(part);
    if (!next) {
      Node fresh;
      fresh.file = o.value->file;
      cur->map.emplace_back(part, std::move(fresh));
      next = &cur->map.back().second;
    }
    cur = next;
  }
  // An override replaces the value (annotations such as `source:` are dropped).
  *cur = *o.value;
}

}  // namespace detail
}  // namespace zonesim
