// `zonesim serve`: HTTP with Boost.Beast (one I/O thread, asynchronous sessions), runs on a small
// pool of worker threads with a bounded queue. See serve.hpp for the API.
#include <fcntl.h>
#include <utility>  // before Asio (GCC 12: awaitable.hpp needs std::exchange)
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "request.hpp"
#include "results.hpp"
#include "serve.hpp"
#include "zonesim/engine.hpp"
#include "zonesim/listing.hpp"
#include "zonesim/output.hpp"
#include "zonesim/scenario.hpp"

extern char** environ;

namespace zonesim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;

namespace {

// ---- small helpers ---------------------------------------------------------------------------

std::string file_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string random_hex(std::size_t n) {
  static std::mutex m;
  static std::mt19937_64 gen{std::random_device{}()};
  std::lock_guard lock(m);
  std::string out;
  const char* digits = "0123456789abcdef";
  for (std::size_t i = 0; i < n; ++i) out += digits[gen() % 16];
  return out;
}

// HDF5 (Debian's build) is not thread-safe: one writer at a time.
std::mutex g_hdf5_mutex;

// ---- runs ------------------------------------------------------------------------------------

struct RunRecord {
  std::string id, scenario_id, json, h5_path;
  std::string baseline_id;  // empty for a baseline
  std::mutex report_mutex;  // one report generation per run at a time
};

// A bounded pool of worker threads: at most `workers` jobs run at once, at most `queue` wait.
class Workers {
 public:
  Workers(int workers, int queue) : queue_limit_(static_cast<std::size_t>(queue)) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
    capacity_ = static_cast<std::size_t>(workers) + queue_limit_;
  }
  ~Workers() { stop(); }
  bool try_submit(std::function<void()> job) {
    std::lock_guard lock(m_);
    if (stopping_ || jobs_.size() + running_ >= capacity_) return false;
    jobs_.push_back(std::move(job));
    cv_.notify_one();
    return true;
  }
  void stop() {
    {
      std::lock_guard lock(m_);
      if (stopping_) return;
      stopping_ = true;
      jobs_.clear();
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  std::pair<std::size_t, std::size_t> load() {
    std::lock_guard lock(m_);
    return {running_, jobs_.size()};
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        ++running_;
      }
      try {
        job();
      } catch (...) {  // a job reports its own errors; never take the server down
      }
      std::lock_guard lock(m_);
      --running_;
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t running_ = 0, queue_limit_ = 0, capacity_ = 0;
  bool stopping_ = false;
};

struct ScenarioEntry {
  fs::file_time_type mtime;
  fs::path path;     // the file, symbolic links followed
  std::string json;  // listing entry; empty when the file is not a valid scenario
};

// Everything the API needs; shared by the I/O thread and the workers.
class Api {
 public:
  Api(const ServeOptions& o, std::atomic<bool>& stop) : opt_(o), stop_(stop), workers_(o.max_runs, o.max_queue) {
    std::error_code ec;
    fs::create_directories(opt_.output_dir, ec);
    limits_.scenarios = fs::canonical(opt_.scenarios_dir);
    limits_.scenarios_dir = opt_.scenarios_dir;
    limits_.max_replications = opt_.max_replications;
    limits_.max_years = opt_.max_years;
    output_ = fs::canonical(opt_.output_dir);
    if (!opt_.web_dir.empty()) web_ = fs::canonical(opt_.web_dir);
  }
  ~Api() { shutdown(); }
  void shutdown() {
    {
      std::lock_guard lock(active_m_);
      for (auto* c : active_) c->store(true);
    }
    workers_.stop();
  }
  const ServeOptions& options() const { return opt_; }
  const fs::path& scenarios_dir() const { return limits_.scenarios; }
  const fs::path& output_dir() const { return output_; }

  // A deferred reply: runs on a worker; the session writes what it returns.
  using Job = std::function<Response(std::atomic<bool>& cancel)>;
  struct Reply {
    std::optional<Response> now;
    Job later;
  };

  Reply handle(const Request& req);
  bool submit(std::function<void()> fn) { return workers_.try_submit(std::move(fn)); }

  void track(std::atomic<bool>* c, bool add) {
    std::lock_guard lock(active_m_);
    if (add) {
      active_.insert(c);
      if (stop_.load()) c->store(true);
    } else {
      active_.erase(c);
    }
  }

 private:
  Response list_scenarios();
  Response scenario_detail(const std::string& id);
  Reply post_run(RunRequest request);
  Reply get_run(const std::string& id, const std::string& what, const std::string& lang);
  Response static_file(const std::string& path);

  // Runs a loaded scenario and registers the record (h5 written). Null when cancelled.
  std::shared_ptr<RunRecord> execute(const Scenario& sc, RunMeta meta, std::atomic<bool>& cancel, std::string& error);
  std::shared_ptr<RunRecord> baseline(const std::string& id, const fs::path& file, int replications,
                                      unsigned long long seed, std::atomic<bool>& cancel, std::string& error);
  void remember(const std::shared_ptr<RunRecord>& r, bool baseline);
  std::shared_ptr<RunRecord> find_run(const std::string& id) {
    std::lock_guard lock(runs_m_);
    auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second;
  }
  Response combined(const RunRecord& run) {
    std::string base = "null";
    if (!run.baseline_id.empty())
      if (auto b = find_run(run.baseline_id)) base = b->json;
    if (run.baseline_id.empty()) base = run.json;
    return json_response(200, "{\"run\":" + run.json + ",\"baseline\":" + base + "}");
  }
  Response report(const std::shared_ptr<RunRecord>& run, const std::string& lang, std::atomic<bool>& cancel);

  // A baseline computed (or being computed) for the requests that need it. The request that
  // started it computes it; others with the same scenario, replications and seed wait for it.
  struct BaselineJob {
    std::shared_future<std::shared_ptr<RunRecord>> result;
    int waiting = 0;         // requests waiting for it, besides the one computing it (runs_m_)
    bool abandoned = false;  // all of them left: it is being cancelled; not reused (runs_m_)
  };

  ServeOptions opt_;
  RequestLimits limits_;
  std::atomic<bool>& stop_;
  fs::path output_, web_;
  Workers workers_;
  std::mutex active_m_;
  std::set<std::atomic<bool>*> active_;
  std::map<std::string, ScenarioEntry> listing_;  // I/O thread only
  std::mutex runs_m_;
  std::map<std::string, std::shared_ptr<RunRecord>> runs_;
  std::deque<std::string> run_order_, baseline_order_;
  std::map<std::string, std::shared_ptr<BaselineJob>> baselines_;  // by key
  std::atomic<long> counter_{0};
};

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

std::shared_ptr<RunRecord> Api::baseline(const std::string& id, const fs::path& file, int replications,
                                         unsigned long long seed, std::atomic<bool>& cancel, std::string& error) {
  LoadOptions lo;
  lo.overrides = {"replications=" + std::to_string(replications), "seed=" + std::to_string(seed)};
  LoadResult lr = load_scenario_file(file.string(), lo);
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
  const fs::path file = request.file;
  Job job = [this, sc, meta, file](std::atomic<bool>& cancel) -> Response {
    std::string error;
    auto base = baseline(meta.scenario_id, file, sc->replications, sc->seed, cancel, error);
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

Response Api::report(const std::shared_ptr<RunRecord>& run, const std::string& lang, std::atomic<bool>& cancel) {
  std::lock_guard lock(run->report_mutex);
  const fs::path html = output_ / (run->id + "-" + lang + ".html");
  const fs::path log = output_ / (run->id + "-" + lang + ".log");
  std::error_code ec;
  if (!fs::exists(html, ec)) {
    if (!fs::exists(run->h5_path, ec)) return error_response(410, "the run's file is gone");
    std::vector<std::string> args = {opt_.self_exe, "report", run->h5_path, "-o", html.string(), "--lang", lang, "--force"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, opt_.self_exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return error_response(500, "cannot start zonesim report");
    auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    for (;;) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) break;
      if (w < 0) break;
      bool late = std::chrono::steady_clock::now() - t0 > std::chrono::seconds(opt_.report_timeout_s);
      if (cancel.load() || late) {
        kill(pid, SIGTERM);
        waitpid(pid, &status, 0);
        fs::remove(html, ec);
        return error_response(late ? 504 : 503, late ? "the report took too long" : "cancelled");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string out = file_text(log);
    fs::remove(log, ec);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(html, ec)) {
      fs::remove(html, ec);
      if (out.size() > 2000) out = out.substr(out.size() - 2000);
      return error_response(500, "zonesim report failed: " + out);
    }
  }
  auto res = make_response(200, file_text(html), "text/html; charset=utf-8");
  res.set(http::field::content_disposition, "inline; filename=\"" + run->id + "-" + lang + ".html\"");
  return res;
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

// ---- HTTP sessions ---------------------------------------------------------------------------

struct ServerState {
  std::atomic<int> connections{0};
  bool loopback_only = true;
};

bool allowed_host(std::string_view host, const ServeOptions& o) {
  // Strip the port ("[::1]:8080", "localhost:8080").
  std::string h(host);
  if (!h.empty() && h.front() == '[') {
    auto end = h.find(']');
    h = h.substr(0, end == std::string::npos ? h.size() : end + 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos) {
    h = h.substr(0, colon);
  }
  for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return h == "localhost" || h == "127.0.0.1" || h == "[::1]" || h == o.host;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Api& api, ServerState& state)
      : stream_(std::move(socket)), api_(api), state_(state) {
    ++state_.connections;
  }
  ~Session() { --state_.connections; }
  void start() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this())); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(api_.options().max_body);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit)
    {
      Diagnostics d;
      d.add({"request", 0, 0, "", "the request is larger than " + std::to_string(api_.options().max_body) + " bytes",
             "send only the changed levers"});
      return send(diagnostics_response(d, "request too large", 413), 413, true);
    }
    if (ec == http::error::header_limit) return send(error_response(431, "request headers too large"), 431, true);
    if (ec) {
      // Malformed HTTP gets an answer; timeouts and resets just close.
      if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return send(error_response(400, "malformed HTTP request: " + ec.message()), 400, true);
      return close();
    }
    req_ = parser_->release();
    t0_ = std::chrono::steady_clock::now();
    if (state_.loopback_only && !allowed_host(std::string_view(req_[http::field::host].data(), req_[http::field::host].size()), api_.options()))
      return send(error_response(403, "this server answers only requests for localhost"), 403, false);
    Api::Reply reply;
    try {
      reply = api_.handle(req_);
    } catch (const std::exception& e) {
      reply.now = error_response(500, std::string("internal error: ") + e.what());
    }
    if (reply.now) return send(std::move(*reply.now), 0, false);
    start_job(std::move(reply.later));
  }

  // A long request (a run, a report) on a worker. While it runs, watch the socket: when the
  // client goes away the job is cancelled.
  void start_job(Api::Job job) {
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto self = shared_from_this();
    auto cancel = cancel_;
    api_.track(cancel.get(), true);
    bool accepted = api_.submit([self, cancel, job = std::move(job)] {
      Response res;
      if (cancel->load()) {
        res = error_response(503, "cancelled");
      } else {
        try {
          res = job(*cancel);
        } catch (const std::bad_alloc&) {
          res = error_response(503, "out of memory");
        } catch (const std::exception& e) {
          res = error_response(500, std::string("internal error: ") + e.what());
        }
      }
      net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->finish_job(std::move(res)); });
    });
    if (!accepted) {
      api_.track(cancel.get(), false);
      cancel_.reset();
      auto res = error_response(429, "the server is busy: " + std::to_string(api_.options().max_runs) +
                                         " runs are running and the queue is full; retry in a moment");
      res.set(http::field::retry_after, "1");
      return send(std::move(res), 429, false);
    }
    job_running_ = true;
    stream_.expires_never();
    watch();
  }

  void watch() {
    auto self = shared_from_this();
    stream_.socket().async_wait(tcp::socket::wait_read, [self](beast::error_code ec) {
      if (!self->job_running_) return;
      if (ec) {
        if (ec != net::error::operation_aborted) self->cancel_->store(true);
        return;
      }
      char c;
      ssize_t n = ::recv(self->stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        self->cancel_->store(true);  // the client closed the connection: stop the run
        return;
      }
      // Data (a pipelined request): keep it for the next read; stop watching.
    });
  }

  void finish_job(Response res) {
    job_running_ = false;
    api_.track(cancel_.get(), false);
    const bool gone = cancel_->load();
    cancel_.reset();
    beast::error_code ignored;
    stream_.socket().cancel(ignored);  // ends the watch
    if (gone) return close();
    send(std::move(res), 0, false);
  }

  void send(Response res, unsigned, bool close_after) {
    res.set(http::field::server, "zonesim/" + zonesim_version());
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(!close_after && req_.keep_alive());
    if (req_.method() == http::verb::head) {
      res.content_length(res.body().size());
      res.body().clear();
    }
    log(res.result_int());
    res_ = std::make_shared<Response>(std::move(res));
    stream_.expires_after(std::chrono::seconds(60));
    http::async_write(stream_, *res_, beast::bind_front_handler(&Session::on_write, shared_from_this(), res_->need_eof()));
  }

  void on_write(bool close_after, beast::error_code ec, std::size_t) {
    res_.reset();
    if (ec || close_after) return close();
    read();
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  void log(unsigned status) {
    if (api_.options().quiet) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::string target(req_.target());
    if (target.size() > 120) target = target.substr(0, 120) + "...";
    std::fprintf(stderr, "%s %s %u %.3f s\n", std::string(req_.method_string()).c_str(), target.c_str(), status, s);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request req_;
  std::shared_ptr<Response> res_;
  Api& api_;
  ServerState& state_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  bool job_running_ = false;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint ep, Api& api, ServerState& state)
      : ioc_(ioc), acceptor_(ioc), api_(api), state_(state) {
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }
  void stop() {
    beast::error_code ec;
    acceptor_.close(ec);
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (state_.connections.load() >= api_.options().max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // too many open connections: refuse
      } else {
        std::make_shared<Session>(std::move(socket), api_, state_)->start();
      }
    } else {
      // EMFILE and the like: wait a little instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    accept();
  }
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  Api& api_;
  ServerState& state_;
};

}  // namespace

