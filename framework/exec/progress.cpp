#include "framework/exec/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace reprise {

namespace {
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2fs" : "%.0fs", s);
  return buf;
}
}  // namespace

Progress::Progress(int verbosity, std::size_t total_nodes)
    : verbosity_(verbosity), tty_(verbosity > 0 && ::isatty(STDERR_FILENO)), total_(total_nodes) {
  if (tty_) thread_ = std::thread([this] { ticker(); });
}

Progress::~Progress() { stop(); }

void Progress::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (tty_) clear_block();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t Progress::begin(const std::string& node, const std::string& component) {
  std::lock_guard lock(mu_);
  std::size_t id = next_slot_++;
  auto now = std::chrono::steady_clock::now();
  slots_[id] = Slot{node, component, 0, 0, now, now};
  if (verbosity_ >= 2) emit("start " + node + " (" + component + ")");
  return id;
}

void Progress::update(std::size_t slot, std::uint64_t done, std::uint64_t total) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(slot);
  if (it == slots_.end()) return;
  it->second.done = done;
  it->second.total = total;
  if (tty_ || verbosity_ == 0 || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now - it->second.last_print < std::chrono::seconds(10)) return;
  it->second.last_print = now;
  double elapsed = std::chrono::duration<double>(now - it->second.start).count();
  emit("  ... " + it->second.node + " " + std::to_string(100 * done / total) + "% (" + seconds_text(elapsed) + ")");
}

void Progress::end(std::size_t slot, const std::string& line, bool finished) {
  std::lock_guard lock(mu_);
  slots_.erase(slot);
  if (finished) ++finished_;
  if (verbosity_ >= 1) emit("[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] " + line);
}

void Progress::finished(const std::string& line) {
  std::lock_guard lock(mu_);
  ++finished_;
  if (verbosity_ >= 2) emit("[" + std::to_string(finished_) + "/" + std::to_string(total_) + "] " + line);
}

void Progress::log(const std::string& line, int min_verbosity) {
  std::lock_guard lock(mu_);
  if (verbosity_ >= min_verbosity) emit(line);
}

// Callers hold mu_.
void Progress::emit(const std::string& line) {
  if (tty_) clear_block();
  std::fprintf(stderr, "%s\n", line.c_str());
  if (tty_ && !stopping_) draw_block();
  std::fflush(stderr);
}

void Progress::clear_block() {
  for (; drawn_lines_ > 0; --drawn_lines_) std::fputs("\x1b[1A\x1b[2K", stderr);
}

void Progress::draw_block() {
  auto now = std::chrono::steady_clock::now();
  for (const auto& [id, s] : slots_) {
    double elapsed = std::chrono::duration<double>(now - s.start).count();
    std::string pct = s.total ? std::to_string(100 * s.done / s.total) + "%" : "...";
    std::fprintf(stderr, "  > %s  %s  %s  %s\n", s.node.c_str(), s.component.c_str(), pct.c_str(), seconds_text(elapsed).c_str());
    ++drawn_lines_;
  }
  std::fprintf(stderr, "  %zu/%zu nodes done\n", finished_, total_);
  ++drawn_lines_;
}

void Progress::ticker() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    clear_block();
    draw_block();
    std::fflush(stderr);
    cv_.wait_for(lock, std::chrono::milliseconds(200));
  }
}

}  // namespace reprise
