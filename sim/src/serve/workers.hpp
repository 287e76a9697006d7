// `zonesim serve`: the pool of worker threads that runs simulations and reports.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace zonesim::serve {

// A bounded pool of worker threads: at most `workers` jobs run at once, at most `queue` wait.
class Workers {
 public:
  // A job runs on a worker and returns its delivery (may be empty): what hands its answer to the
  // client. The delivery runs only once the job's slot is free, so a client that has its answer
  // finds the slot free: its next request is not refused as busy, and /api/health no longer
  // counts the job. (Delivering first let a planner who asked again at once get a 429 from a
  // server running nothing of theirs.)
  using Delivery = std::function<void()>;
  using Job = std::function<Delivery()>;

  Workers(int workers, int queue) : queue_limit_(static_cast<std::size_t>(queue)) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
    capacity_ = static_cast<std::size_t>(workers) + queue_limit_;
  }
  ~Workers() { stop(); }
  bool try_submit(Job job) {
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
      Job job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        ++running_;
      }
      Delivery deliver;
      try {
        deliver = job();
      } catch (...) {  // a job reports its own errors; never take the server down
      }
      {
        std::lock_guard lock(m_);
        --running_;
      }
      if (!deliver) continue;
      try {
        deliver();
      } catch (...) {
      }
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::vector<std::thread> threads_;
  std::size_t running_ = 0, queue_limit_ = 0, capacity_ = 0;
  bool stopping_ = false;
};

}  // namespace zonesim::serve