int run_server(const ServeOptions& options, std::atomic<bool>& stop) {
  std::error_code ec;
  if (!fs::is_directory(options.scenarios_dir, ec)) {
    std::cerr << "zonesim serve: the scenarios directory \"" << options.scenarios_dir << "\" does not exist\n";
    return 2;
  }
  fs::create_directories(options.output_dir, ec);
  if (!fs::is_directory(options.output_dir, ec)) {
    std::cerr << "zonesim serve: cannot create the output directory \"" << options.output_dir << "\"\n";
    return 2;
  }
  if (!options.web_dir.empty() && !fs::is_directory(options.web_dir, ec)) {
    std::cerr << "zonesim serve: the web directory \"" << options.web_dir << "\" does not exist\n";
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  ServerState state;  // outlives the sessions the io_context still holds
  net::io_context ioc{1};
  beast::error_code bec;
  auto address = net::ip::make_address(options.host, bec);
  if (bec) {
    std::cerr << "zonesim serve: \"" << options.host << "\" is not an IP address (use 127.0.0.1 or ::1)\n";
    return 2;
  }
  Api api(options, stop);
  state.loopback_only = address.is_loopback();
  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(ioc, tcp::endpoint{address, options.port}, api, state);
  } catch (const boost::system::system_error& e) {
    std::cerr << "zonesim serve: cannot listen on " << options.host << ":" << options.port << ": " << e.code().message() << "\n";
    return 2;
  }
  listener->start();
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { stop.store(true); });
  // Poll the stop flag (set by signals or by the caller) and wind down.
  net::steady_timer timer(ioc);
  std::function<void(beast::error_code)> tick = [&](beast::error_code) {
    if (stop.load()) {
      listener->stop();
      api.shutdown();
      ioc.stop();
      return;
    }
    timer.expires_after(std::chrono::milliseconds(200));
    timer.async_wait(tick);
  };
  tick({});
  std::string host = address.is_v6() ? "[" + options.host + "]" : options.host;
  std::cout << "zonesim serve: listening on http://" << host << ":" << listener->port() << "/  (scenarios: "
            << api.scenarios_dir().string() << ", output: " << api.output_dir().string() << ")" << std::endl;
  ioc.run();
  api.shutdown();
  if (!options.quiet) std::cerr << "zonesim serve: stopped\n";
  return 0;
}

}  // namespace zonesim::serve
