// Scenario loading: YAML -> located tree -> extends merged -> overrides -> validated Scenario.
// Every problem becomes a Diagnostic; all of a file's problems are reported together.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "observed.hpp"
#include "tree.hpp"
#include "yaml_document.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

using detail::Node;

void detail::deep_merge(Node& base, const Node& over) {
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

namespace {

constexpr int kMaxYears = 100;
// Largest magnitude of a value with no range of its own (target values, thresholds, spreads),
// in canonical units: 1e18 yuan is 10^10 亿元, far above any economy; it keeps every value and
// what is computed from it finite.
constexpr double kMaxMagnitude = 1e18;
constexpr double kMaxLogSigma = 10.0;  // a lognormal's sigma of log; shipped scenarios use <= 1

// ---- YAML -> Node ----------------------------------------------------------------------------

// Limits that keep a hostile or mistaken document from exhausting the stack or memory: YAML
// aliases (`*a`) are expanded into copies, so a few lines can otherwise stand for billions of
// values ("billion laughs").
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = 20000;  // the largest shipped scenario has about 1000

struct Converter {
  std::shared_ptr<const std::string> file;
  Diagnostics& diags;
  std::size_t values = 0;
  bool too_big = false;  // reported once; conversion then stops

  Node convert(const YAML::Node& y, const std::string& path, int depth = 0) {
    Node n;
    n.file = file;
    n.line = y.Mark().line + 1;
    n.column = y.Mark().column + 1;
    if (too_big) return n;
    if (++values > kMaxValues || depth > kMaxDepth) {
      too_big = true;
      diags.add({*file, n.line, n.column, path,
                 depth > kMaxDepth
                     ? "values nested more than " + std::to_string(kMaxDepth) + " levels deep"
                     : "the document expands to more than " + std::to_string(kMaxValues) +
                           " values (YAML aliases are copied where they are used)",
                 "a scenario is a few levels of keys; check for unclosed brackets or aliases "
                 "that refer to large blocks"});
      return n;
    }
    switch (y.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        n.kind = Node::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::scalar;
        n.scalar = y.Scalar();
        break;
      case YAML::NodeType::Sequence: {
        n.kind = Node::Kind::seq;
        std::size_t i = 0;
        for (const auto& item : y)
          n.seq.push_back(convert(item, path + "[" + std::to_string(i++) + "]", depth + 1));
        break;
      }
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::map;
        // Dereferencing a yaml-cpp map iterator yields a temporary pair; bind it by value
        // (binding `it->first` to a reference dangles).
        for (const auto& entry : y) {
          const YAML::Node& key = entry.first;
          const int key_line = key.Mark().line + 1;
          const int key_column = key.Mark().column + 1;
          if (!key.IsScalar() || key.Scalar().empty()) {
            diags.add({*file, key_line, key_column, path,
                       key.IsScalar() || key.IsNull() ? "empty key"
                                                      : "a key must be a single word, not a list "
                                                        "or mapping",
                       "write keys as plain words, e.g. `base_output: 300 亿元`"});
            continue;
          }
          const std::string& k = key.Scalar();
          std::string child_path = path.empty() ? k : path + "." + k;
          if (const Node* first = n.find(k)) {
            diags.add({*file, key_line, key_column, child_path,
                       "duplicate key \"" + k + "\"" +
                           (first->key_line > 0
                                ? " (first given on line " + std::to_string(first->key_line) + ")"
                                : std::string()),
                       "each key may appear once in a mapping; remove one of them"});
            continue;
          }
          Node child = convert(entry.second, child_path, depth + 1);
          child.key_line = key_line;
          child.key_column = key_column;
          if (child.kind == Node::Kind::null) {  // "key:" with nothing: locate at the key
            child.line = child.key_line;
            child.column = child.key_column;
          }
          n.map.emplace_back(k, std::move(child));
        }
        break;
      }
    }
    return n;
  }
};

// The innermost '{' or '[' still open at byte `end` of the text (quotes and comments skipped),
// as a 1-based line and column; {0, 0} when there is none.
std::pair<int, int> open_bracket_before(const std::string& text, std::size_t end) {
  struct Open {
    char c;
    int line, column;
  };
  std::vector<Open> stack;
  int line = 1, column = 1;
  char quote = 0;
  bool comment = false;
  end = std::min(end, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    const int here = column++;
    if (comment) continue;
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"') {  // an escaped character cannot end the quote
        ++i;
        ++column;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      comment = true;
    } else if (c == '{' || c == '[') {
      stack.push_back({c, line, here});
    } else if ((c == '}' || c == ']') && !stack.empty()) {
      stack.pop_back();
    }
  }
  if (stack.empty()) return {0, 0};
  return {stack.back().line, stack.back().column};
}

// A yaml-cpp parse error, reworded for people who edit scenario files.
Diagnostic syntax_error(const std::string& text, const std::string& file_name,
                        const YAML::ParserException& e) {
  Diagnostic d{file_name, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg,
               "check indentation, colons after keys and matching quotes/brackets"};
  const std::string& m = e.msg;
  if (dynamic_cast<const YAML::DeepRecursion*>(&e)) {
    d.message = "values nested more than " + std::to_string(kMaxDepth) + " levels deep";
    d.hint = "the file is a few levels of keys deep; check for unclosed or repeated brackets";
  } else if (m == YAML::ErrorMsg::END_OF_MAP_FLOW || m == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    const bool map = m == YAML::ErrorMsg::END_OF_MAP_FLOW;
    auto [line, column] = open_bracket_before(text, static_cast<std::size_t>(std::max(e.mark.pos, 0)));
    if (line > 0) {
      d.line = line;
      d.column = column;
    }
    d.message = std::string("YAML syntax error: this '") + (map ? "{" : "[") +
                "' is never closed";
    d.hint = std::string("add the closing '") + (map ? "}" : "]") + "' at the end of the " +
             (map ? "mapping, e.g. {2021: 5 %, 2023: 10 %}" : "list, e.g. [a, b]");
  } else if (m == YAML::ErrorMsg::FLOW_END) {
    d.message = "YAML syntax error: a closing bracket that closes nothing";
    d.hint = "remove it, or add the opening '{' or '[' that it belongs to";
  } else if (m == YAML::ErrorMsg::MAP_VALUE) {
    d.message = "YAML syntax error: unexpected ':'";
    d.hint = "a value that contains \": \" must be quoted; otherwise check the indentation of "
             "this line against the line above";
  } else if (m == YAML::ErrorMsg::END_OF_MAP || m == YAML::ErrorMsg::END_OF_SEQ) {
    d.message = "YAML syntax error: the indentation here does not line up with the keys above";
    d.hint = "keys of one mapping must start in the same column";
  } else if (m == YAML::ErrorMsg::EOF_IN_SCALAR) {
    d.message = "YAML syntax error: a quoted text is never closed";
    d.hint = "close the \" or ' that starts it";
  } else if (m == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
    d.message = "YAML syntax error: an alias (*name) refers to an anchor (&name) that is not "
                "defined before it";
    d.hint = "define the anchor with &name first, or write the value out";
  }
  return d;
}

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
DocumentStarts scan_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  while (!starts.stalled() && parser.HandleNextDocument(starts)) {
  }
  return starts;
}

