// `zonesim serve`: the JSON API (api.hpp): the scenario listing, runs and their baselines,
// results and static files. HTTP itself is in session.cpp, reports in report_process.cpp.
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "api.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/output.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;

Response Api::list_scenarios() {
  // Only what POST /api/run would run: scenario_path() is the check of both (a symbolic link
  // out of the scenarios directory is not listed).
  std::vector<std::pair<std::string, fs::path>> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(limits_.scenarios, ec)) {
    if (entry.path().extension() != ".yaml") continue;
    std::string id = entry.path().stem().string();
    std::optional<Response> refused;
    if (auto path = scenario_path(limits_, id, refused)) files.emplace_back(id, *path);
  }
  std::sort(files.begin(), files.end());
  std::string out = "{\"scenarios\":[";
  std::string skipped;
  bool first = true;
  std::map<std::string, ScenarioEntry> fresh;
  for (const auto& [id, path] : files) {
    auto mtime = fs::last_write_time(path, ec);
    auto it = listing_.find(id);
    ScenarioEntry e;
    if (it != listing_.end() && it->second.mtime == mtime && it->second.path == path) {
      e = it->second;
    } else {
      e.mtime = mtime;
      e.path = path;
      LoadResult lr = load_scenario_file(path.string());
      if (lr.scenario) {
        const Scenario& s = *lr.scenario;
        e.json = "{\"id\":" + jstr(id) + ",\"name\":" + jstr(s.name) + ",\"title\":{\"en\":" + jstr(s.title_en) +
                 ",\"zh\":" + jstr(s.title_zh) + "},\"base_year\":" + std::to_string(s.base_year) +
                 ",\"end_year\":" + std::to_string(s.end_year) + ",\"replications\":" + std::to_string(s.replications) +
                 ",\"zones\":" + std::to_string(s.zones.size()) + ",\"targets\":" + std::to_string(s.targets.size()) + "}";
      }
    }
    fresh[id] = e;
    if (e.json.empty()) {
      skipped += (skipped.empty() ? "" : ",") + jstr(id);
    } else {
      out += (first ? "" : ",") + e.json;
      first = false;
    }
  }
  listing_ = std::move(fresh);
  return json_response(200, out + "],\"not_scenarios\":[" + skipped + "]}");
}

Response Api::scenario_detail(const std::string& id) {
  std::optional<Response> err;
  auto path = scenario_path(limits_, id, err);
  if (!path) return std::move(*err);
  LoadResult lr = load_scenario_file(path->string());
  if (!lr.scenario) return diagnostics_response(lr.diagnostics, "the scenario file has errors");
  return json_response(200, scenario_detail_json(id, *lr.scenario));
}

void Api::remember(const std::shared_ptr<RunRecord>& r, bool is_baseline) {
  std::vector<std::shared_ptr<RunRecord>> evicted;
  {
    std::lock_guard lock(runs_m_);
    runs_[r->id] = r;
    auto& order = is_baseline ? baseline_order_ : run_order_;
    order.push_back(r->id);
    const std::size_t keep = static_cast<std::size_t>(std::max(1, is_baseline ? std::max(8, opt_.keep_runs / 4) : opt_.keep_runs));
    while (order.size() > keep) {
      auto it = runs_.find(order.front());
      if (it != runs_.end()) {
        evicted.push_back(it->second);
        runs_.erase(it);
      }
      order.pop_front();
    }
    if (is_baseline)  // a baseline evicted from the runs is evicted from the cache too
      for (auto& e : evicted)
        for (auto b = baselines_.begin(); b != baselines_.end();) {
          auto st = b->second->result.wait_for(std::chrono::seconds(0));
          if (st == std::future_status::ready && b->second->result.get() == e) b = baselines_.erase(b);
          else ++b;
        }
  }
  for (auto& e : evicted) {  // delete the files of forgotten runs (only ours: they are named by id)
    std::error_code ec;
    std::lock_guard lock(e->report_mutex);
    fs::remove(e->h5_path, ec);
    for (const char* lang : {"en", "zh"}) fs::remove(output_ / (e->id + "-" + lang + ".html"), ec);
  }
}

