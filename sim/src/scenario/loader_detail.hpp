// The scenario loader's internals, shared by its files (docs/architecture.md, "Scenario loading"):
//   yaml_document.cpp  YAML text -> located Node tree (limits, syntax errors rephrased)
//   extends.cpp        `extends:` chains merged, ids a variant may not declare
//   overrides.cpp      `KEY=VALUE` overrides parsed (Override, RunPlan) and applied to the tree
//   validator.hpp, validate_*.cpp   the tree checked and read into a Scenario, group by group
//   emit_yaml.cpp      the merged tree written back as YAML (Scenario::text)
//   loader.cpp         ScenarioSource (read once), resolve(source, plan), load_scenario_file/_text
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tree.hpp"
#include "zonesim/diagnostics.hpp"
#include "zonesim/run_plan.hpp"

namespace zonesim::detail {

// ---- YAML -> Node (yaml_document.cpp) --------------------------------------------------------

// Limits that keep a hostile or mistaken document from exhausting the stack or memory: YAML
// aliases (`*a`) are expanded into copies, so a few lines can otherwise stand for billions of
// values ("billion laughs").
inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxValues = 20000;  // the largest shipped scenario has about 1000

// Converts a yaml-cpp document into a located Node tree, reporting keys that are empty or
// duplicated and documents that exceed the limits above.
struct Converter {
  std::shared_ptr<const std::string> file;
  Diagnostics& diags;
  std::size_t values = 0;
  bool too_big = false;  // reported once; conversion then stops

  Node convert(const YAML::Node& y, const std::string& path, int depth = 0);
};

// Records where each YAML document starts; builds nothing.
struct DocumentStarts final : YAML::EventHandler {
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  // Two documents starting at the same place: the parser is stuck on a token it cannot use.
  bool stalled() const {
    for (std::size_t i = 1; i < marks.size(); ++i)
      if (marks[i].pos == marks[i - 1].pos) return true;
    return false;
  }
};

// Scans `text` for YAML documents without building them. yaml-cpp 0.7's LoadAll loops forever
// (allocating) on a stray `,` outside a flow collection (jbeder/yaml-cpp#1040, fixed upstream by
// #1319): the parser reports a new document without consuming a token. The scanner only moves
// forward, so this loop ends: at the end of the text or when the parser stops advancing.
// Throws YAML::ParserException on other syntax errors, like YAML::Load.
DocumentStarts scan_documents(const std::string& text);

// The token at `m`, for messages: up to the end of the line, at most 20 bytes.
std::string text_at(const std::string& text, const YAML::Mark& m);

// Parses text into a Node; reports syntax errors (and tab indentation) located in `file`.
std::optional<Node> parse_yaml(const std::string& text, const std::string& file_name, Diagnostics& diags);

// ---- extends and overrides (extends.cpp, overrides.cpp) --------------------------------------

// Mappings keyed by ids the scenario declares. A misspelt id in a variant or an override would
// otherwise declare a new zone (sector, target) with default values and run it.
struct IdMap {
  const char* key;   // top-level key
  const char* what;  // "zone"
  bool variants;     // also refused in files that extend another (targets may be added there)
};
inline constexpr IdMap kIdMaps[] = {{"zones", "zone", true}, {"sectors", "sector", true}, {"targets", "target", false}};

std::vector<std::string> ids_of(const Node* map);

// An id that the scenario does not declare: `unknown zone "x"`, with the nearest id.
Diagnostic unknown_id(const IdMap& m, const std::string& id, const std::vector<std::string>& ids,
                      const std::string& where_new);

// Reads `path` and the chain of files it extends, merged (child over base). Where there is a
// chain, `history` receives the same merge without the levers of the extending files: the root file's levers are the policy the base
// year was observed under, a variant's levers are a change of policy (ZoneSpec::base_year_levers).
std::optional<Node> load_with_extends(const std::string& path, const std::string& shown_path,
                                      std::vector<std::string>& chain, Diagnostics& diags,
                                      std::vector<std::string>& texts, const Node* extends_at,
                                      std::optional<Node>& history);

// Applies one override (parsed by parse_override, run_plan.hpp) to the tree: its problems, an
// unknown zone, sector or target, or its value set at its key path.
void apply_override(Node& root, const Override& o, Diagnostics& diags);

// ---- Emitting YAML (emit_yaml.cpp) -----------------------------------------------------------

// The tree as YAML text, keys in their order (Scenario::text).
std::string node_to_yaml(const Node& n, int indent);

}  // namespace zonesim::detail