// The token at `m`, for messages: up to the end of the line, at most 20 bytes.
std::string text_at(const std::string& text, const YAML::Mark& m) {
  if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) return "";
  const char first = text[static_cast<std::size_t>(m.pos)];
  if (std::string_view(",[]{}:?-").find(first) != std::string_view::npos) return {first};
  std::size_t end = text.find('\n', static_cast<std::size_t>(m.pos));
  if (end == std::string::npos) end = text.size();
  return text.substr(static_cast<std::size_t>(m.pos),
                     std::min<std::size_t>(end - static_cast<std::size_t>(m.pos), 20));
}

}  // namespace

namespace detail {

namespace {
// What a binary file is and what to do with it, or nothing for text. The HDF5 signature may sit
// after a user block of 512, 1024, 2048 ... bytes.
std::optional<std::pair<std::string, std::string>> binary_file_kind(const std::string& text, const std::string& path) {
  static const std::string hdf5("\x89HDF\r\n\x1a\n", 8);
  for (std::size_t at = 0; at + hdf5.size() <= text.size(); at = at ? 2 * at : 512)
    if (text.compare(at, hdf5.size(), hdf5) == 0)
      return std::pair{std::string("it is an HDF5 file (a zonesim result?), not YAML text"),
                       "to read a result, run `zonesim report " + path +
                           "` (an HTML report) or see docs/output.md; give a YAML file here"};
  const struct {
    std::string_view magic, what;
  } formats[] = {{"\x1f\x8b", "a gzip-compressed file"}, {"PK\x03\x04", "a zip archive"},
                 {"%PDF", "a PDF document"},         {"\x89PNG", "a PNG image"},
                 {"\x7f" "ELF", "a program (ELF)"}};
  for (const auto& f : formats)
    if (text.compare(0, f.magic.size(), f.magic) == 0)
      return std::pair{"it is " + std::string(f.what) + ", not YAML text", std::string("give a YAML file")};
  if (text.compare(0, 2, "\xff\xfe") == 0 || text.compare(0, 2, "\xfe\xff") == 0)
    return std::pair{std::string("it is UTF-16 text, not UTF-8"), std::string("save it as UTF-8")};
  if (text.find('\0') != std::string::npos)
    return std::pair{std::string("it is a binary file (it holds NUL bytes), not YAML text"), std::string("give a YAML file")};
  return std::nullopt;
}
}  // namespace

InputFile read_input_file(const std::string& path) {
  namespace fs = std::filesystem;
  InputFile r;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);  // follows symlinks
  if (ec || !fs::exists(st)) {
    r.status = InputFile::Status::cannot_open;
    r.problem = "no such file";
    return r;
  }
  if (!fs::is_regular_file(st)) {
    r.status = InputFile::Status::not_regular;
    r.problem = fs::is_directory(st) ? "it is a directory, not a file"
                                     : "it is not a regular file (a device, pipe or socket)";
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    r.status = InputFile::Status::cannot_open;
    r.problem = "cannot open it (check the permissions)";
    return r;
  }
  // In chunks, stopping one byte past the limit: the file may grow after the check above.
  char chunk[1 << 16];
  while (r.text.size() <= kMaxInputFileBytes && in) {
    in.read(chunk, sizeof chunk);
    r.text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (r.text.size() > kMaxInputFileBytes) {
    r.status = InputFile::Status::too_large;
    r.problem = "it is larger than " + std::to_string(kMaxInputFileBytes >> 20) + " MiB, the limit for input files";
    r.text.clear();
    r.text.shrink_to_fit();
    return r;
  }
  if (auto what = binary_file_kind(r.text, path)) {
    r.status = InputFile::Status::binary;
    r.problem = what->first;
    r.hint = what->second;
    r.text.clear();
  }
  return r;
}

std::optional<YAML::Node> load_one_document(const std::string& text, const std::string& file_name,
                                            Diagnostics& diags, const std::string& kind,
                                            const std::string& split_hint) {
  // YAML forbids tabs for indentation; yaml-cpp's own message for them is obscure.
  {
    int line = 1;
    bool at_line_start = true;
    int col = 1;
    bool found = false;
    for (char c : text) {
      if (c == '\n') {
        ++line;
        col = 1;
        at_line_start = true;
        continue;
      }
      if (at_line_start && c == '\t') {
        diags.add({file_name, line, col, "", "tab character used for indentation",
                   "YAML indentation must use spaces; replace the tab with spaces"});
        found = true;
      }
      if (c != ' ' && c != '\t') at_line_start = false;
      ++col;
    }
    if (found) return std::nullopt;
  }
  // Documents are counted first with a scan that cannot hang (see scan_documents); only the
  // first one is built.
  try {
    const DocumentStarts starts = scan_documents(text);
    if (starts.stalled()) {
      const YAML::Mark m = starts.marks.back();
      const std::string token = text_at(text, m);
      diags.add({file_name, m.line + 1, m.column + 1, "",
                 "YAML syntax error: unexpected `" + token + "` here",
                 token.starts_with(",")
                     ? "`,` separates items only inside `[...]` or `{...}`; check the brackets "
                       "on this line and the one before"
                     : "check the indentation and the brackets on this line and the one before"});
      return std::nullopt;
    }
    if (starts.marks.size() > 1) {
      const YAML::Mark m = starts.marks[1];
      diags.add({file_name, m.line + 1, m.column + 1, "",
                 "the file holds " + std::to_string(starts.marks.size()) + " YAML documents; a " +
                     kind + " holds one",
                 split_hint});
      return std::nullopt;
    }
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diags.add(syntax_error(text, file_name, e));
    return std::nullopt;
  }
}

}  // namespace detail

