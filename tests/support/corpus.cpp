#include "corpus.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support.hpp"
#include "zonesim/registry.hpp"

namespace zonesim::test::corpus {

namespace fs = std::filesystem;

// ---- tree ------------------------------------------------------------------------------------

YNode* YNode::find(const std::string& key) {
  for (auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}
const YNode* YNode::find(const std::string& key) const {
  for (const auto& [k, v] : map)
    if (k == key) return &v;
  return nullptr;
}

namespace {

YNode convert(const YAML::Node& y) {
  YNode n;
  switch (y.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
    case YAML::NodeType::Scalar:
      n.kind = YNode::Kind::scalar;
      n.scalar = y.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n.kind = YNode::Kind::seq;
      for (const auto& item : y) n.seq.push_back(convert(item));
      break;
    case YAML::NodeType::Map:
      n.kind = YNode::Kind::map;
      for (const auto& entry : y) n.map.emplace_back(entry.first.Scalar(), convert(entry.second));
      break;
  }
  return n;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The text after "key:" (or "-"): " value\n" for a scalar, "\n" + indented block otherwise.
std::string emit_value(const YNode& n, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out;
  switch (n.kind) {
    case YNode::Kind::null: return "\n";
    case YNode::Kind::scalar: return " " + quoted(n.scalar) + "\n";
    case YNode::Kind::map:
      if (n.map.empty()) return " {}\n";
      out = "\n";
      for (const auto& [k, v] : n.map) out += pad + quoted(k) + ":" + emit_value(v, indent + 2);
      return out;
    case YNode::Kind::seq:
      if (n.seq.empty()) return " []\n";
      out = "\n";
      for (const auto& v : n.seq) out += pad + "-" + emit_value(v, indent + 2);
      return out;
  }
  return out;
}

}  // namespace

YNode parse_yaml_file(const std::string& path) { return convert(YAML::LoadFile(path)); }

std::string emit_yaml(const YNode& n) {
  std::string out = emit_value(n, 0);
  if (!out.empty() && out.front() == '\n') out.erase(0, 1);
  return out;
}

std::string flow_text(const YNode& n) {
  switch (n.kind) {
    case YNode::Kind::null: return "";
    case YNode::Kind::scalar: return n.scalar;
    case YNode::Kind::seq: {
      std::string out = "[";
      for (std::size_t i = 0; i < n.seq.size(); ++i) out += (i ? ", " : "") + flow_text(n.seq[i]);
      return out + "]";
    }
    case YNode::Kind::map: {
      std::string out = "{";
      for (std::size_t i = 0; i < n.map.size(); ++i)
        out += (i ? ", " : "") + n.map[i].first + ": " + flow_text(n.map[i].second);
      return out + "}";
    }
  }
  return {};
}

std::string path_text(const Path& p) {
  std::string out;
  for (const auto& part : p) {
    if (!part.empty() && part.front() == '[') out += part;
    else out += (out.empty() ? "" : ".") + part;
  }
  return out;
}

YNode* find_path(YNode& root, const Path& p) {
  YNode* cur = &root;
  for (const auto& part : p) {
    if (!part.empty() && part.front() == '[') {
      std::size_t i = std::stoul(part.substr(1));
      if (!cur->is_seq() || i >= cur->seq.size()) return nullptr;
      cur = &cur->seq[i];
    } else {
      cur = cur->find(part);
      if (!cur) return nullptr;
    }
  }
  return cur;
}

bool map_only(const Path& p) {
  return std::none_of(p.begin(), p.end(), [](const std::string& s) {
    return s.empty() || s.front() == '[' || s.find('.') != std::string::npos || s.find('=') != std::string::npos;
  });
}

std::string_view route_name(Route r) {
  switch (r) {
    case Route::file: return "file";
    case Route::extends: return "extends";
    case Route::set: return "--set";
  }
  return "?";
}

std::string Mutation::describe() const {
  std::string out = std::string(route_name(route)) + " route, " + kind + ": " + source + " " + path + ": " +
                    (old_value.empty() ? "(none)" : "\"" + old_value + "\"") + " -> " +
                    (new_value.empty() ? "(empty)" : "\"" + new_value + "\"");
  for (const auto& o : overrides) out += "\n    --set '" + o + "'";
  return out;
}

// ---- mutation generation ---------------------------------------------------------------------

namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

constexpr std::uint64_t kCorpusSeed = 20260812;  // fixed: the corpus is the same on every run

// Up to k of n indices, chosen by the stream, in increasing order.
std::vector<std::size_t> pick(std::size_t n, int k, std::uint64_t& state) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  const std::size_t take = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(k, 0)));
  for (std::size_t i = 0; i < take; ++i) std::swap(idx[i], idx[i + splitmix(state) % (n - i)]);
  idx.resize(take);
  std::sort(idx.begin(), idx.end());
  return idx;
}

