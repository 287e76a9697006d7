// `zonesim sweep` and `zonesim optimize`: design points x replications in parallel (TBB on one
// machine; under mpirun, rank 0 hands out points to every rank and writes the one file), streamed
// to HDF5 with a journal for --resume, then sensitivity, policy search and discovery.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "commands.hpp"
#include "zonesim/output.hpp"
#include "zonesim/sweep.hpp"

#ifdef ZONESIM_HAVE_MPI
#include <mpi.h>
#endif

namespace zonesim::cli {
namespace {

using namespace zonesim::sweep;

struct Work {
  int point;
  std::vector<double> unit;
};
struct Result {
  int point;
  std::vector<double> unit, rows;
};
using Sink = std::function<void(Result&&)>;

// Hands out work to local threads and remote ranks alike: dynamic load balancing.
class Dispatcher {
 public:
  explicit Dispatcher(const std::vector<Work>& w) : work_(w) {}
  std::optional<Work> take() {
    std::lock_guard<std::mutex> l(m_);
    if (stopped_ || next_ >= work_.size()) return std::nullopt;
    return work_[next_++];
  }
  void stop() {
    std::lock_guard<std::mutex> l(m_);
    stopped_ = true;
  }

 private:
  std::mutex m_;
  const std::vector<Work>& work_;
  std::size_t next_ = 0;
  bool stopped_ = false;
};

// Points computed on this process's threads; results queued for the main thread, which alone
// writes the file (and alone talks MPI).
class LocalCompute {
 public:
  LocalCompute(const SweepSpec& s, int threads, BaseYearCache* base_years, Dispatcher& d)
      : s_(s), threads_(threads), base_years_(base_years), d_(d) {
    thread_ = std::thread([this] { body(); });
  }
  ~LocalCompute() {
    if (thread_.joinable()) thread_.join();
  }
  // Waits up to `ms` for results; returns those available.
  std::deque<Result> wait(int ms) {
    std::unique_lock<std::mutex> l(m_);
    if (queue_.empty() && !finished_) cv_.wait_for(l, std::chrono::milliseconds(ms));
    std::deque<Result> out;
    out.swap(queue_);
    return out;
  }
  bool finished() {
    std::lock_guard<std::mutex> l(m_);
    return finished_ && queue_.empty();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void body() {
    try {
      tbb::task_arena arena(threads_);
      arena.execute([&] {
        tbb::parallel_for(0, threads_, [&](int) {
          while (auto w = d_.take()) {
            if (error_) break;
            std::vector<double> rows;
            try {
              rows = evaluate_point(s_, w->unit, 0, base_years_);
            } catch (...) {
              std::lock_guard<std::mutex> l(m_);
              if (!error_) error_ = std::current_exception();
              d_.stop();
              break;
            }
            std::lock_guard<std::mutex> l(m_);
            queue_.push_back({w->point, std::move(w->unit), std::move(rows)});
            cv_.notify_one();
          }
        });
      });
    } catch (...) {
      std::lock_guard<std::mutex> l(m_);
      if (!error_) error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> l(m_);
    finished_ = true;
    cv_.notify_one();
  }
  const SweepSpec& s_;
  int threads_;
  BaseYearCache* base_years_;
  Dispatcher& d_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Result> queue_;
  bool finished_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// ---- MPI (optional at build time) ------------------------------------------------------------

enum Tag { kTagWork = 1, kTagStop = 2, kTagResult = 3, kTagError = 4 };

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

struct Mpi {
  int rank = 0, size = 1;
  bool active = false;
#ifdef ZONESIM_HAVE_MPI
  std::vector<int> busy;  // per worker rank: 1 while it holds a point
  void init() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    active = true;
    busy.assign(static_cast<std::size_t>(size), 0);
  }
  void finalize() {
    if (active) MPI_Finalize();
  }
  void send_work(int to, const Work& w) {
    std::vector<double> msg;
    msg.push_back(w.point);
    msg.insert(msg.end(), w.unit.begin(), w.unit.end());
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, to, kTagWork, MPI_COMM_WORLD);
    busy[to] = 1;
  }
  void stop_workers() {
    for (int r = 1; r < size; ++r) MPI_Send(nullptr, 0, MPI_DOUBLE, r, kTagStop, MPI_COMM_WORLD);
  }
  // Receives every result that has arrived; hands out the next point to each sender.
  void poll(Dispatcher& d, int k, const Sink& sink) {
    while (true) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      if (!flag) return;
      if (st.MPI_TAG == kTagError) {
        int n = 0;
        MPI_Get_count(&st, MPI_CHAR, &n);
        std::string msg(static_cast<std::size_t>(n), '\0');
        MPI_Recv(msg.data(), n, MPI_CHAR, st.MPI_SOURCE, kTagError, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        throw std::runtime_error("rank " + std::to_string(st.MPI_SOURCE) + ": " + msg);
      }
      int n = 0;
      MPI_Get_count(&st, MPI_DOUBLE, &n);
      std::vector<double> msg(static_cast<std::size_t>(n));
      MPI_Recv(msg.data(), n, MPI_DOUBLE, st.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      busy[st.MPI_SOURCE] = 0;
      Result r;
      r.point = static_cast<int>(msg[0]);
      r.unit.assign(msg.begin() + 1, msg.begin() + 1 + k);
      r.rows.assign(msg.begin() + 1 + k, msg.end());
      if (auto w = d.take()) send_work(st.MPI_SOURCE, *w);
      sink(std::move(r));
    }
  }
  bool any_busy() const {
    for (int b : busy)
      if (b) return true;
    return false;
  }
  // Ranks > 0: run points until told to stop.
  int worker_loop(const SweepSpec& s, int threads, BaseYearCache* base_years) {
    const int k = static_cast<int>(s.factors.size());
    while (true) {
      MPI_Status st;
      MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      int n = 0;
      MPI_Get_count(&st, MPI_DOUBLE, &n);
      std::vector<double> msg(static_cast<std::size_t>(std::max(n, 1)));
      MPI_Recv(msg.data(), n, MPI_DOUBLE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (st.MPI_TAG == kTagStop) return kOk;
      std::vector<double> unit(msg.begin() + 1, msg.begin() + 1 + k);
      try {
        std::vector<double> rows = evaluate_point(s, unit, threads, base_years);
        std::vector<double> out;
        out.reserve(1 + unit.size() + rows.size());
        out.push_back(msg[0]);
        out.insert(out.end(), unit.begin(), unit.end());
        out.insert(out.end(), rows.begin(), rows.end());
        MPI_Send(out.data(), static_cast<int>(out.size()), MPI_DOUBLE, 0, kTagResult, MPI_COMM_WORLD);
      } catch (const std::exception& e) {
        std::string m = e.what();
        MPI_Send(m.data(), static_cast<int>(m.size()), MPI_CHAR, 0, kTagError, MPI_COMM_WORLD);
      }
    }
  }
#else
  void init() {}
  void finalize() {}
  void stop_workers() {}
  void poll(Dispatcher&, int, const Sink&) {}
  bool any_busy() const { return false; }
  void send_work(int, const Work&) {}
  int worker_loop(const SweepSpec&, int, BaseYearCache*) { return kOk; }
#endif
};

// Runs `work`, handing each result to `sink` on this (the main) thread. Returns false when
// interrupted (finished points are still delivered).
bool run_work(const SweepSpec& s, const std::vector<Work>& work, int threads, BaseYearCache* base_years, Mpi& mpi,
              const Sink& sink) {
  if (work.empty()) return true;
  Dispatcher d(work);
  // Remote ranks first get one point each.
  for (int r = 1; mpi.active && r < mpi.size; ++r)
    if (auto w = d.take()) mpi.send_work(r, *w);
  LocalCompute local(s, threads, base_years, d);
  bool cancelled = false;
  const int k = static_cast<int>(s.factors.size());
  try {
    while (true) {
      for (auto& r : local.wait(mpi.active ? 2 : 200)) sink(std::move(r));
      if (mpi.active) mpi.poll(d, k, sink);
      if (g_cancel.load() && !cancelled) {
        cancelled = true;
        d.stop();
      }
      if (local.finished() && !mpi.any_busy()) break;
    }
  } catch (...) {
    d.stop();
    local.join();
    throw;
  }
  for (auto& r : local.wait(0)) sink(std::move(r));
  local.join();
  return !cancelled;
}

class ProgressBar {
 public:
  ProgressBar(bool on, int total, int already) : on_(on), total_(total), start_done_(already), done_(already) {}
  void step() {
    ++done_;
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (done_ < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double el = std::chrono::duration<double>(now - t0_).count();
    const int fresh = done_ - start_done_;
    const double eta = fresh > 0 ? el * (total_ - done_) / fresh : 0;
    const int width = 30, filled = total_ ? width * done_ / total_ : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d points, %.1f s, ETA %.1f s ", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done_, total_, el, eta);
    if (done_ == total_) std::fprintf(stderr, "\n");
  }
  void end() {
    if (on_ && done_ < total_) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  int total_, start_done_, done_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now(), last_{};
};

enum class Mode { sweep, optimize, calibrate };

const char* command_name(Mode mode) {
  return mode == Mode::calibrate ? "calibrate" : mode == Mode::optimize ? "optimize" : "sweep";
}

po::options_description sweep_options(Mode mode) {
  po::options_description opts(
      mode == Mode::calibrate
          ? "zonesim calibrate CALIB.yaml -o OUT.h5 [options]\n\nFits the uncertain behavioural parameters of a scenario to its observed series by\napproximate Bayesian computation (rejection); the proposals run as a sweep (threads,\nmpirun, --resume). A scenario uses the result with parameters: {from_posterior: OUT.h5}.\nSee docs/validation.md.\n\nOptions"
      : mode == Mode::optimize
          ? "zonesim optimize SWEEP.yaml -o OUT.h5 [options]\n\nPolicy search: finds the cheapest lever settings (budget cost) that meet every target\nwith probability >= p, and the cost-probability frontier (docs/sweeps.md).\n\nOptions"
          : "zonesim sweep SWEEP.yaml -o OUT.h5 [options]\n\nRuns a design of scenarios (grid, lhs, sobol, morris, optimize) made from a base scenario;\nunder `mpirun -np N` the points are shared among ranks. See docs/sweeps.md.\n\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "output file (default: out/<sweep name>.h5)")
      ("threads,t", po::value<int>()->default_value(0), "worker threads per process (0: all cores); results do not depend on it")
      ("resume", "continue an interrupted sweep from its journal (<out>.journal)")
      ("force,f", "overwrite the output file and discard an interrupted sweep's journal")
      ("validate", "check the sweep file and print the design size, then exit")
      ("proposals", po::value<int>(), "calibrate: number of ABC proposals (overrides the calibration file)")
      ("quiet,q", "no progress display");
  return opts;
}

void print_sweep_help(Mode mode, const po::options_description& opts) {
  if (mode == Mode::calibrate)
    std::cout << opts << "\nExamples:\n  zonesim calibrate scenarios/backtest/hightech-calibration.yaml -o out/hightech-posterior.h5\n"
                         "  mpirun -np 2 zonesim calibrate scenarios/backtest/hightech-calibration.yaml -o out/hightech-posterior.h5 --threads 1\n";
  else if (mode == Mode::optimize)
    std::cout << opts << "\nExamples:\n  zonesim optimize scenarios/qingyuan-sobol.yaml -o out/optimize.h5\n"
                         "  mpirun -np 4 zonesim optimize scenarios/qingyuan-sobol.yaml -o out/optimize.h5 --threads 1\n"
                         "  zonesim optimize scenarios/demo-sweep.yaml --validate\n";
  else
    std::cout << opts << "\nExamples:\n  zonesim sweep scenarios/demo-sweep.yaml -o out/demo-sweep.h5\n"
                         "  mpirun -np 4 zonesim sweep scenarios/qingyuan-sobol.yaml -o out/sobol.h5 --threads 1\n";
}

// Joins the ranks when started by mpirun. False when this build cannot (reported).
bool start_mpi(Mpi& mpi, const char* name) {
  if (!launched_by_mpirun()) return true;
#ifdef ZONESIM_HAVE_MPI
  (void)name;
  mpi.init();
#else
  (void)mpi;
  const char* sz = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (sz && std::atoi(sz) > 1) {
    std::cerr << "zonesim " << name << ": this zonesim was built without MPI (ZONESIM_WITH_MPI=OFF); "
              << "run it without mpirun\n";
    return false;
  }
#endif
  return true;
}

// The sweep file, or for `zonesim calibrate` the calibration file, whose proposals are a sweep.
SweepLoadResult load_sweep_input(const std::string& path, bool calibrate, CalibrationLoadResult& calibration) {
  SweepLoadResult loaded;
  if (calibrate) {
    calibration = load_calibration_file(path);
    if (calibration.spec) loaded.spec = calibration.spec->sweep;
    loaded.diagnostics = calibration.diagnostics;
  } else {
    loaded = load_sweep_file(path);
  }
  return loaded;
}

// Rank 0's part of a sweep (the only process without mpirun): opens the store, hands out the
// points, writes what comes back, then the analysis.
class SweepRun {
 public:
  SweepRun(Mode mode, const po::variables_map& vm, SweepSpec& s, CalibrationLoadResult& calibration, SweepPlan& plan,
           Mpi& mpi, int threads, BaseYearCache* base_years)
      : mode_(mode), name_(command_name(mode)), vm_(vm), s_(s), calibration_(calibration), plan_(plan), mpi_(mpi),
        threads_(threads), base_years_(base_years) {}

  int run() {
    out_ = vm_.count("output") ? vm_["output"].as<std::string>() : "out/" + s_.name + ".h5";
    create_default_output_dir(out_);
    if (int rc = open_store(); rc != kOk) return rc;
    install_signal_handlers();
    auto t0 = std::chrono::steady_clock::now();
    bool complete = true;
    if (int rc = run_points(complete); rc != kOk) return rc;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!complete) {
      std::cerr << "zonesim " << name_ << ": interrupted after " << store_->done_points() << " of " << P()
                << " points (kept in " << store_->journal_path() << "); continue with:\n  zonesim " << name_ << " "
                << s_.file << " -o " << out_ << " --resume\n";
      return kRunFailed;
    }
    std::string report;
    if (int rc = finish(report); rc != kOk) return rc;
    print_summary(seconds, report);
    return kOk;
  }

 private:
  bool calibrate() const { return mode_ == Mode::calibrate; }
  int P() const { return plan_.total_points(); }

  // Every point's design row and rows, also those replayed from the journal on resume.
  void keep(int p, const std::vector<double>& unit, const std::vector<double>& rows) {
    if (!calibrate()) return;
    if (point_units_.empty()) {
      point_units_.resize(static_cast<std::size_t>(s_.points));
      point_rows_.resize(static_cast<std::size_t>(s_.points));
    }
    point_units_[static_cast<std::size_t>(p)] = unit;
    point_rows_[static_cast<std::size_t>(p)] = rows;
  }

  int open_store() {
    so_.resume = vm_.count("resume") > 0;
    so_.force = vm_.count("force") > 0;
    so_.threads = threads_;
    so_.ranks = mpi_.size;
    so_.command_line = g_command_line;
    started_ = iso_time_now();
    SweepStore::OpenError error;
    store_ = SweepStore::open(out_, s_, P(), so_, error, [&](int p, const auto& unit, const auto& rows) {
      plan_.record(p, unit, rows);
      keep(p, unit, rows);
    });
    if (!store_) {
      std::cerr << "zonesim " << name_ << ": " << error.message << "\n";
      mpi_.stop_workers();
      return error.bad_input ? kBadInput : kRunFailed;
    }
    resumed_ = store_->done_points();
    if (so_.resume && resumed_ > 0 && !vm_.count("quiet"))
      std::cerr << "resuming: " << resumed_ << " of " << P() << " points already done\n";
    return kOk;
  }

  // After a failed write (a full disk) the finished points are in the journal.
  void print_resume_hint() {
    const int done = store_->done_points();
    std::cerr << "the " << done << (done == 1 ? " finished point is" : " finished points are") << " kept in "
              << store_->journal_path() << "; make room and continue with:\n  zonesim " << name_ << " " << s_.file
              << " -o " << out_ << " --resume\n";
  }

  // Runs the points not yet done; `complete` is false when interrupted.
  int run_points(bool& complete) {
    ProgressBar bar(!vm_.count("quiet") && isatty(STDERR_FILENO), P(), resumed_);
    Sink sink = [&](Result&& r) {
      store_->write_point(r.point, r.unit, r.rows);
      plan_.record(r.point, r.unit, r.rows);
      keep(r.point, r.unit, r.rows);
      runs_ += s_.replications;
      bar.step();
    };
    try {
      auto pending = [&](int first, const Matrix& pts) {
        std::vector<Work> w;
        for (int j = 0; j < static_cast<int>(pts.size()); ++j)
          if (!store_->done(first + j)) w.push_back({first + j, pts[j]});
        return w;
      };
      complete = plan_.run(*store_, [&](int first, const Matrix& pts) {
        return run_work(s_, pending(first, pts), threads_, base_years_, mpi_, sink);
      });
    } catch (const std::exception& e) {
      bar.end();
      std::cerr << "zonesim " << name_ << ": " << e.what() << "\n";
      if (store_->failed()) print_resume_hint();
#ifdef ZONESIM_HAVE_MPI
      if (mpi_.active) MPI_Abort(MPI_COMM_WORLD, kRunFailed);
#endif
      return kRunFailed;
    }
    mpi_.stop_workers();
    bar.end();
    return kOk;
  }

  // The analysis (or for calibrate the posterior) into the file, which is then renamed into place.
  int finish(std::string& report) {
    try {
      std::function<void(std::int64_t)> extra;
      if (calibrate())
        extra = [&](std::int64_t file) {
          const AbcResult abc = abc_rejection(*calibration_.spec, point_units_, point_rows_);
          write_calibration_group(file, *calibration_.spec, abc);
          report += format_posterior(*calibration_.spec, abc) + "\n";
        };
      std::string analysis = store_->finish(started_, extra);
      report = calibrate() ? report : analysis;
    } catch (const std::exception& e) {
      std::cerr << "zonesim " << name_ << ": writing " << out_ << " failed: " << e.what() << "\n";
      if (store_->failed()) print_resume_hint();
      return kRunFailed;
    }
    return kOk;
  }

  void print_summary(double seconds, const std::string& report) {
    const int k = static_cast<int>(s_.factors.size());
    if (calibrate())
      std::cout << "zonesim " << zonesim_version() << ": calibration " << s_.name << " of " << s_.base.name
                << ", ABC rejection, " << k << " parameters, " << P() << " proposals x " << s_.replications
                << " replications, seed " << s_.seed << "\n";
    else
      std::cout << "zonesim " << zonesim_version() << ": sweep " << s_.name << " of " << s_.base.name << ", design "
                << design_name(s_.design) << ", " << k << " factors, " << P() << " points x " << s_.replications
                << " replications, seed " << s_.seed << "\n";
    char buf[200];
    std::snprintf(buf, sizeof buf, "%lld runs in %.2f s (%.1f runs/s; %d rank%s x %d threads)%s\n\n", runs_, seconds,
                  seconds > 0 ? runs_ / seconds : 0.0, mpi_.size, mpi_.size == 1 ? "" : "s", threads_,
                  resumed_ ? (" after resuming " + std::to_string(resumed_) + " points").c_str() : "");
    std::cout << buf << report << "wrote " << out_ << "\n";
  }

  Mode mode_;
  const char* name_;
  const po::variables_map& vm_;
  SweepSpec& s_;
  CalibrationLoadResult& calibration_;
  SweepPlan& plan_;
  Mpi& mpi_;
  int threads_;
  BaseYearCache* base_years_;
  std::string out_, started_;
  SweepStore::Options so_;
  std::unique_ptr<SweepStore> store_;
  int resumed_ = 0;
  long long runs_ = 0;
  Matrix point_units_;
  std::vector<std::vector<double>> point_rows_;
};

int sweep_main(const std::vector<std::string>& args, Mode mode) {
  const bool calibrate = mode == Mode::calibrate;
  const char* name = command_name(mode);
  po::options_description opts = sweep_options(mode);
  auto vm = parse_with_operands(args, opts, "sweep", 1);
  if (vm.count("help")) {
    print_sweep_help(mode, opts);
    return kOk;
  }
  if (!vm.count("sweep"))
    throw UsageError(std::string(calibrate ? "missing CALIB.yaml" : "missing SWEEP.yaml") + " (see zonesim " + name + " --help)");
  const int threads_opt = threads_option(vm);
  const int threads = threads_opt > 0 ? threads_opt : tbb::info::default_concurrency();

  Mpi mpi;
  if (!start_mpi(mpi, name)) return kBadInput;
  struct Finalize {
    Mpi& m;
    ~Finalize() { m.finalize(); }
  } finalize{mpi};
  const bool root = mpi.rank == 0;

  // Every rank reads the sweep (a shared file system is assumed, as for the scenario).
  CalibrationLoadResult calibration;  // `zonesim calibrate`: the proposals are a sweep
  SweepLoadResult loaded = load_sweep_input(vm["sweep"].as<std::string>(), calibrate, calibration);
  if (!loaded.spec) {
    if (root) print_diagnostics(loaded.diagnostics);
    return kBadInput;
  }
  SweepSpec& s = *loaded.spec;
  if (vm.count("proposals")) {
    if (!calibrate) throw UsageError("--proposals is an option of zonesim calibrate");
    const int n = vm["proposals"].as<int>();
    if (n < 10 || n > 10000000) throw UsageError("--proposals must be 10 to 10000000");
    s.points = n;
    calibration.spec->sweep.points = n;
  }
  if (mode == Mode::optimize) s.design = DesignKind::optimize;
  std::string summary;
  if (std::string problem = check_runnable(s, s.design, summary); !problem.empty()) {
    if (root) std::cerr << "zonesim " << name << ": " << problem << "\n";
    return kBadInput;
  }
  if (vm.count("validate")) {
    if (root) std::cout << s.file << ": ok (" << summary << ")\n";
    return kOk;
  }
  SweepPlan plan(s, make_design(s));
  // Each rank keeps its own base years: the rows do not depend on which rank ran a point.
  const std::unique_ptr<BaseYearCache> base_years = make_base_year_cache(s);
  if (!root) return mpi.worker_loop(s, threads, base_years.get());
  return SweepRun(mode, vm, s, calibration, plan, mpi, threads, base_years.get()).run();
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) { return sweep_main(args, Mode::sweep); }
int cmd_optimize(const std::vector<std::string>& args) { return sweep_main(args, Mode::optimize); }
int cmd_calibrate(const std::vector<std::string>& args) { return sweep_main(args, Mode::calibrate); }

}  // namespace zonesim::cli
