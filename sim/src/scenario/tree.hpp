// The scenario loader's own document tree: YAML nodes that remember the file they came from,
// so that errors point at the right file after `extends:` merges and `--set` overrides.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zonesim::detail {

struct Node {
  enum class Kind { null, scalar, map, seq };
  Kind kind = Kind::null;
  std::string scalar;
  std::vector<std::pair<std::string, Node>> map;  // insertion order kept
  std::vector<Node> seq;
  std::shared_ptr<const std::string> file;  // path as written by the user
  int line = 0, column = 0;                 // 1-based position of the value
  int key_line = 0, key_column = 0;         // 1-based position of the key naming this node

  const Node* find(const std::string& key) const {
    for (const auto& [k, v] : map)
      if (k == key) return &v;
    return nullptr;
  }
  Node* find(const std::string& key) {
    for (auto& [k, v] : map)
      if (k == key) return &v;
    return nullptr;
  }
  bool is_map() const { return kind == Kind::map; }
  bool is_scalar() const { return kind == Kind::scalar; }
};

// Child values override; maps merge key by key (deep merge).
void deep_merge(Node& base, const Node& over);

}  // namespace zonesim::detail