bool ascii_word(const std::string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) { return c < 0x80; });
}

bool is_year_key(const std::string& k) {
  return k.size() == 4 && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  const char c = s.front();
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

const std::set<std::string>& free_text_keys() {
  static const std::set<std::string> k{"name", "name_en", "name_zh", "en", "zh", "source", "notes", "note",
                                       "label_en", "label_zh", "description", "title", "base", "extends"};
  return k;
}

// Every word the loader knows as a key or a choice: a misspelling must not land on one.
std::vector<std::string> known_words(const YNode& tree) {
  std::set<std::string> w{"zonesim", "zonesim_sweep", "name", "title", "source", "notes", "note", "extends",
                          "region", "sectors", "zones", "levers", "parameters", "targets", "name_en", "name_zh",
                          "en", "zh", "sector_shares", "value", "distribution", "mean", "sd", "median", "sigma",
                          "low", "high", "mode", "indicator", "zone", "comparison", "year", "cluster_threshold",
                          "top", "label_en", "label_zh", "kind", "base", "factors", "design", "replications",
                          "seed", "bootstrap", "outputs", "optimize", "key", "range", "values", "levels", "type",
                          "points", "base_samples", "trajectories", "probability", "initial_points", "rounds",
                          "points_per_round", "centres", "description", "all", "true", "false", "yes", "no",
                          "on", "off", "normal", "lognormal", "uniform", "triangular", "grid", "lhs", "sobol",
                          "morris", "clusters", "zones_in_top", "change_from_base"};
  for (auto group : {lever_settings(), parameter_settings(), zone_settings(), region_settings(), sector_settings(),
                     run_settings()})
    for (const auto& s : group) {
      w.emplace(s.key);
      for (auto c : s.choices) w.emplace(c);
    }
  for (const auto& i : indicator_infos()) w.emplace(i.key);
  // Keys of the file itself (ids, target names).
  std::vector<const YNode*> stack{&tree};
  while (!stack.empty()) {
    const YNode* n = stack.back();
    stack.pop_back();
    for (const auto& [k, v] : n->map) {
      w.insert(k);
      stack.push_back(&v);
    }
    for (const auto& v : n->seq) stack.push_back(&v);
    if (n->is_scalar()) w.insert(n->scalar);
  }
  return {w.begin(), w.end()};
}

}  // namespace

std::string misspell(const std::string& word, std::uint64_t seed, const std::vector<std::string>& avoid) {
  std::uint64_t state = seed ^ fnv1a(word);
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::string w = word;
    if (!ascii_word(word)) {
      w += 'x';
    } else {
      const std::size_t n = w.size();
      const std::size_t pos = splitmix(state) % n;
      const char letter = static_cast<char>('a' + splitmix(state) % 26);
      switch (splitmix(state) % 4) {
        case 0: w[pos] = letter; break;                                // substitute
        case 1: if (n > 2) w.erase(pos, 1); else w += letter; break;   // delete
        case 2: w.insert(pos, 1, letter); break;                       // insert
        case 3:                                                        // transpose
          if (pos + 1 < n) std::swap(w[pos], w[pos + 1]);
          else w.insert(pos, 1, letter);
          break;
      }
    }
    if (w != word && std::find(avoid.begin(), avoid.end(), w) == avoid.end()) return w;
  }
  return word + "qq";
}

