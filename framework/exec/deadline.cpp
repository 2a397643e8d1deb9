#include "framework/exec/deadline.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace reprise {

namespace {
using Clock = std::chrono::steady_clock;

std::atomic<std::size_t> g_abandoned{0};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

// The Context the component sees on its own thread: forwards to the caller's
// Context until abandoned (under a mutex, so a forward in flight finishes before
// abandon() returns and the caller's Context may die), and reports cancellation
// from the deadline on.
class DeadlineContext : public Context {
 public:
  DeadlineContext(Context& outer, Clock::time_point deadline) : outer_(&outer), seed_(outer.seed()), deadline_(deadline) {}

  std::uint64_t seed() const override { return seed_; }
  void progress(std::uint64_t done, std::uint64_t total) override {
    std::lock_guard lock(mu_);
    if (outer_) outer_->progress(done, total);
  }
  bool cancelled() const override {
    if (Clock::now() >= deadline_) {
      deadline_seen_ = true;
      return true;
    }
    std::lock_guard lock(mu_);
    return !outer_ || outer_->cancelled();
  }
  void log(const std::string& message) override {
    std::lock_guard lock(mu_);
    if (outer_) outer_->log(message);
  }
  // Whether the component was told to stop because of the deadline.
  bool deadline_seen() const { return deadline_seen_; }
  void abandon() {
    std::lock_guard lock(mu_);
    outer_ = nullptr;
  }

 private:
  mutable std::mutex mu_;
  Context* outer_;
  std::uint64_t seed_;
  Clock::time_point deadline_;
  mutable std::atomic<bool> deadline_seen_{false};
};

// Everything the component's thread touches; shared so it outlives an abandoning caller.
struct Job {
  Job(const ComponentInfo& c, const Inputs& i, const Params& p, Context& outer, Clock::time_point deadline)
      : component(c.make()), inputs(i), params(p), ctx(outer, deadline) {}
  std::unique_ptr<Component> component;
  Inputs inputs;  // copies: shared_ptrs to the input artifacts
  Params params;
  DeadlineContext ctx;
  std::promise<Artifact> result;
};
}  // namespace

Artifact run_with_deadline(const ComponentInfo& component, const Inputs& in, const Params& params, Context& ctx,
                           double seconds) {
  if (!(seconds > 0)) return component.make()->run(in, params, ctx);
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto job = std::make_shared<Job>(component, in, params, ctx, deadline);
  std::future<Artifact> future = job->result.get_future();
  std::thread worker([job] {
    try {
      job->result.set_value(job->component->run(job->inputs, job->params, job->ctx));
    } catch (...) {
      job->result.set_exception(std::current_exception());
    }
  });
  auto grace = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kGraceSeconds));
  bool late = future.wait_until(deadline) != std::future_status::ready;
  if (late && future.wait_until(deadline + grace) != std::future_status::ready) {
    job->ctx.abandon();
    worker.detach();
    ++g_abandoned;
    throw DeadlineExceeded("exceeded its timeout of " + seconds_text(seconds) + " and did not stop within " +
                           seconds_text(kGraceSeconds) + " after it (it does not poll ctx.cancelled()); its thread was " +
                           "abandoned and keeps running until reprise exits");
  }
  worker.join();
  // The component may have seen the deadline pass a moment before this thread
  // did: a Cancelled it threw for that reason is a timeout too.
  late = late || job->ctx.deadline_seen();
  try {
    Artifact a = future.get();
    if (!late) return a;
  } catch (const Cancelled&) {
    if (!late) throw;  // the user's Ctrl-C, not the deadline
  }
  // The component's own errors propagate as they are; a result or a Cancelled
  // that came after the deadline means the node overran.
  throw DeadlineExceeded("exceeded its timeout of " + seconds_text(seconds) + " (stopped at the deadline)");
}

std::size_t abandoned_threads() { return g_abandoned.load(); }

}  // namespace reprise
