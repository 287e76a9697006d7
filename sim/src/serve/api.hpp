// `zonesim serve`: the JSON API behind the HTTP sessions (api.cpp), its runs and their reports
// (report_process.cpp). The I/O thread and the workers share one Api.
#pragma once

#include <utility>  // before Asio (GCC 12: awaitable.hpp needs std::exchange)

#include <boost/beast/http.hpp>
#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "request.hpp"
#include "results.hpp"
#include "serve.hpp"
#include "workers.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;

// ---- small helpers (http_util.cpp) -----------------------------------------------------------

// The whole file (empty when it cannot be read).
std::string file_text(const fs::path& p);
// `n` random hexadecimal digits (run ids).
std::string random_hex(std::size_t n);
// HDF5 (Debian's build) is not thread-safe: one writer at a time.
extern std::mutex g_hdf5_mutex;

// ---- runs ------------------------------------------------------------------------------------

struct RunRecord {
  std::string id, scenario_id, json, h5_path;
  std::string baseline_id;  // empty for a baseline
  std::mutex report_mutex;  // one report generation per run at a time
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
  // False when the pool is full (workers.hpp: the delivery runs once the job's slot is free).
  bool submit(Workers::Job fn) { return workers_.try_submit(std::move(fn)); }

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
  std::shared_ptr<RunRecord> baseline(const std::string& id, const ScenarioSource& source, int replications,
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

}  // namespace zonesim::serve
