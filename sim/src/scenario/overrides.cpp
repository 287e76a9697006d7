// Scenario loading, step 3: `--set KEY=VALUE` overrides applied to the merged tree.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "loader_detail.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

namespace {

// Command-line values have no line or column: a diagnostic about one names only "--set".
void clear_positions(Node& n) {
  n.line = n.column = n.key_line = n.key_column = 0;
  for (auto& entry : n.map) clear_positions(entry.second);
  for (auto& item : n.seq) clear_positions(item);
}

}  // namespace

// Applies "a.b.c=value" overrides from the command line.
void apply_overrides(Node& root, const std::vector<std::string>& overrides, Diagnostics& diags) {
  const auto file = std::make_shared<const std::string>("--set");
  for (const auto& o : overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      diags.add({"--set", 0, 0, "", "\"" + o + "\" is not KEY=VALUE",
                 "write e.g. --set levers.rd_subsidy_rate=30%"});
      continue;
    }
    std::string key = o.substr(0, eq);
    std::string value = o.substr(eq + 1);
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      std::size_t dot = key.find('.', start);
      parts.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
      diags.add({"--set", 0, 0, key, "\"" + key + "\" is not a key path",
                 "write keys joined by dots, e.g. zones.north.base_output=300亿元"});
      continue;
    }
    Node value_node;
    std::vector<YAML::Node> documents;
    try {
      const DocumentStarts starts = scan_documents(value);
      if (starts.stalled()) {
        diags.add({"--set", 0, 0, key,
                   "cannot parse value \"" + value + "\": unexpected `" +
                       text_at(value, starts.marks.back()) + "`",
                   "`,` separates items only inside `[...]` or `{...}`; quote the value or write "
                   "it like in a scenario file"});
        continue;
      }
      if (starts.marks.size() == 1) documents.push_back(YAML::Load(value));
    } catch (const YAML::ParserException& e) {
      diags.add({"--set", 0, 0, key, "cannot parse value \"" + value + "\": " + e.msg,
                 "quote the value or write it like in a scenario file"});
      continue;
    }
    if (documents.size() == 1 && !documents.front().IsNull()) {
      Diagnostics local;
      Converter conv{file, local};
      value_node = conv.convert(documents.front(), key);
      diags.append(local);
      if (!local.empty()) continue;
    } else {  // "key=" or a value YAML reads as nothing: keep the text, validation judges it
      value_node.kind = Node::Kind::scalar;
      value_node.scalar = value;
      value_node.file = file;
    }
    clear_positions(value_node);
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
        d.key_path = key;
        diags.add(std::move(d));
        continue;
      }
    }
    // Walk/create the path.
    Node* cur = &root;
    for (const auto& part : parts) {
      if (cur->kind != Node::Kind::map) {
        Node fresh;
        fresh.kind = Node::Kind::map;
        fresh.file = file;
        *cur = std::move(fresh);
      }
      Node* next = cur->find(part);
      if (!next) {
        Node fresh;
        fresh.file = file;
        cur->map.emplace_back(part, std::move(fresh));
        next = &cur->map.back().second;
      }
      cur = next;
    }
    // An override replaces the value (annotations such as `source:` are dropped).
    *cur = std::move(value_node);
  }
}

}  // namespace zonesim::detail
