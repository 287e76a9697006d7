#include "zonesim/diagnostics.hpp"

#include <algorithm>
#include <cstdio>

namespace zonesim {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += ": error: ";
  if (!d.key_path.empty()) out += d.key_path + ": ";
  out += d.message;
  if (!d.hint.empty()) out += "\n    hint: " + d.hint;
  return out;
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& d : items_) out += format_diagnostic(d) + '\n';
  return out;
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1Fu;
  else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0Fu;
  else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07u;
  else return 0;
  if (i + n >= s.size()) return 0;  // truncated
  for (std::size_t k = 1; k <= n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3Fu);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n + 1;
}

std::string valid_utf8_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string json_escape(const std::string& raw) {
  const std::string s = valid_utf8_text(raw);
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void Diagnostics::add(Diagnostic d) {
  for (std::string* text : {&d.file, &d.key_path, &d.message, &d.hint})
    if (!std::all_of(text->begin(), text->end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      *text = valid_utf8_text(*text);
  items_.push_back(std::move(d));
}

std::string Diagnostics::to_json() const {
  std::string out = "[";
  bool first = true;
  for (const auto& d : items_) {
    if (!first) out += ',';
    first = false;
    out += "{\"file\":\"" + json_escape(d.file) + "\",\"line\":" + std::to_string(d.line) +
           ",\"column\":" + std::to_string(d.column) + ",\"key_path\":\"" +
           json_escape(d.key_path) + "\",\"message\":\"" + json_escape(d.message) +
           "\",\"hint\":\"" + json_escape(d.hint) + "\"}";
  }
  return out + "]";
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Suggest only what is plausibly a misspelling: a third of the word may differ.
  std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best_d <= limit) return best;
  // A word that is a prefix/suffix of a key (e.g. "rd_subsidy" for "rd_subsidy_rate").
  for (const auto& c : candidates)
    if (word.size() >= 4 && (c.find(word) != std::string::npos)) return c;
  return {};
}

std::string unknown_name_hint(const std::string& word, const std::vector<std::string>& candidates,
                              const std::string& list_intro) {
  if (std::string near = nearest_word(word, candidates); !near.empty())
    return "did you mean \"" + near + "\"?";
  std::string hint = list_intro + ": ";
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < candidates.size() && i < kShown; ++i)
    hint += (i ? ", " : "") + candidates[i];
  if (candidates.size() > kShown) hint += ", ... (see `zonesim levers`)";
  return hint;
}

}  // namespace zonesim