namespace {

// Parses text into a Node; reports syntax errors (and tab indentation) located in `file`.
std::optional<Node> parse_yaml(const std::string& text, const std::string& file_name,
                               Diagnostics& diags) {
  auto file = std::make_shared<const std::string>(file_name);
  std::optional<YAML::Node> loaded = detail::load_one_document(
      text, file_name, diags, "scenario file",
      "remove the `---` line(s) and keep one scenario per file (use `extends:` to share a base)");
  if (!loaded) return std::nullopt;
  const YAML::Node document = *loaded;
  if (document.IsNull()) {
    diags.add({file_name, 1, 0, "", "the file holds no settings",
               "a scenario needs at least `name:`, `sectors:` and `zones:`, or "
               "`extends: base.yaml` and the settings that differ from it"});
    return std::nullopt;
  }
  Converter conv{file, diags};
  Node n = conv.convert(document, "");
  if (conv.too_big) return std::nullopt;
  if (n.kind != Node::Kind::map) {
    diags.add({file_name, n.line, n.column, "", "a scenario file must be a mapping of keys",
               "start with keys such as `name:`, `zones:`, `levers:`, `targets:`"});
    return std::nullopt;
  }
  return n;
}

// Mappings keyed by ids the scenario declares. A misspelt id in a variant or an override would
// otherwise declare a new zone (sector, target) with default values and run it.
struct IdMap {
  const char* key;   // top-level key
  const char* what;  // "zone"
  bool variants;     // also refused in files that extend another (targets may be added there)
};
constexpr IdMap kIdMaps[] = {{"zones", "zone", true}, {"sectors", "sector", true}, {"targets", "target", false}};

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
  detail::InputFile input = detail::read_input_file(path);
  if (input.status != detail::InputFile::Status::ok) {
    const bool missing = input.status == detail::InputFile::Status::cannot_open;
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
  if (history) detail::deep_merge(*history, without_levers(child));
  detail::deep_merge(merged, child);
  return merged;
}

// Command-line values have no line or column: a diagnostic about one names only "--set".
void clear_positions(Node& n) {
  n.line = n.column = n.key_line = n.key_column = 0;
  for (auto& entry : n.map) clear_positions(entry.second);
  for (auto& item : n.seq) clear_positions(item);
}

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

// ---- Validation ------------------------------------------------------------------------------

struct Validator {
  Diagnostics& diags;
  Scenario& sc;
  bool horizon_valid = true;  // false once base_year/end_year are reported as inconsistent
  std::array<bool, kZoneFieldCount> zone_field_invalid{};  // of the zone being read

  void error(const Node& at, const std::string& path, std::string message, std::string hint = {}) {
    diags.add({at.file ? *at.file : std::string("?"), at.line, at.column, path, std::move(message),
               std::move(hint)});
  }
  void key_error(const Node& at, const std::string& path, std::string message,
                 std::string hint = {}) {
    diags.add({at.file ? *at.file : std::string("?"), at.key_line ? at.key_line : at.line,
               at.key_line ? at.key_column : at.column, path, std::move(message), std::move(hint)});
  }

  void unknown_key(const Node& at, const std::string& path, const std::string& key,
                   const std::vector<std::string>& valid, const std::string& what) {
    if (const std::string_view retired = retired_setting(key); !retired.empty()) {
      key_error(at, path, what + " \"" + key + "\" is no longer part of the scenario format",
                std::string(retired));
      return;
    }
    const std::string hint = unknown_name_hint(key, valid, "valid " + what);
    key_error(at, path, "unknown " + what + " \"" + key + "\"", hint);
  }

  // Strips a {value: X, source: "..."} annotation.
  const Node* unwrap(const Node& n, const std::string& path) {
    if (!n.is_map()) return &n;
    const Node* v = n.find("value");
    if (!v) return &n;
    for (const auto& [k, c] : n.map) {
      if (k != "value" && k != "source" && k != "note")
        unknown_key(c, path + "." + k, k, {"value", "source", "note"}, "annotation key");
    }
    return v;
  }

  std::optional<double> scalar_value(const Node& raw, const std::string& path, const Setting& s) {
    const Node* n = unwrap(raw, path);
    if (n->kind != Node::Kind::scalar) {
      error(*n, path, "expected a single " + std::string(dim_name(s.dim)) + " value",
            std::string("write ") + std::string(dim_units_help(s.dim)));
      return std::nullopt;
    }
    const std::string& text = n->scalar;
    double v = 0.0;
    if (s.dim == Dim::boolean) {
      if (text == "true" || text == "yes" || text == "on") v = 1.0;
      else if (text == "false" || text == "no" || text == "off") v = 0.0;
      else {
        error(*n, path, "\"" + text + "\" is not true or false", "write true or false");
        return std::nullopt;
      }
      return v;
    }
    if (s.dim == Dim::choice) {
      for (std::size_t i = 0; i < s.choices.size(); ++i)
        if (text == s.choices[i]) return static_cast<double>(i);
      std::vector<std::string> words(s.choices.begin(), s.choices.end());
      std::string hint = "valid: ";
      for (std::size_t i = 0; i < words.size(); ++i) hint += (i ? ", " : "") + words[i];
      std::string near = nearest_word(text, words);
      if (!near.empty()) hint = "did you mean \"" + near + "\"? " + hint;
      error(*n, path, "\"" + text + "\" is not a valid choice", hint);
      return std::nullopt;
    }
    ParsedQuantity q = parse_quantity(text, s.dim);
    if (!q.ok()) {
      error(*n, path, "\"" + text + "\": " + q.error, q.hint);
      return std::nullopt;
    }
    if (q.value < s.min || q.value > s.max) {
      error(*n, path,
            "\"" + text + "\" is out of range",
            "valid: " + format_quantity(s.dim, s.min) + " to " + format_quantity(s.dim, s.max));
      return std::nullopt;
    }
    return q.value;
  }

