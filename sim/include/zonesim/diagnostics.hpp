// User errors as values: each names where it is, what is wrong and what would be valid.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zonesim {

struct Diagnostic {
  std::string file;      // path as given by the user, or "--set" for command-line overrides
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // e.g. "levers.rd_subsidy_rate" or "zones.yingde.base_output"
  std::string message;   // what is wrong, including the offending value
  std::string hint;      // what is valid / the nearest valid key; may be empty
};

class Diagnostics {
 public:
  // Messages may quote a user's bytes (or yaml-cpp's one byte of a character): kept valid UTF-8.
  void add(Diagnostic d);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  Diagnostic& back() { return items_.back(); }
  void append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  }
  // "file:line:col: error: key.path: message\n    hint: ...", one per diagnostic.
  std::string format() const;
  // A JSON array of {file,line,column,key_path,message,hint} objects.
  std::string to_json() const;

 private:
  std::vector<Diagnostic> items_;
};

std::string format_diagnostic(const Diagnostic& d);
// A JSON string's contents: quotes, backslashes and control characters escaped, and each byte
// that does not begin a valid UTF-8 sequence written as U+FFFD, so the JSON is always UTF-8 (a
// message may quote a user's bytes, or yaml-cpp's one byte of a character).
std::string json_escape(const std::string& s);
// The length of the valid UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF) that
// starts at s[i], or 0 when none does.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);
// `s` with each byte that does not begin a valid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8_text(std::string_view s);

// Nearest candidate by edit distance, or empty when nothing is close enough to suggest.
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

// The hint for an unknown name (a misspelt key, zone, sector ...): `did you mean "x"?` when a
// candidate is close, otherwise `<list_intro>: a, b, c` (at most 20 names shown). Scenario
// files, --set, variants and sweep files all say it this way.
std::string unknown_name_hint(const std::string& word, const std::vector<std::string>& candidates,
                              const std::string& list_intro);

}  // namespace zonesim