namespace {

enum class MapClass { fixed, ids, sector_refs, years };

// What the keys of the mapping at `p` are, in a scenario (or sweep) file.
MapClass map_class(const Path& p, const YNode& map) {
  if (p.size() == 1 && (p[0] == "zones" || p[0] == "sectors" || p[0] == "targets")) return MapClass::ids;
  if (p.size() == 3 && p[0] == "zones" && p[2] == "sector_shares") return MapClass::sector_refs;
  if (!map.map.empty() &&
      std::all_of(map.map.begin(), map.map.end(), [](const auto& e) { return is_year_key(e.first); }))
    return MapClass::years;
  return MapClass::fixed;
}

struct Entry {  // one key of a mapping
  Path path;    // path of the value (parent + key)
  const YNode* value;
  MapClass parent_class;
};

void collect(const YNode& n, Path& p, std::vector<Entry>& entries, std::vector<Entry>& leaves) {
  if (n.is_map()) {
    const MapClass c = map_class(p, n);
    for (const auto& [k, v] : n.map) {
      p.push_back(k);
      entries.push_back({p, &v, c});
      collect(v, p, entries, leaves);
      p.pop_back();
    }
  } else if (n.is_seq()) {
    for (std::size_t i = 0; i < n.seq.size(); ++i) {
      p.push_back("[" + std::to_string(i) + "]");
      collect(n.seq[i], p, entries, leaves);
      p.pop_back();
    }
  } else if (n.is_scalar()) {
    leaves.push_back({p, &n, MapClass::fixed});
  }
}

// The last mapping key of a path (the key a sequence item belongs to for "[i]").
std::string leaf_key(const Path& p) {
  for (auto it = p.rbegin(); it != p.rend(); ++it)
    if (!it->empty() && it->front() != '[') return *it;
  return {};
}


// Sets the value at `p`, creating mappings on the way (for `extends:` variants).
YNode& make_path(YNode& root, const Path& p) {
  YNode* cur = &root;
  for (const auto& part : p) {
    if (!cur->is_map()) *cur = YNode::mapping();
    YNode* next = cur->find(part);
    if (!next) {
      cur->map.emplace_back(part, YNode{});
      next = &cur->map.back().second;
    }
    cur = next;
  }
  return *cur;
}

// The first scalar below a node and its path relative to it (to say something about a zone).
bool first_leaf(const YNode& n, Path& rel, std::string& text) {
  if (n.is_scalar()) {
    text = n.scalar;
    return true;
  }
  for (const auto& [k, v] : n.map) {
    if (k.find('.') != std::string::npos) continue;
    rel.push_back(k);
    if (first_leaf(v, rel, text)) return true;
    rel.pop_back();
  }
  return false;
}

struct Unit {
  std::string number, unit;
};
Unit split_quantity(const std::string& t) {
  const char* s = t.c_str();
  char* end = nullptr;
  std::strtod(s, &end);
  std::string number(s, static_cast<std::size_t>(end - s));
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (number.empty()) number = "1";
  return {number, unit};
}

// A unit of another dimension than `unit` has.
std::string other_unit(const std::string& unit) {
  static const std::set<std::string> area{"mu", "亩", "ha", "hectare", "hectares", "公顷", "km2", "km²", "平方公里"};
  if (unit.find('/') != std::string::npos) return "mu";
  if (area.count(unit)) return "亿元";
  if (unit.empty()) return "亿元";
  if (unit == "%" || unit == "percent") return "mu";
  if (unit.find("元") != std::string::npos || unit.find("CNY") != std::string::npos || unit == "yuan") return "mu";
  return "亿元";
}

std::string with_unit(const std::string& number, const std::string& unit) {
  return unit.empty() ? number : number + " " + unit;
}

struct Generator {
  std::string relative;  // repository-relative path of the shipped file
  std::string absolute;
  YNode tree;            // as shipped, `extends:`/`base:` made absolute
  bool sweep = false;
  Budget budget;
  std::uint64_t state;
  std::vector<std::string> avoid;
  std::vector<Mutation> out;

  Generator(const std::string& rel, const Budget& b) : relative(rel), budget(b) {
    absolute = source_path(rel);
    tree = parse_yaml_file(absolute);
    sweep = tree.find("zonesim_sweep") != nullptr;
    for (const char* k : {"extends", "base"}) {
      YNode* e = tree.find(k);
      if (e && e->is_scalar() && fs::path(e->scalar).is_relative())
        e->scalar = (fs::path(absolute).parent_path() / e->scalar).lexically_normal().string();
    }
    state = kCorpusSeed ^ fnv1a(rel);
    avoid = known_words(tree);
  }

  Mutation base(const std::string& kind, Route route, const Path& p, const std::string& old_value,
                const std::string& new_value, Expect e) const {
    Mutation m;
    m.kind = kind;
    m.route = route;
    m.source = relative;
    m.path = path_text(p);
    m.old_value = old_value;
    m.new_value = new_value;
    m.expect = e;
    return m;
  }

  // File route: the whole file with one change.
  template <class Change>
  void file(const std::string& kind, const Path& p, const std::string& old_value, const std::string& new_value,
            Expect e, Change change) {
    YNode t = tree;
    change(t);
    Mutation m = base(kind, Route::file, p, old_value, new_value, e);
    m.file_text = emit_yaml(t);
    out.push_back(std::move(m));
  }

  // Extends route: a variant in a temporary directory that extends the shipped file.
  template <class Build>
  void extends(const std::string& kind, const Path& p, const std::string& old_value, const std::string& new_value,
               Expect e, Build build) {
    if (sweep || !map_only(p)) return;
    YNode v = YNode::mapping();
    v.map.emplace_back("extends", YNode::text(absolute));
    build(v);
    Mutation m = base(kind, Route::extends, p, old_value, new_value, e);
    m.file_text = emit_yaml(v);
    out.push_back(std::move(m));
  }

  void set(const std::string& kind, const Path& p, const std::string& old_value, const YNode& value, Expect e) {
    if (sweep || !map_only(p)) return;
    Mutation m = base(kind, Route::set, p, old_value, flow_text(value), e);
    m.overrides = {path_text(p) + "=" + flow_text(value)};
    out.push_back(std::move(m));
  }

