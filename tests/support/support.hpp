// Shared helpers for the specifications: run the real zonesim binary, make temporary
// directories, read HDF5 datasets back.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "zonesim/scenario.hpp"

namespace zonesim::test {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `zonesim <args>` (args are passed to /bin/sh; quote as needed).
CommandResult run_zonesim(const std::string& args);
// Runs any shell command.
CommandResult run_command(const std::string& command);

std::string source_path(const std::string& relative);  // path inside the repository
// The whole file as bytes; empty when it cannot be read.
std::string read_file_text(const std::filesystem::path& path);

// A fresh empty directory, removed at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// Loads a scenario that must be valid; fails the test with the diagnostics otherwise.
Scenario load_valid(const std::string& path, const std::vector<std::string>& overrides = {});
Scenario load_valid_text(const std::string& text, const std::vector<std::string>& overrides = {});

// "file.yaml:line:column" of a diagnostic, with the file's name only (the path depends on the
// checkout).
inline std::string where(const Diagnostic& d) {
  return std::filesystem::path(d.file).filename().string() + ":" + std::to_string(d.line) + ":" +
         std::to_string(d.column);
}

// Reads a numeric dataset as doubles (any numeric type), with its shape.
std::vector<double> read_dataset(const std::string& file, const std::string& name,
                                 std::vector<unsigned long long>* shape = nullptr);
std::string read_string_attribute(const std::string& file, const std::string& object,
                                  const std::string& attribute);
bool dataset_exists(const std::string& file, const std::string& name);

}  // namespace zonesim::test
