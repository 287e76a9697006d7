// HDF5 output (layout v1, docs/output.md) written atomically: a temporary file beside the
// target is renamed over it only when complete.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "zonesim/engine.hpp"

namespace zonesim {

inline constexpr int kFormatVersion = 1;

struct Provenance {
  std::string command_line;
  std::string started_at, finished_at;  // ISO 8601 UTC
  int threads = 1;
  int ranks = 1;
};

struct WriteOptions {
  bool force = false;                      // overwrite an existing file
  const std::atomic<bool>* cancel = nullptr;  // abandon (and remove the temporary file) when set
};

// The unit a result file states for a dimension: "count" for counts, "1" for none, else the
// display unit (hdf5_writer.cpp; also the sweep store and the Python module).
std::string dim_unit_text(Dim d);

struct ReachResult;  // zonesim/reach.hpp

// Returns an empty string on success, otherwise a message for the user (nothing is left behind).
// `reach` (zonesim run --reach) is stored as /reach when given.
std::string write_run_file(const std::string& path, const Scenario& s, const Ensemble& e,
                           const std::vector<TargetResult>& targets, const Provenance& prov,
                           const WriteOptions& options, const ReachResult* reach = nullptr);

// Checks before a run starts that the output can be written (exists without --force, missing or
// read-only directory, anything but a regular file in the way). Returns an empty string when fine.
std::string check_output_path(const std::string& path, bool force);
// `out/`, the default output directory, is created when an output file is to go there (the
// documented commands write out/NAME.h5 from a fresh checkout); other directories must exist.
void create_default_output_dir(const std::string& path);
// A message when something other than a regular file (a FIFO, a device, a directory, a socket)
// is at `path`: outputs only ever replace regular files. Empty when nothing or a regular file is
// there.
std::string not_a_regular_file(const std::string& path);

// JSON text of the fully resolved scenario (every lever, parameter and zone value, canonical
// units), stored in the file and served by the web API.
std::string resolved_scenario_json(const Scenario& s);

std::string iso_time_now();
std::string zonesim_version();
std::string zonesim_git_revision();

}  // namespace zonesim
