// Scenario loading, step 1: YAML text -> located Node tree. Reading input files with a bounded
// size, one document per file, yaml-cpp's syntax errors rephrased and located.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "loader_detail.hpp"
#include "yaml_document.hpp"

namespace zonesim::detail {

Node Converter::convert(const YAML::Node& y, const std::string& path, int depth) {
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

namespace {

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

}  // namespace

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

bool wrong_file_kind(const YAML::Node& root, FileKind expected, const std::string& file_name, Diagnostics& diags) {
  struct Kind {
    FileKind kind;
    const char *marker, *noun, *command;
  };
  static constexpr Kind kKinds[] = {{FileKind::scenario, "zonesim", "scenario", "run"},
                                    {FileKind::sweep, "zonesim_sweep", "sweep file", "sweep"},
                                    {FileKind::calibration, "zonesim_calibrate", "calibration file", "calibrate"}};
  const Kind* want = nullptr;
  for (const Kind& k : kKinds)
    if (k.kind == expected) want = &k;
  if (root[want->marker]) return false;
  for (const auto& e : root) {
    const std::string key = e.first.IsScalar() ? e.first.Scalar() : std::string();
    for (const Kind& k : kKinds) {
      if (k.kind == expected || key != k.marker) continue;
      std::string hint = std::string("run it with `zonesim ") + k.command + " FILE`";
      if (k.kind == FileKind::scenario && expected == FileKind::sweep)
        hint += "; a sweep file names the scenario it varies in `base:` (docs/sweeps.md)";
      if (k.kind == FileKind::scenario && expected == FileKind::calibration)
        hint += "; a calibration file names the scenario it fits in `scenario:` (docs/validation.md)";
      const auto m = e.first.Mark();
      diags.add({file_name, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1, "",
                 std::string("this is a ") + k.noun + " (it starts with `" + k.marker + ":`), not a " + want->noun,
                 hint});
      return true;
    }
  }
  return false;
}

}  // namespace zonesim::detail
