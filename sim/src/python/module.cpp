// zonesim._core: the Python module behind `import zonesim` (analysis/zonesim, docs/python.md).
// It calls the functions `zonesim run` calls (sim/src/cli/run_command.cpp): load_scenario_file
// with the same overrides in the same order, run_ensemble, evaluate_targets, write_run_file; so a
// run from Python is bit-identical to the command's. User errors (Diagnostics) are raised as
// zonesim.ZonesimError (a ValueError) whose message is the text the command prints; the
// simulation runs with the GIL released, and Ctrl-C (KeyboardInterrupt) cancels it.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/info.h>

#include <cmath>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "zonesim/engine.hpp"
#include "zonesim/indicators.hpp"
#include "zonesim/model.hpp"
#include "zonesim/output.hpp"
#include "zonesim/scenario.hpp"
#include "zonesim/sweep.hpp"

namespace py = pybind11;
using namespace py::literals;

namespace zonesim::python {
namespace {

PyObject* g_error_type = nullptr;  // zonesim._core.ZonesimError, a ValueError; owned by the module

// Raises ZonesimError(message) with `diagnostics`: a list of dicts (file, line, column, key_path,
// message, hint), empty for errors that have no location (e.g. an output file that exists).
[[noreturn]] void raise_user_error(const std::string& message, const Diagnostics* d = nullptr) {
  py::list items;
  if (d) {
    for (const Diagnostic& x : d->items())
      items.append(py::dict("file"_a = x.file, "line"_a = x.line, "column"_a = x.column,
                            "key_path"_a = x.key_path, "message"_a = x.message, "hint"_a = x.hint));
  }
  py::object exc = py::reinterpret_borrow<py::object>(g_error_type)(message);
  exc.attr("diagnostics") = items;
  PyErr_SetObject(g_error_type, exc.ptr());
  throw py::error_already_set();
}

// The text `zonesim run` prints for these diagnostics, without the final newline.
std::string diagnostics_text(const Diagnostics& d) {
  std::string text = d.format();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::shared_ptr<const Scenario> load(const std::string& path, const std::vector<std::string>& overrides) {
  LoadOptions lo;
  lo.overrides = overrides;
  LoadResult loaded;
  {
    py::gil_scoped_release release;
    loaded = load_scenario_file(path, lo);
  }
  if (!loaded.scenario) raise_user_error(diagnostics_text(loaded.diagnostics), &loaded.diagnostics);
  return std::make_shared<const Scenario>(std::move(*loaded.scenario));
}

struct Result {
  std::shared_ptr<const Scenario> scenario;  // targets[k].spec points into it
  Ensemble ensemble;
  std::vector<TargetResult> targets;
  Provenance provenance;
  double seconds = 0;

  std::size_t years() const { return static_cast<std::size_t>(scenario->years() + 1); }
  std::size_t zones() const { return scenario->zones.size() + 1; }
  std::size_t reps() const { return ensemble.replications.size(); }

  // [year, zone, replication] in the display unit, as written to /indicators/<key>.
  py::array_t<double> indicator(const std::string& key) const {
    const Ind i = indicator_by_key(key);
    if (i == Ind::count) raise_user_error("unknown indicator " + key);
    const IndicatorInfo& info = indicator_info(i);
    const std::size_t Y = years(), Z = zones(), R = reps();
    py::array_t<double> out({Y, Z, R});
    auto a = out.mutable_unchecked<3>();
    for (std::size_t y = 0; y < Y; ++y)
      for (std::size_t z = 0; z < Z; ++z)
        for (std::size_t r = 0; r < R; ++r)
          a(y, z, r) = to_display(info.dim, ensemble.replications[r].ind(static_cast<int>(y), static_cast<int>(z), i));
    return out;
  }

  // Columns of /targets (one entry per target, in scenario order), values in the target's unit.
  py::dict target_table() const {
    const TargetTable tt = zonesim::target_table(*scenario, targets, reps());
    const std::size_t T = tt.id.size(), R = tt.replications;
    py::array_t<double> values({T, R});
    py::array_t<std::uint8_t> met({T, R});
    std::copy(tt.values.begin(), tt.values.end(), values.mutable_data());
    std::copy(tt.met.begin(), tt.met.end(), met.mutable_data());
    auto list = [](const auto& column) { return py::list(py::cast(column)); };
    return py::dict("id"_a = list(tt.id), "kind"_a = list(tt.kind), "indicator"_a = list(tt.indicator),
                    "zone"_a = list(tt.zone), "comparison"_a = list(tt.comparison), "value"_a = list(tt.value),
                    "unit"_a = list(tt.unit), "year"_a = list(tt.year), "mean"_a = list(tt.mean),
                    "p05"_a = list(tt.p05), "p50"_a = list(tt.p50), "p95"_a = list(tt.p95),
                    "probability"_a = list(tt.probability), "label_en"_a = list(tt.label_en),
                    "label_zh"_a = list(tt.label_zh), "source"_a = list(tt.source), "values"_a = values,
                    "met"_a = met);
  }

  void to_hdf5(const std::string& path, bool force) const {
    create_default_output_dir(path);
    if (std::string problem = check_output_path(path, force); !problem.empty()) raise_user_error(problem);
    WriteOptions wo;
    wo.force = force;
    std::string err;
    {
      py::gil_scoped_release release;
      err = write_run_file(path, *scenario, ensemble, targets, provenance, wo);
    }
    if (!err.empty()) throw std::runtime_error(err);
  }
};

// Runs work(cancel) on a worker thread with the GIL released; the calling thread wakes every
// 50 ms to let Python handle signals, and a KeyboardInterrupt sets `cancel` and is raised once the
// work has stopped.
template <class T>
T run_interruptible(const std::function<T(const std::atomic<bool>& cancel)>& work) {
  std::atomic<bool> cancel{false};
  std::promise<T> done;
  std::future<T> result = done.get_future();
  std::thread worker([&] {
    try {
      done.set_value(work(cancel));
    } catch (...) {  // handed over to the calling thread, which rethrows it
      done.set_exception(std::current_exception());
    }
  });
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;
        cancel.store(true);
        break;
      }
    }
    result.wait();
  }
  worker.join();
  if (interrupted) throw py::error_already_set();  // the KeyboardInterrupt set by the handler
  return result.get();
}

