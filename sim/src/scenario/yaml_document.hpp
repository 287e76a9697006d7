// Reading one YAML document from text with located, fixable errors: tab indentation, a stray
// `,` (on which yaml-cpp 0.7's LoadAll never returns), several documents, and yaml-cpp's own
// syntax errors rephrased. Used for scenario files (loader.cpp) and sweep files (sweep_file.cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "zonesim/diagnostics.hpp"

namespace zonesim::detail {

// The document, or nothing with the errors added to `diags`. `kind` names the file in messages
// ("scenario file", "sweep file"); `split_hint` says how to keep one document per file.
std::optional<YAML::Node> load_one_document(const std::string& text, const std::string& file_name,
                                            Diagnostics& diags, const std::string& kind,
                                            const std::string& split_hint);

}  // namespace zonesim::detail