  void generate() {
    std::vector<Entry> entries, leaves;
    Path p;
    collect(tree, p, entries, leaves);

    // -- delete a key (may be valid: many keys have defaults)
    for (auto i : pick(entries.size(), budget.deletes, state)) {
      const Entry& en = entries[i];
      Path parent(en.path.begin(), en.path.end() - 1);
      file("delete key", en.path, flow_text(*en.value).substr(0, 60), "", Expect::either, [&](YNode& t) {
        YNode* m = find_path(t, parent);
        auto it = std::find_if(m->map.begin(), m->map.end(), [&](const auto& e) { return e.first == en.path.back(); });
        m->map.erase(it);
      });
    }

    // -- misspell a key of a mapping whose keys are fixed words
    std::vector<const Entry*> fixed;
    for (const auto& en : entries)
      if (en.parent_class == MapClass::fixed && ascii_word(en.path.back())) fixed.push_back(&en);
    auto key_picks = pick(fixed.size(), budget.key_misspellings, state);
    for (std::size_t j = 0; j < key_picks.size(); ++j) {
      const Entry& en = *fixed[key_picks[j]];
      const std::string& k = en.path.back();
      const std::string bad = misspell(k, splitmix(state), avoid);
      Path parent(en.path.begin(), en.path.end() - 1);
      Path bad_path = parent;
      bad_path.push_back(bad);
      file("misspelt key", en.path, k, bad, Expect::reject, [&](YNode& t) {
        for (auto& e : find_path(t, parent)->map)
          if (e.first == k) {
            e.first = bad;
            break;
          }
      });
      if (static_cast<int>(j) < budget.extends_keys) {
        extends("misspelt key", en.path, k, bad, Expect::reject,
                [&](YNode& v) { make_path(v, bad_path) = *en.value; });
        Path rel;
        std::string text;
        if (first_leaf(*en.value, rel, text)) {
          Path sp = bad_path;
          sp.insert(sp.end(), rel.begin(), rel.end());
          set("misspelt key", sp, k, YNode::text(text), Expect::reject);
        }
      }
    }

    ids();
    words(leaves);
    values(leaves);
    year_keys(entries);
  }

