#include "framework/exec/deadline.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace reprise;

namespace {
std::atomic<bool> g_stuck_may_finish{false};

// Works for `ms` milliseconds, polling ctx.cancelled() unless `poll` is false.
class Busy : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context& ctx) override {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(p.get_int("ms"));
    while (std::chrono::steady_clock::now() < end) {
      ctx.progress(0, 1);  // after abandonment this must no longer reach the caller's Context
      if (p.get_bool("poll")) ctx.check_cancelled();
      if (!p.get_bool("poll") && g_stuck_may_finish) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (p.get_bool("fail")) throw std::runtime_error("busy failed");
    Artifact a;
    a.set_scalar("seed", static_cast<double>(ctx.seed() % 1000));
    return a;
  }
};

// Counts progress calls; asserts none arrive after it was declared dead.
class CountingContext : public SimpleContext {
 public:
  using SimpleContext::SimpleContext;
  void progress(std::uint64_t, std::uint64_t) override { ++calls; }
  std::atomic<int> calls{0};
};

Params busy(std::int64_t ms, bool poll, bool fail = false) {
  return Registry::instance().find("test/busy")->make_params({{"ms", ms}, {"poll", poll}, {"fail", fail}});
}

double elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

REPRISE_COMPONENT(Busy, "test/busy", "1", "test: busy loop", param_int("ms", 10, "duration"),
                  param_bool("poll", true, "poll"), param_bool("fail", false, "throw at the end"))

TEST_CASE("run_with_deadline: within the limit the result and the seed come through unchanged") {
  const ComponentInfo& c = *Registry::instance().find("test/busy");
  SimpleContext ctx(1234);
  Artifact a = run_with_deadline(c, Inputs{}, busy(5, true), ctx, 5.0);
  CHECK(a.scalar("seed") == 234);
  CHECK(run_with_deadline(c, Inputs{}, busy(5, true), ctx, 0).scalar("seed") == 234);  // no limit: same thread
  CHECK_THROWS_WITH_AS(run_with_deadline(c, Inputs{}, busy(5, true, true), ctx, 5.0), "busy failed", std::runtime_error);
}

TEST_CASE("run_with_deadline: a polling component is stopped at the deadline") {
  const ComponentInfo& c = *Registry::instance().find("test/busy");
  SimpleContext ctx;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(run_with_deadline(c, Inputs{}, busy(60000, true), ctx, 0.1),
                       "exceeded its timeout of 0.1 s (stopped at the deadline)", DeadlineExceeded);
  CHECK(elapsed(t0) < 0.1 + kGraceSeconds);
}

TEST_CASE("run_with_deadline: a component that does not poll is abandoned after the grace period") {
  const ComponentInfo& c = *Registry::instance().find("test/busy");
  std::size_t before = abandoned_threads();
  auto t0 = std::chrono::steady_clock::now();
  {
    CountingContext ctx;
    CHECK_THROWS_AS(run_with_deadline(c, Inputs{}, busy(60000, false), ctx, 0.1), DeadlineExceeded);
  }  // the caller's Context is gone; the abandoned thread must not touch it
  double secs = elapsed(t0);
  CHECK(secs >= 0.1 + kGraceSeconds - 0.05);
  CHECK(secs < 0.1 + kGraceSeconds + 1.0);
  CHECK(abandoned_threads() == before + 1);
  g_stuck_may_finish = true;  // let it end before the test binary exits
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}
