// Specifications of the output files of `run`, `sweep` and `optimize` when the disk is full or
// something other than a regular file is in the way: the real binary, as a user would run it.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "support.hpp"

using namespace zonesim::test;
namespace fs = std::filesystem;

namespace {

const std::string kDemo = "scenarios/demo.yaml";
const std::string kDemoSweep = "scenarios/demo-sweep.yaml";

// Runs zonesim with a file-size limit of `kib` KiB: a full disk, reproducibly (writes past the
// limit fail with EFBIG once SIGXFSZ is ignored). /bin/sh's `ulimit -f` counts 512-byte blocks.
CommandResult run_with_file_limit(int kib, const std::string& args) {
  return run_command("trap '' XFSZ; ulimit -f " + std::to_string(2 * kib) + "; exec '" + ZONESIM_BINARY + "' " +
                     args);
}

std::set<std::string> names_in(const TempDir& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) out.insert(e.path().filename().string());
  return out;
}

std::string make_fifo(const TempDir& dir, const std::string& name) {
  const std::string p = dir.file(name);
  REQUIRE(::mkfifo(p.c_str(), 0644) == 0);
  return p;
}

}  // namespace

TEST_CASE("a run on a full disk fails with exit 1 and the reason, leaves no file and does not crash") {
  TempDir tmp;
  // 20 replications of the demo make a file of a few hundred KiB; 100 KiB fit on the "disk".
  auto r = run_with_file_limit(100, "run " + kDemo + " -r 20 -q -o " + tmp.file("x.h5"));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // not 139 (SIGSEGV in HDF5's shutdown)
  CHECK_THAT(r.err, Catch::Contains("zonesim run: writing " + tmp.file("x.h5") + " failed: HDF5:"));
  CHECK_THAT(r.err, Catch::Contains("(is the disk full or the directory read-only?)"));
  CHECK(names_in(tmp).empty());  // neither x.h5 nor its temporary
}

TEST_CASE("a sweep that cannot start its output on a full disk fails with exit 1 and leaves nothing") {
  TempDir tmp;
  auto r = run_with_file_limit(1, "sweep " + kDemoSweep + " -q -o " + tmp.file("x.h5"));
  INFO(r.err);
  CHECK(r.exit_code == 1);  // a failure, not bad input, and no crash
  CHECK_THAT(r.err, Catch::Contains("zonesim sweep: cannot start the sweep output: HDF5:"));
  CHECK_THAT(r.err, Catch::Contains("(is the disk full or the directory read-only?)"));
  CHECK(names_in(tmp).empty());  // no partial file, no empty journal
}

TEST_CASE("a sweep whose disk fills up at the end keeps only its journal and resumes once there is room") {
  TempDir tmp;
  const std::string out = tmp.file("x.h5");
  // The points and the journal fit in 60 KiB; the finished file (sensitivity, discovery) does not.
  auto r = run_with_file_limit(60, "sweep " + kDemoSweep + " -q -o " + out);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("zonesim sweep: writing " + out + " failed: HDF5:"));
  CHECK_THAT(r.err, Catch::Contains("(is the disk full or the directory read-only?)"));
  CHECK_THAT(r.err, Catch::Contains("the 40 finished points are kept in " + out + ".journal"));
  CHECK_THAT(r.err, Catch::Contains("-o " + out + " --resume"));
  CHECK(names_in(tmp) == std::set<std::string>{"x.h5.journal"});  // no partial file left behind

  auto resumed = run_zonesim("sweep " + kDemoSweep + " -q -o " + out + " --resume");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(names_in(tmp) == std::set<std::string>{"x.h5"});
  CHECK(read_dataset(out, "points/done") == std::vector<double>(40, 1.0));
}

TEST_CASE("run -o onto a FIFO is refused with exit 2 even with --force, and the FIFO is left alone") {
  TempDir tmp;
  const std::string fifo = make_fifo(tmp, "pipe.h5");
  for (const char* force : {"", " --force"}) {
    INFO(force);
    auto r = run_zonesim("run " + kDemo + " -q -r 2 -o " + fifo + force);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("zonesim run: output path " + fifo +
                                      " is a FIFO (named pipe), not a regular file; give a file name such as "
                                      "out/run.h5 (only a regular file is ever replaced, even with --force)"));
    CHECK(fs::is_fifo(fifo));
  }
  CHECK(names_in(tmp) == std::set<std::string>{"pipe.h5"});
}

TEST_CASE("sweep and optimize refuse a FIFO as output, journal or partial file with exit 2") {
  TempDir tmp;
  const std::string out = tmp.file("x.h5");
  for (const std::string command : {"sweep", "optimize"}) {
    for (const std::string in_the_way : {"x.h5", "x.h5.journal", "x.h5.partial.h5"}) {
      INFO(command << " with a FIFO at " << in_the_way);
      const std::string fifo = make_fifo(tmp, in_the_way);
      // `timeout`: opening a FIFO for writing blocks until a reader comes, i.e. for ever.
      auto r = run_command("timeout 60 '" + std::string(ZONESIM_BINARY) + "' " + command + " " + kDemoSweep +
                           " -q --force -o " + out);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains("zonesim " + command + ": output path " + fifo +
                                        " is a FIFO (named pipe), not a regular file"));
      CHECK(fs::is_fifo(fifo));
      CHECK(names_in(tmp) == std::set<std::string>{in_the_way});
      fs::remove(fifo);
    }
  }
}
