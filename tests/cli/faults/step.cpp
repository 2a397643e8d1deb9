// test/step: a component for end-to-end tests of failure handling, linked only
// into the test binary `reprise_faults` (never into `reprise`). It can throw,
// return NaN or inf, sleep with or without polling ctx.cancelled(), so tests can
// exercise --keep-going, fail-fast, `timeout:` and the non-finite check through
// the real command line.
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Sleeps `seconds`; when `poll`, checks for cancellation every 10 ms like a well-behaved loop.
void work_for(double seconds, bool poll, Context& ctx) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (poll) ctx.check_cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

class Step : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    work_for(p.get_double("sleep"), p.get_bool("poll"), ctx);
    double value = p.get_double("value");
    if (p.get_bool("fail")) throw std::runtime_error("injected failure (value " + canonical(value) + ")");
    if (in.has("in")) value += in.get("in").scalar("value");
    const std::string& emit = p.get_string("emit");
    if (emit == "nan") value = std::numeric_limits<double>::quiet_NaN();
    if (emit == "inf") value = std::numeric_limits<double>::infinity();
    Artifact a;
    a.set_array("values", Array::from<double>({1}, {value}));
    a.set_scalar("value", value);
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(Step, "test/step", "1", "test-only: returns value (+ its input's), can fail, emit nan/inf or sleep",
                  param_double("value", 1, "the scalar to return"),
                  param_bool("fail", false, "throw instead of returning"),
                  param_string("emit", "finite", "finite: value; nan or inf: that instead").one_of({"finite", "nan", "inf"}),
                  param_double("sleep", 0, "seconds of work before returning").at_least(0),
                  param_bool("poll", true, "poll ctx.cancelled() while working"),
                  optional_input("in", "a test/step whose value is added"),
                  output("value", "scalar"))

}  // namespace reprise
