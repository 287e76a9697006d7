// `zonesim serve`: HTTP with Boost.Beast (one I/O thread, asynchronous sessions), runs on a small
// pool of worker threads with a bounded queue (workers.hpp). See serve.hpp for the API, api.hpp
// for what answers it.
#include <utility>  // before Asio (GCC 12: awaitable.hpp needs std::exchange)
#include <signal.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "api.hpp"
#include "request.hpp"
#include "serve.hpp"
#include "zonesim/output.hpp"

namespace zonesim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;

namespace {

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
    bool accepted = api_.submit([self, cancel, job = std::move(job)]() -> Workers::Delivery {
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
      // Handed to the session once the worker's slot is free (workers.hpp).
      return [self, res = std::move(res)]() mutable {
        net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->finish_job(std::move(res)); });
      };
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
