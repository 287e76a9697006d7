// Reading input files with a bounded size, and one YAML document from text with located, fixable errors: tab indentation, a stray
// `,` (on which yaml-cpp 0.7's LoadAll never returns), several documents, and yaml-cpp's own
// syntax errors rephrased. Used for scenario files (loader.cpp) and sweep files (sweep_file.cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>

#include "zonesim/diagnostics.hpp"

namespace zonesim::detail {

// Input files (scenario files, the files they extend, sweep files) are read whole; a device
// (/dev/zero), a pipe or a mistaken huge file would otherwise be read until memory runs out.
inline constexpr std::size_t kMaxInputFileBytes = 16u << 20;  // 16 MiB; scenarios are ~50 KiB

struct InputFile {
  enum class Status { ok, cannot_open, not_regular, too_large, binary };
  Status status = Status::ok;
  std::string text;     // the contents when ok
  std::string problem;  // otherwise what is wrong, e.g. "it is a directory, not a file"
  std::string hint;     // for a binary file: what to do with it instead (may be empty)
};
// Reads `path` if it is a regular file (after symlinks) of at most kMaxInputFileBytes and text:
// an HDF5 file (a zonesim result given where YAML is expected), another known binary format or
// a file with NUL bytes is `binary`, with what it is and, for results, what to run instead.
InputFile read_input_file(const std::string& path);

// The document, or nothing with the errors added to `diags`. `kind` names the file in messages
// ("scenario file", "sweep file"); `split_hint` says how to keep one document per file.
std::optional<YAML::Node> load_one_document(const std::string& text, const std::string& file_name,
                                            Diagnostics& diags, const std::string& kind,
                                            const std::string& split_hint);

// The input files' kinds, told apart by their marker key: `zonesim` (a scenario), `zonesim_sweep`,
// `zonesim_calibrate`.
enum class FileKind { scenario, sweep, calibration };
// When the mapping `root` carries another kind's marker and not `expected`'s: one located error
// naming the kind the file is and the command that runs it, added to `diags`, and true. (The
// scenario loader reads its own tree, validate.cpp, and says the same of sweep and calibration
// files.)
bool wrong_file_kind(const YAML::Node& root, FileKind expected, const std::string& file_name, Diagnostics& diags);

}  // namespace zonesim::detail
