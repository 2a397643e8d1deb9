// Deadline: runs one component under a wall-clock limit (a node's `timeout:`).
//
// Threads cannot be killed safely, so the limit is enforced in two steps:
//   1. cooperative: from the deadline on, the component's ctx.cancelled() is true,
//      so a component that polls it (ctx.check_cancelled() in its loops, as the
//      component contract asks) throws Cancelled at its next poll and its thread
//      ends normally;
//   2. abandonment: a component that has not returned kGraceSeconds after the
//      deadline (it does not poll) is given up on. The caller gets
//      DeadlineExceeded at once; the component's thread is detached and keeps
//      running, owning copies of its inputs and params, until it returns (its
//      result is then dropped) or the process exits. It never touches the caller's
//      state again: its Context stops forwarding progress and logs the moment it is
//      abandoned. Because such a thread may still be running, a process with
//      abandoned_threads() > 0 must end with _exit() rather than return from main
//      (static destructors would run under it).
// A result that arrives after the deadline counts as a timeout too, so the outcome
// depends only on the node's running time, not on how often it polls.
// Without a timeout (seconds <= 0) the component runs on the calling thread.
#pragma once

#include <cstddef>
#include <stdexcept>

#include "framework/core/registry.hpp"

namespace reprise {

// How long after its deadline a component may take to notice ctx.cancelled().
constexpr double kGraceSeconds = 1.0;

// Thrown when a node ran past its timeout; what() says how long and whether it was abandoned.
struct DeadlineExceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs component.make()->run(in, params, ctx) with a limit of `seconds` (none when <= 0).
// Throws DeadlineExceeded on overrun; Cancelled and the component's own exceptions pass through.
Artifact run_with_deadline(const ComponentInfo& component, const Inputs& in, const Params& params, Context& ctx,
                           double seconds);

// Components abandoned so far in this process (their threads may still run).
std::size_t abandoned_threads();

}  // namespace reprise
