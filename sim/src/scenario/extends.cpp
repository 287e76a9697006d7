// Scenario loading, step 2: a file that `extends:` another is merged over it (child values
// override, maps merge key by key); a variant may not declare zones or sectors of its own.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "loader_detail.hpp"
#include "yaml_document.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

void deep_merge(Node& base, const Node& over) {
  if (base.kind == Node::Kind::map && over.kind == Node::Kind::map) {
    for (const auto& [k, v] : over.map) {
      if (Node* existing = base.find(k)) {
        deep_merge(*existing, v);
      } else {
        base.map.emplace_back(k, v);
      }
    }
    return;
  }
  base = over;
}

std::vector<std::string> ids_of(const Node* map) {
  std::vector<std::string> ids;
  if (map && map->is_map())
    for (const auto& entry : map->map) ids.push_back(entry.first);
  return ids;
}

// An id that the scenario does not declare: `unknown zone "x"`, with the nearest id.
Diagnostic unknown_id(const IdMap& m, const std::string& id, const std::vector<std::string>& ids,
                      const std::string& where_new) {
  std::string hint = unknown_name_hint(id, ids, std::string("valid ") + m.key);
  if (!hint.starts_with("did you mean")) hint += "; a new " + std::string(m.what) + " is declared " + where_new;
  return {"", 0, 0, std::string(m.key) + "." + id, "unknown " + std::string(m.what) + " \"" + id + "\"", hint};
}

namespace {

// Zones and sectors of `child` (a file that extends `base`) that `base` does not declare.
void check_variant_ids(const Node& base, const Node& child, const std::string& base_name,
                       Diagnostics& diags) {
  for (const IdMap& m : kIdMaps) {
    const Node* over = child.find(m.key);
    const Node* have = base.find(m.key);
    if (!m.variants || !over || !over->is_map() || !have || !have->is_map()) continue;
    const std::vector<std::string> ids = ids_of(have);
    for (const auto& [id, body] : over->map) {
      if (have->find(id)) continue;
      Diagnostic d = unknown_id(m, id, ids, "in the base scenario (" + base_name + "), not in a file that extends it");
      d.file = body.file ? *body.file : std::string();
      d.line = body.key_line;
      d.column = body.key_column;
      diags.add(std::move(d));
    }
  }
}

// `node` without its lever settings (region-wide and per zone).
Node without_levers(Node node) {
  auto drop = [](Node& map) {
    map.map.erase(std::remove_if(map.map.begin(), map.map.end(),
                                 [](const auto& kv) { return kv.first == "levers"; }),
                  map.map.end());
  };
  if (!node.is_map()) return node;
  drop(node);
  if (Node* zones = node.find("zones"); zones && zones->is_map())
    for (auto& [id, zone] : zones->map)
      if (zone.is_map()) drop(zone);
  return node;
}

}  // namespace

// Reads `path` and the chain of files it extends, merged (child over base). Where there is a
// chain, `history` receives the same merge without the levers of the extending files: the root file's levers are the policy the base
// year was observed under, a variant's levers are a change of policy (ZoneSpec::base_year_levers).
std::optional<Node> load_with_extends(const std::string& path, const std::string& shown_path,
                                      std::vector<std::string>& chain, Diagnostics& diags,
                                      std::vector<std::string>& texts, const Node* extends_at,
                                      std::optional<Node>& history) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  if (ec) canonical = path;
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += fs::path(c).filename().string() + " -> ";
    cycle += fs::path(canonical).filename().string();
    diags.add({extends_at ? *extends_at->file : shown_path, extends_at ? extends_at->line : 0,
               extends_at ? extends_at->column : 0, "extends", "extends cycle: " + cycle,
               "a scenario may not extend itself, directly or through other files"});
    return std::nullopt;
  }
  InputFile input = read_input_file(path);
  if (input.status != InputFile::Status::ok) {
    const bool missing = input.status == InputFile::Status::cannot_open;
    if (extends_at) {
      diags.add({*extends_at->file, extends_at->line, extends_at->column, "extends",
                 missing ? "cannot read base scenario \"" + extends_at->scalar + "\" (looked for " + path + ")"
                         : "cannot use base scenario \"" + extends_at->scalar + "\": " + input.problem,
                 "extends: takes a path relative to the file that contains it"});
    } else {
      diags.add({shown_path, 0, 0, "", missing ? "cannot read file" : "cannot read file: " + input.problem,
                 missing ? "check the path and permissions"
                 : input.hint.empty() ? "give a scenario file (YAML)"
                                      : input.hint});
    }
    return std::nullopt;
  }
  std::string text = std::move(input.text);
  texts.push_back(text);
  auto node = parse_yaml(text, shown_path, diags);
  if (!node) return std::nullopt;
  const Node* ext = node->find("extends");
  if (!ext) {
    if (extends_at) history = node;  // the root of a chain of files: its levers are the history
    return node;
  }
  if (!ext->is_scalar() || ext->scalar.empty()) {
    diags.add({*ext->file, ext->line, ext->column, "extends", "extends must be a file path",
               "write `extends: baseline.yaml`"});
    return std::nullopt;
  }
  const std::string base_name = ext->scalar;  // `ext` points into `node`, moved below
  chain.push_back(canonical);
  fs::path base_path = fs::path(path).parent_path() / ext->scalar;
  fs::path shown_base = fs::path(shown_path).parent_path() / ext->scalar;
  auto base = load_with_extends(base_path.string(), shown_base.lexically_normal().string(), chain,
                                diags, texts, ext, history);
  chain.pop_back();
  if (!base) return std::nullopt;
  Node merged = std::move(*base);
  Node child = std::move(*node);
  // `extends` itself is not part of the merged scenario.
  child.map.erase(std::remove_if(child.map.begin(), child.map.end(),
                                 [](const auto& kv) { return kv.first == "extends"; }),
                  child.map.end());
  merged.map.erase(std::remove_if(merged.map.begin(), merged.map.end(),
                                  [](const auto& kv) { return kv.first == "extends"; }),
                   merged.map.end());
  const std::size_t errors_before = diags.size();
  check_variant_ids(merged, child, base_name, diags);
  if (diags.size() != errors_before) return std::nullopt;
  if (history) deep_merge(*history, without_levers(child));
  deep_merge(merged, child);
  return merged;
}

}  // namespace zonesim::detail
