// A scenario, a sweep file and a calibration file each start with their own marker key
// (`zonesim:`, `zonesim_sweep:`, `zonesim_calibrate:`). Given to the wrong command, a file gets one
// located error naming what it is and the command that runs it — not a list of every key the
// other kind does not know — exit code 2, and nothing is written.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

TEST_CASE("a file of another kind given to a command says which file it is, and nothing is written") {
  struct Case {
    const char *command, *file, *at, *message, *hint;
  };
  const Case cases[] = {
      {"run", "scenarios/demo-sweep.yaml", ":4:1", "this is a sweep file (it starts with `zonesim_sweep:`), not a scenario",
       "run it with `zonesim sweep FILE`; the scenario it varies is checked there"},
      {"run", "scenarios/backtest/etdz-calibration.yaml", ":3:1",
       "this is a calibration file (it starts with `zonesim_calibrate:`), not a scenario",
       "run it with `zonesim calibrate FILE`; the scenario it fits is checked there"},
      {"sweep", "scenarios/demo.yaml", ":3:1", "this is a scenario (it starts with `zonesim:`), not a sweep file",
       "run it with `zonesim run FILE`; a sweep file names the scenario it varies in `base:` (docs/sweeps.md)"},
      {"sweep", "scenarios/backtest/etdz-calibration.yaml", ":3:1",
       "this is a calibration file (it starts with `zonesim_calibrate:`), not a sweep file",
       "run it with `zonesim calibrate FILE`"},
      {"calibrate", "scenarios/demo.yaml", ":3:1", "this is a scenario (it starts with `zonesim:`), not a calibration file",
       "run it with `zonesim run FILE`; a calibration file names the scenario it fits in `scenario:` "
       "(docs/validation.md)"},
      {"calibrate", "scenarios/demo-sweep.yaml", ":4:1",
       "this is a sweep file (it starts with `zonesim_sweep:`), not a calibration file",
       "run it with `zonesim sweep FILE`"},
  };
  TempDir tmp;
  const std::string out = tmp.file("x.h5");
  for (const Case& c : cases) {
    const std::string file = source_path(c.file);
    auto r = run_zonesim(std::string(c.command) + " " + file + " -q -o " + out);
    INFO(c.command << " " << c.file << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(file + c.at + ": error: " + c.message + "\n    hint: " + c.hint + "\n"));
    CHECK_THAT(r.err, Catch::Contains("1 error; nothing was written."));
    CHECK_FALSE(fs::exists(out));
  }
}