  // -- misspell a zone or sector id wherever it appears
  void ids() {
    const YNode* zones = tree.find("zones");
    const YNode* sectors = tree.find("sectors");
    std::vector<std::string> zone_ids, sector_ids;
    if (zones && zones->is_map())
      for (const auto& e : zones->map) zone_ids.push_back(e.first);
    if (sectors && sectors->is_map())
      for (const auto& e : sectors->map) sector_ids.push_back(e.first);
    if (sweep) {  // ids of the base scenario
      LoadResult r = load_scenario_file(tree.find("base")->scalar);
      if (r.scenario) {
        for (const auto& z : r.scenario->zones) zone_ids.push_back(z.id);
        for (const auto& s : r.scenario->sectors) sector_ids.push_back(s.id);
      }
    }
    struct Occurrence {
      Path path;
      std::string id;
      bool zone, definition;
      bool key;  // the id is a mapping key (else a scalar value)
    };
    std::vector<Occurrence> occ;
    std::map<std::string, int> references;
    auto is_zone = [&](const std::string& s) { return std::count(zone_ids.begin(), zone_ids.end(), s) > 0; };
    auto is_sector = [&](const std::string& s) { return std::count(sector_ids.begin(), sector_ids.end(), s) > 0; };
    for (const auto& z : zone_ids)
      if (zones && zones->find(z)) occ.push_back({{"zones", z}, z, true, true, true});
    for (const auto& s : sector_ids)
      if (sectors && sectors->find(s)) occ.push_back({{"sectors", s}, s, false, true, true});
    std::vector<Entry> entries, leaves;
    Path p;
    collect(tree, p, entries, leaves);
    for (const auto& en : entries)
      if (en.parent_class == MapClass::sector_refs && is_sector(en.path.back())) {
        occ.push_back({en.path, en.path.back(), false, false, true});
        ++references[en.path.back()];
      }
    for (const auto& lf : leaves) {
      const std::string k = leaf_key(lf.path);
      if (k == "zone" && (is_zone(lf.value->scalar) || lf.value->scalar == "all")) {
        occ.push_back({lf.path, lf.value->scalar, true, false, false});
        ++references[lf.value->scalar];
      }
      if (k == "key" && lf.value->scalar.rfind("zones.", 0) == 0) {  // a sweep factor
        const std::string id = lf.value->scalar.substr(6, lf.value->scalar.find('.', 6) - 6);
        if (is_zone(id)) occ.push_back({lf.path, id, true, false, false});
      }
    }
    std::vector<std::string> all_ids = avoid;
    // Stratified: up to a third of the budget for each of zone/sector x definition/reference.
    std::map<std::pair<bool, bool>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < occ.size(); ++i) groups[{occ[i].zone, occ[i].definition}].push_back(i);
    std::vector<std::size_t> chosen;
    for (const auto& [g, items] : groups)
      for (auto i : pick(items.size(), std::max(1, budget.id_misspellings / 3), state)) chosen.push_back(items[i]);
    for (auto i : chosen) {
      const Occurrence& o = occ[i];
      const std::string bad = misspell(o.id, splitmix(state), all_ids);
      const std::string what = o.zone ? "zone" : "sector";
      const std::string kind = "misspelt " + what + " id (" + (o.definition ? "definition" : "reference") + ")";
      const Expect e = !o.definition || references[o.id] > 0 ? Expect::reject : Expect::either;
      Path parent(o.path.begin(), o.path.end() - 1);
      file(kind, o.path, o.id, bad, e, [&](YNode& t) {
        if (o.key) {
          for (auto& en : find_path(t, parent)->map)
            if (en.first == o.id) {
              en.first = bad;
              break;
            }
        } else {
          YNode* v = find_path(t, o.path);
          const std::size_t at = v->scalar.find(o.id);
          v->scalar.replace(at, o.id.size(), bad);
        }
      });
      // Through extends: and --set a misspelt id never defines a new zone or sector: it is an error.
      if (o.definition) {
        Path rel;
        std::string text;
        const YNode* body = find_path(tree, o.path);
        if (body && first_leaf(*body, rel, text)) {
          Path bp = parent;
          bp.push_back(bad);
          bp.insert(bp.end(), rel.begin(), rel.end());
          extends(kind, o.path, o.id, bad, Expect::reject, [&](YNode& v) { make_path(v, bp) = YNode::text(text); });
          set(kind, bp, o.id, YNode::text(text), Expect::reject);
        }
      } else if (o.key) {
        Path bp = parent;
        bp.push_back(bad);
        const YNode* old = find_path(tree, o.path);
        extends(kind, o.path, o.id, bad, Expect::reject, [&](YNode& v) { make_path(v, bp) = *old; });
        if (old->is_scalar()) set(kind, bp, o.id, *old, Expect::reject);
      } else {
        std::string text = find_path(tree, o.path)->scalar;
        text.replace(text.find(o.id), o.id.size(), bad);
        extends(kind, o.path, o.id, bad, Expect::reject, [&](YNode& v) { make_path(v, o.path) = YNode::text(text); });
        set(kind, o.path, o.id, YNode::text(text), Expect::reject);
      }
    }
  }

  // -- misspell a word value (choice words, indicator names, comparison, true/false)
  void words(const std::vector<Entry>& leaves) {
    std::vector<const Entry*> w;
    for (const auto& lf : leaves) {
      const std::string k = leaf_key(lf.path);
      if (free_text_keys().count(k) || k == "zone" || looks_numeric(lf.value->scalar) ||
          !ascii_word(lf.value->scalar) || lf.value->scalar.empty())
        continue;
      w.push_back(&lf);
    }
    for (auto i : pick(w.size(), budget.word_misspellings, state)) {
      const Entry& lf = *w[i];
      const std::string& old = lf.value->scalar;
      const std::string bad = misspell(old, splitmix(state), avoid);
      file("misspelt word", lf.path, old, bad, Expect::reject,
           [&](YNode& t) { find_path(t, lf.path)->scalar = bad; });
      extends("misspelt word", lf.path, old, bad, Expect::reject,
              [&](YNode& v) { make_path(v, lf.path) = YNode::text(bad); });
      set("misspelt word", lf.path, old, YNode::text(bad), Expect::reject);
    }
  }

