// `zonesim serve`: a run's HTML report, made by a `zonesim report` child process (bounded in
// time, cancelled when its clients leave).
#include <fcntl.h>
#include <utility>  // before Asio (GCC 12: awaitable.hpp needs std::exchange)
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "api.hpp"

extern char** environ;

namespace zonesim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;

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

}  // namespace zonesim::serve