std::shared_ptr<RunRecord> Api::execute(const Scenario& sc, RunMeta meta, std::atomic<bool>& cancel, std::string& error) {
  EnsembleOptions eo;
  eo.threads = opt_.threads;
  eo.cancel = &cancel;
  auto t0 = std::chrono::steady_clock::now();
  meta.started_at = iso_time_now();
  Ensemble ens = run_ensemble(sc, eo);
  if (ens.cancelled || cancel.load()) return nullptr;
  meta.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  meta.threads = ens.threads_used;
  auto targets = evaluate_targets(sc, ens.replications);
  auto rec = std::make_shared<RunRecord>();
  rec->id = meta.id;
  rec->scenario_id = meta.scenario_id;
  rec->json = run_json(sc, ens, targets, meta);
  rec->h5_path = (output_ / (meta.id + ".h5")).string();
  Provenance prov;
  prov.command_line = "zonesim serve: " + equivalent_command(meta.scenario_file, meta, sc.replications, sc.seed);
  prov.started_at = meta.started_at;
  prov.finished_at = iso_time_now();
  prov.threads = ens.threads_used;
  WriteOptions wo;
  wo.force = true;
  wo.cancel = &cancel;
  std::string err;
  {
    std::lock_guard lock(g_hdf5_mutex);
    err = write_run_file(rec->h5_path, sc, ens, targets, prov, wo);
  }
  if (!err.empty()) {
    if (cancel.load()) return nullptr;
    error = err;
    return nullptr;
  }
  return rec;
}

std::shared_ptr<RunRecord> Api::baseline(const std::string& id, const ScenarioSource& source, int replications,
                                         unsigned long long seed, std::atomic<bool>& cancel, std::string& error) {
  LoadResult lr = resolve(source, RunPlan::parse({"replications=" + std::to_string(replications),
                                                  "seed=" + std::to_string(seed)}));
  if (!lr.scenario) {
    error = "the baseline scenario has errors: " + lr.diagnostics.format();
    return nullptr;
  }
  const Scenario& sc = *lr.scenario;
  const std::string key = id + "|" + std::to_string(std::hash<std::string>{}(sc.text)) + "|" +
                          std::to_string(replications) + "|" + std::to_string(seed);
  std::promise<std::shared_ptr<RunRecord>> promise;
  std::shared_ptr<BaselineJob> job;
  bool mine = false;
  {
    std::lock_guard lock(runs_m_);
    auto it = baselines_.find(key);
    if (it != baselines_.end() && !it->second->abandoned) {
      job = it->second;
      ++job->waiting;
    } else {
      job = std::make_shared<BaselineJob>();
      job->result = promise.get_future().share();
      baselines_[key] = job;
      mine = true;
    }
  }
  if (!mine) {
    bool ready = false;
    while (!(ready = job->result.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready))
      if (cancel.load()) break;
    {
      std::lock_guard lock(runs_m_);
      --job->waiting;
    }
    if (!ready) return nullptr;  // this client left; the baseline goes on while others wait for it
    auto r = job->result.get();
    if (!r) error = "the baseline run failed";
    return r;
  }
  // Computed while anyone wants it: this request's client, or another request waiting for the
  // same baseline. When all of them have left (or the server stops), it is cancelled.
  RunMeta meta;
  meta.id = id + "-baseline-" + std::to_string(++counter_) + "-" + random_hex(6);
  meta.scenario_id = id;
  meta.scenario_file = (fs::path(opt_.scenarios_dir) / (id + ".yaml")).string();
  meta.baseline = true;
  std::atomic<bool> own_cancel{false};
  track(&own_cancel, true);
  std::mutex done_m;
  std::condition_variable done_cv;
  bool done = false;
  std::thread watcher([&] {
    std::unique_lock done_lock(done_m);
    while (!done_cv.wait_for(done_lock, std::chrono::milliseconds(20), [&] { return done; })) {
      if (!cancel.load()) continue;
      std::lock_guard lock(runs_m_);
      if (job->waiting == 0) {
        job->abandoned = true;
        own_cancel.store(true);
        return;
      }
    }
  });
  std::shared_ptr<RunRecord> rec;
  std::exception_ptr failure;
  try {
    rec = execute(sc, meta, own_cancel, error);
  } catch (...) {  // not handled here: the watcher is stopped and the waiters told, then rethrown
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(done_m);
    done = true;
  }
  done_cv.notify_one();
  watcher.join();
  track(&own_cancel, false);
  if (rec) remember(rec, true);
  {
    std::lock_guard lock(runs_m_);
    auto it = baselines_.find(key);
    if (rec) job->abandoned = false;  // finished before the cancel took: keep it for others
    else if (it != baselines_.end() && it->second == job) baselines_.erase(it);
  }
  if (failure) {
    promise.set_exception(failure);
    std::rethrow_exception(failure);
  }
  promise.set_value(rec);
  return rec;
}