std::shared_ptr<Result> run(const std::string& path, const std::vector<std::string>& overrides, int threads,
                            const std::vector<int>& firm_panel, const std::string& command_line) {
  if (threads < 0) raise_user_error("threads must be 0 (all cores) or more");
  auto res = std::make_shared<Result>();
  res->scenario = load(path, overrides);
  const Scenario& sc = *res->scenario;
  EnsembleOptions eo;
  eo.threads = threads;
  for (int r : firm_panel) {
    if (r < 0 || r >= sc.replications)
      raise_user_error("firm_panel replication " + std::to_string(r) + " is outside 0.." +
                       std::to_string(sc.replications - 1));
    eo.panel_replications.push_back(r);
  }
  res->provenance.command_line = command_line;
  res->provenance.started_at = iso_time_now();
  auto t0 = std::chrono::steady_clock::now();
  res->ensemble = run_interruptible<Ensemble>([&](const std::atomic<bool>& cancel) {
    eo.cancel = &cancel;
    return run_ensemble(sc, eo);
  });
  res->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res->provenance.finished_at = iso_time_now();
  res->provenance.threads = res->ensemble.threads_used;
  {
    py::gil_scoped_release release;
    res->targets = evaluate_targets(sc, res->ensemble.replications);
  }
  return res;
}

