// Scenario loading, last step: the merged, overridden tree written back as YAML, the text a
// result file stores as the scenario it ran (Scenario::text).
#include <string>

#include "loader_detail.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

namespace {

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

}  // namespace

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

}  // namespace zonesim::detail