  // A calendar year written as a whole number (2022, not 2022.0 or 2022.5), 1900 .. 2200.
  static std::optional<int> whole_year(const std::string& text) {
    if (text.empty() || text.size() > 4 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    const int year = std::stoi(text);
    if (year < 1900 || year > 2200) return std::nullopt;
    return year;
  }

  std::optional<int> year_value(const Node& n, const std::string& path) {
    if (!n.is_scalar()) {
      error(n, path, "expected a year", "write a calendar year such as 2025");
      return std::nullopt;
    }
    const auto year = whole_year(n.scalar);
    if (!year) {
      error(n, path, "\"" + n.scalar + "\" is not a calendar year", "write a year such as 2025");
      return std::nullopt;
    }
    return *year;
  }

  bool year_in_horizon(const Node& at, const std::string& path, int year, bool allow_base) {
    if (!horizon_valid) return true;  // already reported at end_year; do not cascade
    int lo = allow_base ? sc.base_year : sc.base_year + 1;
    if (year < lo || year > sc.end_year) {
      error(at, path, "year " + std::to_string(year) + " is outside the horizon",
            "valid: " + std::to_string(lo) + " to " + std::to_string(sc.end_year) +
                " (base_year " + std::to_string(sc.base_year) + ", end_year " +
                std::to_string(sc.end_year) + ")");
      return false;
    }
    return true;
  }

  std::optional<Schedule> schedule_value(const Node& raw, const std::string& path,
                                         const Setting& s) {
    const Node* n = unwrap(raw, path);
    if (!n->is_map()) {
      auto v = scalar_value(*n, path, s);
      if (!v) return std::nullopt;
      return Schedule::constant(*v);
    }
    Schedule sch;
    bool ok = true;
    for (const auto& [k, child] : n->map) {
      std::string child_path = path + "." + k;
      Node key_at = child;
      key_at.line = child.key_line;
      key_at.column = child.key_column;
      const auto whole = whole_year(k);
      if (!whole) {
        // 2022.0 and 2022 would be two points of the same year; 2022.5 is no year at all.
        const ParsedQuantity number = parse_quantity(k, Dim::number);
        error(key_at, child_path, "\"" + k + "\" is not a year",
              number.ok() && number.value >= 1900 && number.value <= 2200
                  ? "write years as whole numbers, e.g. {2021: 10 %, 2023: 20 %}"
                  : "a schedule maps years to values, e.g. {2021: 10 %, 2023: 20 %}");
        ok = false;
        continue;
      }
      // Only the plain form is a year, so one year has one spelling: a year given twice is a
      // duplicate key, reported when the file is read.
      const int year = *whole;
      if (!year_in_horizon(key_at, child_path, year, true)) {
        ok = false;
        continue;
      }
      auto v = scalar_value(child, child_path, s);
      if (!v) {
        ok = false;
        continue;
      }
      sch.points.emplace_back(year, *v);
    }
    if (!ok) return std::nullopt;
    if (sch.points.empty()) {
      error(*n, path, "empty schedule", "give at least one {year: value}");
      return std::nullopt;
    }
    std::sort(sch.points.begin(), sch.points.end());
    // Before the first year given, the first value holds.
    sch.points.front().first = -100000;
    return sch;
  }

  std::optional<ParamSpec> param_value(const Node& raw, const std::string& path, const Setting& s) {
    const Node* n = unwrap(raw, path);
    if (!n->is_map()) {
      auto v = scalar_value(*n, path, s);
      if (!v) return std::nullopt;
      ParamSpec p;
      p.a = *v;
      return p;
    }
    const Node* dist = n->find("distribution");
    if (!dist || !dist->is_scalar()) {
      error(*n, path, "a parameter is a value or a distribution",
            "write a value, or {distribution: normal, mean: ..., sd: ...}; distributions: normal, "
            "lognormal, uniform, triangular");
      return std::nullopt;
    }
    ParamSpec p;
    std::vector<std::string> keys;
    if (dist->scalar == "normal") {
      p.kind = ParamSpec::Kind::normal;
      keys = {"mean", "sd"};
    } else if (dist->scalar == "lognormal") {
      p.kind = ParamSpec::Kind::lognormal;
      keys = {"median", "sigma"};
    } else if (dist->scalar == "uniform") {
      p.kind = ParamSpec::Kind::uniform;
      keys = {"low", "high"};
    } else if (dist->scalar == "triangular") {
      p.kind = ParamSpec::Kind::triangular;
      keys = {"low", "high", "mode"};
    } else {
      static const std::vector<std::pair<std::string, std::string>> kOtherNames = {
          {"gaussian", "normal"}, {"gauss", "normal"},         {"log-normal", "lognormal"},
          {"log_normal", "lognormal"}, {"triangle", "triangular"}, {"flat", "uniform"}};
      std::string near = nearest_word(dist->scalar, {"normal", "lognormal", "uniform", "triangular"});
      for (const auto& [other, name] : kOtherNames)
        if (dist->scalar == other) near = name;
      error(*dist, path + ".distribution", "unknown distribution \"" + dist->scalar + "\"",
            (near.empty() ? std::string() : "did you mean \"" + near + "\"? ") +
                "valid: normal, lognormal, uniform, triangular");
      return std::nullopt;
    }
    std::vector<std::string> allowed = keys;
    allowed.push_back("distribution");
    allowed.push_back("source");
    allowed.push_back("note");
    bool ok = true;
    for (const auto& [k, c] : n->map)
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        unknown_key(c, path + "." + k, k, allowed, "distribution key");
        ok = false;
      }
    double vals[3] = {0, 0, 0};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const Node* c = n->find(keys[i]);
      if (!c) {
        key_error(raw, path, "distribution " + dist->scalar + " needs `" + keys[i] + "`",
              "give " + keys[0] + (keys.size() > 1 ? ", " + keys[1] : "") +
                  (keys.size() > 2 ? ", " + keys[2] : ""));
        ok = false;
        continue;
      }
      // A spread is bounded by the width of the parameter's range (draws are clamped to the
      // range, so a wider normal only piles up at its ends), a lognormal sigma by
      // kMaxLogSigma: beyond, the draws overflow in Boost.Math at run time.
      Setting spread = s;
      bool is_spread = keys[i] == "sd" || keys[i] == "sigma";
      if (is_spread) {
        spread.min = 0.0;
        spread.max = std::isfinite(s.max - s.min) ? s.max - s.min : kMaxMagnitude;
        if (keys[i] == "sigma") {
          spread.dim = Dim::number;
          spread.max = kMaxLogSigma;
        }
      }
      auto v = scalar_value(*c, path + "." + keys[i], spread);
      if (!v) {
        ok = false;
        continue;
      }
      vals[i] = *v;
    }
    if (!ok) return std::nullopt;
    p.a = vals[0];
    p.b = vals[1];
    p.c = vals[2];
    if ((p.kind == ParamSpec::Kind::uniform || p.kind == ParamSpec::Kind::triangular) && !(p.a < p.b)) {
      error(*n, path, "low must be below high", "");
      return std::nullopt;
    }
    if (p.kind == ParamSpec::Kind::triangular && (p.c < p.a || p.c > p.b)) {
      error(*n, path, "mode must lie between low and high", "");
      return std::nullopt;
    }
    if (p.kind == ParamSpec::Kind::lognormal && p.a <= 0.0) {
      error(*n, path, "a lognormal median must be positive", "");
      return std::nullopt;
    }
    return p;
  }

  static std::vector<std::string> keys_of(std::span<const Setting> settings) {
    std::vector<std::string> out;
    for (const auto& s : settings) out.emplace_back(s.key);
    return out;
  }

  static const Setting* find_setting(std::span<const Setting> settings, const std::string& key) {
    for (const auto& s : settings)
      if (s.key == key) return &s;
    return nullptr;
  }

  std::string text_value(const Node& raw, const std::string& path) {
    const Node* n = unwrap(raw, path);
    if (!n->is_scalar()) {
      error(*n, path, "expected text", "");
      return {};
    }
    return n->scalar;
  }

