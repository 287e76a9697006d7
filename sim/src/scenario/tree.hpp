// The scenario loader's own document tree: YAML nodes that remember the file they came from,
// so that errors point at the right file after `extends:` merges and `--set` overrides.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zonesim::detail {

struct MapEntry;

struct Node {
  enum class Kind { null, scalar, map, seq };
  Kind kind = Kind::null;
  std::string scalar;
  std::vector<MapEntry> map;  // insertion order kept
  std::vector<Node> seq;
  std::shared_ptr<const std::string> file;  // path as written by the user
  int line = 0, column = 0;                 // 1-based position of the value
  int key_line = 0, key_column = 0;         // 1-based position of the key naming this node

  const Node* find(const std::string& key) const;
  Node* find(const std::string& key);
  bool is_map() const { return kind == Kind::map; }
  bool is_scalar() const { return kind == Kind::scalar; }
};

// One key of a mapping. A plain struct rather than std::pair<std::string, Node>: the pair's
// constructor traits would need Node complete while Node is still being defined, which GCC
// tolerates and clang with libstdc++ rejects.
struct MapEntry {
  std::string first;  // the key
  Node second;        // its value
  MapEntry(std::string key, Node value) : first(std::move(key)), second(std::move(value)) {}
};

inline const Node* Node::find(const std::string& key) const {
  for (const auto& entry : map)
    if (entry.first == key) return &entry.second;
  return nullptr;
}
inline Node* Node::find(const std::string& key) {
  for (auto& entry : map)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

// Child values override; maps merge key by key (deep merge).
void deep_merge(Node& base, const Node& over);

}  // namespace zonesim::detail