  // -- replace a number (with its unit) by another unit's, a negative, 0, a huge value, a
  //    non-number, nothing, a list, a mapping, a fractional year, and duplicate its key
  void values(const std::vector<Entry>& leaves) {
    std::vector<const Entry*> q;
    for (const auto& lf : leaves) {
      const std::string k = leaf_key(lf.path);
      if (free_text_keys().count(k) || !looks_numeric(lf.value->scalar)) continue;
      q.push_back(&lf);
    }
    // Stratified: up to `value_leaves` leaves of each top-level section (region, sectors, zones,
    // levers, parameters, targets, ...), so that every part of the file is mutated.
    std::map<std::string, std::vector<const Entry*>> sections;
    for (const Entry* lf : q) sections[lf->path.front()].push_back(lf);
    std::vector<const Entry*> chosen;
    for (const auto& [name, items] : sections)
      for (auto i : pick(items.size(), budget.value_leaves, state)) chosen.push_back(items[i]);
    // The leaves replayed through extends: and --set: spread over the sections too.
    std::vector<std::size_t> replayed = pick(chosen.size(), budget.extends_leaves, state);
    for (std::size_t j = 0; j < chosen.size(); ++j) {
      const Entry& lf = *chosen[j];
      const std::string& old = lf.value->scalar;
      const Unit u = split_quantity(old);
      std::string digits = u.number;
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
      struct Replacement {
        std::string kind;
        YNode value;
        Expect expect;
      };
      std::vector<Replacement> reps;
      reps.push_back({"value: another unit", YNode::text(with_unit(u.number, other_unit(u.unit))), Expect::reject});
      reps.push_back({"value: negative", YNode::text(with_unit("-" + digits, u.unit)), Expect::either});
      reps.push_back({"value: zero", YNode::text(with_unit("0", u.unit)), Expect::either});
      reps.push_back({"value: huge", YNode::text(with_unit("1e301", u.unit)), Expect::either});
      // 1e301 in the largest unit of its dimension overflows a double once converted.
      const std::string big = u.unit.find('/') != std::string::npos ? "亿元/亩"
                              : other_unit(u.unit) == "mu" && u.unit != "%" && u.unit != "percent" ? "亿元"
                              : other_unit(u.unit) == "亿元" && !u.unit.empty() && u.unit.find("tce") == std::string::npos
                                  ? "km2"
                                  : "";
      if (!big.empty() && big != u.unit)
        reps.push_back({"value: huge (largest unit)", YNode::text("1e301 " + big), Expect::either});
      reps.push_back({"value: not a number", YNode::text(with_unit("lots", u.unit)), Expect::reject});
      reps.push_back({"value: empty", YNode{}, Expect::reject});
      YNode list;
      list.kind = YNode::Kind::seq;
      list.seq = {YNode::text(old), YNode::text(old)};
      reps.push_back({"value: list", list, Expect::reject});
      YNode map = YNode::mapping();
      map.map.emplace_back("amount", YNode::text(old));
      reps.push_back({"value: mapping", map, Expect::reject});
      const std::string k = leaf_key(lf.path);
      if (k == "year" || k == "base_year" || k == "end_year")
        reps.push_back({"value: fractional year", YNode::text(u.number + ".5"), Expect::reject});
      const bool replay = std::count(replayed.begin(), replayed.end(), j) > 0;
      for (const auto& r : reps) {
        file(r.kind, lf.path, old, flow_text(r.value), r.expect, [&](YNode& t) { *find_path(t, lf.path) = r.value; });
        if (!replay) continue;
        extends(r.kind, lf.path, old, flow_text(r.value), r.expect, [&](YNode& v) { make_path(v, lf.path) = r.value; });
        set(r.kind, lf.path, old, r.value, r.expect);
      }
      // A duplicate key (only where the value belongs to a mapping).
      if (!lf.path.empty() && lf.path.back().front() != '[') {
        Path parent(lf.path.begin(), lf.path.end() - 1);
        const std::string key = lf.path.back();
        file("duplicate key", lf.path, old, old + " (twice)", Expect::reject, [&](YNode& t) {
          auto& m = find_path(t, parent)->map;
          auto it = std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == key; });
          m.insert(it + 1, {key, YNode::text(with_unit("0", u.unit))});
        });
        if (replay)
          extends("duplicate key", lf.path, old, old + " (twice)", Expect::reject, [&](YNode& v) {
            YNode& m = make_path(v, parent);
            m = YNode::mapping();
            m.map.emplace_back(key, YNode::text(old));
            m.map.emplace_back(key, YNode::text(with_unit("0", u.unit)));
          });
      }
    }
  }

  // -- a schedule's year made non-integer (2022 -> 2022.5), or given twice (2022 and 2022.0)
  void year_keys(const std::vector<Entry>& entries) {
    std::vector<const Entry*> y;
    for (const auto& en : entries)
      if (en.parent_class == MapClass::years) y.push_back(&en);
    for (auto i : pick(y.size(), budget.year_keys, state)) {
      const Entry& en = *y[i];
      const std::string year = en.path.back();
      Path parent(en.path.begin(), en.path.end() - 1);
      file("year key: fractional", en.path, year, year + ".5", Expect::reject, [&](YNode& t) {
        for (auto& e : find_path(t, parent)->map)
          if (e.first == year) e.first = year + ".5";
      });
      file("year key: written twice (Y and Y.0)", en.path, year, year + ".0", Expect::reject, [&](YNode& t) {
        auto& m = find_path(t, parent)->map;
        auto it = std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == year; });
        m.insert(it + 1, {year + ".0", *en.value});
      });
      Path half = parent;
      half.push_back(year + ".5");
      extends("year key: fractional", en.path, year, year + ".5", Expect::reject,
              [&](YNode& v) { make_path(v, half) = *en.value; });
      Path twice = parent;
      twice.push_back(year + ".0");
      extends("year key: written twice (Y and Y.0)", en.path, year, year + ".0", Expect::reject,
              [&](YNode& v) { make_path(v, twice) = *en.value; });
    }
  }
};

}  // namespace

