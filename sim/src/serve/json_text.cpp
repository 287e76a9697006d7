#include "json_text.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "zonesim/diagnostics.hpp"

namespace zonesim::serve {

std::string jstr(std::string_view s) { return "\"" + json_escape(std::string(s)) + "\""; }

std::string jnum(double v) {
  if (std::isnan(v)) return "null";
  if (std::isinf(v)) return v > 0 ? "1e308" : "-1e308";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

const char* json_type_name(JsonValue::Type t) {
  switch (t) {
    case JsonValue::Type::null: return "null";
    case JsonValue::Type::boolean: return "a boolean";
    case JsonValue::Type::number: return "a number";
    case JsonValue::Type::string: return "a string";
    case JsonValue::Type::array: return "an array";
    case JsonValue::Type::object: return "an object";
  }
  return "?";
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, std::size_t max_depth, JsonError& error)
      : s_(text), max_depth_(max_depth), error_(error) {}

  std::optional<JsonValue> document() {
    JsonValue v;
    skip_space();
    if (!value(v, 0)) return std::nullopt;
    skip_space();
    if (i_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

 private:
  std::nullopt_t fail(const std::string& message) {
    if (error_.message.empty()) {
      int line = 1, column = 1;
      for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) {
        if (s_[k] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      error_ = {line, column, message};
    }
    return std::nullopt;
  }
  bool failed(const std::string& message) {
    fail(message);
    return false;
  }

  // A byte as a message may show it: printable ASCII in backquotes, else what it is (one byte of
  // a multi-byte character alone would not be UTF-8).
  static std::string shown(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return "a control character";
    if (u >= 0x80) return "a non-ASCII character";
    return "`" + std::string(1, c) + "`";
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }

  bool value(JsonValue& v, std::size_t depth) {
    if (i_ >= s_.size()) return failed("the text ends where a value was expected");
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      if (depth + 1 > max_depth_)
        return failed("arrays or objects nest more than " + std::to_string(max_depth_) + " deep");
      return c == '{' ? object(v, depth + 1) : array(v, depth + 1);
    }
    if (c == '"') {
      v.type = JsonValue::Type::string;
      return string(v.text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(v);
    for (const char* word : {"true", "false", "null"}) {
      const std::string_view w(word);
      if (s_.substr(i_, w.size()) == w) {
        i_ += w.size();
        v.type = w == "null" ? JsonValue::Type::null : JsonValue::Type::boolean;
        if (v.type == JsonValue::Type::boolean) v.text = word;
        return true;
      }
    }
    return failed("unexpected " + shown(c) + " where a value was expected");
  }

  bool object(JsonValue& v, std::size_t depth) {
    v.type = JsonValue::Type::object;
    ++i_;  // {
    skip_space();
    if (at('}')) {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      if (!at('"')) return failed("expected a key in double quotes");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (!at(':')) return failed("expected ':' after an object key");
      ++i_;
      skip_space();
      JsonValue member;
      if (!value(member, depth)) return false;
      v.members.push_back({std::move(key), std::move(member)});
      skip_space();
      if (at(',')) {
        ++i_;
        continue;
      }
      if (at('}')) {
        ++i_;
        return true;
      }
      return failed("expected ',' or '}' in an object");
    }
  }

  bool array(JsonValue& v, std::size_t depth) {
    v.type = JsonValue::Type::array;
    ++i_;  // [
    skip_space();
    if (at(']')) {
      ++i_;
      return true;
    }
    for (;;) {
      skip_space();
      JsonValue item;
      if (!value(item, depth)) return false;
      v.items.push_back(std::move(item));
      skip_space();
      if (at(',')) {
        ++i_;
        continue;
      }
      if (at(']')) {
        ++i_;
        return true;
      }
      return failed("expected ',' or ']' in an array");
    }
  }

  bool digits() {
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }

  bool number(JsonValue& v) {
    const std::size_t start = i_;
    if (at('-')) ++i_;
    if (at('0')) {
      ++i_;
    } else if (!digits()) {
      return failed("expected digits in a number");
    }
    if (at('.')) {
      ++i_;
      if (!digits()) return failed("expected digits after '.' in a number");
    }
    if (at('e') || at('E')) {
      ++i_;
      if (at('+') || at('-')) ++i_;
      if (!digits()) return failed("expected digits in a number's exponent");
    }
    v.type = JsonValue::Type::number;
    v.text = std::string(s_.substr(start, i_ - start));
    return true;
  }

  bool hex4(std::uint32_t& cp) {
    if (i_ + 4 > s_.size()) return failed("expected four hexadecimal digits after \\u");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return failed("expected four hexadecimal digits after \\u");
      cp = cp * 16 + static_cast<std::uint32_t>(d);
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool string(std::string& out) {
    ++i_;  // "
    for (;;) {
      if (i_ >= s_.size()) return failed("a string is not closed");
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return failed("a control character in a string (write it as \\n, \\t or \\u00XX)");
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      ++i_;
      if (i_ >= s_.size()) return failed("a string is not closed");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return failed("a \\u escape is a lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (s_.substr(i_, 2) != "\\u") return failed("a \\u escape is a high surrogate without its low surrogate");
            i_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return failed("a \\u escape is a high surrogate without its low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --i_;
          return failed("a backslash before " + shown(e) + " is not an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX are)");
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t max_depth_;
  JsonError& error_;
};

}  // namespace

std::optional<JsonValue> parse_json(std::string_view text, std::size_t max_depth, JsonError& error) {
  error = {};
  return Parser(text, max_depth, error).document();
}

}  // namespace zonesim::serve