Api::Reply Api::post_run(RunRequest request) {
  RunMeta meta;
  meta.scenario_id = request.scenario_id;
  meta.scenario_file = request.scenario_file;
  meta.overrides = std::move(request.overrides);
  auto sc = std::move(request.scenario);
  const std::string& id = meta.scenario_id;
  meta.id = id + "-" + std::to_string(++counter_) + "-" + random_hex(6);
  auto source = std::move(request.source);  // the run's file as read: its baseline resolves from it too
  Job job = [this, sc, meta, source](std::atomic<bool>& cancel) -> Response {
    std::string error;
    auto base = baseline(meta.scenario_id, *source, sc->replications, sc->seed, cancel, error);
    if (!base) return cancel.load() ? error_response(503, "cancelled") : error_response(500, error);
    std::shared_ptr<RunRecord> run;
    if (meta.overrides.empty()) {
      run = base;
    } else {
      run = execute(*sc, meta, cancel, error);
      if (!run) return cancel.load() ? error_response(503, "cancelled") : error_response(500, error);
      run->baseline_id = base->id;
      remember(run, false);
    }
    return combined(*run);
  };
  return {std::nullopt, std::move(job)};
}

Api::Reply Api::get_run(const std::string& id, const std::string& what, const std::string& lang) {
  auto run = find_run(id);
  if (!run) return {error_response(404, "no run \"" + id + "\" (runs are kept while the server runs, the latest " +
                                            std::to_string(opt_.keep_runs) + ")"),
                    {}};
  if (what.empty()) return {combined(*run), {}};
  if (what == "output.h5") {
    std::error_code ec;
    if (!fs::exists(run->h5_path, ec)) return {error_response(410, "the run's file is gone"), {}};
    auto res = make_response(200, file_text(run->h5_path), "application/x-hdf5");
    res.set(http::field::content_disposition, "attachment; filename=\"" + run->id + ".h5\"");
    return {std::move(res), {}};
  }
  // report.html (parse_request allows nothing else)
  return {std::nullopt, [this, run, lang](std::atomic<bool>& cancel) { return report(run, lang, cancel); }};
}

Response Api::static_file(const std::string& path) {
  std::string p = path == "/" ? "/index.html" : path;
  if (!web_.empty()) {
    std::string name = p.substr(1);
    if (!safe_name(name)) return error_response(404, "not found");
    std::error_code ec;
    fs::path f = fs::weakly_canonical(web_ / name, ec);
    if (ec || !inside(web_, f) || !fs::is_regular_file(f, ec)) return error_response(404, "not found");
    std::string ext = f.extension().string();
    std::string type = ext == ".html" ? "text/html; charset=utf-8"
                       : ext == ".js" ? "text/javascript; charset=utf-8"
                       : ext == ".css" ? "text/css; charset=utf-8"
                       : ext == ".svg" ? "image/svg+xml" : "application/octet-stream";
    return make_response(200, file_text(f), type);
  }
  const Asset* a = find_embedded_asset(p);
  if (!a) return error_response(404, "not found");
  return make_response(200, std::string(reinterpret_cast<const char*>(a->data), a->size), a->content_type);
}

Api::Reply Api::handle(const Request& req) {
  auto parsed = parse_request(req, limits_);
  if (auto* error = std::get_if<Response>(&parsed)) return {std::move(*error), {}};
  Route& route = std::get<Route>(parsed);
  switch (route.kind) {
    case Route::Kind::static_file:
      return {static_file(route.path), {}};
    case Route::Kind::health: {
      auto [running, queued] = workers_.load();
      return {json_response(200, "{\"ok\":true,\"version\":" + jstr(zonesim_version()) + ",\"runs_running\":" +
                                     std::to_string(running) + ",\"runs_queued\":" + std::to_string(queued) +
                                     ",\"max_runs\":" + std::to_string(opt_.max_runs) + ",\"max_queue\":" +
                                     std::to_string(opt_.max_queue) + ",\"max_replications\":" +
                                     std::to_string(opt_.max_replications) + "}"),
              {}};
    }
    case Route::Kind::levers:
      return {json_response(200, settings_listing(ListingFormat::json)), {}};
    case Route::Kind::scenarios:
      return {list_scenarios(), {}};
    case Route::Kind::scenario:
      return {scenario_detail(route.id), {}};
    case Route::Kind::run:
      return post_run(std::move(*route.run));
    case Route::Kind::get_run:
      return get_run(route.id, route.what, route.lang);
  }
  return {error_response(404, "unknown API path"), {}};
}

}  // namespace zonesim::serve