bool is_sweep_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    return line.rfind("zonesim_sweep:", 0) == 0;
  }
  return false;
}

std::vector<Mutation> scenario_mutations(const std::string& relative, const Budget& budget) {
  Generator g(relative, budget);
  g.generate();
  return std::move(g.out);
}

std::vector<Mutation> sweep_mutations(const std::string& relative, const Budget& budget) {
  Generator g(relative, budget);
  g.generate();
  return std::move(g.out);
}

// ---- promises --------------------------------------------------------------------------------

std::string check_refusal(const Diagnostics& d, bool /*file_input*/) {
  if (d.empty()) return "refused without a diagnostic";
  for (const auto& item : d.items()) {
    const std::string text = format_diagnostic(item);
    if (item.file.empty()) return "a diagnostic names no file: " + text;
    if (item.message.empty()) return "a diagnostic has no message: " + text;
    // A value given with --set has no line; everything read from a file has one.
    if (item.file != "--set" && (item.line <= 0 || item.column <= 0))
      return "a diagnostic about a file has no line/column: " + text;
  }
  return {};
}

std::string check_scenario_finite(const Scenario& s) {
  char buf[256];
  auto bad = [&](const std::string& what, double v) {
    std::snprintf(buf, sizeof buf, "%s = %g", what.c_str(), v);
    return std::string("the scenario holds a non-finite value: ") + buf;
  };
  for (const auto& z : s.zones) {
    for (std::size_t i = 0; i < kZoneFieldCount; ++i)
      if (!std::isfinite(z.fields[i])) return bad("zones." + z.id + "." + std::string(zone_settings()[i].key), z.fields[i]);
    for (double v : z.sector_shares)
      if (!std::isfinite(v)) return bad("zones." + z.id + ".sector_shares", v);
    for (std::size_t l = 0; l < kLeverCount; ++l) {
      const std::string key = "zones." + z.id + ".levers." + std::string(lever_settings()[l].key);
      if (!std::isfinite(z.base_year_levers[l])) return bad(key + " (base year)", z.base_year_levers[l]);
      if (z.lever_overrides[l])
        for (const auto& [y, v] : z.lever_overrides[l]->points)
          if (!std::isfinite(v)) return bad(key, v);
    }
  }
  for (const auto& sec : s.sectors)
    for (std::size_t i = 0; i < kSectorFieldCount; ++i)
      if (!std::isfinite(sec.fields[i]))
        return bad("sectors." + sec.id + "." + std::string(sector_settings()[i].key), sec.fields[i]);
  for (std::size_t i = 0; i < kRegionFieldCount; ++i)
    if (!std::isfinite(s.region[i])) return bad("region." + std::string(region_settings()[i].key), s.region[i]);
  for (std::size_t l = 0; l < kLeverCount; ++l)
    for (const auto& [y, v] : s.levers[l].points)
      if (!std::isfinite(v)) return bad("levers." + std::string(lever_settings()[l].key), v);
  for (std::size_t p = 0; p < kParamCount; ++p)
    for (double v : {s.params[p].a, s.params[p].b, s.params[p].c})
      if (!std::isfinite(v)) return bad("parameters." + std::string(parameter_settings()[p].key), v);
  for (const auto& t : s.targets) {
    if (!std::isfinite(t.value)) return bad("targets." + t.id + ".value", t.value);
    if (!std::isfinite(t.cluster_threshold)) return bad("targets." + t.id + ".cluster_threshold", t.cluster_threshold);
  }
  return {};
}

