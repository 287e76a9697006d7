// The server's pool of workers (sim/src/serve/workers.hpp) without a server: how many jobs it
// takes, and when a job's slot is free again. tests/serve/test_api.py (ServeLimits) checks the
// same promises against the running server.
#include <catch2/catch.hpp>
#include <future>
#include <stdexcept>
#include <thread>
#include <utility>

#include "workers.hpp"

using zonesim::serve::Workers;

TEST_CASE("the pool takes as many jobs as it has workers and queue places, then refuses") {
  Workers pool(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  auto blocking = [&] {
    return [&started, released]() -> Workers::Delivery {
      started.set_value();
      released.wait();
      return {};
    };
  };
  REQUIRE(pool.try_submit(blocking()));
  started.get_future().wait();  // running: one worker busy
  CHECK(pool.load() == std::pair<std::size_t, std::size_t>{1, 0});
  REQUIRE(pool.try_submit([]() -> Workers::Delivery { return {}; }));  // waits in the queue
  CHECK(pool.load() == std::pair<std::size_t, std::size_t>{1, 1});
  CHECK_FALSE(pool.try_submit([]() -> Workers::Delivery { return {}; }));  // full
  release.set_value();
}

TEST_CASE("a job's answer is delivered only once its slot is free") {
  // The session writes a run's answer from its delivery. The slot used to be freed after the
  // answer was on its way: a client that asked again as soon as it had its answer could get
  // 429 "busy" from a pool running nothing (serve.api failed intermittently on loaded CI).
  Workers pool(1, 0);
  for (int i = 0; i < 100; ++i) {
    std::promise<std::pair<std::pair<std::size_t, std::size_t>, bool>> seen;
    REQUIRE(pool.try_submit([&]() -> Workers::Delivery {
      return [&] {
        // What the client finds when it asks again the moment it has the answer.
        auto load = pool.load();
        bool accepted = pool.try_submit([]() -> Workers::Delivery { return {}; });
        seen.set_value({load, accepted});
      };
    }));
    auto [load, accepted] = seen.get_future().get();
    CHECK(load == std::pair<std::size_t, std::size_t>{0, 0});
    CHECK(accepted);
    while (pool.load() != std::pair<std::size_t, std::size_t>{0, 0}) std::this_thread::yield();
  }
}

TEST_CASE("a job that throws frees its slot") {
  Workers pool(1, 0);
  std::promise<void> done;
  REQUIRE(pool.try_submit([]() -> Workers::Delivery { throw std::runtime_error("job failed"); }));
  while (pool.load() != std::pair<std::size_t, std::size_t>{0, 0}) std::this_thread::yield();
  REQUIRE(pool.try_submit([&]() -> Workers::Delivery { return [&] { done.set_value(); }; }));
  done.get_future().wait();
}
