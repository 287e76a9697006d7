// The property-based corpus (issue 12, "make the class impossible"): mutations of the shipped
// scenario and sweep files, generated deterministically from their YAML trees, and the promises
// every result must keep:
//   - bad input: no scenario (or sweep), at least one diagnostic, each with a file, a message
//     and, for file input, a line and column;
//   - valid input: every value of the scenario is finite; a run gives finite indicators that
//     satisfy the model's identities (researchers <= employment, shares within [0, 100 %], counts
//     >= 0, ranks within their range).
// A mutation that breaks a promise is printed with where it was made (file, key path, old -> new
// value) and which promise broke, so a failing case reads like a bug report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "zonesim/engine.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::test::corpus {

// ---- an ordered YAML tree that can be changed and written back ------------------------------
struct YNode {
  enum class Kind { null, scalar, map, seq };
  Kind kind = Kind::null;
  std::string scalar;
  std::vector<std::pair<std::string, YNode>> map;  // order kept; duplicate keys allowed (to write them)
  std::vector<YNode> seq;

  static YNode text(std::string s) {
    YNode n;
    n.kind = Kind::scalar;
    n.scalar = std::move(s);
    return n;
  }
  static YNode mapping() {
    YNode n;
    n.kind = Kind::map;
    return n;
  }
  YNode* find(const std::string& key);
  const YNode* find(const std::string& key) const;
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
};

YNode parse_yaml_file(const std::string& path);
// Block style, every scalar double-quoted (the loader reads a quoted scalar as the same text).
std::string emit_yaml(const YNode& n);
// The value as one line of text: a scalar as written, a list or mapping in flow style.
std::string flow_text(const YNode& n);

// A place in a tree: mapping keys, and "[i]" for sequence items.
using Path = std::vector<std::string>;
std::string path_text(const Path& p);
YNode* find_path(YNode& root, const Path& p);
bool map_only(const Path& p);  // expressible as a --set key or an `extends:` variant

// ---- mutations ---------------------------------------------------------------------------------
enum class Route { file, extends, set };
std::string_view route_name(Route r);

enum class Expect {
  reject,  // the input is wrong: the loader must refuse it with located diagnostics
  either,  // may be valid; if the loader accepts it, the scenario must be sound
};

struct Mutation {
  std::string kind;    // "delete key", "misspelt key", "value: huge", ...
  Route route = Route::file;
  std::string source;  // the shipped file it was made from (repository-relative)
  std::string path;    // key path of the change
  std::string old_value, new_value;
  Expect expect = Expect::either;
  // What to load: for file and extends routes the text of the file to write (`extends:` already
  // absolute); for the set route the shipped file with `overrides`.
  std::string file_text;
  std::vector<std::string> overrides;
  std::string describe() const;  // "file route, misspelt key: scenarios/demo.yaml levers.x: a -> b"
};

// Options bounding the corpus: how many sites of each kind are mutated per file.
struct Budget {
  int deletes = 5;
  int key_misspellings = 5;
  int id_misspellings = 6;
  int word_misspellings = 3;
  int value_leaves = 1;       // per top-level section; each gets every value replacement
  int year_keys = 2;          // schedule years made non-integer
  int extends_leaves = 3;     // value leaves replayed through extends: and --set
  int extends_keys = 2;
};

// Mutations of one shipped scenario (`relative`: path under the repository), every route.
// Deterministic: a fixed seed mixed with the file name.
std::vector<Mutation> scenario_mutations(const std::string& relative, const Budget& budget);
// Mutations of one shipped sweep file (file route only; `base:` made absolute).
std::vector<Mutation> sweep_mutations(const std::string& relative, const Budget& budget);

bool is_sweep_file(const std::string& path);  // starts with `zonesim_sweep:`

// One edit (insert, delete, substitute or transpose) chosen from `seed` that gives a word that is
// not in `avoid`.
std::string misspell(const std::string& word, std::uint64_t seed, const std::vector<std::string>& avoid);

// ---- promises ----------------------------------------------------------------------------------
// Empty when the diagnostics keep the promise for refused input (at least one; each with a
// file, a message, and line/column > 0 unless it is about a --set value); else what broke.
std::string check_refusal(const Diagnostics& d, bool file_input);
// Empty when every number of the scenario is finite; else the first that is not.
std::string check_scenario_finite(const Scenario& s);
// Empty when every indicator of every replication, year and zone is finite and the identities
// hold; else the first that breaks (indicator, zone, year, replication, value).
std::string check_indicators(const Scenario& s, const Ensemble& e);

// Counts per kind and route, printed at the end of a corpus test case.
class Tally {
 public:
  void add(const std::string& what) { ++counts_[what]; }
  std::string summary(const std::string& title) const;

 private:
  std::map<std::string, int> counts_;
};

}  // namespace zonesim::test::corpus