  static bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '_' || c == '-'))
        return false;
    return true;
  }

  void levers_block(const Node& n, const std::string& path,
                    std::array<std::optional<Schedule>, kLeverCount>& out) {
    if (!n.is_map()) {
      error(n, path, "levers must be a mapping of lever: value", "see `zonesim levers`");
      return;
    }
    auto keys = keys_of(lever_settings());
    for (const auto& [k, c] : n.map) {
      const Setting* s = find_setting(lever_settings(), k);
      if (!s) {
        unknown_key(c, path + "." + k, k, keys, "lever");
        continue;
      }
      auto idx = static_cast<std::size_t>(s - lever_settings().data());
      if (auto sch = schedule_value(c, path + "." + k, *s)) out[idx] = std::move(*sch);
    }
  }

  void run(const Node& root) {
    if (const Node* sweep = root.find("zonesim_sweep")) {  // a sweep file given as a scenario
      key_error(*sweep, "", "this is a sweep file (it starts with `zonesim_sweep:`), not a scenario",
                "run it with `zonesim sweep FILE`; the scenario it varies is checked there");
      return;
    }
    static const std::vector<std::string> kTop = {
        "zonesim", "name", "title", "source", "notes", "base_year", "end_year", "replications",
        "seed", "region", "sectors", "zones", "levers", "parameters", "targets", "observed"};
    for (const auto& [k, c] : root.map)
      if (std::find(kTop.begin(), kTop.end(), k) == kTop.end())
        unknown_key(c, k, k, kTop, "top-level key");

    if (const Node* v = root.find("zonesim")) {
      if (!v->is_scalar() || v->scalar != "1")
        error(*v, "zonesim", "unsupported scenario format version \"" + v->scalar + "\"",
              "this zonesim reads format 1");
    }
    if (const Node* v = root.find("name")) {
      sc.name = text_value(*v, "name");
      if (!valid_id(sc.name))
        error(*v, "name", "\"" + sc.name + "\" is not a valid scenario name",
              "use lower-case letters, digits, '-' and '_' (it names the output file)");
    } else {
      error(root, "name", "missing key `name`", "add e.g. `name: my-scenario`");
    }
    if (const Node* t = root.find("title")) {
      if (t->is_map()) {
        for (const auto& [k, c] : t->map) {
          if (k == "en") sc.title_en = text_value(c, "title.en");
          else if (k == "zh") sc.title_zh = text_value(c, "title.zh");
          else unknown_key(c, "title." + k, k, {"en", "zh"}, "title language");
        }
      } else {
        sc.title_en = text_value(*t, "title");
      }
    }

    // Reads a run setting; false when it is given but invalid (and reported).
    auto run_setting = [&](const char* key, double& out) {
      const Setting* s = find_setting(run_settings(), key);
      out = s->default_value;
      const Node* v = root.find(key);
      if (!v) return true;
      auto x = scalar_value(*v, key, *s);
      if (x) out = *x;
      return x.has_value();
    };
    double base = 0, end = 0, reps = 0;
    // Year checks against a horizon that is itself wrong would only repeat the error.
    if (!run_setting("base_year", base)) horizon_valid = false;
    if (!run_setting("end_year", end)) horizon_valid = false;
    run_setting("replications", reps);
    sc.base_year = static_cast<int>(base);
    sc.end_year = static_cast<int>(end);
    sc.replications = static_cast<int>(reps);
    sc.seed = static_cast<std::uint64_t>(find_setting(run_settings(), "seed")->default_value);
    if (const Node* raw = root.find("seed")) {  // exactly, not through a double
      const Node* n = unwrap(*raw, "seed");
      const auto seed = n->is_scalar() ? parse_seed(n->scalar) : std::nullopt;
      if (seed)
        sc.seed = *seed;
      else
        error(*n, "seed", n->is_scalar() ? "\"" + n->scalar + "\" is not a seed" : "expected a single seed",
              seed_range_hint());
    }
    if (sc.end_year <= sc.base_year) {
      const Node* at = root.find("end_year");
      if (!at) at = root.find("base_year");
      if (!at) at = &root;
      error(*at, "end_year", "end_year " + std::to_string(sc.end_year) +
                                 " is not after base_year " + std::to_string(sc.base_year),
            "the run simulates the years after base_year up to end_year");
      sc.end_year = sc.base_year + 1;
      horizon_valid = false;
    } else if (sc.end_year - sc.base_year > kMaxYears) {
      error(*root.find("end_year"), "end_year", "horizon of " +
                                                    std::to_string(sc.end_year - sc.base_year) +
                                                    " years is too long",
            "at most " + std::to_string(kMaxYears) + " years");
    }

    // Region.
    for (const auto& s : region_settings()) sc.region[&s - region_settings().data()] = s.default_value;
    if (const Node* r = root.find("region")) {
      if (!r->is_map()) {
        error(*r, "region", "region must be a mapping", "");
      } else {
        for (const auto& [k, c] : r->map) {
          const Setting* s = find_setting(region_settings(), k);
          if (!s) {
            unknown_key(c, "region." + k, k, keys_of(region_settings()), "region key");
            continue;
          }
          if (auto v = scalar_value(c, "region." + k, *s))
            sc.region[static_cast<std::size_t>(s - region_settings().data())] = *v;
        }
      }
    }

    // Sectors.
    const Node* sectors = root.find("sectors");
    if (!sectors || !sectors->is_map() || sectors->map.empty()) {
      error(sectors ? *sectors : root, "sectors", "missing or empty `sectors`",
            "declare at least one sector, e.g. `sectors: {electronics: {output_share: 100 %}}`");
    } else {
      auto sector_keys = keys_of(sector_settings());
      std::vector<std::string> allowed = sector_keys;
      allowed.insert(allowed.begin(), {"name_en", "name_zh"});
      for (const auto& [id, body] : sectors->map) {
        std::string path = "sectors." + id;
        SectorSpec sp;
        sp.id = id;
        if (!valid_id(id))
          key_error(body, path, "\"" + id + "\" is not a valid sector id",
                    "use lower-case letters, digits, '-' and '_'");
        for (const auto& s : sector_settings()) sp.fields[&s - sector_settings().data()] = s.default_value;
        if (!body.is_map()) {
          error(body, path, "a sector must be a mapping", "");
        } else {
          for (const auto& [k, c] : body.map) {
            if (k == "name_en") sp.name_en = text_value(c, path + ".name_en");
            else if (k == "name_zh") sp.name_zh = text_value(c, path + ".name_zh");
            else if (const Setting* s = find_setting(sector_settings(), k)) {
              if (auto v = scalar_value(c, path + "." + k, *s))
                sp.fields[static_cast<std::size_t>(s - sector_settings().data())] = *v;
            } else {
              unknown_key(c, path + "." + k, k, allowed, "sector key");
            }
          }
        }
        sc.sectors.push_back(std::move(sp));
      }
    }

    // Levers (region-wide).
    for (const auto& s : lever_settings())
      sc.levers[&s - lever_settings().data()] = Schedule::constant(s.default_value);
    if (const Node* l = root.find("levers")) {
      std::array<std::optional<Schedule>, kLeverCount> given;
      levers_block(*l, "levers", given);
      for (std::size_t i = 0; i < kLeverCount; ++i)
        if (given[i]) sc.levers[i] = std::move(*given[i]);
    }

    // Parameters.
    for (const auto& s : parameter_settings()) {
      ParamSpec p;
      p.a = s.default_value;
      sc.params[&s - parameter_settings().data()] = p;
    }
    if (const Node* p = root.find("parameters")) {
      if (!p->is_map()) {
        error(*p, "parameters", "parameters must be a mapping", "");
      } else {
        auto keys = keys_of(parameter_settings());
        for (const auto& [k, c] : p->map) {
          if (k == "from_posterior") {  // observed.cpp
            detail::read_posterior(c, sc, diags);
            continue;
          }
          const Setting* s = find_setting(parameter_settings(), k);
          if (!s) {
            unknown_key(c, "parameters." + k, k, keys, "parameter");
            continue;
          }
          if (auto v = param_value(c, "parameters." + k, *s))
            sc.params[static_cast<std::size_t>(s - parameter_settings().data())] = *v;
        }
      }
    }

    // Zones.
    const Node* zones = root.find("zones");
    if (!zones || !zones->is_map() || zones->map.empty()) {
      error(zones ? *zones : root, "zones", "missing or empty `zones`",
            "declare at least one zone with its base-year values");
    } else {
      auto zone_keys = keys_of(zone_settings());
      std::vector<std::string> allowed = zone_keys;
      allowed.insert(allowed.begin(), {"name_en", "name_zh", "sector_shares", "levers"});
      for (const auto& [id, body] : zones->map) {
        std::string path = "zones." + id;
        ZoneSpec z;
        z.id = id;
        if (!valid_id(id) || id == "all")
          key_error(body, path, "\"" + id + "\" is not a valid zone id",
                    "use lower-case letters, digits, '-' and '_' (\"all\" is reserved)");
        for (const auto& s : zone_settings()) z.fields[&s - zone_settings().data()] = s.default_value;
        zone_field_invalid.fill(false);
        z.sector_shares.assign(sc.sectors.size(), 0.0);
        for (std::size_t i = 0; i < sc.sectors.size(); ++i)
          z.sector_shares[i] = sc.sectors[i].fields[static_cast<std::size_t>(SectorField::output_share)];
        if (!body.is_map()) {
          error(body, path, "a zone must be a mapping of its values", "");
          sc.zones.push_back(std::move(z));
          continue;
        }
        for (const auto& [k, c] : body.map) {
          std::string kp = path + "." + k;
          if (k == "name_en") z.name_en = text_value(c, kp);
          else if (k == "name_zh") z.name_zh = text_value(c, kp);
          else if (k == "levers") levers_block(c, kp, z.lever_overrides);
          else if (k == "sector_shares") {
            if (!c.is_map()) {
              error(c, kp, "sector_shares must map sector ids to shares", "");
              continue;
            }
            std::fill(z.sector_shares.begin(), z.sector_shares.end(), 0.0);
            std::vector<std::string> ids;
            for (const auto& s : sc.sectors) ids.push_back(s.id);
            Setting share{"share", SettingGroup::sector, Dim::share, 0, 0, 1, "", "", {}};
            for (const auto& [sid, sv] : c.map) {
              auto it = std::find(ids.begin(), ids.end(), sid);
              if (it == ids.end()) {
                unknown_key(sv, kp + "." + sid, sid, ids, "sector");
                continue;
              }
              if (auto v = scalar_value(sv, kp + "." + sid, share))
                z.sector_shares[static_cast<std::size_t>(it - ids.begin())] = *v;
            }
          } else if (const Setting* s = find_setting(zone_settings(), k)) {
            const auto index = static_cast<std::size_t>(s - zone_settings().data());
            if (auto v = scalar_value(c, kp, *s)) {
              z.fields[index] = *v;
            } else {
              zone_field_invalid[index] = true;
              if (index == static_cast<std::size_t>(ZoneField::base_firms)) explain_firm_limit(c);
            }
          } else {
            unknown_key(c, kp, k, allowed, "zone key");
          }
        }
        check_zone(body, path, z);
        sc.zones.push_back(std::move(z));
      }
    }

    // Targets (after zones, which they name).
    if (const Node* t = root.find("targets")) {
      if (!t->is_map()) {
        error(*t, "targets", "targets must be a mapping of target id: {indicator, comparison, value, year}", "");
      } else {
        for (const auto& [id, body] : t->map) target("targets." + id, id, body);
      }
    }
    if (const Node* o = root.find("observed")) detail::read_observed(*o, sc, horizon_valid, diags);  // observed.cpp
  }

  void check_zone(const Node& at, const std::string& path, ZoneSpec& z) {
    auto f = [&](ZoneField k) -> double& { return z.fields[static_cast<std::size_t>(k)]; };
    double sum = 0;
    for (double s : z.sector_shares) sum += s;
    if (!sc.sectors.empty() && !(sum > 0)) {
      error(at, path + ".sector_shares", "the zone's sector shares add up to 0",
            "give `sector_shares` for the zone or `output_share` for the sectors");
    } else if (sum > 0) {
      for (double& s : z.sector_shares) s /= sum;
    }
    auto whole = [&](ZoneField k) { return std::to_string(static_cast<long long>(f(k))); };
    if (f(ZoneField::base_above_size_firms) > f(ZoneField::base_firms))
      conflict(at, path, {ZoneField::base_above_size_firms, ZoneField::base_firms},
               "more above-size firms (" + whole(ZoneField::base_above_size_firms) +
                   ") than firms (" + whole(ZoneField::base_firms) + ")",
               "base_above_size_firms must not exceed base_firms");
    if (f(ZoneField::base_hightech_firms) > f(ZoneField::base_firms))
      conflict(at, path, {ZoneField::base_hightech_firms, ZoneField::base_firms},
               "more high-tech firms (" + whole(ZoneField::base_hightech_firms) +
                   ") than firms (" + whole(ZoneField::base_firms) + ")",
               "base_hightech_firms must not exceed base_firms");
    const double ht_above = f(ZoneField::base_hightech_above_size_firms);
    if (ht_above >= 0) {
      if (ht_above != std::floor(ht_above))
        error(at, path + ".base_hightech_above_size_firms", "must be a whole number", "");
      else if (ht_above > f(ZoneField::base_above_size_firms) || ht_above > f(ZoneField::base_hightech_firms))
        error(at, path + ".base_hightech_above_size_firms",
              "more above-size high-tech firms than above-size firms or than high-tech firms",
              "it must not exceed base_above_size_firms nor base_hightech_firms");
      else if (f(ZoneField::base_hightech_firms) - ht_above > f(ZoneField::base_firms) - f(ZoneField::base_above_size_firms))
        error(at, path + ".base_hightech_above_size_firms",
              "too few: the other high-tech firms do not fit among the small firms",
              "base_hightech_firms - base_hightech_above_size_firms must not exceed base_firms - base_above_size_firms");
    }
    auto money = [&](ZoneField k) { return format_quantity(Dim::money, f(k)); };
    if (f(ZoneField::base_value_added) > f(ZoneField::base_output))
      conflict(at, path, {ZoneField::base_value_added, ZoneField::base_output},
               "value added (" + money(ZoneField::base_value_added) + ") exceeds gross output (" +
                   money(ZoneField::base_output) + ")",
               "value added is output less intermediate inputs; it is typically 20-35 % of output");
    if (f(ZoneField::base_rd) > 0.5 * f(ZoneField::base_output))
      conflict(at, path, {ZoneField::base_rd, ZoneField::base_output},
               "R&D (" + money(ZoneField::base_rd) + ") above half of gross output (" +
                   money(ZoneField::base_output) + ") is not plausible",
               "R&D is typically 1-6 % of output");
    // Each above-size firm has revenue >= 20 million yuan.
    double min_output = f(ZoneField::base_above_size_firms) * 2e7;
    if (min_output > f(ZoneField::base_output))
      conflict(at, path, {ZoneField::base_output, ZoneField::base_above_size_firms},
               "base_output " + money(ZoneField::base_output) + " is below what " +
                   whole(ZoneField::base_above_size_firms) + " above-size firms need (" +
                   format_quantity(Dim::money, min_output) + ")",
               "above-size firms have revenue of at least 2000 万元 each");
    double supplied = f(ZoneField::base_land_used_mu) + f(ZoneField::base_land_idle_mu) +
                      f(ZoneField::base_land_available_mu);
    if (supplied > f(ZoneField::land_planned_mu))
      conflict(at, path,
               {ZoneField::land_planned_mu, ZoneField::base_land_used_mu,
                ZoneField::base_land_idle_mu, ZoneField::base_land_available_mu},
               "planned land " + format_quantity(Dim::area, f(ZoneField::land_planned_mu)) +
                   " is less than land already supplied (" + format_quantity(Dim::area, supplied) +
                   ": used + idle + available)",
               "land_planned_mu includes used, idle and available land");
    if (f(ZoneField::base_rd_institutes) > f(ZoneField::base_innovation_carriers))
      conflict(at, path, {ZoneField::base_rd_institutes, ZoneField::base_innovation_carriers},
               "more R&D institutes than innovation carriers",
               "base_innovation_carriers counts incubators, accelerators and R&D institutes");
  }

  // A firm count above the registry's limit is refused by the range check; say what such a run
  // would cost, so the limit does not look arbitrary.
  void explain_firm_limit(const Node& raw) {
    const Node* n = raw.is_map() && raw.find("value") ? raw.find("value") : &raw;
    if (!n->is_scalar()) return;
    const ParsedQuantity q = parse_quantity(n->scalar, Dim::count);
    if (!q.ok() || q.value <= setting(ZoneField::base_firms).max) return;
    Scenario probe;
    probe.base_year = sc.base_year;
    probe.end_year = sc.end_year;
    probe.replications = sc.replications;
    probe.zones.resize(1);
    probe.zones[0].fields[static_cast<std::size_t>(ZoneField::base_firms)] = q.value;
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "; a run with %.3g firms would need about %.3g GiB of memory (%.3g firms at the "
                  "peak)",
                  q.value, estimated_memory_bytes(probe, 2) / (1ull << 30),
                  probe.expected_peak_firms());
    diags.back().hint += buf;
  }

  // Reports values of a zone that contradict each other. The error goes to the field the user's
  // own file sets (after `extends:` that is the likely edit), else to the first field given,
  // else to the zone. No report when one of the fields was already reported as invalid: its
  // default would then make the contradiction up.
  void conflict(const Node& zone, const std::string& path, std::initializer_list<ZoneField> fields,
                std::string message, std::string hint) {
    for (ZoneField k : fields)
      if (zone_field_invalid[static_cast<std::size_t>(k)]) return;
    const Node* at = nullptr;
    ZoneField at_field = *fields.begin();
    for (ZoneField k : fields) {
      const Node* n = zone.find(std::string(setting(k).key));
      if (!n) continue;
      const bool own = n->file && *n->file == sc.file;
      if (!at || own) {
        at = n;
        at_field = k;
      }
      if (own) break;
    }
    const std::string key_path = path + "." + std::string(setting(at_field).key);
    if (!at) {
      key_error(zone, key_path, std::move(message), std::move(hint));
      return;
    }
    const Node* value = at->is_map() && at->find("value") ? at->find("value") : at;
    error(*value, key_path, std::move(message), std::move(hint));
  }

  void target(const std::string& path, const std::string& id, const Node& body) {
    TargetSpec t;
    t.id = id;
    if (!body.is_map()) {
      error(body, path, "a target must be a mapping", "give indicator, comparison, value and year");
      return;
    }
    static const std::vector<std::string> kKeys = {
        "indicator", "kind", "zone", "comparison", "value", "year", "source",
        "label_en", "label_zh", "cluster_threshold", "top", "note"};
    for (const auto& [k, c] : body.map)
      if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end())
        unknown_key(c, path + "." + k, k, kKeys, "target key");
    bool ok = true;
    if (const Node* k = body.find("kind")) {
      std::string kind = text_value(*k, path + ".kind");
      if (kind == "indicator") t.kind = TargetSpec::Kind::indicator;
      else if (kind == "clusters") t.kind = TargetSpec::Kind::clusters;
      else if (kind == "zones_in_top") t.kind = TargetSpec::Kind::zones_in_top;
      else if (kind == "change_from_base") t.kind = TargetSpec::Kind::change_from_base;
      else {
        error(*k, path + ".kind", "unknown target kind \"" + kind + "\"",
              "valid: indicator, change_from_base, clusters, zones_in_top");
        ok = false;
      }
    }
    if (t.kind == TargetSpec::Kind::indicator || t.kind == TargetSpec::Kind::change_from_base) {
      const Node* ind = body.find("indicator");
      if (!ind) {
        key_error(body, path, "missing `indicator`", "see docs/output.md for the indicator list");
        ok = false;
      } else {
        std::string key = text_value(*ind, path + ".indicator");
        t.indicator = indicator_by_key(key);
        if (t.indicator == Ind::count) {
          std::vector<std::string> keys;
          for (const auto& i : indicator_infos()) keys.emplace_back(i.key);
          unknown_key(*ind, path + ".indicator", key, keys, "indicator");
          // unknown_key locates at the key; the value is the better place here.
          diags_fix_last_location(*ind);
          ok = false;
        }
      }
    } else if (body.find("indicator")) {
      const Node* ind = body.find("indicator");
      error(*ind, path + ".indicator", "a " + text_value(*body.find("kind"), "") +
                                           " target has no indicator", "remove `indicator`");
      ok = false;
    }
    t.zone = -1;
    if (const Node* z = body.find("zone")) {
      std::string zid = text_value(*z, path + ".zone");
      if (zid != "all") {
        std::vector<std::string> ids;
        for (const auto& zz : sc.zones) ids.push_back(zz.id);
        auto it = std::find(ids.begin(), ids.end(), zid);
        if (it == ids.end()) {
          ids.push_back("all");
          std::string near = nearest_word(zid, ids);
          std::string hint = "valid: ";
          for (std::size_t i = 0; i < ids.size(); ++i) hint += (i ? ", " : "") + ids[i];
          if (!near.empty()) hint = "did you mean \"" + near + "\"? " + hint;
          error(*z, path + ".zone", "unknown zone \"" + zid + "\"", hint);
          ok = false;
        } else {
          t.zone = static_cast<int>(it - ids.begin());
        }
      }
    }
    if (const Node* c = body.find("comparison")) {
      std::string op = text_value(*c, path + ".comparison");
      if (op == ">") t.op = Comparison::greater;
      else if (op == ">=") t.op = Comparison::greater_equal;
      else if (op == "<") t.op = Comparison::less;
      else if (op == "<=") t.op = Comparison::less_equal;
      else {
        error(*c, path + ".comparison", "unknown comparison \"" + op + "\"",
              "valid: \">\", \">=\", \"<\", \"<=\" (quote them in YAML)");
        ok = false;
      }
    } else {
      key_error(body, path, "missing `comparison`", "write comparison: \">\" (or \">=\", \"<\", \"<=\")");
      ok = false;
    }
    // Value, with the dimension of the indicator (counts for cluster/top targets).
    Dim dim = Dim::count;
    if (t.kind == TargetSpec::Kind::indicator || t.kind == TargetSpec::Kind::change_from_base)
      dim = t.indicator == Ind::count ? Dim::number : indicator_info(t.indicator).dim;
    t.value_dim = dim;
    if (const Node* v = body.find("value")) {
      if (ok) {
        Setting s{"value", SettingGroup::run, dim, 0, -kMaxMagnitude, kMaxMagnitude, "", "", {}};
        if (dim == Dim::count) s.min = (t.kind == TargetSpec::Kind::change_from_base) ? -kMaxMagnitude : 0;
        if (auto x = scalar_value(*v, path + ".value", s)) t.value = *x;
        else ok = false;
      }
    } else {
      key_error(body, path, "missing `value`", "write the target value with its unit, e.g. 1000 亿元");
      ok = false;
    }
    if (const Node* y = body.find("year")) {
      if (auto yy = year_value(*y, path + ".year")) {
        t.year = *yy;
        if (!year_in_horizon(*y, path + ".year", t.year, false)) ok = false;
      } else {
        ok = false;
      }
    } else {
      key_error(body, path, "missing `year`", "write the year by which the target should be met");
      ok = false;
    }
    if (t.kind == TargetSpec::Kind::clusters) {
      const Node* th = body.find("cluster_threshold");
      Setting s{"cluster_threshold", SettingGroup::run, Dim::money, 0, 0, kMaxMagnitude, "", "", {}};
      if (!th) {
        key_error(body, path, "a clusters target needs `cluster_threshold`", "e.g. cluster_threshold: 500 亿元");
        ok = false;
      } else if (auto x = scalar_value(*th, path + ".cluster_threshold", s)) {
        t.cluster_threshold = *x;
      } else {
        ok = false;
      }
    }
    if (t.kind == TargetSpec::Kind::zones_in_top) {
      const Node* top = body.find("top");
      Setting s{"top", SettingGroup::run, Dim::count, 0, 1, 1e6, "", "", {}};
      if (!top) {
        key_error(body, path, "a zones_in_top target needs `top`", "e.g. top: 10");
        ok = false;
      } else if (auto x = scalar_value(*top, path + ".top", s)) {
        t.top_n = static_cast<int>(*x);
      } else {
        ok = false;
      }
    }
    if (const Node* s = body.find("source")) t.source = text_value(*s, path + ".source");
    if (const Node* s = body.find("label_en")) t.label_en = text_value(*s, path + ".label_en");
    if (const Node* s = body.find("label_zh")) t.label_zh = text_value(*s, path + ".label_zh");
    if (ok) sc.targets.push_back(std::move(t));
  }

  void diags_fix_last_location(const Node& at) {
    if (diags.empty()) return;
    diags.back().line = at.line;
    diags.back().column = at.column;
  }
};