std::string check_indicators(const Scenario& s, const Ensemble& e) {
  const int Z = static_cast<int>(s.zones.size());
  const double n_nat = s.region[static_cast<std::size_t>(RegionField::national_zone_count)];
  char buf[512];
  if (static_cast<int>(e.replications.size()) != s.replications) {
    std::snprintf(buf, sizeof buf, "%zu replications run, %d asked for", e.replications.size(), s.replications);
    return buf;
  }
  for (std::size_t rep = 0; rep < e.replications.size(); ++rep) {
    const ReplicationResult& r = e.replications[rep];
    for (int y = 0; y <= s.years(); ++y) {
      for (int z = 0; z <= Z; ++z) {
        const std::string zone = z == Z ? "all" : s.zones[static_cast<std::size_t>(z)].id;
        auto where = [&](Ind i, double v, const char* broke) {
          std::snprintf(buf, sizeof buf, "%s: %s = %.17g (zone %s, year %d, replication %zu)", broke,
                        std::string(indicator_info(i).key).c_str(), v, zone.c_str(), s.base_year + y, rep);
          return std::string(buf);
        };
        auto v = [&](Ind i) { return r.ind(y, z, i); };
        for (std::size_t k = 0; k < kIndicatorCount; ++k) {
          const Ind i = static_cast<Ind>(k);
          const double x = v(i);
          if (!std::isfinite(x)) return where(i, x, "not finite");
          const Dim d = indicator_info(i).dim;
          const bool signed_ok = i == Ind::skilled_net_migration || i == Ind::evaluation_index ||
                                 i == Ind::budget_balance || i == Ind::output_change_trend ||
                                 i == Ind::output_change_reallocation ||
                                 i == Ind::output_change_relocation ||
                                 i == Ind::output_change_exit_other;
          if (!signed_ok && x < 0) return where(i, x, "negative");
          if (d == Dim::share && i != Ind::rd_to_gdp && x > 1.0 + 1e-9) return where(i, x, "share above 100 %");
          (void)d;
        }
        for (int sec = 0; sec < r.sectors; ++sec)
          if (!std::isfinite(r.sec(y, z, sec))) {
            std::snprintf(buf, sizeof buf, "not finite: sector_output[%d] (zone %s, year %d, replication %zu)", sec,
                          zone.c_str(), s.base_year + y, rep);
            return buf;
          }
        for (std::size_t k = 0; k < kSpendCount; ++k)
          if (!std::isfinite(r.spend(y, z, static_cast<Spend>(k)))) {
            std::snprintf(buf, sizeof buf, "not finite: spending %s (zone %s, year %d, replication %zu)",
                          std::string(spend_infos()[k].key).c_str(), zone.c_str(), s.base_year + y, rep);
            return buf;
          }
        auto le = [&](Ind a, Ind b) {  // a <= b
          const double x = v(a), w = v(b);
          if (x <= w * (1 + 1e-9) + 1e-6) return std::string();
          std::snprintf(buf, sizeof buf, "identity broken: %s = %.17g > %s = %.17g (zone %s, year %d, replication %zu)",
                        std::string(indicator_info(a).key).c_str(), x, std::string(indicator_info(b).key).c_str(), w,
                        zone.c_str(), s.base_year + y, rep);
          return std::string(buf);
        };
        for (auto [a, b] : {std::pair{Ind::researchers, Ind::skilled_employment},
                            std::pair{Ind::skilled_employment, Ind::employment},
                            std::pair{Ind::researchers, Ind::employment},
                            std::pair{Ind::hightech_above_size_firms, Ind::above_size_firms},
                            std::pair{Ind::hightech_above_size_firms, Ind::hightech_firms},
                            std::pair{Ind::land_used, Ind::land_supplied},
                            std::pair{Ind::value_added, Ind::gross_output},
                            std::pair{Ind::projects_entered, Ind::projects_arrived}}) {
          std::string broke = le(a, b);
          if (!broke.empty()) return broke;
        }
        // `firms` is the year-end stock; the above-size and certified counts are over the firms
        // that produced in the year, which includes that year's exits and firms that moved out
        // (a known difference of definition, left to the model issue): bound them by those.
        const double producers = v(Ind::firms) + v(Ind::exits) + v(Ind::firms_moved_out);
        for (Ind counted : {Ind::above_size_firms, Ind::hightech_firms})
          if (v(counted) > producers * (1 + 1e-9) + 1e-6)
            return where(counted, v(counted), "identity broken (more than firms + exits + firms_moved_out)");
        const double supplied = v(Ind::land_used) + v(Ind::land_idle) + v(Ind::land_available);
        if (std::fabs(supplied - v(Ind::land_supplied)) > 1e-9 * std::max(1.0, supplied) + 1e-6)
          return where(Ind::land_supplied, v(Ind::land_supplied), "identity broken (used + idle + available)");
        const double rank = v(Ind::rank);
        if (rank < 1 || rank > Z || rank != std::floor(rank)) return where(Ind::rank, rank, "outside [1, zones]");
        const double nat = v(Ind::national_rank);
        if (nat < 1 || nat > n_nat || nat != std::floor(nat))
          return where(Ind::national_rank, nat, "outside [1, national_zone_count]");
        const double level = v(Ind::national_level);
        if (z < Z ? (level != 0 && level != 1) : (level < 0 || level > Z))
          return where(Ind::national_level, level, "not a 0/1 flag (or count of national zones)");
      }
    }
  }
  return {};
}

std::string Tally::summary(const std::string& title) const {
  std::ostringstream out;
  int total = 0;
  for (const auto& [k, n] : counts_) total += n;
  out << title << ": " << total << " cases\n";
  for (const auto& [k, n] : counts_) out << "  " << n << "\t" << k << "\n";
  return out.str();
}

}  // namespace zonesim::test::corpus