// `zonesim sweep SWEEP.yaml -o OUT` (or `zonesim optimize`) on one process: the same points,
// evaluated by evaluate_point and stored by SweepStore as the command does (sweep_command.cpp,
// without MPI), so the file's datasets are the command's. Points run one after the other, each
// with its replications in parallel. Interrupted: the finished points stay in the journal and
// resume=True continues.
py::dict run_sweep(const std::string& path, std::string out, int threads, bool force, bool resume, bool optimize,
                   const std::string& command_line) {
  using namespace zonesim::sweep;
  if (threads < 0) raise_user_error("threads must be 0 (all cores) or more");
  SweepLoadResult loaded;
  {
    py::gil_scoped_release release;
    loaded = load_sweep_file(path);
  }
  if (!loaded.spec) raise_user_error(diagnostics_text(loaded.diagnostics), &loaded.diagnostics);
  SweepSpec& s = *loaded.spec;
  if (optimize) s.design = DesignKind::optimize;
  if (s.design == DesignKind::optimize && s.base.targets.empty())
    raise_user_error("the base scenario has no targets; a policy search needs them");
  const int nthreads = threads > 0 ? threads : tbb::info::default_concurrency();
  SweepPlan plan(s, make_design(s));
  const std::unique_ptr<BaseYearCache> base_years = make_base_year_cache(s);
  const int P = plan.total_points();
  if (out.empty()) out = "out/" + s.name + ".h5";
  create_default_output_dir(out);

  SweepStore::Options so;
  so.resume = resume;
  so.force = force;
  so.threads = nthreads;
  so.ranks = 1;
  so.command_line = command_line;
  const std::string started = iso_time_now();
  SweepStore::OpenError error;
  std::unique_ptr<SweepStore> store;
  {
    py::gil_scoped_release release;
    store = SweepStore::open(out, s, P, so, error,
                             [&](int p, const auto& unit, const auto& rows) { plan.record(p, unit, rows); });
  }
  if (!store) raise_user_error(error.message);
  const int resumed = store->done_points();

  auto t0 = std::chrono::steady_clock::now();
  const bool complete = run_interruptible<bool>([&](const std::atomic<bool>& cancel) {
    return plan.run(*store, [&](int first, const Matrix& pts) {
      for (int j = 0; j < static_cast<int>(pts.size()); ++j) {
        if (cancel.load()) return false;
        if (store->done(first + j)) continue;
        const auto& unit = pts[static_cast<std::size_t>(j)];
        std::vector<double> rows = evaluate_point(s, unit, nthreads, base_years.get());
        store->write_point(first + j, unit, rows);
        plan.record(first + j, unit, rows);
      }
      return true;
    });
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!complete) throw std::runtime_error("sweep stopped before its end");  // not reached: interrupts raise
  std::string report;
  {
    py::gil_scoped_release release;
    report = store->finish(started);
  }
  return py::dict("path"_a = out, "report"_a = report, "points"_a = P, "replications"_a = s.replications,
                  "seed"_a = s.seed, "name"_a = s.name, "design"_a = std::string(design_name(s.design)),
                  "resumed_points"_a = resumed, "seconds"_a = seconds, "threads"_a = nthreads);
}

py::dict scenario_info(const Scenario& s) {
  py::list zones, zone_names_en, zone_names_zh, targets;
  for (const auto& z : s.zones) {
    zones.append(z.id);
    zone_names_en.append(z.name_en.empty() ? z.id : z.name_en);
    zone_names_zh.append(z.name_zh.empty() ? z.id : z.name_zh);
  }
  for (const auto& t : s.targets) targets.append(t.id);
  return py::dict("name"_a = s.name, "title_en"_a = s.title_en, "title_zh"_a = s.title_zh, "file"_a = s.file,
                  "replications"_a = s.replications, "seed"_a = s.seed, "base_year"_a = s.base_year,
                  "end_year"_a = s.end_year, "zones"_a = zones, "zone_names_en"_a = zone_names_en,
                  "zone_names_zh"_a = zone_names_zh, "targets"_a = targets, "text"_a = s.text);
}

}  // namespace
}  // namespace zonesim::python

PYBIND11_MODULE(_core, m) {
  using namespace zonesim;
  using namespace zonesim::python;
  m.doc() = "zonesim's engine (see the zonesim package and docs/python.md)";
  g_error_type = PyErr_NewException("zonesim._core.ZonesimError", PyExc_ValueError, nullptr);
  m.add_object("ZonesimError", py::handle(g_error_type));
  m.attr("version") = zonesim_version();
  m.attr("git_revision") = zonesim_git_revision();

  m.def(
      "load", [](const std::string& path, const std::vector<std::string>& overrides) {
        return scenario_info(*python::load(path, overrides));
      },
      "path"_a, "overrides"_a, "Loads and validates a scenario: its description, or ZonesimError");

  py::class_<Result, std::shared_ptr<Result>>(m, "Result")
      .def("indicator", &Result::indicator, "key"_a)
      .def("target_table", &Result::target_table)
      .def("to_hdf5", &Result::to_hdf5, "path"_a, "force"_a)
      .def("table", [](const Result& r) { return format_target_table(*r.scenario, r.targets); })
      .def_property_readonly("scenario", [](const Result& r) { return scenario_info(*r.scenario); })
      .def_property_readonly("seconds", [](const Result& r) { return r.seconds; })
      .def_property_readonly("threads", [](const Result& r) { return r.ensemble.threads_used; })
      .def_property_readonly("replications", [](const Result& r) { return r.reps(); })
      .def_property_readonly("years", [](const Result& r) {
        std::vector<int> y;
        for (int k = r.scenario->base_year; k <= r.scenario->end_year; ++k) y.push_back(k);
        return y;
      });

  m.def("run", &run, "path"_a, "overrides"_a, "threads"_a, "firm_panel"_a, "command_line"_a,
        "Loads the scenario with the overrides and runs it, as `zonesim run` does");
  m.def("sweep", &run_sweep, "path"_a, "output"_a, "threads"_a, "force"_a, "resume"_a, "optimize"_a,
        "command_line"_a, "Runs a sweep file as `zonesim sweep` (or `zonesim optimize`) does, on one process");
  m.def("indicators", [] {
    py::list out;
    for (const IndicatorInfo& info : indicator_infos())
      out.append(py::make_tuple(std::string(info.key), dim_unit_text(info.dim), std::string(info.en), std::string(info.zh)));
    return out;
  }, "(key, unit, label_en, label_zh) of every indicator, in file order");
}
