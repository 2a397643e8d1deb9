// Unit tests for framework/cache_lock: exclusion, waiting, cancellation and
// recovery from a lock whose holder was killed.
#include "framework/store/cache_lock.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A child process that takes the lock and sleeps until killed; returns its pid once
// it holds the lock.
pid_t hold_in_child(const std::string& path) {
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(ready[0]);
    CacheLock lock = CacheLock::acquire(path);
    [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
    while (true) ::pause();
  }
  ::close(ready[1]);
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  return pid;
}
}  // namespace

TEST_CASE("a lock is taken at once when free, creates its directory, and release removes the file") {
  TempDir dir;
  std::string path = dir.file("ab/0123.h5.lock");
  {
    CacheLock lock = CacheLock::acquire(path);
    CHECK(lock.held());
    CHECK_FALSE(lock.waited());
    CHECK(fs::exists(path));
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a second taker waits until the holder releases") {
  TempDir dir;
  std::string path = dir.file("e.lock");
  CacheLock first = CacheLock::acquire(path);
  std::atomic<bool> got{false};
  std::string holder;
  auto t0 = std::chrono::steady_clock::now();
  double waited_for = 0;
  std::thread t([&] {
    CacheLock second = CacheLock::acquire(path, {}, [&](const std::string& h) { holder = h; }, 10ms);
    waited_for = seconds_since(t0);
    got = second.held() && second.waited();
  });
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(got.load());
  first.release();
  t.join();
  CHECK(got.load());
  CHECK(waited_for >= 0.25);
  CHECK(holder.find(std::to_string(::getpid())) != std::string::npos);  // "host pid" of the holder
}

TEST_CASE("waiting stops when cancelled, holding nothing") {
  TempDir dir;
  std::string path = dir.file("e.lock");
  CacheLock first = CacheLock::acquire(path);
  auto t0 = std::chrono::steady_clock::now();
  CacheLock second = CacheLock::acquire(path, [&] { return seconds_since(t0) > 0.2; }, {}, 10ms);
  CHECK(second.cancelled());
  CHECK_FALSE(second.held());
  CHECK(first.held());
}

TEST_CASE("a lock file left behind without a holder is taken over at once") {
  TempDir dir;
  std::string path = dir.write("e.lock", "deadhost 99999\n");
  auto t0 = std::chrono::steady_clock::now();
  CacheLock lock = CacheLock::acquire(path);
  CHECK(lock.held());
  CHECK_FALSE(lock.waited());
  CHECK(seconds_since(t0) < 0.5);
}

TEST_CASE("the lock of a process killed with SIGKILL is recovered by a waiter") {
  TempDir dir;
  std::string path = dir.file("e.lock");
  pid_t child = hold_in_child(path);
  std::string holder;
  auto t0 = std::chrono::steady_clock::now();
  CacheLock blocked = CacheLock::acquire(path, [&] { return seconds_since(t0) > 0.2; }, [&](const std::string& h) { holder = h; }, 10ms);
  CHECK(blocked.cancelled());  // the child holds it
  CHECK(holder.find(std::to_string(child)) != std::string::npos);
  CHECK_FALSE(CacheLock::remove_if_stale(path));  // held: not stale
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(fs::exists(path));  // the killed holder could not clean up
  t0 = std::chrono::steady_clock::now();
  CacheLock lock = CacheLock::acquire(path, {}, {}, 10ms);
  CHECK(lock.held());
  CHECK(seconds_since(t0) < 1.0);
}

TEST_CASE("remove_if_stale removes only unheld lock files") {
  TempDir dir;
  std::string path = dir.write("e.lock", "x 1\n");
  CHECK(CacheLock::remove_if_stale(path));
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(CacheLock::remove_if_stale(path));  // nothing there
  CacheLock held = CacheLock::acquire(path);
  CHECK_FALSE(CacheLock::remove_if_stale(path));
  CHECK(fs::exists(path));
}
