// JSON text of the API: writing (the server writes its JSON by hand) and reading request bodies.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zonesim::serve {

std::string jstr(std::string_view s);  // a quoted, escaped JSON string
std::string jnum(double v);            // a JSON number (null for NaN, +-1e308 for infinities)

struct JsonMember;

// A parsed JSON value, with the type it was written as.
struct JsonValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  std::string text;  // string: decoded (UTF-8); number: as written; boolean: "true" or "false"
  std::vector<JsonValue> items;                             // array
  std::vector<JsonMember> members;  // object, in the order written
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

const char* json_type_name(JsonValue::Type t);  // "a string", "an object", ...

struct JsonError {
  int line = 0, column = 0;  // 1-based (columns count bytes)
  std::string message;       // "expected ':' after an object key", ...
};

// Strict RFC 8259 JSON of well-formed UTF-8 text: one value, whitespace around it. Arrays and
// objects may nest at most `max_depth` deep (the parser recurses once per level: the limit
// bounds its stack). Lone surrogates in \u escapes are errors.
std::optional<JsonValue> parse_json(std::string_view text, std::size_t max_depth, JsonError& error);

}  // namespace zonesim::serve
