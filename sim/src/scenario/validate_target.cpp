// Scenario loading, step 4 (validator.hpp): a target.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "observed.hpp"
#include "validator.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

// The kind: indicator (default), change_from_base, clusters or zones_in_top; false on an error.
bool Validator::target_kind(const Node& body, const std::string& path, TargetSpec& t) {
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
  return ok;
}

// The indicator an indicator or change_from_base target is about; false on an error.
bool Validator::target_indicator(const Node& body, const std::string& path, TargetSpec& t) {
  bool ok = true;
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
  return ok;
}

// The zone (-1: all zones); false on an error.
bool Validator::target_zone(const Node& body, const std::string& path, TargetSpec& t) {
  bool ok = true;
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
  return ok;
}

// The comparison: >, >=, <, <=; false on an error.
bool Validator::target_comparison(const Node& body, const std::string& path, TargetSpec& t) {
  bool ok = true;
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
  return ok;
}

// The value, with the dimension of the indicator (counts for cluster/top targets); read only when the rest is valid (`ok`); false on an error.
bool Validator::target_value(const Node& body, const std::string& path, TargetSpec& t, bool ok) {
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
  return ok;
}

// The year by which the target should be met; false on an error.
bool Validator::target_year(const Node& body, const std::string& path, TargetSpec& t) {
  bool ok = true;
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
  return ok;
}

// What a clusters or zones_in_top target needs besides; false on an error.
bool Validator::target_kind_settings(const Node& body, const std::string& path, TargetSpec& t) {
  bool ok = true;
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
  return ok;
}

void Validator::target(const std::string& path, const std::string& id, const Node& body) {
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
  ok = target_kind(body, path, t) && ok;
  ok = target_indicator(body, path, t) && ok;
  ok = target_zone(body, path, t) && ok;
  ok = target_comparison(body, path, t) && ok;
  ok = target_value(body, path, t, ok);
  ok = target_year(body, path, t) && ok;
  ok = target_kind_settings(body, path, t) && ok;
  if (const Node* s = body.find("source")) t.source = text_value(*s, path + ".source");
  if (const Node* s = body.find("label_en")) t.label_en = text_value(*s, path + ".label_en");
  if (const Node* s = body.find("label_zh")) t.label_zh = text_value(*s, path + ".label_zh");
  if (ok) sc.targets.push_back(std::move(t));
}

}  // namespace zonesim::detail