std::string node_to_yaml(const Node& n, int indent);

std::string quote_if_needed(const std::string& s) {
  if (s.empty()) return "\"\"";
  bool plain = true;
  for (char c : s)
    if (c == ':' || c == '#' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' ||
        c == '"' || c == '\'' || c == '\n' || c == '>' || c == '<' || c == '&' || c == '*' ||
        c == '!' || c == '|')
      plain = false;
  if (plain && s.front() != ' ' && s.back() != ' ' && s.front() != '-') return s;
  return "\"" + json_escape(s) + "\"";
}

std::string node_to_yaml(const Node& n, int indent) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out;
  switch (n.kind) {
    case Node::Kind::null: return "null\n";
    case Node::Kind::scalar: return quote_if_needed(n.scalar) + "\n";
    case Node::Kind::map:
      if (n.map.empty()) return "{}\n";
      out = "\n";
      for (const auto& [k, v] : n.map) {
        out += pad + quote_if_needed(k) + ":";
        std::string child = node_to_yaml(v, indent + 2);
        out += (child.front() == '\n' ? "" : " ") + child;
      }
      return out;
    case Node::Kind::seq:
      if (n.seq.empty()) return "[]\n";
      out = "\n";
      for (const auto& v : n.seq) {
        std::string child = node_to_yaml(v, indent + 2);
        out += pad + "-" + (child.front() == '\n' ? "" : " ") + child;
      }
      return out;
  }
  return out;
}

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
